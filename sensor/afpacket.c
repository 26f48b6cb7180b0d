/*
 * afpacket.c - AF_PACKET TPACKET_V3 capture threads with PACKET_FANOUT;
 * see afpacket.h.  Linux packet(7), Documentation/networking/packet_mmap.
 *
 * Each thread owns one worker and one socket per interface.  It walks the
 * ring's blocks, decodes each frame and runs it through worker_input() on
 * the spot, unless the decoded (innermost) pair belongs to another thread:
 * then the decoded packet and its frame go to that thread's hand-off ring.
 * Every LIVE_TICK_MS a thread reads its sockets' kernel counters
 * (PACKET_STATISTICS resets them on every read, so they are summed) and
 * ticks its worker.  At stop each thread tells every other one it sends
 * nothing more (IN_END on their hand-off rings), takes what was handed to
 * it until every other thread has said the same, then ends its flows.
 */
#include "ac-config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#endif

#include "afpacket.h"
#include "capture.h"
#include "clock.h"
#include "ring.h"
#include "sensor.h"
#include "worker.h"

#define LIVE_TICK_MS	100
#define AFP_MAX_IFACES	EDGEWARD_MAX_READERS
#define BLOCK_TOV_MS	10	/* a partly filled block is handed over */
#define MIN_BLOCKS	4
#define VLAN_HLEN	4

/* The hash the fanout program computes (see prog_build), in C. */
static uint32_t
afp_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x45d9f3bu;
	h ^= h >> 16;
	return h;
}

static uint32_t
be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

unsigned
afpacket_owner(int family, const uint8_t *a, const uint8_t *b, unsigned n)
{
	uint32_t h = 0;
	unsigned i, words = family == 6 ? 4 : 1;

	if (n <= 1)
		return 0;
	/* XOR of both addresses' words: symmetric, cheap in classic BPF. */
	for (i = 0; i < words; i++)
		h ^= be32(a + 4 * i) ^ be32(b + 4 * i);
	return afp_mix(h) % n;
}

size_t
afpacket_handoff_ring_bytes(const struct config *cfg)
{
	size_t total = (size_t)cfg->ring_mb << 20;
	size_t per = cfg->workers > 1 ? total / cfg->workers : total;

	/* Only frames whose inner pair another thread owns come this way. */
	return per < (1u << 20) ? (1u << 20) : per;
}

#ifndef __linux__

int
afpacket_open(struct capture *c, char *errbuf, size_t errlen)
{
	if (c->s->cfg.capture_method == CONFIG_CAPTURE_AFPACKET) {
		snprintf(errbuf, errlen, "capture_method = afpacket needs Linux "
		    "(use pcap)");
		return -1;
	}
	return 0;
}

int
afpacket_run(struct capture *c, char *errbuf, size_t errlen)
{
	(void)c;
	snprintf(errbuf, errlen, "AF_PACKET is Linux only");
	return -1;
}

void
afpacket_close(struct capture *c)
{
	(void)c;
}

#else

struct afp_sock {
	int		 fd;
	uint8_t		*map;
	size_t		 maplen;
	unsigned	 block_size, nblocks, cur;
	int		 loopback;	/* skip outgoing copies (seen twice) */
};

struct afp_thread {
	struct afpacket	*ap;
	unsigned	 idx;
	struct afp_sock	 sk[AFP_MAX_IFACES];
	int		 efd;		/* eventfd: hand-off data for us */
	_Atomic int	 sleeping;	/* in poll(): senders write efd */
	uint64_t	 seq;		/* this worker's item numbers */
	unsigned	 ends;		/* IN_END from other threads */
	struct pkt	 pkt;
	uint8_t		*vlanbuf;	/* a frame with its VLAN tag put back */
	pthread_t	 thread;
	int		 started;
	int		 rc;
	char		 err[256];
};

struct afpacket {
	struct capture		*c;
	unsigned		 n;		/* threads = workers */
	unsigned		 nifaces;
	int			 linktype;	/* DLT_EN10MB */
	unsigned		 ncpus;
	unsigned		 cpus[64];
	struct afp_thread	*t;
};

#define NET(off)	((uint32_t)SKF_NET_OFF + (off))
#define STMT(c, k)	((struct sock_filter)BPF_STMT((c), (k)))
#define AFP_PROG_MAX	48

/* A = XOR of `words` 32-bit words from the network header's byte off. */
static unsigned
prog_xor_words(struct sock_filter *f, unsigned n, unsigned off,
    unsigned words)
{
	unsigned i;

	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, NET(off));
	for (i = 1; i < words; i++) {
		f[n++] = STMT(BPF_MISC | BPF_TAX, 0);
		f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, NET(off + 4 * i));
		f[n++] = STMT(BPF_ALU | BPF_XOR | BPF_X, 0);
	}
	return n;
}

/* A = A ^ (A >> 16) */
static unsigned
prog_fold(struct sock_filter *f, unsigned n)
{
	f[n++] = STMT(BPF_MISC | BPF_TAX, 0);
	f[n++] = STMT(BPF_ALU | BPF_RSH | BPF_K, 16);
	f[n++] = STMT(BPF_ALU | BPF_XOR | BPF_X, 0);
	return n;
}

/*
 * The fanout program; the socket index is its return value modulo the
 * number of sockets.  It is afpacket_owner() on the outermost pair:
 * IPv4 saddr ^ daddr, IPv6 the XOR of their eight words, then afp_mix().
 * It reads relative to the network header (SKF_NET_OFF), which the kernel
 * has set, the VLAN tag stripped, for every received frame.  Not IPv4 or
 * IPv6 (ARP, LLDP, MPLS, a second VLAN tag): socket 0, whose thread
 * decodes and hands over by the inner pair.  Returns the length.
 */
static unsigned
prog_build(struct sock_filter *f)
{
	unsigned n = 0, j4, ja, j6;

	f[n++] = STMT(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL);
	j4 = n;
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    ETHERTYPE_IP, 0, 0);
	n = prog_xor_words(f, n, 12, 2);
	ja = n;
	f[n++] = STMT(BPF_JMP | BPF_JA, 0);
	f[j4].jf = (uint8_t)(n - j4 - 1);
	j6 = n;
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    ETHERTYPE_IPV6, 0, 0);
	n = prog_xor_words(f, n, 8, 8);
	f[ja].k = n - ja - 1;
	n = prog_fold(f, n);
	f[n++] = STMT(BPF_ALU | BPF_MUL | BPF_K, 0x45d9f3bu);
	n = prog_fold(f, n);
	f[n++] = STMT(BPF_RET | BPF_A, 0);
	f[j6].jf = (uint8_t)(n - j6 - 1);
	f[n++] = STMT(BPF_RET | BPF_K, 0);
	return n;
}

/*
 * auto: AF_PACKET for Ethernet-like interfaces (Ethernet, loopback), not
 * for "any" or others (their link types differ: libpcap knows them).
 */
static int
iface_kind(const char *name, int *loopback)
{
	struct ifreq ifr;
	int fd, rc = -1;

	*loopback = 0;
	if (strcmp(name, "any") == 0 || strlen(name) >= IFNAMSIZ)
		return -1;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) {
		if (ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER)
			rc = 0;
		else if (ifr.ifr_hwaddr.sa_family == ARPHRD_LOOPBACK) {
			*loopback = 1;
			rc = 0;
		}
	}
	close(fd);
	return rc;
}

/* The capture filter (or a match-all one) for the snap length. */
static int
compile_filter(const struct config *cfg, struct bpf_program *prog,
    char *errbuf, size_t errlen)
{
	pcap_t *dead;

	if ((dead = pcap_open_dead(DLT_EN10MB, (int)cfg->snaplen)) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	if (pcap_compile(dead, prog, cfg->bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(errbuf, errlen, "bad capture filter '%s': %s", cfg->bpf,
		    pcap_geterr(dead));
		pcap_close(dead);
		return -1;
	}
	pcap_close(dead);
	return 0;
}

static int
sock_open(struct afpacket *ap, struct afp_sock *sk, const char *ifc,
    const struct bpf_program *filt, char *errbuf, size_t errlen)
{
	const struct config *cfg = &ap->c->s->cfg;
	struct sock_fprog fp;
	struct tpacket_req3 req;
	struct sockaddr_ll sll;
	int ver = TPACKET_V3;
	size_t total, per;

	if ((sk->fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL))) < 0) {
		if (errno == EPERM || errno == EACCES)
			snprintf(errbuf, errlen, "permission denied capturing on "
			    "%s (run as root or grant CAP_NET_RAW)", ifc);
		else
			snprintf(errbuf, errlen, "cannot open an AF_PACKET socket "
			    "for %s: %s (capture_method = pcap avoids it)", ifc,
			    strerror(errno));
		return -1;
	}
	/*
	 * The filter before the ring and the bind: nothing it rejects is
	 * queued.  It also cuts frames to the snap length (its return value).
	 */
	fp.len = (unsigned short)filt->bf_len;
	fp.filter = (struct sock_filter *)filt->bf_insns;
	if (setsockopt(sk->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
	    sizeof(fp)) < 0) {
		snprintf(errbuf, errlen, "cannot set the filter on %s: %s", ifc,
		    strerror(errno));
		return -1;
	}
	if (setsockopt(sk->fd, SOL_PACKET, PACKET_VERSION, &ver,
	    sizeof(ver)) < 0) {
		snprintf(errbuf, errlen, "%s: this kernel has no TPACKET_V3 (%s); "
		    "set capture_method = pcap", ifc, strerror(errno));
		return -1;
	}
	/* buffer_mb per interface, split among the threads, in blocks. */
	sk->block_size = (unsigned)cfg->afpacket_block_size;
	total = (size_t)cfg->buffer_mb << 20;
	per = total / ap->n;
	sk->nblocks = (unsigned)(per / sk->block_size);
	if (sk->nblocks < MIN_BLOCKS)
		sk->nblocks = MIN_BLOCKS;
	memset(&req, 0, sizeof(req));
	req.tp_block_size = sk->block_size;
	req.tp_block_nr = sk->nblocks;
	req.tp_frame_size = TPACKET_ALIGNMENT << 7;
	req.tp_frame_nr = (unsigned)(((size_t)sk->block_size * sk->nblocks) /
	    req.tp_frame_size);
	req.tp_retire_blk_tov = BLOCK_TOV_MS;
	if (setsockopt(sk->fd, SOL_PACKET, PACKET_RX_RING, &req,
	    sizeof(req)) < 0) {
		snprintf(errbuf, errlen, "cannot set up a %u x %u byte AF_PACKET "
		    "ring on %s: %s (lower buffer_mb or afpacket_block_size)",
		    sk->nblocks, sk->block_size, ifc, strerror(errno));
		return -1;
	}
	sk->maplen = (size_t)sk->block_size * sk->nblocks;
	sk->map = mmap(NULL, sk->maplen, PROT_READ | PROT_WRITE, MAP_SHARED,
	    sk->fd, 0);
	if (sk->map == MAP_FAILED) {
		sk->map = NULL;
		snprintf(errbuf, errlen, "cannot map the AF_PACKET ring on %s: %s "
		    "(lower buffer_mb)", ifc, strerror(errno));
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	if ((sll.sll_ifindex = (int)if_nametoindex(ifc)) == 0) {
		snprintf(errbuf, errlen, "no such interface '%s' (list them with "
		    "'ip link')", ifc);
		return -1;
	}
	if (bind(sk->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		snprintf(errbuf, errlen, "cannot capture on %s: %s", ifc,
		    strerror(errno));
		return -1;
	}
	if (cfg->promisc) {
		struct packet_mreq mr;

		memset(&mr, 0, sizeof(mr));
		mr.mr_ifindex = sll.sll_ifindex;
		mr.mr_type = PACKET_MR_PROMISC;
		if (setsockopt(sk->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		    sizeof(mr)) < 0) {
			snprintf(errbuf, errlen, "cannot put %s in promiscuous "
			    "mode: %s", ifc, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int
join_fanout(struct afpacket *ap, struct afp_sock *sk, unsigned ifi,
    int first, const char *ifc, char *errbuf, size_t errlen)
{
	const struct config *cfg = &ap->c->s->cfg;
	struct sock_filter prog[AFP_PROG_MAX];
	struct sock_fprog fp;
	int arg, mode;

	if (ap->n <= 1)
		return 0;
	mode = cfg->afpacket_fanout == CONFIG_FANOUT_HASH ?
	    PACKET_FANOUT_HASH : PACKET_FANOUT_CBPF;
	/* One group per interface, an id no other process is likely to use. */
	arg = (int)(((unsigned)getpid() * AFP_MAX_IFACES + ifi) & 0xffff) |
	    mode << 16;
	if (setsockopt(sk->fd, SOL_PACKET, PACKET_FANOUT, &arg,
	    sizeof(arg)) < 0) {
		snprintf(errbuf, errlen, "cannot join an AF_PACKET fanout group on "
		    "%s: %s (set workers = 1 or capture_method = pcap)", ifc,
		    strerror(errno));
		return -1;
	}
	if (mode == PACKET_FANOUT_CBPF && first) {
		fp.len = (unsigned short)prog_build(prog);
		fp.filter = prog;
		if (setsockopt(sk->fd, SOL_PACKET, PACKET_FANOUT_DATA, &fp,
		    sizeof(fp)) < 0) {
			snprintf(errbuf, errlen, "cannot set the fanout program on "
			    "%s: %s (afpacket_fanout = hash needs none)", ifc,
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

int
afpacket_open(struct capture *c, char *errbuf, size_t errlen)
{
	const struct config *cfg = &c->s->cfg;
	struct afpacket *ap;
	struct bpf_program filt;
	unsigned i, k;
	int lo[AFP_MAX_IFACES], n;
	char err[256];

	if (cfg->capture_method == CONFIG_CAPTURE_PCAP)
		return 0;
	for (i = 0; i < c->nifaces; i++)
		if (iface_kind(c->ifaces[i], &lo[i]) < 0) {
			if (cfg->capture_method == CONFIG_CAPTURE_AUTO)
				return 0;
			snprintf(errbuf, errlen, "capture_method = afpacket: %s is "
			    "not an Ethernet or loopback interface (or does not "
			    "exist); use pcap for it", c->ifaces[i]);
			return -1;
		}
	if ((ap = calloc(1, sizeof(*ap))) == NULL ||
	    (ap->t = calloc(cfg->workers, sizeof(*ap->t))) == NULL ||
	    (c->st = calloc(cfg->workers, sizeof(*c->st))) == NULL) {
		if (ap != NULL)
			free(ap->t);
		free(ap);
		snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	c->afp = ap;
	c->ninputs = cfg->workers;
	ap->c = c;
	ap->n = cfg->workers;
	ap->nifaces = c->nifaces;
	ap->linktype = DLT_EN10MB;
	if (cfg->capture_cpus[0] != '\0') {
		if ((n = config_cpu_list(cfg->capture_cpus, ap->cpus, 64, errbuf,
		    errlen)) < 0)
			return -1;
		ap->ncpus = n > 64 ? 64 : (unsigned)n;
	}
	for (i = 0; i < ap->n; i++) {
		ap->t[i].ap = ap;
		ap->t[i].idx = i;
		ap->t[i].efd = -1;
		for (k = 0; k < AFP_MAX_IFACES; k++)
			ap->t[i].sk[k].fd = -1;
	}
	if (compile_filter(cfg, &filt, errbuf, errlen) < 0)
		return -1;
	/*
	 * Thread order is fanout order: the kernel numbers a group's sockets
	 * as they join, and the program's result picks by that number.
	 */
	for (i = 0; i < ap->n; i++) {
		struct afp_thread *t = &ap->t[i];

		if ((t->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 ||
		    (t->vlanbuf = malloc(cfg->snaplen + VLAN_HLEN)) == NULL) {
			snprintf(errbuf, errlen, "out of memory or file descriptors");
			goto fail;
		}
		for (k = 0; k < c->nifaces; k++) {
			t->sk[k].loopback = lo[k];
			if (sock_open(ap, &t->sk[k], c->ifaces[k], &filt, err,
			    sizeof(err)) < 0 ||
			    join_fanout(ap, &t->sk[k], k, i == 0, c->ifaces[k],
			    err, sizeof(err)) < 0) {
				snprintf(errbuf, errlen, "%s", err);
				goto fail;
			}
		}
	}
	pcap_freecode(&filt);
	return 1;
fail:
	pcap_freecode(&filt);
	return -1;
}

void
afpacket_close(struct capture *c)
{
	struct afpacket *ap = c->afp;
	unsigned i, k;

	if (ap == NULL)
		return;
	for (i = 0; i < ap->n; i++) {
		for (k = 0; k < AFP_MAX_IFACES; k++) {
			if (ap->t[i].sk[k].map != NULL)
				munmap(ap->t[i].sk[k].map, ap->t[i].sk[k].maplen);
			if (ap->t[i].sk[k].fd >= 0)
				close(ap->t[i].sk[k].fd);
		}
		if (ap->t[i].efd >= 0)
			close(ap->t[i].efd);
		free(ap->t[i].vlanbuf);
	}
	free(ap->t);
	free(ap);
	free(c->st);
	c->st = NULL;
	c->afp = NULL;
}

/* ---- the threads --------------------------------------------------------- */

static void
wake(struct afp_thread *to)
{
	uint64_t one = 1;

	if (atomic_exchange(&to->sleeping, 0) &&
	    write(to->efd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, so it is awake anyway. */
	}
}

/*
 * Hands a decoded packet (or the end mark, p == NULL) to thread `to`
 * through its ring from us.  A packet is dropped, counted, when the ring
 * is full; the end mark waits, taking our own hand-offs meanwhile so two
 * threads ending together cannot wait on each other.
 */
static void take_handoffs(struct afp_thread *t);

static void
hand_off(struct afp_thread *t, unsigned to, uint32_t type,
    const struct pkt *p, const uint8_t *frame, uint32_t caplen, uint64_t ts)
{
	struct afpacket *ap = t->ap;
	struct ring *ring = ap->c->workers[to].in[t->idx];
	struct in_rec *rec;
	uint32_t need = (uint32_t)sizeof(*rec) + caplen;

	while ((rec = ring_reserve(ring, need)) == NULL) {
		if (type == IN_PKT) {
			ap->c->st[t->idx].ring_drops++;
			return;
		}
		take_handoffs(t);
		wake(&ap->t[to]);
		ring_wait_space(ring, need, 1000);
	}
	rec->type = type;
	rec->reader = t->idx;
	rec->seq = 0;
	rec->ts_us = ts;
	if (p != NULL) {
		memcpy(&rec->pkt, p, offsetof(struct pkt, encap));
		memcpy(rec->pkt.encap, p->encap, p->nencap *
		    sizeof(p->encap[0]));
		rec->pkt.data = NULL;
		memcpy(rec->frame, frame, caplen);
		ap->c->st[t->idx].handoffs++;
	}
	ring_commit(ring);
	wake(&ap->t[to]);
}

/* What other threads handed us: run through our worker in arrival order. */
static void
take_handoffs(struct afp_thread *t)
{
	struct worker *w = &t->ap->c->workers[t->idx];
	struct in_rec *r;
	unsigned i;
	uint32_t n;

	for (i = 0; i < t->ap->n; i++) {
		if (i == t->idx)
			continue;
		while ((r = (struct in_rec *)ring_peek(w->in[i], &n)) != NULL) {
			if (r->type == IN_END)
				t->ends++;
			else {
				r->pkt.seq = ++t->seq;
				worker_input(w, (enum in_type)r->type, t->seq,
				    r->ts_us, &r->pkt, r->frame);
			}
			ring_release(w->in[i]);
		}
	}
}

static void
one_frame(struct afp_thread *t, const uint8_t *bytes, uint32_t caplen,
    uint32_t len, uint64_t ts)
{
	struct afpacket *ap = t->ap;
	struct capture *c = ap->c;
	struct reader_stats *st = &c->st[t->idx];
	struct worker *w = &c->workers[t->idx];
	struct pkt *p = &t->pkt;
	unsigned owner;

	if (st->first_ts_us == 0 || ts < st->first_ts_us)
		st->first_ts_us = ts;
	if (ts > st->last_ts_us)
		st->last_ts_us = ts;
	st->packets++;
	st->bytes += len;
	if (decode_packet(&c->s->dopts, &st->dstats, p, ap->linktype, bytes,
	    caplen, len, ts) < 0) {
		st->non_ip++;
		/* LLDP, CDP ...: the device's frames, on any one thread. */
		if (decode_link_control(ap->linktype, bytes, caplen)) {
			p->caplen = caplen;
			worker_input(w, IN_FRAME, ++t->seq, ts, p, bytes);
		}
		return;
	}
	owner = afpacket_owner(p->family, p->src, p->dst, ap->n);
	if (owner != t->idx) {
		hand_off(t, owner, IN_PKT, p, bytes, caplen, ts);
		return;
	}
	p->seq = ++t->seq;
	worker_input(w, IN_PKT, t->seq, ts, p, bytes);
}

/* One TPACKET_V3 frame: its VLAN tag put back, outgoing loopback skipped. */
static void
one_tpacket(struct afp_thread *t, const struct afp_sock *sk,
    const struct tpacket3_hdr *h)
{
	const uint8_t *bytes = (const uint8_t *)h + h->tp_mac;
	const struct sockaddr_ll *sll = (const struct sockaddr_ll *)(const void *)
	    ((const uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
	uint32_t caplen = h->tp_snaplen, len = h->tp_len;
	uint64_t ts = (uint64_t)h->tp_sec * 1000000 + h->tp_nsec / 1000;
	uint16_t tpid;

	/* On loopback each packet passes twice: out, then in. */
	if (sk->loopback && sll->sll_pkttype == PACKET_OUTGOING)
		return;
	/*
	 * The kernel strips the (outer) VLAN tag into the header; the
	 * decoder and the findings' vlan field want it in the frame.
	 */
	if ((h->tp_status & TP_STATUS_VLAN_VALID) && caplen >= 12 &&
	    caplen + VLAN_HLEN <= t->ap->c->s->cfg.snaplen + VLAN_HLEN) {
		tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
		    h->hv1.tp_vlan_tpid : ETHERTYPE_VLAN;
		memcpy(t->vlanbuf, bytes, 12);
		t->vlanbuf[12] = (uint8_t)(tpid >> 8);
		t->vlanbuf[13] = (uint8_t)tpid;
		t->vlanbuf[14] = (uint8_t)(h->hv1.tp_vlan_tci >> 8);
		t->vlanbuf[15] = (uint8_t)h->hv1.tp_vlan_tci;
		memcpy(t->vlanbuf + 16, bytes + 12, caplen - 12);
		bytes = t->vlanbuf;
		caplen += VLAN_HLEN;
		len += VLAN_HLEN;
	}
	one_frame(t, bytes, caplen, len, ts);
}

/* Every block the kernel has handed us on one socket; 1 if any. */
static int
read_blocks(struct afp_thread *t, struct afp_sock *sk)
{
	struct tpacket_block_desc *bd;
	const struct tpacket3_hdr *h;
	uint32_t i, npkts;
	int got = 0;

	for (;;) {
		bd = (struct tpacket_block_desc *)(void *)(sk->map +
		    (size_t)sk->cur * sk->block_size);
		if (!(__atomic_load_n(&bd->hdr.bh1.block_status,
		    __ATOMIC_ACQUIRE) & TP_STATUS_USER))
			return got;
		got = 1;
		npkts = bd->hdr.bh1.num_pkts;
		h = (const struct tpacket3_hdr *)(const void *)((uint8_t *)bd +
		    bd->hdr.bh1.offset_to_first_pkt);
		for (i = 0; i < npkts; i++) {
			one_tpacket(t, sk, h);
			h = (const struct tpacket3_hdr *)(const void *)
			    ((const uint8_t *)h + h->tp_next_offset);
		}
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
		    __ATOMIC_RELEASE);
		sk->cur = (sk->cur + 1) % sk->nblocks;
		/* Hand-offs to us wait no longer than one block. */
		take_handoffs(t);
	}
}

/* The kernel's counters, reset by every read: summed here. */
static void
kernel_stats(struct afp_thread *t)
{
	struct reader_stats *st = &t->ap->c->st[t->idx];
	struct tpacket_stats_v3 ks;
	socklen_t len;
	unsigned k;

	for (k = 0; k < t->ap->nifaces; k++) {
		len = sizeof(ks);
		if (getsockopt(t->sk[k].fd, SOL_PACKET, PACKET_STATISTICS, &ks,
		    &len) < 0)
			continue;
		st->kernel_recv += ks.tp_packets;
		st->kernel_drops += ks.tp_drops;
		st->kernel_freezes += ks.tp_freeze_q_cnt;
	}
}

static void *
thread_main(void *arg)
{
	struct afp_thread *t = arg;
	struct afpacket *ap = t->ap;
	struct capture *c = ap->c;
	struct worker *w = &c->workers[t->idx];
	struct pollfd pfd[AFP_MAX_IFACES + 1];
	uint64_t last = mono_ms(), now, one;
	unsigned k, i;
	int got;

	for (k = 0; k < ap->nifaces; k++) {
		pfd[k].fd = t->sk[k].fd;
		pfd[k].events = POLLIN;
	}
	pfd[ap->nifaces].fd = t->efd;
	pfd[ap->nifaces].events = POLLIN;
	while (!*c->s->stop) {
		got = 0;
		for (k = 0; k < ap->nifaces; k++)
			got |= read_blocks(t, &t->sk[k]);
		take_handoffs(t);
		now = mono_ms();
		if (now - last >= LIVE_TICK_MS) {
			kernel_stats(t);
			worker_input(w, IN_TICK, t->seq, wall_us(), NULL, NULL);
			last = now;
		}
		if (got)
			continue;
		/* Asleep only after saying so, then a last look (wake()). */
		atomic_store(&t->sleeping, 1);
		take_handoffs(t);
		if (poll(pfd, ap->nifaces + 1, LIVE_TICK_MS) < 0 &&
		    errno != EINTR) {
			snprintf(t->err, sizeof(t->err), "capture on %s failed: %s",
			    c->ifaces[0], strerror(errno));
			t->rc = -1;
			/* The others wait for our end mark: the run ends. */
			*c->s->stop = 1;
			break;
		}
		atomic_store(&t->sleeping, 0);
		if (pfd[ap->nifaces].revents & POLLIN)
			(void)read(t->efd, &one, sizeof(one));
	}
	/* What the kernel has already handed over, then our end mark to
	 * every other thread, then theirs to us. */
	for (k = 0; k < ap->nifaces; k++)
		(void)read_blocks(t, &t->sk[k]);
	for (i = 0; i < ap->n; i++)
		if (i != t->idx)
			hand_off(t, i, IN_END, NULL, NULL, 0, wall_us());
	while (t->ends < ap->n - 1) {
		atomic_store(&t->sleeping, 1);
		take_handoffs(t);
		if (t->ends >= ap->n - 1)
			break;
		(void)poll(&pfd[ap->nifaces], 1, 10);
		atomic_store(&t->sleeping, 0);
		if (pfd[ap->nifaces].revents & POLLIN)
			(void)read(t->efd, &one, sizeof(one));
	}
	kernel_stats(t);
	worker_input(w, IN_END, t->seq, wall_us(), NULL, NULL);
	return NULL;
}

/* An end mark from the main thread, for a thread that could not start. */
static void
end_mark(struct ring *ring, struct afp_thread *to)
{
	struct in_rec *rec;

	while ((rec = ring_reserve(ring, (uint32_t)sizeof(*rec))) == NULL)
		ring_wait_space(ring, (uint32_t)sizeof(*rec), 1000);
	memset(rec, 0, sizeof(*rec));
	rec->type = IN_END;
	ring_commit(ring);
	wake(to);
}

int
afpacket_run(struct capture *c, char *errbuf, size_t errlen)
{
	struct afpacket *ap = c->afp;
	cpu_set_t set;
	unsigned i;
	int ret = 0, rc;

	for (i = 0; i < ap->n; i++) {
		if (pthread_create(&ap->t[i].thread, NULL, thread_main,
		    &ap->t[i]) != 0) {
			snprintf(errbuf, errlen, "cannot start a capture thread");
			/* The started ones wait for our end mark: stop them. */
			*c->s->stop = 1;
			ret = -1;
			break;
		}
		ap->t[i].started = 1;
		if (ap->ncpus == 0)
			continue;
		CPU_ZERO(&set);
		CPU_SET(ap->cpus[i % ap->ncpus], &set);
		if ((rc = pthread_setaffinity_np(ap->t[i].thread, sizeof(set),
		    &set)) != 0 && ret == 0) {
			snprintf(errbuf, errlen, "capture_cpus: cannot run a "
			    "capture thread on CPU %u: %s (list CPUs this "
			    "machine has: nproc, lscpu)", ap->cpus[i % ap->ncpus],
			    strerror(rc));
			*c->s->stop = 1;
			ret = -1;
		}
	}
	/* A thread that never started sends its end mark from here. */
	for (i = 0; i < ap->n; i++) {
		unsigned x;

		if (ap->t[i].started)
			continue;
		for (x = 0; x < ap->n; x++)
			if (ap->t[x].started)
				end_mark(c->workers[x].in[i], &ap->t[x]);
	}
	for (i = 0; i < ap->n; i++) {
		if (!ap->t[i].started) {
			/* Its worker never ran: the others' end marks wait in
			 * its rings, and its flows are none; mark it done. */
			worker_input(&c->workers[i], IN_END, 0, wall_us(), NULL,
			    NULL);
			continue;
		}
		pthread_join(ap->t[i].thread, NULL);
		if (ap->t[i].rc < 0 && ret == 0) {
			snprintf(errbuf, errlen, "%s", ap->t[i].err);
			ret = -1;
		}
	}
	return ret;
}

#endif /* __linux__ */
