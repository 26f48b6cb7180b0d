/*
 * dcerpc.c - DCE/RPC connection-oriented authentication (TCP 135, and the
 * dynamic endpoint ports through the probe).
 *
 * Spec: DCE 1.1 RPC (C706) chapter 12.6 (connection-oriented PDUs, common
 * header, auth verifier), [MS-RPCE] 2.2.2.11 (sec_trailer), 2.2.1.1.7
 * (auth types: 10 RPC_C_AUTHN_WINNT = NTLMSSP, 9 GSS_NEGOTIATE = SPNEGO).
 *
 * A fact: NTLMSSP in the auth verifier of a bind, alter_context or auth3
 * (client) or bind_ack / alter_context_resp (server: the CHALLENGE) goes to
 * ntlmssp with carrier "dcerpc".  The AUTHENTICATE is settled by the
 * server's next word: a bind_ack, alter_context_resp or response is
 * success; a
 * bind_nak or a fault with nca_s_fault_access_denied (5) or
 * ERROR_ACCESS_DENIED is failure; flow end leaves it unknown.
 * Deliberately not a fact: Kerberos (16) and other auth types,
 * connectionless (UDP) RPC, stub data.
 */
#include <string.h>

#include "cursor.h"
#include "dissector.h"
#include "ntlmssp.h"

#define RPC_HEADER_LEN		16
#define RPC_SEC_TRAILER_LEN	8

#define RPC_PTYPE_REQUEST	0
#define RPC_PTYPE_RESPONSE	2
#define RPC_PTYPE_FAULT		3
#define RPC_PTYPE_BIND		11
#define RPC_PTYPE_BIND_ACK	12
#define RPC_PTYPE_BIND_NAK	13
#define RPC_PTYPE_ALTER		14
#define RPC_PTYPE_ALTER_RESP	15
#define RPC_PTYPE_AUTH3		16
#define RPC_PTYPE_MAX		19

#define RPC_AUTHN_GSS_NEGOTIATE	9
#define RPC_AUTHN_WINNT		10

#define RPC_FAULT_ACCESS_DENIED	0x00000005u
#define RPC_NCA_ACCESS_DENIED	0x1c010001u	/* nca_s_fault_access_denied */

#define RPC_DREP_LITTLE_ENDIAN	0x10

struct dcerpc_state {
	struct ntlmssp_state	ntlm;
	struct ntlmssp_pending	ntlm_pend;
};

static const uint16_t dcerpc_ports[] = { 135, 0 };

static uint16_t
rpc_u16(const uint8_t *p, int le)
{
	return le ? (uint16_t)(p[0] | p[1] << 8) : (uint16_t)(p[0] << 8 | p[1]);
}

/* Checks a common header; returns the fragment length or 0. */
static size_t
rpc_header(const uint8_t *p, size_t len)
{
	size_t frag;

	if (len < RPC_HEADER_LEN || p[0] != 5 || p[1] > 1 ||
	    p[2] > RPC_PTYPE_MAX || (p[4] & ~RPC_DREP_LITTLE_ENDIAN & 0xf0))
		return 0;
	frag = rpc_u16(p + 8, p[4] & RPC_DREP_LITTLE_ENDIAN);
	return frag >= RPC_HEADER_LEN ? frag : 0;
}

static void
rpc_pdu(struct dctx *ctx, struct dcerpc_state *st, int dir,
    const uint8_t *pdu, size_t frag)
{
	int le = (pdu[4] & RPC_DREP_LITTLE_ENDIAN) != 0;
	uint8_t ptype = pdu[2], auth_type;
	uint16_t auth_len = rpc_u16(pdu + 10, le);
	struct cursor c;
	uint32_t status;
	const uint8_t *av;
	long at;

	if (dir == DIR_TO_CLIENT) {
		switch (ptype) {
		case RPC_PTYPE_RESPONSE:
		case RPC_PTYPE_ALTER_RESP:
		case RPC_PTYPE_BIND_ACK:
			/*
			 * A pending AUTHENTICATE was accepted (a CHALLENGE
			 * these may carry always comes before it).
			 */
			ntlmssp_settle(ctx, &st->ntlm_pend,
			    CRED_OUTCOME_SUCCESS);
			break;
		case RPC_PTYPE_BIND_NAK:
			ntlmssp_settle(ctx, &st->ntlm_pend,
			    CRED_OUTCOME_FAILURE);
			return;
		case RPC_PTYPE_FAULT:
			/* alloc_hint 4, p_cont_id 2, cancel_count 1, rsvd 1 */
			cur_init(&c, pdu, frag);
			cur_skip(&c, RPC_HEADER_LEN + 8);
			status = le ? cur_le32(&c) : cur_be32(&c);
			if (cur_ok(&c))
				ntlmssp_settle(ctx, &st->ntlm_pend,
				    status == RPC_FAULT_ACCESS_DENIED ||
				    status == RPC_NCA_ACCESS_DENIED ?
				    CRED_OUTCOME_FAILURE :
				    CRED_OUTCOME_UNKNOWN);
			return;
		}
	}
	if (auth_len == 0 || (ptype != RPC_PTYPE_BIND &&
	    ptype != RPC_PTYPE_BIND_ACK && ptype != RPC_PTYPE_ALTER &&
	    ptype != RPC_PTYPE_ALTER_RESP && ptype != RPC_PTYPE_AUTH3))
		return;
	if ((size_t)auth_len + RPC_SEC_TRAILER_LEN > frag - RPC_HEADER_LEN) {
		dctx_weird(ctx, "dcerpc_bad_auth_length");
		return;
	}
	cur_init(&c, pdu, frag);
	cur_skip(&c, frag - auth_len - RPC_SEC_TRAILER_LEN);
	auth_type = cur_u8(&c);
	cur_skip(&c, RPC_SEC_TRAILER_LEN - 1);
	av = cur_take(&c, auth_len);
	if (av == NULL)
		return;
	if (auth_type != RPC_AUTHN_WINNT && auth_type != RPC_AUTHN_GSS_NEGOTIATE)
		return;
	at = ntlmssp_find(av, auth_len);
	if (at < 0) {
		if (auth_type == RPC_AUTHN_WINNT)
			dctx_weird(ctx, "dcerpc_ntlm_without_ntlmssp");
		return;
	}
	ntlmssp_feed_pending(ctx, &st->ntlm, &st->ntlm_pend, "dcerpc",
	    av + at, auth_len - (size_t)at);
}

static size_t
dcerpc_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct dcerpc_state *st = state;
	size_t used = 0, frag;

	while (len - used >= RPC_HEADER_LEN) {
		frag = rpc_header(data + used, len - used);
		if (frag == 0) {
			dctx_weird(ctx, "dcerpc_malformed");
			dctx_done(ctx);
			return len;
		}
		if (len - used < frag)
			break;
		rpc_pdu(ctx, st, dir, data + used, frag);
		used += frag;
	}
	return used;
}

static int
dcerpc_probe(const uint8_t *data, size_t len, int dir)
{
	if (rpc_header(data, len) == 0)
		return 0;
	/* a client opens with bind; a server's first word is a bind reply */
	if (dir == DIR_TO_SERVER)
		return data[2] == RPC_PTYPE_BIND;
	return data[2] == RPC_PTYPE_BIND_ACK || data[2] == RPC_PTYPE_BIND_NAK;
}

static void
dcerpc_free(struct dctx *ctx, void *state)
{
	struct dcerpc_state *st = state;

	ntlmssp_settle(ctx, &st->ntlm_pend, CRED_OUTCOME_UNKNOWN);
}

const struct dissector dcerpc_dissector = {
	.name = "dcerpc",
	.description = "DCE/RPC binds authenticated with NTLMSSP",
	.transport = DISSECTOR_TCP,
	.ports = dcerpc_ports,
	.probe = dcerpc_probe,
	.parse = dcerpc_parse,
	.state_size = sizeof(struct dcerpc_state),
	.free = dcerpc_free,
	.max_pending = 65536,
};
