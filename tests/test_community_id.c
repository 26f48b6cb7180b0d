/*
 * test_community_id.c - Community ID v1 against the published vectors of
 * the spec and its reference implementation.  Sources, cited per row:
 *
 *   [tbl]  corelight/community-id-spec baseline/README.md, tables
 *          "Default settings" (seed 0) and "A custom seed=1 value"
 *   [pcap] corelight/community-id-spec baseline/baseline_deflt.json
 *          (tuples from pcaps/combined.pcap.gz, seed 0)
 *   [py]   corelight/pycommunityid tests/communityid_test.py (first,
 *          seed 0, and third, seed 1, result columns)
 *
 * For ICMP and ICMPv6 the ports column is the message type and code.
 */
#include <arpa/inet.h>
#include <string.h>

#include "community_id.h"
#include "unit.h"

struct cid_vector {
	uint16_t	 seed;
	int		 family;
	const char	*saddr;
	const char	*daddr;
	uint8_t		 proto;
	uint16_t	 sport;
	uint16_t	 dport;
	const char	*want;
};

#define V6A	"fe80:0001:0203:0405:0607:0809:0A0B:0C0D"
#define V6B	"fe80:1011:1213:1415:1617:1819:1A1B:1C1D"

/* Computes the id of v; returns the function's result. */
static int
cid_of(const struct cid_vector *v, char out[COMMUNITY_ID_LEN])
{
	uint8_t s[16], d[16];
	int af = v->family == 4 ? AF_INET : AF_INET6;

	CU_ASSERT_FATAL(inet_pton(af, v->saddr, s) == 1);
	CU_ASSERT_FATAL(inet_pton(af, v->daddr, d) == 1);
	return community_id_v1(v->seed, v->family, s, d, v->proto, v->sport,
	    v->dport, out);
}

static void
check_vectors(const struct cid_vector *v, size_t n)
{
	char out[COMMUNITY_ID_LEN];
	size_t i;

	for (i = 0; i < n; i++) {
		memset(out, 'X', sizeof(out));
		CU_ASSERT_EQUAL(cid_of(&v[i], out), 0);
		CU_ASSERT_STRING_EQUAL(out, v[i].want);
		if (strcmp(out, v[i].want) != 0)
			fprintf(stderr, "\n  vector %zu (%s -> %s proto %u): "
			    "got %s want %s\n", i, v[i].saddr, v[i].daddr,
			    v[i].proto, out, v[i].want);
	}
}

#define NVEC(a)	(sizeof(a) / sizeof((a)[0]))

/* TCP, UDP and SCTP: both directions give one id. */
static void
test_ported(void)
{
	static const struct cid_vector v[] = {
		/* [tbl] default settings */
		{ 0, 4, "1.2.3.4", "5.6.7.8", 6, 1122, 3344,
		    "1:wCb3OG7yAFWelaUydu0D+125CLM=" },
		{ 0, 4, "5.6.7.8", "1.2.3.4", 6, 3344, 1122,
		    "1:wCb3OG7yAFWelaUydu0D+125CLM=" },
		{ 0, 4, "1.2.3.4", "5.6.7.8", 17, 1122, 3344,
		    "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=" },
		{ 0, 4, "5.6.7.8", "1.2.3.4", 17, 3344, 1122,
		    "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=" },
		{ 0, 4, "1.2.3.4", "5.6.7.8", 132, 1122, 3344,
		    "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=" },
		{ 0, 4, "5.6.7.8", "1.2.3.4", 132, 3344, 1122,
		    "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=" },
		/* [pcap] TCP: the larger address (by bytes) first */
		{ 0, 4, "128.232.110.120", "66.35.250.204", 6, 34855, 80,
		    "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
		{ 0, 4, "66.35.250.204", "128.232.110.120", 6, 80, 34855,
		    "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
		/* [pcap] UDP (DNS) */
		{ 0, 4, "192.168.1.52", "8.8.8.8", 17, 54585, 53,
		    "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
		{ 0, 4, "8.8.8.8", "192.168.1.52", 17, 53, 54585,
		    "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
		/* [pcap] SCTP with equal ports, both directions */
		{ 0, 4, "192.168.170.8", "192.168.170.56", 132, 7, 7,
		    "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
		{ 0, 4, "192.168.170.56", "192.168.170.8", 132, 7, 7,
		    "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
		/* [py] SCTP; TCP from pycommunityid issue 3 (port order) */
		{ 0, 4, "192.168.170.56", "192.168.170.8", 132, 80, 7,
		    "1:jQgCxbku+pNGw8WPbEc/TS/uTpQ=" },
		{ 0, 4, "10.0.0.1", "10.0.0.2", 6, 10, 11569,
		    "1:SXBGMX1lBOwhhoDrZynfROxnhnM=" }
	};

	check_vectors(v, NVEC(v));
}

static void
test_ipv6(void)
{
	static const struct cid_vector v[] = {
		/* [pcap] SMTP over IPv6 */
		{ 0, 6, "2001:470:e5bf:dead:4957:2174:e82c:4887",
		    "2607:f8b0:400c:c03::1a", 6, 63943, 25,
		    "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
		{ 0, 6, "2607:f8b0:400c:c03::1a",
		    "2001:470:e5bf:dead:4957:2174:e82c:4887", 6, 25, 63943,
		    "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" }
	};

	check_vectors(v, NVEC(v));
}

/* ICMP: echo and its reply pair up; other types are one-way. */
static void
test_icmp(void)
{
	static const struct cid_vector v[] = {
		/* [tbl] echo request, then the reply */
		{ 0, 4, "1.2.3.4", "5.6.7.8", 1, 8, 0,
		    "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=" },
		{ 0, 4, "5.6.7.8", "1.2.3.4", 1, 0, 0,
		    "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=" },
		/* [tbl] time exceeded: one-way */
		{ 0, 4, "1.2.3.4", "5.6.7.8", 1, 11, 0,
		    "1:f/YiSyWqczrTgfUCZlBUnvHRcPk=" },
		/* [pcap] echo from the larger address, and its reply */
		{ 0, 4, "192.168.0.89", "192.168.0.1", 1, 8, 0,
		    "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
		{ 0, 4, "192.168.0.1", "192.168.0.89", 1, 0, 8,
		    "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
		/* [pcap] time exceeded */
		{ 0, 4, "10.0.0.1", "10.0.0.2", 1, 11, 0,
		    "1:YHxtAirCG//0OzkcVAukqKQN9xM=" },
		/* [py] type 20 is one-way, so its code is hashed ... */
		{ 0, 4, "192.168.0.89", "192.168.0.1", 1, 20, 0,
		    "1:3o2RFccXzUgjl7zDpqmY7yJi8rI=" },
		{ 0, 4, "192.168.0.89", "192.168.0.1", 1, 20, 1,
		    "1:tz/fHIDUHs19NkixVVoOZywde+I=" },
		/* [py] ... while an echo reply's code is ignored */
		{ 0, 4, "192.168.0.1", "192.168.0.89", 1, 0, 20,
		    "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" }
	};

	check_vectors(v, NVEC(v));
}

static void
test_icmpv6(void)
{
	static const struct cid_vector v[] = {
		/* [tbl] echo request, then the reply; one-way type 146 */
		{ 0, 6, V6A, V6B, 58, 128, 0,
		    "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=" },
		{ 0, 6, V6B, V6A, 58, 129, 0,
		    "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=" },
		{ 0, 6, V6A, V6B, 58, 146, 0,
		    "1:fYC8+pz24E+EhANP1EZhpX0Dw10=" },
		/* [pcap] neighbour solicitation and advertisement */
		{ 0, 6, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea",
		    58, 135, 136, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
		{ 0, 6, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da",
		    58, 136, 135, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
		{ 0, 6, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da",
		    58, 135, 136, "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
		/* [pcap] time exceeded and destination unreachable */
		{ 0, 6, "3ffe:501:1800:2345::2",
		    "3ffe:507:0:1:200:86ff:fe05:80da", 58, 3, 0,
		    "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=" },
		{ 0, 6, "3ffe:501:410:0:2c0:dfff:fe47:33e",
		    "3ffe:507:0:1:200:86ff:fe05:80da", 58, 1, 4,
		    "1:hLZd0XGWojozrvxqE0dWB1iM6R0=" },
		/* [pcap] echo from the larger address, and its reply */
		{ 0, 6, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2",
		    58, 128, 129, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
		{ 0, 6, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da",
		    58, 129, 128, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
		/* [pcap] router solicitation and advertisement, multicast */
		{ 0, 6, "fe80::200:86ff:fe05:80da", "ff02::2", 58, 133, 134,
		    "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=" },
		{ 0, 6, "fe80::260:97ff:fe07:69ea", "ff02::1", 58, 134, 133,
		    "1:pkvHqCL88/tg1k4cPigmZXUtL00=" },
		/*
		 * [py] one-way type 3 from the larger address is not
		 * swapped, so the two directions differ.
		 */
		{ 0, 6, "3ffe:507:0:1:260:97ff:fe07:69ea",
		    "3ffe:507:0:1:200:86ff:fe05:80da", 58, 3, 0,
		    "1:NdobDX8PQNJbAyfkWxhtL2Pqp5w=" },
		{ 0, 6, "3ffe:507:0:1:200:86ff:fe05:80da",
		    "3ffe:507:0:1:260:97ff:fe07:69ea", 58, 3, 0,
		    "1:/OGBt9BN1ofenrmSPWYicpij2Vc=" }
	};

	check_vectors(v, NVEC(v));
}

/* RSVP (46) has no ports: whatever is passed for them is ignored. */
static void
test_portless(void)
{
	static const struct cid_vector v[] = {
		/* [tbl] */
		{ 0, 4, "1.2.3.4", "5.6.7.8", 46, 0, 0,
		    "1:ikv3kmf89luf73WPz1jOs49S768=" },
		{ 0, 4, "5.6.7.8", "1.2.3.4", 46, 1234, 80,
		    "1:ikv3kmf89luf73WPz1jOs49S768=" },
		{ 0, 6, V6A, V6B, 46, 0, 0,
		    "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=" },
		{ 0, 6, V6B, V6A, 46, 0, 0,
		    "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=" },
		/* [pcap] */
		{ 0, 4, "10.1.12.1", "10.1.12.2", 46, 0, 0,
		    "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
		{ 0, 4, "10.1.12.2", "10.1.12.1", 46, 0, 0,
		    "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
		/* [py] */
		{ 0, 4, "10.1.24.4", "10.1.12.1", 46, 0, 0,
		    "1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4=" }
	};

	check_vectors(v, NVEC(v));
}

static void
test_seed(void)
{
	static const struct cid_vector v[] = {
		/* [tbl] seed=1 */
		{ 1, 4, "1.2.3.4", "5.6.7.8", 6, 1122, 3344,
		    "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=" },
		{ 1, 4, "5.6.7.8", "1.2.3.4", 6, 3344, 1122,
		    "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=" },
		{ 1, 4, "1.2.3.4", "5.6.7.8", 17, 1122, 3344,
		    "1:OShq+iKDAMVouh/4bMxB9Sz4amw=" },
		{ 1, 4, "1.2.3.4", "5.6.7.8", 132, 1122, 3344,
		    "1:uitchpn5MMGAQKBJh7bIr/bAr7s=" },
		{ 1, 4, "5.6.7.8", "1.2.3.4", 1, 0, 0,
		    "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=" },
		{ 1, 4, "1.2.3.4", "5.6.7.8", 1, 11, 0,
		    "1:1DD7cWGC/Yg91YGsQeni8du3pIA=" },
		{ 1, 6, V6B, V6A, 58, 129, 0,
		    "1:IO27GQzPuCtNnwFvjWALMHu5tJE=" },
		{ 1, 6, V6A, V6B, 58, 146, 0,
		    "1:Cv4IKJe56BNkF0MBW2YxQ3Nwc3s=" },
		{ 1, 4, "5.6.7.8", "1.2.3.4", 46, 0, 0,
		    "1:/buhqeOmaRCopOZFy9HnoJd5XW8=" },
		{ 1, 6, V6A, V6B, 46, 0, 0,
		    "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM=" },
		/* [py] seed=1 column */
		{ 1, 4, "66.35.250.204", "128.232.110.120", 6, 80, 34855,
		    "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
		{ 1, 6, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da",
		    58, 136, 0, "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" }
	};

	check_vectors(v, NVEC(v));
}

/*
 * Equal addresses: the ports decide the order (spec, "Technical details"),
 * so both directions of a loopback flow share an id.
 */
static void
test_equal_addresses(void)
{
	static const struct cid_vector v[] = {
		{ 0, 4, "127.0.0.1", "127.0.0.1", 6, 40000, 22, NULL },
		{ 0, 4, "127.0.0.1", "127.0.0.1", 6, 22, 40000, NULL }
	};
	char a[COMMUNITY_ID_LEN], b[COMMUNITY_ID_LEN];

	CU_ASSERT_EQUAL(cid_of(&v[0], a), 0);
	CU_ASSERT_EQUAL(cid_of(&v[1], b), 0);
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT_EQUAL(strlen(a), 30);
}

static void
test_bad_family(void)
{
	static const uint8_t addr[16];
	char out[COMMUNITY_ID_LEN];

	memset(out, 'X', sizeof(out));
	CU_ASSERT_EQUAL(community_id_v1(0, 5, addr, addr, 6, 1, 2, out), -1);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(community_id_v1(0, 0, addr, addr, 6, 1, 2, out), -1);
}

UNIT_MAIN("community_id",
    { "TCP, UDP, SCTP", test_ported },
    { "IPv6", test_ipv6 },
    { "ICMP incl. one-way types", test_icmp },
    { "ICMPv6 incl. one-way types", test_icmpv6 },
    { "protocol without ports", test_portless },
    { "seed 1", test_seed },
    { "equal addresses ordered by port", test_equal_addresses },
    { "unsupported family", test_bad_family })
