/*
 * test_addrset.c - address sets and pair sets: hosts and blocks of both
 * families, /0 /32 /128 and the top of the address space, the most
 * specific entry deciding the tag, IPv4-mapped IPv6, every parse error,
 * @FILE includes, the entry limit, a randomised comparison with a plain
 * longest-prefix scan, a 100k-entry set with a million lookups (results
 * asserted, time only printed), and pairs "A<>B" / "A".
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"
#include "tmpdir.h"
#include "unit.h"

enum { FIREWALL, VPN, ROUTER, OTHER };
static const char *const names[] = { "firewall", "vpn", "router", "other",
	NULL };
static const struct addrset_tags roles = { "role", names, OTHER };

static char err[1024];
static const char *dir;

static struct addrset *
build(const char *text, const struct addrset_tags *tags)
{
	struct addrset *s;

	err[0] = '\0';
	s = addrset_build(text, tags, err, sizeof(err));
	if (s == NULL)
		printf("\n  build: %s\n", err);
	return s;
}

/* Looks up an address in text form (either family). */
static int
look(const struct addrset *s, const char *ip)
{
	uint8_t a[16];

	if (strchr(ip, ':') != NULL) {
		CU_ASSERT_FATAL(inet_pton(AF_INET6, ip, a) == 1);
		return addrset_lookup(s, 6, a);
	}
	CU_ASSERT_FATAL(inet_pton(AF_INET, ip, a) == 1);
	return addrset_lookup(s, 4, a);
}

/* 1 if building text fails with an error containing want. */
static int
fails(const char *text, const struct addrset_tags *tags, const char *want)
{
	struct addrset *s;

	err[0] = '\0';
	if ((s = addrset_build(text, tags, err, sizeof(err))) != NULL) {
		addrset_free(s);
		printf("\n  '%s' was accepted\n", text);
		return 0;
	}
	if (strstr(err, want) == NULL) {
		printf("\n  '%s': got \"%s\", want \"%s\"\n", text, err, want);
		return 0;
	}
	return 1;
}

static void
test_basic(void)
{
	struct addrset *s = build("192.0.2.1, 198.51.100.0/24 2001:db8::1\n"
	    "2001:db8:1::/48", NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(addrset_entries(s), 4);
	CU_ASSERT_EQUAL(look(s, "192.0.2.1"), 0);
	CU_ASSERT_EQUAL(look(s, "192.0.2.0"), -1);
	CU_ASSERT_EQUAL(look(s, "192.0.2.2"), -1);
	CU_ASSERT_EQUAL(look(s, "198.51.99.255"), -1);
	CU_ASSERT_EQUAL(look(s, "198.51.100.0"), 0);
	CU_ASSERT_EQUAL(look(s, "198.51.100.255"), 0);
	CU_ASSERT_EQUAL(look(s, "198.51.101.0"), -1);
	CU_ASSERT_EQUAL(look(s, "2001:db8::1"), 0);
	CU_ASSERT_EQUAL(look(s, "2001:db8::2"), -1);
	CU_ASSERT_EQUAL(look(s, "2001:db8:1::"), 0);
	CU_ASSERT_EQUAL(look(s, "2001:db8:1:ffff:ffff:ffff:ffff:ffff"), 0);
	CU_ASSERT_EQUAL(look(s, "2001:db8:2::"), -1);
	CU_ASSERT_EQUAL(look(s, "2001:db8:0:ffff:ffff:ffff:ffff:ffff"), -1);
	/* Host byte order entry point, and AF_* families. */
	CU_ASSERT_EQUAL(addrset_lookup4(s, 0xc0000201), 0);
	CU_ASSERT_EQUAL(addrset_lookup4(s, 0xc0000202), -1);
	{
		uint8_t a[16] = { 192, 0, 2, 1 };

		CU_ASSERT_EQUAL(addrset_lookup(s, AF_INET, a), 0);
		CU_ASSERT_EQUAL(addrset_lookup(s, 5, a), -1);
	}
	addrset_free(s);
	/* Empty and NULL. */
	s = build("", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(addrset_entries(s), 0);
	CU_ASSERT_EQUAL(look(s, "192.0.2.1"), -1);
	CU_ASSERT_EQUAL(look(s, "::"), -1);
	addrset_free(s);
	CU_ASSERT_EQUAL(look(NULL, "192.0.2.1"), -1);
	CU_ASSERT_EQUAL(addrset_entries(NULL), 0);
	addrset_free(NULL);
}

static void
test_most_specific(void)
{
	struct addrset *s;

	/* Listed most specific first, so input order cannot be what works. */
	s = build("10.1.2.3=vpn, 10.1.0.0/16=firewall, 10.0.0.0/8=router, "
	    "10.1.2.4/31=FIREWALL, 10.255.255.255, 2001:db8::/32=router, "
	    "2001:db8:ab::/48=vpn", &roles);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(look(s, "9.255.255.255"), -1);
	CU_ASSERT_EQUAL(look(s, "10.0.0.0"), ROUTER);
	CU_ASSERT_EQUAL(look(s, "10.0.255.255"), ROUTER);
	CU_ASSERT_EQUAL(look(s, "10.1.0.0"), FIREWALL);
	CU_ASSERT_EQUAL(look(s, "10.1.2.2"), FIREWALL);
	CU_ASSERT_EQUAL(look(s, "10.1.2.3"), VPN);
	CU_ASSERT_EQUAL(look(s, "10.1.2.4"), FIREWALL);
	CU_ASSERT_EQUAL(look(s, "10.1.2.5"), FIREWALL);
	CU_ASSERT_EQUAL(look(s, "10.1.255.255"), FIREWALL);
	CU_ASSERT_EQUAL(look(s, "10.2.0.0"), ROUTER);
	CU_ASSERT_EQUAL(look(s, "10.255.255.254"), ROUTER);
	CU_ASSERT_EQUAL(look(s, "10.255.255.255"), OTHER);	/* no role */
	CU_ASSERT_EQUAL(look(s, "11.0.0.0"), -1);
	CU_ASSERT_EQUAL(look(s, "2001:db8::"), ROUTER);
	CU_ASSERT_EQUAL(look(s, "2001:db8:ab::1"), VPN);
	CU_ASSERT_EQUAL(look(s, "2001:db8:ac::"), ROUTER);
	CU_ASSERT_EQUAL(look(s, "2001:db9::"), -1);
	/*
	 * Ranges: router, firewall, vpn, firewall (10.1.2.4/31 merges with
	 * the /16 around it), router, other; router, vpn, router.
	 */
	CU_ASSERT_EQUAL(addrset_ranges(s), 9);
	addrset_free(s);

	/* The same prefix twice: the same tag is fine, two tags are not. */
	s = build("10.0.0.1=vpn 10.0.0.1=vpn 10.0.0.1/32=VPN", &roles);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(addrset_entries(s), 1);
	addrset_free(s);
	CU_ASSERT(fails("10.0.0.1=vpn, 10.0.0.0/8, 10.0.0.1=firewall", &roles,
	    "10.0.0.1/32 is listed twice with different roles (firewall, "
	    "vpn)"));
	CU_ASSERT(fails("2001:db8::/32=vpn 2001:db8::/32", &roles,
	    "2001:db8::/32 is listed twice with different roles (vpn, "
	    "other)"));
	/* Adjacent blocks with one tag are one range. */
	s = build("10.0.0.0/25 10.0.0.128/25 10.0.1.0/24", NULL);
	CU_ASSERT_EQUAL(addrset_ranges(s), 1);
	addrset_free(s);
}

static void
test_extremes(void)
{
	struct addrset *s;

	s = build("0.0.0.0/0=other, 255.255.255.255=firewall, 0.0.0.0=vpn, "
	    "::/0=router, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128=vpn, "
	    "::=firewall", &roles);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(look(s, "0.0.0.0"), VPN);
	CU_ASSERT_EQUAL(look(s, "0.0.0.1"), OTHER);
	CU_ASSERT_EQUAL(look(s, "255.255.255.254"), OTHER);
	CU_ASSERT_EQUAL(look(s, "255.255.255.255"), FIREWALL);
	CU_ASSERT_EQUAL(look(s, "::"), FIREWALL);
	CU_ASSERT_EQUAL(look(s, "::1"), ROUTER);
	CU_ASSERT_EQUAL(look(s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"),
	    ROUTER);
	CU_ASSERT_EQUAL(look(s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
	    VPN);
	CU_ASSERT_EQUAL(look(s, "8000::"), ROUTER);
	CU_ASSERT_EQUAL(addrset_ranges(s), 6);
	addrset_free(s);

	/* /0 of one family does not hold the other. */
	s = build("0.0.0.0/0", NULL);
	CU_ASSERT_EQUAL(look(s, "10.0.0.1"), 0);
	CU_ASSERT_EQUAL(look(s, "2001:db8::1"), -1);
	addrset_free(s);
	s = build("::/0", NULL);
	CU_ASSERT_EQUAL(look(s, "10.0.0.1"), -1);
	CU_ASSERT_EQUAL(look(s, "2001:db8::1"), 0);
	CU_ASSERT_EQUAL(look(s, "::ffff:10.0.0.1"), -1);	/* mapped: v4 */
	addrset_free(s);
	/* A block ending at the top, with a child ending there too. */
	s = build("ffff::/16=vpn ffff:ffff::/32=router", &roles);
	CU_ASSERT_EQUAL(look(s, "fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
	    -1);
	CU_ASSERT_EQUAL(look(s, "ffff::"), VPN);
	CU_ASSERT_EQUAL(look(s, "ffff:fffe:ffff:ffff:ffff:ffff:ffff:ffff"),
	    VPN);
	CU_ASSERT_EQUAL(look(s, "ffff:ffff::"), ROUTER);
	CU_ASSERT_EQUAL(look(s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
	    ROUTER);
	addrset_free(s);
}

static void
test_mapped(void)
{
	struct addrset *s;

	/* A mapped entry is the IPv4 entry; a mapped address is IPv4. */
	s = build("::ffff:192.0.2.0/120=vpn, 198.51.100.7=router, "
	    "::ffff:203.0.113.9", &roles);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(look(s, "192.0.2.77"), VPN);
	CU_ASSERT_EQUAL(look(s, "::ffff:192.0.2.77"), VPN);
	CU_ASSERT_EQUAL(look(s, "::ffff:198.51.100.7"), ROUTER);
	CU_ASSERT_EQUAL(look(s, "203.0.113.9"), OTHER);
	CU_ASSERT_EQUAL(look(s, "::ffff:203.0.113.10"), -1);
	/* IPv4-compatible (::a.b.c.d, deprecated) is plain IPv6. */
	CU_ASSERT_EQUAL(look(s, "::192.0.2.77"), -1);
	addrset_free(s);
	/* The mapped and the IPv4 form are one prefix: a repeat. */
	CU_ASSERT(fails("192.0.2.0/24=vpn ::ffff:192.0.2.0/120=router", &roles,
	    "192.0.2.0/24 is listed twice"));
	/* Host bits of a mapped entry are named in IPv4. */
	CU_ASSERT(fails("::ffff:192.0.2.1/120", NULL,
	    "host bits set (the network is 192.0.2.0/24)"));
}

static void
test_errors(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "10.0.0.300", "'10.0.0.300': not an IPv4 address" },
		{ "10.1", "'10.1': not an IPv4 address" },
		{ "010.0.0.1", "not an IPv4 address" },
		{ "10.0.0.1.5", "not an IPv4 address" },
		{ "host.example.com", "not an IPv4 address" },
		{ "2001:db8::g", "not an IPv6 address" },
		{ "fe80::1%eth0", "not an IPv6 address" },
		{ "1:2:3:4:5:6:7:8:9", "not an IPv6 address" },
		{ "10.0.0.0/", "prefix length missing after /" },
		{ "10.0.0.0/33", "prefix length 33 is out of range 0..32" },
		{ "10.0.0.0/99999999999", "out of range 0..32" },
		{ "::/129", "prefix length 129 is out of range 0..128" },
		{ "10.0.0.0/x", "prefix length 'x' is not a number" },
		{ "10.0.0.0/-1", "prefix length '-1' is not a number" },
		{ "10.0.0.0/8/8", "prefix length '8/8' is not a number" },
		{ "10.0.0.0/ 8", "prefix length missing" },
		{ "10.0.0.1/24", "'10.0.0.1/24': host bits set (the network is "
		    "10.0.0.0/24)" },
		{ "0.0.0.1/0", "host bits set (the network is 0.0.0.0/0)" },
		{ "2001:db8::1/32", "host bits set (the network is "
		    "2001:db8::/32)" },
		{ "10.0.0.1=", "role missing after '=' (one of: firewall, vpn, "
		    "router, other)" },
		{ "10.0.0.1=fw", "'10.0.0.1=fw': unknown role 'fw' (one of: "
		    "firewall, vpn, router, other)" },
		{ "=vpn", "'=vpn': address missing" },
		{ "10.0.0.1, 10.0.0.2=vpn=vpn", "unknown role 'vpn=vpn'" },
		{ "good.1, 10.0.0.1", "'good.1': not an IPv4 address" },
		{ "10.0.0.1 <> 10.0.0.2", "'10.0.0.1<>10.0.0.2': not an IPv4 "
		    "address" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaa", "not an address" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT(fails(cases[i].text, &roles, cases[i].want));
	/* A set without names takes no "=NAME". */
	CU_ASSERT(fails("10.0.0.1=firewall", NULL, "'10.0.0.1=firewall': this "
	    "list takes addresses only, no '=NAME'"));
	/* The first error stops the build. */
	CU_ASSERT(fails("10.0.0.1, 10.0.0.2/31, 10.0.0.5/31, 10.0.0.7/31",
	    NULL, "'10.0.0.5/31': host bits set"));
}

static void
setup(void)
{
	dir = tmpdir_scratch("addrset");
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
}

static void
test_include(void)
{
	static const char devices[] =
	    "# edge devices, site A\n"
	    "10.0.0.1=firewall\n"
	    "10.0.0.2=vpn   # the concentrator\n"
	    "\n"
	    "2001:db8::1=router, 2001:db8::2\n";
	static const char broken[] =
	    "10.0.0.1=firewall\n"
	    "# ok so far\n"
	    "10.0.0.0/8=router 10.0.0.300=vpn\n";
	char text[700], want[700];
	const char *p, *q;
	struct addrset *s;

	setup();
	p = tmpdir_file(dir, "devices.txt", devices, sizeof(devices) - 1);
	q = tmpdir_file(dir, "broken.txt", broken, sizeof(broken) - 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	snprintf(text, sizeof(text), "192.0.2.1=router, @%s", p);
	s = build(text, &roles);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(addrset_entries(s), 5);
	CU_ASSERT_EQUAL(look(s, "10.0.0.2"), VPN);
	CU_ASSERT_EQUAL(look(s, "2001:db8::2"), OTHER);
	CU_ASSERT_EQUAL(look(s, "192.0.2.1"), ROUTER);
	addrset_free(s);

	snprintf(text, sizeof(text), "@%s", q);
	snprintf(want, sizeof(want), "%s:3: '10.0.0.300=vpn': not an IPv4 "
	    "address", q);
	CU_ASSERT(fails(text, &roles, want));
	CU_ASSERT_STRING_EQUAL(err, want);
	snprintf(text, sizeof(text), "10.0.0.9, @%s/missing.txt", dir);
	snprintf(want, sizeof(want), "@%s/missing.txt: cannot open: No such "
	    "file or directory", dir);
	CU_ASSERT(fails(text, &roles, want));
}

/* Writes n distinct /32 entries (10.a.b.c) to a file; returns its path. */
static const char *
many_file(const char *name, size_t n)
{
	char *buf = malloc(n * 20 + 1), *p = buf;
	const char *path;
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	for (i = 0; i < n; i++)
		p += sprintf(p, "10.%u.%u.%u\n", (unsigned)(i >> 16) & 255,
		    (unsigned)(i >> 8) & 255, (unsigned)i & 255);
	path = tmpdir_file(dir, name, buf, (size_t)(p - buf));
	free(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	return path;
}

static void
test_max_entries(void)
{
	char text[600], want[64];
	struct addrset *s;

	setup();
	snprintf(text, sizeof(text), "@%s", many_file("max.txt",
	    ADDRSET_MAX_ENTRIES));
	s = build(text, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(addrset_entries(s), ADDRSET_MAX_ENTRIES);
	CU_ASSERT_EQUAL(addrset_ranges(s), 1);		/* 10.0.0.0/14 */
	CU_ASSERT_EQUAL(look(s, "10.3.255.255"), 0);
	CU_ASSERT_EQUAL(look(s, "10.4.0.0"), -1);
	addrset_free(s);
	/* One more (a repeat counts: the limit bounds the work). */
	snprintf(text + strlen(text), sizeof(text) - strlen(text),
	    ", 10.0.0.0");
	snprintf(want, sizeof(want), "'10.0.0.0': more than %d entries",
	    ADDRSET_MAX_ENTRIES);
	CU_ASSERT(fails(text, NULL, want));
}

/* ---- against a plain longest-prefix scan ------------------------------ */

struct ref {
	uint8_t		addr[16];
	unsigned	plen;
	int		family;
	int		tag;
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int
in_ref(const struct ref *r, int family, const uint8_t *a)
{
	unsigned i, bits = r->plen;

	if (r->family != family)
		return 0;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (a[i] != r->addr[i])
			return 0;
	return bits == 0 || ((a[i] ^ r->addr[i]) & (0xff00 >> bits)) == 0;
}

static int
ref_lookup(const struct ref *r, size_t n, int family, const uint8_t *a)
{
	int best = -1, blen = -1;
	size_t i;

	for (i = 0; i < n; i++)
		if (in_ref(&r[i], family, a) && (int)r[i].plen > blen) {
			blen = (int)r[i].plen;
			best = r[i].tag;
		}
	return best;
}

/* A random prefix near a few hot spots, so blocks nest and touch. */
static void
random_prefix(struct ref *r)
{
	unsigned i, width;

	memset(r, 0, sizeof(*r));
	r->family = rnd() % 3 == 0 ? 6 : 4;
	width = r->family == 4 ? 4 : 16;
	for (i = 0; i < width; i++)
		r->addr[i] = (uint8_t)(rnd() % 4 == 0 ? rnd() : 0x0a);
	r->plen = (unsigned)(rnd() % (width * 8 + 1));
	if (rnd() % 4 == 0)
		r->plen = width * 8 - (unsigned)(rnd() % 4);
	for (i = 0; i < width; i++) {
		unsigned keep = r->plen > i * 8 ? r->plen - i * 8 : 0;

		if (keep < 8)
			r->addr[i] &= (uint8_t)(0xff00 >> keep);
	}
	/* The tag is a function of the prefix: repeats agree. */
	r->tag = (int)((r->addr[0] * 7u + r->addr[width - 1] * 3u + r->plen) %
	    4);
}

static void
test_random_vs_scan(void)
{
	enum { NPREFIX = 300, NPROBE = 20000 };
	struct ref *r = calloc(NPREFIX, sizeof(*r));
	struct addrset_builder *b = addrset_builder_new(&roles);
	char text[64], ip[INET6_ADDRSTRLEN];
	uint8_t a[16];
	struct addrset *s;
	size_t i, k, bad = 0;
	int want;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	for (i = 0; i < NPREFIX; i++) {
		random_prefix(&r[i]);
		inet_ntop(r[i].family == 4 ? AF_INET : AF_INET6, r[i].addr, ip,
		    sizeof(ip));
		snprintf(text, sizeof(text), "%s/%u", ip, r[i].plen);
		CU_ASSERT_EQUAL_FATAL(addrset_builder_add_tagged(b, text,
		    (unsigned)r[i].tag, err, sizeof(err)), 0);
	}
	s = addrset_builder_finish(b, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (k = 0; k < NPROBE; k++) {
		const struct ref *base = &r[rnd() % NPREFIX];
		int fam = base->family;
		unsigned width = fam == 4 ? 4 : 16;

		/* Near a prefix: its first address, with a few bits flipped. */
		memcpy(a, base->addr, 16);
		for (i = 0; i < (k % 4); i++)
			a[rnd() % width] ^= (uint8_t)(1u << (rnd() % 8));
		if (k % 5 == 0)		/* the last address of the block */
			for (i = base->plen; i < width * 8; i++)
				a[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		want = ref_lookup(r, NPREFIX, fam, a);
		if (addrset_lookup(s, fam, a) != want)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	addrset_free(s);
	free(r);
}

/* ---- size and speed sanity ------------------------------------------- */

static void
test_100k(void)
{
	enum { N = 100000, LOOKUPS = 1000000 };
	struct addrset_builder *b = addrset_builder_new(&roles);
	uint32_t *v4 = malloc(N * sizeof(*v4));
	char text[64];
	struct addrset *s;
	double t0, t1, t2;
	size_t i, hits = 0, misses = 0;
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v4);
	t0 = unit_now();
	/* 80k IPv4 hosts spread over 10.0.0.0/8 (even last octet), 20k /64s. */
	for (i = 0; i < N; i++) {
		if (i % 5 != 4) {
			v4[i] = 0x0a000000u | (uint32_t)((rnd() % 0x7fffff) *
			    2);
			/* A repeat gets the same role: no conflict. */
			snprintf(text, sizeof(text), "%u.%u.%u.%u=%s",
			    v4[i] >> 24, (v4[i] >> 16) & 255, (v4[i] >> 8) & 255,
			    v4[i] & 255, names[(v4[i] >> 1) % 4]);
		} else {
			v4[i] = 0;
			snprintf(text, sizeof(text), "2001:db8:%x:%x::/64",
			    (unsigned)(i >> 16), (unsigned)(i & 0xffff));
		}
		CU_ASSERT_EQUAL_FATAL(addrset_builder_add(b, text, err,
		    sizeof(err)), 0);
	}
	s = addrset_builder_finish(b, err, sizeof(err));	/* no conflicts */
	if (s == NULL)
		printf("\n  %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	t1 = unit_now();
	for (i = 0; i < LOOKUPS; i++) {
		size_t e = i % N;

		if (v4[e] != 0) {
			/* The entry, then its odd neighbour (never listed). */
			hits += addrset_lookup4(s, v4[e]) >= 0;
			misses += addrset_lookup4(s, v4[e] | 1) < 0;
		} else {
			a6[4] = (uint8_t)(e >> 24);
			a6[5] = (uint8_t)(e >> 16);
			a6[6] = (uint8_t)(e >> 8);
			a6[7] = (uint8_t)e;
			a6[15] = (uint8_t)i;
			hits += addrset_lookup(s, 6, a6) >= 0;
			a6[3] = 0xb9;		/* 2001:db9::: not listed */
			misses += addrset_lookup(s, 6, a6) < 0;
			a6[3] = 0xb8;
		}
	}
	t2 = unit_now();
	CU_ASSERT_EQUAL(hits, LOOKUPS);
	CU_ASSERT_EQUAL(misses, LOOKUPS);
	printf("\n  %zu entries, %zu ranges: build %.0f ms, %d lookups "
	    "%.0f ns each ", addrset_entries(s), addrset_ranges(s),
	    (t1 - t0) * 1e3, 2 * LOOKUPS, (t2 - t1) * 1e9 / (2 * LOOKUPS));
	addrset_free(s);
	free(v4);
}

/* ---- pairs ------------------------------------------------------------ */

static struct addrpairs *
pairs(const char *text)
{
	struct addrpairs *p;

	err[0] = '\0';
	if ((p = addrpairs_build(text, err, sizeof(err))) == NULL)
		printf("\n  pairs: %s\n", err);
	return p;
}

static int
pm(const struct addrpairs *p, const char *x, const char *y)
{
	uint8_t a[16], b[16];
	int fam = strchr(x, ':') ? 6 : 4;

	CU_ASSERT_FATAL(inet_pton(fam == 4 ? AF_INET : AF_INET6, x, a) == 1);
	CU_ASSERT_FATAL(inet_pton(strchr(y, ':') ? AF_INET6 : AF_INET, y,
	    b) == 1);
	return addrpairs_match(p, fam, a, b);
}

static void
test_pairs(void)
{
	struct addrpairs *p;

	p = pairs("192.0.2.1<>198.51.100.0/24, 10.0.0.0/8 <> 10.0.0.0/8\n"
	    "203.0.113.5, 2001:db8::/32 <> 2001:db8:ffff::1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(addrpairs_entries(p), 4);
	CU_ASSERT_EQUAL(pm(p, "192.0.2.1", "198.51.100.77"), 1);
	CU_ASSERT_EQUAL(pm(p, "198.51.100.77", "192.0.2.1"), 1);  /* reverse */
	CU_ASSERT_EQUAL(pm(p, "192.0.2.2", "198.51.100.77"), 0);
	CU_ASSERT_EQUAL(pm(p, "192.0.2.1", "198.51.101.1"), 0);
	CU_ASSERT_EQUAL(pm(p, "192.0.2.1", "192.0.2.1"), 0);
	CU_ASSERT_EQUAL(pm(p, "10.1.1.1", "10.200.0.1"), 1);
	CU_ASSERT_EQUAL(pm(p, "10.1.1.1", "11.0.0.1"), 0);
	/* A plain entry: any tunnel with an end in it. */
	CU_ASSERT_EQUAL(pm(p, "203.0.113.5", "8.8.8.8"), 1);
	CU_ASSERT_EQUAL(pm(p, "8.8.8.8", "203.0.113.5"), 1);
	CU_ASSERT_EQUAL(pm(p, "203.0.113.6", "8.8.8.8"), 0);
	CU_ASSERT_EQUAL(pm(p, "2001:db8:1::9", "2001:db8:ffff::1"), 1);
	CU_ASSERT_EQUAL(pm(p, "2001:db8:ffff::1", "2001:db8:1::9"), 1);
	CU_ASSERT_EQUAL(pm(p, "2001:db8:1::9", "2001:db8:ffff::2"), 0);
	/* Mapped addresses are IPv4; mixed families never match. */
	CU_ASSERT_EQUAL(pm(p, "::ffff:192.0.2.1", "::ffff:198.51.100.1"), 1);
	CU_ASSERT_EQUAL(pm(p, "::ffff:203.0.113.5", "2001:db8::1"), 0);
	CU_ASSERT_EQUAL(pm(NULL, "192.0.2.1", "198.51.100.77"), 0);
	addrpairs_free(p);
	CU_ASSERT_EQUAL(addrpairs_entries(NULL), 0);
	addrpairs_free(NULL);

	p = pairs("");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(pm(p, "192.0.2.1", "198.51.100.77"), 0);
	addrpairs_free(p);
}

static void
test_pair_errors(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "10.0.0.1<>2001:db8::1", "'10.0.0.1<>2001:db8::1': the two "
		    "ends are of different address families" },
		{ "10.0.0.1<>", "'10.0.0.1<>': address missing after '<>'" },
		{ "<>10.0.0.1", "address missing before '<>'" },
		{ "10.0.0.1 <> , 10.0.0.2", "address missing after '<>'" },
		{ "a<>b<>c", "not an IPv4 address" },
		{ "10.0.0.1<>10.0.0.2<>10.0.0.3", "more than one '<>'" },
		{ "10.0.0.1=vpn<>10.0.0.2", "a pair takes addresses only" },
		{ "10.0.0.1/24<>10.0.0.2", "host bits set (the network is "
		    "10.0.0.0/24)" },
		{ "10.0.0.1<>10.0.0.0/40", "prefix length 40 is out of range" },
		{ "10.0.0.1 10.0.0.2 < > 10.0.0.3", "'<': not an IPv4 address" },
	};
	struct addrpairs *p;
	char *big, *q;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		p = addrpairs_build(cases[i].text, err, sizeof(err));
		CU_ASSERT_PTR_NULL(p);
		if (strstr(err, cases[i].want) == NULL)
			printf("\n  '%s': got \"%s\"\n", cases[i].text, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].want));
		addrpairs_free(p);
	}
	/* The limit, and one more. */
	big = malloc((ADDRPAIRS_MAX_ENTRIES + 1) * 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	for (i = 0, q = big; i < ADDRPAIRS_MAX_ENTRIES; i++)
		q += sprintf(q, "10.0.%zu.%zu<>10.1.0.0/16,", i >> 8, i & 255);
	p = pairs(big);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(addrpairs_entries(p), ADDRPAIRS_MAX_ENTRIES);
	CU_ASSERT_EQUAL(pm(p, "10.1.9.9", "10.0.15.255"), 1);
	CU_ASSERT_EQUAL(pm(p, "10.1.9.9", "10.0.16.0"), 0);
	addrpairs_free(p);
	strcpy(q, "10.9.9.9");
	CU_ASSERT_PTR_NULL(addrpairs_build(big, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'10.9.9.9': more than 4096 "
	    "entries"));
	free(big);
}

UNIT_MAIN("addrset",
	{ "hosts and blocks, both families", test_basic },
	{ "most specific prefix decides", test_most_specific },
	{ "/0, /32, /128, top of the space", test_extremes },
	{ "IPv4-mapped IPv6", test_mapped },
	{ "parse errors name the entry", test_errors },
	{ "@FILE includes", test_include },
	{ "entry limit", test_max_entries },
	{ "random prefixes against a scan", test_random_vs_scan },
	{ "100k entries, 2M lookups", test_100k },
	{ "pairs A<>B and A", test_pairs },
	{ "pair errors and limit", test_pair_errors })
