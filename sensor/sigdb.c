/*
 * sigdb.c - loading the signature database; see sigdb.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "addrset.h"
#include "config.h"
#include "detector.h"
#include "dpi.h"
#include "dissector.h"
#include "sigdb.h"
#include "wordlist.h"

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
		PKGDATADIR "/signatures",
#ifdef SRCSIGDIR
		SRCSIGDIR,	/* an uninstalled build (Makefile.am) */
#endif
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
#ifdef SRCSIGDIR
	snprintf(errbuf, errlen, "no signatures directory: neither %s nor %s "
	    "exists (run make install, or set signatures_dir)", candidates[0],
	    candidates[1]);
#else
	snprintf(errbuf, errlen, "no signatures directory: %s does not exist "
	    "(reinstall, or set signatures_dir)", candidates[0]);
#endif
	return -1;
}

/* Builds one set from a key's text; an empty text is a NULL set. */
static int
build_set(const char *key, const char *text, void **out,
    void *(*build)(const char *, const void *, char *, size_t),
    const void *arg, char *errbuf, size_t errlen)
{
	char err[512];

	*out = NULL;
	if (text[0] == '\0')
		return 0;
	if ((*out = build(text, arg, err, sizeof(err))) == NULL) {
		snprintf(errbuf, errlen, "%s: %s", key, err);
		return -1;
	}
	return 0;
}

static void *
build_addrset(const char *t, const void *tags, char *err, size_t len)
{
	return addrset_build(t, tags, err, len);
}

static void *
build_pairs(const char *t, const void *unused, char *err, size_t len)
{
	(void)unused;
	return addrpairs_build(t, err, len);
}

static void *
build_words(const char *t, const void *unused, char *err, size_t len)
{
	(void)unused;
	return wordlist_build(t, err, len);
}

static int
build_sets(struct policy_sets *ps, const struct config *c, char *errbuf,
    size_t errlen)
{
	if (build_set("edge_devices", c->edge_devices,
	    (void **)&ps->edge_devices, build_addrset, &config_role_tags,
	    errbuf, errlen) < 0 ||
	    build_set("admin_hosts", c->admin_hosts, (void **)&ps->admin_hosts,
	    build_addrset, NULL, errbuf, errlen) < 0 ||
	    build_set("collectors", c->collectors, (void **)&ps->collectors,
	    build_addrset, NULL, errbuf, errlen) < 0 ||
	    build_set("tunnel_allowed", c->tunnel_allowed,
	    (void **)&ps->tunnel_allowed, build_pairs, NULL, errbuf,
	    errlen) < 0 ||
	    build_set("rmm_allowed", c->rmm_allowed, (void **)&ps->rmm_allowed,
	    build_words, NULL, errbuf, errlen) < 0)
		return -1;
	return 0;
}

static void
free_sets(struct policy_sets *ps)
{
	addrset_free(ps->edge_devices);
	addrset_free(ps->admin_hosts);
	addrset_free(ps->collectors);
	addrpairs_free(ps->tunnel_allowed);
	wordlist_free(ps->rmm_allowed);
	memset(ps, 0, sizeof(*ps));
}

/* det_load_args.ndpi_id: one nDPI module per load, opened on first use. */
struct load_priv {
	struct ndpi_detection_module_struct *m;
	int		 failed;
};

static int
load_ndpi_id(const struct det_load_args *a, const char *name)
{
	struct load_priv *lp = a->priv;

	if (lp->m == NULL && !lp->failed && (lp->m = dpi_names_open(NULL)) == NULL)
		lp->failed = 1;
	return dpi_names_id(lp->m, name);
}

struct sigdb *
sigdb_load(const struct config *cfg,
    struct ndpi_detection_module_struct *names, char *errbuf, size_t errlen)
{
	struct det_load_args la;
	struct load_priv lp = { names, 0 };
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
	if (build_sets(&db->sets, cfg, errbuf, errlen) < 0) {
		sigdb_free(db);
		return NULL;
	}
	la.sigdir = dir;
	la.cfg = cfg;
	la.ndpi_id = load_ndpi_id;
	la.priv = &lp;
	for (i = 0; i < db->ndet; i++) {
		if (detector_registry[i]->load == NULL)
			continue;
		if ((db->det[i] = detector_registry[i]->load(&la, errbuf,
		    errlen)) == NULL) {
			if (lp.m != names)
				dpi_names_close(lp.m);
			sigdb_free(db);
			return NULL;
		}
	}
	if (lp.m != names)
		dpi_names_close(lp.m);
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
	free_sets(&db->sets);
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
