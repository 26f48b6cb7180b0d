/*
 * flow.c - per-worker flow table; see flow.h.
 *
 * Who is the client: the sender of a TCP SYN (the receiver of a SYN-ACK when
 * the capture starts there); otherwise the side with the higher port when
 * exactly one port is below 1024; otherwise the first sender.  ICMP echo and
 * other replies make the receiver the client.
 *
 * Active timeout: a flow older than active_timeout is ended like an idle one
 * at its next packet and a new flow starts (as NetFlow exporters do).
 */
#include <stdlib.h>
#include <string.h>

#include "community_id.h"
#include "dissector.h"
#include "flow.h"

struct flow_table {
	struct flow		**buckets;
	unsigned		 mask;
	struct flow		*lru_head[FC_MAX], *lru_tail[FC_MAX];
	struct flow_table_opts	 o;
	struct flow_stats	 st;
	uint32_t		 seed;
	struct flow		**scratch;	/* expiry batch */
	struct flow		*busy;		/* never evicted (in use) */
	size_t			 scratch_cap;
	unsigned		 ending;	/* end callbacks running */
};

static uint32_t
mix32(uint32_t h, uint32_t k)
{
	k *= 0xcc9e2d51u;
	k = k << 15 | k >> 17;
	k *= 0x1b873593u;
	h ^= k;
	h = h << 13 | h >> 19;
	return h * 5 + 0xe6546b64u;
}

static uint32_t
fmix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static uint32_t
load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint32_t
hash_addr(uint32_t h, int family, const uint8_t *a)
{
	unsigned i, n = family == 6 ? 4 : 1;

	for (i = 0; i < n; i++)
		h = mix32(h, load32(a + 4 * i));
	return h;
}

uint32_t
flow_pair_hash(int family, const uint8_t *a, const uint8_t *b)
{
	size_t alen = family == 6 ? 16 : 4;
	uint32_t h = 0x9747b28cu;

	/* Symmetric: hash the smaller address first. */
	if (memcmp(a, b, alen) > 0) {
		const uint8_t *t = a;
		a = b;
		b = t;
	}
	h = hash_addr(h, family, a);
	h = hash_addr(h, family, b);
	return fmix32(h);
}

static uint32_t
key_hash(const struct flow_table *t, const struct flow_key *k)
{
	uint32_t h = t->seed;

	h = hash_addr(h, k->family, k->a);
	h = hash_addr(h, k->family, k->b);
	h = mix32(h, (uint32_t)k->pa << 16 | k->pb);
	h = mix32(h, (uint32_t)k->vlan << 16 | (uint32_t)k->proto << 8 |
	    k->family);
	return fmix32(h);
}

/* Builds the canonical key; returns 1 when the sender is side a. */
static int
make_key(const struct pkt *p, struct flow_key *k)
{
	size_t alen = p->family == 6 ? 16 : 4;
	uint16_t sport = p->sport, dport = p->dport;
	int c;

	memset(k, 0, sizeof(*k));
	k->family = p->family;
	k->proto = p->proto;
	k->vlan = p->vlan;
	/* ICMP "ports" are type and code: a request and its reply become
	 * (type, counterpart type) as in Community ID, so they share a key. */
	if (p->proto == 1 || p->proto == 58)
		(void)community_id_icmp_ports(p->proto, &sport, &dport);
	c = memcmp(p->src, p->dst, alen);
	if (c < 0 || (c == 0 && sport <= dport)) {
		memcpy(k->a, p->src, alen);
		memcpy(k->b, p->dst, alen);
		k->pa = sport;
		k->pb = dport;
		return 1;
	}
	memcpy(k->a, p->dst, alen);
	memcpy(k->b, p->src, alen);
	k->pa = dport;
	k->pb = sport;
	return 0;
}

static int
key_eq(const struct flow_key *x, const struct flow_key *y)
{
	return memcmp(x, y, sizeof(*x)) == 0;
}

/*
 * Whether a packet is the SYN of a new connection on the 5-tuple of flow f
 * (TCP port reuse, flow.h): a SYN without ACK, not the first SYN again,
 * after a FIN or RST, or after another SYN that never carried data.  A flow
 * first seen at its SYN-ACK has no first SYN: its client's (late) SYN
 * belongs to it.
 */
static int
tcp_new_connection(const struct flow *f, const struct pkt *p)
{
	int had_syn = (f->tcp_flags & FLOW_TCP_SYN) != 0;

	if (f->key.proto != 6 || !p->l4_ok || (p->tcp_flags & 0x12) != 0x02)
		return 0;
	if (had_syn && p->tcp_seq == f->syn_seq)
		return 0;
	if (f->tcp_flags & (FLOW_TCP_FIN_C | FLOW_TCP_FIN_S | FLOW_TCP_RST))
		return 1;
	return had_syn && !(f->tcp_flags & FLOW_TCP_DATA);
}

/*
 * Whether nothing will read a packet of flow f beyond the flow's own
 * counters: nDPI is done with the flow, its dissector too (or none took
 * it), it is a session already (payload direction bits no longer matter),
 * and the packet carries no SYN, FIN or RST that would change the flow's
 * state.  Its checksum need not be verified (checksum.h).
 */
static int
payload_unread(const struct flow *f, const struct pkt *p)
{
	return f->dpi_done && f->dis_done && f->session &&
	    (f->key.proto != 6 || !(p->tcp_flags & 0x07));
}

static int
icmp_is_reply(const struct pkt *p)
{
	if (p->proto == 1)
		return p->sport == 0 || p->sport == 14 || p->sport == 16 ||
		    p->sport == 18;
	if (p->proto == 58)
		return p->sport == 129 || p->sport == 136;
	return 0;
}

/* Whether the sender of the first packet seen is the client. */
static int
sender_is_client(const struct pkt *p)
{
	if (p->proto == 6 && p->l4_ok && (p->tcp_flags & 0x02))
		return !(p->tcp_flags & 0x10);
	if (p->proto == 1 || p->proto == 58)
		return !icmp_is_reply(p);
	if (p->sport < 1024 && p->dport >= 1024)
		return 0;
	if (p->dport < 1024 && p->sport >= 1024)
		return 1;
	return 1;
}

static enum flow_class
class_of(const struct flow *f)
{
	if (f->key.proto == 6)
		return (f->tcp_flags & (FLOW_TCP_RST)) ||
		    ((f->tcp_flags & FLOW_TCP_FIN_C) &&
		    (f->tcp_flags & FLOW_TCP_FIN_S)) ? FC_TCP_CLOSED : FC_TCP_OPEN;
	if (f->key.proto == 17)
		return FC_UDP;
	return FC_OTHER;
}

static void
lru_unlink(struct flow_table *t, struct flow *f)
{
	if (f->lru_prev != NULL)
		f->lru_prev->lru_next = f->lru_next;
	else
		t->lru_head[f->fclass] = f->lru_next;
	if (f->lru_next != NULL)
		f->lru_next->lru_prev = f->lru_prev;
	else
		t->lru_tail[f->fclass] = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void
lru_push_front(struct flow_table *t, struct flow *f)
{
	f->lru_prev = NULL;
	f->lru_next = t->lru_head[f->fclass];
	if (f->lru_next != NULL)
		f->lru_next->lru_prev = f;
	else
		t->lru_tail[f->fclass] = f;
	t->lru_head[f->fclass] = f;
}

static unsigned
bucket_count(unsigned hash_size)
{
	unsigned size = 1;

	while (size < hash_size && size < (1u << 30))
		size <<= 1;
	return size;
}

uint64_t
flow_table_bucket_bytes(unsigned hash_size)
{
	return (uint64_t)bucket_count(hash_size) * sizeof(struct flow *);
}

struct flow_table *
flow_table_new(const struct flow_table_opts *o)
{
	struct flow_table *t;
	unsigned size = bucket_count(o->hash_size);

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->buckets = calloc(size, sizeof(*t->buckets))) == NULL) {
		free(t);
		return NULL;
	}
	t->mask = size - 1;
	t->o = *o;
	t->seed = 0x5bd1e995u ^ (uint32_t)(uintptr_t)t;
	t->st.memory = (uint64_t)size * sizeof(*t->buckets);
	t->st.fixed_memory = t->st.memory;
	return t;
}

static void
bucket_unlink(struct flow_table *t, struct flow *f)
{
	struct flow **pp = &t->buckets[f->hash & t->mask];

	while (*pp != NULL && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp == f)
		*pp = f->hnext;
}

/* A flow and its consumers' area, rounded so that area is aligned. */
static size_t
flow_alloc_size(const struct flow_table *t)
{
	return ((sizeof(struct flow) + 15) & ~(size_t)15) + t->o.extra;
}

size_t
flow_mem_block(size_t n)
{
	/* glibc on 64-bit: an 8-byte size header, 16-byte granules, 32-byte
	 * chunks at least. */
	n = (n + 8 + 15) & ~(size_t)15;
	return n < 32 ? 32 : n;
}

/* What one flow costs: its block and, when it has one, its tunnel's. */
static size_t
flow_charge(const struct flow_table *t, int encap)
{
	return flow_mem_block(flow_alloc_size(t)) +
	    (encap ? flow_mem_block(sizeof(struct flow_encap)) : 0);
}

void *
flow_extra(struct flow *f)
{
	return (uint8_t *)f + ((sizeof(struct flow) + 15) & ~(size_t)15);
}

/* Ends one flow: the worker's callback, then the struct itself. */
/*
 * Takes a flow out of its bucket and its LRU list, so that nothing can find
 * or evict it any more (fclass FC_MAX marks it detached).
 */
static void
flow_detach(struct flow_table *t, struct flow *f)
{
	if (f->fclass == FC_MAX)
		return;
	bucket_unlink(t, f);
	lru_unlink(t, f);
	f->fclass = FC_MAX;
	if (t->busy == f)
		t->busy = NULL;
}

/*
 * Ends one flow: detached first, then the worker's callback, then the
 * struct itself.  The callback may emit findings that charge memory (GeoIP,
 * flow.h): while it runs, t->ending makes flow_mem_charge() refuse instead
 * of evicting, so an end never ends another flow (nor itself again).
 */
static void
flow_end(struct flow_table *t, struct flow *f)
{
	flow_detach(t, f);
	t->ending++;
	if (t->o.end != NULL)
		t->o.end(t->o.end_arg, f);
	t->ending--;
	flow_mem_release(t, flow_charge(t, f->encap != NULL));
	free(f->encap);
	free(f);
	t->st.ended++;
	t->st.active--;
}

/* Evicts the least recently seen flow of any class (oldest last_us). */
static int
evict_one(struct flow_table *t)
{
	struct flow *victim = NULL;
	unsigned c;

	struct flow *cand;

	for (c = 0; c < FC_MAX; c++) {
		cand = t->lru_tail[c];
		if (cand != NULL && cand == t->busy)
			cand = cand->lru_prev;
		if (cand != NULL && (victim == NULL ||
		    cand->last_us < victim->last_us))
			victim = cand;
	}
	if (victim == NULL)
		return -1;
	t->st.evicted++;
	flow_end(t, victim);
	return 0;
}

int
flow_mem_charge(struct flow_table *t, size_t n)
{
	while (t->st.memory + n > t->o.memcap) {
		if (t->ending > 0) {
			/* Never evict from inside a flow end (flow_end). */
			t->st.end_charge_refused++;
			return -1;
		}
		if (evict_one(t) < 0)
			return -1;
	}
	t->st.memory += n;
	if (t->st.memory > t->st.peak_memory)
		t->st.peak_memory = t->st.memory;
	return 0;
}

void
flow_mem_force(struct flow_table *t, size_t n)
{
	t->st.memory += n;
	if (t->st.memory > t->st.peak_memory)
		t->st.peak_memory = t->st.memory;
}

void
flow_mem_release(struct flow_table *t, size_t n)
{
	t->st.memory = t->st.memory >= n ? t->st.memory - n : 0;
}

static void
record_encap(struct flow *f, const struct pkt *p)
{
	struct flow_encap *e = f->encap;
	unsigned i;

	e->n = p->nencap;
	for (i = 0; i < p->nencap; i++) {
		e->types[i] = p->encap[i].type;
		e->ids[i] = p->encap[i].id;
		if (!e->has_outer && p->encap[i].family != 0) {
			e->outer = p->encap[i];
			e->has_outer = 1;
		}
	}
}

/*
 * The table doubles its buckets when flows outnumber them twice, so
 * chains stay short whatever hash_size says (a flood of a million flows
 * on the default 65536 buckets spent most of its time walking chains).
 * The new array is counted as fixed memory (forced: a rehash never
 * evicts); a failed allocation just keeps the old one.
 */
#define FLOW_BUCKETS_MAX	(1u << 26)

static void
maybe_grow(struct flow_table *t)
{
	size_t n = (size_t)t->mask + 1, i;
	struct flow **nb, *f, *next;

	if (t->st.active <= 2 * n || n >= FLOW_BUCKETS_MAX)
		return;
	if ((nb = calloc(2 * n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < n; i++)
		for (f = t->buckets[i]; f != NULL; f = next) {
			next = f->hnext;
			f->hnext = nb[f->hash & (2 * n - 1)];
			nb[f->hash & (2 * n - 1)] = f;
		}
	free(t->buckets);
	t->buckets = nb;
	t->mask = (unsigned)(2 * n - 1);
	flow_mem_force(t, n * sizeof(*nb));
	t->st.fixed_memory += n * sizeof(*nb);
}

struct flow *
flow_lookup(struct flow_table *t, const struct pkt *p, int *dir)
{
	struct flow_key k;
	struct flow *f;
	struct csum_flow cf = { 0, 0 };
	enum csum_verdict v = CSUM_UNCHECKED;
	uint32_t h;
	size_t need;
	int sender_a, client_is_a = -1, admitted = 0;

	sender_a = make_key(p, &k);
	h = key_hash(t, &k);
	for (f = t->buckets[h & t->mask]; f != NULL; f = f->hnext) {
		if (f->hash == h && key_eq(&f->key, &k)) {
			/* Checksums first: a packet the receiver drops must
			 * not split or feed a flow (checksum.h). */
			if (t->o.checksum != CSUM_MODE_NO &&
			    !payload_unread(f, p))
				v = csum_verdict(p);
			if (!csum_admit(t->o.checksum, &f->csum, p, v,
			    &t->st.csum))
				return NULL;
			if (t->o.active_timeout_us != 0 &&
			    p->ts_us > f->first_us + t->o.active_timeout_us) {
				/* The continuation keeps its client (the next
				 * packet may well come from the server) and
				 * what its checksums showed. */
				client_is_a = f->client_is_a;
				cf = f->csum;
				admitted = 1;
				t->st.timed_out++;
				flow_end(t, f);
				break;
			}
			if (tcp_new_connection(f, p)) {
				/* Its client is the SYN's sender. */
				t->st.tcp_reused++;
				flow_end(t, f);
				break;
			}
			*dir = (sender_a == f->client_is_a) ? DIR_TO_SERVER :
			    DIR_TO_CLIENT;
			return f;
		}
	}
	if (!admitted && t->o.checksum != CSUM_MODE_NO)
		v = csum_verdict(p);
	if (!admitted && !csum_admit(t->o.checksum, &cf, p, v, &t->st.csum))
		return NULL;
	/*
	 * One charge for the flow and its encapsulation record, so at most
	 * one round of eviction; what is not allocated is given back.
	 */
	need = flow_charge(t, p->nencap != 0);
	if (flow_mem_charge(t, need) < 0) {
		t->st.alloc_failures++;
		return NULL;
	}
	if ((f = calloc(1, flow_alloc_size(t))) == NULL) {
		flow_mem_release(t, need);
		t->st.alloc_failures++;
		return NULL;
	}
	if (p->nencap) {
		if ((f->encap = calloc(1, sizeof(*f->encap))) != NULL)
			record_encap(f, p);
		else {
			/* The flow goes on without its tunnel record. */
			flow_mem_release(t,
			    flow_mem_block(sizeof(struct flow_encap)));
			t->st.alloc_failures++;
		}
	}
	f->key = k;
	f->hash = h;
	f->csum = cf;
	if (client_is_a >= 0)
		f->client_is_a = (uint8_t)client_is_a;
	else
		f->client_is_a = sender_is_client(p) ? (uint8_t)sender_a :
		    (uint8_t)!sender_a;
	f->first_us = f->last_us = p->ts_us;
	f->first_seq = p->seq;
	f->fclass = (uint8_t)class_of(f);
	f->hnext = t->buckets[h & t->mask];
	t->buckets[h & t->mask] = f;
	lru_push_front(t, f);
	t->st.created++;
	if (++t->st.active > t->st.peak_active)
		t->st.peak_active = t->st.active;
	maybe_grow(t);
	*dir = (sender_a == f->client_is_a) ? DIR_TO_SERVER : DIR_TO_CLIENT;
	return f;
}

void
flow_update(struct flow_table *t, struct flow *f, const struct pkt *p, int dir)
{
	enum flow_class c;

	f->pkts[dir]++;
	f->bytes[dir] += p->wirelen;
	if (p->ts_us > f->last_us)
		f->last_us = p->ts_us;
	if (f->key.proto == 6 && p->l4_ok) {
		if ((p->tcp_flags & 0x12) == 0x02 &&
		    !(f->tcp_flags & FLOW_TCP_SYN))
			f->syn_seq = p->tcp_seq;
		if ((p->tcp_flags & 0x12) == 0x12 &&
		    !(f->tcp_flags & FLOW_TCP_SYNACK))
			f->synack_seq = p->tcp_seq;
		if (p->tcp_flags & 0x02)
			f->tcp_flags |= (p->tcp_flags & 0x10) ? FLOW_TCP_SYNACK :
			    FLOW_TCP_SYN;
		if (p->pl_len > 0)
			f->tcp_flags |= FLOW_TCP_DATA;
		if (p->tcp_flags & 0x01)
			f->tcp_flags |= dir == DIR_TO_SERVER ? FLOW_TCP_FIN_C :
			    FLOW_TCP_FIN_S;
		if (p->tcp_flags & 0x04)
			f->tcp_flags |= FLOW_TCP_RST;
	}
	c = class_of(f);
	lru_unlink(t, f);
	f->fclass = (uint8_t)c;
	lru_push_front(t, f);
}

static int
cmp_first_seq(const void *x, const void *y)
{
	const struct flow *a = *(const struct flow *const *)x;
	const struct flow *b = *(const struct flow *const *)y;

	return a->first_seq < b->first_seq ? -1 : a->first_seq > b->first_seq;
}

/*
 * Ends a batch of flows in first_seq order.  The whole batch is detached
 * before the first callback runs: a batch member can then never be reached
 * (and freed) by anything a callback does before its own turn comes.
 */
static void
end_batch(struct flow_table *t, size_t n, int timed_out)
{
	size_t i;

	/* A stable order, so output does not depend on hashing. */
	if (n > 1)
		qsort(t->scratch, n, sizeof(*t->scratch), cmp_first_seq);
	for (i = 0; i < n; i++)
		flow_detach(t, t->scratch[i]);
	for (i = 0; i < n; i++) {
		if (timed_out)
			t->st.timed_out++;
		flow_end(t, t->scratch[i]);
	}
}

void
flow_expire(struct flow_table *t, uint64_t now_us)
{
	struct flow *f;
	size_t n = 0;
	unsigned c;

	/* The scratch batch is not re-entrant (nor need it be: a callback
	 * never expires flows). */
	if (t->ending > 0)
		return;
	for (c = 0; c < FC_MAX; c++) {
		for (f = t->lru_tail[c]; f != NULL; f = f->lru_prev) {
			if (f->last_us + t->o.timeout_us[c] >= now_us)
				break;
			if (n == t->scratch_cap) {
				size_t nc = t->scratch_cap ? t->scratch_cap * 2 : 256;
				struct flow **ns = realloc(t->scratch,
				    nc * sizeof(*ns));

				if (ns == NULL)
					break;
				t->scratch = ns;
				t->scratch_cap = nc;
			}
			t->scratch[n++] = f;
		}
	}
	end_batch(t, n, 1);
}

void
flow_table_end_all(struct flow_table *t)
{
	struct flow *f;
	size_t n = 0;
	unsigned c;

	for (c = 0; c < FC_MAX; c++)
		for (f = t->lru_head[c]; f != NULL; f = f->lru_next)
			n++;
	free(t->scratch);
	t->scratch = n ? calloc(n, sizeof(*t->scratch)) : NULL;
	t->scratch_cap = t->scratch != NULL ? n : 0;
	n = 0;
	if (t->scratch != NULL)
		for (c = 0; c < FC_MAX; c++)
			for (f = t->lru_head[c]; f != NULL; f = f->lru_next)
				t->scratch[n++] = f;
	end_batch(t, n, 0);
	/* If the batch could not be allocated, end the rest unordered. */
	for (c = 0; c < FC_MAX; c++)
		while (t->lru_head[c] != NULL)
			flow_end(t, t->lru_head[c]);
	/* Every charge has been given back: what is left is a leak in the
	 * accounting (shown in the summary; tests expect 0). */
	t->st.unreleased = t->st.memory - t->st.fixed_memory;
}

void
flow_table_free(struct flow_table *t)
{
	if (t == NULL)
		return;
	flow_table_end_all(t);
	free(t->scratch);
	free(t->buckets);
	free(t);
}

void
flow_set_busy(struct flow_table *t, struct flow *f)
{
	t->busy = f;
}

const struct flow_stats *
flow_table_stats(const struct flow_table *t)
{
	return &t->st;
}

const uint8_t *
flow_client_addr(const struct flow *f)
{
	return f->client_is_a ? f->key.a : f->key.b;
}

const uint8_t *
flow_server_addr(const struct flow *f)
{
	return f->client_is_a ? f->key.b : f->key.a;
}

uint16_t
flow_client_port(const struct flow *f)
{
	return f->client_is_a ? f->key.pa : f->key.pb;
}

uint16_t
flow_server_port(const struct flow *f)
{
	return f->client_is_a ? f->key.pb : f->key.pa;
}
