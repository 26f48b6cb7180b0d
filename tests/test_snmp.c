/*
 * test_snmp.c - SNMP community strings: v2c get/response success, v1 set
 * with noAccess, traps, v3 ignored, walk de-duplication, malformed input,
 * look-alike data.
 */
#include <string.h>

#include "fake_dctx.h"
#include "unit.h"

extern const struct dissector snmp_dissector;

static struct dctx ctx;
static uint8_t state[4096];

static void
setup(void)
{
	fake_dctx_reset(&ctx, 161);
	CU_ASSERT_FATAL(snmp_dissector.state_size <= sizeof(state));
	memset(state, 0, sizeof(state));
}

/* v2c GetRequest, community "public", request-id 0x1234, sysDescr.0 */
static const uint8_t get_public[] = {
	0x30, 0x27,			/* Message SEQUENCE, 39 bytes */
	0x02, 0x01, 0x01,		/*   version 1 = v2c */
	0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c', /* community */
	0xa0, 0x1a,			/*   [0] GetRequest-PDU, 26 bytes */
	0x02, 0x02, 0x12, 0x34,		/*     request-id 0x1234 */
	0x02, 0x01, 0x00,		/*     error-status 0 */
	0x02, 0x01, 0x00,		/*     error-index 0 */
	0x30, 0x0e,			/*     variable-bindings */
	0x30, 0x0c,			/*       VarBind */
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00,
					/*         1.3.6.1.2.1.1.1.0 */
	0x05, 0x00,			/*         NULL */
};

/* the agent's Response to it: error-status as given by the caller */
static uint8_t response[] = {
	0x30, 0x2c,			/* Message SEQUENCE, 44 bytes */
	0x02, 0x01, 0x01,		/*   version v2c */
	0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
	0xa2, 0x1f,			/*   [2] Response-PDU, 31 bytes */
	0x02, 0x02, 0x12, 0x34,		/*     request-id 0x1234 */
	0x02, 0x01, 0x00,		/*     error-status (value at byte 21) */
	0x02, 0x01, 0x00,		/*     error-index */
	0x30, 0x13,			/*     variable-bindings */
	0x30, 0x11,			/*       VarBind */
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00,
	0x04, 0x05, 'L', 'i', 'n', 'u', 'x', /*  value "Linux" */
};
#define RESPONSE_ERROR_STATUS	21

/* v1 SetRequest, community "s3cret", request-id 7, sysContact.0 = "x" */
static const uint8_t set_v1[] = {
	0x30, 0x28,			/* Message SEQUENCE, 40 bytes */
	0x02, 0x01, 0x00,		/*   version 0 = v1 */
	0x04, 0x06, 's', '3', 'c', 'r', 'e', 't',
	0xa3, 0x1b,			/*   [3] SetRequest-PDU, 27 bytes */
	0x02, 0x01, 0x07,		/*     request-id 7 */
	0x02, 0x01, 0x00,		/*     error-status */
	0x02, 0x01, 0x00,		/*     error-index */
	0x30, 0x10,			/*     variable-bindings */
	0x30, 0x0e,			/*       VarBind */
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x04, 0x00,
	0x04, 0x01, 'x',		/*         "x" */
	0x00,				/* (room for a trailing byte) */
};

/* v1 GetResponse for request-id 7 with error-status noAccess(6) */
static const uint8_t set_v1_noaccess[] = {
	0x30, 0x18,			/* Message SEQUENCE, 24 bytes */
	0x02, 0x01, 0x00,		/*   version v1 */
	0x04, 0x06, 's', '3', 'c', 'r', 'e', 't',
	0xa2, 0x0b,			/*   [2] GetResponse-PDU, 11 bytes */
	0x02, 0x01, 0x07,		/*     request-id 7 */
	0x02, 0x01, 0x06,		/*     error-status noAccess */
	0x02, 0x01, 0x01,		/*     error-index 1 */
	0x30, 0x00,			/*     no variable-bindings */
	0x00, 0x00,			/* padding the agent sent */
};

/* v1 Trap-PDU to port 162, community "private" */
static const uint8_t trap_v1[] = {
	0x30, 0x27,			/* Message SEQUENCE, 39 bytes */
	0x02, 0x01, 0x00,		/*   version v1 */
	0x04, 0x07, 'p', 'r', 'i', 'v', 'a', 't', 'e',
	0xa4, 0x19,			/*   [4] Trap-PDU, 25 bytes */
	0x06, 0x06, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x09, /* enterprise */
	0x40, 0x04, 10, 0, 0, 1,	/*     agent-addr IpAddress */
	0x02, 0x01, 0x03,		/*     generic-trap linkUp */
	0x02, 0x01, 0x00,		/*     specific-trap */
	0x43, 0x01, 0x64,		/*     time-stamp TimeTicks 100 */
	0x30, 0x00,			/*     no variable-bindings */
};

/* SNMPv3 header start: version 3 then msgGlobalData (no community) */
static const uint8_t v3_msg[] = {
	0x30, 0x11,			/* SNMPv3Message */
	0x02, 0x01, 0x03,		/*   msgVersion 3 */
	0x30, 0x0c,			/*   msgGlobalData */
	0x02, 0x01, 0x01, 0x02, 0x02, 0x05, 0xdc,
	0x04, 0x01, 0x04, 0x02, 0x01, 0x03,
};

static void
test_get_response_success(void)
{
	struct fake_fact *f;

	setup();
	response[RESPONSE_ERROR_STATUS] = 0;
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_SERVER, get_public,
	    sizeof(get_public));
	CU_ASSERT_EQUAL(ctx.nfacts, 0);		/* waits for the answer */
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_CLIENT, response,
	    sizeof(response));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_STRING_EQUAL(f->proto, "snmp");
	CU_ASSERT_EQUAL(f->cls, CRED_CLEARTEXT);
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_SUCCESS);
	CU_ASSERT_EQUAL(f->user_len, 0);
	CU_ASSERT_EQUAL(f->secret_len, 6);
	CU_ASSERT(memcmp(f->secret, "public", 6) == 0);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(f, "version"), "2c");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(f, "pdu"), "get-request");
	CU_ASSERT_EQUAL(fake_extra_num(f, "write"), 0);
	CU_ASSERT_EQUAL(fake_extra_num(f, "default_community"), 1);
	fake_end(&ctx, &snmp_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_walk_reported_once(void)
{
	int i;

	setup();
	response[RESPONSE_ERROR_STATUS] = 0;
	for (i = 0; i < 5; i++) {
		fake_feed(&ctx, &snmp_dissector, state, DIR_TO_SERVER,
		    get_public, sizeof(get_public));
		fake_feed(&ctx, &snmp_dissector, state, DIR_TO_CLIENT,
		    response, sizeof(response));
	}
	fake_end(&ctx, &snmp_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 1);
}

static void
test_set_noaccess_failure(void)
{
	struct fake_fact *f;

	setup();
	/* the trailing byte after the Message is ignored */
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_SERVER, set_v1,
	    sizeof(set_v1));
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_CLIENT,
	    set_v1_noaccess, sizeof(set_v1_noaccess));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	f = &ctx.facts[0];
	CU_ASSERT_EQUAL(f->outcome, CRED_OUTCOME_FAILURE);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(f, "version"), "1");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(f, "pdu"), "set-request");
	CU_ASSERT_EQUAL(fake_extra_num(f, "write"), 1);
	CU_ASSERT_EQUAL(fake_extra_num(f, "default_community"), 0);
}

static void
test_other_error_unknown(void)
{
	setup();
	response[RESPONSE_ERROR_STATUS] = 2;	/* noSuchName */
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_SERVER, get_public,
	    sizeof(get_public));
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_CLIENT, response,
	    sizeof(response));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_UNKNOWN);
	response[RESPONSE_ERROR_STATUS] = 0;
}

static void
test_no_answer_flushed_at_end(void)
{
	setup();
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_SERVER, get_public,
	    sizeof(get_public));
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	fake_end(&ctx, &snmp_dissector, state);
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_EQUAL(ctx.facts[0].outcome, CRED_OUTCOME_UNKNOWN);
}

static void
test_trap_and_lone_response(void)
{
	setup();
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_SERVER, trap_v1,
	    sizeof(trap_v1));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 1);
	CU_ASSERT_STRING_EQUAL(ctx.facts[0].secret, "private");
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[0], "pdu"), "trap");
	CU_ASSERT_EQUAL(fake_extra_num(&ctx.facts[0], "default_community"), 1);
	/* a response whose request was not captured */
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_CLIENT, response,
	    sizeof(response));
	CU_ASSERT_EQUAL_FATAL(ctx.nfacts, 2);
	CU_ASSERT_STRING_EQUAL(fake_extra_str(&ctx.facts[1], "pdu"),
	    "response");
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_v3_ignored(void)
{
	setup();
	CU_ASSERT(snmp_dissector.probe(v3_msg, sizeof(v3_msg), 0));
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_SERVER, v3_msg,
	    sizeof(v3_msg));
	fake_end(&ctx, &snmp_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(ctx.nweirds, 0);
}

static void
test_truncated_is_weird(void)
{
	size_t n;

	for (n = 0; n < sizeof(get_public); n++) {
		setup();
		fake_feed(&ctx, &snmp_dissector, state, DIR_TO_SERVER,
		    get_public, n);
		fake_end(&ctx, &snmp_dissector, state);
		CU_ASSERT_EQUAL(ctx.nfacts, 0);
		CU_ASSERT_EQUAL(fake_weird_count(&ctx, "snmp_malformed"), 1);
	}
}

static void
test_lookalike_negative(void)
{
	/* DNS query bytes and a BER SEQUENCE with an unknown PDU [9] */
	static const uint8_t dns[] = { 0x12, 0x34, 0x01, 0x00, 0x00, 0x01,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 'w', 'w', 'w', 0x00,
	    0x00, 0x01, 0x00, 0x01 };
	static const uint8_t pdu9[] = { 0x30, 0x0f, 0x02, 0x01, 0x01,
	    0x04, 0x01, 'a', 0xa9, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00,
	    0x02 };
	/* version 2 (not a real SNMP version) */
	uint8_t v2[sizeof(get_public)];

	memcpy(v2, get_public, sizeof(v2));
	v2[4] = 2;
	setup();
	CU_ASSERT(!snmp_dissector.probe(dns, sizeof(dns), 0));
	CU_ASSERT(!snmp_dissector.probe(pdu9, sizeof(pdu9), 0));
	CU_ASSERT(!snmp_dissector.probe(v2, sizeof(v2), 0));
	CU_ASSERT(snmp_dissector.probe(get_public, sizeof(get_public), 0));
	fake_feed(&ctx, &snmp_dissector, state, 0, dns, sizeof(dns));
	fake_feed(&ctx, &snmp_dissector, state, 0, pdu9, sizeof(pdu9));
	fake_feed(&ctx, &snmp_dissector, state, 0, v2, sizeof(v2));
	fake_end(&ctx, &snmp_dissector, state);
	CU_ASSERT_EQUAL(ctx.nfacts, 0);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "snmp_malformed"), 2);
	CU_ASSERT_EQUAL(fake_weird_count(&ctx, "snmp_bad_version"), 1);
}

/* A Response with sysObjectID.0 = 1.3.6.1.4.1.9.1.1208 (a Cisco). */
static const uint8_t response_objid[] = {
	0x30, 0x2f,			/* Message SEQUENCE, 47 bytes */
	0x02, 0x01, 0x01,		/*   version v2c */
	0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
	0xa2, 0x22,			/*   [2] Response-PDU, 34 bytes */
	0x02, 0x02, 0x12, 0x35,		/*     request-id 0x1235 */
	0x02, 0x01, 0x00,		/*     error-status */
	0x02, 0x01, 0x00,		/*     error-index */
	0x30, 0x16,			/*     variable-bindings */
	0x30, 0x14,			/*       VarBind */
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x02, 0x00,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x09, 0x01, 0x89,
	/* (1208 = 0x89 0x38 in base 128) */
};

static void
test_device_fact(void)
{
	uint8_t objid[sizeof(response_objid) + 1];

	/* sysDescr.0 in an answer without error: one device fact. */
	setup();
	response[RESPONSE_ERROR_STATUS] = 0;
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_SERVER, get_public,
	    sizeof(get_public));
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_CLIENT, response,
	    sizeof(response));
	CU_ASSERT_EQUAL_FATAL(ctx.ndevices, 1);
	CU_ASSERT_STRING_EQUAL(ctx.devices[0].proto, "snmp");
	CU_ASSERT_EQUAL(ctx.devices[0].from_server, 1);
	CU_ASSERT_STRING_EQUAL(fake_device_attr(&ctx.devices[0],
	    "snmp_sysdescr"), "Linux");
	/* Once per flow. */
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_CLIENT, response,
	    sizeof(response));
	CU_ASSERT_EQUAL(ctx.ndevices, 1);

	/* sysObjectID.0 in dotted form. */
	setup();
	memcpy(objid, response_objid, sizeof(response_objid));
	objid[sizeof(response_objid)] = 0x38;
	/* the last arc byte: message, PDU, list, VarBind, value + 1 */
	objid[1]++;
	objid[14]++;
	objid[26]++;
	objid[28]++;
	objid[40]++;
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_CLIENT, objid,
	    sizeof(objid));
	CU_ASSERT_EQUAL_FATAL(ctx.ndevices, 1);
	CU_ASSERT_STRING_EQUAL(fake_device_attr(&ctx.devices[0],
	    "snmp_sysobjectid"), "1.3.6.1.4.1.9.1.1208");

	/* An error answer, a request, an OID cut in its last arc: none. */
	setup();
	response[RESPONSE_ERROR_STATUS] = 2;
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_CLIENT, response,
	    sizeof(response));
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_SERVER, get_public,
	    sizeof(get_public));
	fake_feed(&ctx, &snmp_dissector, state, DIR_TO_CLIENT, response_objid,
	    sizeof(response_objid));
	CU_ASSERT_EQUAL(ctx.ndevices, 0);
	response[RESPONSE_ERROR_STATUS] = 0;
}

UNIT_MAIN("snmp",
    { "device fact: sysDescr, sysObjectID", test_device_fact },
    { "v2c get + response: success", test_get_response_success },
    { "a walk is one fact", test_walk_reported_once },
    { "v1 set + noAccess: failure, write", test_set_noaccess_failure },
    { "other error-status: unknown", test_other_error_unknown },
    { "unanswered request flushed at flow end",
	test_no_answer_flushed_at_end },
    { "trap and unmatched response", test_trap_and_lone_response },
    { "v3 ignored without weird", test_v3_ignored },
    { "every truncation is a weird, no fact", test_truncated_is_weird },
    { "look-alike data: no fact", test_lookalike_negative })
