/*
 * test_ldap.c - LDAP binds: simple success/invalidCredentials, anonymous
 * and unauthenticated, SASL PLAIN, a two-step SASL exchange, NTLM in
 * GSS-SPNEGO, StartTLS, several messages per segment, byte-by-byte
 * delivery, truncation, malformed and look-alike data.
 */
#include <string.h>

#include "fake_dctx.h"
#include "unit.h"

extern const struct dissector ldap_dissector;

static struct dctx ctx;
static uint8_t state[16384];

static void
setup(void)
{
	fake_dctx_reset(&ctx, 389);
	CU_ASSERT_FATAL(ldap_dissector.state_size <= sizeof(state));
	memset(state, 0, sizeof(state));
}

static void
feed(int dir, const uint8_t *p, size_t n)
{
	fake_feed(&ctx, &ldap_dissector, state, dir, p, n);
}

static void
feed_bytewise(int dir, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fake_feed(&ctx, &ldap_dissector, state, dir, p + i, 1);
}

static const uint8_t bind_simple[] = {
	0x30, 0x2c,                     /* LDAPMessage (44 bytes) */
	0x02, 0x01, 0x01,               /*   messageID 1 */
	0x60, 0x27,                     /*   [APPLICATION 0] BindRequest (39 bytes) */
	0x02, 0x01, 0x03,               /*     version 3 */
	0x04, 0x1a, 'c', 'n', '=', 'a', 'd', 'm', 'i', 'n', /*     name "cn=admin,dc=example,dc=com" */
	',', 'd', 'c', '=', 'e', 'x', 'a', 'm', 'p', 'l',
	'e', ',', 'd', 'c', '=', 'c', 'o', 'm',
	0x80, 0x06, 's', '3', 'c', 'r', 'e', 't', /*     [0] simple "s3cret" */
};

static const uint8_t bind_ok[] = {
	0x30, 0x0c,                     /* LDAPMessage (12 bytes) */
	0x02, 0x01, 0x01,               /*   messageID 1 */
	0x61, 0x07,                     /*   [APPLICATION 1] BindResponse (7 bytes) */
	0x0a, 0x01, 0x00,               /*     resultCode 0 */
	0x04, 0x00,                     /*     matchedDN "" */
	0x04, 0x00,                     /*     diagnosticMessage "" */
};

static const uint8_t bind_invalid[] = {
	0x30, 0x0c,                     /* LDAPMessage (12 bytes) */
	0x02, 0x01, 0x01,               /*   messageID 1 */
	0x61, 0x07,                     /*   [APPLICATION 1] BindResponse (7 bytes) */
	0x0a, 0x01, '1',                /*     resultCode 49 */
	0x04, 0x00,                     /*     matchedDN "" */
	0x04, 0x00,                     /*     diagnosticMessage "" */
};

static const uint8_t bind_anon[] = {
	0x30, 0x0c,                     /* LDAPMessage (12 bytes) */
	0x02, 0x01, 0x02,               /*   messageID 2 */
	0x60, 0x07,                     /*   [APPLICATION 0] BindRequest (7 bytes) */
	0x02, 0x01, 0x03,               /*     version 3 */
	0x04, 0x00,                     /*     name "" */
	0x80, 0x00,                     /*     [0] simple "" */
};

static const uint8_t bind_unauth[] = {
	0x30, 0x14,                     /* LDAPMessage (20 bytes) */
	0x02, 0x01, 0x03,               /*   messageID 3 */
	0x60, 0x0f,                     /*   [APPLICATION 0] BindRequest (15 bytes) */
	0x02, 0x01, 0x03,               /*     version 3 */
	0x04, 0x08, 'c', 'n', '=', 'g', 'u', 'e', 's', 't', /*     name "cn=guest" */
	0x80, 0x00,                     /*     [0] simple "" */
};

static const uint8_t bind_sasl_plain[] = {
	0x30, 0x20,                     /* LDAPMessage (32 bytes) */
	0x02, 0x01, 0x04,               /*   messageID 4 */
	0x60, 0x1b,                     /*   [APPLICATION 0] BindRequest (27 bytes) */
	0x02, 0x01, 0x03,               /*     version 3 */
	0x04, 0x00,                     /*     name "" */
	0xa3, 0x14,                     /*     [3] SaslCredentials (20 bytes) */
	0x04, 0x05, 'P', 'L', 'A', 'I', 'N', /*       mechanism "PLAIN" */
	0x04, 0x0b, 0x00, 0x63, 0x61, 0x72, 0x6f, 0x6c, 0x00, 0x70, /*       credentials "\0carol\0pa55" */
	0x61, 0x35, 0x35,
};

static const uint8_t bind_digest1[] = {
	0x30, 0x18,                     /* LDAPMessage (24 bytes) */
	0x02, 0x01, 0x05,               /*   messageID 5 */
	0x60, 0x13,                     /*   [APPLICATION 0] BindRequest (19 bytes) */
	0x02, 0x01, 0x03,               /*     version 3 */
	0x04, 0x00,                     /*     name "" */
	0xa3, 0x0c,                     /*     [3] SaslCredentials (12 bytes) */
	0x04, 0x0a, 'D', 'I', 'G', 'E', 'S', 'T', '-', 'M', /*       mechanism "DIGEST-MD5" */
	'D', '5',
};

static const uint8_t resp_in_progress[] = {
	0x30, 0x19,                     /* LDAPMessage (25 bytes) */
	0x02, 0x01, 0x05,               /*   messageID 5 */
	0x61, 0x14,                     /*   [APPLICATION 1] BindResponse (20 bytes) */
	0x0a, 0x01, 0x0e,               /*     resultCode 14 */
	0x04, 0x00,                     /*     matchedDN "" */
	0x04, 0x00,                     /*     diagnosticMessage "" */
	0x87, 0x0b, 'n', 'o', 'n', 'c', 'e', '=', '"', 'a', /*     [7] serverSaslCreds (challenge) */
	'b', 'c', '"',
};

static const uint8_t bind_digest2[] = {
	0x30, 0x29,                     /* LDAPMessage (41 bytes) */
	0x02, 0x01, 0x06,               /*   messageID 6 */
	0x60, 0x24,                     /*   [APPLICATION 0] BindRequest (36 bytes) */
	0x02, 0x01, 0x03,               /*     version 3 */
	0x04, 0x00,                     /*     name "" */
	0xa3, 0x1d,                     /*     [3] SaslCredentials (29 bytes) */
	0x04, 0x0a, 'D', 'I', 'G', 'E', 'S', 'T', '-', 'M', /*       mechanism "DIGEST-MD5" */
	'D', '5',
	0x04, 0x0f, 'u', 's', 'e', 'r', 'n', 'a', 'm', 'e', /*       credentials (response) */
	'=', '"', 'd', 'a', 'v', 'e', '"',
};

static const uint8_t resp_ok6[] = {
	0x30, 0x0c,                     /* LDAPMessage (12 bytes) */
	0x02, 0x01, 0x06,               /*   messageID 6 */
	0x61, 0x07,                     /*   [APPLICATION 1] BindResponse (7 bytes) */
	0x0a, 0x01, 0x00,               /*     resultCode 0 */
	0x04, 0x00,                     /*     matchedDN "" */
	0x04, 0x00,                     /*     diagnosticMessage "" */
};

static const uint8_t starttls_req[] = {
	0x30, 0x1d,                     /* LDAPMessage (29 bytes) */
	0x02, 0x01, 0x07,               /*   messageID 7 */
	0x77, 0x18,                     /*   [APPLICATION 23] ExtendedRequest (24 bytes) */
	0x80, 0x16, '1', '.', '3', '.', '6', '.', '1', '.', /*     [0] requestName StartTLS OID */
	'4', '.', '1', '.', '1', '4', '6', '6', '.', '2',
	'0', '0', '3', '7',
};

static const uint8_t starttls_ok[] = {
	0x30, 0x0c,                     /* LDAPMessage (12 bytes) */
	0x02, 0x01, 0x07,               /*   messageID 7 */
	0x78, 0x07,                     /*   [APPLICATION 24] ExtendedResponse (7 bytes) */
	0x0a, 0x01, 0x00,               /*     resultCode success */
	0x04, 0x00,                     /*     matchedDN "" */
	0x04, 0x00,                     /*     diagnosticMessage "" */
};

static const uint8_t search_req[] = {
	0x30, 0x25,                     /* LDAPMessage (37 bytes) */
	0x02, 0x01, 0x08,               /*   messageID 8 */
	0x63, 0x20,                     /*   [APPLICATION 3] SearchRequest (32 bytes) */
	0x04, 0x00,                     /*     baseObject "" */
	0x0a, 0x01, 0x00,               /*     scope baseObject */
	0x0a, 0x01, 0x00,               /*     derefAliases never */
	0x02, 0x01, 0x00,               /*     sizeLimit */
	0x02, 0x01, 0x00,               /*     timeLimit */
	0x01, 0x01, 0x00,               /*     typesOnly FALSE */
	0x87, 0x0b, 'o', 'b', 'j', 'e', 'c', 't', 'C', 'l', /*     filter present "objectClass" */
	'a', 's', 's',
	0x30, 0x00,                     /*     attributes (0 bytes) */
};

static const uint8_t ntlm_negotiate[] = {
	0x30, 0x3a,                     /* LDAPMessage (58 bytes) */
	0x02, 0x01, 0x09,               /*   messageID 9 */
	0x60, 0x35,                     /*   [APPLICATION 0] BindRequest (53 bytes) */
	0x02, 0x01, 0x03,               /*     version 3 */
	0x04, 0x00,                     /*     name "" */
	0xa3, 0x2e,                     /*     [3] SaslCredentials (46 bytes) */
	0x04, 0x0a, 'G', 'S', 'S', '-', 'S', 'P', 'N', 'E', /*       mechanism "GSS-SPNEGO" */
	'G', 'O',
	0x04, 0x20, 0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, /*       credentials: NTLMSSP NEGOTIATE (flags, empty domain/workstation) */
	0x01, 0x00, 0x00, 0x00, 0x07, 0x82, 0x08, 0xa2, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

static const uint8_t ntlm_challenge[] = {
	0x30, 0x46,                     /* LDAPMessage (70 bytes) */
	0x02, 0x01, 0x09,               /*   messageID 9 */
	0x61, 0x41,                     /*   [APPLICATION 1] BindResponse (65 bytes) */
	0x0a, 0x01, 0x0e,               /*     resultCode 14 */
	0x04, 0x00,                     /*     matchedDN "" */
	0x04, 0x00,                     /*     diagnosticMessage "" */
	0x87, 0x38, 0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, /*     [7] serverSaslCreds: NTLMSSP CHALLENGE, challenge 0123456789abcdef */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x38, 0x00,
	0x00, 0x00, 0x01, 0x82, 0x02, 0x00, 0x01, 0x23, 0x45, 0x67,
	0x89, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00,
	0x06, 0x01, 0xb1, 0x1d, 0x00, 0x00, 0x00, 0x0f,
};

static const uint8_t ntlm_authenticate[] = {
	0x30, 0x81, 0xb5,               /* LDAPMessage (181 bytes) */
	0x02, 0x01, 0x0a,               /*   messageID 10 */
	0x60, 0x81, 0xaf,               /*   [APPLICATION 0] BindRequest (175 bytes) */
	0x02, 0x01, 0x03,               /*     version 3 */
	0x04, 0x00,                     /*     name "" */
	0xa3, 0x81, 0xa7,               /*     [3] SaslCredentials (167 bytes) */
	0x04, 0x0a, 'G', 'S', 'S', '-', 'S', 'P', 'N', 'E', /*       mechanism "GSS-SPNEGO" */
	'G', 'O',
	0x04, 0x81, 0x98, 0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, /*       credentials: NTLMSSP AUTHENTICATE bob/DOM NTLMv2 (as in test_ntlmssp.c auth_v2) */
	0x00, 0x03, 0x00, 0x00, 0x00, 0x18, 0x00, 0x18, 0x00, 0x50,
	0x00, 0x00, 0x00, 0x30, 0x00, 0x30, 0x00, 0x68, 0x00, 0x00,
	0x00, 0x06, 0x00, 0x06, 0x00, 0x40, 0x00, 0x00, 0x00, 0x06,
	0x00, 0x06, 0x00, 0x46, 0x00, 0x00, 0x00, 0x04, 0x00, 0x04,
	0x00, 0x4c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x98,
	0x00, 0x00, 0x00, 0x05, 0x82, 0x88, 0xa2, 0x44, 0x00, 0x4f,
	0x00, 0x4d, 0x00, 0x62, 0x00, 0x6f, 0x00, 0x62, 0x00, 0x57,
	0x00, 0x53, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa0, 0xa1, 0xa2,
	0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac,
	0xad, 0xae, 0xaf, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x90, 0xd3, 0x36, 0xb7, 0x34, 0xc3, 0x01, 0xff,
	0xff, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t ntlm_ok[] = {
	0x30, 0x0c,                     /* LDAPMessage (12 bytes) */
	0x02, 0x01, 0x0a,               /*   messageID 10 */
	0x61, 0x07,                     /*   [APPLICATION 1] BindResponse (7 bytes) */
	0x0a, 0x01, 0x00,               /*     resultCode 0 */
	0x04, 0x00,                     /*     matchedDN "" */
	0x04, 0x00,                     /*     diagnosticMessage "" */
};

static void
test_simple_success(void)
{
	struct fake_fact *f;

	setup();
	feed(DIR_TO_SERVER, bind_simple, sizeof(bind_simple));
	CU_ASSERT_EQUAL(ctx.nfacts, 0);		/* waits for the result */
	feed(DIR_TO_CLIENT, bind_ok, sizeof(bind_ok));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_STRING_EQUAL(f->proto, "ldap");
	CU_ASSERT_STRING_EQUAL(f->mechanism, "simple");
	CU_ASSERT_EQUAL(f->cls, CRED_CLEARTEXT);
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_STRING_EQUAL(f->user, "cn=admin,dc=example,dc=com");
	CU_ASSERT_EQUAL(f->secret_len, 6);
	CU_ASSERT(memcmp(f->secret, "s3cret", 6) == 0);
	fake_end(&ctx, &ldap_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_simple_failure_bytewise(void)
{
	setup();
	feed_bytewise(DIR_TO_SERVER, bind_simple, sizeof(bind_simple));
	feed_bytewise(DIR_TO_CLIENT, bind_invalid, sizeof(bind_invalid));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_FAILURE);
	CU_ASSERT_EQUAL(ctx.facts[0].secret_len, 6);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_anonymous_and_unauthenticated(void)
{
	uint8_t two[sizeof(bind_anon) + sizeof(bind_unauth)];

	setup();
	/* two binds in one segment: the first is settled unknown */
	memcpy(two, bind_anon, sizeof(bind_anon));
	memcpy(two + sizeof(bind_anon), bind_unauth, sizeof(bind_unauth));
	feed(DIR_TO_SERVER, two, sizeof(two));
	fake_end(&ctx, &ldap_dissector, state);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	CU_ASSERT_EQUAL(ctx.facts[0].cls, CRED_NONE);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "bind"),
	    "anonymous");
	CU_ASSERT_EQUAL(ctx.facts[0].user_len, 0);
	CU_ASSERT_EQUAL(ctx.facts[1].cls, CRED_NONE);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[1], "bind"),
	    "unauthenticated");
	CU_ASSERT_STRING_EQUAL(ctx.facts[1].user, "cn=guest");
	CU_ASSERT_EQUAL(ctx.facts[1].secret_len, 0);
}

static void
test_sasl_plain(void)
{
	setup();
	feed(DIR_TO_SERVER, bind_sasl_plain, sizeof(bind_sasl_plain));
	fake_end(&ctx, &ldap_dissector, state);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].cls, CRED_CLEARTEXT);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].mechanism, "SASL PLAIN");
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "carol");
	CU_ASSERT_EQUAL(ctx.facts[0].secret_len, 4);
	CU_ASSERT(memcmp(ctx.facts[0].secret, "pa55", 4) == 0);
}

static void
test_sasl_two_steps(void)
{
	struct fake_fact *f;

	setup();
	feed(DIR_TO_SERVER, bind_digest1, sizeof(bind_digest1));
	feed(DIR_TO_CLIENT, resp_in_progress, sizeof(resp_in_progress));
	feed(DIR_TO_SERVER, bind_digest2, sizeof(bind_digest2));
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	feed(DIR_TO_CLIENT, resp_ok6, sizeof(resp_ok6));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_EQUAL(f->cls, CRED_NONE);
	CU_ASSERT_STRING_EQUAL(f->mechanism, "SASL");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(f, "sasl_mechanism"),
	    "DIGEST-MD5");
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_SUCCESS);
	fake_end(&ctx, &ldap_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
}

static void
test_ntlm_in_spnego(void)
{
	struct fake_fact *f;

	setup();
	feed(DIR_TO_SERVER, ntlm_negotiate, sizeof(ntlm_negotiate));
	feed(DIR_TO_CLIENT, ntlm_challenge, sizeof(ntlm_challenge));
	feed(DIR_TO_SERVER, ntlm_authenticate, sizeof(ntlm_authenticate));
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	feed(DIR_TO_CLIENT, ntlm_ok, sizeof(ntlm_ok));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_STRING_EQUAL(f->proto, "ldap");
	CU_ASSERT_STRING_EQUAL(f->mechanism, "NTLMv2");
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_STRING_EQUAL(f->user, "bob");
	CU_ASSERT_STRING_EQUAL(f->crack, "bob::DOM:0123456789abcdef:"
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf:01010000000000000090d336b734c301"
	    "ffffff00112233440000000000000000");
	/* a sealed SASL layer follows: no weird, dissection stops */
	feed(DIR_TO_SERVER, (const uint8_t *)"\x00\x00\x00\x40\x05\x04", 6);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_starttls_done(void)
{
	setup();
	feed(DIR_TO_SERVER, starttls_req, sizeof(starttls_req));
	CU_ASSERT(!ctx.done);
	feed(DIR_TO_CLIENT, starttls_ok, sizeof(starttls_ok));
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

static void
test_other_ops_ignored(void)
{
	uint8_t both[sizeof(search_req) + sizeof(bind_simple)];

	setup();
	/* a search then a bind in one segment, delivered byte by byte */
	memcpy(both, search_req, sizeof(search_req));
	memcpy(both + sizeof(search_req), bind_simple, sizeof(bind_simple));
	feed_bytewise(DIR_TO_SERVER, both, sizeof(both));
	CU_ASSERT_EQUAL(ctx.pend.n[DIR_TO_SERVER], 0);
	fake_end(&ctx, &ldap_dissector, state);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_UNKNOWN);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_truncated_no_fact(void)
{
	size_t n;

	for (n = 1; n < sizeof(bind_simple); n++) {
		setup();
		feed(DIR_TO_SERVER, bind_simple, n);
		fake_end(&ctx, &ldap_dissector, state);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
		CU_ASSERT_EQUAL(ctx.pend.n[DIR_TO_SERVER], n);
	}
}

static void
test_malformed(void)
{
	uint8_t m[sizeof(bind_simple)];

	/* inner length overruns the message: weird, no fact, no done */
	setup();
	memcpy(m, bind_simple, sizeof(m));
	m[6] = 0x7f;
	feed(DIR_TO_SERVER, m, sizeof(m));
	fake_end(&ctx, &ldap_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "ldap_malformed"), 1);
	/* indefinite length: framing is lost, give up */
	setup();
	memcpy(m, bind_simple, sizeof(m));
	m[1] = 0x80;
	feed(DIR_TO_SERVER, m, sizeof(m));
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "ldap_malformed"), 1);
	/* a 100 KiB message: too large */
	setup();
	memcpy(m, bind_simple, sizeof(m));
	m[1] = 0x83;
	m[2] = 0x01;
	m[3] = 0x90;
	m[4] = 0x00;
	feed(DIR_TO_SERVER, m, sizeof(m));
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "ldap_message_too_large"), 1);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

static void
test_lookalike(void)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	/* a BER SEQUENCE holding an INTEGER then an OCTET STRING (not an op) */
	static const uint8_t ber[] = { 0x30, 0x06, 0x02, 0x01, 0x01,
	    0x04, 0x01, 'x' };

	setup();
	CU_ASSERT(!ldap_dissector.probe((const uint8_t *)http,
	    sizeof(http) - 1, 0));
	CU_ASSERT(!ldap_dissector.probe(ber, sizeof(ber), 0));
	CU_ASSERT(ldap_dissector.probe(bind_simple, 10, 0));
	feed(DIR_TO_SERVER, ber, sizeof(ber));
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	feed(DIR_TO_SERVER, (const uint8_t *)http, sizeof(http) - 1);
	CU_ASSERT(ctx.done);
	fake_end(&ctx, &ldap_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

UNIT_MAIN("ldap",
    { "simple bind: success", test_simple_success },
    { "simple bind byte by byte: invalidCredentials",
	test_simple_failure_bytewise },
    { "anonymous and unauthenticated binds",
	test_anonymous_and_unauthenticated },
    { "SASL PLAIN is cleartext", test_sasl_plain },
    { "two-step SASL is one fact", test_sasl_two_steps },
    { "NTLM in GSS-SPNEGO", test_ntlm_in_spnego },
    { "StartTLS ends dissection", test_starttls_done },
    { "other operations, byte by byte", test_other_ops_ignored },
    { "truncated: no fact", test_truncated_no_fact },
    { "malformed", test_malformed },
    { "look-alike data", test_lookalike })
