/*
 * flow.h - the per-worker flow table.
 *
 * A flow is keyed by (family, protocol, innermost VLAN, address pair, port
 * pair) in canonical order, so both directions find the same entry.  The
 * table is owned by one worker: no locks.  Memory is bounded by a memcap
 * that counts the flow structs and everything hanging off them (nDPI state,
 * stream buffers, dissector state); when a new flow would exceed it, the
 * least recently seen flow is ended early (counted in flow_stats.evicted).
 *
 * Idle timeouts are kept with one LRU list per timeout class, so expiry is
 * O(expired): each list's tail is its oldest flow.
 */
#ifndef EDGEWARD_FLOW_H
#define EDGEWARD_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "checksum.h"
#include "decode.h"

struct ndpi_flow_struct;
struct dissector;
struct stream;
struct pending;

enum flow_class {
	FC_TCP_OPEN = 0,
	FC_TCP_CLOSED,
	FC_UDP,
	FC_OTHER,
	FC_MAX
};

struct flow_key {
	uint8_t		a[16], b[16];	/* a <= b (with ports breaking ties) */
	uint16_t	pa, pb;
	uint16_t	vlan;
	uint8_t		family;
	uint8_t		proto;
};

/* The outermost tunnel a flow arrived in, and the chain of layer types. */
struct flow_encap {
	uint8_t		n;
	uint8_t		types[ENCAP_MAX];
	uint32_t	ids[ENCAP_MAX];
	struct encap_layer outer;	/* first tunnel layer with endpoints */
	uint8_t		has_outer;
};

#define FLOW_TCP_SYN		0x01
#define FLOW_TCP_SYNACK		0x02
#define FLOW_TCP_FIN_C		0x04
#define FLOW_TCP_FIN_S		0x08
#define FLOW_TCP_RST		0x10
#define FLOW_TCP_DATA		0x20	/* payload in either direction */

/*
 * A TCP packet seen before the flow's first payload, while nDPI's flow
 * state is not allocated yet (dpi.c): what nDPI reads of such a packet,
 * kept so it can be replayed into that state when it is allocated.
 */
#define FLOW_PRE_MAX		3
struct flow_prepkt {
	uint32_t	dt_us;		/* packet time - flow first_us */
	uint32_t	seq, ack;
	uint8_t		flags;		/* TCP flags */
	uint8_t		to_server;	/* sent by the client */
};

struct flow {
	struct flow	*hnext;
	struct flow	*lru_prev, *lru_next;
	struct flow_key	 key;
	uint8_t		 client_is_a;	/* direction: a is the client */
	uint8_t		 fclass;	/* enum flow_class, its LRU list */
	uint8_t		 tcp_flags;	/* FLOW_TCP_* seen */
	uint8_t		 dpi_done;	/* nDPI's classification is final */
	uint8_t		 pl_dirs;	/* bit per direction: payload seen */
	uint8_t		 session;	/* DET_EV_SESSION delivered */
	uint16_t	 det_pkt_subs;	/* detectors (registry index bits)
					   that asked for this flow's
					   packets: det_flow_packets() */
	uint32_t	 synack_seq;	/* first SYN-ACK's, once FLOW_TCP_SYNACK */
	uint32_t	 syn_seq;	/* first SYN's sequence number, once
					 * FLOW_TCP_SYN is set */
	struct csum_flow csum;		/* checksum policy state */
	uint64_t	 first_us, last_us;
	uint64_t	 first_seq;	/* reader's packet number: a stable id */
	uint64_t	 pkts[2], bytes[2];	/* [0] to server, [1] to client */
	uint32_t	 hash;

	/* nDPI (freed once detection is final) */
	struct ndpi_flow_struct *ndpi;
	uint64_t	 ndpi_mem;		/* bytes charged for it (dpi.c) */
	uint16_t	 app_master, app_proto;	/* ndpi_protocol ids */
	uint16_t	 app_category;		/* ndpi_protocol_category_t */
	uint16_t	 dpi_pkts;
	struct flow_prepkt pre[FLOW_PRE_MAX];	/* before nDPI state */

	/* dissector and TCP streams (allocated only when one attaches) */
	const struct dissector *dis;
	void		*dis_state;
	struct stream	*stream;
	struct pending	*pend;		/* unconsumed stream bytes */
	uint8_t		 dis_done;
	uint8_t		 dis_live;	/* dissector state allocated */
	uint8_t		 probed[2];
	uint8_t		 ports_checked;	/* dissector port match done */
	uint8_t		 npre;		/* pre[] in use (nDPI) */

	/* encapsulation the flow arrived in (NULL: none) */
	struct flow_encap *encap;
	/* Followed by flow_table_opts.extra bytes: see flow_extra(). */
};

struct flow_stats {
	uint64_t	created;
	uint64_t	ended;
	uint64_t	timed_out;
	uint64_t	evicted;	/* memcap */
	uint64_t	active;
	uint64_t	peak_active;
	uint64_t	memory;
	uint64_t	peak_memory;
	uint64_t	alloc_failures;
	uint64_t	fixed_memory;	/* the hash buckets */
	uint64_t	unreleased;	/* left charged after every flow ended */
	uint64_t	end_charge_refused;	/* charges refused while a flow
					 * end ran (flow_mem_charge) */
	uint64_t	tcp_reused;	/* flows ended by a new connection's
					 * SYN on their 5-tuple */
	struct csum_stats csum;		/* checksum policy (checksum.h) */
};

struct flow_table;

/*
 * Called for each flow before it is freed (timeout, eviction, end).  The
 * flow is already out of the table: it can no longer be found or evicted.
 * The callback may charge memory (flow_mem_charge), but never evicts for
 * it: a charge that does not fit under the memcap fails (counted in
 * flow_stats.end_charge_refused).
 */
typedef void (*flow_end_fn)(void *arg, struct flow *f);

struct flow_table_opts {
	unsigned	hash_size;
	/*
	 * Bytes allocated (zeroed) after each struct flow for its consumers
	 * (the detectors' per-flow state), charged with the flow.
	 */
	size_t		extra;
	uint64_t	memcap;
	uint64_t	timeout_us[FC_MAX];
	uint64_t	active_timeout_us;
	flow_end_fn	end;
	void		*end_arg;
	enum csum_mode	checksum;	/* checksum_validation (checksum.h) */
};

struct flow_table *flow_table_new(const struct flow_table_opts *o);
/*
 * The bucket array a table of hash_size starts with: charged to the memcap
 * as fixed memory before any flow (the configuration check keeps it to
 * half of flow_memcap at most).
 */
uint64_t flow_table_bucket_bytes(unsigned hash_size);
/*
 * Ends every flow (in first_seq order); flow_stats.unreleased then says
 * how much memory was charged and never released (0 when the accounting
 * is right).
 */
void		 flow_table_end_all(struct flow_table *t);
/* Ends every flow (flow_table_end_all) and frees the table. */
void		 flow_table_free(struct flow_table *t);

/*
 * Finds or creates the flow of a decoded packet; *dir is set to
 * DIR_TO_SERVER or DIR_TO_CLIENT.  Returns NULL when memory could not be
 * found even after eviction (counted).  The flow is owned by the table.
 *
 * Checksums come first: a packet the checksum policy (checksum.h) drops
 * gets NULL (counted in flow_stats.csum) and creates, splits or updates no
 * flow, so neither nDPI, the stream nor a dissector ever sees it.  Once
 * nDPI and the dissector are done with a flow (dpi_state, dis_done), only
 * its SYN, FIN and RST segments are still verified.
 *
 * TCP port reuse: a SYN without ACK on the 5-tuple of a flow that has seen
 * a FIN or a RST, or only a SYN and no payload yet, starts a new connection
 * unless its sequence number is the flow's first SYN's (a retransmission):
 * the old flow is ended (counted in tcp_reused) and a new one, whose client
 * is the SYN's sender, takes the packet.  A SYN in an open flow that
 * carried data is not a new connection (RFC 5961 answers it with a
 * challenge ACK), nor is a SYN in a flow first seen at its SYN-ACK.
 */
struct flow	*flow_lookup(struct flow_table *t, const struct pkt *p, int *dir);
/* Updates counters, TCP state and the LRU position for one packet. */
void		 flow_update(struct flow_table *t, struct flow *f,
		    const struct pkt *p, int dir);
/* Ends flows idle past their class timeout at packet time now_us. */
void		 flow_expire(struct flow_table *t, uint64_t now_us);
/* Marks the flow being worked on so memcap eviction never picks it. */
void		 flow_set_busy(struct flow_table *t, struct flow *f);
/*
 * Memory accounting for things hanging off flows (nDPI, streams).
 * A charge that would pass the memcap evicts least recently seen flows
 * (never the busy one) and fails (-1) when that is not enough, or at once
 * while a flow end callback runs (no eviction from inside an end).  Every
 * successful charge is released by whoever frees what it paid for.
 * flow_mem_force() counts memory that is already allocated (nDPI's) even
 * past the memcap; the next charge evicts.
 */
int		 flow_mem_charge(struct flow_table *t, size_t n);
void		 flow_mem_force(struct flow_table *t, size_t n);
void		 flow_mem_release(struct flow_table *t, size_t n);
/*
 * What malloc really takes for an n-byte block (its header and rounding):
 * flows and their tunnel records are charged that, so a memcap bounds the
 * resident memory they take.
 */
size_t		 flow_mem_block(size_t n);
/* The flow_table_opts.extra bytes that follow a flow. */
void		*flow_extra(struct flow *f);
const struct flow_stats *flow_table_stats(const struct flow_table *t);

/* Client/server view of a flow's addresses. */
const uint8_t	*flow_client_addr(const struct flow *f);
const uint8_t	*flow_server_addr(const struct flow *f);
uint16_t	 flow_client_port(const struct flow *f);
uint16_t	 flow_server_port(const struct flow *f);

/* Symmetric hash of an address pair (used to choose a worker). */
uint32_t	 flow_pair_hash(int family, const uint8_t *a, const uint8_t *b);

#endif
