/*
 * test_pcapfile.c - pcapfile.c against libpcap on the same bytes.
 *
 * Every case writes a capture file, reads it with pcap_next_ex() (libpcap,
 * microsecond precision, the way capture.c opens files) and with
 * pcapfile_next(), and requires the same records (time stamp, lengths,
 * bytes), the same ending (end of file or error) and the same error text,
 * and that pcapfile_offset() after each record is where libpcap's stdio
 * stream stands (ftell).  Cases: both byte orders, both time-stamp
 * precisions, negative and large time stamps, records of 0 to 262,144
 * bytes spanning many buffer refills, a snapshot length of 0 and one past
 * the maximum record length, records
 * longer than the snapshot length (cut, the rest skipped, also past the
 * buffer and up to the end of the file), a truncated record header, a
 * truncated record, an impossible length, and 3,000 files with random
 * bytes overwritten in a valid one.  Files pcapfile.c must leave to
 * libpcap (pcapng, version 2.3, the patched-libpcap magic, a short file)
 * are refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapfile.h"
#include "pcapfile_diff.h"
#include "tmpdir.h"
#include "unit.h"

/* A growing file image. */
struct img {
	uint8_t	*b;
	size_t	 n, cap;
	int	 swapped;
};

static void
put(struct img *m, const void *p, size_t n)
{
	if (m->n + n > m->cap) {
		m->cap = (m->n + n) * 2 + 4096;
		m->b = realloc(m->b, m->cap);
		if (m->b == NULL)
			abort();
	}
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void
put32(struct img *m, uint32_t v)
{
	if (m->swapped)
		v = __builtin_bswap32(v);
	put(m, &v, 4);
}

static void
put16(struct img *m, uint16_t v)
{
	if (m->swapped)
		v = __builtin_bswap16(v);
	put(m, &v, 2);
}

static void
file_header(struct img *m, uint32_t magic, uint16_t maj, uint16_t min,
    uint32_t snaplen)
{
	put32(m, magic);
	put16(m, maj);
	put16(m, min);
	put32(m, 0);
	put32(m, 0);
	put32(m, snaplen);
	put32(m, 1);		/* Ethernet */
}

/* A record whose bytes follow from its number; caplen bytes written. */
static void
record(struct img *m, uint32_t sec, uint32_t frac, uint32_t caplen,
    uint32_t len, unsigned k)
{
	uint32_t i;
	uint8_t c;

	put32(m, sec);
	put32(m, frac);
	put32(m, caplen);
	put32(m, len);
	for (i = 0; i < caplen; i++) {
		c = (uint8_t)(k * 13 + i * 7);
		put(m, &c, 1);
	}
}

static const char *
write_img(const struct img *m, const char *name)
{
	const char *dir = tmpdir_scratch("pcapfile");

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	return tmpdir_file(dir, name, m->b, m->n);
}

/*
 * Reads path both ways.  Returns pcapfile_open's answer; the outcome is
 * compared only when it took the file.
 */
static int
compare(const char *path, size_t bufsize, struct pcapfile_diff *o)
{
	FILE *fp;
	int fd;

	fd = open(path, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0);
	fp = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	(void)pcapfile_diff(fd, fp, bufsize, o);
	CU_ASSERT_FALSE(o->libpcap_refused);
	CU_ASSERT_FALSE(o->skipped);
	if (o->took == 1)
		CU_ASSERT_TRUE(o->same_snapshot);
	return o->took;
}

#define SAME(o) do {							\
	CU_ASSERT_EQUAL((o).mismatch, 0);				\
	CU_ASSERT_TRUE((o).same_end);					\
	CU_ASSERT_TRUE((o).same_err);					\
	CU_ASSERT_TRUE((o).same_off);					\
	if (!(o).same_err)						\
		fprintf(stderr, "\n  libpcap '%s'\n  ours    '%s'\n",	\
		    (o).err_pcap, (o).err_ours);			\
} while (0)

/* Sizes that cross the buffer's end at many offsets. */
static const uint32_t sizes[] = {
	0, 1, 14, 60, 61, 1514, 9000, 65535, 65536, 131071, 262144, 3, 777
};

static void
many_records(struct img *m, unsigned n, int nsec)
{
	unsigned k;
	uint32_t sz;

	for (k = 0; k < n; k++) {
		sz = sizes[k % (sizeof(sizes) / sizeof(sizes[0]))];
		record(m, 1700000000u + k, nsec ? 999999999u - k : 999999u - k,
		    sz, sz + (k & 3), k);
	}
}

/*
 * Reads the first n bytes of m both ways, with a read buffer of bufsize (0:
 * the smallest): the records and the ending as given.
 */
static void
expect(struct img *m, size_t n, size_t bufsize, const char *name,
    unsigned records, int end)
{
	struct pcapfile_diff o;
	size_t keep = m->n;

	m->n = n;
	CU_ASSERT_EQUAL(compare(write_img(m, name), bufsize, &o), 1);
	m->n = keep;
	CU_ASSERT_EQUAL(o.records, records);
	CU_ASSERT_EQUAL(o.end, end);
	SAME(o);
}

static void
test_orders_and_precisions(void)
{
	static const uint32_t magics[] = { 0xa1b2c3d4u, 0xa1b23c4du };
	struct img m;
	unsigned i, sw;

	for (sw = 0; sw < 2; sw++)
		for (i = 0; i < 2; i++) {
			memset(&m, 0, sizeof(m));
			m.swapped = (int)sw;
			file_header(&m, magics[i], 2, 4, 262144);
			many_records(&m, 60, i == 1);
			/* The smallest buffer: a refill every few records. */
			expect(&m, m.n, 0, "a.pcap", 60, 0);
			expect(&m, m.n, 1 << 20, "a.pcap", 60, 0);
			free(m.b);
		}
}

static void
test_time_stamps(void)
{
	struct img m;
	unsigned sw, nsec;

	/* Times with the top bit set (negative in libpcap's own byte order,
	 * positive in the other) and fractions past a second. */
	for (sw = 0; sw < 2; sw++)
		for (nsec = 0; nsec < 2; nsec++) {
			memset(&m, 0, sizeof(m));
			m.swapped = (int)sw;
			file_header(&m, nsec ? 0xa1b23c4du : 0xa1b2c3d4u, 2, 4,
			    65535);
			record(&m, 0x80000000u, 0, 60, 60, 1);
			record(&m, 0xffffffffu, 1999999999u, 60, 60, 2);
			record(&m, 0, 0xffffffffu, 60, 60, 3);
			record(&m, 81074, 0xa1020004u, 60, 60, 4);
			expect(&m, m.n, 0, "t.pcap", 4, 0);
			free(m.b);
		}
}

static void
test_snapshot(void)
{
	struct img m = { 0 };

	/* Snapshot 0: libpcap takes the maximum. */
	file_header(&m, 0xa1b2c3d4u, 2, 4, 0);
	record(&m, 1, 1, 262144, 262144, 1);
	record(&m, 2, 2, 60, 60, 2);
	expect(&m, m.n, 0, "s0.pcap", 2, 0);
	free(m.b);

	/* Larger than the maximum (libpcap keeps it): a record past the
	 * maximum is refused with the maximum's words. */
	memset(&m, 0, sizeof(m));
	file_header(&m, 0xa1b2c3d4u, 2, 4, 3u << 20);
	record(&m, 1, 1, 262144, 262144, 1);
	record(&m, 2, 2, 0, 0, 2);
	memcpy(m.b + m.n - 8, "\x01\x00\x04\x00", 4);	/* 262,145 */
	expect(&m, m.n, 0, "s3m.pcap", 1, -1);
	free(m.b);

	/* Longer than the snapshot: cut, the rest skipped, whether it is
	 * buffered or not. */
	memset(&m, 0, sizeof(m));
	file_header(&m, 0xa1b2c3d4u, 2, 4, 64);
	record(&m, 1, 1, 300, 300, 1);
	record(&m, 2, 2, 64, 64, 2);
	record(&m, 3, 3, 250000, 250000, 3);
	record(&m, 4, 4, 200000, 200000, 4);
	record(&m, 5, 5, 65, 65, 5);
	expect(&m, m.n, 0, "s64.pcap", 5, 0);
	/* The file ends inside the skipped part ... */
	expect(&m, m.n - (16 + 65 + 100), 0, "s64t.pcap", 3, -1);
	/* ... and inside the part handed out. */
	expect(&m, 24 + 16 + 300 + 16 + 64 + 16 + 10, 0,
	    "s64u.pcap", 2, -1);
	free(m.b);
}

static void
test_damage(void)
{
	struct img m = { 0 };
	size_t whole;

	file_header(&m, 0xa1b2c3d4u, 2, 4, 262144);
	record(&m, 1, 1, 100, 100, 1);
	whole = m.n;
	/* Nothing after the header: no record, end of file. */
	expect(&m, 24, 0, "e.pcap", 0, 0);
	/* A record header cut short. */
	expect(&m, 24 + 5, 0, "h.pcap", 0, -1);
	/* A record cut short. */
	expect(&m, whole - 1, 0, "d.pcap", 0, -1);
	/* An impossible length, after a good record. */
	record(&m, 2, 2, 0, 0, 2);
	memcpy(m.b + whole + 8, "\x01\x00\x10\x00", 4);	/* 1,048,577 */
	expect(&m, m.n, 0, "l.pcap", 1, -1);
	free(m.b);
}

/* xorshift: the same files every run. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
test_random_damage(void)
{
	struct pcapfile_diff o;
	struct img base = { 0 }, m;
	uint32_t seed = 0x5eed1234u;
	unsigned t, j, flips, agreed = 0, errors = 0;
	size_t at;

	file_header(&base, 0xa1b2c3d4u, 2, 4, 2000);
	for (j = 0; j < 40; j++)
		record(&base, j, j, 40 + j * 37 % 1900, 1600, j);
	m.b = malloc(base.n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m.b);
	for (t = 0; t < 3000; t++) {
		memcpy(m.b, base.b, base.n);
		m.n = base.n;
		flips = 1 + rnd(&seed) % 4;
		for (j = 0; j < flips; j++) {
			at = 24 + rnd(&seed) % (base.n - 24);
			m.b[at] = (uint8_t)rnd(&seed);
		}
		if (rnd(&seed) % 4 == 0)
			m.n = 24 + rnd(&seed) % (base.n - 24);
		CU_ASSERT_EQUAL_FATAL(compare(write_img(&m, "r.pcap"), 0, &o),
		    1);
		if (o.mismatch == 0 && o.same_end && o.same_err && o.same_off)
			agreed++;
		else
			SAME(o);
		errors += o.end < 0;
	}
	CU_ASSERT_EQUAL(agreed, 3000);
	/* The damage is real: many files end in an error. */
	CU_ASSERT_TRUE(errors > 300);
	free(m.b);
	free(base.b);
}

static void
test_left_to_libpcap(void)
{
	struct pcapfile_diff o;
	struct img m = { 0 };

	file_header(&m, 0xa1b2c3d4u, 2, 3, 262144);	/* version 2.3 */
	CU_ASSERT_EQUAL(compare(write_img(&m, "v.pcap"), 0, &o), 0);
	m.n = 0;
	file_header(&m, 0xa1b2cd34u, 2, 4, 262144);	/* patched libpcap */
	CU_ASSERT_EQUAL(compare(write_img(&m, "k.pcap"), 0, &o), 0);
	m.n = 0;
	file_header(&m, 0x0a0d0d0au, 2, 4, 262144);	/* pcapng */
	CU_ASSERT_EQUAL(compare(write_img(&m, "n.pcapng"), 0, &o), 0);
	m.n = 10;					/* too short */
	m.b[0] = 0xd4;
	CU_ASSERT_EQUAL(compare(write_img(&m, "s.pcap"), 0, &o), 0);
	free(m.b);
}

UNIT_MAIN("pcapfile",
    { "both byte orders and precisions, many refills",
	test_orders_and_precisions },
    { "signed and large time stamps", test_time_stamps },
    { "snapshot length 0 and records longer than it", test_snapshot },
    { "truncated and impossible records", test_damage },
    { "3000 randomly damaged files agree with libpcap", test_random_damage },
    { "files left to libpcap", test_left_to_libpcap })
