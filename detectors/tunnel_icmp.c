/*
 * tunnel_icmp.c - data tunnelled in ICMP and ICMPv6 echo: tunnel, type
 * icmp_tunnel, ATT&CK T1095 (Non-Application Layer Protocol) and T1572.
 *
 * Ping implementations fill the echo data with a timestamp and a fixed
 * pattern (RFC 792 lets them put anything there, and they keep it dull):
 *   Linux iputils and the BSDs and macOS: a timestamp (8 or 16 bytes),
 *     then bytes that count up from the offset (0x08.. or 0x10..), 56
 *     bytes by default; -s changes the size, -p repeats a pattern;
 *   Windows: "abcdefghijklmnopqrstuvwabcdefghi" (32 bytes) repeated;
 *   busybox, routers and monitoring: zeros or one repeated byte.
 * And the replying host echoes the request's data unchanged (RFC 792,
 * RFC 4443 4.2).  A tunnel breaks both: its data is its own (often
 * compressed or encrypted, high in entropy), and the server's replies
 * carry the server's data, not the request's.
 *
 * Per (host pair), over icmp_tunnel_window seconds: echo packets, those
 * whose data matches no ping pattern, replies whose data differs from
 * their request's (matched by identifier and sequence number among the
 * last 8 requests), data sizes, bytes and the mean entropy of the odd
 * packets.  A finding when at least icmp_tunnel_min_packets echo packets
 * were seen, at least half matched no ping pattern, and either a quarter
 * of the replies did not echo their request, or the odd data's mean
 * entropy reached icmp_tunnel_min_entropy, or it came in 4 or more sizes.
 * Known tools (signatures/icmp_tunnel_tools.txt: ptunnel and ptunnel-ng,
 * hans, icmptunnel's raw IPv4) are reported on their first packet.
 *
 * Not reported: ordinary ping of any size, rate or pattern (the data
 * matches a pattern and is echoed), ICMP errors, pairs in tunnel_allowed,
 * and a pair again within tunnel_report_interval.  State: a bounded LRU
 * per worker (one worker sees both directions of a pair), charged to
 * detector_memcap; the least recently seen pair makes room, counted
 * tunnel_icmp_evicted.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"
#include "codec.h"
#include "cursor.h"
#include "decode.h"
#include "detector.h"
#include "flow.h"
#include "lru.h"
#include "sigdb.h"
#include "sigfile.h"
#include "tunnel_util.h"

#define IT_PAIRS	16384
#define IT_RECENT	8
#define IT_SIGS		64
#define IT_MAGIC_MAX	16
#define IT_TOOL		24

struct it_sig {
	char		 tool[IT_TOOL];
	uint16_t	 off;		/* into the echo data */
	uint8_t		 len;		/* 0: an IPv4 header there */
	uint8_t		 magic[IT_MAGIC_MAX];
};

struct it_tables {
	struct it_sig	*sig;
	unsigned	 nsig;
};

struct it_key {
	uint8_t		 family;
	uint8_t		 pad[7];
	uint8_t		 a[16], b[16];	/* client (first sender), server */
};

struct it_req {
	uint16_t	 id, seq;
	uint32_t	 hash;		/* of the request's data */
};

struct it_pair {
	uint64_t	 window_start;
	uint32_t	 packets, odd, replies, mismatched;
	uint32_t	 sum_entropy;	/* of odd packets, 1/100 bit per byte */
	uint32_t	 max_len;
	uint64_t	 bytes;
	uint16_t	 sizes[4];	/* distinct data sizes, up to 4 */
	uint8_t		 nsizes;
	uint8_t		 next;		/* ring position in recent[] */
	struct it_req	 recent[IT_RECENT];
};

struct it_worker {
	struct lru		*t;
	struct tunnel_once	 once;
};

static const uint8_t icmp_protos[] = { 1, 58, 0 };

/* ---- the data ------------------------------------------------------------ */

static uint32_t
hash32(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

/*
 * Whether echo data looks like a ping program's: bytes counting up (after
 * a timestamp of up to 24 bytes), the Windows alphabet, or a pattern of up
 * to 16 bytes repeated (zeros, -p).  Short data (up to 24 bytes: a bare
 * timestamp) passes.
 */
static int
ping_pattern(const uint8_t *d, size_t n)
{
	static const char win[] = "abcdefghijklmnopqrstuvw";
	size_t i, start, per;
	int ok;

	if (n <= 24)
		return 1;
	/* counting up, from any offset within the first 24 bytes on */
	for (start = 0; start <= 24; start++) {
		for (i = start + 1; i < n; i++)
			if (d[i] != (uint8_t)(d[i - 1] + 1))
				break;
		if (i == n && n - start >= 8)
			return 1;
	}
	/* Windows: a..w repeated */
	for (i = 0; i < n; i++)
		if (d[i] != (uint8_t)win[i % 23])
			break;
	if (i == n)
		return 1;
	/* a short pattern repeated after a timestamp of 0, 8 or 16 bytes */
	for (start = 0; start <= 16; start += 8)
		for (per = 1; per <= 16; per++) {
			ok = 1;
			for (i = start + per; i < n && ok; i++)
				ok = d[i] == d[i - per];
			if (ok)
				return 1;
		}
	return 0;
}

static const struct it_sig *
tool_of(const struct it_tables *t, const uint8_t *d, size_t n)
{
	const struct it_sig *s;
	unsigned i;
	size_t tl;

	for (i = 0; t != NULL && i < t->nsig; i++) {
		s = &t->sig[i];
		if (s->len > 0) {
			if (n >= (size_t)s->off + s->len &&
			    memcmp(d + s->off, s->magic, s->len) == 0)
				return s;
			continue;
		}
		/* a whole IPv4 datagram: version 4, IHL 5..15, its total
		 * length exactly the rest of the data */
		if (n < (size_t)s->off + 20 || d[s->off] < 0x45 ||
		    d[s->off] > 0x4f)
			continue;
		tl = (size_t)d[s->off + 2] << 8 | d[s->off + 3];
		if (tl == n - s->off)
			return s;
	}
	return NULL;
}

/* ---- findings ------------------------------------------------------------ */

static int
allowed(struct detctx *ctx, const struct flow *f)
{
	return addrpairs_match(det_sets(ctx)->tunnel_allowed, f->key.family,
	    flow_client_addr(f), flow_server_addr(f));
}

static int
once(struct detctx *ctx, struct it_worker *w, const struct flow *f,
    uint8_t kind, const char *tool)
{
	struct tunnel_once_key k;

	tunnel_once_key(&k, kind, f->key.family, flow_client_addr(f),
	    flow_server_addr(f), tool != NULL ? tunnel_once_hash(tool,
	    strlen(tool)) : 0);
	return tunnel_once(ctx, &w->once, &k, "tunnel_icmp_forgotten");
}

static void
report_tool(struct detctx *ctx, const struct it_sig *s, size_t n)
{
	struct finding fd;

	finding_init(&fd, FK_TUNNEL, SEV_HIGH, 90);
	finding_mitre(&fd, "T1095");
	finding_mitre(&fd, "T1572");
	finding_str(&fd, "type", "icmp_tunnel");
	finding_str(&fd, "tool", s->tool);
	finding_int(&fd, "max_payload", (int64_t)n);
	finding_str(&fd, "detected_by", "signature");
	det_emit(ctx, &fd);
}

static void
report_stats(struct detctx *ctx, const struct it_pair *e,
    const struct config *c)
{
	struct finding fd;
	unsigned conf = 60;

	if (e->replies > 0 && e->mismatched * 2 >= e->replies)
		conf += 20;
	if (e->odd > 0 && e->sum_entropy / e->odd >= c->icmp_tunnel_min_entropy)
		conf += 10;
	finding_init(&fd, FK_TUNNEL, SEV_MEDIUM, (uint8_t)conf);
	finding_mitre(&fd, "T1095");
	finding_mitre(&fd, "T1572");
	finding_str(&fd, "type", "icmp_tunnel");
	finding_int(&fd, "packets", e->packets);
	finding_int(&fd, "odd_payloads", e->odd);
	finding_int(&fd, "replies", e->replies);
	finding_int(&fd, "mismatched_replies", e->mismatched);
	finding_int(&fd, "payload_sizes", e->nsizes);
	finding_int(&fd, "max_payload", e->max_len);
	finding_int(&fd, "bytes", (int64_t)e->bytes);
	finding_int(&fd, "entropy_centibits", e->odd > 0 ? e->sum_entropy /
	    e->odd : 0);
	finding_int(&fd, "window", c->icmp_tunnel_window);
	finding_str(&fd, "detected_by", "statistics");
	det_emit(ctx, &fd);
}

/* ---- the packet hook ----------------------------------------------------- */

static struct it_pair *
pair_get(struct detctx *ctx, struct it_worker *w, const struct flow *f)
{
	struct it_key k;
	int fresh;

	memset(&k, 0, sizeof(k));
	k.family = f->key.family;
	memcpy(k.a, flow_client_addr(f), f->key.family == 6 ? 16 : 4);
	memcpy(k.b, flow_server_addr(f), f->key.family == 6 ? 16 : 4);
	return tunnel_lru_get(ctx, w->t, &k, &fresh, "tunnel_icmp_evicted");
}

static void
note_size(struct it_pair *e, uint16_t n)
{
	unsigned i;

	for (i = 0; i < e->nsizes; i++)
		if (e->sizes[i] == n)
			return;
	if (e->nsizes < 4)
		e->sizes[e->nsizes++] = n;
}

static void
it_packet(struct detctx *ctx, void *fs, const struct pkt *p, int dir)
{
	const struct it_tables *t = det_tables(ctx);
	const struct config *c = det_config(ctx);
	const struct flow *f = det_flow(ctx);
	struct it_worker *w = det_worker_state(ctx);
	const struct it_sig *sig;
	struct it_pair *e;
	struct cursor cur;
	const uint8_t *d;
	uint16_t id, seq;
	uint32_t h;
	size_t n;
	unsigned i;
	int request, reply;

	(void)fs;
	(void)dir;
	if (w == NULL || !p->l4_ok)
		return;
	request = (p->proto == 1 && p->sport == 8) ||
	    (p->proto == 58 && p->sport == 128);
	reply = (p->proto == 1 && p->sport == 0) ||
	    (p->proto == 58 && p->sport == 129);
	if (!(request || reply) || p->dport != 0)
		return;
	/* identifier, sequence number, then the data */
	cur_init(&cur, p->data + p->pl_off, p->pl_len);
	id = cur_be16(&cur);
	seq = cur_be16(&cur);
	if (!cur_ok(&cur))
		return;
	d = cur_ptr(&cur);
	n = cur_left(&cur);
	if (allowed(ctx, f))
		return;
	if (n > 0 && (sig = tool_of(t, d, n)) != NULL) {
		if (once(ctx, w, f, 1, sig->tool))
			report_tool(ctx, sig, n);
		return;
	}
	if ((e = pair_get(ctx, w, f)) == NULL)
		return;
	if (e->packets == 0 || p->ts_us - e->window_start >
	    (uint64_t)c->icmp_tunnel_window * 1000000) {
		memset(e, 0, sizeof(*e));
		e->window_start = p->ts_us;
	}
	e->packets++;
	e->bytes += n;
	if (n > e->max_len)
		e->max_len = (uint32_t)n;
	note_size(e, (uint16_t)(n > 0xffff ? 0xffff : n));
	if (!ping_pattern(d, n)) {
		e->odd++;
		e->sum_entropy += tunnel_entropy_x100(d, n);
	}
	h = hash32(d, n);
	if (request) {
		e->recent[e->next].id = id;
		e->recent[e->next].seq = seq;
		e->recent[e->next].hash = h;
		e->next = (uint8_t)((e->next + 1) % IT_RECENT);
	} else {
		e->replies++;
		for (i = 0; i < IT_RECENT; i++)
			if (e->recent[i].id == id && e->recent[i].seq == seq &&
			    e->recent[i].hash != 0)
				break;
		if (i < IT_RECENT && e->recent[i].hash != h)
			e->mismatched++;
	}
	if (e->packets < c->icmp_tunnel_min_packets || e->odd * 2 < e->packets)
		return;
	if (!((e->replies > 0 && e->mismatched * 4 >= e->replies) ||
	    e->sum_entropy / e->odd >= c->icmp_tunnel_min_entropy ||
	    e->nsizes >= 4))
		return;
	if (once(ctx, w, f, 0, NULL))
		report_stats(ctx, e, c);
}

/* ---- tables and worker state --------------------------------------------- */

/* "TOOL OFFSET HEX|ipv4" */
static int
it_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct it_tables *t = arg;
	struct it_sig *s, *ns;
	const char *hx = r->field[2];
	char *end;
	unsigned long off;
	size_t i, n = strlen(hx);

	if (t->nsig >= IT_SIGS || strlen(r->field[0]) >= IT_TOOL) {
		snprintf(err, errlen, "more than %d signatures or a tool name "
		    "longer than %d bytes", IT_SIGS, IT_TOOL - 1);
		return -1;
	}
	off = strtoul(r->field[1], &end, 10);
	if (*end != '\0' || end == r->field[1] || off > 1024) {
		snprintf(err, errlen, "'%s' is not an offset 0..1024",
		    r->field[1]);
		return -1;
	}
	if ((ns = realloc(t->sig, (t->nsig + 1) * sizeof(*ns))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->sig = ns;
	s = &t->sig[t->nsig];
	memset(s, 0, sizeof(*s));
	snprintf(s->tool, sizeof(s->tool), "%s", r->field[0]);
	s->off = (uint16_t)off;
	if (strcmp(hx, "ipv4") != 0) {
		if (n == 0 || n % 2 != 0 || n / 2 > IT_MAGIC_MAX) {
			snprintf(err, errlen, "'%s' is not ipv4 nor 1..%d bytes "
			    "of hex", hx, IT_MAGIC_MAX);
			return -1;
		}
		for (i = 0; i < n; i += 2) {
			if (hex_value((unsigned char)hx[i]) < 0 || hex_value((unsigned char)hx[i + 1]) < 0) {
				snprintf(err, errlen, "'%s' is not hex", hx);
				return -1;
			}
			s->magic[i / 2] = (uint8_t)(hex_value((unsigned char)hx[i]) << 4 |
			    hex_value((unsigned char)hx[i + 1]));
		}
		s->len = (uint8_t)(n / 2);
	}
	t->nsig++;
	return 0;
}

static void
it_unload(void *p)
{
	struct it_tables *t = p;

	if (t != NULL)
		free(t->sig);
	free(t);
}

static void *
it_load(const struct det_load_args *la, char *err, size_t errlen)
{
	static const struct sigfile_spec spec = { 3, 3, 0 };
	struct it_tables *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sigfile_read_in(la->sigdir, "icmp_tunnel_tools.txt", &spec,
	    it_line, t, err, errlen) < 0) {
		it_unload(t);
		return NULL;
	}
	return t;
}

static void *
it_worker_new(const struct config *c)
{
	struct it_worker *w;

	(void)c;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if ((w->t = lru_new(sizeof(struct it_key), sizeof(struct it_pair),
	    IT_PAIRS)) == NULL || tunnel_once_init(&w->once) < 0) {
		lru_free(w->t);
		free(w);
		return NULL;
	}
	return w;
}

static void
it_worker_free(void *p)
{
	struct it_worker *w = p;

	if (w == NULL)
		return;
	lru_free(w->t);
	tunnel_once_free(&w->once);
	free(w);
}

static void
it_counters(const void *p, counter_fn put, void *arg)
{
	const struct it_worker *w = p;

	put(arg, "tunnel_icmp.pairs", lru_count(w->t));
}

const struct detector tunnel_icmp_detector = {
	.name = "tunnel_icmp",
	.description = "data tunnelled in ICMP/ICMPv6 echo (payloads no ping "
	    "sends, replies that do not echo, ptunnel, hans, icmptunnel): "
	    "tunnel",
	.events = DET_EV_PACKET,
	.ip_protos = icmp_protos,
	.load = it_load,
	.unload = it_unload,
	.worker_new = it_worker_new,
	.worker_free = it_worker_free,
	.counters = it_counters,
	.packet = it_packet,
};
