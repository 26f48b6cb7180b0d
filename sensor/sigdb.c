/*
 * sigdb.c - loading the signature database; see sigdb.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "detector.h"
#include "dissector.h"
#include "sigdb.h"

/* Entries of a NULL-terminated registry. */
static unsigned
count(const void *const *reg)
{
	unsigned n = 0;

	while (reg[n] != NULL)
		n++;
	return n;
}

static int
is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int
sigdb_dir(const struct config *cfg, char *out, size_t outlen, char *errbuf,
    size_t errlen)
{
	static const char *const candidates[] = {
		PKGDATADIR "/signatures", SRCSIGDIR,
	};
	size_t i;

	if (cfg->signatures_dir[0] != '\0') {
		if (!is_dir(cfg->signatures_dir)) {
			snprintf(errbuf, errlen, "signatures_dir %s is not a "
			    "directory (set it to where edgeward's signatures/ "
			    "files are)", cfg->signatures_dir);
			return -1;
		}
		snprintf(out, outlen, "%s", cfg->signatures_dir);
		return 0;
	}
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (is_dir(candidates[i])) {
			snprintf(out, outlen, "%s", candidates[i]);
			return 0;
		}
	snprintf(errbuf, errlen, "no signatures directory: neither %s nor %s "
	    "exists (run make install, or set signatures_dir)", candidates[0],
	    candidates[1]);
	return -1;
}

struct sigdb *
sigdb_load(const struct config *cfg, char *errbuf, size_t errlen)
{
	struct det_load_args la;
	struct sigdb *db;
	char dir[1024];
	unsigned i;

	if (sigdb_dir(cfg, dir, sizeof(dir), errbuf, errlen) < 0)
		return NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		goto nomem;
	db->ndet = count((const void *const *)detector_registry);
	db->ndis = count((const void *const *)dissector_registry);
	if ((db->det = calloc(db->ndet + 1, sizeof(*db->det))) == NULL ||
	    (db->dis = calloc(db->ndis + 1, sizeof(*db->dis))) == NULL)
		goto nomem;
	la.sigdir = dir;
	la.cfg = cfg;
	for (i = 0; i < db->ndet; i++) {
		if (detector_registry[i]->load == NULL)
			continue;
		if ((db->det[i] = detector_registry[i]->load(&la, errbuf,
		    errlen)) == NULL) {
			sigdb_free(db);
			return NULL;
		}
	}
	for (i = 0; i < db->ndis; i++) {
		if (dissector_registry[i]->load == NULL)
			continue;
		if ((db->dis[i] = dissector_registry[i]->load(dir,
		    errbuf, errlen)) == NULL) {
			sigdb_free(db);
			return NULL;
		}
	}
	return db;
nomem:
	snprintf(errbuf, errlen, "out of memory loading signatures");
	sigdb_free(db);
	return NULL;
}

void
sigdb_free(struct sigdb *db)
{
	unsigned i;

	if (db == NULL)
		return;
	for (i = 0; db->det != NULL && i < db->ndet; i++)
		if (db->det[i] != NULL && detector_registry[i]->unload != NULL)
			detector_registry[i]->unload(db->det[i]);
	for (i = 0; db->dis != NULL && i < db->ndis; i++)
		if (db->dis[i] != NULL && dissector_registry[i]->unload != NULL)
			dissector_registry[i]->unload(db->dis[i]);
	free(db->det);
	free(db->dis);
	free(db);
}

const void *
sigdb_detector_tables(const struct sigdb *db, unsigned i)
{
	return db != NULL && i < db->ndet ? db->det[i] : NULL;
}

const void *
sigdb_dissector_tables(const struct sigdb *db, const struct dissector *d)
{
	unsigned i;

	if (db == NULL || d == NULL)
		return NULL;
	for (i = 0; i < db->ndis; i++)
		if (dissector_registry[i] == d)
			return db->dis[i];
	return NULL;
}
