/*
 * tunnel_misplaced.c - a protocol on a port another protocol owns and that
 * firewalls open for that owner: tunnel, type protocol_mismatch, ATT&CK
 * T1572 and T1571.  SSH or TLS on 53 (DNS) or 123 (NTP) and SSH on 80 or
 * 443 are how a shell or a tunnel leaves a network that allows only
 * resolution, time and the web (sslh, "ssh -p 53").
 *
 * signatures/misplaced_ports.txt lists each protocol (nDPI's name, checked
 * when it loads) with the ports where it does not belong.  A flow is
 * reported when nDPI recognised the protocol from payload (never its port
 * guess), the server port is listed for it, payload went both ways after
 * a handshake, and the pair is not in tunnel_allowed; once per (client,
 * server, port) per tunnel_report_interval.  SSH on such a port is also
 * non_standard_port (detector nonstd_port); this type says more: whose
 * port it took.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"
#include "detector.h"
#include "flow.h"
#include "sigdb.h"
#include "sigfile.h"
#include "tunnel_util.h"

#define MP_PORTS	16
#define MP_ENTRIES	64
#define MP_NAME		14	/* nDPI names listed here are short */

struct mp_entry {
	uint16_t	 proto;		/* nDPI id */
	char		 name[MP_NAME];
	unsigned	 nports;
	uint16_t	 port[MP_PORTS];
};

struct mp_tables {
	struct mp_entry	*e;
	unsigned	 n;
	const struct det_load_args *la;	/* during load only */
};

struct mp_flow {
	char		 name[MP_NAME];	/* nDPI's: SSH, TLS, OpenVPN */
	uint8_t		 pending, done;
};

static const char *
port_owner(uint16_t port)
{
	switch (port) {
	case 53:
		return "DNS";
	case 80:
		return "HTTP";
	case 123:
		return "NTP";
	case 443:
		return "HTTPS";
	default:
		return "other";
	}
}

static const struct mp_entry *
find(const struct mp_tables *t, uint16_t id, uint16_t port)
{
	unsigned i, k;

	for (i = 0; t != NULL && id != 0 && i < t->n; i++) {
		if (t->e[i].proto != id)
			continue;
		for (k = 0; k < t->e[i].nports; k++)
			if (t->e[i].port[k] == port)
				return &t->e[i];
	}
	return NULL;
}

static void
report(struct detctx *ctx, struct mp_flow *st)
{
	const struct flow *f = det_flow(ctx);
	struct tunnel_once *o = det_worker_state(ctx);
	struct tunnel_once_key k;
	struct finding fd;
	uint16_t port = flow_server_port(f);

	st->done = 1;
	st->pending = 0;
	tunnel_once_key(&k, (uint8_t)(port & 0xff), f->key.family,
	    flow_client_addr(f), flow_server_addr(f), port);
	if (o != NULL && !tunnel_once(ctx, o, &k, "tunnel_misplaced_forgotten"))
		return;
	finding_init(&fd, FK_TUNNEL, port == 80 || port == 443 ? SEV_MEDIUM :
	    SEV_HIGH, 85);
	finding_mitre(&fd, "T1572");
	finding_mitre(&fd, "T1571");
	finding_str(&fd, "type", "protocol_mismatch");
	finding_str(&fd, "protocol", st->name);
	finding_int(&fd, "port", port);
	finding_str(&fd, "port_owner", port_owner(port));
	finding_str(&fd, "detected_by", "ndpi");
	det_emit(ctx, &fd);
}

static void
mp_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	const struct mp_tables *t = det_tables(ctx);
	const struct flow *f = det_flow(ctx);
	const struct mp_entry *e;
	struct mp_flow *st = fs;
	uint16_t port = flow_server_port(f);

	if (a->guessed || st->done)
		return;
	if ((e = find(t, a->app_id, port)) == NULL &&
	    (e = find(t, a->master_id, port)) == NULL)
		return;
	if (addrpairs_match(det_sets(ctx)->tunnel_allowed, f->key.family,
	    flow_client_addr(f), flow_server_addr(f)))
		return;
	snprintf(st->name, sizeof(st->name), "%s", e->name);
	st->pending = 1;
	if (f->session)
		report(ctx, st);
}

static void
mp_session(struct detctx *ctx, void *fs)
{
	struct mp_flow *st = fs;

	if (st->pending && !st->done)
		report(ctx, st);
}

/* "PROTOCOL PORTS": ports comma-separated */
static int
mp_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct mp_tables *t = arg;
	struct mp_entry *e, *ne;
	char ports[256], *tok, *save = NULL, *end;
	unsigned long v;
	int id;

	if ((id = t->la->ndpi_id(t->la, r->field[0])) < 0) {
		snprintf(err, errlen, "'%s' is not a protocol nDPI knows",
		    r->field[0]);
		return -1;
	}
	if (t->n >= MP_ENTRIES || strlen(r->field[0]) >= MP_NAME) {
		snprintf(err, errlen, "more than %d entries or a long name",
		    MP_ENTRIES);
		return -1;
	}
	if ((ne = realloc(t->e, (t->n + 1) * sizeof(*ne))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->e = ne;
	e = &t->e[t->n];
	memset(e, 0, sizeof(*e));
	e->proto = (uint16_t)id;
	snprintf(e->name, sizeof(e->name), "%s", r->field[0]);
	snprintf(ports, sizeof(ports), "%s", r->field[1]);
	for (tok = strtok_r(ports, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		errno = 0;
		v = strtoul(tok, &end, 10);
		if (errno != 0 || end == tok || *end != '\0' || v == 0 ||
		    v > 65535 || e->nports >= MP_PORTS) {
			snprintf(err, errlen, "'%s' is not a port 1..65535 (at "
			    "most %d)", tok, MP_PORTS);
			return -1;
		}
		e->port[e->nports++] = (uint16_t)v;
	}
	t->n++;
	return 0;
}

static void
mp_unload(void *p)
{
	struct mp_tables *t = p;

	if (t != NULL)
		free(t->e);
	free(t);
}

static void *
mp_load(const struct det_load_args *la, char *err, size_t errlen)
{
	static const struct sigfile_spec spec = { 2, 2, 0 };
	struct mp_tables *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->la = la;
	if (sigfile_read_in(la->sigdir, "misplaced_ports.txt", &spec, mp_line,
	    t, err, errlen) < 0) {
		mp_unload(t);
		return NULL;
	}
	t->la = NULL;
	return t;
}

static void *
mp_worker_new(const struct config *c)
{
	(void)c;
	return tunnel_once_new();
}

const struct detector tunnel_misplaced_detector = {
	.name = "tunnel_misplaced",
	.description = "SSH or TLS on ports DNS, NTP or the web own "
	    "(53, 123, 80, 443): tunnel",
	.events = DET_EV_APP | DET_EV_SESSION,
	.flow_state_size = sizeof(struct mp_flow),
	.load = mp_load,
	.unload = mp_unload,
	.worker_new = mp_worker_new,
	.worker_free = tunnel_once_delete,
	.app = mp_app,
	.session = mp_session,
};
