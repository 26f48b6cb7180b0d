/*
 * decode.c - frame decoding and decapsulation; see decode.h.
 *
 * Specs: IEEE 802.1Q/802.1ad (VLAN, QinQ), RFC 3032 (MPLS), RFC 2516 (PPPoE),
 * RFC 791 (IPv4), RFC 8200 (IPv6 and its extension headers), RFC 2784/2890
 * (GRE, key and sequence), RFC 2637 (enhanced GRE for PPTP), the ERSPAN
 * drafts (draft-foschiano-erspan: types I, II, III), RFC 7348 (VXLAN),
 * RFC 8926 (GENEVE), the TZSP description from its reference implementation
 * (version 1, tagged fields ending in END), RFC 2003 (IP-in-IP), RFC 4213
 * (6in4), RFC 4380 (Teredo), and the libpcap link-type list (DLT_NULL,
 * DLT_LOOP, DLT_RAW, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_PPP after RFC 1661
 * and RFC 1662, DLT_C_HDLC, DLT_IEEE802_11, DLT_IEEE802_11_RADIO, DLT_PPI).
 * 802.11: IEEE Std 802.11-2020 section 9.2 (MAC frame format: frame
 * control, addresses, sequence control, QoS and HT control) and RFC 1042 /
 * IEEE 802.1H (LLC/SNAP); radiotap: radiotap.org's header definition (the
 * present bitmaps, field alignment, the Flags field); PPI: the CACE
 * Technologies PPI specification 1.0.10 (header, 802.11-Common field).
 *
 * Policy: a layer that does not validate is not a tunnel.  A UDP packet to
 * port 4789 that is not VXLAN stays a UDP packet (and counts vxlan_bad).
 * TZSP is also probed on any UDP port when enabled, because mirror streams to
 * odd ports are exactly what an intruder sets up.
 */
#include <string.h>

#include "cursor.h"
#include "decode.h"

const char *const decode_anomaly_names[DA_MAX] = {
	[DA_LINK_TRUNCATED] = "link_truncated",
	[DA_LINK_UNSUPPORTED] = "link_unsupported",
	[DA_VLAN_TRUNCATED] = "vlan_truncated",
	[DA_MPLS_TRUNCATED] = "mpls_truncated",
	[DA_MPLS_TOO_DEEP] = "mpls_too_deep",
	[DA_PPPOE_TRUNCATED] = "pppoe_truncated",
	[DA_PPPOE_BAD_PROTO] = "pppoe_bad_proto",
	[DA_ETHERTYPE_UNKNOWN] = "ethertype_unknown",
	[DA_IPV4_TRUNCATED] = "ipv4_truncated",
	[DA_IPV4_BAD_VERSION] = "ipv4_bad_version",
	[DA_IPV4_BAD_IHL] = "ipv4_bad_ihl",
	[DA_IPV4_BAD_LENGTH] = "ipv4_bad_length",
	[DA_IPV4_CAPLEN_SHORT] = "ipv4_caplen_short",
	[DA_IPV6_TRUNCATED] = "ipv6_truncated",
	[DA_IPV6_BAD_VERSION] = "ipv6_bad_version",
	[DA_IPV6_EXTHDR_TRUNCATED] = "ipv6_exthdr_truncated",
	[DA_IPV6_EXTHDR_TOO_MANY] = "ipv6_exthdr_too_many",
	[DA_IPV6_CAPLEN_SHORT] = "ipv6_caplen_short",
	[DA_TCP_TRUNCATED] = "tcp_truncated",
	[DA_TCP_BAD_OFFSET] = "tcp_bad_offset",
	[DA_UDP_TRUNCATED] = "udp_truncated",
	[DA_UDP_BAD_LENGTH] = "udp_bad_length",
	[DA_ICMP_TRUNCATED] = "icmp_truncated",
	[DA_GRE_TRUNCATED] = "gre_truncated",
	[DA_GRE_BAD_VERSION] = "gre_bad_version",
	[DA_GRE_UNKNOWN_PROTO] = "gre_unknown_proto",
	[DA_ERSPAN_TRUNCATED] = "erspan_truncated",
	[DA_VXLAN_BAD] = "vxlan_bad",
	[DA_GENEVE_BAD] = "geneve_bad",
	[DA_TZSP_BAD] = "tzsp_bad",
	[DA_TEREDO_BAD] = "teredo_bad",
	[DA_ENCAP_TOO_DEEP] = "encap_too_deep",
	[DA_OUTER_FRAGMENT] = "outer_fragment",
	[DA_PPP_TRUNCATED] = "ppp_truncated",
	[DA_CHDLC_TRUNCATED] = "chdlc_truncated",
	[DA_RADIOTAP_BAD] = "radiotap_bad",
	[DA_PPI_BAD] = "ppi_bad",
	[DA_WLAN_TRUNCATED] = "wlan_truncated",
	[DA_WLAN_BAD_FCS] = "wlan_bad_fcs",
	[DA_WLAN_FRAGMENT] = "wlan_fragment",
	[DA_WLAN_AMSDU] = "wlan_amsdu",
	[DA_AYIYA_BAD] = "ayiya_bad",
	[DA_L2TP_BAD] = "l2tp_bad",
};

static const char *const encap_names[ENCAP_TYPE_MAX] = {
	[ENCAP_VLAN] = "vlan",
	[ENCAP_QINQ] = "qinq",
	[ENCAP_MPLS] = "mpls",
	[ENCAP_PPPOE] = "pppoe",
	[ENCAP_GRE] = "gre",
	[ENCAP_ERSPAN1] = "erspan-i",
	[ENCAP_ERSPAN2] = "erspan-ii",
	[ENCAP_ERSPAN3] = "erspan-iii",
	[ENCAP_VXLAN] = "vxlan",
	[ENCAP_GENEVE] = "geneve",
	[ENCAP_TZSP] = "tzsp",
	[ENCAP_IPIP] = "ipip",
	[ENCAP_6IN4] = "6in4",
	[ENCAP_4IN6] = "4in6",
	[ENCAP_6IN6] = "6in6",
	[ENCAP_TEREDO] = "teredo",
	[ENCAP_AYIYA] = "ayiya",
	[ENCAP_L2TP] = "l2tp",
};

#define ETH_IPV4	0x0800
#define ETH_ARP		0x0806
#define ETH_VLAN	0x8100
#define ETH_QINQ	0x88a8
#define ETH_QINQ_OLD	0x9100
#define ETH_IPV6	0x86dd
#define ETH_MPLS	0x8847
#define ETH_MPLS_MC	0x8848
#define ETH_PPPOE_DISC	0x8863
#define ETH_PPPOE_SESS	0x8864
#define ETH_TEB		0x6558	/* transparent Ethernet bridging (GRE) */
#define ETH_ERSPAN12	0x88be
#define ETH_ERSPAN3	0x22eb
#define ETH_PPP		0x880b

#define UDP_VXLAN	4789
#define UDP_GENEVE	6081
#define UDP_TZSP	37008
#define UDP_TEREDO	3544
#define UDP_AYIYA	5072
#define UDP_L2TP	1701

#define IPV6_EXT_MAX	8
#define MPLS_MAX_LABELS	8

struct dec {
	const struct decode_opts *o;
	struct decode_stats	*st;
	struct pkt		*p;
	unsigned		 depth;	/* tunnels/L2 layers crossed */
};

static int	dec_eth(struct dec *d, struct cursor *c);
static int	dec_ethertype(struct dec *d, uint16_t type, struct cursor *c);
static int	dec_ip(struct dec *d, struct cursor *c);

const char *
encap_type_name(unsigned type)
{
	if (type < ENCAP_TYPE_MAX && encap_names[type] != NULL)
		return encap_names[type];
	return "unknown";
}

int
decode_link_supported(int linktype)
{
	switch (linktype) {
	case LINK_NULL: case LINK_EN10MB: case LINK_RAW: case LINK_LOOP:
	case LINK_SLL: case LINK_SLL2: case LINK_IPV4: case LINK_IPV6:
	case LINK_RAW12: case LINK_RAW14: case LINK_PPP: case LINK_C_HDLC:
	case LINK_IEEE802_11: case LINK_RADIOTAP: case LINK_PPI:
		return 1;
	}
	return 0;
}

int
decode_link_control(int linktype, const uint8_t *data, uint32_t caplen)
{
	static const uint8_t ieee[5] = { 0x01, 0x80, 0xc2, 0x00, 0x00 };
	static const uint8_t cisco[6] = { 0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc };

	if (linktype != LINK_EN10MB || caplen < 14)
		return 0;
	return (memcmp(data, ieee, 5) == 0 && data[5] <= 0x0f) ||
	    memcmp(data, cisco, 6) == 0;
}

static int
anomaly(struct dec *d, enum decode_anomaly a)
{
	d->st->anomalies[a]++;
	return -1;
}

static uint32_t
dec_off(const struct dec *d, const struct cursor *c)
{
	return (uint32_t)(cur_ptr(c) - d->p->data);
}

/*
 * Records a layer.  For tunnels (family != 0) the current outer IP
 * endpoints and ports are kept.  Returns -1 when the depth limit is hit.
 */
static int
push_encap(struct dec *d, enum encap_type t, uint32_t id, int tunnel)
{
	struct pkt *p = d->p;
	struct encap_layer *e;

	if (++d->depth > d->o->max_depth)
		return anomaly(d, DA_ENCAP_TOO_DEEP);
	if (p->nencap >= ENCAP_MAX)
		return 0;	/* decoded, just not recorded */
	e = &p->encap[p->nencap++];
	memset(e, 0, sizeof(*e));
	e->type = (uint8_t)t;
	e->id = id;
	if (tunnel) {
		e->family = p->family;
		memcpy(e->src, p->src, sizeof(e->src));
		memcpy(e->dst, p->dst, sizeof(e->dst));
		if (p->proto == 17) {
			e->sport = p->sport;
			e->dport = p->dport;
		}
	}
	return 0;
}

/* Starts decoding an inner IP packet whose version is in its first nibble. */
static int
dec_ip_guess(struct dec *d, struct cursor *c)
{
	switch (cur_peek(c, 0) >> 4) {
	case 4:
	case 6:
		return dec_ip(d, c);
	}
	return anomaly(d, DA_ETHERTYPE_UNKNOWN);
}

static int
dec_vlan(struct dec *d, uint16_t tpid, struct cursor *c)
{
	uint16_t tci, type;

	tci = cur_be16(c);
	type = cur_be16(c);
	if (!cur_ok(c))
		return anomaly(d, DA_VLAN_TRUNCATED);
	if (push_encap(d, tpid == ETH_VLAN ? ENCAP_VLAN : ENCAP_QINQ,
	    tci & 0x0fff, 0) < 0)
		return -1;
	d->p->vlan = tci & 0x0fff;	/* the innermost tag is the key's */
	return dec_ethertype(d, type, c);
}

static int
dec_mpls(struct dec *d, struct cursor *c)
{
	uint32_t entry;
	unsigned n;

	for (n = 0; n < MPLS_MAX_LABELS; n++) {
		entry = cur_be32(c);
		if (!cur_ok(c))
			return anomaly(d, DA_MPLS_TRUNCATED);
		if (n == 0 && push_encap(d, ENCAP_MPLS, entry >> 12, 0) < 0)
			return -1;
		if (entry & 0x100)	/* bottom of stack */
			break;
	}
	if (n == MPLS_MAX_LABELS)
		return anomaly(d, DA_MPLS_TOO_DEEP);
	/* No payload type in MPLS: IP by its version nibble, else a
	 * pseudowire with a zero control word carrying Ethernet. */
	switch (cur_peek(c, 0) >> 4) {
	case 4:
	case 6:
		return dec_ip(d, c);
	case 0:
		cur_skip(c, 4);
		return dec_eth(d, c);
	}
	return anomaly(d, DA_ETHERTYPE_UNKNOWN);
}

/* PPP protocol field (1 or 2 bytes when compressed). */
static int
dec_ppp_proto(struct dec *d, struct cursor *c, enum decode_anomaly bad)
{
	uint16_t proto;

	if (cur_peek(c, 0) & 1)
		proto = cur_u8(c);
	else
		proto = cur_be16(c);
	if (!cur_ok(c))
		return anomaly(d, bad);
	switch (proto) {
	case 0x21:
		return dec_ip(d, c);
	case 0x57:
		return dec_ip(d, c);
	}
	return -1;	/* LCP, IPCP, CHAP ...: not IP, not an anomaly */
}

static int
dec_pppoe(struct dec *d, struct cursor *c)
{
	uint8_t vt, code;
	uint16_t sess, len;
	struct cursor body;

	vt = cur_u8(c);
	code = cur_u8(c);
	sess = cur_be16(c);
	len = cur_be16(c);
	if (!cur_ok(c))
		return anomaly(d, DA_PPPOE_TRUNCATED);
	if (vt != 0x11 || code != 0)
		return anomaly(d, DA_PPPOE_BAD_PROTO);
	if (push_encap(d, ENCAP_PPPOE, sess, 0) < 0)
		return -1;
	body = cur_sub(c, len <= cur_left(c) ? len : cur_left(c));
	return dec_ppp_proto(d, &body, DA_PPPOE_TRUNCATED);
}

static int
dec_ethertype(struct dec *d, uint16_t type, struct cursor *c)
{
	switch (type) {
	case ETH_IPV4:
	case ETH_IPV6:
		return dec_ip(d, c);
	case ETH_VLAN:
	case ETH_QINQ:
	case ETH_QINQ_OLD:
		return dec_vlan(d, type, c);
	case ETH_MPLS:
	case ETH_MPLS_MC:
		return dec_mpls(d, c);
	case ETH_PPPOE_SESS:
		return dec_pppoe(d, c);
	case ETH_ARP:
	case ETH_PPPOE_DISC:
		return -1;
	}
	if (type <= 1500)
		return -1;	/* 802.3 length: LLC (STP, CDP ...), not IP */
	return -1;		/* other ethertypes: not ours, not malformed */
}

static int
dec_eth(struct dec *d, struct cursor *c)
{
	uint16_t type;

	cur_skip(c, 12);
	type = cur_be16(c);
	if (!cur_ok(c))
		return anomaly(d, DA_LINK_TRUNCATED);
	return dec_ethertype(d, type, c);
}

/* ---- IEEE 802.11 and its capture headers -------------------------------- */

#define WLAN_FC_TYPE_DATA	2
#define WLAN_FL_TODS		0x01
#define WLAN_FL_FROMDS		0x02
#define WLAN_FL_MOREFRAG	0x04
#define WLAN_FL_PROTECTED	0x40
#define WLAN_FL_ORDER		0x80
#define WLAN_ST_NULL		0x04	/* subtype bit: no data */
#define WLAN_ST_QOS		0x08	/* subtype bit: QoS control present */

/* What a capture header says of the 802.11 frame after it. */
#define WLAN_FCS		0x01	/* ends in a 4-byte FCS */
#define WLAN_BAD_FCS		0x02	/* that FCS did not check */
#define WLAN_DATAPAD		0x04	/* payload aligned to 4 bytes */

/*
 * An 802.11 frame: data frames carrying LLC/SNAP go on by their ethertype.
 * Management, control, null-data and protected frames are not IP to us.
 */
static int
dec_80211(struct dec *d, struct cursor *c, unsigned hints)
{
	uint16_t fc, seqctl, qos = 0, type;
	uint8_t flags, subtype;
	size_t hdr;

	if (hints & WLAN_BAD_FCS)
		return anomaly(d, DA_WLAN_BAD_FCS);
	/* The FCS is not payload (when the snap length kept it). */
	if ((hints & WLAN_FCS) && d->p->caplen >= d->p->wirelen &&
	    cur_left(c) >= 4)
		c->len -= 4;
	fc = cur_le16(c);
	if (!cur_ok(c))
		return anomaly(d, DA_WLAN_TRUNCATED);
	if ((fc & 3) != 0 || ((fc >> 2) & 3) != WLAN_FC_TYPE_DATA)
		return -1;		/* other version; management, control */
	subtype = (uint8_t)((fc >> 4) & 0x0f);
	flags = (uint8_t)(fc >> 8);
	cur_skip(c, 2 + 6 + 6 + 6);	/* duration, three addresses */
	seqctl = cur_le16(c);
	hdr = 24;
	if ((flags & (WLAN_FL_TODS | WLAN_FL_FROMDS)) ==
	    (WLAN_FL_TODS | WLAN_FL_FROMDS)) {
		cur_skip(c, 6);		/* fourth address (WDS, mesh) */
		hdr += 6;
	}
	if (subtype & WLAN_ST_QOS) {
		qos = cur_le16(c);
		hdr += 2;
		if (flags & WLAN_FL_ORDER) {
			cur_skip(c, 4);	/* HT control */
			hdr += 4;
		}
	}
	if ((hints & WLAN_DATAPAD) && (hdr & 3))
		cur_skip(c, 4 - (hdr & 3));
	if (!cur_ok(c))
		return anomaly(d, DA_WLAN_TRUNCATED);
	if ((subtype & WLAN_ST_NULL) || (flags & WLAN_FL_PROTECTED))
		return -1;		/* no data, or encrypted data */
	if ((flags & WLAN_FL_MOREFRAG) || (seqctl & 0x000f))
		return anomaly(d, DA_WLAN_FRAGMENT);
	if (qos & 0x0080)
		return anomaly(d, DA_WLAN_AMSDU);
	/* LLC/SNAP: AA AA 03, OUI (RFC 1042 or 802.1H), ethertype. */
	if (cur_peek(c, 0) != 0xaa || cur_peek(c, 1) != 0xaa ||
	    cur_peek(c, 2) != 0x03) {
		if (!cur_has(c, 3))
			return anomaly(d, DA_WLAN_TRUNCATED);
		return -1;		/* other LLC: not IP */
	}
	cur_skip(c, 6);
	type = cur_be16(c);
	if (!cur_ok(c))
		return anomaly(d, DA_WLAN_TRUNCATED);
	return dec_ethertype(d, type, c);
}

/*
 * Radiotap: version 0, pad, length (LE), present bitmaps (LE, bit 31 chains
 * another).  Fields follow in bit order, each aligned to its size; only
 * TSFT (bit 0, 8 bytes) comes before Flags (bit 1), the one field read.
 */
static int
dec_radiotap(struct dec *d, struct cursor *c)
{
	struct cursor h;
	uint32_t present, word;
	uint16_t len;
	unsigned hints = 0, n;
	uint8_t fl;

	if (cur_peek(c, 0) != 0 || !cur_has(c, 8))
		return anomaly(d, DA_RADIOTAP_BAD);
	len = (uint16_t)(cur_peek(c, 2) | cur_peek(c, 3) << 8);
	if (len < 8 || !cur_has(c, len))
		return anomaly(d, DA_RADIOTAP_BAD);
	h = cur_sub(c, len);
	cur_skip(&h, 4);
	present = word = cur_le32(&h);
	for (n = 0; (word & 0x80000000u) && n < 16; n++)
		word = cur_le32(&h);
	if (present & 0x01) {
		cur_skip(&h, (8 - (h.off & 7)) & 7);
		cur_skip(&h, 8);
	}
	if (present & 0x02) {
		fl = cur_u8(&h);
		hints |= (fl & 0x10 ? WLAN_FCS : 0) |
		    (fl & 0x40 ? WLAN_BAD_FCS : 0) |
		    (fl & 0x20 ? WLAN_DATAPAD : 0);
	}
	if (!cur_ok(&h) || (word & 0x80000000u))
		return anomaly(d, DA_RADIOTAP_BAD);
	return dec_80211(d, c, hints);
}

static int	dec_link(struct dec *d, int linktype, struct cursor *c);

/*
 * PPI: version 0, flags (bit 0: fields 32-bit aligned), length (LE), the
 * DLT of what follows (LE), then fields (type, length, data).  Field 2,
 * 802.11-Common, says whether an 802.11 frame ends in an FCS and whether
 * it failed.
 */
static int
dec_ppi(struct dec *d, struct cursor *c)
{
	struct cursor h, fd;
	uint16_t len, ftype, flen, cflags;
	uint32_t dlt;
	unsigned hints = 0, n;
	uint8_t pflags;

	if (cur_peek(c, 0) != 0 || !cur_has(c, 8))
		return anomaly(d, DA_PPI_BAD);
	pflags = cur_peek(c, 1);
	len = (uint16_t)(cur_peek(c, 2) | cur_peek(c, 3) << 8);
	if (len < 8 || !cur_has(c, len))
		return anomaly(d, DA_PPI_BAD);
	h = cur_sub(c, len);
	cur_skip(&h, 4);
	dlt = cur_le32(&h);
	for (n = 0; cur_left(&h) > 0 && n < 64; n++) {
		ftype = cur_le16(&h);
		flen = cur_le16(&h);
		fd = cur_sub(&h, flen);
		if (!cur_ok(&h))
			return anomaly(d, DA_PPI_BAD);
		if ((pflags & 1) && (flen & 3))
			cur_skip(&h, 4 - (flen & 3));
		if (ftype == 2 && flen >= 20) {	/* 802.11-Common */
			cur_skip(&fd, 8);	/* TSF timer */
			cflags = cur_le16(&fd);
			hints |= (cflags & 0x0001 ? WLAN_FCS : 0) |
			    (cflags & 0x0004 ? WLAN_BAD_FCS : 0);
		}
	}
	if (dlt == LINK_IEEE802_11)
		return dec_80211(d, c, hints);
	if (dlt == LINK_PPI || !decode_link_supported((int)dlt))
		return anomaly(d, DA_LINK_UNSUPPORTED);
	return dec_link(d, (int)dlt, c);
}

/* ---- tunnels carried by IP or UDP ---------------------------------------- */

static int
dec_erspan(struct dec *d, uint16_t proto, int seq_present, struct cursor *c)
{
	uint16_t w;
	uint8_t last;

	if (proto == ETH_ERSPAN12 && !seq_present) {
		/* Type I: no ERSPAN header at all. */
		if (push_encap(d, ENCAP_ERSPAN1, 0, 1) < 0)
			return -1;
		return dec_eth(d, c);
	}
	if (proto == ETH_ERSPAN12) {
		/* Type II: ver(4) vlan(12) cos(3) en(2) t(1) session(10),
		 * reserved(12) index(20). */
		cur_skip(c, 2);
		w = cur_be16(c);
		cur_skip(c, 4);
		if (!cur_ok(c))
			return anomaly(d, DA_ERSPAN_TRUNCATED);
		if (push_encap(d, ENCAP_ERSPAN2, w & 0x3ff, 1) < 0)
			return -1;
		return dec_eth(d, c);
	}
	/* Type III: 12 bytes, then an 8-byte platform subheader if O is set. */
	cur_skip(c, 2);
	w = cur_be16(c);
	cur_skip(c, 7);
	last = cur_u8(c);
	if (last & 0x01)
		cur_skip(c, 8);
	if (!cur_ok(c))
		return anomaly(d, DA_ERSPAN_TRUNCATED);
	if (push_encap(d, ENCAP_ERSPAN3, w & 0x3ff, 1) < 0)
		return -1;
	return dec_eth(d, c);
}

static int
dec_gre(struct dec *d, struct cursor *c)
{
	uint16_t flags, proto;
	uint32_t key = 0;
	unsigned ver, n;

	flags = cur_be16(c);
	proto = cur_be16(c);
	if (!cur_ok(c))
		return anomaly(d, DA_GRE_TRUNCATED);
	ver = flags & 7;
	if (ver == 1) {
		/* Enhanced GRE (PPTP): key (payload length + call id) always,
		 * sequence if S, acknowledgement if A. */
		if (proto != ETH_PPP)
			return anomaly(d, DA_GRE_UNKNOWN_PROTO);
		key = cur_be32(c) & 0xffff;
		if (flags & 0x1000)
			cur_skip(c, 4);
		if (flags & 0x0080)
			cur_skip(c, 4);
		if (!cur_ok(c))
			return anomaly(d, DA_GRE_TRUNCATED);
		if (push_encap(d, ENCAP_GRE, key, 1) < 0)
			return -1;
		if (cur_peek(c, 0) == 0xff && cur_peek(c, 1) == 0x03)
			cur_skip(c, 2);
		return dec_ppp_proto(d, c, DA_GRE_TRUNCATED);
	}
	if (ver != 0 || (flags & 0x4000))	/* routing present: RFC 1701 */
		return anomaly(d, DA_GRE_BAD_VERSION);
	if (flags & 0x8000)
		cur_skip(c, 4);
	if (flags & 0x2000)
		key = cur_be32(c);
	if (flags & 0x1000)
		cur_skip(c, 4);
	if (!cur_ok(c))
		return anomaly(d, DA_GRE_TRUNCATED);
	if (proto == ETH_ERSPAN12 || proto == ETH_ERSPAN3)
		return dec_erspan(d, proto, (flags & 0x1000) != 0, c);
	switch (proto) {
	case ETH_IPV4:
	case ETH_IPV6:
	case ETH_TEB:
	case ETH_MPLS:
		break;
	default:
		return anomaly(d, DA_GRE_UNKNOWN_PROTO);
	}
	n = d->p->nencap;
	if (push_encap(d, ENCAP_GRE, key, 1) < 0)
		return -1;
	if (proto == ETH_TEB) {
		/* Bridged frames, not routed packets: a remote mirror. */
		if (d->p->nencap > n)
			d->p->encap[n].frames = 1;
		return dec_eth(d, c);
	}
	if (proto == ETH_MPLS)
		return dec_mpls(d, c);
	return dec_ip(d, c);
}

static int
dec_vxlan(struct dec *d, struct cursor *c)
{
	uint8_t flags;
	uint32_t vni;

	if (!cur_has(c, 8 + 14))
		return 1;
	flags = cur_peek(c, 0);
	if ((flags & 0x08) == 0)
		return 1;	/* I flag clear: not VXLAN */
	cur_skip(c, 4);
	vni = cur_be32(c) >> 8;
	if (push_encap(d, ENCAP_VXLAN, vni, 1) < 0)
		return -1;
	return dec_eth(d, c);
}

static int
dec_geneve(struct dec *d, struct cursor *c)
{
	uint8_t b0;
	uint16_t proto;
	uint32_t vni;

	if (!cur_has(c, 8))
		return 1;
	b0 = cur_peek(c, 0);
	if ((b0 >> 6) != 0)
		return 1;	/* only version 0 exists */
	cur_skip(c, 2);
	proto = cur_be16(c);
	vni = cur_be32(c) >> 8;
	cur_skip(c, (size_t)(b0 & 0x3f) * 4);
	if (!cur_ok(c))
		return 1;
	if (proto != ETH_TEB && proto != ETH_IPV4 && proto != ETH_IPV6)
		return 1;
	if (push_encap(d, ENCAP_GENEVE, vni, 1) < 0)
		return -1;
	if (proto == ETH_TEB)
		return dec_eth(d, c);
	return dec_ip(d, c);
}

/*
 * TZSP: version(1)=1, type(1), encapsulated protocol(2), then tagged fields:
 * 0 = padding (no length), 1 = end (no length), others tag/len/value.
 * Only Ethernet (1) is decapsulated.  Returns 1 when the payload is not TZSP.
 */
static int
dec_tzsp(struct dec *d, struct cursor *c)
{
	struct cursor t = *c;
	uint8_t ver, type, tag, len;
	uint16_t encap;
	unsigned n;

	ver = cur_u8(&t);
	type = cur_u8(&t);
	encap = cur_be16(&t);
	if (!cur_ok(&t) || ver != 1 || type > 5 || encap != 1)
		return 1;
	for (n = 0; n < 64; n++) {
		tag = cur_u8(&t);
		if (!cur_ok(&t))
			return 1;
		if (tag == 1)
			break;
		if (tag == 0)
			continue;
		len = cur_u8(&t);
		cur_skip(&t, len);
		if (!cur_ok(&t))
			return 1;
	}
	if (n == 64)
		return 1;
	/* Require a plausible inner Ethernet frame carrying IP or VLAN. */
	if (!cur_has(&t, 14 + 20))
		return 1;
	{
		uint16_t et = (uint16_t)(cur_peek(&t, 12) << 8 | cur_peek(&t, 13));
		if (et != ETH_IPV4 && et != ETH_IPV6 && et != ETH_VLAN &&
		    et != ETH_QINQ && et != ETH_ARP)
			return 1;
	}
	*c = t;
	if (push_encap(d, ENCAP_TZSP, type, 1) < 0)
		return -1;
	return dec_eth(d, c);
}

/*
 * Teredo: optional authentication (0x0001) and origin indication (0x0000)
 * headers, then an IPv6 packet whose payload length matches exactly.
 * Returns 1 when the payload is not Teredo.
 */
static int
dec_teredo(struct dec *d, struct cursor *c)
{
	struct cursor t = *c;
	uint8_t idlen, authlen;
	uint16_t plen;

	if (cur_peek(&t, 0) == 0 && cur_peek(&t, 1) == 1) {
		cur_skip(&t, 2);
		idlen = cur_u8(&t);
		authlen = cur_u8(&t);
		cur_skip(&t, (size_t)idlen + authlen + 8 + 1);
	}
	if (cur_peek(&t, 0) == 0 && cur_peek(&t, 1) == 0)
		cur_skip(&t, 8);
	if (!cur_has(&t, 40) || (cur_peek(&t, 0) >> 4) != 6)
		return 1;
	plen = (uint16_t)(cur_peek(&t, 4) << 8 | cur_peek(&t, 5));
	if ((size_t)plen + 40 != cur_left(&t)) {
		d->st->anomalies[DA_TEREDO_BAD]++;
		return 1;
	}
	*c = t;
	if (push_encap(d, ENCAP_TEREDO, 0, 1) < 0)
		return -1;
	return dec_ip(d, c);
}

/*
 * AYIYA (draft-massar-v6ops-ayiya, UDP 5072; SixXS tunnel brokers): idlen
 * and idtype, siglen and hash method, auth method and opcode, next header,
 * a 4-byte epoch, then 2^idlen bytes of identity and siglen * 4 bytes of
 * signature.  Only opcode 1 (forward) with next header 41 (IPv6) or 4
 * (IPv4) carries a packet, whose version must match.  Returns 1 when the
 * payload is not an AYIYA data packet (counted ayiya_bad when it is not
 * AYIYA at all).
 */
static int
dec_ayiya(struct dec *d, struct cursor *c)
{
	struct cursor t = *c;
	uint8_t b0, b1, b2, nh, ver;

	b0 = cur_u8(&t);
	b1 = cur_u8(&t);
	b2 = cur_u8(&t);
	nh = cur_u8(&t);
	cur_skip(&t, 4);
	if (!cur_ok(&t) || (b0 >> 4) > 4) {
		d->st->anomalies[DA_AYIYA_BAD]++;
		return 1;
	}
	if ((b2 & 0x0f) != 1 || (nh != 41 && nh != 4))
		return 1;	/* a heartbeat or a query: no packet */
	cur_skip(&t, ((size_t)1 << (b0 >> 4)) + (size_t)(b1 >> 4) * 4);
	ver = (uint8_t)(cur_peek(&t, 0) >> 4);
	if (!cur_has(&t, 20) || ver != (nh == 41 ? 6 : 4)) {
		d->st->anomalies[DA_AYIYA_BAD]++;
		return 1;
	}
	*c = t;
	if (push_encap(d, ENCAP_AYIYA, 0, 1) < 0)
		return -1;
	return dec_ip(d, c);
}

/*
 * L2TPv2 data messages (RFC 2661 3.1, UDP 1701): flags and version 2, an
 * optional length, tunnel and session ids, optional Ns/Nr and offset pad,
 * then a PPP frame (address and control optional).  Control messages and
 * PPP frames that carry no IP (LCP, IPCP, CHAP) stay plain UDP: returns 1.
 */
static int
dec_l2tp(struct dec *d, struct cursor *c)
{
	struct cursor t = *c;
	uint16_t flags, tid, sid, off, proto;

	flags = cur_be16(&t);
	if (!cur_ok(&t) || (flags & 0x000f) != 2 || (flags & 0x8000))
		return 1;
	if (flags & 0x4000)
		cur_skip(&t, 2);
	tid = cur_be16(&t);
	sid = cur_be16(&t);
	if (flags & 0x0800)
		cur_skip(&t, 4);
	if (flags & 0x0200) {
		off = cur_be16(&t);
		cur_skip(&t, off);
	}
	if (cur_peek(&t, 0) == 0xff && cur_peek(&t, 1) == 0x03)
		cur_skip(&t, 2);
	proto = (cur_peek(&t, 0) & 1) ? cur_peek(&t, 0) :
	    (uint16_t)(cur_peek(&t, 0) << 8 | cur_peek(&t, 1));
	if (!cur_ok(&t)) {
		d->st->anomalies[DA_L2TP_BAD]++;
		return 1;
	}
	if (proto != 0x21 && proto != 0x57)
		return 1;
	*c = t;
	if (push_encap(d, ENCAP_L2TP, (uint32_t)tid << 16 | sid, 1) < 0)
		return -1;
	return dec_ppp_proto(d, c, DA_L2TP_BAD);
}

/* Tries UDP tunnels; returns 1 when the datagram is plain UDP. */
static int
dec_udp_tunnel(struct dec *d, struct cursor *c)
{
	struct pkt *p = d->p;
	int r;

	if (p->dport == UDP_VXLAN) {
		if ((r = dec_vxlan(d, c)) == 1)
			d->st->anomalies[DA_VXLAN_BAD]++;
		return r;
	}
	if (p->dport == UDP_GENEVE) {
		if ((r = dec_geneve(d, c)) == 1)
			d->st->anomalies[DA_GENEVE_BAD]++;
		return r;
	}
	if (p->dport == UDP_TZSP || p->sport == UDP_TZSP) {
		if ((r = dec_tzsp(d, c)) == 1)
			d->st->anomalies[DA_TZSP_BAD]++;
		return r;
	}
	if (p->dport == UDP_TEREDO || p->sport == UDP_TEREDO)
		return dec_teredo(d, c);
	if (p->dport == UDP_AYIYA || p->sport == UDP_AYIYA)
		return dec_ayiya(d, c);
	if (p->dport == UDP_L2TP || p->sport == UDP_L2TP)
		return dec_l2tp(d, c);
	if (d->o->tzsp_any_port && cur_peek(c, 0) == 1 &&
	    cur_peek(c, 2) == 0 && cur_peek(c, 3) == 1)
		return dec_tzsp(d, c);
	return 1;
}

/* ---- transport ----------------------------------------------------------- */

static int
dec_l4(struct dec *d, struct cursor *c)
{
	struct pkt *p = d->p;
	struct cursor inner;
	uint16_t ulen;
	uint8_t doff;
	int r;

	p->l4_off = dec_off(d, c);
	p->l4_ok = 0;
	switch (p->proto) {
	case 6:
		p->sport = cur_be16(c);
		p->dport = cur_be16(c);
		p->tcp_seq = cur_be32(c);
		p->tcp_ack = cur_be32(c);
		doff = cur_u8(c) >> 4;
		p->tcp_flags = cur_u8(c);
		p->tcp_win = cur_be16(c);
		cur_skip(c, 4);
		if (!cur_ok(c))
			return anomaly(d, DA_TCP_TRUNCATED), 0;
		if (doff < 5)
			return anomaly(d, DA_TCP_BAD_OFFSET), 0;
		cur_skip(c, (size_t)(doff - 5) * 4);
		if (!cur_ok(c))
			return (p->truncated ? 0 : anomaly(d, DA_TCP_BAD_OFFSET)), 0;
		break;
	case 17:
		p->sport = cur_be16(c);
		p->dport = cur_be16(c);
		ulen = cur_be16(c);
		cur_skip(c, 2);
		if (!cur_ok(c))
			return anomaly(d, DA_UDP_TRUNCATED), 0;
		if (ulen < 8) {
			anomaly(d, DA_UDP_BAD_LENGTH);
			ulen = (uint16_t)(cur_left(c) + 8);
		} else if ((size_t)ulen - 8 > cur_left(c) && !p->truncated) {
			anomaly(d, DA_UDP_BAD_LENGTH);
		} else if ((size_t)ulen - 8 < cur_left(c)) {
			c->len = c->off + ulen - 8;	/* trailing bytes */
		}
		p->l4_ok = 1;
		p->pl_off = dec_off(d, c);
		p->pl_len = (uint32_t)cur_left(c);
		inner = *c;
		r = dec_udp_tunnel(d, &inner);
		if (r == 1)
			return 0;
		return r;
	case 1:
	case 58:
		p->sport = cur_u8(c);
		p->dport = cur_u8(c);
		cur_skip(c, 2);
		if (!cur_ok(c))
			return anomaly(d, DA_ICMP_TRUNCATED), 0;
		break;
	case 132:	/* SCTP: ports, vtag, checksum */
		p->sport = cur_be16(c);
		p->dport = cur_be16(c);
		cur_skip(c, 8);
		if (!cur_ok(c))
			return 0;
		break;
	case 4:
	case 41:
		if (push_encap(d, p->proto == 4 ?
		    (p->family == 4 ? ENCAP_IPIP : ENCAP_4IN6) :
		    (p->family == 4 ? ENCAP_6IN4 : ENCAP_6IN6), 0, 1) < 0)
			return 0;
		inner = *c;
		if (dec_ip_guess(d, &inner) < 0 && p->family == 0)
			return -1;
		return 0;
	case 47:
		inner = *c;
		dec_gre(d, &inner);
		return 0;
	default:
		return 0;
	}
	p->l4_ok = 1;
	p->pl_off = dec_off(d, c);
	p->pl_len = (uint32_t)cur_left(c);
	return 0;
}

/* ---- IP ------------------------------------------------------------------ */

/*
 * Bounds the datagram to what was captured.  Trailing bytes (Ethernet
 * padding) are cut; a datagram longer than the capture is truncated by the
 * snap length (not an anomaly) or lies about its length (an anomaly).
 */
static int
bound_datagram(struct dec *d, struct cursor *c, size_t total,
    enum decode_anomaly short_a)
{
	size_t avail = c->len - c->off;

	if (total <= avail) {
		c->len = c->off + total;
		return 0;
	}
	if (d->p->caplen < d->p->wirelen) {
		d->p->truncated = 1;
		return 0;
	}
	anomaly(d, short_a);
	return -1;
}

/*
 * Whether IPv4 options (at the cursor, n bytes) hold a loose or strict
 * source route (RFC 791): the transport pseudo-header then uses the final
 * destination, not the header's.  Reads a copy of the cursor.
 */
static int
ipv4_source_routed(const struct cursor *c, size_t n)
{
	struct cursor o = *c;
	uint8_t type, len;

	if (!cur_has(&o, n))
		return 0;
	o.len = o.off + n;
	while (cur_left(&o) > 0) {
		type = cur_u8(&o);
		if (type == 0)			/* end of options */
			break;
		if (type == 1)			/* no-operation */
			continue;
		if (type == 131 || type == 137)	/* LSRR, SSRR */
			return 1;
		len = cur_u8(&o);
		if (!cur_ok(&o) || len < 2)
			break;
		cur_skip(&o, (size_t)len - 2);
	}
	return 0;
}

static int
dec_ipv4(struct dec *d, struct cursor *c)
{
	struct pkt *p = d->p;
	uint32_t off = dec_off(d, c);
	uint8_t vihl, ihl;
	uint16_t total, fragw;

	/* p->l3_off moves only once the header is whole: a layer refused
	 * here leaves the packet as the layer outside it described it
	 * (nDPI would otherwise read an inner datagram of another
	 * transport under the outer flow's key). */
	if (!cur_has(c, 20))
		return anomaly(d, DA_IPV4_TRUNCATED);
	vihl = cur_peek(c, 0);
	if ((vihl >> 4) != 4)
		return anomaly(d, DA_IPV4_BAD_VERSION);
	ihl = (uint8_t)((vihl & 15) * 4);
	if (ihl < 20)
		return anomaly(d, DA_IPV4_BAD_IHL);
	total = (uint16_t)(cur_peek(c, 2) << 8 | cur_peek(c, 3));
	if (total < ihl)
		return anomaly(d, DA_IPV4_BAD_LENGTH);
	if (bound_datagram(d, c, total, DA_IPV4_CAPLEN_SHORT) < 0)
		return -1;
	if (!cur_has(c, ihl))
		return anomaly(d, DA_IPV4_TRUNCATED);
	/* A new innermost IP layer: the previous one is now outer. */
	p->l3_off = off;
	p->is_fragment = 0;
	p->truncated = p->truncated && 1;
	cur_skip(c, 4);
	p->frag_id = cur_be16(c);
	fragw = cur_be16(c);
	p->ttl = cur_u8(c);
	p->proto = cur_u8(c);
	cur_skip(c, 2);
	p->family = 4;
	memset(p->src, 0, sizeof(p->src));
	memset(p->dst, 0, sizeof(p->dst));
	cur_copy(c, p->src, 4);
	cur_copy(c, p->dst, 4);
	p->csum_unsure = ihl > 20 && ipv4_source_routed(c, (size_t)ihl - 20);
	cur_skip(c, (size_t)ihl - 20);
	p->l3_len = total;
	p->sport = p->dport = 0;
	p->pl_off = p->pl_len = 0;
	p->l4_ok = 0;
	if ((fragw & 0x2000) || (fragw & 0x1fff)) {
		p->is_fragment = 1;
		p->frag_more = (fragw & 0x2000) != 0;
		p->frag_off = (uint16_t)((fragw & 0x1fff) * 8);
		return 0;
	}
	return dec_l4(d, c) < 0 ? -1 : 0;
}

static int
dec_ipv6(struct dec *d, struct cursor *c)
{
	struct pkt *p = d->p;
	uint16_t plen, fragw;
	uint8_t nh, hlen;
	uint32_t nh_off, off = dec_off(d, c);
	unsigned n;

	/* p->l3_off moves once the header is whole (dec_ipv4). */
	if (!cur_has(c, 40))
		return anomaly(d, DA_IPV6_TRUNCATED);
	if ((cur_peek(c, 0) >> 4) != 6)
		return anomaly(d, DA_IPV6_BAD_VERSION);
	plen = (uint16_t)(cur_peek(c, 4) << 8 | cur_peek(c, 5));
	if (bound_datagram(d, c, (size_t)plen + 40, DA_IPV6_CAPLEN_SHORT) < 0)
		return -1;
	p->l3_off = off;
	p->is_fragment = 0;
	cur_skip(c, 6);
	nh_off = p->l3_off + 6;
	nh = cur_u8(c);
	p->ttl = cur_u8(c);
	p->family = 6;
	cur_copy(c, p->src, 16);
	cur_copy(c, p->dst, 16);
	p->l3_len = (uint32_t)plen + 40;
	p->sport = p->dport = 0;
	p->pl_off = p->pl_len = 0;
	p->l4_ok = 0;
	p->csum_unsure = 0;
	for (n = 0; ; n++) {
		switch (nh) {
		case 0:		/* hop-by-hop */
		case 43:	/* routing */
		case 60:	/* destination options */
		case 135:	/* mobility */
		case 139:	/* HIP */
		case 140:	/* shim6 */
		case 51:	/* AH: length in 4-byte units, minus 2 */
			break;
		case 44:
			if (n >= IPV6_EXT_MAX)
				return anomaly(d, DA_IPV6_EXTHDR_TOO_MANY);
			p->frag_nh_off = nh_off;
			p->frag_unfrag_end = dec_off(d, c);
			nh = cur_u8(c);
			cur_skip(c, 1);
			fragw = cur_be16(c);
			p->frag_id = cur_be32(c);
			if (!cur_ok(c))
				return anomaly(d, DA_IPV6_EXTHDR_TRUNCATED);
			p->proto = nh;
			p->frag_next = nh;
			p->frag_hdr_end = dec_off(d, c);
			p->frag_off = fragw & 0xfff8;
			p->frag_more = fragw & 1;
			if (p->frag_off != 0 || p->frag_more) {
				p->is_fragment = 1;
				return 0;
			}
			continue;	/* atomic fragment: just go on */
		default:
			p->proto = nh;
			return dec_l4(d, c) < 0 ? -1 : 0;
		}
		if (n >= IPV6_EXT_MAX)
			return anomaly(d, DA_IPV6_EXTHDR_TOO_MANY);
		/* Segments left: the final destination is elsewhere. */
		if (nh == 43 && cur_peek(c, 3) != 0)
			p->csum_unsure = 1;
		nh_off = dec_off(d, c);
		hlen = cur_peek(c, 1);
		if (!cur_has(c, 2))
			return anomaly(d, DA_IPV6_EXTHDR_TRUNCATED);
		{
			uint8_t cur_nh = nh;

			nh = cur_peek(c, 0);
			cur_skip(c, cur_nh == 51 ? ((size_t)hlen + 2) * 4 :
			    ((size_t)hlen + 1) * 8);
		}
		if (!cur_ok(c))
			return anomaly(d, DA_IPV6_EXTHDR_TRUNCATED);
	}
}

static int
dec_ip(struct dec *d, struct cursor *c)
{
	struct pkt *p = d->p;

	/* An IP layer inside a fragment cannot be reached. */
	if (p->is_fragment)
		return anomaly(d, DA_OUTER_FRAGMENT);
	switch (cur_peek(c, 0) >> 4) {
	case 4:
		return dec_ipv4(d, c);
	case 6:
		return dec_ipv6(d, c);
	}
	if (!cur_has(c, 1))
		return anomaly(d, DA_IPV4_TRUNCATED);
	return anomaly(d, DA_IPV4_BAD_VERSION);
}

/* ---- link layer ---------------------------------------------------------- */

/* A link header of skip bytes ending in an ethertype. */
static int
dec_after(struct dec *d, struct cursor *c, size_t skip,
    enum decode_anomaly truncated)
{
	uint16_t type;

	cur_skip(c, skip);
	type = cur_be16(c);
	if (!cur_ok(c))
		return anomaly(d, truncated);
	return dec_ethertype(d, type, c);
}

static int
dec_link(struct dec *d, int linktype, struct cursor *c)
{
	uint32_t fam;
	uint16_t proto;

	switch (linktype) {
	case LINK_EN10MB:
		return dec_eth(d, c);
	case LINK_NULL:
	case LINK_LOOP:
		if (!cur_has(c, 4))
			return anomaly(d, DA_LINK_TRUNCATED);
		/* DLT_NULL is in the capturing host's byte order; accept both. */
		fam = linktype == LINK_LOOP ? cur_be32(c) : cur_le32(c);
		if (fam > 0xffff)
			fam = __builtin_bswap32(fam);
		switch (fam) {
		case 2:				/* AF_INET */
			return dec_ip(d, c);
		case 10: case 24: case 28: case 30:	/* AF_INET6 variants */
			return dec_ip(d, c);
		}
		return -1;
	case LINK_RAW:
	case LINK_RAW12:
	case LINK_RAW14:
	case LINK_IPV4:
	case LINK_IPV6:
		return dec_ip_guess(d, c);
	case LINK_SLL:
		return dec_after(d, c, 14, DA_LINK_TRUNCATED);
	case LINK_SLL2:
		proto = cur_be16(c);
		cur_skip(c, 18);
		if (!cur_ok(c))
			return anomaly(d, DA_LINK_TRUNCATED);
		return dec_ethertype(d, proto, c);
	case LINK_PPP:
		/* HDLC-like framing (RFC 1662: address 0xff, control 0x03)
		 * or the bare protocol field, which never starts with 0xff
		 * (compressed, it would be 0x00ff: reserved, RFC 1661). */
		if (cur_peek(c, 0) == 0xff) {
			if (!cur_has(c, 2))
				return anomaly(d, DA_PPP_TRUNCATED);
			if (cur_peek(c, 1) == 0x03)
				cur_skip(c, 2);
		}
		return dec_ppp_proto(d, c, DA_PPP_TRUNCATED);
	case LINK_C_HDLC:
		/* Address (0x0f unicast, 0x8f broadcast), control, then an
		 * ethertype. */
		return dec_after(d, c, 2, DA_CHDLC_TRUNCATED);
	case LINK_IEEE802_11:
		return dec_80211(d, c, 0);
	case LINK_RADIOTAP:
		return dec_radiotap(d, c);
	case LINK_PPI:
		return dec_ppi(d, c);
	}
	return anomaly(d, DA_LINK_UNSUPPORTED);
}

static void
pkt_reset(struct pkt *p)
{
	p->family = 0;
	p->proto = 0;
	p->ttl = 0;
	p->tcp_flags = 0;
	p->sport = p->dport = 0;
	p->vlan = 0;
	p->l3_off = p->l3_len = p->l4_off = 0;
	p->pl_off = p->pl_len = 0;
	p->l4_ok = 0;
	p->truncated = 0;
	p->csum_unsure = 0;
	p->is_fragment = 0;
	p->nencap = 0;
}

int
decode_packet(const struct decode_opts *o, struct decode_stats *st,
    struct pkt *p, int linktype, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen, uint64_t ts_us)
{
	struct dec d = { o, st, p, 0 };
	struct cursor c;
	int r;

	pkt_reset(p);
	p->data = data;
	p->caplen = caplen;
	p->wirelen = wirelen < caplen ? caplen : wirelen;
	p->ts_us = ts_us;
	cur_init(&c, data, caplen);
	r = dec_link(&d, linktype, &c);
	/* A tunnel that failed inside still leaves the outer IP flow. */
	return p->family != 0 ? 0 : (r < 0 ? -1 : -1);
}

int
decode_ip_datagram(const struct decode_opts *o, struct decode_stats *st,
    struct pkt *p, const uint8_t *data, uint32_t len)
{
	struct dec d = { o, st, p, p->nencap };
	struct cursor c;

	p->data = data;
	p->caplen = len;
	p->wirelen = len;
	p->is_fragment = 0;
	p->truncated = 0;
	p->family = 0;
	cur_init(&c, data, len);
	dec_ip(&d, &c);
	return p->family != 0 ? 0 : -1;
}
