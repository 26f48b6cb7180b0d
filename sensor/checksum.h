/*
 * checksum.h - TCP and UDP checksum verification, and the policy that keeps
 * packets with a bad checksum out of flows, streams and dissectors.
 *
 * Why: a segment the receiving host drops (bad checksum) must not be taken
 * as data by the sensor, or one forged segment as long as a PASS line,
 * arriving first, wins the overlap (stream.h: first wins) and hides the real
 * login (insertion, Ptacek and Newsham 1998).
 *
 * Verdicts (RFC 768, RFC 9293 section 3.1, RFC 8200 section 8.1; the sum of
 * RFC 1071 over the pseudo-header and the transport header and payload):
 *   CSUM_UNCHECKED  not verifiable: the capture lacks part of the datagram
 *                   (snap length), an IPv4 UDP checksum of 0 (none sent), an
 *                   IPv6 routing header (the pseudo-header would need the
 *                   final destination), not TCP or UDP, or validation off.
 *                   A fragment is never verified; the reassembled datagram
 *                   is.
 *   CSUM_OK         the sum verifies.
 *   CSUM_OFFLOAD    does not verify, but the field holds the folded
 *                   pseudo-header sum, with or without the transport length
 *                   (or, TCP only, 0): what the capturing host's stack
 *                   leaves for the NIC to finish (Linux CHECKSUM_PARTIAL,
 *                   also on GRO-merged received segments; large-send
 *                   offload sums the pseudo-header without the length).
 *                   All but one packet of pcaps/recorded (veth in
 *                   namespaces) are like this, and 20 of the 57 shared
 *                   captures mix such packets with good ones, in both
 *                   directions.
 *   CSUM_BAD        anything else.
 *
 * Policy (configuration key checksum_validation):
 *   no    nothing is verified; every packet is taken.
 *   yes   strict, for taps and SPAN ports (the packets were on the wire, so
 *         offload cannot show, as long as GRO and LRO are off on the
 *         capture interface: the segments they merge get the pseudo-header
 *         sum too): only CSUM_OK and CSUM_UNCHECKED are taken.
 *   auto  (default) CSUM_OFFLOAD is taken as well; CSUM_BAD is dropped,
 *         except in a flow whose checksums the capture has evidently
 *         rewritten: the handshake's SYN had a bad checksum, the other side
 *         answered it all the same (SYN-ACK acknowledging it, also bad), and
 *         no SYN or SYN-ACK of the flow verified.  A real host drops such a
 *         SYN, so the capture is not showing the wire (anonymised or
 *         rewritten traces); such flows are not verified (counted).  Until
 *         the answer comes, bad-checksum SYN and SYN-ACK without payload
 *         are taken provisionally; nothing else with a bad checksum is.
 *
 * Cost: the flow table verifies a packet only while something will read
 * it: every packet of a flow until nDPI and the dissector (if any) are done
 * with it, and after that the SYN, FIN and RST segments that change its
 * state (flow.c payload_unread).  On bench/gen_mix.py's mix that is about
 * 5% more CPU than no validation (7% when every packet was verified).
 *
 * Unlike Suricata's checksum-validation auto (the first 1000 packets of an
 * interface decide for all of it when more than 10% are bad), the decision
 * is per packet and per flow: deterministic whatever the number of workers,
 * meaningful on a 10-packet capture, and one offloaded host cannot switch
 * validation off for the whole link.  What auto cannot tell apart: a forged
 * segment whose checksum field is its pseudo-header sum looks offloaded; use
 * yes where offload cannot appear.
 *
 * Packet bytes are read through struct cursor only.
 */
#ifndef EDGEWARD_CHECKSUM_H
#define EDGEWARD_CHECKSUM_H

#include <stdint.h>

#include "decode.h"

/* Values of the checksum_validation key, in its choice-list order. */
enum csum_mode {
	CSUM_MODE_NO = 0,
	CSUM_MODE_AUTO,
	CSUM_MODE_YES
};

enum csum_verdict {
	CSUM_UNCHECKED = 0,
	CSUM_OK,
	CSUM_OFFLOAD,
	CSUM_BAD
};

/* Per-flow policy state, kept in struct flow (zero: nothing seen). */
struct csum_flow {
	uint8_t		flags;		/* CSF_* (checksum.c) */
	uint32_t	bad_syn_seq;	/* the bad-checksum SYN's sequence */
};

struct csum_stats {
	uint64_t	tcp_bad;	/* TCP segments dropped */
	uint64_t	udp_bad;	/* UDP datagrams dropped */
	uint64_t	offload;	/* taken with the offload signature */
	uint64_t	unreliable;	/* flows not verified (rewritten) */
};

/* The verdict on the innermost TCP or UDP checksum of a decoded packet. */
enum csum_verdict csum_verdict(const struct pkt *p);

/*
 * Applies the policy: returns 1 when the packet may go on into its flow,
 * 0 when it is dropped (counted in st).  cf is the flow's state (a fresh
 * zeroed one for a packet that would create a flow) and is updated.
 */
int	csum_admit(enum csum_mode m, struct csum_flow *cf, const struct pkt *p,
	    enum csum_verdict v, struct csum_stats *st);

/*
 * The RFC 1071 sum of len bytes plus start (a sum this returned before),
 * folded to 16 bits, not complemented.
 */
uint16_t csum_fold(const uint8_t *data, size_t len, uint16_t start);

#endif
