/*
 * ssh_banner.c - the SSH identification strings (RFC 4253 section 4.2):
 * "SSH-protoversion-softwareversion SP comments CR LF", at most 255 bytes,
 * sent by both sides before the key exchange.  A server may send other
 * lines first; a line starting "SSH-" is the identification.
 *
 * Appliances name themselves there ("SSH-2.0-Cisco-1.25", "SSH-2.0-ROSSSH",
 * "SSH-2.0-FortiSSH_..."), so the server's string is reported as a device
 * fact (attribute ssh_banner, from_server 1) and the client's as one with
 * from_server 0 (the client software, for management-session findings).
 * Which banners are appliances is policy: signatures/edge_fingerprints.txt
 * read by the edge_device detector.
 *
 * Not a fact: a line that does not start "SSH-" (pre-banner text is
 * skipped, at most SSH_MAX_LINES lines), a line without CR LF or LF within
 * 255 bytes (weird ssh_banner_too_long: the direction stops), anything
 * after the identification (the binary packet protocol: delivery stops once
 * both sides are done).
 */
#include <string.h>

#include "cursor.h"
#include "dissector.h"

#define SSH_ID_MAX	255	/* RFC 4253 4.2, CR LF included */
#define SSH_MAX_LINES	8	/* pre-identification lines a server may send */

static const uint16_t ssh_ports[] = { 22, 0 };

struct ssh_state {
	uint8_t		done[2];	/* per direction: identification seen */
	uint8_t		lines[2];
};

/* Strict: only the identification prefix of version 2.0 or 1.99. */
static int
ssh_probe(const uint8_t *data, size_t len, int dir)
{
	(void)dir;
	return (len >= 8 && memcmp(data, "SSH-2.0-", 8) == 0) ||
	    (len >= 9 && memcmp(data, "SSH-1.99-", 9) == 0);
}

static void
ssh_report(struct dctx *ctx, int dir, const uint8_t *line, size_t n)
{
	struct device_fact d;
	struct fact f;

	memset(&d, 0, sizeof(d));
	d.proto = "ssh";
	d.from_server = dir == DIR_TO_CLIENT;
	device_fact_attr(&d, "ssh_banner", line, n);
	memset(&f, 0, sizeof(f));
	f.type = FACT_DEVICE;
	f.source = "ssh_banner";
	f.u.device = &d;
	dctx_fact(ctx, &f);
}

static size_t
ssh_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct ssh_state *st = state;
	struct cursor c;
	const uint8_t *line, *nl;
	size_t n, used = 0;

	while (!st->done[dir] && used < len) {
		cur_init(&c, data + used, len - used);
		line = cur_ptr(&c);
		n = cur_left(&c) < SSH_ID_MAX ? cur_left(&c) : SSH_ID_MAX;
		if ((nl = memchr(line, '\n', n)) == NULL) {
			if (n < SSH_ID_MAX)
				return used;	/* wait for the rest */
			dctx_weird(ctx, "ssh_banner_too_long");
			st->done[dir] = 1;
			break;
		}
		n = (size_t)(nl - line) + 1;
		used += n;
		n--;			/* without LF, and CR before it */
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n >= 4 && memcmp(line, "SSH-", 4) == 0) {
			ssh_report(ctx, dir, line, n);
			st->done[dir] = 1;
		} else if (dir == DIR_TO_SERVER ||
		    ++st->lines[dir] >= SSH_MAX_LINES) {
			/* Only a server may talk before its identification. */
			dctx_weird(ctx, "ssh_banner_missing");
			st->done[dir] = 1;
		}
	}
	if (st->done[0] && st->done[1])
		dctx_done(ctx);
	return st->done[dir] ? len : used;
}

const struct dissector ssh_banner_dissector = {
	.name = "ssh_banner",
	.description = "SSH identification strings (device facts: the "
	    "server's banner names appliances)",
	.transport = DISSECTOR_TCP,
	.ports = ssh_ports,
	.probe = ssh_probe,
	.parse = ssh_parse,
	.state_size = sizeof(struct ssh_state),
	.max_pending = 512,
};
