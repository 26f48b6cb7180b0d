/*
 * dpi.c - nDPI per worker; see dpi.h.
 *
 * nDPI runs on a flow until its detection is final (a protocol found and no
 * extra dissection possible) or ndpi_max_packets packets have gone by, when
 * it is asked to give up (and may guess).  Then the detectors get the
 * application fact and the large nDPI flow struct is freed.  With
 * ndpi_max_packets 0, nDPI sees no packet and no flow gets an application
 * fact (edgeward.conf(5)).
 */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi_api.h>

#include "detect.h"
#include "dpi.h"
#include "flow.h"
#include "worker.h"

/*
 * Bytes nDPI holds, counted by the allocator hooks for the calling thread
 * (see dpi.h).  malloc_usable_size() sizes a block without a header of our
 * own, so memory nDPI frees with free() instead of ndpi_free() (or the
 * reverse) is still safe; only the count would drift.
 */
static _Thread_local int64_t dpi_thread_bytes;

static void *
dpi_malloc(size_t n)
{
	void *p = malloc(n);

	if (p != NULL)
		dpi_thread_bytes += (int64_t)malloc_usable_size(p);
	return p;
}

static void
dpi_free(void *p)
{
	if (p == NULL)
		return;
	dpi_thread_bytes -= (int64_t)malloc_usable_size(p);
	free(p);
}

static void
hooks_install(void)
{
	set_ndpi_malloc(dpi_malloc);
	set_ndpi_free(dpi_free);
}

void
dpi_global_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	(void)pthread_once(&once, hooks_install);
}

/*
 * Charges (or releases) the bytes an nDPI call made for flow f: `before` is
 * the thread's count before the call.
 */
static void
account(struct worker *w, struct flow *f, int64_t before)
{
	int64_t d = dpi_thread_bytes - before;
	uint64_t r;

	if (d > 0) {
		if (flow_mem_charge(w->flows, (size_t)d) < 0) {
			/* nDPI has the memory already: count it anyway. */
			flow_mem_force(w->flows, (size_t)d);
			w->dpist.over_memcap++;
		}
		f->ndpi_mem += (uint64_t)d;
		w->dpist.charged += (uint64_t)d;
		w->dpist.memory += (uint64_t)d;
		if (w->dpist.memory > w->dpist.peak_memory)
			w->dpist.peak_memory = w->dpist.memory;
	} else if (d < 0) {
		r = (uint64_t)-d;
		w->dpist.memory -= r < w->dpist.memory ? r : w->dpist.memory;
		/* nDPI may free its own caches during a flow's call. */
		if (r > f->ndpi_mem)
			r = f->ndpi_mem;
		flow_mem_release(w->flows, (size_t)r);
		f->ndpi_mem -= r;
		w->dpist.charged -= r;
	}
}

/* A detection module as every worker uses it; *bytes: what it took. */
static struct ndpi_detection_module_struct *
module_new(uint64_t *bytes)
{
	struct ndpi_detection_module_struct *m;
	NDPI_PROTOCOL_BITMASK all;
	int64_t before;

	dpi_global_init();
	before = dpi_thread_bytes;
	if ((m = ndpi_init_detection_module(ndpi_no_prefs)) == NULL)
		return NULL;
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(m, &all);
	ndpi_finalize_initialization(m);
	if (bytes != NULL)
		*bytes = dpi_thread_bytes > before ?
		    (uint64_t)(dpi_thread_bytes - before) : 0;
	return m;
}

int
dpi_init(struct worker *w, char *errbuf, size_t errlen)
{
	if ((w->ndpi_scratch = calloc(DPI_SCRATCH, SIZEOF_FLOW_STRUCT)) ==
	    NULL ||
	    (w->ndpi_pkt = malloc(DPI_PKT_MAX)) == NULL) {
		free(w->ndpi_scratch);
		w->ndpi_scratch = NULL;
		snprintf(errbuf, errlen, "out of memory for nDPI");
		return -1;
	}
	/* The module main opened for the signatures: worker 0's now. */
	if (w->id == 0 && w->s->ndpi_spare != NULL) {
		w->ndpi = w->s->ndpi_spare;
		w->dpist.module_memory = w->s->ndpi_spare_bytes;
		return 0;
	}
	if ((w->ndpi = module_new(&w->dpist.module_memory)) == NULL) {
		snprintf(errbuf, errlen, "nDPI failed to initialise");
		return -1;
	}
	return 0;
}

void
dpi_fini(struct worker *w)
{
	if (w->ndpi != NULL)
		ndpi_exit_detection_module(w->ndpi);
	w->ndpi = NULL;
	free(w->ndpi_scratch);
	w->ndpi_scratch = NULL;
	free(w->ndpi_pkt);
	w->ndpi_pkt = NULL;
}

struct ndpi_detection_module_struct *
dpi_names_open(uint64_t *bytes)
{
	return module_new(bytes);
}

int
dpi_names_id(struct ndpi_detection_module_struct *m, const char *name)
{
	char buf[64];
	int id;

	if (m == NULL || strlen(name) >= sizeof(buf))
		return -1;
	/* nDPI's lookup compares case-insensitively but wants a char *. */
	snprintf(buf, sizeof(buf), "%s", name);
	id = ndpi_get_protocol_id(m, buf);
	return id > 0 ? id : -1;
}

void
dpi_names_close(struct ndpi_detection_module_struct *m)
{
	if (m != NULL)
		ndpi_exit_detection_module(m);
}

static enum app_basis
basis_of(const struct ndpi_flow_struct *nf, ndpi_protocol r, int guessed)
{
	if (r.app_protocol == NDPI_PROTOCOL_UNKNOWN &&
	    r.master_protocol == NDPI_PROTOCOL_UNKNOWN)
		return APP_UNKNOWN;
	switch (nf->confidence) {
	case NDPI_CONFIDENCE_MATCH_BY_IP:
		return APP_BY_IP;
	case NDPI_CONFIDENCE_MATCH_BY_PORT:
		return APP_BY_PORT;
	case NDPI_CONFIDENCE_DPI:
	case NDPI_CONFIDENCE_DPI_CACHE:
		return guessed ? APP_BY_PORT : APP_BY_DPI;
	default:
		return guessed ? APP_BY_PORT : APP_UNKNOWN;
	}
}

static int
is_tls_like(uint16_t id)
{
	return id == NDPI_PROTOCOL_TLS || id == NDPI_PROTOCOL_QUIC ||
	    id == NDPI_PROTOCOL_DTLS;
}

static const char *
nonempty(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

/* The classification is final: tell the detectors, free nDPI's state. */
static void
finish(struct worker *w, struct flow *f, ndpi_protocol r, int guessed)
{
	struct ndpi_flow_struct *nf = f->ndpi;
	struct app_fact a;
	char name[64], user[sizeof(nf->l4.tcp.ftp_imap_pop_smtp.username) + 1];
	int64_t before;
	int tls;

	f->app_master = r.master_protocol;
	f->app_proto = r.app_protocol;
	f->app_category = (uint16_t)r.category;
	f->dpi_done = 1;
	if (nf == NULL)
		return;
	memset(&a, 0, sizeof(a));
	a.master_id = r.master_protocol;
	a.app_id = r.app_protocol;
	if (r.master_protocol != NDPI_PROTOCOL_UNKNOWN)
		a.master = ndpi_get_proto_name(w->ndpi, r.master_protocol);
	if (r.app_protocol != NDPI_PROTOCOL_UNKNOWN)
		a.app = ndpi_get_proto_name(w->ndpi, r.app_protocol);
	a.name = dpi_app_name(w, f, name, sizeof(name));
	a.category = dpi_app_category(w, f);
	a.basis = basis_of(nf, r, guessed);
	a.guessed = a.basis != APP_BY_DPI;
	a.risks = nf->risk;
	a.server_name = nonempty(nf->host_server_name);
	a.user_agent = nonempty(nf->http.user_agent);
	tls = is_tls_like(r.master_protocol) || is_tls_like(r.app_protocol);
	if (tls) {
		a.tls_subject = nonempty(nf->protos.tls_quic.subjectDN);
		a.tls_issuer = nonempty(nf->protos.tls_quic.issuerDN);
		a.ja3 = nonempty(nf->protos.tls_quic.ja3_client);
		a.ja3s = nonempty(nf->protos.tls_quic.ja3_server);
	}
	if (f->key.proto == 6) {
		/* nDPI's buffer need not be terminated when full. */
		memcpy(user, nf->l4.tcp.ftp_imap_pop_smtp.username,
		    sizeof(user) - 1);
		user[sizeof(user) - 1] = '\0';
		a.user = nonempty(user);
	}
	a.dissected = f->dis != NULL;
	detect_app(w, f, &a);
	before = dpi_thread_bytes;
	/* nDPI frees its TCP or UDP buffers by the transport of the last
	 * packet it parsed; one it could not walk to (AH, HIP, shim6)
	 * leaves another number there: then the flow's transport is the
	 * one whose buffers nDPI holds. */
	if (nf->l4_proto != 6 && nf->l4_proto != 17)
		nf->l4_proto = f->key.proto;
	if ((const char *)nf >= (const char *)w->ndpi_scratch &&
	    (const char *)nf < (const char *)w->ndpi_scratch +
	    DPI_SCRATCH * SIZEOF_FLOW_STRUCT)
		ndpi_free_flow_data(nf);	/* the worker's, not the flow's */
	else
		ndpi_flow_free(nf);
	f->ndpi = NULL;
	account(w, f, before);
	/* What nDPI kept for itself past the flow (its caches) stays counted
	 * in dpist.memory, no longer against this flow. */
	flow_mem_release(w->flows, (size_t)f->ndpi_mem);
	w->dpist.charged -= f->ndpi_mem;
	f->ndpi_mem = 0;
}

static void
give_up(struct worker *w, struct flow *f)
{
	ndpi_protocol r;
	uint8_t guessed = 0;
	int64_t before = dpi_thread_bytes;

	r = ndpi_detection_giveup(w->ndpi, f->ndpi, 1, &guessed);
	account(w, f, before);
	w->dpist.giveups++;
	if (guessed)
		w->dpist.guessed++;
	finish(w, f, r, guessed);
}

/*
 * Deferred nDPI state (TCP): until a flow's first payload its packets are
 * run through the worker's scratch state, after a replay of the ones
 * before them, and only logged (flow.h, struct flow_prepkt) when that
 * shows nDPI learnt nothing from them: no protocol, nothing allocated.
 * SYN floods, scans and handshakes that go nowhere then cost no nDPI
 * state.  When the first payload comes (or the log is full, or nDPI did
 * learn something) the state is allocated and the log replayed into it,
 * so nDPI sees exactly the packets it always saw, in order, with their
 * times.  nDPI reads a payload-less TCP packet's addresses, ports,
 * flags, sequence and acknowledgement numbers only (4.2: connection
 * tracking, the port/address guess, the no-payload dissectors), which is
 * what the log keeps.
 */

/* A payload-less IPv4/IPv6 + TCP packet from a log entry; its length. */
static unsigned short
pre_build(const struct flow *f, const struct flow_prepkt *pp, uint8_t *buf)
{
	const uint8_t *src = pp->to_server ? flow_client_addr(f) :
	    flow_server_addr(f);
	const uint8_t *dst = pp->to_server ? flow_server_addr(f) :
	    flow_client_addr(f);
	uint16_t sport = pp->to_server ? flow_client_port(f) :
	    flow_server_port(f);
	uint16_t dport = pp->to_server ? flow_server_port(f) :
	    flow_client_port(f);
	uint8_t *t;
	unsigned short n;

	if (f->key.family == 6) {
		memset(buf, 0, 40);
		buf[0] = 0x60;
		buf[5] = 20;		/* payload length */
		buf[6] = 6;		/* next header: TCP */
		buf[7] = 64;
		memcpy(buf + 8, src, 16);
		memcpy(buf + 24, dst, 16);
		t = buf + 40;
		n = 60;
	} else {
		memset(buf, 0, 20);
		buf[0] = 0x45;
		buf[3] = 40;		/* total length */
		buf[6] = 0x40;		/* DF */
		buf[8] = 64;
		buf[9] = 6;
		memcpy(buf + 12, src, 4);
		memcpy(buf + 16, dst, 4);
		t = buf + 20;
		n = 40;
	}
	memset(t, 0, 20);
	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8);
	t[3] = (uint8_t)dport;
	t[4] = (uint8_t)(pp->seq >> 24);
	t[5] = (uint8_t)(pp->seq >> 16);
	t[6] = (uint8_t)(pp->seq >> 8);
	t[7] = (uint8_t)pp->seq;
	t[8] = (uint8_t)(pp->ack >> 24);
	t[9] = (uint8_t)(pp->ack >> 16);
	t[10] = (uint8_t)(pp->ack >> 8);
	t[11] = (uint8_t)pp->ack;
	t[12] = 0x50;
	t[13] = pp->flags;
	return n;
}

/* Replays flow f's logged packets into nDPI state nf. */
static void
pre_replay(struct worker *w, const struct flow *f,
    struct ndpi_flow_struct *nf)
{
	uint8_t buf[64];
	unsigned i;
	unsigned short n;

	for (i = 0; i < f->npre; i++) {
		n = pre_build(f, &f->pre[i], buf);
		(void)ndpi_detection_process_packet(w->ndpi, nf, buf, n,
		    (f->first_us + f->pre[i].dt_us) / 1000);
	}
}

/*
 * The datagram as nDPI is to see it (see dpi.h): the IP datagram itself,
 * or for IPv6 with extension headers a copy in w->ndpi_pkt of the fixed
 * header (next header: the transport, payload length: the transport's
 * bytes) followed by the transport header and payload.  *lenp is 0 when
 * there is nothing nDPI can read.
 */
static const uint8_t *
dpi_view(struct worker *w, const struct pkt *p, unsigned short *lenp)
{
	uint32_t len, end, l4;

	len = p->caplen - p->l3_off;
	if (len > p->l3_len)
		len = p->l3_len;
	if (len > 0xffff)
		len = 0xffff;
	*lenp = (unsigned short)len;
	if (p->family != 6 || p->l4_off <= p->l3_off + 40 || len < 40 ||
	    w->ndpi_pkt == NULL)
		return p->data + p->l3_off;
	end = p->l3_off + len;
	if (p->l4_off > end) {
		*lenp = 0;
		return p->data + p->l3_off;
	}
	l4 = end - p->l4_off;
	memcpy(w->ndpi_pkt, p->data + p->l3_off, 40);
	w->ndpi_pkt[4] = (uint8_t)((p->l3_len - (p->l4_off - p->l3_off)) >> 8);
	w->ndpi_pkt[5] = (uint8_t)(p->l3_len - (p->l4_off - p->l3_off));
	w->ndpi_pkt[6] = p->proto;
	memcpy(w->ndpi_pkt + 40, p->data + p->l4_off, l4);
	*lenp = (unsigned short)(40 + l4);
	return w->ndpi_pkt;
}

static struct ndpi_flow_struct *
scratch_state(struct worker *w, unsigned k)
{
	return (struct ndpi_flow_struct *)((char *)w->ndpi_scratch +
	    (size_t)k * SIZEOF_FLOW_STRUCT);
}

/*
 * The scratch state that holds flow f after its logged packets (the last
 * trial on it was f's and logged), or -1: then a replay is needed.  A flow
 * starts its log on a fresh state (npre 0), so an address reused by a new
 * flow never matches.
 */
static int
scratch_find(const struct worker *w, const struct flow *f)
{
	unsigned k;

	if (f->npre == 0)
		return -1;
	for (k = 0; k < DPI_SCRATCH; k++)
		if (w->scratch[k].f == f &&
		    w->scratch[k].first_us == f->first_us &&
		    w->scratch[k].npre == f->npre)
			return (int)k;
	return -1;
}

/* Scratch state k is handed over or about to change: it holds no flow. */
static void
scratch_forget(struct worker *w, unsigned k)
{
	w->scratch[k].f = NULL;
	w->scratch[k].used = 0;
}

/* A scratch state holding f after its logged packets: found, or the least
 * recently used one brought there by a replay.  Forgotten on return. */
static unsigned
scratch_load(struct worker *w, const struct flow *f)
{
	int i = scratch_find(w, f);
	unsigned k, lru = 0;

	if (i >= 0) {
		scratch_forget(w, (unsigned)i);
		return (unsigned)i;
	}
	for (k = 1; k < DPI_SCRATCH; k++)
		if (w->scratch[k].used < w->scratch[lru].used)
			lru = k;
	scratch_forget(w, lru);
	memset(scratch_state(w, lru), 0, SIZEOF_FLOW_STRUCT);
	pre_replay(w, f, scratch_state(w, lru));
	return lru;
}

/*
 * A payload-less TCP packet of a flow without nDPI state: tried on the
 * scratch state.  Returns 1 when it was logged instead of kept (nDPI
 * learnt nothing), 0 when the flow now has its own state (f->ndpi, the
 * scratch's, charged) and *r the packet's result.
 */
static int
pre_try(struct worker *w, struct flow *f, const struct pkt *p,
    ndpi_protocol *r)
{
	struct ndpi_flow_struct *nf;
	struct flow_prepkt *pp;
	const uint8_t *pkt;
	unsigned short len;
	int64_t before = dpi_thread_bytes;

	unsigned k = scratch_load(w, f);

	nf = scratch_state(w, k);
	pkt = dpi_view(w, p, &len);
	*r = ndpi_detection_process_packet(w->ndpi, nf, pkt, len,
	    p->ts_us / 1000);
	if (dpi_thread_bytes == before &&
	    r->app_protocol == NDPI_PROTOCOL_UNKNOWN &&
	    r->master_protocol == NDPI_PROTOCOL_UNKNOWN &&
	    nf->detected_protocol_stack[0] == NDPI_PROTOCOL_UNKNOWN &&
	    nf->detected_protocol_stack[1] == NDPI_PROTOCOL_UNKNOWN &&
	    nf->category == NDPI_PROTOCOL_CATEGORY_UNSPECIFIED) {
		pp = &f->pre[f->npre++];
		pp->dt_us = (uint32_t)(p->ts_us - f->first_us);
		pp->seq = p->tcp_seq;
		pp->ack = p->tcp_ack;
		pp->flags = p->tcp_flags;
		pp->to_server = f->client_is_a ==
		    (memcmp(p->src, f->key.a, f->key.family == 6 ? 16 : 4) == 0 &&
		    p->sport == f->key.pa);
		w->scratch[k].f = f;
		w->scratch[k].first_us = f->first_us;
		w->scratch[k].npre = f->npre;
		w->scratch[k].used = ++w->scratch_clock;
		return 1;
	}
	/* nDPI learnt something: the flow keeps this state. */
	if ((f->ndpi = ndpi_flow_malloc(SIZEOF_FLOW_STRUCT)) == NULL) {
		ndpi_free_flow_data(nf);
		account(w, f, before);
		return -1;
	}
	memcpy(f->ndpi, nf, SIZEOF_FLOW_STRUCT);
	f->npre = 0;
	account(w, f, before);
	return 0;
}

/* Whether a packet of a flow without nDPI state may go to the log. */
static int
pre_loggable(const struct flow *f, const struct pkt *p)
{
	return f->key.proto == 6 && p->l4_ok && p->pl_len == 0 &&
	    f->npre < FLOW_PRE_MAX && p->ts_us >= f->first_us &&
	    p->ts_us - f->first_us <= UINT32_MAX &&
	    memcmp(p->src, p->dst, f->key.family == 6 ? 16 : 4) != 0;
}

void
dpi_packet(struct worker *w, struct flow *f, const struct pkt *p)
{
	const uint8_t *pkt;
	unsigned short len;
	ndpi_protocol r;
	int64_t before;
	int rc, i;

	if (f->dpi_done)
		return;
	if (w->s->cfg.ndpi_max_packets == 0) {
		/* Off (a flow nDPI had already seen keeps its state until
		 * its end). */
		f->dpi_done = 1;
		return;
	}
	if (f->dpi_pkts == 0)
		w->dpist.flows++;
	if (f->ndpi == NULL && pre_loggable(f, p)) {
		if ((rc = pre_try(w, f, p, &r)) == 1) {
			f->dpi_pkts++;
			return;
		}
		if (rc < 0) {
			f->dpi_done = 1;
			worker_weird(w, "ndpi_alloc_failed");
			return;
		}
		goto result;
	}
	before = dpi_thread_bytes;
	if (f->ndpi == NULL) {
		if ((f->ndpi = ndpi_flow_malloc(SIZEOF_FLOW_STRUCT)) == NULL) {
			f->dpi_done = 1;
			worker_weird(w, "ndpi_alloc_failed");
			return;
		}
		if ((i = scratch_find(w, f)) >= 0) {
			/* nothing nDPI-owned in it: logged trials allocate
			 * nothing */
			memcpy(f->ndpi, scratch_state(w, (unsigned)i),
			    SIZEOF_FLOW_STRUCT);
			scratch_forget(w, (unsigned)i);
		} else {
			memset(f->ndpi, 0, SIZEOF_FLOW_STRUCT);
			pre_replay(w, f, f->ndpi);
		}
		f->npre = 0;
	}
	pkt = dpi_view(w, p, &len);
	r = ndpi_detection_process_packet(w->ndpi, f->ndpi, pkt, len,
	    p->ts_us / 1000);
	account(w, f, before);
result:
	f->dpi_pkts++;
	if ((r.app_protocol != NDPI_PROTOCOL_UNKNOWN ||
	    r.master_protocol != NDPI_PROTOCOL_UNKNOWN) &&
	    !ndpi_extra_dissection_possible(w->ndpi, f->ndpi)) {
		finish(w, f, r, 0);
		return;
	}
	if (f->dpi_pkts >= w->s->cfg.ndpi_max_packets)
		give_up(w, f);
}

void
dpi_flow_end(struct worker *w, struct flow *f)
{
	int64_t before;

	if (f->ndpi == NULL && !f->dpi_done && f->npre > 0) {
		/* Logged packets only: nDPI's last word on them, from the
		 * scratch state. */
		before = dpi_thread_bytes;
		f->ndpi = scratch_state(w, scratch_load(w, f));
		f->npre = 0;
		account(w, f, before);
	}
	if (f->ndpi != NULL)
		give_up(w, f);
}

/* Appends s to buf (holding *n bytes), truncating; keeps it terminated. */
static void
append(char *buf, size_t len, size_t *n, const char *s)
{
	size_t k = strlen(s);

	if (*n + k >= len)
		k = len - 1 - *n;
	memcpy(buf + *n, s, k);
	*n += k;
	buf[*n] = '\0';
}

const char *
dpi_app_name(struct worker *w, const struct flow *f, char *buf, size_t len)
{
	uint16_t master = f->app_master, app = f->app_proto;
	size_t n = 0;

	/* Detection still running: what nDPI has found so far. */
	if (master == 0 && app == 0 && f->ndpi != NULL) {
		app = f->ndpi->detected_protocol_stack[0];
		master = f->ndpi->detected_protocol_stack[1];
	}
	if ((master == 0 && app == 0) || len < 2)
		return NULL;
	/*
	 * nDPI's "MASTER.APP" naming (ndpi_protocol2name), without its
	 * snprintf: this runs for every flow whose classification ends.
	 */
	buf[0] = '\0';
	if (master != 0 && master != app) {
		append(buf, len, &n, ndpi_get_proto_name(w->ndpi, master));
		if (app != 0)
			append(buf, len, &n, ".");
	}
	if (app != 0)
		append(buf, len, &n, ndpi_get_proto_name(w->ndpi, app));
	return buf;
}

const char *
dpi_app_category(struct worker *w, const struct flow *f)
{
	unsigned cat = f->app_category;

	if (cat == 0 && f->ndpi != NULL)
		cat = f->ndpi->category;	/* detection still running */
	if (cat == NDPI_PROTOCOL_CATEGORY_UNSPECIFIED)
		return NULL;
	return ndpi_category_get_name(w->ndpi, (ndpi_protocol_category_t)cat);
}
