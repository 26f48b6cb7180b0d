/*
 * test_spool.c - the on-disk spool: order, acknowledgement, persistence
 * across reopen, the size bound, torn and corrupt records, segment
 * clean-up and the directory lock.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"
#include "tmpdir.h"
#include "unit.h"

static char dir[256];
static char err[256];

static struct spool *
fresh(uint64_t max)
{
	struct spool *sp;

	tmpdir_remove(dir);
	CU_ASSERT_FATAL(tmpdir_make(dir, sizeof(dir), "spool") == 0);
	sp = spool_open(dir, max, err, sizeof(err));
	CU_ASSERT_FATAL(sp != NULL);
	return sp;
}

static void
put(struct spool *sp, int i, size_t pad)
{
	char buf[32768];
	int n = snprintf(buf, sizeof(buf), "record-%06d:", i);

	memset(buf + n, 'x', pad);
	CU_ASSERT_EQUAL(spool_append(sp, buf, (size_t)n + pad, 0, NULL), 0);
}

/* Reads the next record and checks it is record i. */
static int
expect(struct spool *sp, int i, struct spool_ref *ref)
{
	char buf[32768], want[32];
	size_t len;
	uint8_t fl;
	int r = spool_next(sp, buf, sizeof(buf), &len, &fl, ref);

	snprintf(want, sizeof(want), "record-%06d:", i);
	CU_ASSERT_EQUAL(r, 1);
	if (r != 1)
		return -1;
	CU_ASSERT(len >= strlen(want) && memcmp(buf, want, strlen(want)) == 0);
	return 0;
}

static void
test_crc32(void)
{
	CU_ASSERT_EQUAL(spool_crc32("123456789", 9), 0xcbf43926u);
	CU_ASSERT_EQUAL(spool_crc32("", 0), 0);
}

static void
test_order_ack_reopen(void)
{
	struct spool *sp = fresh(1 << 20);
	struct spool_ref ref[10];
	struct spool_stats ss;
	int i;

	for (i = 0; i < 10; i++)
		put(sp, i, 10);
	CU_ASSERT_EQUAL(spool_pending(sp), 10);
	for (i = 0; i < 4; i++)
		expect(sp, i, &ref[i]);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(spool_ack(sp, &ref[i]), 0);
	CU_ASSERT_EQUAL(spool_ack(sp, &ref[0]), 0);	/* twice is harmless */
	CU_ASSERT_EQUAL(spool_pending(sp), 6);
	spool_close(sp);

	sp = spool_open(dir, 1 << 20, err, sizeof(err));
	CU_ASSERT_FATAL(sp != NULL);
	spool_get_stats(sp, &ss);
	CU_ASSERT_EQUAL(ss.recovered, 6);
	CU_ASSERT_EQUAL(ss.corrupt, 0);
	for (i = 4; i < 10; i++)
		expect(sp, i, &ref[i - 4]);
	CU_ASSERT_EQUAL(spool_next(sp, err, sizeof(err), &(size_t){0},
	    &(uint8_t){0}, NULL), 0);
	/* rewind sees them again; acked ones never come back */
	CU_ASSERT_EQUAL(spool_ack(sp, &ref[0]), 0);
	spool_rewind(sp);
	expect(sp, 5, NULL);
	for (i = 0; i < 6; i++)
		spool_ack(sp, &ref[i]);
	CU_ASSERT_EQUAL(spool_pending(sp), 0);
	CU_ASSERT_EQUAL(tmpdir_count(dir, ".seg"), 0);
	spool_close(sp);
	tmpdir_remove(dir);
}

static void
test_flags_persist(void)
{
	struct spool *sp = fresh(1 << 20);
	struct spool_ref ref;
	size_t len;
	uint8_t fl;
	char buf[64];

	put(sp, 1, 0);
	CU_ASSERT_EQUAL(spool_append(sp, "u", 1, SPOOL_F_UNCERTAIN, NULL), 0);
	expect(sp, 1, &ref);
	CU_ASSERT_EQUAL(spool_set_flags(sp, &ref, SPOOL_F_UNCERTAIN), 0);
	spool_close(sp);
	sp = spool_open(dir, 1 << 20, err, sizeof(err));
	CU_ASSERT_FATAL(sp != NULL);
	CU_ASSERT_EQUAL(spool_next(sp, buf, sizeof(buf), &len, &fl, &ref), 1);
	CU_ASSERT_EQUAL(fl, SPOOL_F_UNCERTAIN);
	CU_ASSERT_EQUAL(spool_set_flags(sp, &ref, 0), 0);
	CU_ASSERT_EQUAL(spool_read(sp, &ref, buf, sizeof(buf), &len, &fl), 1);
	CU_ASSERT_EQUAL(fl, 0);
	CU_ASSERT_EQUAL(spool_next(sp, buf, sizeof(buf), &len, &fl, &ref), 1);
	CU_ASSERT_EQUAL(fl, SPOOL_F_UNCERTAIN);
	CU_ASSERT(len == 1 && buf[0] == 'u');
	spool_close(sp);
	tmpdir_remove(dir);
}

static void
test_full(void)
{
	struct spool *sp = fresh(4096);
	struct spool_stats ss;
	char buf[1000];
	int i, ok = 0, full = 0;

	memset(buf, 'a', sizeof(buf));
	for (i = 0; i < 10; i++) {
		int r = spool_append(sp, buf, sizeof(buf), 0, NULL);

		ok += r == 0;
		full += r == SPOOL_FULL;
	}
	CU_ASSERT_EQUAL(ok, 4);		/* 8 + 4 * 1012 <= 4096 */
	CU_ASSERT_EQUAL(full, 6);
	spool_get_stats(sp, &ss);
	CU_ASSERT(ss.bytes <= 4096);
	CU_ASSERT_EQUAL(spool_append(sp, buf, SPOOL_MAX_RECORD + 1, 0, NULL),
	    SPOOL_ERR);
	spool_close(sp);
	tmpdir_remove(dir);
}

static char *
only_segment(char *path, size_t len)
{
	char cmd[512];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ls %s/*.seg", dir);
	f = popen(cmd, "r");
	if (f == NULL || fgets(path, (int)len, f) == NULL) {
		if (f)
			pclose(f);
		return NULL;
	}
	pclose(f);
	path[strcspn(path, "\n")] = '\0';
	return path;
}

static void
test_torn_tail(void)
{
	struct spool *sp = fresh(1 << 20);
	struct spool_stats ss;
	struct stat st;
	char path[512];
	int i;

	for (i = 0; i < 5; i++)
		put(sp, i, 100);
	spool_close(sp);
	CU_ASSERT_FATAL(only_segment(path, sizeof(path)) != NULL);
	CU_ASSERT_FATAL(stat(path, &st) == 0);
	CU_ASSERT_FATAL(truncate(path, st.st_size - 7) == 0);	/* crash */
	sp = spool_open(dir, 1 << 20, err, sizeof(err));
	CU_ASSERT_FATAL(sp != NULL);
	spool_get_stats(sp, &ss);
	CU_ASSERT_EQUAL(ss.recovered, 4);
	CU_ASSERT_EQUAL(ss.corrupt, 0);
	put(sp, 5, 100);		/* appends after the cut */
	for (i = 0; i < 4; i++)
		expect(sp, i, NULL);
	expect(sp, 5, NULL);
	spool_close(sp);
	tmpdir_remove(dir);
}

static void
test_corrupt_record(void)
{
	struct spool *sp = fresh(1 << 20);
	struct spool_stats ss;
	char path[512];
	int fd, i;

	for (i = 0; i < 5; i++)
		put(sp, i, 100);
	spool_close(sp);
	CU_ASSERT_FATAL(only_segment(path, sizeof(path)) != NULL);
	/* flip a payload byte of the third record */
	fd = open(path, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(pwrite(fd, "Z", 1, 8 + 2 * (12 + 114) + 12 + 20) == 1);
	close(fd);
	sp = spool_open(dir, 1 << 20, err, sizeof(err));
	CU_ASSERT_FATAL(sp != NULL);
	spool_get_stats(sp, &ss);
	CU_ASSERT_EQUAL(ss.recovered, 2);
	CU_ASSERT_EQUAL(ss.corrupt, 1);
	expect(sp, 0, NULL);
	expect(sp, 1, NULL);
	spool_close(sp);

	/* a file with a bad header is set aside, not read */
	fd = open(path, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(pwrite(fd, "garbage!", 8, 0) == 8);
	close(fd);
	sp = spool_open(dir, 1 << 20, err, sizeof(err));
	CU_ASSERT_FATAL(sp != NULL);
	CU_ASSERT_EQUAL(spool_pending(sp), 0);
	CU_ASSERT_EQUAL(tmpdir_count(dir, ".corrupt"), 1);
	spool_close(sp);
	tmpdir_remove(dir);
}

static void
test_segments_freed(void)
{
	struct spool *sp = fresh(1 << 20);	/* 128 KiB segments */
	struct spool_ref ref;
	int i, segs;

	for (i = 0; i < 100; i++)
		put(sp, i, 10000);
	segs = tmpdir_count(dir, ".seg");
	CU_ASSERT(segs >= 7);
	for (i = 0; i < 99; i++) {
		expect(sp, i, &ref);
		spool_ack(sp, &ref);
	}
	CU_ASSERT_EQUAL(tmpdir_count(dir, ".seg"), 1);
	CU_ASSERT_EQUAL(spool_pending(sp), 1);
	expect(sp, 99, &ref);
	spool_ack(sp, &ref);
	CU_ASSERT_EQUAL(tmpdir_count(dir, ".seg"), 0);
	put(sp, 100, 10);		/* and it starts over cleanly */
	expect(sp, 100, NULL);
	spool_close(sp);
	tmpdir_remove(dir);
}

static void
test_lock_and_errors(void)
{
	struct spool *sp = fresh(1 << 20), *sp2;

	sp2 = spool_open(dir, 1 << 20, err, sizeof(err));
	CU_ASSERT(sp2 == NULL);
	CU_ASSERT(strstr(err, "in use by another process") != NULL);
	spool_close(sp);
	sp2 = spool_open("/proc/edgeward-no-such/spool", 1 << 20, err,
	    sizeof(err));
	CU_ASSERT(sp2 == NULL);
	CU_ASSERT(strstr(err, "cannot create directory") != NULL);
	tmpdir_remove(dir);
}

UNIT_MAIN("spool",
    { "CRC-32 check value", test_crc32 },
    { "order, ack and reopen", test_order_ack_reopen },
    { "flags persist", test_flags_persist },
    { "size bound", test_full },
    { "torn tail is cut", test_torn_tail },
    { "corrupt record and file", test_corrupt_record },
    { "acknowledged segments freed", test_segments_freed },
    { "directory lock and errors", test_lock_and_errors })
