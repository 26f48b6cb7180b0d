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

#endif
