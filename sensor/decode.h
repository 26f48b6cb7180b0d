/*
 * decode.h - link layer to transport layer decoding with decapsulation.
 *
 * decode_packet() walks one captured frame from its link-layer header to
 * the innermost transport header.  Link layers: Ethernet, Linux cooked
 * (SLL, SLL2), BSD loopback (NULL, LOOP), raw IP, PPP (with or without the
 * HDLC address and control bytes), Cisco HDLC, and IEEE 802.11 data frames
 * bare, behind radiotap or behind PPI (LLC/SNAP to an ethertype; management,
 * control, null and protected (encrypted) frames are not IP to us, like
 * ARP; a frame radiotap or PPI says failed its FCS is dropped, counted, as
 * its receiver drops it).  Then: VLAN/QinQ, MPLS, PPPoE session, IPv4,
 * IPv6 (bounded extension-header walk), and the tunnels GRE (incl. ERSPAN
 * types I, II and III and transparent Ethernet bridging), VXLAN, GENEVE,
 * TZSP, IP-in-IP, 6in4/4in6, Teredo, AYIYA, L2TPv2.  Every layer crossed on the way in is
 * recorded in pkt->encap[] so later detections know a flow arrived inside
 * a tunnel or a mirror stream.  Depth is bounded by decode_opts.max_depth.
 *
 * Nothing is read past caplen: all reads go through struct cursor.  A
 * malformed or truncated layer increments one named anomaly counter and
 * decoding stops at the last good layer (the packet is still counted and,
 * when an IP layer was reached, still belongs to a flow).
 *
 * Offsets in struct pkt are relative to pkt->data, so a decoded packet can be
 * copied into a ring record and re-based by the consumer.
 */
#ifndef EDGEWARD_DECODE_H
#define EDGEWARD_DECODE_H

#include <stddef.h>
#include <stdint.h>

#define ENCAP_MAX	8

/* Link types we decode (values are DLT_/LINKTYPE_ numbers). */
#define LINK_NULL	0
#define LINK_EN10MB	1
#define LINK_RAW	101
#define LINK_LOOP	108
#define LINK_SLL	113
#define LINK_SLL2	276
#define LINK_IPV4	228
#define LINK_IPV6	229
#define LINK_RAW12	12	/* DLT_RAW on OpenBSD-ish systems */
#define LINK_RAW14	14
#define LINK_PPP	9	/* with or without HDLC address/control */
#define LINK_C_HDLC	104	/* Cisco HDLC */
#define LINK_IEEE802_11	105	/* 802.11 MAC frames */
#define LINK_RADIOTAP	127	/* radiotap header + 802.11 */
#define LINK_PPI	192	/* Per-Packet Information header + a DLT */

enum encap_type {
	ENCAP_VLAN = 1,
	ENCAP_QINQ,
	ENCAP_MPLS,
	ENCAP_PPPOE,
	ENCAP_GRE,
	ENCAP_ERSPAN1,
	ENCAP_ERSPAN2,
	ENCAP_ERSPAN3,
	ENCAP_VXLAN,
	ENCAP_GENEVE,
	ENCAP_TZSP,
	ENCAP_IPIP,	/* IPv4 in IPv4 */
	ENCAP_6IN4,
	ENCAP_4IN6,
	ENCAP_6IN6,
	ENCAP_TEREDO,
	ENCAP_AYIYA,	/* Anything In Anything, UDP 5072 */
	ENCAP_L2TP,	/* L2TPv2 data over UDP 1701 (PPP inside) */
	ENCAP_TYPE_MAX
};

struct encap_layer {
	uint8_t		type;		/* enum encap_type */
	uint8_t		family;		/* outer IP family (0: L2 layer) */
	uint16_t	sport, dport;	/* outer UDP ports for UDP tunnels */
	uint8_t		frames;		/* carries Ethernet frames: GRE
					 * transparent Ethernet bridging */
	uint32_t	id;		/* VLAN id, MPLS label, VNI, GRE key,
					 * ERSPAN session, PPPoE session */
	uint8_t		src[16];	/* outer IP endpoints (tunnels only) */
	uint8_t		dst[16];
};

/* Named decode anomalies ("weirds"); names in decode_anomaly_names[]. */
enum decode_anomaly {
	DA_LINK_TRUNCATED,
	DA_LINK_UNSUPPORTED,
	DA_VLAN_TRUNCATED,
	DA_MPLS_TRUNCATED,
	DA_MPLS_TOO_DEEP,
	DA_PPPOE_TRUNCATED,
	DA_PPPOE_BAD_PROTO,
	DA_ETHERTYPE_UNKNOWN,
	DA_IPV4_TRUNCATED,
	DA_IPV4_BAD_VERSION,
	DA_IPV4_BAD_IHL,
	DA_IPV4_BAD_LENGTH,
	DA_IPV4_CAPLEN_SHORT,
	DA_IPV6_TRUNCATED,
	DA_IPV6_BAD_VERSION,
	DA_IPV6_EXTHDR_TRUNCATED,
	DA_IPV6_EXTHDR_TOO_MANY,
	DA_IPV6_CAPLEN_SHORT,
	DA_TCP_TRUNCATED,
	DA_TCP_BAD_OFFSET,
	DA_UDP_TRUNCATED,
	DA_UDP_BAD_LENGTH,
	DA_ICMP_TRUNCATED,
	DA_GRE_TRUNCATED,
	DA_GRE_BAD_VERSION,
	DA_GRE_UNKNOWN_PROTO,
	DA_ERSPAN_TRUNCATED,
	DA_VXLAN_BAD,
	DA_GENEVE_BAD,
	DA_TZSP_BAD,
	DA_TEREDO_BAD,
	DA_ENCAP_TOO_DEEP,
	DA_OUTER_FRAGMENT,
	DA_PPP_TRUNCATED,
	DA_CHDLC_TRUNCATED,
	DA_RADIOTAP_BAD,	/* truncated or inconsistent radiotap header */
	DA_PPI_BAD,		/* truncated or inconsistent PPI header */
	DA_WLAN_TRUNCATED,	/* 802.11 header or LLC/SNAP cut */
	DA_WLAN_BAD_FCS,	/* radiotap/PPI: the frame failed its FCS */
	DA_WLAN_FRAGMENT,	/* 802.11 fragment: not reassembled */
	DA_WLAN_AMSDU,		/* A-MSDU aggregate: not decoded */
	DA_AYIYA_BAD,
	DA_L2TP_BAD,
	DA_MAX
};

extern const char *const decode_anomaly_names[DA_MAX];

struct decode_stats {
	uint64_t	anomalies[DA_MAX];
};

struct decode_opts {
	unsigned	max_depth;	/* encapsulation layers, default 8 */
	int		tzsp_any_port;	/* probe TZSP on any UDP port */
};

struct pkt {
	const uint8_t	*data;		/* frame (or reassembled datagram) */
	uint32_t	 caplen;	/* bytes at data */
	uint32_t	 wirelen;
	uint64_t	 ts_us;		/* packet time, us since the epoch */
	uint64_t	 seq;		/* reader's packet number, from 1 */

	uint8_t		 family;	/* 4, 6, or 0 when no IP was reached */
	uint8_t		 proto;		/* IP protocol of the innermost layer */
	uint8_t		 ttl;
	uint8_t		 tcp_flags;
	uint8_t		 src[16], dst[16];
	uint16_t	 sport, dport;	/* host order; ICMP: type, code */
	uint16_t	 vlan;		/* innermost VLAN id, 0 if none */
	uint16_t	 tcp_win;
	uint32_t	 tcp_seq, tcp_ack;

	uint32_t	 l3_off, l3_len;	/* innermost IP header + datagram */
	uint32_t	 l4_off;		/* transport header */
	uint32_t	 pl_off, pl_len;	/* transport payload (captured) */
	uint8_t		 l4_ok;		/* transport header fully decoded */
	uint8_t		 truncated;	/* datagram cut by the snap length */
	uint8_t		 csum_unsure;	/* a source route (IPv4 option, IPv6
					 * routing header) makes the transport
					 * pseudo-header's destination unknown */

	/* Set when the innermost IP datagram is a fragment. */
	uint8_t		 is_fragment;
	uint8_t		 frag_more;
	uint16_t	 frag_off;	/* in bytes */
	uint32_t	 frag_id;
	uint32_t	 frag_hdr_end;	/* IPv6: offset past the fragment header */
	uint8_t		 frag_next;	/* IPv6: next header after fragment hdr */
	uint32_t	 frag_unfrag_end; /* IPv6: end of the unfragmentable part */
	uint32_t	 frag_nh_off;	/* IPv6: offset of the next-header byte that
					 * names the fragment header */

	/* Keep these last: the reader copies only nencap of the slots. */
	uint8_t		 nencap;
	struct encap_layer encap[ENCAP_MAX];
};

/*
 * Decodes one frame.  Returns 0 when an IP layer was reached (the packet
 * belongs to a flow), -1 otherwise (non-IP or undecodable; counted).
 * pkt->data/caplen/wirelen/ts_us/seq are set by this call from the args.
 */
int	decode_packet(const struct decode_opts *o, struct decode_stats *st,
	    struct pkt *p, int linktype, const uint8_t *data, uint32_t caplen,
	    uint32_t wirelen, uint64_t ts_us);

/*
 * Decodes an IP datagram that starts at data[0] (a reassembled datagram),
 * keeping encapsulation layers already in p.  Same return as decode_packet.
 */
int	decode_ip_datagram(const struct decode_opts *o, struct decode_stats *st,
	    struct pkt *p, const uint8_t *data, uint32_t len);

/* Name of an encapsulation type ("vxlan", "erspan-ii" ...). */
const char *encap_type_name(unsigned type);

/*
 * Whether a frame that decode_packet() did not take (no IP) is a link-local
 * control frame: Ethernet to an IEEE 802.1D reserved group
 * (01:80:c2:00:00:00-0f: LLDP, STP, LACP ...) or to Cisco's
 * 01:00:0c:cc:cc:cc (CDP, VTP, DTP).  Such frames describe the devices
 * that send them; the capture hands them to the link-layer dissectors
 * (dissector.h, DISSECTOR_L2) without a flow.  The first 6 bytes of a
 * frame are read; nothing else.
 */
int	decode_link_control(int linktype, const uint8_t *data, uint32_t caplen);

/* Whether a link type is one decode_packet() understands. */
int	decode_link_supported(int linktype);

#endif
