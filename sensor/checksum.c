/*
 * checksum.c - TCP/UDP checksum verdicts and the admission policy; see
 * checksum.h for the verdicts, the three modes and why.
 */
#include <stddef.h>
#include <string.h>

#include "checksum.h"
#include "cursor.h"

#define CSF_HS_OK	0x01	/* a SYN or SYN-ACK verified */
#define CSF_BAD_SYN	0x02	/* a SYN (no ACK) with a bad checksum taken */
#define CSF_UNRELIABLE	0x04	/* its answer came: the flow is not verified */

#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_RST		0x04
#define TH_ACK		0x10

/*
 * The sum is order independent (RFC 1071 section 2(B)): words are added in
 * the host's byte order, 32 bits at a time into 64, then folded and
 * swapped back to network order once.
 */
static uint16_t
to_net(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint16_t)(v << 8 | v >> 8);
#else
	return v;
#endif
}

uint16_t
csum_fold(const uint8_t *data, size_t len, uint16_t start)
{
	uint64_t sum = to_net(start), s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	uint32_t w[4];
	uint16_t h = 0;
	size_t i;

	/*
	 * 32-bit words into 64-bit sums (no carry is lost below 2^32 words),
	 * sixteen bytes a round in four independent sums: the one's-complement
	 * sum is order-free, and this is the hot loop of checksum validation.
	 */
	for (i = 0; i + 16 <= len; i += 16) {
		memcpy(w, data + i, 16);
		s0 += w[0];
		s1 += w[1];
		s2 += w[2];
		s3 += w[3];
	}
	sum += s0 + s1 + s2 + s3;
	for (; i + 4 <= len; i += 4) {
		memcpy(w, data + i, 4);
		sum += w[0];
	}
	if (len - i >= 2) {
		memcpy(&h, data + i, 2);
		sum += h;
		i += 2;
	}
	if (i < len) {			/* an odd last byte, padded */
		h = 0;
		memcpy(&h, data + i, 1);
		sum += h;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return to_net((uint16_t)sum);
}

/* The pseudo-header's sum (RFC 9293 3.1, RFC 768, RFC 8200 8.1). */
static uint16_t
pseudo_sum(const struct pkt *p, uint32_t l4_len)
{
	uint8_t tail[8];
	uint16_t s;

	s = csum_fold(p->src, p->family == 6 ? 16 : 4, 0);
	s = csum_fold(p->dst, p->family == 6 ? 16 : 4, s);
	/* IPv4: zero, protocol, length (16 bits); IPv6: length (32 bits),
	 * three zeros, next header.  Both sum alike as these 8 bytes. */
	memset(tail, 0, sizeof(tail));
	tail[2] = (uint8_t)(l4_len >> 8);
	tail[3] = (uint8_t)l4_len;
	tail[4] = 0;
	tail[7] = p->proto;
	if (p->family == 6) {
		tail[0] = (uint8_t)(l4_len >> 24);
		tail[1] = (uint8_t)(l4_len >> 16);
	}
	return csum_fold(tail, sizeof(tail), s);
}

enum csum_verdict
csum_verdict(const struct pkt *p)
{
	struct cursor c;
	uint64_t l3_end = (uint64_t)p->l3_off + p->l3_len;
	const uint8_t *l4;
	uint32_t l4_len;
	uint16_t field, ph;
	size_t at;

	if (!p->l4_ok || (p->proto != 6 && p->proto != 17) ||
	    (p->family != 4 && p->family != 6) || p->is_fragment ||
	    p->truncated || p->csum_unsure || l3_end > p->caplen ||
	    p->l4_off < p->l3_off || p->l4_off > l3_end ||
	    (p->proto == 17 && (p->pl_off < p->l4_off ||
	    (uint64_t)p->pl_off + p->pl_len > l3_end)))
		return CSUM_UNCHECKED;
	/* UDP: its own length (the decoder bounded the payload by it). */
	l4_len = p->proto == 17 ? p->pl_off + p->pl_len - p->l4_off :
	    (uint32_t)(l3_end - p->l4_off);
	at = p->proto == 6 ? 16 : 6;
	cur_init(&c, p->data, (size_t)l3_end);
	cur_skip(&c, p->l4_off);
	l4 = cur_take(&c, l4_len);
	if (l4 == NULL || l4_len < at + 2)
		return CSUM_UNCHECKED;
	field = (uint16_t)(l4[at] << 8 | l4[at + 1]);
	if (p->proto == 17 && field == 0)
		/* IPv4: no checksum sent (RFC 768).  IPv6: receivers drop
		 * it (RFC 8200 8.1; RFC 6935 tunnels are outer layers). */
		return p->family == 4 ? CSUM_UNCHECKED : CSUM_BAD;
	ph = pseudo_sum(p, l4_len);
	if (csum_fold(l4, l4_len, ph) == 0xffff)
		return CSUM_OK;
	if (field == ph || field == pseudo_sum(p, 0) ||
	    (p->proto == 6 && field == 0))
		return CSUM_OFFLOAD;
	return CSUM_BAD;
}

static int
drop(const struct pkt *p, struct csum_stats *st)
{
	if (p->proto == 6)
		st->tcp_bad++;
	else
		st->udp_bad++;
	return 0;
}

/*
 * A bad-checksum packet that may belong to a rewritten capture's handshake:
 * a SYN or SYN-ACK without payload, FIN or RST, before any handshake
 * packet of the flow verified.
 */
static int
provisional_handshake(const struct csum_flow *cf, const struct pkt *p)
{
	return p->proto == 6 && (p->tcp_flags & TH_SYN) &&
	    !(p->tcp_flags & (TH_FIN | TH_RST)) && p->pl_len == 0 &&
	    !(cf->flags & CSF_HS_OK);
}

int
csum_admit(enum csum_mode m, struct csum_flow *cf, const struct pkt *p,
    enum csum_verdict v, struct csum_stats *st)
{
	if (m == CSUM_MODE_NO)
		return 1;
	switch (v) {
	case CSUM_UNCHECKED:
		return 1;
	case CSUM_OK:
		if (p->proto == 6 && (p->tcp_flags & TH_SYN))
			cf->flags |= CSF_HS_OK;
		return 1;
	case CSUM_OFFLOAD:
		if (m == CSUM_MODE_YES)
			return drop(p, st);
		st->offload++;
		return 1;
	case CSUM_BAD:
		break;
	}
	if (m == CSUM_MODE_YES)
		return drop(p, st);
	if (cf->flags & CSF_UNRELIABLE)
		return 1;
	if (!provisional_handshake(cf, p))
		return drop(p, st);
	if (!(p->tcp_flags & TH_ACK)) {
		cf->flags |= CSF_BAD_SYN;
		cf->bad_syn_seq = p->tcp_seq;
	} else if ((cf->flags & CSF_BAD_SYN) &&
	    p->tcp_ack == cf->bad_syn_seq + 1) {
		/* The bad SYN was answered: the capture is not the wire. */
		cf->flags |= CSF_UNRELIABLE;
		st->unreliable++;
	}
	return 1;
}
