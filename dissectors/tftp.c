/*
 * tftp.c - Trivial File Transfer Protocol (RFC 1350; options RFC 2347,
 * blksize RFC 2348).  Devices pull and push their configuration and
 * firmware with it, and captures leave devices with it.
 *
 * A transfer is two flows: the request (RRQ 1 / WRQ 2: filename NUL mode
 * NUL [option NUL value NUL]...) to UDP 69, answered from a new server
 * port, so the data (DATA 3: block number, up to blksize bytes) and ACKs
 * (4) run on a flow of their own, which this dissector finds with its
 * probe: a DATA packet of block 1, or what comes before it (the server's
 * OACK when options were asked for, ACK of block 0 for a write).
 *
 * Facts (FACT_FILE): the request, with the file name and whether it is an
 * upload (WRQ); the first DATA block of a transfer, with its first bytes
 * as head (no name: the detector pairs it with the request of the same two
 * hosts, which the same worker sees).
 * Not facts: a name or mode that is not NUL-terminated, a mode other than
 * netascii, octet or mail (weird tftp_malformed); DATA of later blocks,
 * ACK, ERROR and OACK packets.
 */
#include <string.h>

#include "cursor.h"
#include "dissector.h"
#include "textproto.h"

#define TFTP_RRQ	1
#define TFTP_WRQ	2
#define TFTP_DATA	3
#define TFTP_BLOCK_MAX	65464	/* RFC 2348 */

static const uint16_t tftp_ports[] = { 69, 0 };

struct tftp_state {
	uint8_t		reported[2];	/* request, first data block */
};

static int
tftp_mode_ok(const uint8_t *m, size_t n)
{
	return tp_ieq(m, n, "netascii") || tp_ieq(m, n, "octet") ||
	    tp_ieq(m, n, "mail");
}

/* A request: opcode, filename NUL, mode NUL. */
static int
tftp_request(const uint8_t *data, size_t len, const uint8_t **name,
    size_t *nlen)
{
	struct cursor c;
	const uint8_t *mode;
	size_t mlen;
	uint16_t op;

	cur_init(&c, data, len);
	op = cur_be16(&c);
	if (!cur_ok(&c) || (op != TFTP_RRQ && op != TFTP_WRQ))
		return 0;
	*name = cur_cstring(&c, nlen);
	mode = cur_cstring(&c, &mlen);
	if (!cur_ok(&c) || *nlen == 0 || !tftp_mode_ok(mode, mlen))
		return 0;
	return op;
}

/* The first DATA block of a transfer: opcode 3, block 1. */
static int
tftp_first_data(const uint8_t *data, size_t len)
{
	return len >= 4 && len <= 4 + TFTP_BLOCK_MAX && data[0] == 0 &&
	    data[1] == TFTP_DATA && data[2] == 0 && data[3] == 1;
}

/*
 * An OACK (RFC 2347: opcode 6, then NUL-terminated printable option and
 * value strings), with which a server answers a request that asked for
 * options before the first block (curl asks for blksize).
 */
static int
tftp_oack(const uint8_t *data, size_t len)
{
	size_t i, strings = 0;

	if (len < 4 || len > 512 || data[0] != 0 || data[1] != 6 ||
	    data[len - 1] != 0)
		return 0;
	for (i = 2; i < len; i++) {
		if (data[i] == 0) {
			if (data[i - 1] == 0)
				return 0;	/* an empty string */
			strings++;
		} else if (data[i] < 0x20 || data[i] > 0x7e)
			return 0;
	}
	return strings >= 2 && strings % 2 == 0;
}

/* A data flow starts: its first block, the server's OACK, or ACK 0. */
static int
tftp_probe(const uint8_t *data, size_t len, int dir)
{
	(void)dir;
	return tftp_first_data(data, len) || tftp_oack(data, len) ||
	    (len == 4 && data[0] == 0 && data[1] == 4 && data[2] == 0 &&
	    data[3] == 0);
}

static size_t
tftp_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct tftp_state *st = state;
	const uint8_t *name;
	size_t nlen;
	int op;

	if (tftp_first_data(data, len)) {
		if (st->reported[1]++)
			return len;	/* a retransmission */
		/* Towards this data flow's server; whether the transfer was
		 * a read or a write is the request's. */
		tp_file_head(ctx, "tftp", dir == DIR_TO_SERVER, NULL, 0,
		    data + 4, len - 4, -1);
		return len;
	}
	if (len >= 2 && data[0] == 0 && (data[1] == TFTP_RRQ ||
	    data[1] == TFTP_WRQ)) {
		if ((op = tftp_request(data, len, &name, &nlen)) == 0) {
			dctx_weird(ctx, "tftp_malformed");
			return len;
		}
		if (!st->reported[0]++)
			tp_file(ctx, "tftp", op == TFTP_WRQ, name, nlen);
	}
	return len;
}

const struct dissector tftp_dissector = {
	.name = "tftp",
	.description = "TFTP requests and first data blocks (file facts: "
	    "name, direction, content head)",
	.transport = DISSECTOR_UDP,
	.ports = tftp_ports,
	.probe = tftp_probe,
	.parse = tftp_parse,
	.state_size = sizeof(struct tftp_state),
};
