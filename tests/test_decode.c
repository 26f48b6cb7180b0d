/*
 * test_decode.c - decode_packet(): one positive frame per link type and per
 * encapsulation (VLAN, QinQ, MPLS, PPPoE, IPv6 extension headers, GRE with
 * key, ERSPAN I/II/III, VXLAN, GENEVE, TZSP on its port and on another,
 * IP-in-IP, 6in4, 4in6, Teredo), checking family, addresses, ports, the
 * payload's offset and length, and the encapsulation chain.  Then the
 * negative side: a non-VXLAN datagram to the VXLAN port, a VXLAN frame
 * truncated at every length, Ethernet padding, snap-length truncation
 * versus a lying IPv4 length, and GRE nested past the depth limit.
 * PPP, Cisco HDLC and IEEE 802.11 (bare, radiotap, PPI): positives for each
 * header variant, the frames that are not IP (no anomaly), FCS failures,
 * fragments and A-MSDUs (counted), and every frame cut at every length.
 *
 * Frames are byte arrays built from the header macros below, one header
 * per line.  Every frame carries the same innermost packet: TCP
 * 10.0.0.1:40000 -> 10.0.0.2:21 (or 2001:db8::1 -> 2001:db8::2) with the
 * 4-byte payload "USER".
 */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "unit.h"

/* ---- header macros --------------------------------------------------- */

#define HI(v)		(uint8_t)((v) >> 8)
#define LO(v)		(uint8_t)((v) & 0xff)
#define BE16(v)		HI(v), LO(v)
#define BE32(v)		BE16((v) >> 16), BE16((v) & 0xffff)

/* Ethernet: dst 00:11:22:33:44:55, src 66:77:88:99:aa:bb, ethertype (14) */
#define ETH(type)	0x00, 0x11, 0x22, 0x33, 0x44, 0x55,		\
			0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, BE16(type)
/* Outer IPv4 192.0.2.1 -> 192.0.2.2, no options (20) */
#define IP4_OUT(proto, total)						\
			0x45, 0x00, BE16(total), 0x00, 0x01, 0x00, 0x00, \
			0x40, (proto), 0x00, 0x00,			\
			192, 0, 2, 1, 192, 0, 2, 2
/* Outer IPv6 2001:db8:ffff::1 -> 2001:db8:ffff::2 (40) */
#define IP6_OUT(nh, plen)						\
			0x60, 0x00, 0x00, 0x00, BE16(plen), (nh), 0x40,	\
			0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0,	\
			0, 0, 0, 0, 0, 0, 0, 1,				\
			0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0,	\
			0, 0, 0, 0, 0, 0, 0, 2
/* UDP header (8) */
#define UDP(sp, dp, len) BE16(sp), BE16(dp), BE16(len), 0x00, 0x00
/* TCP 40000 -> 21, seq 1, PSH|ACK, no options, then "USER" (24) */
#define TCP_USER	BE16(40000), BE16(21), BE32(1), BE32(0),	\
			0x50, 0x18, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,	\
			'U', 'S', 'E', 'R'
/* The inner IPv4 packet: 10.0.0.1 -> 10.0.0.2, TCP_USER (44) */
#define IN4_LEN		44
#define IN4		0x45, 0x00, BE16(IN4_LEN), 0x12, 0x34, 0x40, 0x00, \
			0x40, 0x06, 0x00, 0x00,				\
			10, 0, 0, 1, 10, 0, 0, 2,			\
			TCP_USER
/* The inner IPv6 packet: 2001:db8::1 -> 2001:db8::2, TCP_USER (64) */
#define IN6_LEN		64
#define IN6		0x60, 0x00, 0x00, 0x00, BE16(24), 0x06, 0x40,	\
			0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,		\
			0, 0, 0, 0, 0, 0, 0, 1,				\
			0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,		\
			0, 0, 0, 0, 0, 0, 0, 2,				\
			TCP_USER

static const uint8_t in4_src[4] = { 10, 0, 0, 1 }, in4_dst[4] = { 10, 0, 0, 2 };
static const uint8_t in6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t in6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t out4_src[4] = { 192, 0, 2, 1 };
static const uint8_t out4_dst[4] = { 192, 0, 2, 2 };
static const uint8_t out6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff,
    [15] = 1 };

static struct decode_opts dopts = { 8, 0 };
static struct decode_stats st;
static struct pkt p;

static uint64_t
anomalies(void)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < DA_MAX; i++)
		n += st.anomalies[i];
	return n;
}

/*
 * Decodes a frame from a heap copy of exactly its length (so AddressSanitizer
 * sees any read past it) and checks the common inner TCP packet: family,
 * addresses, ports, and that the payload is "USER" at pl_off.  Returns the
 * decode result; the heap copy is freed, p's offsets stay valid for checks.
 */
static int
dec(int link, const uint8_t *frame, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, frame, len);
	memset(&st, 0, sizeof(st));
	r = decode_packet(&dopts, &st, &p, link, copy, (uint32_t)len,
	    (uint32_t)len, 1000);
	free(copy);
	p.data = frame;		/* for offset checks against the original */
	return r;
}

static void
check_inner(int family, uint32_t l3_off)
{
	CU_ASSERT_EQUAL(p.family, family);
	CU_ASSERT_EQUAL(p.proto, 6);
	if (family == 4) {
		CU_ASSERT_EQUAL(memcmp(p.src, in4_src, 4), 0);
		CU_ASSERT_EQUAL(memcmp(p.dst, in4_dst, 4), 0);
		CU_ASSERT_EQUAL(p.l3_len, IN4_LEN);
	} else {
		CU_ASSERT_EQUAL(memcmp(p.src, in6_src, 16), 0);
		CU_ASSERT_EQUAL(memcmp(p.dst, in6_dst, 16), 0);
		CU_ASSERT_EQUAL(p.l3_len, IN6_LEN);
	}
	CU_ASSERT_EQUAL(p.l3_off, l3_off);
	CU_ASSERT_EQUAL(p.l4_off, l3_off + (family == 4 ? 20 : 40));
	CU_ASSERT_EQUAL(p.sport, 40000);
	CU_ASSERT_EQUAL(p.dport, 21);
	CU_ASSERT_EQUAL(p.tcp_flags, 0x18);
	CU_ASSERT_EQUAL(p.tcp_seq, 1);
	CU_ASSERT(p.l4_ok);
	CU_ASSERT_FALSE(p.truncated);
	CU_ASSERT_EQUAL(p.pl_len, 4);
	CU_ASSERT_EQUAL(p.pl_off, p.l4_off + 20);
	CU_ASSERT_EQUAL(memcmp(p.data + p.pl_off, "USER", 4), 0);
	CU_ASSERT_EQUAL(anomalies(), 0);
}

/* Checks encapsulation layer i. */
static void
check_encap(unsigned i, int type, uint32_t id, int family)
{
	CU_ASSERT_FATAL(i < p.nencap);
	CU_ASSERT_EQUAL(p.encap[i].type, type);
	CU_ASSERT_EQUAL(p.encap[i].id, id);
	CU_ASSERT_EQUAL(p.encap[i].family, family);
	if (family == 4) {
		CU_ASSERT_EQUAL(memcmp(p.encap[i].src, out4_src, 4), 0);
		CU_ASSERT_EQUAL(memcmp(p.encap[i].dst, out4_dst, 4), 0);
	} else if (family == 6) {
		CU_ASSERT_EQUAL(memcmp(p.encap[i].src, out6_src, 16), 0);
	}
}

#define DEC(link, f)	dec(link, f, sizeof(f))

/* ---- link types ------------------------------------------------------- */

static void
test_links(void)
{
	static const uint8_t eth[] = { ETH(0x0800), IN4 };
	static const uint8_t eth6[] = { ETH(0x86dd), IN6 };
	static const uint8_t raw4[] = { IN4 };
	static const uint8_t raw6[] = { IN6 };
	static const uint8_t null4[] = {
		0x02, 0x00, 0x00, 0x00,		/* AF_INET, little-endian */
		IN4
	};
	static const uint8_t null6_be[] = {
		0x00, 0x00, 0x00, 0x1e,		/* AF_INET6 (macOS), big-endian */
		IN6
	};
	static const uint8_t loop6[] = {
		0x00, 0x00, 0x00, 0x18,		/* AF_INET6 (NetBSD), network order */
		IN6
	};
	static const uint8_t sll[] = {
		0x00, 0x00,			/* packet type: to us */
		0x00, 0x01,			/* ARPHRD_ETHER */
		0x00, 0x06,			/* address length */
		0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x00,
		0x08, 0x00,			/* protocol: IPv4 */
		IN4
	};
	static const uint8_t sll2[] = {
		0x86, 0xdd,			/* protocol: IPv6 */
		0x00, 0x00,			/* reserved */
		0x00, 0x00, 0x00, 0x02,		/* interface index */
		0x00, 0x01,			/* ARPHRD_ETHER */
		0x04,				/* packet type: outgoing */
		0x06,				/* address length */
		0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x00,
		IN6
	};
	static const int raw_links[] = { LINK_RAW, LINK_RAW12, LINK_RAW14,
	    LINK_IPV4, LINK_IPV6 };
	unsigned i;

	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, eth), 0);
	check_inner(4, 14);
	CU_ASSERT_EQUAL(p.nencap, 0);
	CU_ASSERT_EQUAL(p.vlan, 0);
	CU_ASSERT_EQUAL(p.ttl, 64);
	CU_ASSERT_EQUAL(p.wirelen, sizeof(eth));
	CU_ASSERT_EQUAL(p.ts_us, 1000);
	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, eth6), 0);
	check_inner(6, 14);
	for (i = 0; i < sizeof(raw_links) / sizeof(raw_links[0]); i++) {
		CU_ASSERT(decode_link_supported(raw_links[i]));
		CU_ASSERT_EQUAL(DEC(raw_links[i], raw4), 0);
		check_inner(4, 0);
		CU_ASSERT_EQUAL(DEC(raw_links[i], raw6), 0);
		check_inner(6, 0);
	}
	CU_ASSERT_EQUAL(DEC(LINK_NULL, null4), 0);
	check_inner(4, 4);
	CU_ASSERT_EQUAL(DEC(LINK_NULL, null6_be), 0);
	check_inner(6, 4);
	CU_ASSERT_EQUAL(DEC(LINK_LOOP, loop6), 0);
	check_inner(6, 4);
	CU_ASSERT_EQUAL(DEC(LINK_SLL, sll), 0);
	check_inner(4, 16);
	CU_ASSERT_EQUAL(DEC(LINK_SLL2, sll2), 0);
	check_inner(6, 20);

	/* An unsupported link type (USER0) is counted, not decoded. */
	CU_ASSERT_FALSE(decode_link_supported(147));
	CU_ASSERT_EQUAL(DEC(147, eth), -1);
	CU_ASSERT_EQUAL(st.anomalies[DA_LINK_UNSUPPORTED], 1);
	CU_ASSERT_EQUAL(p.family, 0);
}

/* ---- PPP, Cisco HDLC, IEEE 802.11 ------------------------------------- */

/* 802.11 data frame header: frame control (LE), duration, addresses
 * 00:11:22:33:44:55 / 66:77:88:99:aa:bb / 02:00:00:00:00:01, seq ctl. */
#define WLAN_HDR(fc0, fc1, seq)	(fc0), (fc1), 0x00, 0x00,		\
			0x00, 0x11, 0x22, 0x33, 0x44, 0x55,		\
			0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,		\
			0x02, 0x00, 0x00, 0x00, 0x00, 0x01, LO(seq), HI(seq)
/* LLC/SNAP (RFC 1042) with an ethertype (8) */
#define SNAP(type)	0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, BE16(type)
#define FCS4		0xde, 0xad, 0xbe, 0xef

/* A frame that must decode to the common inner packet at l3_off. */
struct good {
	int		 link;
	const uint8_t	*frame;
	size_t		 len;
	int		 family;
	uint32_t	 l3_off;
};
#define GOOD(link, f, fam, off)	{ link, f, sizeof(f), fam, off }

static void
check_good(const struct good *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		CU_ASSERT(decode_link_supported(g[i].link));
		CU_ASSERT_EQUAL(dec(g[i].link, g[i].frame, g[i].len), 0);
		check_inner(g[i].family, g[i].l3_off);
		CU_ASSERT_EQUAL(p.nencap, 0);
	}
}

/* A frame that is not decoded and counts exactly one anomaly, a. */
static void
check_bad(int link, const uint8_t *frame, size_t len, enum decode_anomaly a)
{
	CU_ASSERT_EQUAL(dec(link, frame, len), -1);
	CU_ASSERT_EQUAL(st.anomalies[a], 1);
	CU_ASSERT_EQUAL(anomalies(), 1);
	CU_ASSERT_EQUAL(p.family, 0);
}
#define BAD(link, f, a)	check_bad(link, f, sizeof(f), a)

/*
 * Each cut of a frame is an anomaly or a truncation, except the cuts of a
 * trailer (an FCS) of fcs bytes after a complete datagram.
 */
static void
cut_everywhere(int link, const uint8_t *frame, size_t len, size_t fcs)
{
	uint8_t *copy;
	uint32_t cap;
	int r;

	for (cap = 0; cap < len; cap++) {
		copy = malloc(cap ? cap : 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
		memcpy(copy, frame, cap);
		memset(&st, 0, sizeof(st));
		r = decode_packet(&dopts, &st, &p, link, cap ? copy : NULL,
		    cap, (uint32_t)len, 0);
		CU_ASSERT(p.pl_off + p.pl_len <= cap);
		CU_ASSERT(p.l3_off <= cap);
		if (cap + fcs >= len) {
			CU_ASSERT_EQUAL(r, 0);
			CU_ASSERT_EQUAL(p.pl_len, 4);
			CU_ASSERT_EQUAL(anomalies(), 0);
		} else
			CU_ASSERT(anomalies() > 0 || p.truncated);
		CU_ASSERT(r == 0 || p.family == 0);
		free(copy);
	}
}

static void
test_ppp_hdlc(void)
{
	static const uint8_t ppp_hdlc4[] = { 0xff, 0x03, BE16(0x0021), IN4 };
	static const uint8_t ppp_bare6[] = { BE16(0x0057), IN6 };
	static const uint8_t ppp_pfc4[] = { 0x21, IN4 };	/* RFC 1661 PFC */
	static const uint8_t ppp_lcp[] = { 0xff, 0x03, BE16(0xc021), 0x01,
	    0x01, 0x00, 0x04 };
	static const uint8_t chdlc4[] = { 0x0f, 0x00, BE16(0x0800), IN4 };
	static const uint8_t chdlc6[] = { 0x8f, 0x00, BE16(0x86dd), IN6 };
	static const uint8_t chdlc_slarp[] = { 0x8f, 0x00, BE16(0x8035),
	    0, 0, 0, 0 };

	const struct good good[] = {
		GOOD(LINK_PPP, ppp_hdlc4, 4, 4),
		GOOD(LINK_PPP, ppp_bare6, 6, 2),
		GOOD(LINK_PPP, ppp_pfc4, 4, 1),
		GOOD(LINK_C_HDLC, chdlc4, 4, 4),
		GOOD(LINK_C_HDLC, chdlc6, 6, 4),
	};

	check_good(good, sizeof(good) / sizeof(good[0]));
	CU_ASSERT_EQUAL(DEC(LINK_PPP, ppp_lcp), -1);	/* not IP */
	CU_ASSERT_EQUAL(anomalies(), 0);
	CU_ASSERT_EQUAL(DEC(LINK_C_HDLC, chdlc_slarp), -1);
	CU_ASSERT_EQUAL(anomalies(), 0);
	/* Truncated headers are counted by name. */
	check_bad(LINK_PPP, ppp_hdlc4, 3, DA_PPP_TRUNCATED);
	check_bad(LINK_C_HDLC, chdlc4, 3, DA_CHDLC_TRUNCATED);
	cut_everywhere(LINK_PPP, ppp_hdlc4, sizeof(ppp_hdlc4), 0);
	cut_everywhere(LINK_PPP, ppp_bare6, sizeof(ppp_bare6), 0);
	cut_everywhere(LINK_C_HDLC, chdlc4, sizeof(chdlc4), 0);
}

static void
test_80211(void)
{
	/* Data, to the DS. */
	static const uint8_t data4[] = { WLAN_HDR(0x08, 0x01, 0x0120),
	    SNAP(0x0800), IN4 };
	/* QoS data from the DS, IPv6. */
	static const uint8_t qos6[] = { WLAN_HDR(0x88, 0x02, 0x0130),
	    0x00, 0x00, SNAP(0x86dd), IN6 };
	/* Four addresses (to and from the DS), QoS, HT control (+HTC). */
	static const uint8_t wds4[] = { WLAN_HDR(0x88, 0x83, 0x0140),
	    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x05, 0x00,
	    0x00, 0x00, 0x00, 0x00, SNAP(0x0800), IN4 };
	/* 802.1H bridge-tunnel OUI and a VLAN tag inside. */
	static const uint8_t vlan4[] = { WLAN_HDR(0x08, 0x01, 0x0150),
	    0xaa, 0xaa, 0x03, 0x00, 0x00, 0xf8, BE16(0x8100),
	    BE16(0x0064), BE16(0x0800), IN4 };
	static const uint8_t beacon[] = { WLAN_HDR(0x80, 0x00, 0), 0, 0, 0 };
	static const uint8_t null_data[] = { WLAN_HDR(0x48, 0x01, 0) };
	static const uint8_t protected4[] = { WLAN_HDR(0x08, 0x41, 0x0160),
	    0x01, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, IN4 };
	static const uint8_t frag4[] = { WLAN_HDR(0x08, 0x05, 0x0170),
	    SNAP(0x0800), IN4 };
	static const uint8_t frag4b[] = { WLAN_HDR(0x08, 0x01, 0x0171),
	    SNAP(0x0800), IN4 };
	static const uint8_t amsdu[] = { WLAN_HDR(0x88, 0x01, 0x0180),
	    0x80, 0x00, SNAP(0x0800), IN4 };
	static const uint8_t not_snap[] = { WLAN_HDR(0x08, 0x01, 0x0190),
	    0x42, 0x42, 0x03, 0x00 };

	const struct good good[] = {
		GOOD(LINK_IEEE802_11, data4, 4, 32),
		GOOD(LINK_IEEE802_11, qos6, 6, 34),
		GOOD(LINK_IEEE802_11, wds4, 4, 44),
	};

	check_good(good, sizeof(good) / sizeof(good[0]));
	CU_ASSERT_EQUAL(DEC(LINK_IEEE802_11, vlan4), 0);
	check_inner(4, 36);
	CU_ASSERT_EQUAL(p.vlan, 100);
	/* Not IP, and not anomalies either. */
	CU_ASSERT_EQUAL(DEC(LINK_IEEE802_11, beacon), -1);
	CU_ASSERT_EQUAL(DEC(LINK_IEEE802_11, null_data), -1);
	CU_ASSERT_EQUAL(DEC(LINK_IEEE802_11, protected4), -1);
	CU_ASSERT_EQUAL(DEC(LINK_IEEE802_11, not_snap), -1);
	CU_ASSERT_EQUAL(anomalies(), 0);
	/* What cannot be decoded alone is counted. */
	BAD(LINK_IEEE802_11, frag4, DA_WLAN_FRAGMENT);
	BAD(LINK_IEEE802_11, frag4b, DA_WLAN_FRAGMENT);	/* number 1 */
	BAD(LINK_IEEE802_11, amsdu, DA_WLAN_AMSDU);
	check_bad(LINK_IEEE802_11, data4, 20, DA_WLAN_TRUNCATED);
	check_bad(LINK_IEEE802_11, data4, 30, DA_WLAN_TRUNCATED);
	cut_everywhere(LINK_IEEE802_11, data4, sizeof(data4), 0);
	cut_everywhere(LINK_IEEE802_11, wds4, sizeof(wds4), 0);
}

static void
test_radiotap(void)
{
	/* TSFT, Flags (FCS at end), Rate: 18 bytes, then 802.11 + FCS. */
	static const uint8_t rt_fcs[] = {
		0x00, 0x00, 18, 0x00, 0x07, 0x00, 0x00, 0x00,
		1, 2, 3, 4, 5, 6, 7, 8,		/* TSFT */
		0x10, 0x02,			/* Flags: FCS; Rate */
		WLAN_HDR(0x08, 0x01, 0x0200), SNAP(0x0800), IN4, FCS4
	};
	/* Two present words (bit 31): TSFT then aligned to 8 at 16. */
	static const uint8_t rt_ext[] = {
		0x00, 0x00, 25, 0x00, 0x03, 0x00, 0x00, 0x80,
		0x00, 0x00, 0x00, 0x00,		/* second present word */
		0, 0, 0, 0,			/* padding to 16 */
		1, 2, 3, 4, 5, 6, 7, 8,		/* TSFT */
		0x00,				/* Flags */
		WLAN_HDR(0x08, 0x01, 0x0210), SNAP(0x0800), IN4
	};
	/* Flags with data padding: QoS header of 26 padded to 28. */
	static const uint8_t rt_pad[] = {
		0x00, 0x00, 9, 0x00, 0x02, 0x00, 0x00, 0x00, 0x20,
		WLAN_HDR(0x88, 0x01, 0x0220), 0x00, 0x00, 0x00, 0x00,
		SNAP(0x86dd), IN6
	};
	static const uint8_t rt_badfcs[] = {
		0x00, 0x00, 9, 0x00, 0x02, 0x00, 0x00, 0x00, 0x50,
		WLAN_HDR(0x08, 0x01, 0x0230), SNAP(0x0800), IN4, FCS4
	};
	static const uint8_t rt_badlen[] = {
		0x00, 0x00, 200, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, IN4
	};

	const struct good good[] = {
		GOOD(LINK_RADIOTAP, rt_fcs, 4, 18 + 32),
		GOOD(LINK_RADIOTAP, rt_ext, 4, 25 + 32),
		GOOD(LINK_RADIOTAP, rt_pad, 6, 9 + 28 + 8),
	};

	check_good(good, sizeof(good) / sizeof(good[0]));
	/* A frame that failed its FCS is dropped, as its receiver does. */
	BAD(LINK_RADIOTAP, rt_badfcs, DA_WLAN_BAD_FCS);
	CU_ASSERT_EQUAL(p.family, 0);
	BAD(LINK_RADIOTAP, rt_badlen, DA_RADIOTAP_BAD);
	cut_everywhere(LINK_RADIOTAP, rt_fcs, sizeof(rt_fcs), 4);
	cut_everywhere(LINK_RADIOTAP, rt_ext, sizeof(rt_ext), 0);
}

/* PPI header with one 802.11-Common field whose flags are fl. */
#define PPI_80211(fl, dlt)	0x00, 0x00, 32, 0x00, (dlt), 0x00, 0x00, 0x00, \
			0x02, 0x00, 20, 0x00,				\
			1, 2, 3, 4, 5, 6, 7, 8, LO(fl), HI(fl),		\
			0x02, 0x00, 0x6c, 0x09, 0xa0, 0x00, 0, 0, 0xd0, 0xa0

static void
test_ppi(void)
{
	static const uint8_t ppi_fcs[] = { PPI_80211(0x0001, 105),
	    WLAN_HDR(0x08, 0x01, 0x0300), SNAP(0x0800), IN4, FCS4 };
	static const uint8_t ppi_qos6[] = { PPI_80211(0x0000, 105),
	    WLAN_HDR(0x88, 0x02, 0x0310), 0x00, 0x00, SNAP(0x86dd), IN6 };
	static const uint8_t ppi_eth[] = { PPI_80211(0x0000, 1),
	    ETH(0x0800), IN4 };
	static const uint8_t ppi_badfcs[] = { PPI_80211(0x0005, 105),
	    WLAN_HDR(0x08, 0x01, 0x0320), SNAP(0x0800), IN4, FCS4 };
	static const uint8_t ppi_ppi[] = { PPI_80211(0x0000, 192),
	    PPI_80211(0x0000, 105) };
	static const uint8_t ppi_badfield[] = { 0x00, 0x00, 12, 0x00, 105, 0,
	    0, 0, 0x02, 0x00, 20, 0x00 };

	const struct good good[] = {
		GOOD(LINK_PPI, ppi_fcs, 4, 32 + 32),
		GOOD(LINK_PPI, ppi_qos6, 6, 32 + 34),
		GOOD(LINK_PPI, ppi_eth, 4, 32 + 14),
	};

	check_good(good, sizeof(good) / sizeof(good[0]));
	BAD(LINK_PPI, ppi_badfcs, DA_WLAN_BAD_FCS);
	BAD(LINK_PPI, ppi_ppi, DA_LINK_UNSUPPORTED);	/* no PPI in PPI */
	BAD(LINK_PPI, ppi_badfield, DA_PPI_BAD);
	cut_everywhere(LINK_PPI, ppi_fcs, sizeof(ppi_fcs), 4);
}

/* ---- L2 encapsulations ------------------------------------------------ */

static void
test_vlan_qinq(void)
{
	static const uint8_t vlan[] = {
		ETH(0x8100),
		BE16(0x2064), BE16(0x0800),	/* 802.1Q: PCP 1, VID 100; IPv4 */
		IN4
	};
	static const uint8_t qinq[] = {
		ETH(0x88a8),
		BE16(0x00c8), BE16(0x8100),	/* 802.1ad S-tag: VID 200 */
		BE16(0x0064), BE16(0x86dd),	/* 802.1Q C-tag: VID 100; IPv6 */
		IN6
	};

	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, vlan), 0);
	check_inner(4, 18);
	CU_ASSERT_EQUAL(p.vlan, 100);
	CU_ASSERT_EQUAL(p.nencap, 1);
	check_encap(0, ENCAP_VLAN, 100, 0);

	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, qinq), 0);
	check_inner(6, 22);
	CU_ASSERT_EQUAL(p.nencap, 2);
	check_encap(0, ENCAP_QINQ, 200, 0);
	check_encap(1, ENCAP_VLAN, 100, 0);
	/* The flow key uses the innermost (customer) VLAN. */
	CU_ASSERT_EQUAL(p.vlan, 100);
}

static void
test_mpls(void)
{
	static const uint8_t mpls[] = {
		ETH(0x8847),
		BE32(16 << 12 | 0x40),		/* label 16, TTL 64 */
		BE32(17 << 12 | 0x100 | 0x40),	/* label 17, bottom of stack */
		IN4
	};
	static const uint8_t mpls_pw[] = {
		ETH(0x8847),
		BE32(299 << 12 | 0x100 | 0x40),	/* label 299, bottom */
		BE32(0),			/* pseudowire control word */
		ETH(0x0800),
		IN4
	};

	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, mpls), 0);
	check_inner(4, 22);
	CU_ASSERT_EQUAL(p.nencap, 1);
	check_encap(0, ENCAP_MPLS, 16, 0);
	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, mpls_pw), 0);
	check_inner(4, 14 + 8 + 14);
	check_encap(0, ENCAP_MPLS, 299, 0);
}

static void
test_pppoe(void)
{
	static const uint8_t pppoe[] = {
		ETH(0x8864),
		0x11, 0x00,			/* version 1, type 1; code: session */
		BE16(0x1234),			/* session id */
		BE16(2 + IN4_LEN),		/* payload length */
		BE16(0x0021),			/* PPP: IPv4 */
		IN4
	};
	static const uint8_t pppoe6[] = {
		ETH(0x8864),
		0x11, 0x00, BE16(7), BE16(2 + IN6_LEN),
		BE16(0x0057),			/* PPP: IPv6 */
		IN6
	};

	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, pppoe), 0);
	check_inner(4, 22);
	check_encap(0, ENCAP_PPPOE, 0x1234, 0);
	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, pppoe6), 0);
	check_inner(6, 22);
	check_encap(0, ENCAP_PPPOE, 7, 0);
}

static void
test_ipv6_ext(void)
{
	static const uint8_t ext[] = {
		0x60, 0x00, 0x00, 0x00, BE16(8 + 8 + 24),
		0x00, 0x40,			/* next: hop-by-hop */
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		60, 0, 1, 4, 0, 0, 0, 0,	/* HBH: next dstopts, PadN */
		6, 0, 1, 4, 0, 0, 0, 0,		/* dstopts: next TCP, PadN */
		TCP_USER
	};

	CU_ASSERT_EQUAL(DEC(LINK_RAW, ext), 0);
	CU_ASSERT_EQUAL(p.family, 6);
	CU_ASSERT_EQUAL(p.proto, 6);
	CU_ASSERT_EQUAL(p.l4_off, 56);
	CU_ASSERT_EQUAL(p.sport, 40000);
	CU_ASSERT_EQUAL(p.pl_off, 76);
	CU_ASSERT_EQUAL(p.pl_len, 4);
	CU_ASSERT_EQUAL(anomalies(), 0);
}

/* ---- IP tunnels ------------------------------------------------------- */

static void
test_gre(void)
{
	static const uint8_t gre[] = {
		ETH(0x0800),
		IP4_OUT(47, 20 + 4 + IN4_LEN),
		BE16(0x0000), BE16(0x0800),	/* GRE: no options; IPv4 */
		IN4
	};
	static const uint8_t gre_key[] = {
		ETH(0x0800),
		IP4_OUT(47, 20 + 16 + 14 + IN4_LEN),
		BE16(0xb000), BE16(0x6558),	/* GRE: C K S; Ethernet bridging */
		BE32(0),			/* checksum + reserved */
		BE32(0xabcd),			/* key */
		BE32(99),			/* sequence */
		ETH(0x0800),
		IN4
	};

	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, gre), 0);
	check_inner(4, 14 + 20 + 4);
	CU_ASSERT_EQUAL(p.nencap, 1);
	check_encap(0, ENCAP_GRE, 0, 4);
	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, gre_key), 0);
	check_inner(4, 14 + 20 + 16 + 14);
	check_encap(0, ENCAP_GRE, 0xabcd, 4);
}

static void
test_erspan(void)
{
	static const uint8_t t1[] = {
		ETH(0x0800),
		IP4_OUT(47, 20 + 4 + 14 + IN4_LEN),
		BE16(0x0000), BE16(0x88be),	/* GRE, no sequence: ERSPAN I */
		ETH(0x0800),
		IN4
	};
	static const uint8_t t2[] = {
		ETH(0x0800),
		IP4_OUT(47, 20 + 8 + 8 + 14 + IN4_LEN),
		BE16(0x1000), BE16(0x88be),	/* GRE with sequence: ERSPAN II */
		BE32(5),			/* sequence */
		BE16(0x1000),			/* ver 1, VLAN 0 */
		BE16(0x0155),			/* COS/En/T 0, session 0x155 */
		BE32(0),			/* reserved, index */
		ETH(0x0800),
		IN4
	};
	static const uint8_t t3[] = {
		ETH(0x0800),
		IP4_OUT(47, 20 + 8 + 12 + 8 + 14 + IN4_LEN),
		BE16(0x1000), BE16(0x22eb),	/* GRE with sequence: ERSPAN III */
		BE32(6),			/* sequence */
		BE16(0x2000),			/* ver 2, VLAN 0 */
		BE16(0x002a),			/* session 42 */
		BE32(0x01020304),		/* timestamp */
		BE16(0),			/* SGT */
		BE16(0x0001),			/* P/FT/HW ID/D/Gra; O: subheader */
		BE32(0), BE32(0),		/* platform subheader */
		ETH(0x0800),
		IN4
	};

	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, t1), 0);
	check_inner(4, 14 + 20 + 4 + 14);
	check_encap(0, ENCAP_ERSPAN1, 0, 4);
	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, t2), 0);
	check_inner(4, 14 + 20 + 16 + 14);
	check_encap(0, ENCAP_ERSPAN2, 0x155, 4);
	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, t3), 0);
	check_inner(4, 14 + 20 + 8 + 20 + 14);
	check_encap(0, ENCAP_ERSPAN3, 42, 4);
	CU_ASSERT_STRING_EQUAL(encap_type_name(ENCAP_ERSPAN2), "erspan-ii");
}

static void
test_ip_in_ip(void)
{
	static const uint8_t ipip[] = {
		IP4_OUT(4, 20 + IN4_LEN),	/* IPv4 in IPv4 */
		IN4
	};
	static const uint8_t six4[] = {
		ETH(0x0800),
		IP4_OUT(41, 20 + IN6_LEN),	/* IPv6 in IPv4 */
		IN6
	};
	static const uint8_t four6[] = {
		IP6_OUT(4, IN4_LEN),		/* IPv4 in IPv6 */
		IN4
	};

	CU_ASSERT_EQUAL(DEC(LINK_RAW, ipip), 0);
	check_inner(4, 20);
	check_encap(0, ENCAP_IPIP, 0, 4);
	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, six4), 0);
	check_inner(6, 34);
	check_encap(0, ENCAP_6IN4, 0, 4);
	CU_ASSERT_EQUAL(DEC(LINK_RAW, four6), 0);
	check_inner(4, 40);
	check_encap(0, ENCAP_4IN6, 0, 6);
}

/* ---- UDP tunnels ------------------------------------------------------ */

#define VXLAN_FRAME							\
	ETH(0x0800),							\
	IP4_OUT(17, 20 + 8 + 8 + 14 + IN4_LEN),				\
	UDP(49152, 4789, 8 + 8 + 14 + IN4_LEN),				\
	0x08, 0x00, 0x00, 0x00,		/* VXLAN: I flag */		\
	0x00, 0x12, 0x34, 0x00,		/* VNI 0x1234 */		\
	ETH(0x0800),							\
	IN4

static void
test_vxlan_geneve(void)
{
	static const uint8_t vxlan[] = { VXLAN_FRAME };
	static const uint8_t geneve[] = {
		ETH(0x0800),
		IP4_OUT(17, 20 + 8 + 12 + 14 + IN4_LEN),
		UDP(50000, 6081, 8 + 12 + 14 + IN4_LEN),
		0x01, 0x00,			/* ver 0, 1 word of options */
		BE16(0x6558),			/* Ethernet */
		0x00, 0x00, 0x07, 0x00,		/* VNI 7 */
		BE32(0x01020000),		/* option: class 0x0102 ... */
		ETH(0x0800),
		IN4
	};
	static const uint8_t geneve_ip[] = {
		ETH(0x0800),
		IP4_OUT(17, 20 + 8 + 8 + IN6_LEN),
		UDP(50000, 6081, 8 + 8 + IN6_LEN),
		0x00, 0x00, BE16(0x86dd),	/* ver 0; IPv6 directly */
		0x00, 0x00, 0x09, 0x00,		/* VNI 9 */
		IN6
	};

	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, vxlan), 0);
	check_inner(4, 14 + 20 + 8 + 8 + 14);
	CU_ASSERT_EQUAL(p.nencap, 1);
	check_encap(0, ENCAP_VXLAN, 0x1234, 4);
	CU_ASSERT_EQUAL(p.encap[0].sport, 49152);
	CU_ASSERT_EQUAL(p.encap[0].dport, 4789);

	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, geneve), 0);
	check_inner(4, 14 + 20 + 8 + 12 + 14);
	check_encap(0, ENCAP_GENEVE, 7, 4);
	CU_ASSERT_EQUAL(p.encap[0].dport, 6081);
	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, geneve_ip), 0);
	check_inner(6, 14 + 20 + 8 + 8);
	check_encap(0, ENCAP_GENEVE, 9, 4);
}

static void
test_tzsp(void)
{
	static const uint8_t tzsp[] = {
		ETH(0x0800),
		IP4_OUT(17, 20 + 8 + 9 + 14 + IN4_LEN),
		UDP(40001, 37008, 8 + 9 + 14 + IN4_LEN),
		0x01, 0x00,			/* TZSP v1, received frame */
		BE16(1),			/* encapsulated: Ethernet */
		0x00,				/* tag: padding */
		0x0a, 0x01, 0x2a,		/* tag 10 (RSSI), 1 byte */
		0x01,				/* tag: end */
		ETH(0x0800),
		IN4
	};
	/* The same on UDP 5555 (a mirror stream someone set up by hand). */
	static const uint8_t tzsp_odd[] = {
		ETH(0x0800),
		IP4_OUT(17, 20 + 8 + 5 + 14 + IN4_LEN),
		UDP(40001, 5555, 8 + 5 + 14 + IN4_LEN),
		0x01, 0x00, BE16(1),		/* TZSP v1, received, Ethernet */
		0x01,				/* tag: end */
		ETH(0x0800),
		IN4
	};

	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, tzsp), 0);
	check_inner(4, 14 + 20 + 8 + 9 + 14);
	check_encap(0, ENCAP_TZSP, 0, 4);
	CU_ASSERT_EQUAL(p.encap[0].dport, 37008);

	/* Off by default: stays UDP to 5555. */
	dopts.tzsp_any_port = 0;
	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, tzsp_odd), 0);
	CU_ASSERT_EQUAL(p.proto, 17);
	CU_ASSERT_EQUAL(p.dport, 5555);
	CU_ASSERT_EQUAL(p.nencap, 0);
	CU_ASSERT_EQUAL(p.pl_len, 5 + 14 + IN4_LEN);
	dopts.tzsp_any_port = 1;
	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, tzsp_odd), 0);
	check_inner(4, 14 + 20 + 8 + 5 + 14);
	check_encap(0, ENCAP_TZSP, 0, 4);
	CU_ASSERT_EQUAL(p.encap[0].dport, 5555);
	dopts.tzsp_any_port = 0;
}

static void
test_teredo(void)
{
	static const uint8_t teredo[] = {
		ETH(0x0800),
		IP4_OUT(17, 20 + 8 + 8 + IN6_LEN),
		UDP(3544, 40002, 8 + 8 + IN6_LEN),
		0x00, 0x00,			/* origin indication */
		BE16(0xffff), BE32(0xc0000201),	/* obfuscated port, address */
		IN6
	};

	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, teredo), 0);
	check_inner(6, 14 + 20 + 8 + 8);
	check_encap(0, ENCAP_TEREDO, 0, 4);
	CU_ASSERT_EQUAL(p.encap[0].sport, 3544);
}

/* A datagram to the VXLAN port that is not VXLAN stays plain UDP. */
static void
test_vxlan_port_not_vxlan(void)
{
	static const uint8_t notvx[] = {
		ETH(0x0800),
		IP4_OUT(17, 20 + 8 + 30),
		UDP(1234, 4789, 8 + 30),
		0x00, 0x00, 0x00, 0x00,		/* I flag clear */
		'n', 'o', 't', ' ', 'v', 'x', 'l', 'a', 'n', ' ',
		'a', 't', ' ', 'a', 'l', 'l', '.', '.', '.', '.',
		'.', '.', '.', '.', '.', '.'
	};

	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, notvx), 0);
	CU_ASSERT_EQUAL(p.family, 4);
	CU_ASSERT_EQUAL(p.proto, 17);
	CU_ASSERT_EQUAL(memcmp(p.src, out4_src, 4), 0);
	CU_ASSERT_EQUAL(p.sport, 1234);
	CU_ASSERT_EQUAL(p.dport, 4789);
	CU_ASSERT_EQUAL(p.nencap, 0);
	CU_ASSERT_EQUAL(p.pl_off, 14 + 20 + 8);
	CU_ASSERT_EQUAL(p.pl_len, 30);
	CU_ASSERT_EQUAL(st.anomalies[DA_VXLAN_BAD], 1);
	CU_ASSERT_EQUAL(anomalies(), 1);
	CU_ASSERT_STRING_EQUAL(decode_anomaly_names[DA_VXLAN_BAD], "vxlan_bad");
}

/*
 * The VXLAN frame cut at every length (wirelen stays the full length):
 * no read past caplen (the heap copy is exactly caplen long), and each cut
 * is either an anomaly or marked truncated.  Once the outer IPv4 header is
 * complete the packet still belongs to a flow.
 */
static void
test_truncated_everywhere(void)
{
	static const uint8_t vxlan[] = { VXLAN_FRAME };
	uint32_t len = sizeof(vxlan), cap;
	uint8_t *copy;
	int r;

	for (cap = 0; cap <= len; cap++) {
		copy = malloc(cap ? cap : 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
		memcpy(copy, vxlan, cap);
		memset(&st, 0, sizeof(st));
		r = decode_packet(&dopts, &st, &p, LINK_EN10MB,
		    cap ? copy : NULL, cap, len, 0);
		CU_ASSERT(p.pl_off + p.pl_len <= cap);
		CU_ASSERT(p.l3_off <= cap);
		if (cap < len)
			CU_ASSERT(anomalies() > 0 || p.truncated);
		if (cap < 14)
			CU_ASSERT_EQUAL(st.anomalies[DA_LINK_TRUNCATED], 1);
		if (cap < 14 + 20) {
			CU_ASSERT_EQUAL(r, -1);
		} else {
			CU_ASSERT_EQUAL(r, 0);
			CU_ASSERT_EQUAL(p.family, 4);
		}
		if (cap >= 14 + 20 && cap < 14 + 20 + 8)
			CU_ASSERT_EQUAL(st.anomalies[DA_UDP_TRUNCATED], 1);
		if (cap == len) {
			CU_ASSERT_EQUAL(anomalies(), 0);
			CU_ASSERT_EQUAL(p.nencap, 1);
			CU_ASSERT_EQUAL(p.pl_len, 4);
		}
		free(copy);
	}
}

/* Ethernet pads short frames to 60 bytes: the padding is not payload. */
static void
test_eth_padding(void)
{
	static const uint8_t padded[60] = {
		ETH(0x0800),
		IP4_OUT(17, 20 + 8 + 2),
		UDP(5353, 53, 8 + 2),
		'h', 'i',
		/* 16 bytes of zero padding follow */
	};

	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, padded), 0);
	CU_ASSERT_EQUAL(p.l3_len, 30);
	CU_ASSERT_EQUAL(p.pl_off, 42);
	CU_ASSERT_EQUAL(p.pl_len, 2);
	CU_ASSERT_FALSE(p.truncated);
	CU_ASSERT_EQUAL(anomalies(), 0);
}

/*
 * An IPv4 total length beyond the captured bytes: with caplen < wirelen it
 * is the snap length (truncated, no anomaly); with caplen == wirelen the
 * header lies (ipv4_caplen_short).
 */
static void
test_snaplen_vs_lie(void)
{
	static const uint8_t frame[] = { ETH(0x0800), IN4 };
	uint32_t cap = 14 + 20 + 20 + 2;	/* 2 payload bytes captured */

	memset(&st, 0, sizeof(st));
	CU_ASSERT_EQUAL(decode_packet(&dopts, &st, &p, LINK_EN10MB, frame, cap,
	    sizeof(frame), 0), 0);
	CU_ASSERT(p.truncated);
	CU_ASSERT_EQUAL(anomalies(), 0);
	CU_ASSERT_EQUAL(p.l3_len, IN4_LEN);
	CU_ASSERT(p.l4_ok);
	CU_ASSERT_EQUAL(p.pl_len, 2);
	CU_ASSERT_EQUAL(p.sport, 40000);

	memset(&st, 0, sizeof(st));
	CU_ASSERT_EQUAL(decode_packet(&dopts, &st, &p, LINK_EN10MB, frame, cap,
	    cap, 0), -1);
	CU_ASSERT_EQUAL(st.anomalies[DA_IPV4_CAPLEN_SHORT], 1);
	CU_ASSERT_FALSE(p.truncated);
}

/* GRE inside GRE 20 times: decoding stops at max_depth (8), counted. */
static void
test_gre_too_deep(void)
{
	uint8_t frame[14 + 20 * 24 + IN4_LEN], *b = frame;
	static const uint8_t eth[] = { ETH(0x0800) };
	static const uint8_t in4[] = { IN4 };
	unsigned i, total;

	memcpy(b, eth, sizeof(eth));
	b += sizeof(eth);
	for (i = 0; i < 20; i++) {
		total = (20 - i) * 24 + IN4_LEN;
		{
			const uint8_t hdr[] = {
				IP4_OUT(47, total),
				BE16(0x0000), BE16(0x0800)	/* GRE: IPv4 */
			};

			memcpy(b, hdr, sizeof(hdr));
			b += sizeof(hdr);
		}
	}
	memcpy(b, in4, sizeof(in4));
	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, frame), 0);
	CU_ASSERT_EQUAL(st.anomalies[DA_ENCAP_TOO_DEEP], 1);
	CU_ASSERT_EQUAL(anomalies(), 1);
	CU_ASSERT_EQUAL(p.nencap, 8);
	CU_ASSERT_EQUAL(p.family, 4);
	CU_ASSERT_EQUAL(p.proto, 47);
	CU_ASSERT_EQUAL(p.encap[7].type, ENCAP_GRE);
	/* The same nesting within a higher limit decodes to the end. */
	dopts.max_depth = 20;
	CU_ASSERT_EQUAL(DEC(LINK_EN10MB, frame), 0);
	check_inner(4, 14 + 20 * 24);
	CU_ASSERT_EQUAL(p.nencap, ENCAP_MAX);	/* recorded up to the array */
	dopts.max_depth = 8;
}

static void
test_names(void)
{
	unsigned i;

	for (i = 0; i < DA_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(decode_anomaly_names[i]);
	for (i = 1; i < ENCAP_TYPE_MAX; i++)
		CU_ASSERT_STRING_NOT_EQUAL(encap_type_name(i), "unknown");
	CU_ASSERT_STRING_EQUAL(encap_type_name(0), "unknown");
	CU_ASSERT_STRING_EQUAL(encap_type_name(999), "unknown");
}

UNIT_MAIN("decode",
	{ "PPP and Cisco HDLC", test_ppp_hdlc },
	{ "IEEE 802.11 data frames", test_80211 },
	{ "radiotap", test_radiotap },
	{ "PPI", test_ppi },
	{ "link types", test_links },
	{ "VLAN and QinQ", test_vlan_qinq },
	{ "MPLS", test_mpls },
	{ "PPPoE", test_pppoe },
	{ "IPv6 extension headers", test_ipv6_ext },
	{ "GRE", test_gre },
	{ "ERSPAN I, II, III", test_erspan },
	{ "IP-in-IP, 6in4, 4in6", test_ip_in_ip },
	{ "VXLAN and GENEVE", test_vxlan_geneve },
	{ "TZSP, default and odd port", test_tzsp },
	{ "Teredo", test_teredo },
	{ "VXLAN port without VXLAN", test_vxlan_port_not_vxlan },
	{ "VXLAN truncated at every length", test_truncated_everywhere },
	{ "Ethernet padding", test_eth_padding },
	{ "snap length versus a lying length", test_snaplen_vs_lie },
	{ "GRE nested past the depth limit", test_gre_too_deep },
	{ "anomaly and encapsulation names", test_names })
