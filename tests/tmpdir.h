/*
 * tmpdir.h - scratch directories for tests that touch the file system:
 * made under $TMPDIR (or /tmp), removed with everything below them.
 */
#ifndef EDGEWARD_TMPDIR_H
#define EDGEWARD_TMPDIR_H

#include <stddef.h>

/* Makes <tmp>/edgeward-<tag>-XXXXXX; fills buf; 0 or -1. */
int	tmpdir_make(char *buf, size_t len, const char *tag);
/* Removes dir and everything below it (no symlinks followed). */
void	tmpdir_remove(const char *dir);
/* Counts directory entries whose name ends with suffix. */
int	tmpdir_count(const char *dir, const char *suffix);
/*
 * Writes len bytes to dir/name; returns the path (static storage, the last
 * four calls' paths stay valid) or NULL.
 */
const char *tmpdir_file(const char *dir, const char *name, const void *data,
	    size_t len);

/*
 * One scratch directory per test program: made on the first call (named
 * after tag), removed with everything in it at exit.  NULL if it cannot
 * be made.
 */
const char *tmpdir_scratch(const char *tag);

#endif
