/*
 * credential.c - credential facts to findings.
 *
 * A recoverable secret is a cleartext_credential (high; medium when the
 * server refused it), hash or challenge material is weak_auth (medium), and
 * a login with no secret at all (anonymous, trust-based, "None" security)
 * is weak_auth with secret_present false (low).  ATT&CK: T1040 Network
 * Sniffing is what the exposure enables, T1552 Unsecured Credentials what
 * it is.  Each finding also carries its identity (finding_cred) for
 * de-duplication, secret reuse and brute-force detection in the
 * publisher's correlator.
 */
#include <stddef.h>

#include "detector.h"

static const char *const outcome_names[] = { "unknown", "success", "failure" };

static void
credential_fact(struct detctx *ctx, void *fs, const struct fact *fa)
{
	const struct cred_fact *c = fa->u.cred;
	struct finding fd;
	enum finding_kind kind;
	enum severity sev;
	unsigned i;

	(void)fs;
	switch (c->cls) {
	case CRED_CLEARTEXT:
		kind = FK_CLEARTEXT_CREDENTIAL;
		sev = c->outcome == CRED_OUTCOME_FAILURE ? SEV_MEDIUM : SEV_HIGH;
		break;
	case CRED_WEAK:
		kind = FK_WEAK_AUTH;
		sev = SEV_MEDIUM;
		break;
	default:
		kind = FK_WEAK_AUTH;
		sev = SEV_LOW;
		break;
	}
	finding_init(&fd, kind, sev, 90);
	finding_mitre(&fd, "T1040");
	finding_mitre(&fd, "T1552");
	finding_str(&fd, "protocol", c->proto);
	finding_str(&fd, "mechanism", c->mechanism);
	if (c->user != NULL)
		finding_strn(&fd, "user", c->user, c->user_len);
	if (c->domain != NULL)
		finding_strn(&fd, "domain", c->domain, c->domain_len);
	finding_str(&fd, "outcome", outcome_names[c->outcome <= 2 ?
	    c->outcome : 0]);
	finding_bool(&fd, "secret_present", c->cls != CRED_NONE &&
	    c->secret != NULL);
	for (i = 0; i < c->nextras && i < FACT_MAX_EXTRAS; i++) {
		const struct fact_extra *e = &c->extras[i];

		if (e->type == FACT_STR)
			finding_strn(&fd, e->key, e->str, e->len);
		else if (e->type == FACT_BOOL)
			finding_bool(&fd, e->key, (int)e->num);
		else
			finding_int(&fd, e->key, e->num);
	}
	if (c->cls != CRED_NONE)
		finding_secret(&fd, c->secret, c->secret_len, c->crack);
	/* Identity for the publisher's correlator (correlate.h). */
	finding_cred(&fd, c->proto, c->mechanism, c->user, c->user_len,
	    c->outcome <= CRED_OUTCOME_FAILURE ? c->outcome :
	    CRED_OUTCOME_UNKNOWN);
	det_emit(ctx, &fd);
}

const struct detector credential_detector = {
	.name = "credential",
	.description = "credential facts from dissectors: cleartext_credential, "
	    "weak_auth",
	.events = DET_EV_FACT,
	.fact_mask = 1u << FACT_CREDENTIAL,
	.fact = credential_fact,
};
