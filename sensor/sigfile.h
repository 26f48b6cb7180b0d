/*
 * sigfile.h - readers for policy data: the files in signatures/ and the
 * list values of configuration keys ("10.0.0.1, 10.0.0.2, @FILE").
 *
 * Everything here runs at set-up (start, SIGHUP) in the control thread:
 * errors go to the caller's buffer as "FILE:LINE: reason", nothing is
 * kept between calls, and the loaders built on it turn what they read into
 * immutable tables that workers then read without locks.
 *
 * Signature file format (sigfile_read):
 *   - one record a line; '\n' ends a line, a '\r' before it is dropped;
 *   - fields are separated by runs of blanks (spaces and TABs, mixed as
 *     one likes), so a file stays readable and no editor that turns TABs
 *     into spaces can break it;
 *   - a field that must hold blanks is the last one: a spec with
 *     SIGFILE_REST gives the last field the rest of the line, inner
 *     blanks kept (as awk and Python's split(None, n) do);
 *   - a line whose first non-blank character is '#' is a comment; blank
 *     lines are skipped; a '#' after data is data (a field may hold it);
 *   - a line is at most SIGFILE_MAX_LINE bytes; a longer line, a NUL byte
 *     or another control character but TAB is an error, never a silent
 *     split or truncation;
 *   - the bytes of a field are passed on as they are (UTF-8 or not): what
 *     a field may hold is its loader's business.
 * signatures/http_form_fields.txt ("user NAME" / "password NAME") reads
 * with { 2, 2, 0 }.  A loader is a callback and a call; for a catalogue of
 * "TOOL DOMAIN" lines into a domainset (domainset.h):
 *
 *	static int
 *	rmm_line(const struct sigfile_rec *r, void *b, char *err, size_t len)
 *	{
 *		return domainset_builder_add(b, r->field[1],
 *		    tool_id(r->field[0]), err, len);
 *	}
 *	...
 *	static const struct sigfile_spec spec = { 2, 2, 0 };
 *	struct domainset_builder *b = domainset_builder_new();
 *
 *	if (sigfile_read_in(sigdir, "rmm.txt", &spec, rmm_line, b, err,
 *	    errlen) < 0) {
 *		domainset_builder_free(b);
 *		return -1;		// err: "DIR/rmm.txt:12: reason"
 *	}
 *	set = domainset_builder_finish(b, err, errlen);
 *
 * List format (sigfile_list), the value of list-valued configuration keys:
 *   - entries separated by commas and/or blanks; blanks around "<>" (the
 *     address-pair operator) do not separate: "a <> b" is the entry "a<>b";
 *   - '#' starts a comment to the end of the line;
 *   - "@PATH" reads PATH, which holds the same syntax on any number of
 *     lines (one entry a line is the usual layout); PATH has no comma or
 *     blank; a relative PATH is taken from the working directory (the
 *     daemon's is '/': use absolute paths); includes do not nest;
 *   - an entry is at most SIGFILE_MAX_ENTRY bytes.
 * Errors: "'ENTRY': reason" for an entry of the text itself,
 * "PATH:LINE: 'ENTRY': reason" for one from an included file.
 */
#ifndef EDGEWARD_SIGFILE_H
#define EDGEWARD_SIGFILE_H

#include <stddef.h>
#include <stdio.h>

#define SIGFILE_MAX_LINE	4094	/* bytes in a line, without '\n' */
#define SIGFILE_MAX_FIELDS	16
#define SIGFILE_MAX_ENTRY	511	/* bytes in one list entry */
#define SIGFILE_MAX_DIR		1024	/* files sigfile_dir lists */

/* One record of a signature file, valid during the callback only. */
struct sigfile_rec {
	const char	*file;		/* the path as opened */
	unsigned	 line;		/* 1-based */
	unsigned	 nfields;
	char		*field[SIGFILE_MAX_FIELDS];	/* NUL-terminated */
};

/* Field counts a file's records must have. */
struct sigfile_spec {
	unsigned	min_fields;	/* >= 1 */
	unsigned	max_fields;	/* <= SIGFILE_MAX_FIELDS */
	unsigned	flags;
};
#define SIGFILE_REST	0x1	/* the last field takes the rest of the line */

/*
 * Called for every record.  Returns 0 to go on, or -1 with err saying
 * what is wrong with the record (the reader adds "FILE:LINE: ").  The
 * fields may be modified in place (e.g. lower-cased).
 */
typedef int (*sigfile_rec_fn)(const struct sigfile_rec *r, void *arg,
    char *err, size_t errlen);
/* Called for every list entry; -1 with err as for sigfile_rec_fn. */
typedef int (*sigfile_entry_fn)(const char *entry, void *arg, char *err,
    size_t errlen);
/* Called for every file sigfile_dir lists. */
typedef int (*sigfile_name_fn)(const char *dir, const char *name, void *arg,
    char *err, size_t errlen);

/*
 * Reads a signature file.  Returns the number of records (comments and
 * blank lines not counted), or -1 with err "FILE:LINE: reason" or
 * "FILE: cannot open: why".  Records before a bad one have been passed to
 * fn: a loader builds into a scratch table and drops it on error.
 */
int	sigfile_read(const char *path, const struct sigfile_spec *spec,
	    sigfile_rec_fn fn, void *arg, char *err, size_t errlen);
/*
 * sigfile_read() of <dir>/<name>; a missing file is "signature file
 * DIR/NAME is missing (signatures_dir is DIR)".  name is a plain file name.
 */
int	sigfile_read_in(const char *dir, const char *name,
	    const struct sigfile_spec *spec, sigfile_rec_fn fn, void *arg,
	    char *err, size_t errlen);
/*
 * Calls fn for every regular file in dir whose name ends with suffix ("" for
 * all), in strcmp order so loading is deterministic; names starting with '.'
 * are skipped.  Returns the number of files, or -1 with err (dir cannot be
 * read, more than SIGFILE_MAX_DIR files, or fn's error as it gave it).
 */
int	sigfile_dir(const char *dir, const char *suffix, sigfile_name_fn fn,
	    void *arg, char *err, size_t errlen);
/*
 * Parses a list value (format above), calling fn for every entry in order,
 * included files in place.  Returns the number of entries, or -1 with err.
 * text may be NULL or empty (no entries).
 */
int	sigfile_list(const char *text, sigfile_entry_fn fn, void *arg,
	    char *err, size_t errlen);
/*
 * A port or a range, "PORT" or "LO-HI" (1 to 65535, LO <= HI), as
 * signature files write them.  0, or -1 with err "'S' is not a port or a
 * range".
 */
int	sigfile_port_range(const char *s, unsigned *lo, unsigned *hi, char *err,
	    size_t errlen);
/*
 * Reads one line without its '\n' into buf (cap >= 2).  Returns 0 at the
 * end of the file, 1 for a line, -1 for a line longer than cap - 2 bytes
 * and -2 for a line holding a NUL byte; after -1 or -2 the file is read
 * no further (the rest of the line is left unread: callers refuse the
 * file).  Shared with the configuration file reader.
 */
int	sigfile_getline(FILE *f, char *buf, size_t cap);
/*
 * Opens a configuration, signature or list file for reading: a regular
 * file only (a FIFO, a device, a directory is refused), opened without
 * blocking.  NULL with err "PATH: cannot open: why" and errno set (EINVAL
 * for a file that is not a regular one).
 */
FILE	*sigfile_fopen(const char *path, char *err, size_t errlen);

#endif
