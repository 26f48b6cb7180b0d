/*
 * capture.c - pcap/pcapng files and live interfaces into the workers' rings;
 * see capture.h.
 *
 * Offline there is one reader (this thread) and the input is read in order,
 * file after file, as one stream of packets: classic pcap files by
 * pcapfile.c, in place in its read buffer, everything else by libpcap.  A
 * full worker ring makes the reader wait: nothing is lost.  An inline worker
 * (one worker, one CPU: worker.h) is run by the reader itself on the read
 * buffer, no ring.
 * Live there is one reader thread per interface; a full worker ring is a
 * counted drop (capture must never stall, or the kernel drops instead,
 * uncounted by us).
 */
#include "ac-config.h"	/* _GNU_SOURCE: fopencookie */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "afpacket.h"
#include "capture.h"
#include "clock.h"
#include "flow.h"
#include "pcapfile.h"
#include "ring.h"
#include "sensor.h"
#include "worker.h"

#define TICK_PACKETS	1024
#define TICK_US		1000000ULL	/* offline: at least every second of pcap time */
#define LIVE_TICK_MS	100
#define READ_BUFFER	(1 << 20)	/* offline read(2) size */

struct reader {
	struct capture	*c;
	unsigned	 idx;
	pcap_t		*h;
	FILE		*fp;		/* offline: ours, closed by pcap_close */
	char		*iobuf;		/* fp's buffer, freed after pcap_close */
	/*
	 * Offline, a classic pcap file is read by pcapfile.c (fast): h then
	 * only gave its link type and compiled the filter, kept in prog.
	 */
	int		 fast;
	struct pcapfile	 pf;
	struct bpf_program prog;
	int		 has_prog;
	int		 checked;	/* opened once at start */
	const char	*name;
	int		 linktype;
	uint64_t	 seq;
	uint64_t	 last_tick_seq;
	uint64_t	 last_tick_us;
	uint64_t	 last_ts;
	uint64_t	 size;		/* offline: bytes, 0 if not a file */
	pthread_t	 thread;
	struct pkt	 pkt;
	int		 rc;
	char		 err[512];
};

/* ---- offline inputs (issue 13) ------------------------------------------ */

/*
 * Every capture file libpcap reads (pcapng, FIFOs, standard input, the
 * older pcap variants; pcapfile.h takes the rest) is read through a stdio
 * cookie of ours:
 *  - it waits in poll() (200 ms at a time) and gives up when the stop flag
 *    is set, so SIGTERM ends a run whose FIFO writer never came or stalled
 *    (a plain read(2) or open(2) would block with the signals restarted);
 *    a FIFO is opened without blocking, and nothing is read from it before
 *    poll() says a writer came (data, or POLLHUP once it went);
 *  - it counts the bytes read, so ftell() costs no system call (glibc's
 *    ftell() on a file made an lseek(2) per call), and a damaged file can
 *    be reported with the offset where its last whole record ends.
 */
struct input {
	int				 fd;
	int				 own;	/* not standard input */
	const volatile sig_atomic_t	*stop;
	uint64_t			 pos;
};

static ssize_t
input_read(void *cookie, char *buf, size_t n)
{
	struct input *in = cookie;
	struct pollfd pfd;
	ssize_t k;

	for (;;) {
		if (*in->stop) {
			errno = EINTR;
			return -1;
		}
		pfd.fd = in->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		k = read(in->fd, buf, n);
		if (k < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (k > 0)
			in->pos += (uint64_t)k;
		return k;
	}
}

/* ftell() only: libpcap never seeks a capture it reads. */
static int
input_seek(void *cookie, off64_t *off, int whence)
{
	struct input *in = cookie;

	if (whence != SEEK_CUR || *off != 0) {
		errno = ESPIPE;
		return -1;
	}
	*off = (off64_t)in->pos;
	return 0;
}

static int
input_close(void *cookie)
{
	struct input *in = cookie;

	if (in->own)
		close(in->fd);
	free(in);
	return 0;
}

/* f is a path, or "-" for standard input.  NULL: errno set. */
static FILE *
input_open(const char *f, const volatile sig_atomic_t *stop)
{
	static const cookie_io_functions_t io = {
		.read = input_read, .seek = input_seek, .close = input_close
	};
	struct input *in;
	off_t at;
	FILE *fp;

	if ((in = calloc(1, sizeof(*in))) == NULL)
		return NULL;
	in->stop = stop;
	if (strcmp(f, "-") == 0) {
		in->fd = STDIN_FILENO;
		/* Standard input may start part-way into a file. */
		if ((at = lseek(in->fd, 0, SEEK_CUR)) > 0)
			in->pos = (uint64_t)at;
	} else if ((in->fd = open(f, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		free(in);
		return NULL;
	} else
		in->own = 1;
	if ((fp = fopencookie(in, "r", io)) == NULL) {
		input_close(in);
		return NULL;
	}
	return fp;
}

/* A regular file, or standard input redirected from one. */
static int
is_regular(const char *f)
{
	struct stat sb;

	if (strcmp(f, "-") == 0)
		return fstat(STDIN_FILENO, &sb) == 0 && S_ISREG(sb.st_mode);
	return stat(f, &sb) == 0 && S_ISREG(sb.st_mode);
}

/*
 * Compiles the filter and sets it on h; with keep (a file read by
 * pcapfile.c, which applies it itself), also keeps the program in *keep
 * (*has set).
 */
static int
apply_filter(pcap_t *h, const char *name, const char *bpf, char *errbuf,
    size_t errlen, struct bpf_program *keep, int *has)
{
	struct bpf_program prog;

	if (bpf == NULL || bpf[0] == '\0')
		return 0;
	if (pcap_compile(h, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(errbuf, errlen, "bad capture filter '%s': %s", bpf,
		    pcap_geterr(h));
		return -1;
	}
	if (keep != NULL) {
		*keep = prog;
		*has = 1;
		return 0;
	}
	if (pcap_setfilter(h, &prog) < 0) {
		snprintf(errbuf, errlen, "cannot set the filter on %s: %s", name,
		    pcap_geterr(h));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

static int
open_offline(struct capture *c, unsigned i, char *errbuf, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	const char *f = c->files[i];
	struct reader *r = &c->readers[i];
	struct stat sb;
	int fd;

	/*
	 * A regular file in the classic format is read by pcapfile.c;
	 * libpcap still opens it, for its link type, snapshot length and
	 * filter (and reads only its header).
	 */
	r->fast = 0;
	if (strcmp(f, "-") != 0 && is_regular(f) &&
	    (fd = open(f, O_RDONLY | O_CLOEXEC)) >= 0) {
		if (pcapfile_open(&r->pf, fd, READ_BUFFER) == 1)
			r->fast = 1;
		else
			close(fd);
	}
	/*
	 * Our own FILE with a large buffer: libpcap reads through stdio, and
	 * the default buffer makes one read(2) per 4 KiB.
	 */
	if ((r->fp = input_open(f, c->s->stop)) == NULL) {
		snprintf(errbuf, errlen, "cannot read capture %s: %s (give a "
		    "readable pcap or pcapng file)", f, strerror(errno));
		return -1;
	}
	if (!r->fast && (r->iobuf = malloc(READ_BUFFER)) != NULL)
		setvbuf(r->fp, r->iobuf, _IOFBF, READ_BUFFER);
	r->h = pcap_fopen_offline_with_tstamp_precision(r->fp,
	    PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (r->h == NULL) {
		fclose(r->fp);
		r->fp = NULL;
		if (*c->s->stop)
			snprintf(perr, sizeof(perr), "stopped before the "
			    "capture's header came");
	}
	if (r->h == NULL) {
		snprintf(errbuf, errlen, "cannot read capture %s: %s (give a "
		    "readable pcap or pcapng file)", f, perr);
		return -1;
	}
	if (r->fast && (uint32_t)pcap_snapshot(r->h) != r->pf.snapshot) {
		/* Not a file as we understood it: libpcap reads it. */
		pcapfile_close(&r->pf);
		r->fast = 0;
	}
	r->linktype = pcap_datalink(r->h);
	if (!decode_link_supported(r->linktype)) {
		snprintf(errbuf, errlen, "%s: link type %s (%d) is not supported "
		    "(Ethernet, Linux cooked, raw IP, BSD loopback, PPP, Cisco "
		    "HDLC and 802.11, bare or with radiotap or PPI, are)", f,
		    pcap_datalink_val_to_name(r->linktype) ?
		    pcap_datalink_val_to_name(r->linktype) : "?", r->linktype);
		return -1;
	}
	/* Sizes count once: a file is opened to be checked, then again to be
	 * read. */
	if (!r->checked) {
		r->checked = 1;
		if (strcmp(f, "-") != 0 && stat(f, &sb) == 0 &&
		    S_ISREG(sb.st_mode)) {
			r->size = (uint64_t)sb.st_size;
			c->file_bytes_total += r->size;
		} else
			c->sizes_known = 0;
	}
	r->name = f;
	return apply_filter(r->h, f, c->s->cfg.bpf, errbuf, errlen,
	    r->fast ? &r->prog : NULL, &r->has_prog);
}

static int
open_live(struct capture *c, unsigned i, char *errbuf, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	const struct config *cfg = &c->s->cfg;
	struct reader *r = &c->readers[i];
	const char *ifc = c->ifaces[i];
	int rc;

	if ((r->h = pcap_create(ifc, perr)) == NULL) {
		snprintf(errbuf, errlen, "cannot capture on %s: %s", ifc, perr);
		return -1;
	}
	pcap_set_snaplen(r->h, (int)cfg->snaplen);
	pcap_set_promisc(r->h, cfg->promisc);
	pcap_set_timeout(r->h, LIVE_TICK_MS);
	pcap_set_buffer_size(r->h, (int)((size_t)cfg->buffer_mb << 20));
	rc = pcap_activate(r->h);
	if (rc < 0) {
		switch (rc) {
		case PCAP_ERROR_NO_SUCH_DEVICE:
			snprintf(errbuf, errlen, "no such interface '%s' (list "
			    "them with 'ip link')", ifc);
			break;
		case PCAP_ERROR_PERM_DENIED:
			snprintf(errbuf, errlen, "permission denied capturing on "
			    "%s (run as root or grant CAP_NET_RAW)", ifc);
			break;
		case PCAP_ERROR_IFACE_NOT_UP:
			snprintf(errbuf, errlen, "interface %s is down (ip link "
			    "set %s up)", ifc, ifc);
			break;
		default:
			snprintf(errbuf, errlen, "cannot capture on %s: %s", ifc,
			    pcap_geterr(r->h));
		}
		return -1;
	}
	if (r->fast && (uint32_t)pcap_snapshot(r->h) != r->pf.snapshot) {
		/* Not a file as we understood it: libpcap reads it. */
		pcapfile_close(&r->pf);
		r->fast = 0;
	}
	r->linktype = pcap_datalink(r->h);
	if (!decode_link_supported(r->linktype)) {
		snprintf(errbuf, errlen, "%s: link type %d is not supported", ifc,
		    r->linktype);
		return -1;
	}
	/*
	 * With TPACKET_V3 the read timeout never fires while no packet comes,
	 * so a blocking read could wait forever on a quiet link: no ticks, and
	 * no way to notice a stop.  Non-blocking reads and our own bounded
	 * poll() keep both (live_main).
	 */
	if (pcap_setnonblock(r->h, 1, perr) < 0 ||
	    pcap_get_selectable_fd(r->h) < 0) {
		snprintf(errbuf, errlen, "cannot poll the capture on %s: %s", ifc,
		    perr);
		return -1;
	}
	r->name = ifc;
	return apply_filter(r->h, ifc, cfg->bpf, errbuf, errlen, NULL, NULL);
}

/* A file's handle and buffer go once it has been read (or checked). */
static void
close_offline(struct reader *r)
{
	if (r->fast)
		pcapfile_close(&r->pf);
	r->fast = 0;
	if (r->has_prog)
		pcap_freecode(&r->prog);
	r->has_prog = 0;
	if (r->h != NULL)
		pcap_close(r->h);
	r->h = NULL;
	r->fp = NULL;		/* pcap_close closed it */
	free(r->iobuf);
	r->iobuf = NULL;
}

int
capture_open(struct capture *c, char *errbuf, size_t errlen)
{
	unsigned i, n = c->nfiles ? c->nfiles : c->nifaces;
	int rc;

	if (c->nfiles > CAPTURE_MAX_FILES ||
	    c->nifaces > EDGEWARD_MAX_READERS) {
		snprintf(errbuf, errlen, "at most %d files or %d interfaces at "
		    "once", CAPTURE_MAX_FILES, EDGEWARD_MAX_READERS);
		return -1;
	}
	/* Live on Linux: AF_PACKET capture threads, where they can be. */
	if (c->nifaces > 0 && (rc = afpacket_open(c, errbuf, errlen)) != 0)
		return rc < 0 ? -1 : 0;
	if ((c->readers = calloc(n + 1, sizeof(*c->readers))) == NULL ||
	    (c->st = calloc(n + 1, sizeof(*c->st))) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	c->ninputs = n;
	c->sizes_known = 1;
	for (i = 0; i < n; i++) {
		c->readers[i].c = c;
		c->readers[i].idx = i;
		/* Standard input or a pipe after the first input is opened
		 * at its turn: it cannot be read twice, and a pipe's writer
		 * may wait for ours. */
		if (c->nfiles > 0 && i > 0 && (strcmp(c->files[i], "-") == 0 ||
		    !is_regular(c->files[i]))) {
			c->sizes_known = 0;
			continue;
		}
		if ((c->nfiles ? open_offline(c, i, errbuf, errlen) :
		    open_live(c, i, errbuf, errlen)) < 0)
			return -1;
		/* Every file is checked now; all but the first are reopened
		 * in turn. */
		if (c->nfiles > 0 && i > 0)
			close_offline(&c->readers[i]);
	}
	c->progress = c->nfiles > 0 && !c->no_progress &&
	    isatty(STDERR_FILENO);
	return 0;
}

void
capture_close(struct capture *c)
{
	unsigned i;

	afpacket_close(c);
	if (c->readers == NULL)
		return;
	for (i = 0; i < c->ninputs; i++)
		close_offline(&c->readers[i]);
	free(c->readers);
	free(c->st);
	c->readers = NULL;
	c->st = NULL;
}

/*
 * Puts one record on a worker's ring.  Offline waits for room; live counts
 * a drop.  Returns 0 if queued.
 */
static int
push(struct reader *r, struct worker *w, uint32_t type, uint64_t seq,
    uint64_t ts, struct pkt *p, const uint8_t *frame, uint32_t caplen)
{
	struct ring *ring = w->in[r->c->nfiles ? 0 : r->idx];
	struct in_rec *rec;
	unsigned spins = 0;

	if (w->inline_mode) {
		/* The reader runs the worker: the read buffer, in place. */
		worker_item(w, type, seq, ts, p, frame);
		return 0;
	}
	while ((rec = ring_reserve(ring, (uint32_t)sizeof(*rec) + caplen))
	    == NULL) {
		if (r->c->s->live) {
			if (type == IN_PKT) {
				r->c->st[r->idx].ring_drops++;
				return -1;
			}
		} else if (spins == 0) {
			r->c->st[r->idx].ring_waits++;
		}
		if (++spins > 16)
			ring_wait_space(ring, (uint32_t)sizeof(*rec) + caplen,
			    2000);
	}
	rec->type = type;
	rec->reader = r->idx;
	rec->seq = seq;
	rec->ts_us = ts;
	if (p != NULL) {
		/* The decoded packet without its unused encapsulation slots
		 * (most of its size). */
		memcpy(&rec->pkt, p, offsetof(struct pkt, encap));
		memcpy(rec->pkt.encap, p->encap, p->nencap *
		    sizeof(p->encap[0]));
		rec->pkt.data = NULL;
		memcpy(rec->frame, frame, caplen);
	}
	ring_commit(ring);
	return 0;
}

/* Ticks carry the latest packet time seen (never stepping back). */
static void
tick_all(struct reader *r, uint32_t type, uint64_t ts)
{
	struct capture *c = r->c;
	unsigned i;

	for (i = 0; i < c->nworkers; i++) {
		push(r, &c->workers[i], type, r->seq, ts, NULL, NULL, 0);
		if (!c->workers[i].inline_mode)
			ring_kick(c->workers[i].in[c->nfiles ? 0 : r->idx]);
	}
	/*
	 * Every ring is published now (ring_kick): only then may a worker
	 * take dispatched as "nothing at or below this is still coming".
	 */
	atomic_store_explicit(&c->dispatched, r->seq, memory_order_release);
	r->last_tick_seq = r->seq;
	r->last_tick_us = ts;
}

/* FNV-1a of a MAC address: spreads link-layer frames over the workers. */
static uint32_t
mac_hash(const uint8_t *mac)
{
	uint32_t h = 2166136261u;
	unsigned i;

	for (i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;
	return h;
}

static void
one_packet(struct reader *r, const struct pcap_pkthdr *hdr,
    const uint8_t *bytes)
{
	struct capture *c = r->c;
	struct reader_stats *st = &c->st[r->idx];
	struct pkt *p = &r->pkt;
	uint64_t ts = (uint64_t)hdr->ts.tv_sec * 1000000 +
	    (uint64_t)hdr->ts.tv_usec;
	unsigned wi = 0;

	/*
	 * Findings carry the real packet time even when a capture steps back
	 * in time (or a later file is older); timeouts then simply wait until
	 * time moves past them again.
	 */
	if (ts > r->last_ts)
		r->last_ts = ts;
	if (st->first_ts_us == 0 || ts < st->first_ts_us)
		st->first_ts_us = ts;
	if (ts > st->last_ts_us)
		st->last_ts_us = ts;
	st->packets++;
	st->bytes += hdr->len;
	r->seq++;
	if (decode_packet(&c->s->dopts, &st->dstats, p, r->linktype, bytes,
	    hdr->caplen, hdr->len, ts) < 0) {
		st->non_ip++;
		/*
		 * LLDP, CDP and their kind name the device that sent them:
		 * one worker (by the sender's MAC) gets the frame.
		 */
		if (decode_link_control(r->linktype, bytes, hdr->caplen)) {
			if (c->nworkers > 1)
				wi = mac_hash(bytes + 6) % c->nworkers;
			p->caplen = hdr->caplen;
			push(r, &c->workers[wi], IN_FRAME, r->seq, ts, p, bytes,
			    hdr->caplen);
		}
	} else {
		p->seq = r->seq;
		if (c->nworkers > 1)
			wi = flow_pair_hash(p->family, p->src, p->dst) %
			    c->nworkers;
		push(r, &c->workers[wi], IN_PKT, r->seq, ts, p, bytes,
		    hdr->caplen);
	}
	if (!c->s->live && (r->seq - r->last_tick_seq >= TICK_PACKETS ||
	    ts >= r->last_tick_us + TICK_US))
		tick_all(r, IN_TICK, r->last_ts);
}

/* ---- the offline progress line ------------------------------------------ */

#define PROGRESS_MS	250	/* redraws at most four times a second */
#define LD(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)

/* 1234567 -> "1.23 M" style, for a line that must fit a terminal. */
static void
human(char *buf, size_t len, double v)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.2f G", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.2f M", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.1f k", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

/*
 * The progress line on stderr (a terminal): share of all input files read
 * (bytes, across every -r), packets/s, flows seen by the workers, findings
 * published so far, and the time left at the byte rate so far.  Redrawn in
 * place ("\r", then erase to the end of the line) at most every
 * PROGRESS_MS; the last call erases it, as the summary follows.  Other
 * threads' counters are read with relaxed loads (a moment old is fine).
 * An input that is not a regular file (a pipe, stdin) has no size: then
 * the line has no share and no time left.
 */
static void
show_progress(struct capture *c, struct reader *r, uint64_t start_ms,
    uint64_t *last_ms, int final)
{
	uint64_t now = mono_ms(), done = 0, flows = 0, findings = 0;
	char pkts[24], rate[24], fl[24], fi[24], pct[16] = "", eta[24] = "";
	double secs, left;
	FILE *fp;
	long pos;
	unsigned i;

	if (!c->progress)
		return;
	if (final) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		return;
	}
	if (now - *last_ms < PROGRESS_MS)
		return;
	*last_ms = now;
	for (i = 0; i < r->idx; i++)
		done += c->readers[i].size;
	if (r->fast)
		done += pcapfile_offset(&r->pf);
	else if ((fp = pcap_file(r->h)) != NULL && (pos = ftell(fp)) > 0)
		done += (uint64_t)pos;
	for (i = 0; i < c->nworkers; i++)
		if (c->workers[i].flows != NULL)
			flows += LD(flow_table_stats(c->workers[i].flows)->created);
	if (c->published != NULL)
		findings = LD(*c->published);
	secs = (double)(now - start_ms) / 1000.0;
	human(pkts, sizeof(pkts), (double)r->seq);
	human(rate, sizeof(rate), secs > 0 ? (double)r->seq / secs : 0.0);
	human(fl, sizeof(fl), (double)flows);
	human(fi, sizeof(fi), (double)findings);
	if (c->sizes_known && c->file_bytes_total > 0) {
		if (done > c->file_bytes_total)
			done = c->file_bytes_total;
		snprintf(pct, sizeof(pct), "%5.1f%%  ",
		    100.0 * (double)done / (double)c->file_bytes_total);
		if (done > 0 && secs >= 0.2) {
			left = secs * (double)(c->file_bytes_total - done) /
			    (double)done;
			snprintf(eta, sizeof(eta), "  ETA %u:%02u",
			    (unsigned)(left / 60), (unsigned)left % 60);
		}
	}
	fprintf(stderr, "\r%s%s packets  %s packets/s  %s flows  %s findings%s"
	    "\033[K", pct, pkts, rate, fl, fi, eta);
	fflush(stderr);
}

/*
 * Reading stopped at a record libpcap could not read: a truncated file (a
 * record or its header cut short) or a corrupt one (a record or block with
 * an impossible length).  The packets before it were analysed and their
 * findings stand; one line names the file, the byte where the last whole
 * packet read ends (head -c gives the good part) and the packets read,
 * and the run exits 3 (edgeward(8), EXIT STATUS).  The next file, if any,
 * is read as usual.
 */
static void
damaged(struct capture *c, unsigned i, const char *why, long good,
    uint64_t npkts)
{
	char at[64] = "";

	if (good >= 0)
		snprintf(at, sizeof(at), " after byte %ld", good);
	if (c->progress)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "edgeward: %s: truncated or corrupt record%s (%s); the "
	    "%" PRIu64 " packets before it were analysed\n",
	    c->files[i], at, why, npkts);
	c->st[i].bad_records++;
	c->damaged++;
}

static int
run_offline(struct capture *c, char *errbuf, size_t errlen)
{
	struct pcap_pkthdr *hdr, fhdr;
	const u_char *bytes;
	struct reader *r, *first = &c->readers[0];
	uint64_t start = mono_ms(), last = start, seq0;
	char err[1024];
	unsigned i;
	long good;
	FILE *fp;
	int rc = 0, ret = 0;

	for (i = 0; i < c->nfiles && !*c->s->stop; i++) {
		r = &c->readers[i];
		/* One packet numbering across all files. */
		if (i > 0) {
			r->seq = c->readers[i - 1].seq;
			r->last_tick_seq = c->readers[i - 1].last_tick_seq;
			r->last_tick_us = c->readers[i - 1].last_tick_us;
			r->last_ts = c->readers[i - 1].last_ts;
		}
		r->idx = i;
		if (r->h == NULL && open_offline(c, i, err, sizeof(err)) < 0) {
			/* Checked at start, gone or changed since. */
			if (!*c->s->stop) {
				fprintf(stderr, "edgeward: %s (skipped)\n", err);
				c->st[i].bad_records++;
				c->skipped++;
			}
			close_offline(r);
			first->seq = r->seq;
			continue;
		}
		seq0 = r->seq;
		if (r->fast) {
			while (!*c->s->stop &&
			    (rc = pcapfile_next(&r->pf, &fhdr, &bytes)) > 0) {
				if (r->has_prog && !pcap_offline_filter(
				    &r->prog, &fhdr, bytes))
					continue;
				one_packet(r, &fhdr, bytes);
				if ((r->seq & 63) == 0)
					show_progress(c, r, start, &last, 0);
			}
			if (rc < 0 && !*c->s->stop)
				damaged(c, i, r->pf.err,
				    (long)pcapfile_offset(&r->pf),
				    r->seq - seq0);
			goto next;
		}
		/* Where the last whole record ends, for damaged(). */
		fp = pcap_file(r->h);
		good = fp != NULL ? ftell(fp) : -1;
		while (!*c->s->stop &&
		    (rc = pcap_next_ex(r->h, &hdr, &bytes)) >= 0) {
			if (rc == 0)
				continue;
			one_packet(r, hdr, bytes);
			if (fp != NULL)
				good = ftell(fp);
			if ((r->seq & 63) == 0)
				show_progress(c, r, start, &last, 0);
		}
		if (rc == PCAP_ERROR && !*c->s->stop)
			damaged(c, i, pcap_geterr(r->h), good, r->seq - seq0);
next:
		first->seq = r->seq;
		if (i > 0)
			close_offline(r);
	}
	r = &c->readers[c->nfiles ? c->nfiles - 1 : 0];
	if (c->nfiles > 0)
		show_progress(c, r, start, &last, 1);
	/* The end record goes through reader 0's ring (the only one). */
	first->seq = r->seq;
	first->idx = 0;
	tick_all(first, IN_END, r->last_ts);
	(void)errbuf;
	(void)errlen;
	return ret;
}

static void
live_stats(struct reader *r)
{
	struct pcap_stat ps;

	if (pcap_stats(r->h, &ps) == 0) {
		r->c->st[r->idx].kernel_recv = ps.ps_recv;
		r->c->st[r->idx].kernel_drops = ps.ps_drop;
		r->c->st[r->idx].ifdrops = ps.ps_ifdrop;
	}
}

static void *
live_main(void *arg)
{
	struct reader *r = arg;
	struct capture *c = r->c;
	struct pcap_pkthdr *hdr;
	const u_char *bytes;
	uint64_t last = mono_ms(), now;
	struct pollfd pfd;
	int rc;

	pfd.fd = pcap_get_selectable_fd(r->h);
	pfd.events = POLLIN;
	while (!*c->s->stop) {
		rc = pcap_next_ex(r->h, &hdr, &bytes);
		if (rc == 1)
			one_packet(r, hdr, bytes);
		else if (rc == 0)
			(void)poll(&pfd, 1, LIVE_TICK_MS);
		else if (rc < 0) {
			snprintf(r->err, sizeof(r->err), "capture on %s failed: %s",
			    r->name, pcap_geterr(r->h));
			r->rc = -1;
			break;
		}
		now = mono_ms();
		if (now - last >= LIVE_TICK_MS) {
			live_stats(r);
			tick_all(r, IN_TICK, wall_us());
			last = now;
		}
	}
	live_stats(r);
	tick_all(r, IN_END, wall_us());
	return NULL;
}

static int
run_live(struct capture *c, char *errbuf, size_t errlen)
{
	unsigned i, started = 0;
	int ret = 0;

	for (i = 0; i < c->nifaces; i++) {
		if (pthread_create(&c->readers[i].thread, NULL, live_main,
		    &c->readers[i]) != 0) {
			snprintf(errbuf, errlen, "cannot start a capture thread");
			ret = -1;
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++) {
		pthread_join(c->readers[i].thread, NULL);
		if (c->readers[i].rc < 0 && ret == 0) {
			snprintf(errbuf, errlen, "%s", c->readers[i].err);
			ret = -1;
		}
	}
	return ret;
}

int
capture_run(struct capture *c, char *errbuf, size_t errlen)
{
	if (c->nfiles > 0)
		return run_offline(c, errbuf, errlen);
	if (c->afp != NULL)
		return afpacket_run(c, errbuf, errlen);
	return run_live(c, errbuf, errlen);
}
