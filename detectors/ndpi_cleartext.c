/*
 * ndpi_cleartext.c - nDPI's "clear-text credentials" risk as a
 * cleartext_credential, for flows no dissector owns (a dissector reports
 * the same login better: with the secret's fingerprint and the outcome).
 * nDPI gives at most the user name, never the password, so the finding
 * says the secret was present without fingerprinting it.
 */
#include <string.h>

#include <ndpi_api.h>

#include "detector.h"

static void
cleartext_app(struct detctx *ctx, void *fs, const struct app_fact *a)
{
	struct finding fd;

	(void)fs;
	if (!(a->risks & (1ULL << NDPI_CLEAR_TEXT_CREDENTIALS)) || a->dissected)
		return;
	finding_init(&fd, FK_CLEARTEXT_CREDENTIAL, SEV_HIGH, 60);
	finding_mitre(&fd, "T1040");
	finding_mitre(&fd, "T1552");
	finding_str(&fd, "protocol", a->name);
	finding_str(&fd, "mechanism", "ndpi-risk");
	if (a->user != NULL)
		finding_str(&fd, "user", a->user);
	finding_str(&fd, "outcome", "unknown");
	finding_bool(&fd, "secret_present", 1);
	finding_str(&fd, "detected_by", "ndpi");
	det_emit(ctx, &fd);
}

const struct detector ndpi_cleartext_detector = {
	.name = "ndpi_cleartext",
	.description = "nDPI's clear-text credentials risk on flows no "
	    "dissector owns: cleartext_credential",
	.events = DET_EV_APP,
	.app = cleartext_app,
};
