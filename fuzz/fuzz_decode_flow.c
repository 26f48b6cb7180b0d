/*
 * fuzz_decode_flow.c - libFuzzer target for the decoder and the flow table.
 *
 * Input: the first byte picks one of the link types decode_packet()
 * supports (its low bits modulo their number), the rest is one captured frame (caplen == wirelen, and every
 * fourth input claims a longer wire length so the snap-length paths run).
 * A decoded packet goes through flow_lookup()/flow_update() on one flow
 * table kept across inputs with a tiny memcap, so eviction, expiry (every
 * 16th input), the busy flow, the active timeout and the checksum policy
 * (auto) all run.  The table is
 * freed and rebuilt every 4096 inputs so it never grows stale.
 *
 * Build: ./configure --enable-fuzzing CC=clang && make fuzz/fuzz_decode_flow
 * Run:   ./fuzz/fuzz_decode_flow -max_total_time=300 [corpus-dir]
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "flow.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int links[] = {
	LINK_NULL, LINK_EN10MB, LINK_RAW, LINK_LOOP, LINK_SLL, LINK_SLL2,
	LINK_IPV4, LINK_IPV6, LINK_RAW12, LINK_RAW14, LINK_PPP, LINK_C_HDLC,
	LINK_IEEE802_11, LINK_RADIOTAP, LINK_PPI
};
#define NLINKS	(sizeof(links) / sizeof(links[0]))

static struct flow_table *table;
static uint64_t inputs;

static struct flow_table *
table_new(void)
{
	struct flow_table_opts o = {
		.hash_size = 16,
		.memcap = 16 * 8 + 6 * sizeof(struct flow) +
		    3 * sizeof(struct flow_encap),
		.timeout_us = { 3000, 1000, 2000, 500 },
		.active_timeout_us = 5000,
		.checksum = CSUM_MODE_AUTO,	/* checksum.c runs too */
	};

	return flow_table_new(&o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct decode_opts dopts = { 8, 1 };
	struct decode_stats st = { { 0 } };
	struct flow *f;
	struct pkt p;
	uint32_t caplen, wirelen;
	int dir;

	if (size < 1)
		return 0;
	if (table == NULL && (table = table_new()) == NULL)
		return 0;
	inputs++;
	caplen = (uint32_t)(size - 1);
	wirelen = inputs % 4 == 0 ? caplen + 100 : caplen;
	if (decode_packet(&dopts, &st, &p, links[data[0] % NLINKS], data + 1,
	    caplen, wirelen, inputs * 100) == 0) {
		p.seq = inputs;
		if ((f = flow_lookup(table, &p, &dir)) != NULL) {
			flow_update(table, f, &p, dir);
			if (data[0] & 0x80)
				flow_set_busy(table, f);
			else
				flow_set_busy(table, NULL);
		}
	}
	if (inputs % 16 == 0)
		flow_expire(table, inputs * 100);
	if (inputs % 4096 == 0) {
		flow_table_free(table);
		table = NULL;
	}
	return 0;
}
