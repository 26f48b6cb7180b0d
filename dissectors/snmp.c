/*
 * snmp.c - SNMPv1/v2c community strings (UDP 161 agent, 162 trap receiver).
 *
 * Spec: RFC 1157 (SNMPv1 message and Trap-PDU), RFC 1901/3416 (v2c message
 * and PDUs: GetBulk, Inform, SNMPv2-Trap, Report), BER per X.690 through
 * asn1.c.
 *
 * A fact: every v1/v2c message whose Message SEQUENCE, version INTEGER,
 * community OCTET STRING and a PDU of a known type all parse carries the
 * community in cleartext: proto "snmp", CRED_CLEARTEXT, no user, secret =
 * community, extras version/pdu/write/default_community.  A request waits
 * (bounded table, per flow) for the Response with its request-id:
 * error-status 0 is success, noAccess(6), readOnly(4) and
 * authorizationError(16) are failure, anything else or no answer (agents
 * drop bad communities silently) stays unknown.  Within a flow each
 * (community, write) pair is reported once, so a walk is one fact.
 * Device fact: a Response without error whose variable bindings hold
 * sysDescr.0, sysObjectID.0 or sysName.0 (RFC 3418 system group) says what
 * the agent is: proto "snmp", from the side that answered, attributes
 * snmp_sysdescr, snmp_sysobjectid (dotted) and snmp_sysname; once per flow.
 * Deliberately not a fact: SNMPv3 (USM has no cleartext secret; it is
 * recognised and ignored without a weird), unknown versions and malformed
 * messages (a weird each).
 */
#include <stdio.h>
#include <string.h>

#include "asn1.h"
#include "dissector.h"

#define SNMP_PENDING		8
#define SNMP_SEEN		4
#define SNMP_COMMUNITY_MAX	64
#define SNMP_BAD_LIMIT		16	/* malformed datagrams before giving up */

enum snmp_pdu {
	PDU_GET = 0, PDU_GETNEXT, PDU_RESPONSE, PDU_SET, PDU_TRAP_V1,
	PDU_GETBULK, PDU_INFORM, PDU_TRAP_V2, PDU_REPORT, PDU_MAX
};

static const char *const snmp_pdu_names[PDU_MAX] = {
	[PDU_GET] = "get-request",
	[PDU_GETNEXT] = "get-next-request",
	[PDU_RESPONSE] = "response",
	[PDU_SET] = "set-request",
	[PDU_TRAP_V1] = "trap",
	[PDU_GETBULK] = "get-bulk-request",
	[PDU_INFORM] = "inform-request",
	[PDU_TRAP_V2] = "snmpv2-trap",
	[PDU_REPORT] = "report",
};

/* error-status values that mean "this community may not do that". */
#define SNMP_ERR_READ_ONLY	4
#define SNMP_ERR_NO_ACCESS	6
#define SNMP_ERR_AUTHORIZATION	16

struct snmp_community {
	uint8_t		len;
	uint8_t		write;
	uint8_t		bytes[SNMP_COMMUNITY_MAX];
};

struct snmp_pending {
	int		used;
	int64_t		request_id;
	uint8_t		dir;
	uint8_t		version;
	uint8_t		pdu;
	struct snmp_community c;
};

struct snmp_state {
	struct snmp_pending	pend[SNMP_PENDING];
	uint8_t			device_reported;
	unsigned		pend_next;	/* round-robin eviction */
	struct snmp_community	seen[SNMP_SEEN];
	unsigned		seen_next;
	unsigned		bad;
};

/* A parsed message: the parts a fact needs. */
struct snmp_msg {
	int64_t		 version;
	const uint8_t	*community;
	size_t		 community_len;
	unsigned	 pdu;
	int		 has_request_id;	/* every PDU but the v1 Trap */
	int64_t		 request_id;
	int64_t		 error_status;
};

static const uint16_t snmp_ports[] = { 161, 162, 0 };

/* Returns 1 when a v1/v2c/v3 message with a known PDU is there. */
static int
snmp_parse_msg(const uint8_t *data, size_t len, struct snmp_msg *m)
{
	struct cursor c, msg, pdu;
	struct asn1_tlv t;
	int64_t v;

	memset(m, 0, sizeof(*m));
	cur_init(&c, data, len);
	if (!asn1_expect(&c, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &msg))
		return 0;
	if (!asn1_read_int(&msg, &m->version))
		return 0;
	if (m->version == 3)
		return 1;	/* v3: recognised, nothing more needed */
	if (!asn1_read_bytes(&msg, ASN1_UNIVERSAL, ASN1_TAG_OCTET_STRING,
	    &m->community, &m->community_len))
		return 0;
	if (!asn1_next(&msg, &t, &pdu) || t.cls != ASN1_CONTEXT ||
	    !t.constructed || t.tag >= PDU_MAX)
		return 0;
	m->pdu = t.tag;
	if (m->pdu == PDU_TRAP_V1) {
		/* enterprise OID, agent-addr, generic, specific, time-stamp */
		if (!asn1_expect(&pdu, ASN1_UNIVERSAL, ASN1_TAG_OID, &msg) ||
		    !asn1_skip(&pdu) || !asn1_read_int(&pdu, &v) ||
		    !asn1_read_int(&pdu, &v) || !asn1_skip(&pdu))
			return 0;
	} else {
		m->has_request_id = 1;
		if (!asn1_read_int(&pdu, &m->request_id) ||
		    !asn1_read_int(&pdu, &m->error_status) ||
		    !asn1_read_int(&pdu, &v))
			return 0;
	}
	/* variable-bindings: a SEQUENCE must close the PDU */
	return asn1_expect(&pdu, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &msg);
}

static int
snmp_probe(const uint8_t *data, size_t len, int dir)
{
	struct snmp_msg m;

	return snmp_parse_msg(data, len, &m) &&
	    (m.version == 0 || m.version == 1 || m.version == 3);
}

static int
snmp_is_write(unsigned pdu)
{
	return pdu == PDU_SET;
}

static int
snmp_is_request(unsigned pdu)
{
	return pdu == PDU_GET || pdu == PDU_GETNEXT || pdu == PDU_SET ||
	    pdu == PDU_GETBULK || pdu == PDU_INFORM;
}

static void
snmp_report(struct dctx *ctx, unsigned version, unsigned pdu,
    const uint8_t *community, size_t len, enum cred_outcome outcome)
{
	struct cred_fact f;
	int dflt;

	dflt = (len == 6 && memcmp(community, "public", 6) == 0) ||
	    (len == 7 && memcmp(community, "private", 7) == 0);
	cred_fact_init(&f, "snmp", "community", CRED_CLEARTEXT);
	f.outcome = outcome;
	f.secret = community;
	f.secret_len = len;
	fact_extra_str(&f, "version", (const uint8_t *)(version ? "2c" : "1"),
	    version ? 2 : 1);
	fact_extra_str(&f, "pdu", (const uint8_t *)snmp_pdu_names[pdu],
	    strlen(snmp_pdu_names[pdu]));
	fact_extra_bool(&f, "write", snmp_is_write(pdu));
	fact_extra_bool(&f, "default_community", dflt);
	dctx_credential(ctx, &f);
}

static void
snmp_flush(struct dctx *ctx, struct snmp_pending *p, enum cred_outcome o)
{
	if (!p->used)
		return;
	snmp_report(ctx, p->version, p->pdu, p->c.bytes, p->c.len, o);
	p->used = 0;
}

/* Remembers a (community, write) pair; returns 1 if it was already known. */
static int
snmp_seen_before(struct snmp_state *st, const struct snmp_msg *m)
{
	uint8_t w = (uint8_t)snmp_is_write(m->pdu);
	struct snmp_community *s;
	unsigned i;

	for (i = 0; i < SNMP_SEEN; i++) {
		s = &st->seen[i];
		if (s->len == m->community_len && s->write == w &&
		    s->len != 0 && memcmp(s->bytes, m->community, s->len) == 0)
			return 1;
	}
	s = &st->seen[st->seen_next++ % SNMP_SEEN];
	s->len = (uint8_t)m->community_len;
	s->write = w;
	memcpy(s->bytes, m->community, m->community_len);
	return 0;
}

static void
snmp_answer(struct dctx *ctx, struct snmp_state *st, int dir,
    const struct snmp_msg *m)
{
	struct snmp_pending *p;
	enum cred_outcome o = CRED_OUTCOME_UNKNOWN;
	unsigned i;

	if (m->error_status == 0)
		o = CRED_OUTCOME_SUCCESS;
	else if (m->error_status == SNMP_ERR_NO_ACCESS ||
	    m->error_status == SNMP_ERR_READ_ONLY ||
	    m->error_status == SNMP_ERR_AUTHORIZATION)
		o = CRED_OUTCOME_FAILURE;
	for (i = 0; i < SNMP_PENDING; i++) {
		p = &st->pend[i];
		if (p->used && p->dir != dir &&
		    p->request_id == m->request_id) {
			snmp_flush(ctx, p, o);
			return;
		}
	}
	/* A response whose request we did not see still shows a community. */
	if (!snmp_seen_before(st, m))
		snmp_report(ctx, (unsigned)m->version, m->pdu, m->community,
		    m->community_len, CRED_OUTCOME_UNKNOWN);
}

static void
snmp_request(struct dctx *ctx, struct snmp_state *st, int dir,
    const struct snmp_msg *m)
{
	struct snmp_pending *p;

	if (snmp_seen_before(st, m))
		return;
	p = &st->pend[st->pend_next++ % SNMP_PENDING];
	snmp_flush(ctx, p, CRED_OUTCOME_UNKNOWN);	/* evict the oldest */
	p->used = 1;
	p->request_id = m->request_id;
	p->dir = (uint8_t)dir;
	p->version = (uint8_t)m->version;
	p->pdu = (uint8_t)m->pdu;
	p->c.len = (uint8_t)m->community_len;
	memcpy(p->c.bytes, m->community, m->community_len);
}

/* OIDs of the system group's scalars (RFC 3418), BER content octets. */
static const uint8_t oid_sysdescr[] = { 0x2b, 6, 1, 2, 1, 1, 1, 0 };
static const uint8_t oid_sysobjectid[] = { 0x2b, 6, 1, 2, 1, 1, 2, 0 };
static const uint8_t oid_sysname[] = { 0x2b, 6, 1, 2, 1, 1, 5, 0 };

#define SNMP_OID_TEXT	128

/* BER OID content to dotted text; 0 when malformed or too long. */
static size_t
snmp_oid_text(const uint8_t *p, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;
	uint64_t arc = 0;
	int w, first = 1;

	for (i = 0; i < n; i++) {
		if (arc > (UINT64_MAX >> 7))
			return 0;
		arc = arc << 7 | (p[i] & 0x7f);
		if (p[i] & 0x80)
			continue;
		if (first)
			w = snprintf(out + o, cap - o, "%u.%llu",
			    arc < 80 ? (unsigned)(arc / 40) : 2,
			    (unsigned long long)(arc < 80 ? arc % 40 : arc - 80));
		else
			w = snprintf(out + o, cap - o, ".%llu",
			    (unsigned long long)arc);
		if (w < 0 || (size_t)w >= cap - o)
			return 0;
		o += (size_t)w;
		arc = 0;
		first = 0;
	}
	return (n > 0 && !(p[n - 1] & 0x80)) ? o : 0;
}

static int
oid_is(const uint8_t *p, size_t n, const uint8_t *oid, size_t on)
{
	return n == on && memcmp(p, oid, on) == 0;
}

/* A Response's system-group values as one device fact. */
static void
snmp_device(struct dctx *ctx, struct snmp_state *st, int dir,
    const uint8_t *data, size_t len)
{
	struct cursor c, msg, pdu, vbl, vb;
	struct asn1_tlv t;
	struct device_fact d;
	struct fact f;
	const uint8_t *oid, *val;
	size_t oid_len, val_len, tl;
	char text[SNMP_OID_TEXT];

	cur_init(&c, data, len);
	if (!asn1_expect(&c, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &msg) ||
	    !asn1_skip(&msg) || !asn1_skip(&msg) || !asn1_next(&msg, &t, &pdu) ||
	    !asn1_skip(&pdu) || !asn1_skip(&pdu) || !asn1_skip(&pdu) ||
	    !asn1_expect(&pdu, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &vbl))
		return;
	memset(&d, 0, sizeof(d));
	d.proto = "snmp";
	d.from_server = dir == DIR_TO_CLIENT;
	while (cur_left(&vbl) > 0 && d.nattrs < 3) {
		if (!asn1_expect(&vbl, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE, &vb) ||
		    !asn1_read_bytes(&vb, ASN1_UNIVERSAL, ASN1_TAG_OID, &oid,
		    &oid_len))
			break;
		if (oid_is(oid, oid_len, oid_sysdescr, sizeof(oid_sysdescr)) &&
		    asn1_read_bytes(&vb, ASN1_UNIVERSAL, ASN1_TAG_OCTET_STRING,
		    &val, &val_len) && val_len > 0) {
			d.attrs[d.nattrs].name = "snmp_sysdescr";
		} else if (oid_is(oid, oid_len, oid_sysname,
		    sizeof(oid_sysname)) && asn1_read_bytes(&vb, ASN1_UNIVERSAL,
		    ASN1_TAG_OCTET_STRING, &val, &val_len) && val_len > 0) {
			d.attrs[d.nattrs].name = "snmp_sysname";
		} else if (oid_is(oid, oid_len, oid_sysobjectid,
		    sizeof(oid_sysobjectid)) && asn1_read_bytes(&vb,
		    ASN1_UNIVERSAL, ASN1_TAG_OID, &val, &val_len) &&
		    (tl = snmp_oid_text(val, val_len, text, sizeof(text))) > 0) {
			d.attrs[d.nattrs].name = "snmp_sysobjectid";
			val = (const uint8_t *)text;
			val_len = tl;
		} else {
			continue;
		}
		d.attrs[d.nattrs].value = val;
		d.attrs[d.nattrs].len = val_len;
		d.nattrs++;
	}
	if (d.nattrs == 0)
		return;
	st->device_reported = 1;
	memset(&f, 0, sizeof(f));
	f.type = FACT_DEVICE;
	f.source = "snmp";
	f.u.device = &d;
	dctx_fact(ctx, &f);
}

static size_t
snmp_parse(struct dctx *ctx, void *state, int dir, const uint8_t *data,
    size_t len)
{
	struct snmp_state *st = state;
	struct snmp_msg m;

	if (!snmp_parse_msg(data, len, &m)) {
		dctx_weird(ctx, "snmp_malformed");
		if (++st->bad >= SNMP_BAD_LIMIT)
			dctx_done(ctx);
		return len;
	}
	if (m.version == 3)
		return len;
	if (m.version != 0 && m.version != 1) {
		dctx_weird(ctx, "snmp_bad_version");
		return len;
	}
	if (m.community_len == 0 || m.community_len > SNMP_COMMUNITY_MAX) {
		/* Too long to keep for matching: report it as it stands. */
		if (m.community_len > 0)
			snmp_report(ctx, (unsigned)m.version, m.pdu,
			    m.community, m.community_len, CRED_OUTCOME_UNKNOWN);
		return len;
	}
	if (m.pdu == PDU_RESPONSE && m.error_status == 0 &&
	    !st->device_reported)
		snmp_device(ctx, st, dir, data, len);
	if (m.pdu == PDU_RESPONSE)
		snmp_answer(ctx, st, dir, &m);
	else if (snmp_is_request(m.pdu))
		snmp_request(ctx, st, dir, &m);
	else if (!snmp_seen_before(st, &m))	/* traps, reports */
		snmp_report(ctx, (unsigned)m.version, m.pdu, m.community,
		    m.community_len, CRED_OUTCOME_UNKNOWN);
	return len;
}

static void
snmp_free(struct dctx *ctx, void *state)
{
	struct snmp_state *st = state;
	unsigned i;

	for (i = 0; i < SNMP_PENDING; i++)
		snmp_flush(ctx, &st->pend[i], CRED_OUTCOME_UNKNOWN);
}

const struct dissector snmp_dissector = {
	.name = "snmp",
	.description = "SNMPv1/v2c community strings and their outcome",
	.transport = DISSECTOR_UDP,
	.ports = snmp_ports,
	.probe = snmp_probe,
	.parse = snmp_parse,
	.state_size = sizeof(struct snmp_state),
	.free = snmp_free,
};
