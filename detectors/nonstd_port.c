/*
 * nonstd_port.c - a known protocol on a port that is not its own, for the
 * protocols whose relocation is a tunnelling or evasion sign (SSH on 443,
 * DNS on 8053, SOCKS, RDP, VNC, SMB ...): tunnel, type non_standard_port,
 * ATT&CK T1571 Non-Standard Port.
 *
 * nDPI raises its "known protocol on non-standard port" risk from its own
 * notion of default ports, which is not always the protocol's (nDPI 4.2
 * names SMB on 445 NetBIOS.SMBv1 and flags it).  So the risk only starts
 * the check: the protocol must be listed in signatures/standard_ports.txt,
 * the server port must be outside the ports listed for it, and nDPI must
 * have recognised it from payload, not guessed it.  Unlisted protocols
 * (HTTP on 8080, TLS on 8443) are never reported.  A protocol on a port
 * signatures/misplaced_ports.txt lists for it (SSH on 80, TLS on 123) is
 * left to tunnel_misplaced's protocol_mismatch, which says more: one
 * finding, not two.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi_api.h>

#include "detector.h"
#include "flow.h"
#include "sigfile.h"

#define NSP_MAX_RANGES	16

struct nsp_entry {
	uint16_t	 proto;			/* nDPI id */
	unsigned	 nranges;
	uint16_t	 lo[NSP_MAX_RANGES], hi[NSP_MAX_RANGES];
};

struct nsp_tables {
	struct nsp_entry	*e;
	unsigned		 n;
	struct nsp_entry	*mis;		/* misplaced_ports.txt */
	unsigned		 nmis;
	const struct det_load_args *la;	/* during load only */
};

static const struct nsp_entry *
find_in(const struct nsp_entry *e, unsigned n, uint16_t id)
{
	unsigned i;

	for (i = 0; id != 0 && i < n; i++)
		if (e[i].proto == id)
			return &e[i];
	return NULL;
}

static const struct nsp_entry *
find(const struct nsp_tables *t, uint16_t id)
{
	return t != NULL ? find_in(t->e, t->n, id) : NULL;
}

static int
standard_port(const struct nsp_entry *e, uint16_t port)
{
	unsigned i;

	for (i = 0; i < e->nranges; i++)
		if (port >= e->lo[i] && port <= e->hi[i])
			return 1;
	return 0;
}

static void
nsp_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	const struct nsp_tables *t = det_tables(ctx);
	const struct nsp_entry *e;
	struct finding fd;
	uint16_t port = flow_server_port(det_flow(ctx));

	(void)fs;
	if (a->guessed ||
	    !(a->risks & (1ULL << NDPI_KNOWN_PROTOCOL_ON_NON_STANDARD_PORT)))
		return;
	if ((e = find(t, a->app_id)) == NULL && (e = find(t, a->master_id)) ==
	    NULL)
		return;
	if (standard_port(e, port))
		return;
	if (((e = find_in(t->mis, t->nmis, a->app_id)) != NULL ||
	    (e = find_in(t->mis, t->nmis, a->master_id)) != NULL) &&
	    standard_port(e, port))
		return;		/* protocol_mismatch's (tunnel_misplaced) */
	finding_init(&fd, FK_TUNNEL, SEV_LOW, 60);
	finding_mitre(&fd, "T1571");
	finding_str(&fd, "type", "non_standard_port");
	finding_str(&fd, "protocol", a->name);
	finding_int(&fd, "port", port);
	finding_str(&fd, "detected_by", "ndpi");
	det_emit(ctx, &fd);
}

/* "22" or "5900-5910" */
static int
parse_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	unsigned long a, b;
	char *end;

	errno = 0;
	a = strtoul(s, &end, 10);
	b = a;
	if (end != s && *end == '-')
		b = strtoul(end + 1, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || a == 0 || a > 65535 ||
	    b < a || b > 65535)
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* Where a file's lines go: the standard or the misplaced ports. */
struct nsp_list {
	struct nsp_tables	 *t;
	struct nsp_entry	**e;
	unsigned		 *n;
};

static int
nsp_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct nsp_list *l = arg;
	struct nsp_tables *t = l->t;
	struct nsp_entry *e, *ne;
	char ports[256], *tok, *save = NULL;
	int id;

	if ((id = t->la->ndpi_id(t->la, r->field[0])) < 0) {
		snprintf(err, errlen, "'%s' is not a protocol nDPI knows",
		    r->field[0]);
		return -1;
	}
	if ((e = (struct nsp_entry *)find_in(*l->e, *l->n, (uint16_t)id)) !=
	    NULL && l->e == &t->e) {
		snprintf(err, errlen, "'%s' is listed twice", r->field[0]);
		return -1;
	}
	/* misplaced_ports.txt may give a protocol several lines. */
	if (e == NULL) {
		if ((ne = realloc(*l->e, (*l->n + 1) * sizeof(*ne))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		*l->e = ne;
		e = &ne[*l->n];
		memset(e, 0, sizeof(*e));
		e->proto = (uint16_t)id;
		(*l->n)++;
	}
	snprintf(ports, sizeof(ports), "%s", r->field[1]);
	for (tok = strtok_r(ports, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (e->nranges == NSP_MAX_RANGES) {
			snprintf(err, errlen, "more than %d port ranges",
			    NSP_MAX_RANGES);
			return -1;
		}
		if (parse_range(tok, &e->lo[e->nranges], &e->hi[e->nranges]) <
		    0) {
			snprintf(err, errlen, "'%s' is not a port or a range "
			    "LOW-HIGH of ports 1..65535", tok);
			return -1;
		}
		e->nranges++;
	}
	return 0;
}

static void
nsp_unload(void *p)
{
	struct nsp_tables *t = p;

	if (t != NULL) {
		free(t->e);
		free(t->mis);
	}
	free(t);
}

static void *
nsp_load(const struct det_load_args *la, char *err, size_t errlen)
{
	static const struct sigfile_spec spec = { 2, 2, 0 };
	struct nsp_tables *t;
	struct nsp_list std, mis;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	std.t = mis.t = t;
	std.e = &t->e;
	std.n = &t->n;
	mis.e = &t->mis;
	mis.n = &t->nmis;
	t->la = la;
	if (sigfile_read_in(la->sigdir, "standard_ports.txt", &spec, nsp_line,
	    &std, err, errlen) < 0 ||
	    sigfile_read_in(la->sigdir, "misplaced_ports.txt", &spec, nsp_line,
	    &mis, err, errlen) < 0) {
		nsp_unload(t);
		return NULL;
	}
	t->la = NULL;
	return t;
}

const struct detector nonstd_port_detector = {
	.name = "nonstd_port",
	.description = "protocols that tunnels and evasion move off their "
	    "standard ports (SSH, DNS, RDP, SMB ...): tunnel",
	.events = DET_EV_APP,
	.load = nsp_load,
	.unload = nsp_unload,
	.app = nsp_app,
};
