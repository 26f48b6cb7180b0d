/*
 * ntlmssp.h - NTLMSSP (MS-NLMP) message parsing, shared by every carrier
 * (SMB1/SMB2 session setup, HTTP Authorization/WWW-Authenticate NTLM and
 * Negotiate, DCE-RPC auth verifiers, LDAP SASL/sicily binds).
 *
 * A carrier embeds one struct ntlmssp_state in its per-flow state and passes
 * every NTLMSSP blob it finds (starting at the "NTLMSSP\0" signature) to
 * ntlmssp_feed().  The CHALLENGE message's server challenge is remembered so
 * that the AUTHENTICATE message can be reported as weak_auth with the
 * crackable NetNTLMv1/v2 line (hashcat modes 5500/5600).
 */
#ifndef EDGEWARD_NTLMSSP_H
#define EDGEWARD_NTLMSSP_H

#include <stddef.h>
#include <stdint.h>

#include "dissector.h"

struct ntlmssp_state {
	uint8_t		server_challenge[8];
	int		have_challenge;
	int		reported;
};

/*
 * carrier: "smb", "http", "dcerpc", "ldap" ...; names the proto in the fact.
 * Reports a weak_auth credential fact on AUTHENTICATE (NTLMv1 vs v2 told
 * apart by the NT response length; anonymous/null sessions as CRED_NONE).
 */
void	ntlmssp_feed(struct dctx *ctx, struct ntlmssp_state *st,
	    const char *carrier, const uint8_t *blob, size_t len);
/*
 * Carriers that see the server's verdict (SMB session setup status, LDAP
 * bindResponse, DCE-RPC bind_ack/fault) keep the AUTHENTICATE fact pending
 * until they know it: they embed one struct ntlmssp_pending next to the
 * state, feed with ntlmssp_feed_pending(), and call ntlmssp_settle() with the
 * outcome when the answer comes and with CRED_OUTCOME_UNKNOWN from their
 * free().  A second AUTHENTICATE before the verdict settles the first as
 * unknown.  ntlmssp_feed() is the same with an immediate, unknown outcome.
 * Names are kept as UTF-8, bounded; an NT response longer than
 * NTLMSSP_NT_MAX cannot be kept and is reported at once.
 */
#define NTLMSSP_NAME_MAX	256
#define NTLMSSP_NT_MAX		2048

struct ntlmssp_pending {
	int		used;
	const char	*carrier;		/* string literal */
	int		anonymous;
	int		have_challenge;
	uint8_t		challenge[8];
	uint8_t		user[NTLMSSP_NAME_MAX];
	size_t		user_len;
	uint8_t		domain[NTLMSSP_NAME_MAX];
	size_t		domain_len;
	uint8_t		workstation[NTLMSSP_NAME_MAX];
	size_t		workstation_len;
	uint8_t		lm[24];
	size_t		lm_len;
	uint8_t		nt[NTLMSSP_NT_MAX];
	size_t		nt_len;
};

void	ntlmssp_feed_pending(struct dctx *ctx, struct ntlmssp_state *st,
	    struct ntlmssp_pending *pend, const char *carrier,
	    const uint8_t *blob, size_t len);
/* Reports the pending AUTHENTICATE (if any) with this outcome. */
void	ntlmssp_settle(struct dctx *ctx, struct ntlmssp_pending *pend,
	    enum cred_outcome outcome);

/* Finds "NTLMSSP\0" in buf; returns its offset or -1. */
long	ntlmssp_find(const uint8_t *buf, size_t len);

#endif
