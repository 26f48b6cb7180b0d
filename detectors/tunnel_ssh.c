/*
 * tunnel_ssh.c - SSH sessions that carry port forwarding (ssh -L, -D, -R)
 * rather than an interactive shell: tunnel, type ssh_forwarding, ATT&CK
 * T1572 (Protocol Tunneling) and T1021.004 (SSH).
 *
 * The session is encrypted; its shape is not.  When nDPI has recognised
 * SSH from payload the detector watches the flow's packets
 * (det_flow_packets) and, after the first SSH_SKIP payload packets (key
 * exchange, authentication, channel set-up), cuts them into bursts: a
 * burst ends at a pause of more than SSH_BURST_GAP_MS.  Sizes are the IP
 * header's, so captures cut by a snap length still count in full.
 *   keystroke burst: the client sent only packets of its smallest size (a
 *     typed character; the server's echo and short output follow), the
 *     rhythm of a person at a shell;
 *   exchange: one side sent a packet more than twice its smallest (a
 *     request through the forward, or a channel opened for it) and the
 *     other side answered with at least SSH_EXCHANGE_BYTES: a request and
 *     its response travelling through the session.
 * A forwarded browser or script makes an exchange per request, separated
 * by pauses; a shell makes keystroke bursts, its output answering a
 * single small packet (Enter); a copy with scp or sftp is one long burst.
 * A finding when a session made at least ssh_forward_min_exchanges
 * exchanges moving at least ssh_forward_min_bytes, and more exchanges
 * than keystroke bursts: at once when no keystroke was seen (then the
 * watch stops), else at the end of the flow.  `direction` says who opened
 * the forwarded connections: the client (-L, -D) or the server (-R).
 * Confidence grows with the exchanges and falls with keystrokes.
 *
 * Not reported: interactive sessions, file copies, sessions between pairs
 * in tunnel_allowed, and the same (client, server) within
 * tunnel_report_interval.  Known limits: a pasted block of commands looks
 * like an exchange; configuration tools that run many commands over one
 * connection (Ansible with ControlPersist) can look like forwarding.
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

#define SSH_SKIP		10	/* payload packets before the shape counts */
#define SSH_BURST_GAP_MS	100
#define SSH_EXCHANGE_BYTES	256

struct ssh_burst {
	uint32_t	 pkts[2], bytes[2];
	uint16_t	 max[2];
	uint8_t		 first_dir;	/* who spoke first in the burst */
};

/* The per-flow pointer; the state is allocated for SSH sessions only. */
struct ssh_slot {
	struct ssh_flow	*s;
	uint8_t		 done;
};

struct ssh_flow {
	uint8_t		 watching, done;
	uint16_t	 seen;		/* payload packets while watching */
	uint16_t	 min[2];	/* smallest payload per direction */
	uint64_t	 last_us;
	struct ssh_burst b;
	uint32_t	 exchanges, keystrokes;
	uint32_t	 opened[2];	/* exchanges started by each side */
	uint64_t	 exchange_bytes;
	uint64_t	 bytes[2];
};

static uint32_t
wire_payload(const struct pkt *p)
{
	uint32_t hdr = p->pl_off - p->l3_off;

	return p->l3_len > hdr ? p->l3_len - hdr : 0;
}

static void
stop(struct detctx *ctx, struct ssh_slot *sl)
{
	det_flow_packets(ctx, 0);
	sl->done = 1;
	tunnel_flow_free(ctx, (void **)&sl->s, sizeof(*sl->s));
}

static void
report(struct detctx *ctx, struct ssh_flow *st)
{
	const struct flow *f = det_flow(ctx);
	struct tunnel_once *o = det_worker_state(ctx);
	struct tunnel_once_key k;
	struct finding fd;
	unsigned conf;

	if (addrpairs_match(det_sets(ctx)->tunnel_allowed, f->key.family,
	    flow_client_addr(f), flow_server_addr(f)))
		return;
	tunnel_once_key(&k, 1, f->key.family, flow_client_addr(f),
	    flow_server_addr(f), 0);
	if (o != NULL && !tunnel_once(ctx, o, &k, "tunnel_ssh_forgotten"))
		return;
	conf = 50 + 5 * (st->exchanges > 10 ? 10 : st->exchanges);
	if (st->keystrokes > 0)
		conf -= 20 * st->keystrokes / st->exchanges > 30 ? 30 :
		    20 * st->keystrokes / st->exchanges;
	if (conf > 95)
		conf = 95;
	finding_init(&fd, FK_TUNNEL, SEV_MEDIUM, (uint8_t)conf);
	finding_mitre(&fd, "T1572");
	finding_mitre(&fd, "T1021.004");
	finding_str(&fd, "type", "ssh_forwarding");
	finding_str(&fd, "direction", st->opened[1] > st->opened[0] ?
	    "server_to_client" : "client_to_server");
	finding_int(&fd, "exchanges", st->exchanges);
	finding_int(&fd, "keystroke_bursts", st->keystrokes);
	finding_int(&fd, "bytes_up", (int64_t)st->bytes[0]);
	finding_int(&fd, "bytes_down", (int64_t)st->bytes[1]);
	finding_int(&fd, "port", flow_server_port(f));
	finding_str(&fd, "detected_by", "shape");
	det_emit(ctx, &fd);
}

static int
forwarding(const struct ssh_flow *st, const struct config *c)
{
	return st->exchanges >= c->ssh_forward_min_exchanges &&
	    st->exchange_bytes >= c->ssh_forward_min_bytes &&
	    st->exchanges > st->keystrokes;
}

/* Classifies the burst that just ended. */
static void
burst_end(struct ssh_flow *st)
{
	const struct ssh_burst *b = &st->b;
	int d;

	if (b->pkts[0] + b->pkts[1] == 0)
		return;
	if (b->pkts[0] > 0 && b->max[0] == st->min[0] && b->pkts[0] <= 2) {
		st->keystrokes++;
	} else {
		for (d = 0; d < 2; d++)
			if (b->pkts[d] > 0 && b->max[d] > 2 * st->min[d] &&
			    b->bytes[1 - d] >= SSH_EXCHANGE_BYTES) {
				st->exchanges++;
				st->opened[b->first_dir]++;
				st->exchange_bytes += b->bytes[0] + b->bytes[1];
				break;
			}
	}
	memset(&st->b, 0, sizeof(st->b));
}

static void
ssh_packet(struct detctx *ctx, void *fs, const struct pkt *p, int dir)
{
	struct ssh_slot *sl = fs;
	struct ssh_flow *st = sl->s;
	uint32_t n = wire_payload(p);
	int d = dir & 1;

	if (st == NULL) {
		det_flow_packets(ctx, 0);
		return;
	}
	if (n == 0)
		return;
	st->bytes[d] += n;
	if (++st->seen <= SSH_SKIP) {
		st->last_us = p->ts_us;
		return;
	}
	if (st->min[d] == 0 || n < st->min[d])
		st->min[d] = (uint16_t)(n > 0xffff ? 0xffff : n);
	if (p->ts_us - st->last_us > (uint64_t)SSH_BURST_GAP_MS * 1000)
		burst_end(st);
	st->last_us = p->ts_us;
	if (st->b.pkts[0] + st->b.pkts[1] == 0)
		st->b.first_dir = (uint8_t)d;
	st->b.pkts[d]++;
	st->b.bytes[d] += n;
	if (n > st->b.max[d])
		st->b.max[d] = (uint16_t)(n > 0xffff ? 0xffff : n);
	if (st->keystrokes == 0 && forwarding(st, det_config(ctx))) {
		report(ctx, st);
		stop(ctx, sl);
	}
}

static void
ssh_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	struct ssh_slot *sl = fs;

	if (a->guessed || sl->done || sl->s != NULL ||
	    det_flow(ctx)->key.proto != 6 ||
	    ((a->app == NULL || strcmp(a->app, "SSH") != 0) &&
	    (a->master == NULL || strcmp(a->master, "SSH") != 0)))
		return;
	if ((sl->s = tunnel_flow_alloc(ctx, sizeof(*sl->s),
	    "tunnel_ssh_memcap")) == NULL)
		return;
	sl->s->watching = 1;
	det_flow_packets(ctx, 1);
}

static void
ssh_flow_end(struct detctx *ctx, void *fs)
{
	struct ssh_slot *sl = fs;

	if (sl->s == NULL)
		return;
	burst_end(sl->s);
	if (forwarding(sl->s, det_config(ctx)))
		report(ctx, sl->s);
	stop(ctx, sl);
}

static void *
ssh_worker_new(const struct config *c)
{
	(void)c;
	return tunnel_once_new();
}

const struct detector tunnel_ssh_detector = {
	.name = "tunnel_ssh",
	.description = "SSH sessions carrying port forwarding (-L, -D, -R) by "
	    "their packet sizes and timing, not interactive shells: tunnel",
	.events = DET_EV_APP | DET_EV_PACKET | DET_EV_FLOW_END,
	.flow_state_size = sizeof(struct ssh_slot),
	.worker_new = ssh_worker_new,
	.worker_free = tunnel_once_delete,
	.app = ssh_app,
	.packet = ssh_packet,
	.flow_end = ssh_flow_end,
};
