/*
 * test_dcerpc.c - DCE/RPC NTLMSSP auth: bind/bind_ack/auth3 then a
 * response (success) or an access-denied fault (failure), byte-by-byte
 * delivery, truncation, bad auth length, malformed and look-alike data.
 */
#include <string.h>

#include "fake_dctx.h"
#include "unit.h"

extern const struct dissector dcerpc_dissector;

static struct dctx ctx;
static uint8_t state[16384];

static void
setup(void)
{
	fake_dctx_reset(&ctx, 135);
	CU_ASSERT_FATAL(dcerpc_dissector.state_size <= sizeof(state));
	memset(state, 0, sizeof(state));
}

static void
feed(int dir, const uint8_t *p, size_t n, int bytewise)
{
	size_t i;

	if (!bytewise) {
		fake_feed(&ctx, &dcerpc_dissector, state, dir, p, n);
		return;
	}
	for (i = 0; i < n; i++)
		fake_feed(&ctx, &dcerpc_dissector, state, dir, p + i, 1);
}

static const uint8_t rpc_bind[] = {
	0x05, 0x00, 0x0b, 0x03,                 /* version 5.0, PTYPE 11 (bind), flags FIRST|LAST */
	0x10, 0x00, 0x00, 0x00,                 /* data representation: little-endian, ASCII, IEEE */
	0x70, 0x00, 0x20, 0x00,                 /* frag_length 112, auth_length 32 */
	0x02, 0x00, 0x00, 0x00,                 /* call_id 2 */
	0xd0, 0x16, 0xd0, 0x16, 0x00, 0x00, 0x00, 0x00, /* max_xmit_frag, max_recv_frag, assoc_group_id */
	0x01, 0x00, 0x00, 0x00,                 /* n_context_elem 1 */
	0x00, 0x00, 0x01, 0x00,                 /* p_cont_id 0, n_transfer_syn 1 */
	0xc8, 0x4f, 0x32, 0x4b, 0x70, 0x16, 0xd3, 0x01, 0x12, 0x78, /* abstract syntax: SVCCTL v3.0 */
	0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88, 0x03, 0x00, 0x00, 0x00,
	0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, /* transfer syntax: NDR v2 */
	0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x00, 0x00,
	0x0a, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* sec_trailer: auth_type 10 (NTLMSSP), level 2 (connect), pad 0, reserved, context_id 0 */
	0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x01, 0x00, /* NTLMSSP NEGOTIATE */
	0x00, 0x00, 0x07, 0x82, 0x08, 0xa2, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00,
};

static const uint8_t rpc_bind_ack[] = {
	0x05, 0x00, 0x0c, 0x03,                 /* version 5.0, PTYPE 12 (bind_ack), flags FIRST|LAST */
	0x10, 0x00, 0x00, 0x00,                 /* data representation: little-endian, ASCII, IEEE */
	0x7c, 0x00, 0x38, 0x00,                 /* frag_length 124, auth_length 56 */
	0x02, 0x00, 0x00, 0x00,                 /* call_id 2 */
	0xd0, 0x16, 0xd0, 0x16, 0x34, 0x12, 0x00, 0x00, /* max_xmit_frag, max_recv_frag, assoc_group_id */
	0x04, 0x00, 0x31, 0x33, 0x35, 0x00, /* secondary address "135" */
	0x00, 0x00,                             /* pad to 4 */
	0x01, 0x00, 0x00, 0x00,                 /* n_results 1 */
	0x00, 0x00, 0x00, 0x00, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, /* result acceptance, NDR */
	0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60,
	0x02, 0x00, 0x00, 0x00,
	0x0a, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* sec_trailer: auth_type 10 (NTLMSSP), level 2 (connect), pad 0, reserved, context_id 0 */
	0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, /* NTLMSSP CHALLENGE, server challenge 0123456789abcdef */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00,
	0x01, 0x82, 0x02, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
	0xcd, 0xef, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00, 0x06, 0x01,
	0xb1, 0x1d, 0x00, 0x00, 0x00, 0x0f,
};

static const uint8_t rpc_auth3[] = {
	0x05, 0x00, 0x10, 0x03,                 /* version 5.0, PTYPE 16 (auth3), flags FIRST|LAST */
	0x10, 0x00, 0x00, 0x00,                 /* data representation: little-endian, ASCII, IEEE */
	0xb4, 0x00, 0x98, 0x00,                 /* frag_length 180, auth_length 152 */
	0x02, 0x00, 0x00, 0x00,                 /* call_id 2 */
	0x00, 0x00, 0x00, 0x00,                 /* pad (max_xmit_frag, max_recv_frag) */
	0x0a, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* sec_trailer: auth_type 10 (NTLMSSP), level 2 (connect), pad 0, reserved, context_id 0 */
	0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x03, 0x00, /* NTLMSSP AUTHENTICATE bob/DOM NTLMv2 (test_ntlmssp.c auth_v2) */
	0x00, 0x00, 0x18, 0x00, 0x18, 0x00, 0x50, 0x00, 0x00, 0x00,
	0x30, 0x00, 0x30, 0x00, 0x68, 0x00, 0x00, 0x00, 0x06, 0x00,
	0x06, 0x00, 0x40, 0x00, 0x00, 0x00, 0x06, 0x00, 0x06, 0x00,
	0x46, 0x00, 0x00, 0x00, 0x04, 0x00, 0x04, 0x00, 0x4c, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x98, 0x00, 0x00, 0x00,
	0x05, 0x82, 0x88, 0xa2, 0x44, 0x00, 0x4f, 0x00, 0x4d, 0x00,
	0x62, 0x00, 0x6f, 0x00, 0x62, 0x00, 0x57, 0x00, 0x53, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
	0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x90,
	0xd3, 0x36, 0xb7, 0x34, 0xc3, 0x01, 0xff, 0xff, 0xff, 0x00,
	0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00,
};

static const uint8_t rpc_request[] = {
	0x05, 0x00, 0x00, 0x03,                 /* version 5.0, PTYPE 0 (request), flags FIRST|LAST */
	0x10, 0x00, 0x00, 0x00,                 /* data representation: little-endian, ASCII, IEEE */
	0x1c, 0x00, 0x00, 0x00,                 /* frag_length 28, auth_length 0 */
	0x02, 0x00, 0x00, 0x00,                 /* call_id 2 */
	0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x00, /* alloc_hint 4, p_cont_id 0, opnum 15 */
	0x00, 0x00, 0x00, 0x00,                 /* stub data */
};

static const uint8_t rpc_response[] = {
	0x05, 0x00, 0x02, 0x03,                 /* version 5.0, PTYPE 2 (response), flags FIRST|LAST */
	0x10, 0x00, 0x00, 0x00,                 /* data representation: little-endian, ASCII, IEEE */
	0x1c, 0x00, 0x00, 0x00,                 /* frag_length 28, auth_length 0 */
	0x02, 0x00, 0x00, 0x00,                 /* call_id 2 */
	0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* alloc_hint 4, p_cont_id 0, cancel_count, reserved */
	0x00, 0x00, 0x00, 0x00,                 /* stub data */
};

static const uint8_t rpc_fault_denied[] = {
	0x05, 0x00, 0x03, 0x03,                 /* version 5.0, PTYPE 3 (fault), flags FIRST|LAST */
	0x10, 0x00, 0x00, 0x00,                 /* data representation: little-endian, ASCII, IEEE */
	0x20, 0x00, 0x00, 0x00,                 /* frag_length 32, auth_length 0 */
	0x02, 0x00, 0x00, 0x00,                 /* call_id 2 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* alloc_hint, p_cont_id, cancel_count, reserved */
	0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* status 5 (access denied), reserved */
};

static void
handshake(int bytewise)
{
	feed(DIR_TO_SERVER, rpc_bind, sizeof(rpc_bind), bytewise);
	feed(DIR_TO_CLIENT, rpc_bind_ack, sizeof(rpc_bind_ack), bytewise);
	feed(DIR_TO_SERVER, rpc_auth3, sizeof(rpc_auth3), bytewise);
	feed(DIR_TO_SERVER, rpc_request, sizeof(rpc_request), bytewise);
}

static void
test_auth3_success(void)
{
	struct fake_fact *f;

	setup();
	handshake(0);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	feed(DIR_TO_CLIENT, rpc_response, sizeof(rpc_response), 0);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_STRING_EQUAL(f->proto, "dcerpc");
	CU_ASSERT_STRING_EQUAL(f->mechanism, "NTLMv2");
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_STRING_EQUAL(f->user, "bob");
	CU_ASSERT_STRING_EQUAL(f->crack, "bob::DOM:0123456789abcdef:"
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf:01010000000000000090d336b734c301"
	    "ffffff00112233440000000000000000");
	fake_end(&ctx, &dcerpc_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_fault_failure_bytewise(void)
{
	setup();
	handshake(1);
	feed(DIR_TO_CLIENT, rpc_fault_denied, sizeof(rpc_fault_denied), 1);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_FAILURE);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_no_answer_unknown(void)
{
	uint8_t both[sizeof(rpc_bind) + sizeof(rpc_auth3)];

	setup();
	/* two PDUs in one segment, no server side captured */
	memcpy(both, rpc_bind, sizeof(rpc_bind));
	memcpy(both + sizeof(rpc_bind), rpc_auth3, sizeof(rpc_auth3));
	feed(DIR_TO_SERVER, both, sizeof(both), 0);
	fake_end(&ctx, &dcerpc_dissector, state);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].crack, "");
}

static void
test_truncated(void)
{
	size_t n;

	for (n = 1; n < sizeof(rpc_auth3); n += 5) {
		setup();
		feed(DIR_TO_SERVER, rpc_auth3, n, 0);
		fake_end(&ctx, &dcerpc_dissector, state);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
		CU_ASSERT_EQUAL(ctx.nweirds, 0);
	}
}

static void
test_malformed(void)
{
	uint8_t m[sizeof(rpc_auth3)];

	/* auth_length larger than the fragment */
	setup();
	memcpy(m, rpc_auth3, sizeof(m));
	m[10] = 0xf0;
	feed(DIR_TO_SERVER, m, sizeof(m), 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "dcerpc_bad_auth_length"), 1);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	/* version 4 (connectionless) on a stream */
	setup();
	memcpy(m, rpc_auth3, sizeof(m));
	m[0] = 4;
	feed(DIR_TO_SERVER, m, sizeof(m), 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "dcerpc_malformed"), 1);
	/* frag_length below the header size */
	setup();
	memcpy(m, rpc_auth3, sizeof(m));
	m[8] = 4;
	m[9] = 0;
	feed(DIR_TO_SERVER, m, sizeof(m), 0);
	CU_ASSERT(ctx.done);
	fake_end(&ctx, &dcerpc_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

static void
test_lookalike(void)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

	setup();
	CU_ASSERT(dcerpc_dissector.probe(rpc_bind, sizeof(rpc_bind), 0));
	CU_ASSERT(dcerpc_dissector.probe(rpc_bind_ack, 16, 1));
	CU_ASSERT(!dcerpc_dissector.probe(rpc_auth3, sizeof(rpc_auth3), 0));
	CU_ASSERT(!dcerpc_dissector.probe((const uint8_t *)http,
	    sizeof(http) - 1, 0));
	/* a request without auth: nothing */
	feed(DIR_TO_SERVER, rpc_request, sizeof(rpc_request), 0);
	feed(DIR_TO_CLIENT, rpc_response, sizeof(rpc_response), 0);
	fake_end(&ctx, &dcerpc_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

UNIT_MAIN("dcerpc",
    { "bind/auth3 NTLMv2 then response: success", test_auth3_success },
    { "byte by byte, access-denied fault: failure",
	test_fault_failure_bytewise },
    { "no answer: unknown at flow end", test_no_answer_unknown },
    { "truncated: no fact, no weird", test_truncated },
    { "malformed", test_malformed },
    { "look-alike data", test_lookalike })
