/*
 * packet_capture.c - packet capture leaving its place: mirror and
 * remote-capture streams, capture files moved over the wire, capture
 * commands typed in cleartext sessions (packet_capture findings).
 *
 * Mirror streams.  Every flow carries the encapsulation it arrived in
 * (struct flow_encap): ERSPAN I/II/III, TZSP and GRE transparent Ethernet
 * bridging carry copies of other hosts' frames.  A plain GRE tunnel
 * carries routed packets, except when both directions of an inner flow
 * arrive through one direction of the tunnel: then they are copies too
 * (type gre-mirror).  rpcap streams come as mirror facts from the rpcap
 * dissector.  Reported once per (exporter, receiver, type) when the
 * receiver is not in collectors, across workers through edge_correlate
 * (fold key), which also adds up the packets, bytes and flows each worker
 * counted and reports them once at the end (totals).
 *
 * Capture files.  The start of transferred content, never its middle, is
 * compared with signatures/capture_magics.txt (pcap's four magics, pcapng,
 * snoop, NetMon, ETL, gzip whose stored name is a capture's): the first
 * bytes of a TCP stream without a dissector (FTP data, `tcpdump -w - | nc`;
 * only when the SYN was seen, so the bytes really are the stream's first),
 * the first TFTP data block, HTTP request and response bodies and
 * multipart file parts (file facts from the dissectors).  FTP and TFTP
 * names come from the control flow's STOR/RETR or RRQ/WRQ between the
 * same two hosts (the same worker sees both).
 *
 * Commands.  A command fact (Telnet, rsh, rexec) matching
 * signatures/capture_commands.txt.
 *
 * Severity high when the capture leaves an edge device (an inventoried
 * exporter or sender) or the command runs on one, medium otherwise.
 * ATT&CK T1040 Network Sniffing; mirror streams also T1020.001 Traffic
 * Duplication; files uploaded away also T1048.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"
#include "crypto.h"
#include "decode.h"
#include "detector.h"
#include "flow.h"
#include "filemagic.h"
#include "glob.h"
#include "sigdb.h"
#include "sigfile.h"

/* ---- tables -------------------------------------------------------------- */

#define TOOL_LEN	24

struct capcmd {
	char		 tool[TOOL_LEN];
	struct glob	 g;
};

struct pc_tables {
	struct filemagic *m;		/* capture_magics.txt */
	struct capcmd	*c;
	unsigned	 nc;
};

/* "TOOL PATTERN..." */
static int
cmd_line(const struct sigfile_rec *r, void *arg, char *err, size_t errlen)
{
	struct pc_tables *t = arg;
	struct capcmd *nc, *c;

	if (strlen(r->field[0]) >= TOOL_LEN) {
		snprintf(err, errlen, "tool name longer than %d", TOOL_LEN - 1);
		return -1;
	}
	if ((nc = realloc(t->c, (t->nc + 1) * sizeof(*nc))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->c = nc;
	c = &t->c[t->nc];
	memset(c, 0, sizeof(*c));
	snprintf(c->tool, sizeof(c->tool), "%s", r->field[0]);
	if (glob_compile(r->field[1], &c->g, err, errlen) < 0)
		return -1;
	t->nc++;
	return 0;
}

static void
pc_unload(void *p)
{
	struct pc_tables *t = p;

	if (t == NULL)
		return;
	filemagic_free(t->m);
	free(t->c);
	free(t);
}

static void *
pc_load(const struct det_load_args *la, char *err, size_t errlen)
{
	static const struct sigfile_spec cspec = { 2, 2, SIGFILE_REST };
	struct pc_tables *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((t->m = filemagic_load(la->sigdir, "capture_magics.txt", err,
	    errlen)) == NULL ||
	    sigfile_read_in(la->sigdir, "capture_commands.txt", &cspec,
	    cmd_line, t, err, errlen) < 0) {
		pc_unload(t);
		return NULL;
	}
	return t;
}

static const char *
magic_of(const struct pc_tables *t, const uint8_t *h, size_t n,
    const uint8_t *name, size_t nlen)
{
	return t != NULL ? filemagic_match(t->m, h, n, name, nlen) : NULL;
}

/* ---- per-worker state ------------------------------------------------------ */

#define MIRRORS		256	/* mirror streams a worker keeps counts for */
#define XFERS		64	/* recent STOR/RETR/RRQ/WRQ names */
#define XFER_NAME	128
#define XFER_MAX_AGE_US	(120 * 1000000ULL)

struct mirror {
	char		 type[16];
	uint8_t		 family, proto;
	uint16_t	 dport;
	uint8_t		 exporter[16], receiver[16];
	uint32_t	 session;
	uint64_t	 order;		/* first flow's first packet */
	uint64_t	 packets, bytes, flows;
	uint64_t	 last_us;
};

/* A named transfer announced on a control flow. */
struct xfer {
	uint8_t		 family, upload, used;
	uint8_t		 requester[16], server[16];
	char		 proto[8];
	uint8_t		 name_len;
	uint8_t		 name[XFER_NAME];
	uint64_t	 ts_us;
};

struct pc_worker {
	struct mirror	 mirrors[MIRRORS];
	unsigned	 nmirrors;
	struct xfer	 xfers[XFERS];
	unsigned	 xnext;
	uint64_t	 files, commands, mirror_full;
};

/* 16 bytes a flow: every flow carries it. */
struct pc_flow {
	uint32_t	 next_seq[2];	/* SYN's sequence number + 1 */
	uint16_t	 gre_outer;	/* dir 0's outer pair, hashed */
	uint8_t		 bits;		/* PCF_* per direction (<< dir) */
	uint8_t		 mirror;	/* index + 1 in mirrors[] */
	uint8_t		 files;		/* capture files reported */
};

#define PCF_HAS_SEQ	0x01	/* the SYN was seen */
#define PCF_LOOKED	0x04	/* first payload examined */
#define PCF_GRE		0x10	/* outer pair of a GRE packet noted */
#define PCF(st, flag, dir)	((st)->bits & ((flag) << (dir)))
#define PCF_SET(st, flag, dir)	((st)->bits |= (uint8_t)((flag) << (dir)))

#define PC_FILES_PER_FLOW	4

static void *
pc_worker_new(const struct config *cfg)
{
	(void)cfg;
	return calloc(1, sizeof(struct pc_worker));
}

static void
pc_worker_free(void *p)
{
	free(p);
}

static void
pc_counters(const void *p, counter_fn put, void *arg)
{
	const struct pc_worker *w = p;

	put(arg, "capture_files", w->files);
	put(arg, "capture_commands", w->commands);
	put(arg, "capture_mirror_table_full", w->mirror_full);
}

/* ---- helpers ------------------------------------------------------------- */

static int
is_device(struct detctx *ctx, int family, const uint8_t *a)
{
	return addrset_lookup(det_sets(ctx)->edge_devices, family, a) >= 0;
}

static uint64_t
fold_key(const char *what, const void *a, size_t n)
{
	struct sha256_ctx sc;
	uint8_t d[SHA256_LEN];
	uint64_t k = 0;
	unsigned i;

	sha256_init(&sc);
	sha256_update(&sc, (const uint8_t *)what, strlen(what));
	sha256_update(&sc, a, n);
	sha256_final(&sc, d);
	for (i = 0; i < 8; i++)
		k = k << 8 | d[i];
	return k != 0 ? k : 1;
}

static void
addr_text(int family, const uint8_t *a, char out[48])
{
	format_addr(family, a, out);
}

/* ---- mirror streams ------------------------------------------------------ */

static uint64_t
mirror_key(const struct mirror *m)
{
	uint8_t b[1 + 16 + 16 + 16];

	memset(b, 0, sizeof(b));
	b[0] = m->family;
	memcpy(b + 1, m->exporter, 16);
	memcpy(b + 17, m->receiver, 16);
	memcpy(b + 33, m->type, 16);
	return fold_key("mirror", b, sizeof(b));
}

static void
mirror_endpoints(const struct mirror *m, struct finding_endpoints *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->family = m->family;
	ep->proto = m->proto;
	ep->dport = m->dport;
	memcpy(ep->client, m->exporter, 16);
	memcpy(ep->server, m->receiver, 16);
}

static void
mirror_report(struct detctx *ctx, const struct mirror *m)
{
	struct finding_endpoints ep;
	struct finding fd;
	char exporter[48], receiver[48];	/* borrowed until the emit */
	int dev = is_device(ctx, m->family, m->exporter);

	finding_init(&fd, FK_PACKET_CAPTURE, dev ? SEV_HIGH : SEV_MEDIUM, 80);
	finding_mitre(&fd, "T1040");
	finding_mitre(&fd, "T1020.001");
	finding_str(&fd, "type", "mirror");
	finding_str(&fd, "encap", m->type);
	addr_text(m->family, m->exporter, exporter);
	finding_str(&fd, "exporter", exporter);
	addr_text(m->family, m->receiver, receiver);
	finding_str(&fd, "receiver", receiver);
	finding_bool(&fd, "exporter_is_device", dev);
	if (m->session != 0)
		finding_int(&fd, "session", m->session);
	fd.fold_key = mirror_key(m);
	mirror_endpoints(m, &ep);
	det_emit_endpoints(ctx, &fd, &ep, m->order);
}

/*
 * A flow inside a mirror stream: counted with its stream, which is
 * reported the first time this worker sees it.
 */
static void
mirror_hit(struct detctx *ctx, struct pc_flow *st, const char *type,
    const struct encap_layer *o, uint8_t proto)
{
	struct pc_worker *w = det_worker_state(ctx);
	const struct flow *f = det_flow(ctx);
	struct mirror key, *m;
	unsigned i;

	if (w == NULL || st->mirror != 0 ||
	    addrset_lookup(det_sets(ctx)->collectors, o->family, o->dst) >= 0)
		return;
	memset(&key, 0, sizeof(key));
	snprintf(key.type, sizeof(key.type), "%s", type);
	key.family = o->family == 6 ? 6 : 4;
	key.proto = proto;
	key.dport = proto == 17 ? o->dport : 0;
	memcpy(key.exporter, o->src, 16);
	memcpy(key.receiver, o->dst, 16);
	for (i = 0; i < w->nmirrors; i++) {
		m = &w->mirrors[i];
		if (m->family == key.family && strcmp(m->type, key.type) == 0 &&
		    memcmp(m->exporter, key.exporter, 16) == 0 &&
		    memcmp(m->receiver, key.receiver, 16) == 0) {
			st->mirror = (uint8_t)(i + 1 <= 255 ? i + 1 : 0);
			return;
		}
	}
	if (w->nmirrors >= MIRRORS) {
		w->mirror_full++;
		det_count(ctx, "capture_mirror_table_full");
		return;
	}
	m = &w->mirrors[w->nmirrors++];
	*m = key;
	m->session = o->id;
	m->order = f->first_seq;
	st->mirror = (uint8_t)(w->nmirrors <= 255 ? w->nmirrors : 0);
	mirror_report(ctx, m);
}

static const char *
mirror_type(const struct encap_layer *o)
{
	switch (o->type) {
	case ENCAP_ERSPAN1:
	case ENCAP_ERSPAN2:
	case ENCAP_ERSPAN3:
	case ENCAP_TZSP:
		return encap_type_name(o->type);
	case ENCAP_GRE:
		return o->frames ? "gre-teb" : NULL;
	default:
		return NULL;
	}
}

static void
pc_flow_start(struct detctx *ctx, void *fs)
{
	const struct flow *f = det_flow(ctx);
	const struct flow_encap *e = f->encap;
	const char *type;

	if (e == NULL || !e->has_outer ||
	    (type = mirror_type(&e->outer)) == NULL)
		return;
	mirror_hit(ctx, fs, type, &e->outer, e->outer.type == ENCAP_TZSP ?
	    17 : 47);
}

/* The outermost tunnel layer a packet crossed, or NULL. */
static const struct encap_layer *
packet_outer(const struct pkt *p)
{
	unsigned i;

	for (i = 0; i < p->nencap; i++)
		if (p->encap[i].family != 0)
			return &p->encap[i];
	return NULL;
}

static uint32_t
outer_hash(const struct encap_layer *o)
{
	uint32_t h = 2166136261u;
	unsigned i;

	for (i = 0; i < 16; i++)
		h = ((h ^ o->src[i]) * 16777619u ^ o->dst[i]) * 16777619u;
	return h;
}

/* Plain GRE: both directions of a flow in one tunnel direction? */
static void
gre_direction(struct detctx *ctx, struct pc_flow *st, const struct pkt *p,
    int dir)
{
	const struct encap_layer *o = packet_outer(p);

	if (o == NULL || o->type != ENCAP_GRE || o->frames ||
	    PCF(st, PCF_GRE, dir))
		return;
	PCF_SET(st, PCF_GRE, dir);
	if (dir == DIR_TO_SERVER)
		st->gre_outer = (uint16_t)outer_hash(o);
	else if (PCF(st, PCF_GRE, 0) &&
	    st->gre_outer == (uint16_t)outer_hash(o))
		mirror_hit(ctx, st, "gre-mirror", o, 47);
}

/* ---- capture files ------------------------------------------------------- */

static struct xfer *
xfer_find(struct pc_worker *w, const struct flow *f, uint64_t now)
{
	const uint8_t *a = flow_client_addr(f), *b = flow_server_addr(f);
	size_t alen = f->key.family == 6 ? 16 : 4;
	struct xfer *x, *best = NULL;
	unsigned i;

	for (i = 0; i < XFERS; i++) {
		x = &w->xfers[i];
		if (x->family != f->key.family || x->ts_us + XFER_MAX_AGE_US <
		    now || x->ts_us > now)
			continue;
		if (!((memcmp(x->requester, a, alen) == 0 &&
		    memcmp(x->server, b, alen) == 0) ||
		    (memcmp(x->requester, b, alen) == 0 &&
		    memcmp(x->server, a, alen) == 0)))
			continue;
		/* The newest unused one: transfers go one after another. */
		if (!x->used && (best == NULL || x->ts_us >= best->ts_us))
			best = x;
	}
	return best;
}

static void
xfer_note(struct detctx *ctx, const struct file_fact *ff)
{
	struct pc_worker *w = det_worker_state(ctx);
	const struct flow *f = det_flow(ctx);
	size_t alen = f->key.family == 6 ? 16 : 4;
	struct xfer *x;

	if (w == NULL)
		return;
	x = &w->xfers[w->xnext++ % XFERS];
	memset(x, 0, sizeof(*x));
	x->family = f->key.family;
	x->upload = ff->upload > 0;
	memcpy(x->requester, flow_client_addr(f), alen);
	memcpy(x->server, flow_server_addr(f), alen);
	snprintf(x->proto, sizeof(x->proto), "%s", ff->proto);
	x->name_len = (uint8_t)(ff->name_len < XFER_NAME ? ff->name_len :
	    XFER_NAME);
	memcpy(x->name, ff->name, x->name_len);
	x->ts_us = det_now_us(ctx);
}

/*
 * A capture file at the start of content.  from_client: the flow's client
 * sends it.  Reported at once, with the bytes its sender has sent so far.
 */
static void
file_report(struct detctx *ctx, struct pc_flow *st, const char *format,
    const char *proto, const struct xfer *x, const uint8_t *name, size_t nlen,
    int from_client, int64_t size)
{
	struct pc_worker *w = det_worker_state(ctx);
	const struct flow *f = det_flow(ctx);
	const uint8_t *sender = from_client ? flow_client_addr(f) :
	    flow_server_addr(f);
	int dev = is_device(ctx, f->key.family, sender);
	struct finding fd;
	char text[48];

	if (st->files >= PC_FILES_PER_FLOW)
		return;
	st->files++;
	if (w != NULL)
		w->files++;
	finding_init(&fd, FK_PACKET_CAPTURE, dev ? SEV_HIGH : SEV_MEDIUM, 90);
	finding_mitre(&fd, "T1040");
	if (x != NULL ? x->upload : from_client)
		finding_mitre(&fd, "T1048");
	finding_str(&fd, "type", "file");
	finding_str(&fd, "format", format);
	if (name != NULL && nlen > 0)
		finding_strn(&fd, "name", name, nlen < 256 ? nlen : 256);
	/* Relative to who asked: the control flow's STOR/WRQ is an upload. */
	finding_str(&fd, "direction", (x != NULL ? x->upload : from_client) ?
	    "upload" : "download");
	finding_str(&fd, "protocol", proto);
	addr_text(f->key.family, sender, text);
	finding_str(&fd, "sender", text);
	finding_bool(&fd, "sender_is_device", dev);
	if (size >= 0)
		finding_int(&fd, "size", size);
	finding_int(&fd, "bytes_so_far", (int64_t)f->bytes[from_client ? 0 :
	    1]);
	det_emit(ctx, &fd);
}

/* A file fact: a name to remember, or content to look at. */
static void
file_fact(struct detctx *ctx, struct pc_flow *st, const struct file_fact *ff)
{
	const struct pc_tables *t = det_tables(ctx);
	struct pc_worker *w = det_worker_state(ctx);
	const struct flow *f = det_flow(ctx);
	const char *format;
	struct xfer *x = NULL;
	const uint8_t *name = ff->name;
	size_t nlen = ff->name_len;

	if (f == NULL)
		return;
	if (ff->head == NULL) {
		xfer_note(ctx, ff);
		return;
	}
	/* TFTP data: the name and direction are the request's. */
	if (name == NULL && w != NULL &&
	    (x = xfer_find(w, f, det_now_us(ctx))) != NULL) {
		name = x->name;
		nlen = x->name_len;
	}
	if ((format = magic_of(t, ff->head, ff->head_len, name, nlen)) == NULL)
		return;
	if (x != NULL)
		x->used = 1;
	/* upload: the content goes to this flow's server. */
	file_report(ctx, st, format, ff->proto, x, name, nlen, ff->upload > 0,
	    ff->size);
}

/* The first bytes of a TCP stream no dissector reads. */
static void
stream_start(struct detctx *ctx, struct pc_flow *st, const struct pkt *p,
    int dir)
{
	const struct pc_tables *t = det_tables(ctx);
	struct pc_worker *w = det_worker_state(ctx);
	const struct flow *f = det_flow(ctx);
	const uint8_t *pl = p->data + p->pl_off;
	const char *format;
	struct xfer *x;

	PCF_SET(st, PCF_LOOKED, dir);
	/* Only the stream's real start, and only raw streams. */
	if (!PCF(st, PCF_HAS_SEQ, dir) || p->tcp_seq != st->next_seq[dir] ||
	    f->dis != NULL)
		return;
	x = w != NULL ? xfer_find(w, f, det_now_us(ctx)) : NULL;
	if ((format = magic_of(t, pl, p->pl_len, x != NULL ? x->name : NULL,
	    x != NULL ? x->name_len : 0)) == NULL)
		return;
	if (x != NULL)
		x->used = 1;
	file_report(ctx, st, format, x != NULL ? "ftp-data" : "tcp", x,
	    x != NULL ? x->name : NULL, x != NULL ? x->name_len : 0,
	    dir == DIR_TO_SERVER, -1);
}

static void
pc_packet(struct detctx *ctx, void *fs, const struct pkt *p, int dir)
{
	struct pc_flow *st = fs;
	const struct flow *f = det_flow(ctx);

	if (p->nencap > 0 && !(PCF(st, PCF_GRE, 0) && PCF(st, PCF_GRE, 1)) &&
	    st->mirror == 0)
		gre_direction(ctx, st, p, dir);
	if (f->key.proto != 6 || PCF(st, PCF_LOOKED, dir))
		return;
	if ((p->tcp_flags & 0x02) && !PCF(st, PCF_HAS_SEQ, dir)) {	/* SYN */
		PCF_SET(st, PCF_HAS_SEQ, dir);
		st->next_seq[dir] = p->tcp_seq + 1;
	}
	if (p->pl_len > 0)
		stream_start(ctx, st, p, dir);
}

/* ---- commands ------------------------------------------------------------ */

static void
command_fact(struct detctx *ctx, const struct command_fact *c)
{
	const struct pc_tables *t = det_tables(ctx);
	struct pc_worker *w = det_worker_state(ctx);
	const struct flow *f = det_flow(ctx);
	struct finding fd;
	char text[48], line[128];
	unsigned i;
	size_t k, n;
	int dev;

	if (t == NULL || f == NULL)
		return;
	for (i = 0; i < t->nc; i++)
		if (glob_match(&t->c[i].g, c->line, c->line_len, NULL, 0))
			break;
	if (i == t->nc)
		return;
	if (w != NULL)
		w->commands++;
	dev = is_device(ctx, f->key.family, flow_server_addr(f));
	n = c->line_len < sizeof(line) - 1 ? c->line_len : sizeof(line) - 1;
	for (k = 0; k < n; k++)
		line[k] = c->line[k] >= 0x20 && c->line[k] < 0x7f ?
		    (char)c->line[k] : '?';
	line[n] = '\0';
	finding_init(&fd, FK_PACKET_CAPTURE, dev ? SEV_HIGH : SEV_MEDIUM, 90);
	finding_mitre(&fd, "T1040");
	finding_str(&fd, "type", "command");
	finding_str(&fd, "tool", t->c[i].tool);
	finding_str(&fd, "command", line);
	finding_str(&fd, "protocol", c->proto);
	addr_text(f->key.family, flow_server_addr(f), text);
	finding_str(&fd, "device", text);
	finding_bool(&fd, "on_device", dev);
	det_emit(ctx, &fd);
}

/* ---- mirror facts (rpcap) ------------------------------------------------- */

static void
mirror_fact(struct detctx *ctx, struct pc_flow *st,
    const struct mirror_fact *mf)
{
	const struct flow *f = det_flow(ctx);
	struct encap_layer o;

	if (f == NULL)
		return;
	memset(&o, 0, sizeof(o));
	o.family = mf->family;
	memcpy(o.src, mf->src, 16);
	memcpy(o.dst, mf->dst, 16);
	if (mf->family == 0) {		/* the flow itself */
		o.family = f->key.family;
		memcpy(o.src, mf->exporter_is_client ? flow_client_addr(f) :
		    flow_server_addr(f), f->key.family == 6 ? 16 : 4);
		memcpy(o.dst, mf->exporter_is_client ? flow_server_addr(f) :
		    flow_client_addr(f), f->key.family == 6 ? 16 : 4);
	}
	o.id = mf->session;
	mirror_hit(ctx, st, "rpcap", &o, 6);
}

static void
pc_fact(struct detctx *ctx, void *fs, const struct fact *fa)
{
	switch (fa->type) {
	case FACT_FILE:
		file_fact(ctx, fs, fa->u.file);
		break;
	case FACT_COMMAND:
		command_fact(ctx, fa->u.cmd);
		break;
	case FACT_MIRROR:
		mirror_fact(ctx, fs, fa->u.mirror);
		break;
	default:
		break;
	}
}

/* ---- flow end, end of input ------------------------------------------------ */

static void
pc_flow_end(struct detctx *ctx, void *fs)
{
	struct pc_flow *st = fs;
	struct pc_worker *w = det_worker_state(ctx);
	const struct flow *f = det_flow(ctx);
	struct mirror *m;

	if (st->mirror == 0 || w == NULL || st->mirror > w->nmirrors)
		return;
	m = &w->mirrors[st->mirror - 1];
	m->packets += f->pkts[0] + f->pkts[1];
	m->bytes += f->bytes[0] + f->bytes[1];
	m->flows++;
	if (f->last_us > m->last_us)
		m->last_us = f->last_us;
}

/* At the end: each stream's counts, added up over workers (edge_correlate). */
static void
pc_tick(struct detctx *ctx, uint64_t now_us, int final)
{
	struct pc_worker *w = det_worker_state(ctx);
	struct finding_endpoints ep;
	struct finding fd;
	const struct mirror *m;
	unsigned i;

	(void)now_us;
	if (!final || w == NULL)
		return;
	for (i = 0; i < w->nmirrors; i++) {
		m = &w->mirrors[i];
		if (m->flows == 0)
			continue;
		finding_init(&fd, FK_PACKET_CAPTURE, SEV_INFO, 0);
		fd.fold_key = mirror_key(m);
		fd.fold_tally = 1;
		fd.fold_sum[0] = m->packets;
		fd.fold_sum[1] = m->bytes;
		fd.fold_sum[2] = m->flows;
		mirror_endpoints(m, &ep);
		det_emit_endpoints(ctx, &fd, &ep, m->order);
	}
}

static const uint8_t pc_protos[] = { 1, 6, 17, 58, 0 };

const struct detector packet_capture_detector = {
	.name = "packet_capture",
	.description = "mirror and remote-capture streams (ERSPAN, TZSP, GRE, "
	    "rpcap), capture files on the wire, capture commands: "
	    "packet_capture",
	.events = DET_EV_FLOW_START | DET_EV_PACKET | DET_EV_FACT |
	    DET_EV_FLOW_END | DET_EV_TICK,
	.fact_mask = (1u << FACT_FILE) | (1u << FACT_COMMAND) |
	    (1u << FACT_MIRROR),
	.ip_protos = pc_protos,
	.flow_state_size = sizeof(struct pc_flow),
	.load = pc_load,
	.unload = pc_unload,
	.worker_new = pc_worker_new,
	.worker_free = pc_worker_free,
	.flow_start = pc_flow_start,
	.packet = pc_packet,
	.fact = pc_fact,
	.flow_end = pc_flow_end,
	.tick = pc_tick,
	.counters = pc_counters,
};
