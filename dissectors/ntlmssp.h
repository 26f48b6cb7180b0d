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

struct dctx;

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
/* Finds "NTLMSSP\0" in buf; returns its offset or -1. */
long	ntlmssp_find(const uint8_t *buf, size_t len);

#endif
