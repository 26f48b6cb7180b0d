/*
 * addrset.c - address sets and pair sets; see addrset.h for the syntax
 * and the decisions behind it.
 *
 * Addresses are 128-bit numbers in two uint64_t halves (no __int128, so
 * 32-bit sensors build it too); an IPv4 address is the low 32 bits of one,
 * kept in its own family.  The flattening sweep: prefixes sorted by
 * (first address, length) form a laminar family (two CIDR blocks are
 * nested or disjoint), so a stack of the blocks open at the current
 * address holds the most specific one on top; every time the top changes,
 * the range since the last change is emitted with the top's tag.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addrset.h"
#include "sigfile.h"

struct u128 {
	uint64_t	hi, lo;
};

/* A parsed entry: the block [first, last] of one family. */
struct prefix {
	struct u128	first, last;
	uint8_t		family;		/* 4 or 6 */
	uint8_t		plen;
	uint8_t		tag;
};

struct range {
	struct u128	first, last;
	uint8_t		tag;
};

struct addrset_builder {
	const struct addrset_tags *tags;
	unsigned	 ntags;
	struct prefix	*v;
	size_t		 n, cap;
};

/* The built set: one allocation, arrays carved from it. */
struct addrset {
	size_t		 entries;
	size_t		 n4, n6;
	struct u128	*first6, *last6;
	uint32_t	*first4, *last4;
	uint8_t		*tag4, *tag6;
};

struct pair {
	struct u128	anet, amask, bnet, bmask;
	uint8_t		family;
};

struct addrpairs {
	size_t		n;
	struct pair	v[];
};

static const struct u128 u128_max = { UINT64_MAX, UINT64_MAX };

static int
u128_cmp(struct u128 a, struct u128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

static struct u128
u128_inc(struct u128 a)
{
	if (++a.lo == 0)
		a.hi++;
	return a;
}

static struct u128
u128_dec(struct u128 a)
{
	if (a.lo-- == 0)
		a.hi--;
	return a;
}

static struct u128
u128_from_bytes(const uint8_t *b, int family)
{
	struct u128 a = { 0, 0 };
	int i;

	if (family == 4) {
		a.lo = (uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 |
		    (uint64_t)b[2] << 8 | b[3];
		return a;
	}
	for (i = 0; i < 8; i++) {
		a.hi = a.hi << 8 | b[i];
		a.lo = a.lo << 8 | b[8 + i];
	}
	return a;
}

/* Writes a's address ("192.0.2.0", "2001:db8::") into buf. */
static void
u128_format(struct u128 a, int family, char *buf, size_t len)
{
	uint8_t b[16];
	int i;

	for (i = 0; i < 8; i++) {
		b[i] = (uint8_t)(a.hi >> (56 - 8 * i));
		b[8 + i] = (uint8_t)(a.lo >> (56 - 8 * i));
	}
	if (inet_ntop(family == 4 ? AF_INET : AF_INET6,
	    family == 4 ? b + 12 : b, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

/* The host part of a prefix of length plen (bits set where hosts vary). */
static struct u128
host_mask(int family, unsigned plen)
{
	struct u128 m = { 0, 0 };

	if (family == 4) {
		m.lo = (uint64_t)UINT32_MAX >> plen;
		return m;
	}
	if (plen < 64) {
		m.hi = UINT64_MAX >> plen;
		m.lo = UINT64_MAX;
	} else if (plen < 128)
		m.lo = UINT64_MAX >> (plen - 64);
	return m;
}

int
addr_is_v4_mapped(const uint8_t *a)
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	return memcmp(a, pfx, sizeof(pfx)) == 0;
}

/*
 * Parses "ADDR[/LEN]" (len bytes of s).  Returns 0 with p's block set
 * (tag 0), or -1 with reason.
 */
static int
parse_prefix(const char *s, size_t len, struct prefix *p, char *reason,
    size_t rlen)
{
	char buf[64], net[INET6_ADDRSTRLEN];
	uint8_t bytes[16];
	const char *slash, *d;
	unsigned plen, max;
	struct u128 host;
	int family;

	if (len == 0 || len >= sizeof(buf)) {
		snprintf(reason, rlen, len ? "not an address" :
		    "address missing");
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((slash = strchr(buf, '/')) != NULL)
		buf[slash - buf] = '\0';
	family = strchr(buf, ':') != NULL ? 6 : 4;
	if (inet_pton(family == 4 ? AF_INET : AF_INET6, buf, bytes) != 1) {
		snprintf(reason, rlen, "not an IPv%d address", family);
		return -1;
	}
	max = family == 4 ? 32 : 128;
	plen = max;
	if (slash != NULL) {
		d = slash + 1;
		if (*d == '\0') {
			snprintf(reason, rlen, "prefix length missing after /");
			return -1;
		}
		for (plen = 0; *d >= '0' && *d <= '9' && plen <= max; d++)
			plen = plen * 10 + (unsigned)(*d - '0');
		if (*d != '\0' && (*d < '0' || *d > '9')) {
			snprintf(reason, rlen, "prefix length '%s' is not a "
			    "number", slash + 1);
			return -1;
		}
		if (plen > max) {
			snprintf(reason, rlen, "prefix length %s is out of "
			    "range 0..%u", slash + 1, max);
			return -1;
		}
	}
	if (family == 6 && plen >= 96 && addr_is_v4_mapped(bytes)) {
		memmove(bytes, bytes + 12, 4);
		family = 4;
		plen -= 96;
	}
	host = host_mask(family, plen);
	p->family = (uint8_t)family;
	p->plen = (uint8_t)plen;
	p->tag = 0;
	p->first = u128_from_bytes(bytes, family);
	if ((p->first.hi & host.hi) != 0 || (p->first.lo & host.lo) != 0) {
		p->first.hi &= ~host.hi;
		p->first.lo &= ~host.lo;
		u128_format(p->first, family, net, sizeof(net));
		snprintf(reason, rlen, "host bits set (the network is %s/%u)",
		    net, plen);
		return -1;
	}
	p->last.hi = p->first.hi | host.hi;
	p->last.lo = p->first.lo | host.lo;
	return 0;
}

/* ---- building -------------------------------------------------------- */

struct addrset_builder *
addrset_builder_new(const struct addrset_tags *tags)
{
	struct addrset_builder *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->tags = tags;
	if (tags != NULL)
		while (tags->names[b->ntags] != NULL &&
		    b->ntags < ADDRSET_MAX_TAGS)
			b->ntags++;
	return b;
}

void
addrset_builder_free(struct addrset_builder *b)
{
	if (b == NULL)
		return;
	free(b->v);
	free(b);
}

static int
builder_push(struct addrset_builder *b, const struct prefix *p, char *err,
    size_t errlen)
{
	struct prefix *nv;
	size_t ncap;

	if (b->n == ADDRSET_MAX_ENTRIES) {
		snprintf(err, errlen, "more than %d entries (the limit of a "
		    "set)", ADDRSET_MAX_ENTRIES);
		return -1;
	}
	if (b->n == b->cap) {
		ncap = b->cap ? b->cap * 2 : 64;
		if ((nv = realloc(b->v, ncap * sizeof(*nv))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		b->v = nv;
		b->cap = ncap;
	}
	b->v[b->n++] = *p;
	return 0;
}

static const char *
tag_noun(const struct addrset_builder *b)
{
	return b->tags != NULL && b->tags->noun != NULL ? b->tags->noun : "tag";
}

static void
tag_name(const struct addrset_builder *b, unsigned t, char *buf, size_t len)
{
	if (b->tags != NULL && t < b->ntags)
		snprintf(buf, len, "%s", b->tags->names[t]);
	else
		snprintf(buf, len, "%u", t);
}

/* Writes the tag names as "a, b, c" for an error message. */
static void
tag_names(const struct addrset_builder *b, char *buf, size_t len)
{
	size_t used = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < b->ntags && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i ? ", " : "", b->tags->names[i]);
}

int
addrset_builder_add(struct addrset_builder *b, const char *entry, char *err,
    size_t errlen)
{
	const char *eq = strchr(entry, '='), *noun;
	char names[160];
	struct prefix p;
	unsigned t;

	if (parse_prefix(entry, eq ? (size_t)(eq - entry) : strlen(entry), &p,
	    err, errlen) < 0)
		return -1;
	if (b->tags == NULL) {
		if (eq != NULL) {
			snprintf(err, errlen, "this list takes addresses only, "
			    "no '=NAME'");
			return -1;
		}
		return builder_push(b, &p, err, errlen);
	}
	p.tag = (uint8_t)b->tags->def;
	if (eq != NULL) {
		for (t = 0; t < b->ntags; t++)
			if (strcasecmp(eq + 1, b->tags->names[t]) == 0)
				break;
		if (t == b->ntags) {
			noun = tag_noun(b);
			tag_names(b, names, sizeof(names));
			if (eq[1] == '\0')
				snprintf(err, errlen, "%s missing after '=' (one "
				    "of: %s)", noun, names);
			else
				snprintf(err, errlen, "unknown %s '%s' (one of: "
				    "%s)", noun, eq + 1, names);
			return -1;
		}
		p.tag = (uint8_t)t;
	}
	return builder_push(b, &p, err, errlen);
}

int
addrset_builder_add_tagged(struct addrset_builder *b, const char *cidr,
    unsigned tag, char *err, size_t errlen)
{
	struct prefix p;

	if (tag > ADDRSET_MAX_TAGS || (b->tags != NULL && tag >= b->ntags)) {
		snprintf(err, errlen, "tag %u out of range", tag);
		return -1;
	}
	if (parse_prefix(cidr, strlen(cidr), &p, err, errlen) < 0)
		return -1;
	p.tag = (uint8_t)tag;
	return builder_push(b, &p, err, errlen);
}

static int
prefix_cmp(const void *va, const void *vb)
{
	const struct prefix *a = va, *b = vb;
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((c = u128_cmp(a->first, b->first)) != 0)
		return c;
	return a->plen < b->plen ? -1 : a->plen > b->plen;
}

/* Sort order: prefix_cmp, then the tag, so a conflict reads the same way. */
static int
sort_cmp(const void *va, const void *vb)
{
	const struct prefix *a = va, *b = vb;
	int c = prefix_cmp(va, vb);

	return c != 0 ? c : a->tag < b->tag ? -1 : a->tag > b->tag;
}

/* Appends a range, merged into the previous one when they touch. */
static void
emit(struct range *out, size_t *n, struct u128 first, struct u128 last,
    uint8_t tag)
{
	if (*n > 0 && out[*n - 1].tag == tag &&
	    u128_cmp(u128_inc(out[*n - 1].last), first) == 0) {
		out[*n - 1].last = last;
		return;
	}
	out[*n].first = first;
	out[*n].last = last;
	out[*n].tag = tag;
	(*n)++;
}

/*
 * The sweep (see the top of the file) over n sorted, distinct prefixes of
 * one family.  out has room for 2 * n ranges; returns how many it holds.
 */
static size_t
flatten(const struct prefix *p, size_t n, struct range *out)
{
	const struct prefix *stack[130], *top;
	struct u128 pos = { 0, 0 };
	size_t depth = 0, nout = 0, i;
	int past_end = 0;

	for (i = 0; i < n; i++) {
		/* Close the blocks that end before this one starts. */
		while (depth > 0 &&
		    u128_cmp(stack[depth - 1]->last, p[i].first) < 0) {
			top = stack[--depth];
			if (u128_cmp(pos, top->last) <= 0)
				emit(out, &nout, pos, top->last, top->tag);
			pos = u128_inc(top->last);
		}
		if (depth > 0 && u128_cmp(pos, p[i].first) < 0)
			emit(out, &nout, pos, u128_dec(p[i].first),
			    stack[depth - 1]->tag);
		stack[depth++] = &p[i];
		pos = p[i].first;
	}
	while (depth > 0) {
		top = stack[--depth];
		if (!past_end && u128_cmp(pos, top->last) <= 0)
			emit(out, &nout, pos, top->last, top->tag);
		if (u128_cmp(top->last, u128_max) == 0)
			past_end = 1;
		else
			pos = u128_inc(top->last);
	}
	return nout;
}

/* Sorts, drops repeats; -1 with err for one prefix with two tags. */
static int
dedup(struct addrset_builder *b, char *err, size_t errlen)
{
	size_t i, o = 0;
	struct prefix *p = b->v;
	char net[INET6_ADDRSTRLEN], t1[32], t2[32];

	if (b->n > 0)
		qsort(p, b->n, sizeof(*p), sort_cmp);
	for (i = 0; i < b->n; i++) {
		if (o > 0 && prefix_cmp(&p[o - 1], &p[i]) == 0) {
			if (p[o - 1].tag == p[i].tag)
				continue;
			u128_format(p[i].first, p[i].family, net, sizeof(net));
			tag_name(b, p[o - 1].tag, t1, sizeof(t1));
			tag_name(b, p[i].tag, t2, sizeof(t2));
			snprintf(err, errlen, "%s/%u is listed twice with "
			    "different %ss (%s, %s)", net, p[i].plen, tag_noun(b), t1,
			    t2);
			return -1;
		}
		p[o++] = p[i];
	}
	b->n = o;
	return 0;
}

struct addrset *
addrset_builder_finish(struct addrset_builder *b, char *err, size_t errlen)
{
	struct addrset *s = NULL;
	struct range *r = NULL;
	size_t n4 = 0, n4r, n6r, i, size;
	char *mem;

	if (b == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (dedup(b, err, errlen) < 0)
		goto out;
	while (n4 < b->n && b->v[n4].family == 4)
		n4++;
	if ((r = malloc((2 * b->n + 1) * sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	n4r = flatten(b->v, n4, r);
	n6r = n4 < b->n ? flatten(b->v + n4, b->n - n4, r + n4r) : 0;
	/* 128-bit arrays first, so every array is aligned. */
	size = sizeof(*s) + n6r * 2 * sizeof(struct u128) +
	    n4r * 2 * sizeof(uint32_t) + n4r + n6r;
	if ((mem = malloc(size)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	s = (struct addrset *)(void *)mem;
	s->entries = b->n;
	s->n4 = n4r;
	s->n6 = n6r;
	s->first6 = (struct u128 *)(void *)(mem + sizeof(*s));
	s->last6 = s->first6 + n6r;
	s->first4 = (uint32_t *)(void *)(s->last6 + n6r);
	s->last4 = s->first4 + n4r;
	s->tag4 = (uint8_t *)(s->last4 + n4r);
	s->tag6 = s->tag4 + n4r;
	for (i = 0; i < n4r; i++) {
		s->first4[i] = (uint32_t)r[i].first.lo;
		s->last4[i] = (uint32_t)r[i].last.lo;
		s->tag4[i] = r[i].tag;
	}
	for (i = 0; i < n6r; i++) {
		s->first6[i] = r[n4r + i].first;
		s->last6[i] = r[n4r + i].last;
		s->tag6[i] = r[n4r + i].tag;
	}
out:
	free(r);
	addrset_builder_free(b);
	return s;
}

static int
build_add(const char *entry, void *arg, char *err, size_t errlen)
{
	return addrset_builder_add(arg, entry, err, errlen);
}

struct addrset *
addrset_build(const char *text, const struct addrset_tags *tags, char *err,
    size_t errlen)
{
	struct addrset_builder *b;

	if ((b = addrset_builder_new(tags)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sigfile_list(text, build_add, b, err, errlen) < 0) {
		addrset_builder_free(b);
		return NULL;
	}
	return addrset_builder_finish(b, err, errlen);
}

void
addrset_free(struct addrset *s)
{
	free(s);
}

size_t
addrset_entries(const struct addrset *s)
{
	return s != NULL ? s->entries : 0;
}

size_t
addrset_ranges(const struct addrset *s)
{
	return s != NULL ? s->n4 + s->n6 : 0;
}

/* ---- lookups (any thread) -------------------------------------------- */

int
addrset_lookup4(const struct addrset *s, uint32_t a)
{
	size_t lo = 0, hi, mid;

	if (s == NULL)
		return -1;
	/* lo ends as the number of ranges starting at or below a. */
	for (hi = s->n4; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if (s->first4[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && a <= s->last4[lo - 1] ? s->tag4[lo - 1] : -1;
}

static int
lookup6(const struct addrset *s, struct u128 a)
{
	size_t lo = 0, hi, mid;

	for (hi = s->n6; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if (u128_cmp(s->first6[mid], a) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && u128_cmp(a, s->last6[lo - 1]) <= 0 ?
	    s->tag6[lo - 1] : -1;
}

/* Normalises a lookup key: 4 or 6, IPv4-mapped IPv6 becomes IPv4. */
static int
key_family(int family, const uint8_t **addr)
{
	if (family == 4 || family == AF_INET)
		return 4;
	if (family != 6 && family != AF_INET6)
		return 0;
	if (addr_is_v4_mapped(*addr)) {
		*addr += 12;
		return 4;
	}
	return 6;
}

int
addrset_lookup(const struct addrset *s, int family, const uint8_t *addr)
{
	if (s == NULL)
		return -1;
	switch (key_family(family, &addr)) {
	case 4:
		return addrset_lookup4(s, (uint32_t)u128_from_bytes(addr, 4).lo);
	case 6:
		return lookup6(s, u128_from_bytes(addr, 6));
	}
	return -1;
}

/* ---- pair sets ------------------------------------------------------- */

struct pair_builder {
	struct addrpairs *p;
	size_t		  cap;
};

/* One side of a pair: "ADDR[/LEN]", no tag. */
static int
pair_side(const char *s, size_t len, const char *which, struct prefix *p,
    char *err, size_t errlen)
{
	if (len == 0) {
		snprintf(err, errlen, "address missing %s '<>'", which);
		return -1;
	}
	if (memchr(s, '=', len) != NULL) {
		snprintf(err, errlen, "a pair takes addresses only, no '=NAME'");
		return -1;
	}
	return parse_prefix(s, len, p, err, errlen);
}

static void
pair_mask(const struct prefix *p, struct u128 *net, struct u128 *mask)
{
	struct u128 host = host_mask(p->family, p->plen);

	*net = p->first;
	mask->hi = ~host.hi;
	mask->lo = ~host.lo;
}

static int
pair_add(const char *entry, void *arg, char *err, size_t errlen)
{
	struct pair_builder *pb = arg;
	const char *op = strstr(entry, "<>");
	struct prefix a, b;
	struct addrpairs *np;
	struct pair *pr;
	size_t ncap;

	if (pair_side(entry, op ? (size_t)(op - entry) : strlen(entry),
	    "before", &a, err, errlen) < 0)
		return -1;
	if (op != NULL) {
		if (strstr(op + 2, "<>") != NULL) {
			snprintf(err, errlen, "more than one '<>'");
			return -1;
		}
		if (pair_side(op + 2, strlen(op + 2), "after", &b, err,
		    errlen) < 0)
			return -1;
		if (a.family != b.family) {
			snprintf(err, errlen, "the two ends are of different "
			    "address families");
			return -1;
		}
	} else {
		/* "A" alone: any peer, a block of length 0. */
		memset(&b, 0, sizeof(b));
		b.family = a.family;
	}
	if (pb->p->n == ADDRPAIRS_MAX_ENTRIES) {
		snprintf(err, errlen, "more than %d entries (the limit of a "
		    "pair list)", ADDRPAIRS_MAX_ENTRIES);
		return -1;
	}
	if (pb->p->n == pb->cap) {
		ncap = pb->cap * 2;
		if ((np = realloc(pb->p, sizeof(*np) + ncap *
		    sizeof(np->v[0]))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		pb->p = np;
		pb->cap = ncap;
	}
	pr = &pb->p->v[pb->p->n++];
	pr->family = a.family;
	pair_mask(&a, &pr->anet, &pr->amask);
	pair_mask(&b, &pr->bnet, &pr->bmask);
	return 0;
}

struct addrpairs *
addrpairs_build(const char *text, char *err, size_t errlen)
{
	struct pair_builder pb;

	pb.cap = 16;
	if ((pb.p = malloc(sizeof(*pb.p) + pb.cap * sizeof(pb.p->v[0]))) ==
	    NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pb.p->n = 0;
	if (sigfile_list(text, pair_add, &pb, err, errlen) < 0) {
		free(pb.p);
		return NULL;
	}
	return pb.p;
}

static int
in_block(struct u128 a, struct u128 net, struct u128 mask)
{
	return ((a.hi ^ net.hi) & mask.hi) == 0 &&
	    ((a.lo ^ net.lo) & mask.lo) == 0;
}

int
addrpairs_match(const struct addrpairs *p, int family, const uint8_t *x,
    const uint8_t *y)
{
	struct u128 a, b;
	const struct pair *pr;
	int fx, fy;
	size_t i;

	if (p == NULL)
		return 0;
	fx = key_family(family, &x);
	fy = key_family(family, &y);
	if (fx == 0 || fx != fy)
		return 0;
	a = u128_from_bytes(x, fx);
	b = u128_from_bytes(y, fy);
	for (i = 0; i < p->n; i++) {
		pr = &p->v[i];
		if (pr->family != fx)
			continue;
		if ((in_block(a, pr->anet, pr->amask) &&
		    in_block(b, pr->bnet, pr->bmask)) ||
		    (in_block(b, pr->anet, pr->amask) &&
		    in_block(a, pr->bnet, pr->bmask)))
			return 1;
	}
	return 0;
}

size_t
addrpairs_entries(const struct addrpairs *p)
{
	return p != NULL ? p->n : 0;
}

void
addrpairs_free(struct addrpairs *p)
{
	free(p);
}
