/*
 * defrag.c - IPv4 and IPv6 fragment reassembly; see defrag.h.
 *
 * Specs: RFC 791 (IPv4 fragmentation: identification, MF, offset in 8-byte
 * units; the offset-0 fragment's header is the reassembled header), RFC 815
 * (hole tracking: kept here as a sorted list of disjoint byte ranges), RFC
 * 8200 section 4.5 (IPv6: the unfragmentable part comes from the offset-0
 * fragment, the fragment header is removed and the preceding next-header
 * byte takes the fragment header's next header; a fragment with M set whose
 * length is not a multiple of 8, or one that would make the payload longer
 * than 65535, is discarded).
 *
 * Datagram key: family, source, destination, identification, and for IPv4
 * the protocol (RFC 791), plus the innermost VLAN so that the same addresses
 * on two VLANs never mix.
 *
 * Overlap policy: "first".  Bytes already received win; a later fragment
 * only fills the holes it covers (BSD/Windows-ish, and what RFC 815's hole
 * list does naturally).  Every fragment that overlaps bytes already held
 * counts `overlaps` (an exact duplicate is one too); when an overlapping
 * byte differs it also counts `overlap_mismatch`, the classic evasion in
 * which the sensor and the end host would see different data.  RFC 5722
 * hosts drop IPv6 datagrams with overlaps entirely; we still reassemble
 * first-wins so the traffic is inspected, and the counters say it happened.
 * The end of the datagram is also first-wins: once a last fragment (MF/M
 * clear) is held, a fragment reaching past it or a second last fragment
 * ending elsewhere is bad, as is a last fragment ending before bytes held.
 *
 * Dropped as bad: no payload, a fragment with more-fragments set whose
 * length is not a multiple of 8, offset + length past 65535, a fragment cut
 * by the snap length.  A datagram whose reassembled size (IPv4 total length,
 * IPv6 payload length, counted with the offset-0 fragment's header when it
 * is known, the minimum header otherwise) would pass 65535 is dropped whole
 * (too_big: it can never be delivered; ping-of-death).  A datagram that
 * takes more than max_fragments_per_datagram fragments is dropped whole.
 *
 * Limits: memory is bytes requested from malloc for trackers, saved headers
 * and fragment data (defrag_memory()), bounded by memcap; a new fragment that
 * would pass it first evicts the oldest incomplete datagrams (other than its
 * own; memcap_evictions), and is dropped (memcap_drops) when that is not
 * enough.  At most max_datagrams datagrams are pending; a new one evicts the
 * oldest (tables_full).  Datagrams are dropped when their first fragment is
 * timeout old in packet time (timeouts); packet time is made non-decreasing
 * so the age list stays sorted and expiry only looks at its head.
 *
 * Allocation: one malloc per tracker, per saved header and per new byte
 * range, all bounded by memcap; the hash buckets and the output buffer are
 * allocated once by defrag_new().  A free-list or slab would remove the
 * per-fragment malloc in steady state; not done yet.
 *
 * Packet bytes are read through struct cursor only.  Not thread-safe: one
 * struct defrag belongs to one worker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "cursor.h"
#include "defrag.h"

#define IP_MAXPACKET	65535u
#define IPV6_HDR_LEN	40u
#define IPV4_MIN_HDR	20u
#define FRAG6_HDR_LEN	8u
/* IPv4: total <= 65535; IPv6: 40 + payload <= 65535 + 40. */
#define DEFRAG_OUT_MAX	(IP_MAXPACKET + IPV6_HDR_LEN)
#define DEFRAG_MAX_DATAGRAMS_LIMIT	(1u << 22)

struct dg_key {
	uint8_t		src[16];
	uint8_t		dst[16];
	uint32_t	id;
	uint16_t	vlan;
	uint8_t		family;
	uint8_t		proto;		/* IPv4 only; 0 for IPv6 */
};
/* Compared with memcmp and hashed as five words: no padding allowed. */
_Static_assert(sizeof(struct dg_key) == 40, "dg_key has padding");

/* A byte range already received; the list is sorted and disjoint. */
struct piece {
	struct piece	*next;
	uint32_t	 off;
	uint32_t	 len;
	uint8_t		 data[];
};

/* One incomplete datagram. */
struct dg {
	struct dg	*hnext, *hprev;	/* hash chain */
	struct dg	*newer, *older;	/* age list */
	struct dg_key	 key;
	uint32_t	 hash;
	uint64_t	 first_ts;
	struct piece	*pieces;
	uint8_t		*hdr;		/* header of the offset-0 fragment: IPv4
					 * header, IPv6 unfragmentable part */
	uint32_t	 hdr_len;
	uint32_t	 nh_pos;	/* IPv6: next-header byte in hdr */
	uint8_t		 next;		/* IPv6: next header after frag hdr */
	uint8_t		 have_last;
	uint32_t	 end;		/* payload length, once have_last */
	uint32_t	 max_end;	/* furthest byte any fragment reached */
	uint32_t	 received;	/* bytes held (pieces are disjoint) */
	unsigned	 nfrags;
	size_t		 mem;		/* bytes charged to this datagram */
};

struct defrag {
	struct defrag_opts	 o;
	struct defrag_stats	 st;
	struct dg		**buckets;
	uint32_t		 mask;
	struct dg		*oldest, *newest;
	unsigned		 ndg;
	size_t			 mem;
	uint64_t		 now;	/* newest packet time seen */
	uint64_t		 seed;
	uint8_t			*out;	/* DEFRAG_OUT_MAX bytes */
};

/* One fragment as read from a decoded packet. */
struct frag_in {
	const uint8_t	*hdr;		/* IPv4 header / IPv6 unfragmentable */
	uint32_t	 hdr_len;
	uint32_t	 nh_pos;	/* IPv6 */
	uint8_t		 next;		/* IPv6 */
	int		 more;
	uint32_t	 off;
	uint32_t	 len;
	const uint8_t	*data;
};

static uint64_t
defrag_seed(const struct defrag *d)
{
	uint64_t s = 0;

	/* A keyed hash keeps an attacker from choosing colliding keys; the
	 * seed never affects output (eviction goes by age, not by bucket). */
	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s))
		s = (uint64_t)(uintptr_t)d ^ (uint64_t)time(NULL) << 20;
	return s | 1;
}

struct defrag *
defrag_new(const struct defrag_opts *o, char *errbuf, size_t errlen)
{
	struct defrag *d;
	uint32_t nb;

	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		snprintf(errbuf, errlen, "defrag: out of memory");
		return NULL;
	}
	if (o != NULL)
		d->o = *o;
	if (d->o.memcap == 0)
		d->o.memcap = DEFRAG_DEFAULT_MEMCAP;
	if (d->o.timeout_us == 0)
		d->o.timeout_us = DEFRAG_DEFAULT_TIMEOUT_US;
	if (d->o.max_fragments_per_datagram == 0)
		d->o.max_fragments_per_datagram = DEFRAG_DEFAULT_MAX_FRAGMENTS;
	if (d->o.max_datagrams == 0)
		d->o.max_datagrams = DEFRAG_DEFAULT_MAX_DATAGRAMS;
	if (d->o.max_datagrams > DEFRAG_MAX_DATAGRAMS_LIMIT) {
		snprintf(errbuf, errlen, "defrag: max_datagrams %u above %u",
		    d->o.max_datagrams, DEFRAG_MAX_DATAGRAMS_LIMIT);
		free(d);
		return NULL;
	}
	for (nb = 64; nb < d->o.max_datagrams; nb <<= 1)
		;
	d->mask = nb - 1;
	d->buckets = calloc(nb, sizeof(*d->buckets));
	d->out = malloc(DEFRAG_OUT_MAX);
	if (d->buckets == NULL || d->out == NULL) {
		snprintf(errbuf, errlen, "defrag: out of memory");
		defrag_free(d);
		return NULL;
	}
	d->seed = defrag_seed(d);
	return d;
}

static uint32_t
key_hash(const struct defrag *d, const struct dg_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint64_t h = d->seed, w;
	size_t i;

	for (i = 0; i + 8 <= sizeof(*k); i += 8) {
		memcpy(&w, b + i, 8);
		h ^= w;
		h *= 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

static void
dg_free(struct defrag *d, struct dg *t)
{
	struct piece *q, *n;

	if (t->hprev != NULL)
		t->hprev->hnext = t->hnext;
	else
		d->buckets[t->hash & d->mask] = t->hnext;
	if (t->hnext != NULL)
		t->hnext->hprev = t->hprev;
	if (t->older != NULL)
		t->older->newer = t->newer;
	else
		d->oldest = t->newer;
	if (t->newer != NULL)
		t->newer->older = t->older;
	else
		d->newest = t->older;
	for (q = t->pieces; q != NULL; q = n) {
		n = q->next;
		free(q);
	}
	free(t->hdr);
	d->mem -= t->mem;
	d->ndg--;
	free(t);
}

void
defrag_free(struct defrag *d)
{
	if (d == NULL)
		return;
	while (d->oldest != NULL)
		dg_free(d, d->oldest);
	free(d->buckets);
	free(d->out);
	free(d);
}

void
defrag_expire(struct defrag *d, uint64_t now_us)
{
	struct dg *t;

	if (now_us > d->now)
		d->now = now_us;
	/* first_ts never exceeds d->now, and the list is sorted by it. */
	while ((t = d->oldest) != NULL &&
	    d->now - t->first_ts >= d->o.timeout_us) {
		d->st.timeouts++;
		dg_free(d, t);
	}
}

const struct defrag_stats *
defrag_stats(const struct defrag *d)
{
	return &d->st;
}

size_t
defrag_memory(const struct defrag *d)
{
	return d->mem;
}

size_t
defrag_fixed_memory(const struct defrag *d)
{
	return sizeof(*d) + ((size_t)d->mask + 1) * sizeof(*d->buckets) +
	    DEFRAG_OUT_MAX;
}

unsigned
defrag_pending(const struct defrag *d)
{
	return d->ndg;
}

/*
 * Reads the fragment's header and payload out of a decoded packet.  Returns
 * -1 when the decoder's offsets do not fit the captured bytes.
 */
static int
frag_read(const struct pkt *p, struct frag_in *f)
{
	struct cursor c;
	uint64_t l3_end = (uint64_t)p->l3_off + p->l3_len;
	uint32_t ihl;

	memset(f, 0, sizeof(*f));
	if (!p->is_fragment || p->data == NULL || l3_end > p->caplen)
		return -1;	/* also: cut by the snap length */
	cur_init(&c, p->data, p->caplen);
	cur_skip(&c, p->l3_off);
	f->off = p->frag_off;
	f->more = p->frag_more != 0;
	if (p->family == 4) {
		ihl = (uint32_t)(cur_peek(&c, 0) & 15) * 4;
		if (ihl < IPV4_MIN_HDR || ihl > p->l3_len)
			return -1;
		f->hdr_len = ihl;
		f->hdr = cur_take(&c, ihl);
		f->len = p->l3_len - ihl;
		f->data = cur_take(&c, f->len);
	} else if (p->family == 6) {
		if (p->frag_unfrag_end < (uint64_t)p->l3_off + IPV6_HDR_LEN ||
		    p->frag_hdr_end != (uint64_t)p->frag_unfrag_end +
		    FRAG6_HDR_LEN || p->frag_hdr_end > l3_end ||
		    p->frag_nh_off < p->l3_off ||
		    p->frag_nh_off >= p->frag_unfrag_end)
			return -1;
		f->hdr_len = p->frag_unfrag_end - p->l3_off;
		f->nh_pos = p->frag_nh_off - p->l3_off;
		f->next = p->frag_next;
		f->hdr = cur_take(&c, f->hdr_len);
		cur_skip(&c, FRAG6_HDR_LEN);
		f->len = (uint32_t)(l3_end - p->frag_hdr_end);
		f->data = cur_take(&c, f->len);
	} else {
		return -1;
	}
	return cur_ok(&c) ? 0 : -1;
}

static void
key_make(struct dg_key *k, const struct pkt *p)
{
	memset(k, 0, sizeof(*k));
	k->family = p->family;
	k->proto = p->family == 4 ? p->proto : 0;
	k->vlan = p->vlan;
	k->id = p->frag_id;
	memcpy(k->src, p->src, sizeof(k->src));
	memcpy(k->dst, p->dst, sizeof(k->dst));
}

static struct dg *
dg_lookup(const struct defrag *d, const struct dg_key *k, uint32_t h)
{
	struct dg *t;

	for (t = d->buckets[h & d->mask]; t != NULL; t = t->hnext)
		if (t->hash == h && memcmp(&t->key, k, sizeof(*k)) == 0)
			return t;
	return NULL;
}

/*
 * Lays the fragment's bytes over the ranges held.  Without insert it only
 * measures: returns the bytes new pieces would take and sets *overlap and
 * *mismatch.  With insert it copies the uncovered ranges into new pieces
 * (first wins); returns SIZE_MAX if malloc fails (what was added stays
 * consistent and charged).
 */
static size_t
dg_lay(struct defrag *d, struct dg *t, const struct frag_in *f, int insert,
    int *overlap, int *mismatch)
{
	struct piece **pp = &t->pieces, *q, *n;
	uint32_t pos = f->off, end = f->off + f->len, stop;
	size_t need = 0, sz;

	while (pos < end) {
		q = *pp;
		if (q != NULL && q->off + q->len <= pos) {
			pp = &q->next;
			continue;
		}
		if (q == NULL || q->off > pos) {
			/* A hole from pos to the next piece (or the end). */
			stop = q == NULL || q->off >= end ? end : q->off;
			sz = sizeof(*n) + (stop - pos);
			need += sz;
			if (insert) {
				if ((n = malloc(sz)) == NULL)
					return SIZE_MAX;
				n->off = pos;
				n->len = stop - pos;
				memcpy(n->data, f->data + (pos - f->off),
				    n->len);
				n->next = q;
				*pp = n;
				pp = &n->next;
				t->mem += sz;
				d->mem += sz;
				t->received += n->len;
			}
			pos = stop;
			continue;
		}
		/* q holds pos already: the first bytes win. */
		stop = q->off + q->len < end ? q->off + q->len : end;
		*overlap = 1;
		if (memcmp(q->data + (pos - q->off), f->data + (pos - f->off),
		    stop - pos) != 0)
			*mismatch = 1;
		pos = stop;
		pp = &q->next;
	}
	return need;
}

/* Oldest pending datagram other than keep, or NULL. */
static struct dg *
dg_victim(const struct defrag *d, const struct dg *keep)
{
	struct dg *t = d->oldest;

	if (t != NULL && t == keep)
		t = t->newer;
	return t;
}

/*
 * Makes room for need more bytes without touching keep.  Returns -1 when
 * even evicting every other datagram would not be enough (nothing is
 * evicted then).
 */
static int
make_room(struct defrag *d, const struct dg *keep, size_t need)
{
	struct dg *t;
	size_t keep_mem = keep != NULL ? keep->mem : 0;

	if (need > d->o.memcap || keep_mem > d->o.memcap - need)
		return -1;
	while (d->mem + need > d->o.memcap &&
	    (t = dg_victim(d, keep)) != NULL) {
		d->st.memcap_evictions++;
		dg_free(d, t);
	}
	return 0;
}

static struct dg *
dg_new(struct defrag *d, const struct dg_key *k, uint32_t h)
{
	struct dg *t, **b;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->key = *k;
	t->hash = h;
	t->first_ts = d->now;
	t->mem = sizeof(*t);
	d->mem += t->mem;
	b = &d->buckets[h & d->mask];
	t->hnext = *b;
	if (*b != NULL)
		(*b)->hprev = t;
	*b = t;
	t->older = d->newest;
	if (d->newest != NULL)
		d->newest->newer = t;
	else
		d->oldest = t;
	d->newest = t;
	d->ndg++;
	return t;
}

static uint16_t
ipv4_cksum(const uint8_t *h, uint32_t len)
{
	uint32_t sum = 0, i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Writes the reassembled datagram into d->out; returns its length. */
static uint32_t
dg_build(struct defrag *d, const struct dg *t)
{
	const struct piece *q;
	uint8_t *o = d->out;
	uint32_t n, len;
	uint16_t ck;

	memcpy(o, t->hdr, t->hdr_len);
	if (t->key.family == 4) {
		len = t->hdr_len + t->end;
		o[2] = (uint8_t)(len >> 8);
		o[3] = (uint8_t)len;
		o[6] &= 0xc0;		/* keep reserved and DF, clear MF */
		o[7] = 0;
		o[10] = o[11] = 0;
		ck = ipv4_cksum(o, t->hdr_len);
		o[10] = (uint8_t)(ck >> 8);
		o[11] = (uint8_t)ck;
	} else {
		len = t->hdr_len - IPV6_HDR_LEN + t->end;
		o[4] = (uint8_t)(len >> 8);
		o[5] = (uint8_t)len;
		o[t->nh_pos] = t->next;
	}
	n = t->hdr_len;
	for (q = t->pieces; q != NULL; q = q->next) {
		memcpy(o + n, q->data, q->len);
		n += q->len;
	}
	return n;
}

/* Reassembled size beyond the base header if this fragment were added. */
static uint32_t
dg_size_with(const struct dg *t, const struct frag_in *f, int family)
{
	uint32_t end = f->off + f->len, hdr;

	if (t != NULL && t->max_end > end)
		end = t->max_end;
	if (t != NULL && t->hdr != NULL)
		hdr = t->hdr_len;
	else if (f->off == 0)
		hdr = f->hdr_len;
	else
		hdr = family == 4 ? IPV4_MIN_HDR : IPV6_HDR_LEN;
	return family == 4 ? hdr + end : hdr - IPV6_HDR_LEN + end;
}

/* Whether the fragment contradicts the end already known (first wins). */
static int
end_conflicts(const struct dg *t, const struct frag_in *f)
{
	uint32_t end = f->off + f->len;

	if (t == NULL)
		return 0;
	if (!f->more)
		return (t->have_last && end != t->end) || end < t->max_end;
	return t->have_last && end > t->end;
}

static int
drop_dg(struct defrag *d, struct dg *t, uint64_t *counter)
{
	(*counter)++;
	if (t != NULL)
		dg_free(d, t);
	return -1;
}

int
defrag_feed(struct defrag *d, const struct pkt *p, const uint8_t **out,
    uint32_t *outlen)
{
	struct frag_in f;
	struct dg_key k;
	struct dg *t;
	uint32_t h;
	size_t need;
	int overlap = 0, mismatch = 0, first;

	*out = NULL;
	*outlen = 0;
	d->st.fragments++;
	if (frag_read(p, &f) < 0 || f.len == 0 || (f.more && f.len % 8) ||
	    f.off + f.len > IP_MAXPACKET) {
		d->st.bad_fragments++;
		return -1;
	}
	defrag_expire(d, p->ts_us);

	key_make(&k, p);
	h = key_hash(d, &k);
	t = dg_lookup(d, &k, h);
	if (t != NULL && t->nfrags >= d->o.max_fragments_per_datagram)
		return drop_dg(d, t, &d->st.too_many_fragments);
	if (end_conflicts(t, &f)) {
		d->st.bad_fragments++;
		return -1;
	}
	if (dg_size_with(t, &f, k.family) > IP_MAXPACKET)
		return drop_dg(d, t, &d->st.too_big);

	/* Measure, make room, then commit. */
	first = f.off == 0 && (t == NULL || t->hdr == NULL);
	need = first ? f.hdr_len : 0;
	if (t != NULL)
		need += dg_lay(d, t, &f, 0, &overlap, &mismatch);
	else
		need += sizeof(*t) + sizeof(struct piece) + f.len;
	if (make_room(d, t, need) < 0) {
		d->st.memcap_drops++;
		return -1;
	}
	if (t == NULL) {
		if (d->ndg >= d->o.max_datagrams && d->oldest != NULL) {
			d->st.tables_full++;
			dg_free(d, d->oldest);
		}
		if ((t = dg_new(d, &k, h)) == NULL) {
			d->st.memcap_drops++;
			return -1;
		}
	}
	if (first) {
		if ((t->hdr = malloc(f.hdr_len)) == NULL) {
			d->st.memcap_drops++;
			return -1;
		}
		memcpy(t->hdr, f.hdr, f.hdr_len);
		t->hdr_len = f.hdr_len;
		t->nh_pos = f.nh_pos;
		t->next = f.next;
		t->mem += f.hdr_len;
		d->mem += f.hdr_len;
	}
	if (dg_lay(d, t, &f, 1, &overlap, &mismatch) == SIZE_MAX) {
		d->st.memcap_drops++;
		return -1;
	}
	t->nfrags++;
	d->st.overlaps += overlap;
	d->st.overlap_mismatch += mismatch;
	if (f.off + f.len > t->max_end)
		t->max_end = f.off + f.len;
	if (!f.more) {
		t->have_last = 1;
		t->end = f.off + f.len;
	}
	if (!t->have_last || t->hdr == NULL || t->received != t->end)
		return 0;
	*outlen = dg_build(d, t);
	*out = d->out;
	d->st.reassembled++;
	dg_free(d, t);
	return 1;
}
