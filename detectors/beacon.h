/*
 * beacon.h - what the beacon detector (beacon.c, in the workers) tells its
 * correlator (beacon_corr.c, in the publisher): the two halves of one
 * feature share these observation records (det_observe(), output.h);
 * nothing else includes this header.
 *
 * Why two halves: a series is one client's events towards one server
 * address, one name or one registered domain; a name served by several
 * addresses, and lookups through several resolvers, are different address
 * pairs, hence different workers.  The worker turns flows into events;
 * the publisher, which sees every worker's records in their final order,
 * scores the series.
 *
 * Records (header: the flow's endpoints; body: a struct below followed by
 * name_len bytes of name, not terminated):
 *   BEACON_OBS_CONN  a connection: its start, its bytes when nDPI's answer
 *                    was final, its server name (TLS SNI, HTTP Host)
 *   BEACON_OBS_DNS   a DNS query: its time and name
 *   BEACON_OBS_BEAT  a burst of payload from the client on a long-lived
 *                    flow (TCP or UDP): a heartbeat candidate
 */
#ifndef EDGEWARD_BEACON_H
#define EDGEWARD_BEACON_H

#include <stdint.h>

#define BEACON_OBS_CONN		0x0201
#define BEACON_OBS_DNS		0x0202
#define BEACON_OBS_BEAT		0x0203

#define BEACON_NAME_MAX		253
#define BEACON_APP_LEN		32

struct beacon_obs {
	uint64_t	flow;		/* the flow's first packet number */
	uint64_t	ts_us;		/* the event: connection start, query,
					   burst start */
	uint64_t	bytes_up;	/* client to server */
	uint64_t	bytes_down;
	uint64_t	prev_us;	/* BEAT: the burst before, when the flow's
					   first (0 otherwise) */
	uint16_t	name_len;	/* bytes of name after the struct */
	uint16_t	regdom_off;	/* where the registered domain starts */
	char		app[BEACON_APP_LEN];	/* nDPI's name, "" none */
	/* followed by name_len bytes of name */
};

#endif
