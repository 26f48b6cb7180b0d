/*
 * edge_device.c - edge devices: discovery (edge_device) and management
 * sessions into and out of them (edge_mgmt_session).
 *
 * Discovery.  Appliances name themselves: an SSH server banner, an SNMP
 * agent's sysDescr and sysObjectID, LLDP and CDP frames (device facts from
 * the dissectors ssh_banner, snmp, lldp, cdp), the certificate subject of
 * an admin UI (nDPI's app fact), a session answered on a port only
 * appliances listen on (Winbox 8291, IPMI 623, VMware authd 902).  Each
 * observation is matched against signatures/edge_fingerprints.txt, whose
 * first matching line names vendor, product, role and a version capture.
 * A device not in edge_devices is reported once: per worker through a
 * bounded table (edge_max_devices, least recently seen evicted, counted),
 * and across workers by the edge_correlate correlator (fold key: the
 * address).  With edge_learn on (the default) the table also makes the
 * device count as inventoried below for the host it showed itself to
 * (learned pairs: see device_role()).  Informational (severity info).
 *
 * Management sessions.  A session (DET_EV_SESSION: a completed handshake,
 * a UDP request answered; never a scan) whose server is an inventoried or
 * learned device, whose client is not in admin_hosts, and whose server
 * port is a management service of signatures/edge_mgmt_services.txt is an
 * edge_mgmt_session, direction to_device (medium).  A session a device
 * starts is one of direction from_device (high), unless its service is in
 * signatures/edge_egress.txt's allow-list (DNS, NTP, syslog, traps,
 * RADIUS, TACACS+, vendor update checks by TLS server name) or
 * edge_egress_allowed allows the pair.  An SNMP SetRequest is always one
 * (high), whatever the target and whether an inventory exists.
 * For cleartext services the finding waits for the flow's end to carry the
 * user and the first commands typed (command facts, secrets redacted by
 * signatures/edge_redact.txt).  Repeats of one (client, device, service)
 * within edge_mgmt_window are counted, and the count is reported when the
 * window closes: a client and a device always meet on the same worker, so
 * the per-worker table sees them all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"
#include "config.h"
#include "crypto.h"
#include "detector.h"
#include "flow.h"
#include "glob.h"
#include "json.h"
#include "output.h"
#include "sigdb.h"
#include "sigfile.h"

#define US_PER_S	1000000ULL

static const char *const outcome_names[] = { "unknown", "success", "failure" };

#define TEXT_MAX	128	/* vendor, product, values kept */
#define SVC_NAME	24
#define VERSION_MAX	48

/* ---- signature tables ---------------------------------------------------- */

/* Device attributes the fingerprints may name (dissectors' and ours). */
static const char *const evidence_names[] = {
	"ssh_banner", "snmp_sysdescr", "snmp_sysobjectid", "snmp_sysname",
	"lldp_sysname", "lldp_sysdescr", "lldp_portdescr", "lldp_caps",
	"cdp_device_id", "cdp_platform", "cdp_software", "cdp_caps",
	"cdp_port", "tls_subject", "tls_issuer", "http_server", "http_realm",
	"http_path", "http_title", "session", NULL
};

#define EVIDENCE_MAX	24	/* entries of evidence_names */

struct fingerprint {
	const char	*evidence;	/* from evidence_names */
	uint8_t		 ev;		/* its index there */
	uint8_t		 role;		/* enum config_role */
	uint8_t		 confidence;
	uint8_t		 proto;		/* session: 6 or 17 */
	uint16_t	 port;		/* session: the port */
	char		 vendor[32], product[48];
	struct glob	 pat;
};

/* A management service (edge_mgmt_services.txt) or egress rule. */
struct service {
	uint8_t		 proto;		/* 6 or 17 */
	uint16_t	 port;
	uint8_t		 cleartext;	/* commands can be read */
	uint8_t		 allow;		/* egress: allowed from a device */
	uint8_t		 severity;	/* enum severity; 0: by direction */
	char		 name[SVC_NAME];
	char		 mitre[16];
};

struct redact {
	struct glob	 pat;		/* the start of a command line */
};

struct edge_tables {
	struct fingerprint	*fp;
	unsigned		 nfp;
	/* Fingerprint indices by evidence, in file order (built at load). */
	uint16_t		*by_ev[EVIDENCE_MAX];
	unsigned		 nby_ev[EVIDENCE_MAX];
	int			 session_ev;	/* evidence index of "session" */
	struct service		*svc;		/* management services */
	unsigned		 nsvc;
	struct service		*egress;	/* egress allow/deny */
	unsigned		 negress;
	struct glob		*update;	/* vendor update server names */
	unsigned		 nupdate;
	struct redact		*redact;
	unsigned		 nredact;
	struct glob		*config;	/* configuration file names */
	unsigned		 nconfig;
	struct addrpairs	*egress_allowed;	/* edge_egress_allowed */
};

static const struct service *
service_find(const struct service *s, unsigned n, uint8_t proto,
    uint16_t port)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (s[i].proto == proto && s[i].port == port)
			return &s[i];
	return NULL;
}

static void
copy(char *dst, size_t cap, const char *src)
{
	size_t n = src != NULL ? strnlen(src, cap - 1) : 0;

	memcpy(dst, src != NULL ? src : "", n);
	dst[n] = '\0';
}

static int
role_of(const char *s)
{
	unsigned i;

	for (i = 0; config_role_names[i] != NULL; i++)
		if (strcasecmp(config_role_names[i], s) == 0)
			return (int)i;
	return -1;
}

/* "tcp/22" */
static int
parse_port(const char *s, uint8_t *proto, uint16_t *port)
{
	unsigned long v;
	char *end;

	if (strncmp(s, "tcp/", 4) == 0)
		*proto = 6;
	else if (strncmp(s, "udp/", 4) == 0)
		*proto = 17;
	else
		return -1;
	errno = 0;
	v = strtoul(s + 4, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static void *
grow(void *p, unsigned n, size_t size)
{
	return realloc(p, (n + 1) * size);
}

/* "EVIDENCE ROLE VENDOR PRODUCT CONFIDENCE PATTERN..." */
static int
fp_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct edge_tables *t = arg;
	struct fingerprint *nf, *f;
	unsigned i;
	unsigned long conf;
	char *end;
	int role;

	for (i = 0; evidence_names[i] != NULL; i++)
		if (strcmp(evidence_names[i], r->field[0]) == 0)
			break;
	if (evidence_names[i] == NULL) {
		snprintf(err, errlen, "'%s' is not an evidence name "
		    "(ssh_banner, snmp_sysdescr, lldp_sysdescr, cdp_platform, "
		    "tls_subject, session ...)", r->field[0]);
		return -1;
	}
	if ((role = role_of(r->field[1])) < 0) {
		snprintf(err, errlen, "'%s' is not a role (firewall, vpn, "
		    "router, switch, hypervisor, bmc, other)", r->field[1]);
		return -1;
	}
	conf = strtoul(r->field[4], &end, 10);
	if (*end != '\0' || conf == 0 || conf > 100) {
		snprintf(err, errlen, "'%s' is not a confidence 1-100",
		    r->field[4]);
		return -1;
	}
	if ((nf = grow(t->fp, t->nfp, sizeof(*nf))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->fp = nf;
	f = &t->fp[t->nfp];
	memset(f, 0, sizeof(*f));
	if (glob_compile(r->field[5], &f->pat, err, errlen) < 0)
		return -1;
	f->evidence = evidence_names[i];
	f->ev = (uint8_t)i;
	/* A session line names one port: compared as numbers, not text. */
	if (strcmp(f->evidence, "session") == 0 &&
	    parse_port(r->field[5], &f->proto, &f->port) < 0) {
		snprintf(err, errlen, "'%s': a session pattern is tcp/PORT or "
		    "udp/PORT", r->field[5]);
		return -1;
	}
	f->role = (uint8_t)role;
	f->confidence = (uint8_t)conf;
	copy(f->vendor, sizeof(f->vendor), strcmp(r->field[2], "-") ?
	    r->field[2] : "");
	copy(f->product, sizeof(f->product), strcmp(r->field[3], "-") ?
	    r->field[3] : "");
	for (i = 0; f->vendor[i] != '\0'; i++)
		if (f->vendor[i] == '_')
			f->vendor[i] = ' ';
	for (i = 0; f->product[i] != '\0'; i++)
		if (f->product[i] == '_')
			f->product[i] = ' ';
	t->nfp++;
	return 0;
}

static int
svc_add(struct service **tab, unsigned *n, const char *port, const char *name,
    const char *mitre, char *err, size_t errlen)
{
	struct service *ns, *s;
	uint8_t proto;
	uint16_t p;

	if (parse_port(port, &proto, &p) < 0) {
		snprintf(err, errlen, "'%s' is not tcp/PORT or udp/PORT", port);
		return -1;
	}
	if (strlen(name) >= SVC_NAME) {
		snprintf(err, errlen, "service name longer than %d",
		    SVC_NAME - 1);
		return -1;
	}
	if (mitre != NULL && (mitre[0] != 'T' || strlen(mitre) >= 16 ||
	    strspn(mitre + 1, "0123456789.") != strlen(mitre) - 1)) {
		snprintf(err, errlen, "'%s' is not an ATT&CK technique id",
		    mitre);
		return -1;
	}
	if (service_find(*tab, *n, proto, p) != NULL) {
		snprintf(err, errlen, "'%s' listed twice", port);
		return -1;
	}
	if ((ns = grow(*tab, *n, sizeof(*ns))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*tab = ns;
	s = &ns[(*n)++];
	memset(s, 0, sizeof(*s));
	s->proto = proto;
	s->port = p;
	copy(s->name, sizeof(s->name), name);
	copy(s->mitre, sizeof(s->mitre), mitre);
	return 0;
}

/* "tcp/23 telnet T1021 [cleartext]" */
static int
svc_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct edge_tables *t = arg;

	if (r->nfields == 4 && strcmp(r->field[3], "cleartext") != 0) {
		snprintf(err, errlen, "'%s': the fourth field is 'cleartext' "
		    "or nothing", r->field[3]);
		return -1;
	}
	if (svc_add(&t->svc, &t->nsvc, r->field[0], r->field[1], r->field[2],
	    err, errlen) < 0)
		return -1;
	t->svc[t->nsvc - 1].cleartext = r->nfields == 4;
	return 0;
}

/* "allow tcp/53 dns" | "deny tcp/22 ssh" | "update NAME-GLOB" */
static int
egress_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct edge_tables *t = arg;
	struct glob *np;
	int allow = strcmp(r->field[0], "allow") == 0;

	if (strcmp(r->field[0], "update") == 0) {
		if (r->nfields != 2) {
			snprintf(err, errlen, "update takes one server name "
			    "pattern");
			return -1;
		}
		if ((np = grow(t->update, t->nupdate, sizeof(*np))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		t->update = np;
		return glob_compile(r->field[1], &t->update[t->nupdate++],
		    err, errlen);
	}
	if ((!allow && strcmp(r->field[0], "deny") != 0) || r->nfields != 3) {
		snprintf(err, errlen, "lines are 'allow PROTO/PORT NAME', "
		    "'deny PROTO/PORT NAME' or 'update NAME-PATTERN'");
		return -1;
	}
	if (svc_add(&t->egress, &t->negress, r->field[1], r->field[2], NULL,
	    err, errlen) < 0)
		return -1;
	t->egress[t->negress - 1].allow = (uint8_t)allow;
	return 0;
}

/* "PATTERN": a configuration file's name. */
static int
config_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct edge_tables *t = arg;
	struct glob *ng;

	if ((ng = grow(t->config, t->nconfig, sizeof(*ng))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->config = ng;
	return glob_compile(r->field[0], &t->config[t->nconfig++], err,
	    errlen);
}

/* "PATTERN": a command line starting so has its arguments redacted. */
static int
redact_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct edge_tables *t = arg;
	struct redact *nr;

	if ((nr = grow(t->redact, t->nredact, sizeof(*nr))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->redact = nr;
	return glob_compile(r->field[0], &t->redact[t->nredact++].pat, err,
	    errlen);
}

static void
edge_unload(void *p)
{
	struct edge_tables *t = p;
	unsigned i;

	if (t == NULL)
		return;
	for (i = 0; i < EVIDENCE_MAX; i++)
		free(t->by_ev[i]);
	free(t->fp);
	free(t->svc);
	free(t->egress);
	free(t->update);
	free(t->redact);
	free(t->config);
	addrpairs_free(t->egress_allowed);
	free(t);
}

static int evidence_index(const char *name);

/* by_ev[]: each evidence's fingerprints, in file order. */
static int
index_fingerprints(struct edge_tables *t, char *err, size_t errlen)
{
	unsigned i, e;

	t->session_ev = evidence_index("session");
	for (i = 0; i < t->nfp; i++) {
		e = t->fp[i].ev;
		if (t->by_ev[e] == NULL && (t->by_ev[e] = calloc(t->nfp,
		    sizeof(*t->by_ev[e]))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		t->by_ev[e][t->nby_ev[e]++] = (uint16_t)i;
	}
	return 0;
}

static int
evidence_index(const char *name)
{
	unsigned i;

	for (i = 0; evidence_names[i] != NULL; i++)
		if (strcmp(evidence_names[i], name) == 0)
			return (int)i;
	return -1;
}

static void *
edge_load(const struct det_load_args *la, char *err, size_t errlen)
{
	static const struct sigfile_spec fp_spec = { 6, 6, SIGFILE_REST };
	static const struct sigfile_spec svc_spec = { 3, 4, 0 };
	static const struct sigfile_spec egress_spec = { 2, 3, 0 };
	static const struct sigfile_spec redact_spec = { 1, 1, SIGFILE_REST };
	struct edge_tables *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sigfile_read_in(la->sigdir, "edge_fingerprints.txt", &fp_spec,
	    fp_line, t, err, errlen) < 0 ||
	    sigfile_read_in(la->sigdir, "edge_mgmt_services.txt", &svc_spec,
	    svc_line, t, err, errlen) < 0 ||
	    sigfile_read_in(la->sigdir, "edge_egress.txt", &egress_spec,
	    egress_line, t, err, errlen) < 0 ||
	    sigfile_read_in(la->sigdir, "edge_redact.txt", &redact_spec,
	    redact_line, t, err, errlen) < 0 ||
	    sigfile_read_in(la->sigdir, "edge_config_files.txt", &redact_spec,
	    config_line, t, err, errlen) < 0) {
		edge_unload(t);
		return NULL;
	}
	if (index_fingerprints(t, err, errlen) < 0) {
		edge_unload(t);
		return NULL;
	}
	if (la->cfg->edge_egress_allowed[0] != '\0' &&
	    (t->egress_allowed = addrpairs_build(la->cfg->edge_egress_allowed,
	    err, errlen)) == NULL) {
		edge_unload(t);
		return NULL;
	}
	return t;
}

/* ---- per-worker state: devices seen, sessions reported -------------------- */

/*
 * A device: by address, or (a frame without one) by MAC in addr[0..5];
 * peer zero.  A learned pair: the device and the host it showed itself
 * to (peer), so that learning never depends on which worker saw what.
 */
struct dev_key {
	uint8_t		family;		/* 4, 6, or 0: MAC */
	uint8_t		addr[16];
	uint8_t		peer[16];
};

struct device {
	struct device	*hnext, *prev, *next;	/* hash chain, LRU list */
	struct dev_key	 k;
	uint8_t		 role;
	uint8_t		 reported;
};

/* One (client, device, service, direction) within edge_mgmt_window. */
struct mgmt_entry {
	struct mgmt_entry *hnext, *prev, *next;	/* hash chain, FIFO */
	uint64_t	 key;
	uint64_t	 first_us, last_us, order;
	uint64_t	 count;
	struct finding_endpoints ep;
	uint8_t		 role, from_device, client_is_admin, severity;
	char		 service[SVC_NAME];
	char		 mitre[16];
};

#define DEV_BUCKETS	4096
#define MGMT_BUCKETS	1024
#define MGMT_MAX	4096

/* A TFTP request for a configuration file, until its data flow shows. */
#define CFG_REQS	32
#define CFG_NAME	96
#define CFG_MAX_AGE_US	(60 * US_PER_S)

struct cfg_req {
	uint8_t		 family, upload, name_len;
	uint8_t		 requester[16], server[16];
	uint8_t		 name[CFG_NAME];
	uint64_t	 ts_us;
};

/* Attribute names (string literals of the dissectors) already looked up. */
#define EV_CACHE	16

struct edge_worker {
	const char		*ev_name[EV_CACHE];
	int8_t			 ev_idx[EV_CACHE];
	struct cfg_req		 cfg[CFG_REQS];
	unsigned		 cfg_next;
	struct device		*dev_hash[DEV_BUCKETS];
	struct device		*lru_head, *lru_tail;	/* head: most recent */
	unsigned		 ndev, max_dev;
	struct mgmt_entry	*mgmt_hash[MGMT_BUCKETS];
	struct mgmt_entry	*fifo_head, *fifo_tail;	/* oldest first */
	unsigned		 nmgmt;
	uint64_t		 discovered, evicted, mgmt_folded;
};

static uint32_t
dev_hash(const struct dev_key *k)
{
	uint32_t h = 2166136261u;
	unsigned i;

	h = (h ^ k->family) * 16777619u;
	for (i = 0; i < 16; i++)
		h = (h ^ k->addr[i]) * 16777619u;
	return h % DEV_BUCKETS;
}

static struct device *
dev_find(struct edge_worker *w, const struct dev_key *k)
{
	struct device *d;

	for (d = w->dev_hash[dev_hash(k)]; d != NULL; d = d->hnext)
		if (memcmp(&d->k, k, sizeof(*k)) == 0)
			return d;
	return NULL;
}

static void
lru_unlink(struct edge_worker *w, struct device *d)
{
	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		w->lru_head = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
	else
		w->lru_tail = d->prev;
	d->prev = d->next = NULL;
}

static void
lru_front(struct edge_worker *w, struct device *d)
{
	d->next = w->lru_head;
	d->prev = NULL;
	if (w->lru_head != NULL)
		w->lru_head->prev = d;
	w->lru_head = d;
	if (w->lru_tail == NULL)
		w->lru_tail = d;
}

static void
dev_drop(struct detctx *ctx, struct edge_worker *w, struct device *d)
{
	struct device **pp = &w->dev_hash[dev_hash(&d->k)];

	while (*pp != d)
		pp = &(*pp)->hnext;
	*pp = d->hnext;
	lru_unlink(w, d);
	free(d);
	w->ndev--;
	if (ctx != NULL)
		det_mem_release(ctx, sizeof(*d));
}

/* The device, created (evicting the least recently seen) if need be. */
static struct device *
dev_get(struct detctx *ctx, struct edge_worker *w, const struct dev_key *k)
{
	struct device *d;
	uint32_t h;

	if ((d = dev_find(w, k)) != NULL) {
		lru_unlink(w, d);
		lru_front(w, d);
		return d;
	}
	while (w->ndev > 0 && (w->ndev >= w->max_dev ||
	    det_mem_charge(ctx, sizeof(*d)) < 0)) {
		dev_drop(ctx, w, w->lru_tail);
		w->evicted++;
		det_count(ctx, "edge_device_evicted");
		if (w->ndev < w->max_dev && det_mem_charge(ctx, sizeof(*d)) == 0)
			goto charged;
	}
	if (w->ndev == 0 && det_mem_charge(ctx, sizeof(*d)) < 0)
		return NULL;
charged:
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		det_mem_release(ctx, sizeof(*d));
		return NULL;
	}
	d->k = *k;
	h = dev_hash(k);
	d->hnext = w->dev_hash[h];
	w->dev_hash[h] = d;
	lru_front(w, d);
	w->ndev++;
	return d;
}

static void *
edge_worker_new(const struct config *cfg)
{
	struct edge_worker *w = calloc(1, sizeof(*w));

	if (w != NULL)
		w->max_dev = cfg->edge_max_devices ? cfg->edge_max_devices :
		    4096;
	return w;
}

static void
edge_worker_free(void *p)
{
	struct edge_worker *w = p;
	struct mgmt_entry *m, *n;

	if (w == NULL)
		return;
	while (w->lru_head != NULL)
		dev_drop(NULL, w, w->lru_head);
	for (m = w->fifo_head; m != NULL; m = n) {
		n = m->next;
		free(m);
	}
	free(w);
}

static void
edge_counters(const void *p, counter_fn put, void *arg)
{
	const struct edge_worker *w = p;

	put(arg, "edge_devices_discovered", w->discovered);
	put(arg, "edge_devices_remembered", w->ndev);
	put(arg, "edge_mgmt_folded", w->mgmt_folded);
}

/* ---- per-flow state ------------------------------------------------------ */

#define CMD_MAX		4	/* commands kept for a finding */
#define CMD_LEN		96
#define USER_LEN	64

/* A cleartext management session, waiting for the flow's end. */
struct mgmt_pending {
	struct service	 svc;
	uint8_t		 role, from_device, client_is_admin;
	uint8_t		 ncmd, cmd_truncated;
	uint8_t		 user_len;
	uint8_t		 user[USER_LEN];
	uint8_t		 cmd_len[CMD_MAX];
	char		 cmd[CMD_MAX][CMD_LEN];
	uint32_t	 ncommands;
};

struct edge_flow {
	struct mgmt_pending *p;
	uint8_t		 decided;	/* the session was looked at */
	uint8_t		 egress_wait;	/* from a device: wait for the name */
	uint8_t		 update_host;	/* server name: a vendor update host */
	uint8_t		 into;		/* into_device() took the session */
	uint8_t		 role, client_is_admin;
};

/* ---- discovery ----------------------------------------------------------- */

static void
addr_text(int family, const uint8_t *a, char out[48])
{
	format_addr(family, a, out);
}

static void
mac_text(const uint8_t *m, char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

static int
inventoried(struct detctx *ctx, int family, const uint8_t *a)
{
	return addrset_lookup(det_sets(ctx)->edge_devices, family, a);
}

static void
pair_key(struct dev_key *k, int family, const uint8_t *dev,
    const uint8_t *peer)
{
	size_t alen = family == 6 ? 16 : 4;

	memset(k, 0, sizeof(*k));
	k->family = (uint8_t)family;
	memcpy(k->addr, dev, alen);
	memcpy(k->peer, peer, alen);
}

/*
 * Role of a device for the session rules with peer: inventoried, or
 * learned from what it showed that same peer (edge_learn), or -1.  A
 * client and a server always meet on one worker (flows are spread by
 * address pair), so a pair's evidence and its sessions are seen by the
 * same worker whatever the number of workers: findings stay identical.
 */
static int
device_role(struct detctx *ctx, int family, const uint8_t *a,
    const uint8_t *peer)
{
	struct edge_worker *w = det_worker_state(ctx);
	struct dev_key k;
	struct device *d;
	int r;

	if ((r = inventoried(ctx, family, a)) >= 0)
		return r;
	if (!det_config(ctx)->edge_learn || w == NULL)
		return -1;
	pair_key(&k, family, a, peer);
	if ((d = dev_find(w, &k)) == NULL || !d->reported)
		return -1;
	return d->role;
}

struct observed {
	const struct device_attr *a;
	unsigned n;
};

static void
write_observed(struct jbuf *j, const void *arg)
{
	const struct observed *o = arg;
	unsigned i;

	if (o->n == 0)
		return;
	jb_key(j, "observed");
	jb_obj_open(j);
	for (i = 0; i < o->n; i++)
		jb_kstrn(j, o->a[i].name, o->a[i].value,
		    o->a[i].len < TEXT_MAX ? o->a[i].len : TEXT_MAX);
	jb_obj_close(j);
}

/*
 * evidence_index() by the name's pointer first: the names are the
 * dissectors' string literals, so a few pointers cover them all.
 */
static int
evidence_cached(struct edge_worker *w, const char *name)
{
	unsigned i;
	int e;

	for (i = 0; i < EV_CACHE && w->ev_name[i] != NULL; i++)
		if (w->ev_name[i] == name)
			return w->ev_idx[i];
	e = evidence_index(name);
	if (i < EV_CACHE) {
		w->ev_name[i] = name;
		w->ev_idx[i] = (int8_t)e;
	}
	return e;
}

/*
 * One observation about a host: the first fingerprint that matches any of
 * its attributes names it.  family 0: a frame without an address (mac).
 */
static void
discover(struct detctx *ctx, const char *proto, int family,
    const uint8_t *addr, const uint8_t *peer, const uint8_t *mac,
    const struct device_attr *attrs, unsigned nattrs)
{
	const struct edge_tables *t = det_tables(ctx);
	struct edge_worker *w = det_worker_state(ctx);
	const struct fingerprint *fp = NULL;
	const struct device_attr *hit = NULL;
	struct observed obs = { attrs, nattrs };
	struct finding fd;
	struct dev_key k;
	struct device *d;
	struct sha256_ctx sc;
	uint8_t digest[SHA256_LEN];
	char ver[VERSION_MAX], v[VERSION_MAX], text[48], mtext[18];
	unsigned i, j, fi, best;
	int e;

	if (t == NULL || w == NULL)
		return;
	/*
	 * File order decides (the most specific lines come first): the
	 * lowest-numbered fingerprint that matches any attribute, looking
	 * only at each attribute's own evidence list.
	 */
	best = t->nfp;
	for (i = 0; i < nattrs; i++) {
		if ((e = evidence_cached(w, attrs[i].name)) < 0)
			continue;
		for (j = 0; j < t->nby_ev[e] && t->by_ev[e][j] < best; j++) {
			fi = t->by_ev[e][j];
			if (glob_match(&t->fp[fi].pat, attrs[i].value,
			    attrs[i].len, v, sizeof(v))) {
				best = fi;
				hit = &attrs[i];
				memcpy(ver, v, sizeof(ver));
				break;
			}
		}
	}
	if (best < t->nfp)
		fp = &t->fp[best];
	if (fp == NULL)
		return;
	if (family != 0 && inventoried(ctx, family, addr) >= 0)
		return;
	/* Learned for sessions between the device and this peer. */
	if (peer != NULL && det_config(ctx)->edge_learn) {
		pair_key(&k, family, addr, peer);
		if ((d = dev_get(ctx, w, &k)) != NULL) {
			d->reported = 1;
			d->role = fp->role;
		}
	}
	memset(&k, 0, sizeof(k));
	k.family = (uint8_t)family;
	memcpy(k.addr, family != 0 ? addr : mac, family == 6 ? 16 :
	    family == 4 ? 4 : 6);
	if ((d = dev_get(ctx, w, &k)) == NULL || d->reported)
		return;
	d->reported = 1;
	d->role = fp->role;
	w->discovered++;
	finding_init(&fd, FK_EDGE_DEVICE, SEV_INFO, fp->confidence);
	if (family != 0) {
		addr_text(family, addr, text);
		finding_str(&fd, "address", text);
	}
	if (mac != NULL) {
		mac_text(mac, mtext);
		finding_str(&fd, "mac", mtext);
	}
	if (fp->vendor[0] != '\0')
		finding_str(&fd, "vendor", fp->vendor);
	if (fp->product[0] != '\0')
		finding_str(&fd, "product", fp->product);
	if (ver[0] != '\0')
		finding_str(&fd, "version", ver);
	finding_str(&fd, "role", config_role_names[fp->role]);
	finding_str(&fd, "detected_by", proto);
	finding_str(&fd, "evidence", hit->name);
	finding_strn(&fd, "evidence_value", hit->value, hit->len < TEXT_MAX ?
	    hit->len : TEXT_MAX);
	finding_bool(&fd, "learned", det_config(ctx)->edge_learn);
	fd.extra = write_observed;
	fd.extra_arg = &obs;
	/* One finding per device across workers (edge_correlate). */
	sha256_init(&sc);
	sha256_update(&sc, (const uint8_t *)"edge_device", 11);
	sha256_update(&sc, (const uint8_t *)&k, sizeof(k));
	sha256_final(&sc, digest);
	for (i = 0; i < 8; i++)
		fd.fold_key = fd.fold_key << 8 | digest[i];
	if (fd.fold_key == 0)
		fd.fold_key = 1;
	if (det_flow(ctx) != NULL) {
		det_emit(ctx, &fd);
		return;
	}
	/*
	 * A frame has no endpoints: the device's address (when it announces
	 * one) and MAC are in the finding's own fields.
	 */
	det_emit_endpoints(ctx, &fd, NULL, 0);
}

/* ---- management sessions ------------------------------------------------- */

static uint64_t
mgmt_key(const struct finding_endpoints *ep, const char *svc, int from)
{
	struct sha256_ctx sc;
	uint8_t d[SHA256_LEN];
	uint64_t k = 0;
	unsigned i;

	sha256_init(&sc);
	sha256_update(&sc, &ep->family, 1);
	sha256_update(&sc, ep->client, 16);
	sha256_update(&sc, ep->server, 16);
	sha256_update(&sc, (const uint8_t *)svc, strlen(svc));
	sha256_update(&sc, (const uint8_t *)&from, sizeof(from));
	sha256_final(&sc, d);
	for (i = 0; i < 8; i++)
		k = k << 8 | d[i];
	return k;
}

static void
flow_endpoints(const struct flow *f, struct finding_endpoints *ep)
{
	size_t alen = f->key.family == 6 ? 16 : 4;

	memset(ep, 0, sizeof(*ep));
	ep->family = f->key.family;
	ep->proto = f->key.proto;
	ep->sport = flow_client_port(f);
	ep->dport = flow_server_port(f);
	memcpy(ep->client, flow_client_addr(f), alen);
	memcpy(ep->server, flow_server_addr(f), alen);
}

static void
fifo_unlink(struct edge_worker *w, struct mgmt_entry *m)
{
	struct mgmt_entry **pp = &w->mgmt_hash[m->key % MGMT_BUCKETS];

	while (*pp != m)
		pp = &(*pp)->hnext;
	*pp = m->hnext;
	if (m->prev != NULL)
		m->prev->next = m->next;
	else
		w->fifo_head = m->next;
	if (m->next != NULL)
		m->next->prev = m->prev;
	else
		w->fifo_tail = m->prev;
	w->nmgmt--;
}

static void
write_dedup(struct jbuf *j, const void *arg)
{
	const struct mgmt_entry *m = arg;
	char t[32];

	jb_key(j, "dedup");
	jb_obj_open(j);
	jb_kuint(j, "count", m->count);
	format_time_us(m->first_us, t);
	jb_kstr(j, "first_seen", t);
	format_time_us(m->last_us, t);
	jb_kstr(j, "last_seen", t);
	jb_obj_close(j);
}

static void
mgmt_common(struct finding *fd, const char *service, int role, int from,
    int client_is_admin, const char *mitre)
{
	finding_str(fd, "direction", from ? "from_device" : "to_device");
	finding_str(fd, "service", service);
	finding_str(fd, "device_role", role >= 0 ?
	    config_role_names[role] : "unknown");
	finding_bool(fd, "client_is_admin", client_is_admin);
	/* An admin host's management is sanctioned: no hand-off step. */
	if (client_is_admin)
		fd->out_flags |= OUT_F_ALLOWED;
	if (mitre != NULL && mitre[0] != '\0')
		finding_mitre(fd, mitre);
	else if (from)
		finding_mitre(fd, "T1021");	/* a device as a pivot */
}

/* Closes a window: its count, when the session came back, is reported. */
static void
mgmt_close(struct detctx *ctx, struct edge_worker *w, struct mgmt_entry *m)
{
	struct finding fd;
	char text[48];

	fifo_unlink(w, m);
	if (m->count > 1) {
		finding_init(&fd, FK_EDGE_MGMT_SESSION, m->severity ?
		    (enum severity)m->severity : m->from_device ? SEV_HIGH :
		    SEV_MEDIUM, 80);
		addr_text(m->ep.family, m->from_device ? m->ep.client :
		    m->ep.server, text);
		finding_str(&fd, "device", text);
		mgmt_common(&fd, m->service, m->role, m->from_device,
		    m->client_is_admin, m->mitre);
		fd.extra = write_dedup;
		fd.extra_arg = m;
		det_emit_endpoints(ctx, &fd, &m->ep, m->order);
	}
	free(m);
	det_mem_release(ctx, sizeof(*m));
}

/*
 * Whether this (client, device, service) was reported within the window;
 * counts it if so, opens a window if not.  Returns 1: fold it.
 */
static int
mgmt_fold(struct detctx *ctx, const struct finding_endpoints *ep,
    const struct service *svc, int role, int from, int admin)
{
	struct edge_worker *w = det_worker_state(ctx);
	unsigned window = det_config(ctx)->edge_mgmt_window;
	uint64_t key = mgmt_key(ep, svc->name, from), now = det_now_us(ctx);
	struct mgmt_entry *m;

	if (w == NULL || window == 0)
		return 0;
	for (m = w->mgmt_hash[key % MGMT_BUCKETS]; m != NULL; m = m->hnext)
		if (m->key == key) {
			m->count++;
			m->last_us = now;
			w->mgmt_folded++;
			return 1;
		}
	if (w->nmgmt >= MGMT_MAX || det_mem_charge(ctx, sizeof(*m)) < 0) {
		if (w->fifo_head == NULL)
			return 0;
		det_count(ctx, "edge_mgmt_window_evicted");
		mgmt_close(ctx, w, w->fifo_head);
		if (det_mem_charge(ctx, sizeof(*m)) < 0)
			return 0;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		det_mem_release(ctx, sizeof(*m));
		return 0;
	}
	m->key = key;
	m->first_us = m->last_us = now;
	m->order = det_flow(ctx) != NULL ? det_flow(ctx)->first_seq : 0;
	m->count = 1;
	m->ep = *ep;
	m->role = (uint8_t)role;
	m->from_device = (uint8_t)from;
	m->client_is_admin = (uint8_t)admin;
	m->severity = svc->severity;
	copy(m->service, sizeof(m->service), svc->name);
	copy(m->mitre, sizeof(m->mitre), svc->mitre);
	m->hnext = w->mgmt_hash[key % MGMT_BUCKETS];
	w->mgmt_hash[key % MGMT_BUCKETS] = m;
	m->prev = w->fifo_tail;
	if (w->fifo_tail != NULL)
		w->fifo_tail->next = m;
	else
		w->fifo_head = m;
	w->fifo_tail = m;
	w->nmgmt++;
	return 0;
}

/* The command line with what follows a redaction pattern's match cut. */
static size_t
redacted(const struct edge_tables *t, const uint8_t *line, size_t n,
    char *out, size_t cap)
{
	unsigned i;
	size_t k, m = n < cap - 1 ? n : cap - 1;

	for (k = 0; k < m; k++)
		out[k] = (line[k] >= 0x20 && line[k] < 0x7f) ? (char)line[k] :
		    '?';
	out[m] = '\0';
	for (i = 0; t != NULL && i < t->nredact; i++)
		if (glob_match(&t->redact[i].pat, line, n, NULL, 0)) {
			/* Keep the first two words: the command, not its
			 * secret. */
			for (k = 0; k < m && out[k] == ' '; k++)
				;
			while (k < m && out[k] != ' ')
				k++;
			while (k < m && out[k] == ' ')
				k++;
			while (k < m && out[k] != ' ')
				k++;
			if (k + 10 < cap) {
				memcpy(out + k, " <redacted>", 12);
				return k + 11;
			}
			out[k] = '\0';
			return k;
		}
	return m;
}

struct cmd_list {
	const struct mgmt_pending *p;
};

static void
write_commands(struct jbuf *j, const void *arg)
{
	const struct mgmt_pending *p = arg;
	unsigned i;

	if (p->ncmd == 0)
		return;
	jb_key(j, "commands");
	jb_arr_open(j);
	for (i = 0; i < p->ncmd; i++)
		jb_strn(j, (const uint8_t *)p->cmd[i], p->cmd_len[i]);
	jb_arr_close(j);
}

/* What some sessions add: an SNMP SET's outcome, a config file moved. */
struct mgmt_more {
	const char	*outcome;
	const uint8_t	*file;
	size_t		 file_len;
	const char	*protocol;
	int		 upload;	/* towards the requester's server */
};

static void
mgmt_report(struct detctx *ctx, const struct service *svc, int role,
    int from, int admin, const struct mgmt_pending *p,
    const struct mgmt_more *more)
{
	const struct flow *f = det_flow(ctx);
	struct finding_endpoints ep;
	struct finding fd;
	char text[48];

	flow_endpoints(f, &ep);
	if (mgmt_fold(ctx, &ep, svc, role, from, admin))
		return;
	finding_init(&fd, FK_EDGE_MGMT_SESSION, svc->severity ?
	    (enum severity)svc->severity : from ? SEV_HIGH : SEV_MEDIUM, 80);
	addr_text(ep.family, from ? ep.client : ep.server, text);
	finding_str(&fd, "device", text);
	mgmt_common(&fd, svc->name, role, from, admin, svc->mitre);
	if (p != NULL && p->user_len > 0)
		finding_strn(&fd, "user", p->user, p->user_len);
	if (more != NULL && more->outcome != NULL)
		finding_str(&fd, "outcome", more->outcome);
	if (more != NULL && more->file != NULL) {
		finding_strn(&fd, "file", more->file, more->file_len < 256 ?
		    more->file_len : 256);
		finding_str(&fd, "protocol", more->protocol);
		finding_str(&fd, "transfer", more->upload ? "upload" :
		    "download");
	}
	if (p != NULL && p->ncommands > 0) {
		finding_int(&fd, "commands_seen", p->ncommands);
		fd.extra = write_commands;
		fd.extra_arg = p;
	}
	det_emit(ctx, &fd);
}

static void
pending_free(struct detctx *ctx, struct edge_flow *st)
{
	if (st->p == NULL)
		return;
	free(st->p);
	st->p = NULL;
	det_mem_release(ctx, sizeof(struct mgmt_pending));
}

/* A cleartext session: keep what the finding needs until the flow ends. */
static void
pending_open(struct detctx *ctx, struct edge_flow *st,
    const struct service *svc, int role, int from, int admin, int early)
{
	struct mgmt_pending *p;

	if (det_mem_charge(ctx, sizeof(*p)) < 0 ||
	    (p = calloc(1, sizeof(*p))) == NULL) {
		det_count(ctx, "edge_mgmt_memcap");
		if (!early)
			mgmt_report(ctx, svc, role, from, admin, NULL, NULL);
		return;
	}
	p->svc = *svc;
	p->role = (uint8_t)role;
	p->from_device = (uint8_t)from;
	p->client_is_admin = (uint8_t)admin;
	st->p = p;
}

static int
egress_allowed(struct detctx *ctx, const struct edge_tables *t,
    const struct flow *f)
{
	return addrpairs_match(t->egress_allowed, f->key.family,
	    flow_client_addr(f), flow_server_addr(f));
}

static int
session_port_listed(const struct edge_tables *t, uint8_t proto, uint16_t port)
{
	int e = t->session_ev;
	unsigned j;

	for (j = 0; e >= 0 && j < t->nby_ev[e]; j++)
		if (t->fp[t->by_ev[e][j]].proto == proto &&
		    t->fp[t->by_ev[e][j]].port == port)
			return 1;
	return 0;
}

/*
 * A session into a device from a host that is not an admin host, on a
 * management service: reported (or, cleartext, kept for the flow's end).
 * Returns 1 when the server is a device the client may not manage.
 */
static int
into_device(struct detctx *ctx, struct edge_flow *st,
    const struct edge_tables *t, const struct flow *f)
{
	const uint8_t *cli = flow_client_addr(f), *srv = flow_server_addr(f);
	const struct service *svc;
	int role;

	if (st->into || (role = device_role(ctx, f->key.family, srv,
	    cli)) < 0 || addrset_lookup(det_sets(ctx)->admin_hosts,
	    f->key.family, cli) >= 0 || (svc = service_find(t->svc, t->nsvc,
	    f->key.proto, flow_server_port(f))) == NULL)
		return 0;
	st->into = 1;
	if (svc->cleartext) {
		if (st->p == NULL)	/* (a command may have opened it) */
			pending_open(ctx, st, svc, role, 0, 0, 0);
	} else
		mgmt_report(ctx, svc, role, 0, 0, NULL, NULL);
	return 1;
}

static void
edge_session(struct detctx *ctx, void *fs)
{
	const struct edge_tables *t = det_tables(ctx);
	const struct flow *f = det_flow(ctx);
	struct edge_flow *st = fs;
	const struct service *svc;
	struct service any;
	int role;
	const uint8_t *cli = flow_client_addr(f), *srv = flow_server_addr(f);
	char name[SVC_NAME];
	struct device_attr a;

	if (t == NULL || st->decided)
		return;
	st->decided = 1;
	/* An answer on a port only appliances listen on names the server. */
	if (session_port_listed(t, f->key.proto, flow_server_port(f))) {
		snprintf(name, sizeof(name), "%s/%u", f->key.proto == 6 ?
		    "tcp" : "udp", flow_server_port(f));
		a.name = "session";
		a.value = (const uint8_t *)name;
		a.len = strlen(name);
		discover(ctx, "session", f->key.family, srv, cli, NULL, &a, 1);
	}

	if (into_device(ctx, st, t, f))
		return;
	/* Out of a device: anything but its allow-list. */
	if ((role = device_role(ctx, f->key.family, cli, srv)) < 0 ||
	    egress_allowed(ctx, t, f))
		return;
	svc = service_find(t->egress, t->negress, f->key.proto,
	    flow_server_port(f));
	if (svc != NULL && svc->allow)
		return;
	/*
	 * Data channels a device's own servers open look like sessions it
	 * starts: FTP active data (from port 20), TFTP and other UDP
	 * transfers between ephemeral ports.  UDP counts only on a service
	 * edge_egress.txt names.
	 */
	if (svc == NULL && ((f->key.proto == 6 && flow_client_port(f) == 20) ||
	    f->key.proto != 6))
		return;
	if (svc == NULL) {
		memset(&any, 0, sizeof(any));
		any.proto = f->key.proto;
		any.port = flow_server_port(f);
		copy(any.name, sizeof(any.name), name);
		svc = &any;
	}
	/* HTTP(S): a vendor update check shows in the server name. */
	if (f->key.proto == 6 && (flow_server_port(f) == 443 ||
	    flow_server_port(f) == 80)) {
		if (st->update_host)
			return;
		if (!f->dpi_done) {
			st->egress_wait = 1;
			st->role = (uint8_t)role;
			return;
		}
	}
	mgmt_report(ctx, svc, role, 1, 0, NULL, NULL);
}

static void
edge_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	const struct edge_tables *t = det_tables(ctx);
	const struct flow *f = det_flow(ctx);
	struct edge_flow *st = fs;
	const struct service *svc;
	struct service any;
	struct device_attr at[2];
	unsigned n = 0, i;
	const char *sn = a->server_name;

	if (t == NULL)
		return;
	/* An admin UI's certificate (nDPI saw the TLS handshake). */
	if (!a->guessed && a->tls_subject != NULL && a->tls_subject[0]) {
		at[n].name = "tls_subject";
		at[n].value = (const uint8_t *)a->tls_subject;
		at[n++].len = strlen(a->tls_subject);
	}
	if (!a->guessed && a->tls_issuer != NULL && a->tls_issuer[0]) {
		at[n].name = "tls_issuer";
		at[n].value = (const uint8_t *)a->tls_issuer;
		at[n++].len = strlen(a->tls_issuer);
	}
	if (n > 0) {
		discover(ctx, "tls", f->key.family, flow_server_addr(f),
		    flow_client_addr(f), NULL, at, n);
		/* The certificate came after the session began: look again. */
		if (st->decided)
			(void)into_device(ctx, st, t, f);
	}
	/* A vendor update host, only asked of a device's own sessions. */
	for (i = 0; sn != NULL && sn[0] != '\0' && i < t->nupdate &&
	    (st->egress_wait || device_role(ctx, f->key.family,
	    flow_client_addr(f), flow_server_addr(f)) >= 0); i++)
		if (glob_match(&t->update[i], (const uint8_t *)sn,
		    strlen(sn), NULL, 0)) {
			st->update_host = 1;
			break;
		}
	if (!st->egress_wait)
		return;
	st->egress_wait = 0;
	if (st->update_host)
		return;
	svc = service_find(t->egress, t->negress, f->key.proto,
	    flow_server_port(f));
	if (svc == NULL) {
		memset(&any, 0, sizeof(any));
		snprintf(any.name, sizeof(any.name), "tcp/%u",
		    flow_server_port(f));
		svc = &any;
	}
	mgmt_report(ctx, svc, st->role, 1, 0, NULL, NULL);
}

static int
config_name(const struct edge_tables *t, const uint8_t *name, size_t n)
{
	const uint8_t *base = name;
	size_t i;
	unsigned k;

	/* The last path element: "/flash/startup-config" is startup-config. */
	for (i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == '\\' || name[i] == ':')
			base = name + i + 1;
	for (k = 0; t != NULL && k < t->nconfig; k++)
		if (glob_match(&t->config[k], base, n - (size_t)(base - name),
		    NULL, 0))
			return 1;
	return 0;
}

/*
 * A configuration file moved between a device and a host: to_device when
 * the device is the server asked (FTP, HTTP, TFTP on it), from_device when
 * the device asked another server (copy running-config tftp:).  Admin hosts
 * may fetch and push configurations; a device may send to a destination
 * edge_egress_allowed allows (its backup server).  High when the
 * configuration leaves the device.
 */
static void
config_transfer(struct detctx *ctx, const struct flow *f,
    const uint8_t *requester, const uint8_t *server, const uint8_t *name,
    size_t nlen, const char *proto, int upload)
{
	const struct edge_tables *t = det_tables(ctx);
	struct mgmt_more more;
	struct service svc;
	int role, from;

	if ((role = device_role(ctx, f->key.family, server, requester)) >= 0)
		from = 0;
	else if ((role = device_role(ctx, f->key.family, requester,
	    server)) >= 0)
		from = 1;
	else
		return;
	if (!from && addrset_lookup(det_sets(ctx)->admin_hosts, f->key.family,
	    requester) >= 0)
		return;
	if (from && t != NULL && addrpairs_match(t->egress_allowed,
	    f->key.family, requester, server))
		return;
	memset(&svc, 0, sizeof(svc));
	copy(svc.name, sizeof(svc.name), "config_transfer");
	copy(svc.mitre, sizeof(svc.mitre), "T1602.002");
	/* The device sends its configuration: a download from it, or its
	 * own upload elsewhere. */
	svc.severity = (uint8_t)((from ? upload : !upload) ? SEV_HIGH :
	    SEV_MEDIUM);
	memset(&more, 0, sizeof(more));
	more.file = name;
	more.file_len = nlen;
	more.protocol = proto;
	more.upload = upload;
	mgmt_report(ctx, &svc, role, from, 0, NULL, &more);
}

static void
file_fact(struct detctx *ctx, const struct file_fact *ff)
{
	const struct edge_tables *t = det_tables(ctx);
	struct edge_worker *w = det_worker_state(ctx);
	const struct flow *f = det_flow(ctx);
	size_t alen = f->key.family == 6 ? 16 : 4;
	const uint8_t *a = flow_client_addr(f), *b = flow_server_addr(f);
	struct cfg_req *r;
	uint64_t now = det_now_us(ctx);
	unsigned i;

	/* TFTP: the request waits for its data flow (the answer). */
	if (strcmp(ff->proto, "tftp") == 0) {
		if (ff->head == NULL && ff->name != NULL && w != NULL &&
		    config_name(t, ff->name, ff->name_len)) {
			r = &w->cfg[w->cfg_next++ % CFG_REQS];
			memset(r, 0, sizeof(*r));
			r->family = f->key.family;
			r->upload = ff->upload > 0;
			memcpy(r->requester, a, alen);
			memcpy(r->server, b, alen);
			r->name_len = (uint8_t)(ff->name_len < CFG_NAME ?
			    ff->name_len : CFG_NAME);
			memcpy(r->name, ff->name, r->name_len);
			r->ts_us = now;
			return;
		}
		for (i = 0; ff->head != NULL && w != NULL && i < CFG_REQS;
		    i++) {
			r = &w->cfg[i];
			if (r->name_len == 0 || r->family != f->key.family ||
			    r->ts_us + CFG_MAX_AGE_US < now ||
			    !((memcmp(r->requester, a, alen) == 0 &&
			    memcmp(r->server, b, alen) == 0) ||
			    (memcmp(r->requester, b, alen) == 0 &&
			    memcmp(r->server, a, alen) == 0)))
				continue;
			config_transfer(ctx, f, r->requester, r->server,
			    r->name, r->name_len, "tftp", r->upload);
			r->name_len = 0;
			return;
		}
		return;
	}
	/* FTP STOR/RETR on its control session; HTTP bodies. */
	if (ff->name == NULL || !f->session ||
	    !config_name(t, ff->name, ff->name_len))
		return;
	config_transfer(ctx, f, a, b, ff->name, ff->name_len, ff->proto,
	    ff->upload > 0);
}

/* A command before the session: open the pending record if it would. */
static void
command_early(struct detctx *ctx, struct edge_flow *st, const struct flow *f)
{
	const struct edge_tables *t = det_tables(ctx);
	const struct service *svc;
	int role;

	if (t == NULL || (role = device_role(ctx, f->key.family,
	    flow_server_addr(f), flow_client_addr(f))) < 0 || addrset_lookup(det_sets(ctx)->
	    admin_hosts, f->key.family, flow_client_addr(f)) >= 0 ||
	    (svc = service_find(t->svc, t->nsvc, f->key.proto,
	    flow_server_port(f))) == NULL || !svc->cleartext)
		return;
	pending_open(ctx, st, svc, role, 0, 0, 1);
}

static void
edge_fact(struct detctx *ctx, void *fs, const struct fact *fa)
{
	const struct flow *f = det_flow(ctx);
	struct edge_flow *st = fs;
	const struct device_fact *d;
	const struct cred_fact *c;
	struct mgmt_pending *p;
	struct service set;
	struct mgmt_more more;
	unsigned i;
	int write = 0, role;

	switch (fa->type) {
	case FACT_DEVICE:
		d = fa->u.device;
		if (f == NULL)
			discover(ctx, d->proto, d->family, d->addr, NULL,
			    d->has_mac ? d->mac : NULL, d->attrs, d->nattrs);
		else if (d->from_server) {
			discover(ctx, d->proto, f->key.family,
			    flow_server_addr(f), flow_client_addr(f), NULL,
			    d->attrs, d->nattrs);
			/* Evidence after the session began: look again. */
			if (st->decided && det_tables(ctx) != NULL)
				(void)into_device(ctx, st, det_tables(ctx), f);
		}
		break;
	case FACT_CREDENTIAL:
		c = fa->u.cred;
		if (st != NULL && st->p != NULL && c->user != NULL &&
		    st->p->user_len == 0) {
			st->p->user_len = (uint8_t)(c->user_len < USER_LEN ?
			    c->user_len : USER_LEN);
			memcpy(st->p->user, c->user, st->p->user_len);
		}
		if (f == NULL || strcmp(c->proto, "snmp") != 0)
			break;
		for (i = 0; i < c->nextras; i++)
			if (strcmp(c->extras[i].key, "write") == 0)
				write = (int)c->extras[i].num;
		if (!write)
			break;
		/* A SET is a configuration change: always reported. */
		memset(&more, 0, sizeof(more));
		memset(&set, 0, sizeof(set));
		set.proto = 17;
		set.port = flow_server_port(f);
		copy(set.name, sizeof(set.name), "snmp_set");
		copy(set.mitre, sizeof(set.mitre), "T1565.002");
		set.severity = SEV_HIGH;
		role = device_role(ctx, f->key.family, flow_server_addr(f),
		    flow_client_addr(f));
		more.outcome = outcome_names[c->outcome <= 2 ? c->outcome : 0];
		mgmt_report(ctx, &set, role, 0, addrset_lookup(det_sets(ctx)->
		    admin_hosts, f->key.family, flow_client_addr(f)) >= 0, NULL,
		    &more);
		break;
	case FACT_FILE:
		if (f != NULL)
			file_fact(ctx, fa->u.file);
		break;
	case FACT_COMMAND:
		if (st == NULL || f == NULL)
			break;
		/*
		 * rsh and rexec send their command before the server answers:
		 * keep it for the session that may follow (flow end checks).
		 */
		if (st->p == NULL && !st->decided)
			command_early(ctx, st, f);
		if ((p = st->p) == NULL)
			break;
		p->ncommands++;
		if (p->ncmd < CMD_MAX) {
			p->cmd_len[p->ncmd] = (uint8_t)redacted(det_tables(ctx),
			    fa->u.cmd->line, fa->u.cmd->line_len, p->cmd[p->ncmd],
			    CMD_LEN);
			p->ncmd++;
		}
		break;
	default:
		break;
	}
}

static void
edge_flow_end(struct detctx *ctx, void *fs)
{
	struct edge_flow *st = fs;
	struct mgmt_pending *p = st->p;

	/* Only a session: a command sent to a server that never answered
	 * opened a record too. */
	if (p != NULL && det_flow(ctx)->session)
		mgmt_report(ctx, &p->svc, p->role, p->from_device,
		    p->client_is_admin, p, NULL);
	pending_free(ctx, st);
	if (st->egress_wait) {
		/* nDPI never named the server: report what we have. */
		struct app_fact none;

		memset(&none, 0, sizeof(none));
		none.guessed = 1;
		edge_app(ctx, fs, &none);
	}
}

static void
edge_tick(struct detctx *ctx, uint64_t now_us, int final)
{
	struct edge_worker *w = det_worker_state(ctx);
	uint64_t win = (uint64_t)det_config(ctx)->edge_mgmt_window * US_PER_S;

	while (w != NULL && w->fifo_head != NULL &&
	    (final || now_us > w->fifo_head->first_us + win))
		mgmt_close(ctx, w, w->fifo_head);
}

const struct detector edge_device_detector = {
	.name = "edge_device",
	.description = "edge devices: discovery from banners, SNMP, LLDP/CDP "
	    "and certificates (edge_device); management sessions into and out "
	    "of them, SNMP SET (edge_mgmt_session)",
	.events = DET_EV_APP | DET_EV_FACT | DET_EV_SESSION | DET_EV_FLOW_END |
	    DET_EV_TICK,
	.fact_mask = (1u << FACT_DEVICE) | (1u << FACT_CREDENTIAL) |
	    (1u << FACT_COMMAND) | (1u << FACT_FILE),
	.flow_state_size = sizeof(struct edge_flow),
	.load = edge_load,
	.unload = edge_unload,
	.worker_new = edge_worker_new,
	.worker_free = edge_worker_free,
	.app = edge_app,
	.fact = edge_fact,
	.session = edge_session,
	.flow_end = edge_flow_end,
	.tick = edge_tick,
	.counters = edge_counters,
};
