/*
 * sigfile.c - signature files, list values and their includes; see
 * sigfile.h for both formats.
 *
 * Lines are read with getc() into a fixed buffer: a line's length and a
 * NUL byte in it (which fgets() cannot tell from the line's end) are seen,
 * so no input is silently cut; reading stops there (the caller refuses
 * the file), so /dev/zero or an endless line cannot keep it reading.
 * Files are opened with sigfile_fopen(): regular files only, opened
 * without blocking, so a FIFO (no writer) or a device cannot hang start
 * or a SIGHUP reload.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigfile.h"

#define REASON_LEN	384	/* a callback's reason, before "FILE:LINE: " */
#define SHOWN_ENTRY	96	/* bytes of an entry quoted in an error */

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

FILE *
sigfile_fopen(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	FILE *f;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) != 0)
		sb.st_mode = 0;
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: cannot open: %s (give a text file)",
		    path, S_ISDIR(sb.st_mode) ? "a directory" :
		    "not a regular file");
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	/* Regular files ignore O_NONBLOCK; leave it off all the same. */
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if ((f = fdopen(fd, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		close(fd);
	}
	return f;
}

int
sigfile_getline(FILE *f, char *buf, size_t cap)
{
	size_t n = 0;
	int ch, nul = 0, over = 0;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (ch == '\0') {
			nul = 1;
			break;
		}
		if (n < cap - 2)
			buf[n++] = (char)ch;
		else {
			over = 1;
			break;
		}
	}
	buf[n] = '\0';
	if (ch == EOF && n == 0 && !nul && !over)
		return 0;
	return over ? -1 : nul ? -2 : 1;
}

/*
 * Splits a signature file line in place.  Returns 0 with r->nfields set
 * (0 for a blank or comment line), or -1 with reason.
 */
static int
split_fields(char *line, const struct sigfile_spec *spec,
    struct sigfile_rec *r, char *reason, size_t rlen)
{
	char *p, *e;

	r->nfields = 0;
	for (p = line; *p != '\0'; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t' && *p != '\r') ||
		    *p == 0x7f) {
			snprintf(reason, rlen, "control character 0x%02x in line",
			    (unsigned char)*p);
			return -1;
		}
	e = line + strlen(line);
	while (e > line && (is_blank(e[-1]) || e[-1] == '\r'))
		*--e = '\0';
	if (strchr(line, '\r') != NULL) {
		snprintf(reason, rlen, "carriage return inside the line");
		return -1;
	}
	p = line;
	while (is_blank(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	while (*p != '\0') {
		if (r->nfields == spec->max_fields) {
			snprintf(reason, rlen, "more than %u field%s",
			    spec->max_fields, spec->max_fields == 1 ? "" : "s");
			return -1;
		}
		r->field[r->nfields++] = p;
		/* The last field goes on to the end of the line. */
		if ((spec->flags & SIGFILE_REST) &&
		    r->nfields == spec->max_fields)
			break;
		while (*p != '\0' && !is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		*p++ = '\0';
		while (is_blank(*p))
			p++;
	}
	if (r->nfields < spec->min_fields) {
		snprintf(reason, rlen, "%u field%s, expected at least %u",
		    r->nfields, r->nfields == 1 ? "" : "s", spec->min_fields);
		return -1;
	}
	return 0;
}

int
sigfile_read(const char *path, const struct sigfile_spec *spec,
    sigfile_rec_fn fn, void *arg, char *err, size_t errlen)
{
	char line[SIGFILE_MAX_LINE + 2], reason[REASON_LEN];
	struct sigfile_rec rec;
	int r, n = 0;
	FILE *f;

	if (spec->min_fields < 1 || spec->max_fields < spec->min_fields ||
	    spec->max_fields > SIGFILE_MAX_FIELDS) {
		snprintf(err, errlen, "%s: bad field counts %u..%u", path,
		    spec->min_fields, spec->max_fields);
		return -1;
	}
	if ((f = sigfile_fopen(path, err, errlen)) == NULL)
		return -1;
	rec.file = path;
	rec.line = 0;
	while ((r = sigfile_getline(f, line, sizeof(line))) != 0) {
		rec.line++;
		reason[0] = '\0';
		if (r == -1)
			snprintf(reason, sizeof(reason), "line longer than %d "
			    "bytes", SIGFILE_MAX_LINE);
		else if (r == -2)
			snprintf(reason, sizeof(reason), "NUL byte in line");
		else if (split_fields(line, spec, &rec, reason,
		    sizeof(reason)) == 0 && rec.nfields > 0 &&
		    fn(&rec, arg, reason, sizeof(reason)) == 0)
			n++;
		if (reason[0] != '\0') {
			snprintf(err, errlen, "%s:%u: %s", path, rec.line, reason);
			fclose(f);
			return -1;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path,
		    strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return n;
}

int
sigfile_read_in(const char *dir, const char *name,
    const struct sigfile_spec *spec, sigfile_rec_fn fn, void *arg,
    char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat sb;

	if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL) {
		snprintf(err, errlen, "'%s' is not a signature file name", name);
		return -1;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		snprintf(err, errlen, "signatures_dir %.200s: path too long",
		    dir);
		return -1;
	}
	if (stat(path, &sb) < 0 && errno == ENOENT) {
		snprintf(err, errlen, "signature file %s is missing "
		    "(signatures_dir is %s)", path, dir);
		return -1;
	}
	return sigfile_read(path, spec, fn, arg, err, errlen);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
sigfile_dir(const char *dir, const char *suffix, sigfile_name_fn fn,
    void *arg, char *err, size_t errlen)
{
	char path[PATH_MAX], **names = NULL;
	size_t n = 0, i, slen = strlen(suffix), len;
	struct dirent *de;
	struct stat sb;
	int rc = -1;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: cannot read directory: %s", dir,
		    strerror(errno));
		return -1;
	}
	if ((names = calloc(SIGFILE_MAX_DIR, sizeof(*names))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", dir);
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < slen ||
		    strcmp(de->d_name + len - slen, suffix) != 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path) || stat(path, &sb) < 0 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (n == SIGFILE_MAX_DIR) {
			snprintf(err, errlen, "%s: more than %d files", dir,
			    SIGFILE_MAX_DIR);
			goto out;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			snprintf(err, errlen, "%s: out of memory", dir);
			goto out;
		}
		n++;
	}
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++)
		if (fn(dir, names[i], arg, err, errlen) < 0)
			goto out;
	rc = (int)n;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

/* ---- list values --------------------------------------------------------- */

static int
is_entry_char(int c)
{
	return c != '\0' && c != ',' && c != '#' && c != ' ' && c != '\t' &&
	    c != '\r' && c != '\n';
}

/*
 * Scans the next entry of a list from *pp into buf.  Returns 1 for an
 * entry, 0 at the end, -1 for an entry longer than cap - 1 bytes (buf holds
 * its start).  Blanks next to "<>" are dropped rather than separating.
 */
static int
list_next(const char **pp, char *buf, size_t cap)
{
	const char *p = *pp, *q;
	size_t n = 0;
	int over = 0;

	for (;;) {
		while (*p == ',' || is_blank(*p) || *p == '\r' || *p == '\n')
			p++;
		if (*p != '#')
			break;
		while (*p != '\0' && *p != '\n')
			p++;
	}
	if (*p == '\0') {
		*pp = p;
		return 0;
	}
	for (;;) {
		for (; is_entry_char(*p); p++) {
			if (n < cap - 1)
				buf[n++] = *p;
			else
				over = 1;
		}
		for (q = p; is_blank(*q); q++)
			;
		if ((q[0] == '<' && q[1] == '>') || (is_entry_char(*q) &&
		    n >= 2 && buf[n - 2] == '<' && buf[n - 1] == '>'))
			p = q;
		else
			break;
	}
	buf[n] = '\0';
	*pp = p;
	return over ? -1 : 1;
}

/* Calls fn for one entry; where is "" or "FILE:LINE: ". */
static int
list_entry(const char *where, const char *entry, sigfile_entry_fn fn,
    void *arg, char *err, size_t errlen)
{
	char reason[REASON_LEN];

	reason[0] = '\0';
	if (fn(entry, arg, reason, sizeof(reason)) == 0)
		return 0;
	snprintf(err, errlen, "%s'%.*s%s': %s", where, SHOWN_ENTRY, entry,
	    strlen(entry) > SHOWN_ENTRY ? "..." : "",
	    reason[0] ? reason : "rejected");
	return -1;
}

/* Scans the entries of one line or text; -1 on error, else the count. */
static int
list_scan(const char *text, const char *where, int in_file,
    sigfile_entry_fn fn, void *arg, char *err, size_t errlen);

/* Reads an included file; returns its entry count or -1. */
static int
list_file(const char *path, sigfile_entry_fn fn, void *arg, char *err,
    size_t errlen)
{
	char line[SIGFILE_MAX_LINE + 2], where[PATH_MAX + 32];
	unsigned lineno = 0;
	int r, k, n = 0;
	FILE *f;

	if (path[0] == '\0') {
		snprintf(err, errlen, "'@': file name missing after @");
		return -1;
	}
	if ((f = sigfile_fopen(path, where, sizeof(where))) == NULL) {
		snprintf(err, errlen, "@%s", where);
		return -1;
	}
	while ((r = sigfile_getline(f, line, sizeof(line))) != 0) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%u: ", path, lineno);
		if (r < 0) {
			if (r == -1)
				snprintf(err, errlen, "%sline longer than %d "
				    "bytes", where, SIGFILE_MAX_LINE);
			else
				snprintf(err, errlen, "%sNUL byte in line",
				    where);
			fclose(f);
			return -1;
		}
		if ((k = list_scan(line, where, 1, fn, arg, err, errlen)) < 0) {
			fclose(f);
			return -1;
		}
		n += k;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path,
		    strerror(errno));
		n = -1;
	}
	fclose(f);
	return n;
}

static int
list_scan(const char *text, const char *where, int in_file,
    sigfile_entry_fn fn, void *arg, char *err, size_t errlen)
{
	char entry[SIGFILE_MAX_ENTRY + 1];
	const char *p = text;
	int r, k, n = 0;

	while ((r = list_next(&p, entry, sizeof(entry))) != 0) {
		if (r < 0) {
			snprintf(err, errlen, "%s'%.*s...': entry longer than "
			    "%d bytes", where, SHOWN_ENTRY, entry,
			    SIGFILE_MAX_ENTRY);
			return -1;
		}
		if (entry[0] == '@' && in_file) {
			snprintf(err, errlen, "%s'%.*s': an included file "
			    "cannot include another", where, SHOWN_ENTRY, entry);
			return -1;
		}
		if (entry[0] == '@') {
			if ((k = list_file(entry + 1, fn, arg, err, errlen)) < 0)
				return -1;
			n += k;
			continue;
		}
		if (list_entry(where, entry, fn, arg, err, errlen) < 0)
			return -1;
		n++;
	}
	return n;
}

int
sigfile_list(const char *text, sigfile_entry_fn fn, void *arg, char *err,
    size_t errlen)
{
	return list_scan(text != NULL ? text : "", "", 0, fn, arg, err,
	    errlen);
}

int
sigfile_port_range(const char *s, unsigned *lo, unsigned *hi, char *err,
    size_t errlen)
{
	unsigned long a, b;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		goto bad;
	a = strtoul(s, &end, 10);
	b = a;
	if (*end == '-') {
		if (!isdigit((unsigned char)end[1]))
			goto bad;
		b = strtoul(end + 1, &end, 10);
	}
	if (*end != '\0' || a == 0 || b > 65535 || a > b)
		goto bad;
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not a port or a range", s);
	return -1;
}
