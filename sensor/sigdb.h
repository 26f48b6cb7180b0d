/*
 * sigdb.h - the signature database: every table the detectors and
 * dissectors load from the signatures directory, and the address and
 * domain sets compiled from the configuration (edge_devices, admin_hosts,
 * collectors, tunnel_allowed, rmm_allowed).
 *
 * Built whole in the control thread, at start and on SIGHUP, then
 * immutable: workers read it without locks and switch to a newer one
 * between two input items (struct cfg_snapshot carries it).  A reload that
 * fails (a broken file: "FILE:LINE: why") changes nothing.
 */
#ifndef EDGEWARD_SIGDB_H
#define EDGEWARD_SIGDB_H

#include <stddef.h>

struct config;
struct dissector;
struct addrset;
struct addrpairs;
struct wordlist;

/*
 * The configuration's sets, compiled (addrset.h, wordlist.h); an empty
 * key gives a NULL set, which matches nothing.
 */
struct policy_sets {
	struct addrset		*edge_devices;	/* tags: enum config_role */
	struct addrset		*admin_hosts;
	struct addrset		*collectors;
	struct addrpairs	*tunnel_allowed;
	struct wordlist		*rmm_allowed;	/* tool[:tenant] */
};

struct sigdb {
	unsigned		 ndet, ndis;
	void			**det;		/* by detector_registry index */
	void			**dis;		/* by dissector_registry index */
	struct policy_sets	 sets;
};

/*
 * The signatures directory: signatures_dir, or when that is empty the
 * installed one, else the source tree's (an uninstalled build).  0, or -1
 * with errbuf set.
 */
int		 sigdb_dir(const struct config *cfg, char *out, size_t outlen,
		    char *errbuf, size_t errlen);
struct ndpi_detection_module_struct;

/*
 * Loads every table from the signatures directory and compiles the sets.
 * Protocol names in tables are checked against nDPI with `names`
 * (dpi_names_open(); not used by anything else meanwhile), or, when it is
 * NULL, a module opened for the load.  Returns NULL with errbuf set.  The
 * caller owns the result.
 */
struct sigdb	*sigdb_load(const struct config *cfg,
		    struct ndpi_detection_module_struct *names, char *errbuf,
		    size_t errlen);
void		 sigdb_free(struct sigdb *db);
/* Tables of the detector at registry index i, or NULL. */
const void	*sigdb_detector_tables(const struct sigdb *db, unsigned i);
/* Tables of dissector d, or NULL. */
const void	*sigdb_dissector_tables(const struct sigdb *db,
		    const struct dissector *d);

#endif
