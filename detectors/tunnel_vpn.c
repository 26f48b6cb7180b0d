/*
 * tunnel_vpn.c - VPN sessions between hosts whose pair is not in
 * tunnel_allowed: tunnel, type vpn, ATT&CK T1133 (External Remote
 * Services) and T1572 (Protocol Tunneling).
 *
 * Site-to-site links and the sanctioned remote-access gateway are listed
 * in tunnel_allowed; any other OpenVPN, WireGuard, IPsec (IKE, NAT-T),
 * PPTP, tinc, Cisco or Fortinet client or consumer VPN session is a
 * way in or out that nobody accounted for.  Protocols come from
 * signatures/vpn_protocols.txt (nDPI's names, checked when it loads) and
 * need nDPI's classification from payload (never its port guess) and
 * payload both ways (L2TP's data is decoded and reported by tunnel_encap;
 * nDPI 4.2 has no name for it).  IPsec ESP and AH (IP protocols 50 and 51) have no
 * payload nDPI reads: a pair with packets both ways is reported (matched
 * by IP protocol).  SoftEther, which nDPI 4.2 does not name, is reported
 * only as a guess: TLS both ways to its default ports 992 and 5555
 * (matched by port, low confidence).
 *
 * One finding per (client, server, protocol) per tunnel_report_interval.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"
#include "detector.h"
#include "flow.h"
#include "sigdb.h"
#include "sigfile.h"
#include "tunnel_util.h"

#define VPN_MAX		64
#define VPN_NAME	13	/* the state stays 16 bytes: names up to 12 */

struct vpn_proto {
	uint16_t	 id;		/* nDPI's */
	char		 name[VPN_NAME];
};

struct vpn_tables {
	struct vpn_proto *p;
	unsigned	 n;
	int		 id_tls;
	const struct det_load_args *la;	/* during load only */
};

struct vpn_flow {
	uint8_t		 pending, done;
	uint8_t		 by;		/* 0 ndpi, 1 ip protocol, 2 port */
	char		 name[VPN_NAME];	/* nDPI's (the table's fit) */
};

static const uint8_t vpn_protos[] = { 50, 51, 0 };
static const char *const by_names[] = { "ndpi", "ip_protocol", "port" };

static void
report(struct detctx *ctx, struct vpn_flow *st)
{
	const struct flow *f = det_flow(ctx);
	struct tunnel_once *o = det_worker_state(ctx);
	struct tunnel_once_key k;
	struct finding fd;

	st->done = 1;
	st->pending = 0;
	if (addrpairs_match(det_sets(ctx)->tunnel_allowed, f->key.family,
	    flow_client_addr(f), flow_server_addr(f)))
		return;
	tunnel_once_key(&k, 1, f->key.family, flow_client_addr(f),
	    flow_server_addr(f), tunnel_once_hash(st->name,
	    strlen(st->name)));
	if (o != NULL && !tunnel_once(ctx, o, &k, "tunnel_vpn_forgotten"))
		return;
	finding_init(&fd, FK_TUNNEL, st->by == 2 ? SEV_LOW : SEV_MEDIUM,
	    st->by == 2 ? 40 : 85);
	finding_mitre(&fd, "T1133");
	finding_mitre(&fd, "T1572");
	finding_str(&fd, "type", "vpn");
	finding_str(&fd, "protocol", st->name);
	finding_str(&fd, "transport", f->key.proto == 6 ? "tcp" :
	    f->key.proto == 17 ? "udp" : f->key.proto == 50 ? "esp" : "ah");
	if (f->key.proto == 6 || f->key.proto == 17)
		finding_int(&fd, "port", flow_server_port(f));
	finding_str(&fd, "matched_by", by_names[st->by]);
	finding_str(&fd, "detected_by", st->by == 0 ? "ndpi" : "engine");
	det_emit(ctx, &fd);
}

static void
pend(struct detctx *ctx, struct vpn_flow *st, const char *name, uint8_t by)
{
	snprintf(st->name, sizeof(st->name), "%s", name);
	st->by = by;
	st->pending = 1;
	if (det_flow(ctx)->session)
		report(ctx, st);
}

static void
vpn_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	const struct vpn_tables *t = det_tables(ctx);
	const struct flow *f = det_flow(ctx);
	struct vpn_flow *st = fs;
	uint16_t port;
	unsigned i;

	if (t == NULL || a->guessed || st->done || st->pending ||
	    f->key.proto == 50 || f->key.proto == 51)
		return;
	for (i = 0; i < t->n; i++)
		if (t->p[i].id == a->app_id || t->p[i].id == a->master_id) {
			pend(ctx, st, t->p[i].name, 0);
			return;
		}
	port = flow_server_port(f);
	if (f->key.proto == 6 && (port == 992 || port == 5555) &&
	    (a->master_id == t->id_tls || a->app_id == t->id_tls))
		pend(ctx, st, "SoftEther", 2);
}

static void
vpn_session(struct detctx *ctx, void *fs)
{
	struct vpn_flow *st = fs;

	if (st->pending && !st->done)
		report(ctx, st);
}

/* ESP and AH: packets both ways make a session nDPI cannot see. */
static void
vpn_packet(struct detctx *ctx, void *fs, const struct pkt *p, int dir)
{
	const struct flow *f = det_flow(ctx);
	struct vpn_flow *st = fs;

	(void)p;
	(void)dir;
	if (st->done || f->pkts[0] == 0 || f->pkts[1] == 0)
		return;
	snprintf(st->name, sizeof(st->name), "%s", f->key.proto == 50 ?
	    "IPsec ESP" : "IPsec AH");
	st->by = 1;
	report(ctx, st);
}

/* "NDPI-NAME" (one protocol a line) */
static int
vpn_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct vpn_tables *t = arg;
	struct vpn_proto *np;
	int id;

	if ((id = t->la->ndpi_id(t->la, r->field[0])) < 0) {
		snprintf(err, errlen, "'%s' is not a protocol nDPI knows",
		    r->field[0]);
		return -1;
	}
	if (t->n >= VPN_MAX || strlen(r->field[0]) >= VPN_NAME) {
		snprintf(err, errlen, "more than %d protocols or a name of "
		    "%d bytes or more", VPN_MAX, VPN_NAME);
		return -1;
	}
	if ((np = realloc(t->p, (t->n + 1) * sizeof(*np))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->p = np;
	t->p[t->n].id = (uint16_t)id;
	snprintf(t->p[t->n].name, VPN_NAME, "%s", r->field[0]);
	t->n++;
	return 0;
}

static void
vpn_unload(void *p)
{
	struct vpn_tables *t = p;

	if (t != NULL)
		free(t->p);
	free(t);
}

static void *
vpn_load(const struct det_load_args *la, char *err, size_t errlen)
{
	static const struct sigfile_spec spec = { 1, 1, 0 };
	struct vpn_tables *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->la = la;
	t->id_tls = la->ndpi_id(la, "TLS");
	if (sigfile_read_in(la->sigdir, "vpn_protocols.txt", &spec, vpn_line,
	    t, err, errlen) < 0) {
		vpn_unload(t);
		return NULL;
	}
	t->la = NULL;
	return t;
}

static void *
vpn_worker_new(const struct config *c)
{
	(void)c;
	return tunnel_once_new();
}

const struct detector tunnel_vpn_detector = {
	.name = "tunnel_vpn",
	.description = "VPN sessions (OpenVPN, WireGuard, IPsec, PPTP, tinc, "
	    "SoftEther ...) between hosts not in tunnel_allowed: tunnel",
	.events = DET_EV_APP | DET_EV_SESSION | DET_EV_PACKET,
	.ip_protos = vpn_protos,
	.flow_state_size = sizeof(struct vpn_flow),
	.load = vpn_load,
	.unload = vpn_unload,
	.worker_new = vpn_worker_new,
	.worker_free = tunnel_once_delete,
	.app = vpn_app,
	.session = vpn_session,
	.packet = vpn_packet,
};
