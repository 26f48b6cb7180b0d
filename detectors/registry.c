/*
 * registry.c - the detectors the engine runs, in the order it runs them for
 * each event, and the correlators the publisher runs.  Adding a detector is its file, one extern and one line here,
 * one line in Makefile.am, and its tests; no central header changes (the
 * descriptors are declared only here).
 */
#include <stddef.h>

#include "correlator.h"
#include "detector.h"

extern const struct detector credential_detector;
extern const struct detector ndpi_cleartext_detector;
extern const struct detector rmm_detector;
extern const struct detector beacon_detector;
extern const struct detector nonstd_port_detector;
/* tunnels (issue 9) */
extern const struct detector tunnel_dns_detector;
extern const struct detector tunnel_doh_detector;
extern const struct detector tunnel_icmp_detector;
extern const struct detector tunnel_encap_detector;
extern const struct detector tunnel_proxy_detector;
extern const struct detector tunnel_misplaced_detector;
extern const struct detector tunnel_ssh_detector;
extern const struct detector tunnel_services_detector;
extern const struct detector tunnel_vpn_detector;
/* edge devices (issue 8) */
extern const struct detector edge_device_detector;
extern const struct detector packet_capture_detector;

const struct detector *const detector_registry[] = {
	&credential_detector,
	&ndpi_cleartext_detector,
	&rmm_detector,
	&beacon_detector,
	&nonstd_port_detector,
	&tunnel_dns_detector,
	&tunnel_doh_detector,
	&tunnel_icmp_detector,
	&tunnel_encap_detector,
	&tunnel_proxy_detector,
	&tunnel_misplaced_detector,
	&tunnel_ssh_detector,
	&tunnel_services_detector,
	&tunnel_vpn_detector,
	/* edge devices (issue 8) */
	&edge_device_detector,
	&packet_capture_detector,
	NULL
};

/*
 * Correlators: the publisher's stages, in order (correlator.h).  Records
 * flow through them from the first to the last, then to the sinks.
 */
extern const struct correlator credential_correlator;
extern const struct correlator edge_correlator;	/* issue 8 */
extern const struct correlator rmm_correlator;
extern const struct correlator beacon_correlator;
extern const struct correlator handoff_correlator;
extern const struct correlator tunnel_dedup_correlator;

const struct correlator *const correlator_registry[] = {
	&credential_correlator,
	&edge_correlator,	/* issue 8: folds before the hand-off chain */
	&rmm_correlator,
	&beacon_correlator,
	&handoff_correlator,
	&tunnel_dedup_correlator,
	NULL
};
