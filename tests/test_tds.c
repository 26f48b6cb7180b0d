/*
 * test_tds.c - MS-TDS: LOGIN7 with an obfuscated password answered by
 * LOGINACK or ERROR 18456, byte by byte, PRELOGIN encryption negotiation,
 * TLS first (TDS 8), integrated security, truncation, malformed LOGIN7
 * offsets and look-alike data.  Packets built per [MS-TDS] 2.2.
 */
#include <string.h>

#include "fake_dctx.h"
#include "ntlm_vectors.h"
#include "unit.h"

extern const struct dissector tds_dissector;

static struct dctx ctx;
static uint8_t state[16384];

static const uint8_t tds_login7[] = {
	0x10, 0x01, 0x00, 0xa8, 0x00, 0x00, 0x01, 0x00, /* TDS header: LOGIN7, EOM, length */
	0xa0, 0x00, 0x00, 0x00, /* Length */
	0x04, 0x00, 0x00, 0x74, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, /* TDSVersion 7.4, PacketSize, ClientProgVer, PID, ConnectionID */
	0x00, 0x07, 0xd2, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xe0, 0x03, 0x00, 0x00, /* OptionFlags1, OptionFlags2 (no fIntSecurity), TypeFlags, OptionFlags3 */
	0xc4, 0xff, 0xff, 0xff, 0x09, 0x04, 0x00, 0x00, /* ClientTimeZone, ClientLCID */
	0x5e, 0x00, 0x04, 0x00, /* ibHostName, cchHostName */
	0x66, 0x00, 0x02, 0x00, /* ibUserName, cchUserName */
	0x6a, 0x00, 0x08, 0x00, /* ibPassword, cchPassword */
	0x7a, 0x00, 0x06, 0x00, /* ibAppName, cchAppName */
	0x86, 0x00, 0x03, 0x00, /* ibServerName, cchServerName */
	0x8c, 0x00, 0x00, 0x00, /* ibExtension, cbExtension */
	0x8c, 0x00, 0x04, 0x00, /* ibCltIntName, cchCltIntName */
	0x94, 0x00, 0x00, 0x00, /* ibLanguage, cchLanguage */
	0x94, 0x00, 0x06, 0x00, /* ibDatabase, cchDatabase */
	0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef, 0xa0, 0x00, 0x00, 0x00, /* ClientID, SSPI, AtchDBFile, ChangePassword, cbSSPILong */
	0xa0, 0x00, 0x00, 0x00, 0xa0, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00,
	0x57, 0x00, 0x53, 0x00, 0x30, 0x00, 0x31, 0x00, /* "WS01" */
	0x73, 0x00, 0x61, 0x00, /* "sa" */
	0xa0, 0xa5, 0xb3, 0xa5, 0xe7, 0xa5, 0xe7, 0xa5, 0xd2, 0xa5, /* "Pa$$w0rd" obfuscated */
	0xa6, 0xa5, 0x82, 0xa5, 0xe3, 0xa5,
	0x73, 0x00, 0x71, 0x00, 0x6c, 0x00, 0x63, 0x00, 0x6d, 0x00, /* "sqlcmd" */
	0x64, 0x00,
	0x64, 0x00, 0x62, 0x00, 0x31, 0x00, /* "db1" */
	0x4f, 0x00, 0x44, 0x00, 0x42, 0x00, 0x43, 0x00, /* "ODBC" */
	0x6d, 0x00, 0x61, 0x00, 0x73, 0x00, 0x74, 0x00, 0x65, 0x00, /* "master" */
	0x72, 0x00,
};
static const uint8_t tds_prelogin_notsup[] = {
	0x12, 0x01, 0x00, 0x29, 0x00, 0x00, 0x01, 0x00, /* TDS header: PRELOGIN from the client */
	0x00, 0x00, 0x15, 0x00, 0x06, 0x01, 0x00, 0x1b, 0x00, 0x01, /* options: VERSION, ENCRYPTION (NOT_SUP), INSTOPT, THREADID */
	0x02, 0x00, 0x1c, 0x00, 0x01, 0x03, 0x00, 0x1d, 0x00, 0x04,
	0xff, /* terminator */
	0x0f, 0x00, 0x07, 0xd0, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, /* values */
	0x10, 0x00,
};
static const uint8_t tds_prelogin_reply_notsup[] = {
	0x04, 0x01, 0x00, 0x29, 0x00, 0x00, 0x01, 0x00, /* TDS header: PRELOGIN reply (packet type 4) */
	0x00, 0x00, 0x15, 0x00, 0x06, 0x01, 0x00, 0x1b, 0x00, 0x01, /* options: VERSION, ENCRYPTION (NOT_SUP), INSTOPT, THREADID */
	0x02, 0x00, 0x1c, 0x00, 0x01, 0x03, 0x00, 0x1d, 0x00, 0x04,
	0xff, /* terminator */
	0x0f, 0x00, 0x07, 0xd0, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, /* values */
	0x10, 0x00,
};
static const uint8_t tds_prelogin_off[] = {
	0x12, 0x01, 0x00, 0x29, 0x00, 0x00, 0x01, 0x00, /* TDS header: PRELOGIN from the client */
	0x00, 0x00, 0x15, 0x00, 0x06, 0x01, 0x00, 0x1b, 0x00, 0x01, /* options: VERSION, ENCRYPTION (OFF), INSTOPT, THREADID */
	0x02, 0x00, 0x1c, 0x00, 0x01, 0x03, 0x00, 0x1d, 0x00, 0x04,
	0xff, /* terminator */
	0x0f, 0x00, 0x07, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* values */
	0x10, 0x00,
};
static const uint8_t tds_prelogin_reply_on[] = {
	0x04, 0x01, 0x00, 0x29, 0x00, 0x00, 0x01, 0x00, /* TDS header: PRELOGIN reply (packet type 4) */
	0x00, 0x00, 0x15, 0x00, 0x06, 0x01, 0x00, 0x1b, 0x00, 0x01, /* options: VERSION, ENCRYPTION (ON), INSTOPT, THREADID */
	0x02, 0x00, 0x1c, 0x00, 0x01, 0x03, 0x00, 0x1d, 0x00, 0x04,
	0xff, /* terminator */
	0x0f, 0x00, 0x07, 0xd0, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* values */
	0x10, 0x00,
};
static const uint8_t tds_loginack[] = {
	0x04, 0x01, 0x00, 0x68, 0x00, 0x00, 0x01, 0x00, /* TDS header: response */
	0xe3, 0x1b, 0x00, 0x01, 0x06, 0x6d, 0x00, 0x61, 0x00, 0x73, /* ENVCHANGE database master */
	0x00, 0x74, 0x00, 0x65, 0x00, 0x72, 0x00, 0x06, 0x6d, 0x00,
	0x61, 0x00, 0x73, 0x00, 0x74, 0x00, 0x65, 0x00, 0x72, 0x00,
	0xad, 0x32, 0x00, /* LOGINACK, length */
	0x01, 0x74, 0x00, 0x00, 0x04, 0x14, 0x4d, 0x00, 0x69, 0x00, /* interface, TDS version, "Microsoft SQL Server", version */
	0x63, 0x00, 0x72, 0x00, 0x6f, 0x00, 0x73, 0x00, 0x6f, 0x00,
	0x66, 0x00, 0x74, 0x00, 0x20, 0x00, 0x53, 0x00, 0x51, 0x00,
	0x4c, 0x00, 0x20, 0x00, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00,
	0x76, 0x00, 0x65, 0x00, 0x72, 0x00, 0x10, 0x00, 0x07, 0xd0,
	0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* DONE */
	0x00, 0x00, 0x00,
};
static const uint8_t tds_login_failed[] = {
	0x04, 0x01, 0x00, 0x62, 0x00, 0x00, 0x01, 0x00, /* TDS header: response */
	0xaa, 0x4a, 0x00, /* ERROR, length */
	0x18, 0x48, 0x00, 0x00, 0x01, 0x0e, /* Number 18456, State 1, Class 14 */
	0x1b, 0x00, 0x4c, 0x00, 0x6f, 0x00, 0x67, 0x00, 0x69, 0x00, /* MsgText, ServerName, ProcName, LineNumber */
	0x6e, 0x00, 0x20, 0x00, 0x66, 0x00, 0x61, 0x00, 0x69, 0x00,
	0x6c, 0x00, 0x65, 0x00, 0x64, 0x00, 0x20, 0x00, 0x66, 0x00,
	0x6f, 0x00, 0x72, 0x00, 0x20, 0x00, 0x75, 0x00, 0x73, 0x00,
	0x65, 0x00, 0x72, 0x00, 0x20, 0x00, 0x27, 0x00, 0x73, 0x00,
	0x61, 0x00, 0x27, 0x00, 0x2e, 0x00, 0x03, 0x44, 0x00, 0x42,
	0x00, 0x31, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0xfd, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* DONE (error) */
	0x00, 0x00, 0x00,
};

static void
setup(void)
{
	fake_dctx_reset(&ctx, 1433);
	CU_ASSERT_FATAL(tds_dissector.state_size <= sizeof(state));
	memset(state, 0, sizeof(state));
}

static void
feed(int dir, const uint8_t *p, size_t n, int bytewise)
{
	size_t i;

	if (!bytewise) {
		fake_feed(&ctx, &tds_dissector, state, dir, p, n);
		return;
	}
	for (i = 0; i < n; i++)
		fake_feed(&ctx, &tds_dissector, state, dir, p + i, 1);
}

static void
login(const uint8_t *reply, size_t rlen, int bytewise)
{
	setup();
	feed(DIR_TO_SERVER, tds_prelogin_notsup, sizeof(tds_prelogin_notsup),
	    bytewise);
	feed(DIR_TO_CLIENT, tds_prelogin_reply_notsup,
	    sizeof(tds_prelogin_reply_notsup), bytewise);
	feed(DIR_TO_SERVER, tds_login7, sizeof(tds_login7), bytewise);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	feed(DIR_TO_CLIENT, reply, rlen, bytewise);
}

static void
check_login(enum cred_outcome o)
{
	struct fake_fact *f = &ctx.facts[0];

	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(f->proto, "tds");
	CU_ASSERT_STRING_EQUAL(f->mechanism, "LOGIN7");
	CU_ASSERT_EQUAL(f->cls, CRED_CLEARTEXT);
	CU_ASSERT_EQUAL(f->outcome, o);
	CU_ASSERT_STRING_EQUAL(f->user, "sa");
	CU_ASSERT_EQUAL(f->secret_len, 8);
	CU_ASSERT(memcmp(f->secret, "Pa$$w0rd", 8) == 0);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(f, "hostname"), "WS01");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(f, "app_name"), "sqlcmd");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(f, "server_name"), "db1");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(f, "database"), "master");
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_login_success(void)
{
	login(tds_loginack, sizeof(tds_loginack), 0);
	check_login(CRED_OUTCOME_SUCCESS);
}

static void
test_login_failure_bytewise(void)
{
	login(tds_login_failed, sizeof(tds_login_failed), 1);
	check_login(CRED_OUTCOME_FAILURE);
	CU_ASSERT_EQUAL(fake_extra_num(&ctx.facts[0], "error"), 18456);
}

static void
test_split_packets(void)
{
	uint8_t a[8 + 100], b[sizeof(tds_login7) - 100];

	/* LOGIN7 in two packets: the first without EOM */
	setup();
	memcpy(a, tds_login7, sizeof(a));
	a[1] = 0x00;				/* status: not EOM */
	a[2] = 0x00;
	a[3] = sizeof(a);
	memcpy(b, tds_login7, 8);
	b[3] = sizeof(b);
	memcpy(b + 8, tds_login7 + sizeof(a), sizeof(b) - 8);
	feed(DIR_TO_SERVER, a, sizeof(a), 0);
	feed(DIR_TO_SERVER, b, sizeof(b), 0);
	feed(DIR_TO_CLIENT, tds_loginack, sizeof(tds_loginack), 0);
	check_login(CRED_OUTCOME_SUCCESS);
}

static void
test_encryption(void)
{
	/* the server turns encryption on: TLS follows */
	setup();
	feed(DIR_TO_SERVER, tds_prelogin_off, sizeof(tds_prelogin_off), 0);
	CU_ASSERT(!ctx.done);
	feed(DIR_TO_CLIENT, tds_prelogin_reply_on,
	    sizeof(tds_prelogin_reply_on), 0);
	CU_ASSERT(ctx.done);
	/* OFF on both sides: the LOGIN7 goes in a TLS handshake's wake */
	setup();
	feed(DIR_TO_SERVER, tds_prelogin_off, sizeof(tds_prelogin_off), 0);
	feed(DIR_TO_CLIENT, tds_prelogin_reply_notsup,
	    sizeof(tds_prelogin_reply_notsup), 0);
	CU_ASSERT(!ctx.done);
	feed(DIR_TO_SERVER, (const uint8_t *)"\x12\x01\x00\x0e\x00\x00\x00\x00"
	    "\x16\x03\x01\x00\x01\x01", 14, 0);
	CU_ASSERT(ctx.done);
	/* TDS 8.0: TLS before anything else */
	setup();
	feed(DIR_TO_SERVER, (const uint8_t *)"\x16\x03\x01\x02\x00\x01", 6, 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

static void
test_integrated(void)
{
	uint8_t m[sizeof(tds_login7)];

	setup();
	memcpy(m, tds_login7, sizeof(m));
	m[8 + 25] |= 0x80;			/* OptionFlags2: fIntSecurity */
	feed(DIR_TO_SERVER, m, sizeof(m), 0);
	CU_ASSERT(ctx.done);
	fake_end(&ctx, &tds_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

/* A TDS packet of type `type` around body (one packet, EOM). */
static size_t
tds_packet(uint8_t *out, uint8_t type, const uint8_t *body, size_t n)
{
	out[0] = type;
	out[1] = 0x01;
	out[2] = (uint8_t)((n + 8) >> 8);
	out[3] = (uint8_t)(n + 8);
	memset(out + 4, 0, 4);
	memcpy(out + 8, body, n);
	return n + 8;
}

/*
 * An integrated login: LOGIN7 with fIntSecurity and an NTLMSSP NEGOTIATE
 * in its SSPI field, the server's CHALLENGE in an SSPI token, the client's
 * AUTHENTICATE (DOM\bob, NTLMv2) in an SSPI message, then reply.
 */
static void
ntlm_login(const uint8_t *reply, size_t rlen)
{
	static const uint8_t negotiate[] = {
		'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 1, 0, 0, 0,
		0x07, 0x82, 0x08, 0xa2, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0
	};
	uint8_t rec[sizeof(tds_login7) + sizeof(negotiate)], tok[512];
	uint8_t pkt[sizeof(rec) + sizeof(auth_v2) + 512];
	size_t reclen = sizeof(tds_login7) - 8, n;

	/* the SQL login's record with the flag, its SSPI field at its end */
	memcpy(rec, tds_login7 + 8, reclen);
	memcpy(rec + reclen, negotiate, sizeof(negotiate));
	rec[25] |= 0x80;			/* OptionFlags2: fIntSecurity */
	rec[78] = (uint8_t)reclen;		/* ibSSPI */
	rec[79] = (uint8_t)(reclen >> 8);
	rec[80] = sizeof(negotiate);		/* cbSSPI */
	rec[81] = 0;
	n = reclen + sizeof(negotiate);
	rec[0] = (uint8_t)n;			/* Length */
	rec[1] = (uint8_t)(n >> 8);
	feed(DIR_TO_SERVER, pkt, tds_packet(pkt, 0x10, rec, n), 0);
	CU_ASSERT_FALSE(ctx.done);
	tok[0] = 0xed;				/* SSPI token */
	tok[1] = (uint8_t)sizeof(challenge);
	tok[2] = (uint8_t)(sizeof(challenge) >> 8);
	memcpy(tok + 3, challenge, sizeof(challenge));
	feed(DIR_TO_CLIENT, pkt, tds_packet(pkt, 0x04, tok,
	    3 + sizeof(challenge)), 0);
	CU_ASSERT_FALSE(ctx.done);
	feed(DIR_TO_SERVER, pkt, tds_packet(pkt, 0x11, auth_v2,
	    sizeof(auth_v2)), 0);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);		/* waits for the verdict */
	feed(DIR_TO_CLIENT, reply, rlen, 0);
}

static void
test_integrated_ntlm(void)
{
	static const struct { const uint8_t *reply; size_t n;
	    enum cred_outcome o; } v[] = {
		{ tds_loginack, sizeof(tds_loginack), CRED_OUTCOME_SUCCESS },
		{ tds_login_failed, sizeof(tds_login_failed),
		    CRED_OUTCOME_FAILURE },
	};
	unsigned i;

	for (i = 0; i < 2; i++) {
		setup();
		ntlm_login(v[i].reply, v[i].n);
		CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
		CU_ASSERT_STRING_EQUAL(ctx.facts[0].proto, "tds");
		CU_ASSERT_STRING_EQUAL(ctx.facts[0].mechanism, "NTLMv2");
		CU_ASSERT_EQUAL(ctx.facts[0].cls, CRED_WEAK);
		CU_ASSERT_STRING_EQUAL(ctx.facts[0].user, "bob");
		CU_ASSERT_EQUAL(ctx.facts[0].outcome, v[i].o);
		CU_ASSERT(ctx.done);
		CU_ASSERT_EQUAL(ctx.nweirds, 0);
		fake_end(&ctx, &tds_dissector, state);
		CU_ASSERT_EQUAL(ctx.nfacts, 1);
	}
	/* No verdict before the end: reported then, outcome unknown. */
	setup();
	ntlm_login(NULL, 0);
	fake_end(&ctx, &tds_dissector, state);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_UNKNOWN);
}

static void
test_truncated(void)
{
	size_t n;

	for (n = 1; n < sizeof(tds_login7); n++) {
		setup();
		feed(DIR_TO_SERVER, tds_login7, n, 0);
		fake_end(&ctx, &tds_dissector, state);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
		CU_ASSERT_EQUAL(ctx.nweirds, 0);
	}
}

/* The LOGIN7 with one byte changed, whole, to its end: no fact, one
 * tds_malformed. */
static void
login7_broken(size_t at, uint8_t value)
{
	uint8_t m[sizeof(tds_login7)];

	setup();
	memcpy(m, tds_login7, sizeof(m));
	m[at] = value;
	feed(DIR_TO_SERVER, m, sizeof(m), 0);
	fake_end(&ctx, &tds_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "tds_malformed"), 1);
}

static void
test_malformed(void)
{
	/* the password's offset points past the record */
	login7_broken(8 + 44, 0x9e);		/* ibPassword */
	/* a record length beyond the message */
	login7_broken(9, 0x01);			/* Length 0x1a0 */
	/* a packet length under the header size */
	setup();
	feed(DIR_TO_SERVER, (const uint8_t *)"\x10\x01\x00\x04\x00\x00\x00\x00",
	    8, 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "tds_malformed"), 1);
}

static void
test_malformed_wipes_secret(void)
{
	size_t i;

	/* the password read, then the database's offset past the record:
	 * the password is not left in the state */
	login7_broken(8 + 68, 0x9e);		/* ibDatabase */
	for (i = 0; i + 8 <= sizeof(state); i++)
		if (memcmp(state + i, "Pa$$w0rd", 8) == 0)
			break;
	CU_ASSERT_EQUAL(i + 8, sizeof(state) + 1);
}

static void
test_lookalike(void)
{
	static const char http[] = "GET / HTTP/1.1\r\n\r\n";

	CU_ASSERT(tds_dissector.probe(tds_prelogin_notsup,
	    sizeof(tds_prelogin_notsup), DIR_TO_SERVER));
	CU_ASSERT(!tds_dissector.probe(tds_prelogin_notsup,
	    sizeof(tds_prelogin_notsup) - 1, DIR_TO_SERVER));
	CU_ASSERT(!tds_dissector.probe(tds_login7, sizeof(tds_login7),
	    DIR_TO_SERVER));
	CU_ASSERT(!tds_dissector.probe((const uint8_t *)http,
	    sizeof(http) - 1, DIR_TO_SERVER));
	setup();
	feed(DIR_TO_SERVER, (const uint8_t *)http, sizeof(http) - 1, 0);
	CU_ASSERT(ctx.done);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	/* a LOGINACK with no LOGIN7 before it */
	setup();
	feed(DIR_TO_CLIENT, tds_loginack, sizeof(tds_loginack), 0);
	fake_end(&ctx, &tds_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
}

UNIT_MAIN("tds",
    { "LOGIN7 answered by LOGINACK", test_login_success },
    { "LOGIN7 byte by byte: ERROR 18456", test_login_failure_bytewise },
    { "LOGIN7 over two packets", test_split_packets },
    { "encryption negotiated, TLS inside PRELOGIN, TDS 8",
	test_encryption },
    { "integrated security: no fact", test_integrated },
    { "integrated NTLM login: weak_auth, settled by the response",
	test_integrated_ntlm },
    { "truncated: no fact, no weird", test_truncated },
    { "malformed", test_malformed },
    { "malformed after the password: the password wiped",
	test_malformed_wipes_secret },
    { "look-alike data", test_lookalike })
