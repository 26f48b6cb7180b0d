/*
 * tunnel_encap.c - encapsulation the decoder took apart: tunnel, type
 * encapsulation, ATT&CK T1572 (Protocol Tunneling), with T1599 (Network
 * Boundary Bridging) for the host-made IPv6 transition tunnels.
 *
 * The decoder (sensor/decode.c) records every layer a flow arrived in; the
 * flow keeps the outermost tunnel layer with its endpoints
 * (struct flow_encap).  At a flow's start, when that layer is GRE (and
 * PPTP's enhanced GRE), IP-in-IP, 6in4, 4in6, 6in6, Teredo, VXLAN, GENEVE,
 * AYIYA or L2TP, the outer endpoint pair is reported once per (pair, type)
 * per tunnel_report_interval, unless tunnel_allowed lists the pair (a
 * site-to-site link, the data-centre overlay).  The finding is about the
 * outer endpoints (src_ip, dest_ip: the tunnel's ends; proto: its IP
 * protocol), with the first inner flow's addresses as evidence.
 *
 * Not reported: mirror streams (ERSPAN, TZSP, GRE transparent Ethernet
 * bridging: packet_capture findings
 * belong to another detector; tunnels seen inside a mirror stream are the
 * mirrored network's, and the flow keeps only the mirror's endpoints),
 * link-layer stacking (VLAN, QinQ, MPLS, PPPoE), and the same tunnel for
 * every inner flow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"
#include "decode.h"
#include "detector.h"
#include "flow.h"
#include "sigdb.h"
#include "tunnel_util.h"

/* The encapsulations reported, their outer IP protocol and severity. */
static int
ec_reported(uint8_t type, uint8_t *proto, enum severity *sev)
{
	switch (type) {
	case ENCAP_GRE:
		*proto = 47;
		*sev = SEV_LOW;
		return 1;
	case ENCAP_IPIP:
	case ENCAP_4IN6:
		*proto = 4;
		*sev = SEV_MEDIUM;
		return 1;
	case ENCAP_6IN4:
	case ENCAP_6IN6:
		*proto = 41;
		*sev = SEV_MEDIUM;
		return 1;
	case ENCAP_TEREDO:
	case ENCAP_AYIYA:
		*proto = 17;
		*sev = SEV_MEDIUM;
		return 1;
	case ENCAP_VXLAN:
	case ENCAP_GENEVE:
	case ENCAP_L2TP:
		*proto = 17;
		*sev = SEV_LOW;
		return 1;
	default:
		return 0;
	}
}

/*
 * Plain GRE also carries mirrored copies (a router's remote SPAN without
 * ERSPAN): then both directions of an inner flow travel the same outer
 * direction, exporter to collector.  Such a flow waits for its first
 * packet the other way (det_flow_packets) and is left to packet_capture
 * when that packet came the same way; a real tunnel carries the replies
 * back.  A flow seen one way only is reported at its end.
 */
struct ec_flow {
	uint8_t		wait;		/* plain GRE: direction undecided */
	uint8_t		outer_src[16];	/* outer source of the first packet */
};

static void	ec_report(struct detctx *ctx);

static void
ec_flow_start(struct detctx *ctx, void *fs)
{
	const struct flow *f = det_flow(ctx);
	struct ec_flow *st = fs;
	const struct encap_layer *o;

	if (f->encap == NULL || !f->encap->has_outer)
		return;
	o = &f->encap->outer;
	if (o->type == ENCAP_GRE && !o->frames && f->encap->n == 1) {
		st->wait = 1;
		memcpy(st->outer_src, o->src, sizeof(st->outer_src));
		det_flow_packets(ctx, 1);
		return;
	}
	ec_report(ctx);
}

static void
ec_packet(struct detctx *ctx, void *fs, const struct pkt *p, int dir)
{
	struct ec_flow *st = fs;
	unsigned i;

	if (!st->wait || dir != DIR_TO_CLIENT)
		return;
	st->wait = 0;
	det_flow_packets(ctx, 0);
	for (i = 0; i < p->nencap; i++)
		if (p->encap[i].family != 0)
			break;
	if (i < p->nencap &&
	    memcmp(p->encap[i].src, st->outer_src, sizeof(st->outer_src)) == 0) {
		det_count(ctx, "tunnel_encap_mirror");
		return;		/* both ways from one end: a mirror */
	}
	ec_report(ctx);
}

static void
ec_flow_end(struct detctx *ctx, void *fs)
{
	struct ec_flow *st = fs;

	if (st->wait) {
		st->wait = 0;
		ec_report(ctx);
	}
}

static void
ec_report(struct detctx *ctx)
{
	const struct flow *f = det_flow(ctx);
	struct tunnel_once *w = det_worker_state(ctx);
	const struct encap_layer *o;
	struct finding_endpoints ep;
	struct tunnel_once_key k;
	struct finding fd;
	enum severity sev;
	char inner_c[48], inner_s[48];
	uint8_t proto;
	unsigned i;

	if (f->encap == NULL || !f->encap->has_outer || w == NULL)
		return;
	o = &f->encap->outer;
	if (o->type == ENCAP_GRE && o->frames)
		return;		/* GRE carrying Ethernet frames: a mirror */
	for (i = 0; i < f->encap->n; i++)
		if (f->encap->types[i] == ENCAP_ERSPAN1 ||
		    f->encap->types[i] == ENCAP_ERSPAN2 ||
		    f->encap->types[i] == ENCAP_ERSPAN3 ||
		    f->encap->types[i] == ENCAP_TZSP)
			return;
	if (!ec_reported(o->type, &proto, &sev) ||
	    (o->family != 4 && o->family != 6))
		return;
	/* The inner packet was not reached (cut short): the flow is the
	 * outer datagram itself, no tunnel was seen working. */
	if (f->key.proto == proto && f->key.family == o->family &&
	    (memcmp(flow_client_addr(f), o->src, f->key.family == 6 ? 16 :
	    4) == 0 || memcmp(flow_server_addr(f), o->src, f->key.family == 6 ?
	    16 : 4) == 0))
		return;
	if (addrpairs_match(det_sets(ctx)->tunnel_allowed, o->family, o->src,
	    o->dst))
		return;
	/* One tunnel whichever end spoke first. */
	if (memcmp(o->src, o->dst, sizeof(o->src)) <= 0)
		tunnel_once_key(&k, o->type, o->family, o->src, o->dst, 0);
	else
		tunnel_once_key(&k, o->type, o->family, o->dst, o->src, 0);
	if (!tunnel_once(ctx, w, &k, "tunnel_encap_forgotten"))
		return;
	memset(&ep, 0, sizeof(ep));
	ep.family = o->family;
	ep.proto = proto;
	memcpy(ep.client, o->src, sizeof(ep.client));
	memcpy(ep.server, o->dst, sizeof(ep.server));
	if (proto == 17) {
		ep.sport = o->sport;
		ep.dport = o->dport;
	}
	format_addr(f->key.family, flow_client_addr(f), inner_c);
	format_addr(f->key.family, flow_server_addr(f), inner_s);
	finding_init(&fd, FK_TUNNEL, sev, 90);
	finding_mitre(&fd, "T1572");
	if (o->type == ENCAP_TEREDO || o->type == ENCAP_AYIYA ||
	    o->type == ENCAP_6IN4)
		finding_mitre(&fd, "T1599");
	finding_str(&fd, "type", "encapsulation");
	finding_str(&fd, "encap", encap_type_name(o->type));
	if (o->type == ENCAP_GRE || o->type == ENCAP_VXLAN ||
	    o->type == ENCAP_GENEVE || o->type == ENCAP_L2TP)
		finding_int(&fd, "encap_id", o->id);
	finding_int(&fd, "layers", f->encap->n);
	finding_str(&fd, "inner_src_ip", inner_c);
	finding_str(&fd, "inner_dest_ip", inner_s);
	finding_int(&fd, "inner_proto", f->key.proto);
	finding_str(&fd, "detected_by", "decoder");
	det_emit_endpoints(ctx, &fd, &ep, f->first_seq);
}

static void *
ec_worker_new(const struct config *c)
{
	(void)c;
	return tunnel_once_new();
}

const struct detector tunnel_encap_detector = {
	.name = "tunnel_encap",
	.description = "GRE, IP-in-IP, 6in4/4in6, Teredo, VXLAN, GENEVE, "
	    "AYIYA and L2TP tunnels by outer endpoint pair, unless in "
	    "tunnel_allowed: tunnel",
	.events = DET_EV_FLOW_START | DET_EV_PACKET | DET_EV_FLOW_END,
	.flow_state_size = sizeof(struct ec_flow),
	.worker_new = ec_worker_new,
	.worker_free = tunnel_once_delete,
	.flow_start = ec_flow_start,
	.packet = ec_packet,
	.flow_end = ec_flow_end,
};
