/*
 * tmpdir.c - scratch directories for tests; see tmpdir.h.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmpdir.h"

int
tmpdir_make(char *buf, size_t len, const char *tag)
{
	const char *base = getenv("TMPDIR");

	if (base == NULL || *base == '\0')
		base = "/tmp";
	if ((size_t)snprintf(buf, len, "%s/edgeward-%s-XXXXXX", base, tag) >=
	    len)
		return -1;
	return mkdtemp(buf) ? 0 : -1;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
tmpdir_remove(const char *dir)
{
	if (dir != NULL && *dir != '\0')
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
tmpdir_count(const char *dir, const char *suffix)
{
	size_t sl = strlen(suffix), nl;
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		nl = strlen(de->d_name);
		if (nl >= sl && strcmp(de->d_name + nl - sl, suffix) == 0)
			n++;
	}
	closedir(d);
	return n;
}

const char *
tmpdir_file(const char *dir, const char *name, const void *data, size_t len)
{
	static char path[4][512];
	static unsigned next;
	char *p = path[next++ % 4];
	FILE *f;

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	if ((f = fopen(p, "w")) == NULL)
		return NULL;
	if (fwrite(data, 1, len, f) != len) {
		fclose(f);
		return NULL;
	}
	return fclose(f) == 0 ? p : NULL;
}

static char scratch[256];

static void
scratch_remove(void)
{
	tmpdir_remove(scratch);
}

const char *
tmpdir_scratch(const char *tag)
{
	if (scratch[0] == '\0') {
		if (tmpdir_make(scratch, sizeof(scratch), tag) < 0) {
			scratch[0] = '\0';
			return NULL;
		}
		atexit(scratch_remove);
	}
	return scratch;
}
