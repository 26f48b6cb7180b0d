/*
 * community_id.c - Community ID flow hashing, version 1, as specified in
 * https://github.com/corelight/community-id-spec (README "Pseudo code" and
 * "Technical details"; checked against its baseline/ vectors).
 *
 * The hashed input is, all in network byte order:
 *
 *	seed (2) . saddr (4|16) . daddr (4|16) . proto (1) . 0 (1)
 *	    [. sport (2) . dport (2)]
 *
 * with ports only for TCP, UDP, SCTP, ICMP and ICMPv6, and the endpoints
 * swapped so the smaller address (bytewise, as the reference compares
 * packed addresses) comes first, ports breaking a tie.  ICMP and ICMPv6
 * follow Zeek's mapping: a type with a request/response counterpart becomes
 * (type, counterpart type) and may be swapped like ports, so a request and
 * its reply hash alike; any other type is "one-way": (type, code) in the
 * order seen, never swapped.
 */
#include <string.h>

#include "codec.h"
#include "community_id.h"
#include "crypto.h"

#define CID_PROTO_ICMP		1
#define CID_PROTO_TCP		6
#define CID_PROTO_UDP		17
#define CID_PROTO_ICMPV6	58
#define CID_PROTO_SCTP		132

/* An ICMP type and the type of its other half (request <-> response). */
struct icmp_pair {
	uint8_t	type;
	uint8_t	counter;
};

/* RFC 792, RFC 950, RFC 1256: echo, router, timestamp, info, mask. */
static const struct icmp_pair icmp4_pairs[] = {
	{ 8, 0 }, { 0, 8 },		/* echo, echo reply */
	{ 10, 9 }, { 9, 10 },		/* router solicitation, advert */
	{ 13, 14 }, { 14, 13 },		/* timestamp, timestamp reply */
	{ 15, 16 }, { 16, 15 },		/* information request, reply */
	{ 17, 18 }, { 18, 17 }		/* address mask request, reply */
};

/* RFC 4443, RFC 2710, RFC 4861, RFC 4620, RFC 6275. */
static const struct icmp_pair icmp6_pairs[] = {
	{ 128, 129 }, { 129, 128 },	/* echo request, reply */
	{ 130, 131 }, { 131, 130 },	/* MLD listener query, report */
	{ 133, 134 }, { 134, 133 },	/* router solicitation, advert */
	{ 135, 136 }, { 136, 135 },	/* neighbor solicitation, advert */
	{ 139, 140 }, { 140, 139 },	/* node information query, reply */
	{ 144, 145 }, { 145, 144 }	/* home agent address discovery */
};

int
community_id_icmp_ports(uint8_t proto, uint16_t *sport, uint16_t *dport)
{
	const struct icmp_pair *pairs = icmp4_pairs;
	size_t i, n = sizeof(icmp4_pairs) / sizeof(icmp4_pairs[0]);

	if (proto == CID_PROTO_ICMPV6) {
		pairs = icmp6_pairs;
		n = sizeof(icmp6_pairs) / sizeof(icmp6_pairs[0]);
	}
	for (i = 0; i < n; i++) {
		if (pairs[i].type == *sport) {
			*dport = pairs[i].counter;
			return 0;
		}
	}
	return 1;
}

/*
 * Writes "1:" and the base64 SHA-1 into out, which the caller owns.
 * On -1 out holds the empty string, which the spec allows monitors to
 * report for flows they cannot hash.
 */
int
community_id_v1(uint16_t seed, int family, const uint8_t *saddr,
    const uint8_t *daddr, uint8_t proto, uint16_t sport, uint16_t dport,
    char out[COMMUNITY_ID_LEN])
{
	struct sha1_ctx c;
	/* seed, two IPv6 addresses, proto and padding, two ports */
	uint8_t in[2 + 16 + 16 + 2 + 4], digest[SHA1_LEN];
	const uint8_t *lo = saddr, *hi = daddr;
	size_t alen, n = 0;
	uint16_t lport = sport, hport = dport, tmp;
	int one_way = 0, ports, cmp;

	out[0] = '\0';
	if (family == 4)
		alen = 4;
	else if (family == 6)
		alen = 16;
	else
		return -1;

	switch (proto) {
	case CID_PROTO_ICMP:
	case CID_PROTO_ICMPV6:
		one_way = community_id_icmp_ports(proto, &lport, &hport);
		ports = 1;
		break;
	case CID_PROTO_TCP:
	case CID_PROTO_UDP:
	case CID_PROTO_SCTP:
		ports = 1;
		break;
	default:
		ports = 0;
		break;
	}

	cmp = memcmp(saddr, daddr, alen);
	if (!one_way && (cmp > 0 || (cmp == 0 && ports && lport > hport))) {
		lo = daddr;
		hi = saddr;
		tmp = lport;
		lport = hport;
		hport = tmp;
	}

	in[n++] = (uint8_t)(seed >> 8);
	in[n++] = (uint8_t)seed;
	memcpy(in + n, lo, alen);
	n += alen;
	memcpy(in + n, hi, alen);
	n += alen;
	in[n++] = proto;
	in[n++] = 0;
	if (ports) {
		in[n++] = (uint8_t)(lport >> 8);
		in[n++] = (uint8_t)lport;
		in[n++] = (uint8_t)(hport >> 8);
		in[n++] = (uint8_t)hport;
	}

	sha1_init(&c);
	sha1_update(&c, in, n);
	sha1_final(&c, digest);

	out[0] = '1';
	out[1] = ':';
	if (base64_encode(digest, sizeof(digest), out + 2,
	    COMMUNITY_ID_LEN - 2) < 0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}
