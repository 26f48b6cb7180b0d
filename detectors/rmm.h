/*
 * rmm.h - what the remote-access detector (rmm.c, in the workers) tells
 * its correlator (rmm_corr.c, in the publisher): the two halves of one
 * feature share these observation records (det_observe(), output.h) and
 * nothing else includes this header.
 *
 * Why two halves: one finding is due per (client, tool, tenant) and
 * window, but a tool's relays, its DNS lookups (client <> resolver) and
 * its sessions are different address pairs, hence different workers.  The
 * worker matches each flow against the catalogue (it has the packets);
 * the publisher, which sees every worker's records in their final order,
 * folds them into findings.
 *
 * Records (record header: the flow's endpoints; body: the structs below,
 * fixed size, strings NUL-terminated and cut to their buffers):
 *   RMM_OBS_MATCH  a flow (a session) or a DNS query matched a tool
 *   RMM_OBS_END    a matched session ended: its byte counts
 */
#ifndef EDGEWARD_RMM_H
#define EDGEWARD_RMM_H

#include <stdint.h>

#define RMM_OBS_MATCH		0x0101
#define RMM_OBS_END		0x0102

#define RMM_ID_LEN		32	/* tool id, as rmm_allowed names it */
#define RMM_TOOL_LEN		48	/* display name */
#define RMM_VENDOR_LEN		64
#define RMM_MITRE_LEN		16
#define RMM_TENANT_LEN		128
#define RMM_VALUE_LEN		128
#define RMM_APP_LEN		32
#define RMM_FLOW_EVIDENCE	4	/* evidence items a flow carries */

/* Where a piece of evidence came from (names: rmm_corr.c). */
enum rmm_source {
	RMM_SRC_DNS = 1,	/* a DNS query name */
	RMM_SRC_TLS_SNI,	/* TLS or QUIC server name */
	RMM_SRC_HTTP_HOST,
	RMM_SRC_SERVER_NAME,	/* another protocol's server name (nDPI) */
	RMM_SRC_HTTP_UA,
	RMM_SRC_TLS_SUBJECT,	/* server certificate */
	RMM_SRC_TLS_ISSUER,
	RMM_SRC_PORT,		/* port with its structural check */
	RMM_SRC_NDPI,		/* nDPI protocol, recognised from payload */
	RMM_SRC_NDPI_RISK,	/* nDPI desktop/file-sharing risk */
	RMM_SRC_MAX
};

struct rmm_evidence {
	uint8_t		source;		/* enum rmm_source */
	char		value[RMM_VALUE_LEN];
};

struct rmm_match {
	uint64_t		flow;		/* first packet number */
	uint64_t		start_us;	/* the flow's first packet */
	uint64_t		bytes;		/* both directions, so far */
	uint8_t			is_dns;		/* a DNS query (server: resolver) */
	uint8_t			commercial;	/* an RMM product, not a protocol */
	uint8_t			confidence;
	uint8_t			nev;
	uint8_t			decided_by;	/* source that chose the tool */
	char			tool_id[RMM_ID_LEN];
	char			tool[RMM_TOOL_LEN];
	char			vendor[RMM_VENDOR_LEN];
	char			mitre[RMM_MITRE_LEN];
	char			tenant[RMM_TENANT_LEN];	/* "" unknown */
	char			app_proto[RMM_APP_LEN];	/* nDPI's name */
	struct rmm_evidence	ev[RMM_FLOW_EVIDENCE];
};

struct rmm_end {
	uint64_t	flow;
	uint64_t	start_us, end_us;
	uint64_t	bytes;			/* both directions, since the
						   match was reported */
	char		tool_id[RMM_ID_LEN];
	char		tenant[RMM_TENANT_LEN];
};

#endif
