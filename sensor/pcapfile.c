/*
 * pcapfile.c - classic pcap files read in place; see pcapfile.h.
 *
 * The buffer holds unread bytes at buf[head..tail).  A record is handed out
 * as a pointer into it once all of it is there; when the buffer's tail
 * cannot hold the next record, the unread part (less than one record) moves
 * to the front and read(2) fills the rest.  The file format and libpcap's
 * handling of it are in libpcap's sf-pcap.c (pcap_check_header,
 * pcap_next_packet) and pcap-savefile(5).
 */
#include "ac-config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapfile.h"

#define MAGIC_USEC	0xa1b2c3d4u
#define MAGIC_NSEC	0xa1b23c4du

static uint32_t
get32(const uint8_t *p, int swapped)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

static uint16_t
get16(const uint8_t *p, int swapped)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return swapped ? __builtin_bswap16(v) : v;
}

/*
 * Reads at most n bytes to at; retries EINTR.  0 at the end of the file
 * (eof set); -1 a read error, in pf->err.
 */
static ssize_t
read_some(struct pcapfile *pf, uint8_t *at, size_t n)
{
	ssize_t k;

	do
		k = read(pf->fd, at, n);
	while (k < 0 && errno == EINTR);
	pf->reads++;
	if (k < 0)
		snprintf(pf->err, sizeof(pf->err), "error reading dump file: %s",
		    strerror(errno));
	else if (k == 0)
		pf->eof = 1;
	return k;
}

int
pcapfile_open(struct pcapfile *pf, int fd, size_t bufsize)
{
	uint8_t h[PCAPFILE_HDR_LEN];
	size_t got = 0;
	uint32_t magic, snaplen;
	ssize_t k;

	memset(pf, 0, sizeof(*pf));
	pf->fd = -1;
	while (got < sizeof(h)) {
		if ((k = pread(fd, h + got, sizeof(h) - got, (off_t)got)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0)
			return 0;	/* too short: libpcap says why */
		got += (size_t)k;
	}
	memcpy(&magic, h, 4);
	if (magic == MAGIC_USEC || magic == MAGIC_NSEC)
		pf->swapped = 0;
	else if (__builtin_bswap32(magic) == MAGIC_USEC ||
	    __builtin_bswap32(magic) == MAGIC_NSEC)
		pf->swapped = 1;
	else
		return 0;
	pf->nsec = get32(h, pf->swapped) == MAGIC_NSEC;
	/* 2.4 only: older versions may have caplen and len swapped. */
	if (get16(h + 4, pf->swapped) != 2 || get16(h + 6, pf->swapped) != 4)
		return 0;
	/*
	 * libpcap 1.10's pcap_adjust_snapshot() for the link types we decode:
	 * only 0 and lengths past INT_MAX become the maximum; a length
	 * between the maximum and INT_MAX stays (records longer than the
	 * maximum are refused all the same).
	 */
	snaplen = get32(h + 16, pf->swapped);
	if (snaplen == 0 || snaplen > INT32_MAX)
		snaplen = PCAPFILE_MAX_CAPLEN;
	if (bufsize < PCAPFILE_MAX_CAPLEN + PCAPFILE_REC_LEN)
		bufsize = PCAPFILE_MAX_CAPLEN + PCAPFILE_REC_LEN;
	if (lseek(fd, (off_t)PCAPFILE_HDR_LEN, SEEK_SET) < 0)
		return -1;
	pf->fd = fd;
	pf->snapshot = snaplen;
	pf->cap = bufsize;
	pf->off = PCAPFILE_HDR_LEN;
	return 1;
}

/*
 * Makes at least n unread bytes contiguous, reading as needed; returns how
 * many are there (less than n only at the end of the file).  -1: a read
 * error, in pf->err.
 */
static ssize_t
fill(struct pcapfile *pf, size_t n)
{
	size_t have = pf->tail - pf->head;
	ssize_t k;

	if (have >= n || pf->eof)
		return (ssize_t)have;
	if (pf->buf == NULL && (pf->buf = malloc(pf->cap)) == NULL) {
		snprintf(pf->err, sizeof(pf->err), "error reading dump file: %s",
		    strerror(ENOMEM));
		return -1;
	}
	if (pf->cap - pf->head < n) {
		memmove(pf->buf, pf->buf + pf->head, have);
		pf->head = 0;
		pf->tail = have;
	}
	while (pf->tail - pf->head < n) {
		k = read_some(pf, pf->buf + pf->tail, pf->cap - pf->tail);
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		pf->tail += (size_t)k;
	}
	return (ssize_t)(pf->tail - pf->head);
}

static void
consume(struct pcapfile *pf, size_t n)
{
	pf->head += n;
	pf->off += n;
}

int
pcapfile_next(struct pcapfile *pf, struct pcap_pkthdr *hdr,
    const uint8_t **data)
{
	const uint8_t *r;
	uint32_t caplen, keep, skip;
	size_t take;
	ssize_t have;

	if ((have = fill(pf, PCAPFILE_REC_LEN)) < 0)
		return -1;
	if (have == 0)
		return 0;
	if ((size_t)have < PCAPFILE_REC_LEN) {
		snprintf(pf->err, sizeof(pf->err), "truncated dump file; tried "
		    "to read %u header bytes, only got %zd", PCAPFILE_REC_LEN,
		    have);
		return -1;
	}
	r = pf->buf + pf->head;
	/*
	 * As libpcap 1.10 has it: its record's time fields are signed 32-bit
	 * numbers, but its byte swap yields an unsigned one, so a time with
	 * the top bit set is negative in a file of this machine's byte order
	 * and positive in one of the other.
	 */
	if (pf->swapped) {
		hdr->ts.tv_sec = (time_t)get32(r, 1);
		hdr->ts.tv_usec = (suseconds_t)get32(r + 4, 1);
	} else {
		hdr->ts.tv_sec = (int32_t)get32(r, 0);
		hdr->ts.tv_usec = (int32_t)get32(r + 4, 0);
	}
	if (pf->nsec)
		hdr->ts.tv_usec /= 1000;
	caplen = get32(r + 8, pf->swapped);
	hdr->len = get32(r + 12, pf->swapped);
	if (caplen > PCAPFILE_MAX_CAPLEN) {
		if (caplen > pf->snapshot)
			snprintf(pf->err, sizeof(pf->err), "invalid packet "
			    "capture length %u, bigger than snaplen of %u",
			    caplen, pf->snapshot);
		else
			snprintf(pf->err, sizeof(pf->err), "invalid packet "
			    "capture length %u, bigger than maximum of %u",
			    caplen, PCAPFILE_MAX_CAPLEN);
		return -1;
	}
	keep = caplen > pf->snapshot ? pf->snapshot : caplen;
	if ((have = fill(pf, PCAPFILE_REC_LEN + keep)) < 0)
		return -1;
	if ((size_t)have < PCAPFILE_REC_LEN + keep) {
		snprintf(pf->err, sizeof(pf->err), "truncated dump file; tried "
		    "to read %u captured bytes, only got %zd", keep,
		    have - (ssize_t)PCAPFILE_REC_LEN);
		return -1;
	}
	/* fill() may have moved the record to the front. */
	*data = pf->buf + pf->head + PCAPFILE_REC_LEN;
	hdr->caplen = keep;
	if (keep == caplen) {
		consume(pf, PCAPFILE_REC_LEN + caplen);
		return 1;
	}
	/*
	 * Longer than the snapshot length: libpcap hands out the first
	 * snapshot bytes and reads past the rest.  What is buffered is skipped
	 * in place; the rest is read into a scratch block, so the bytes handed
	 * out stay where they are.
	 */
	skip = caplen - keep;
	have -= (ssize_t)(PCAPFILE_REC_LEN + keep);
	take = (size_t)have < skip ? (size_t)have : skip;
	consume(pf, PCAPFILE_REC_LEN + keep + take);
	skip -= (uint32_t)take;
	while (skip > 0) {
		uint8_t scratch[4096];
		ssize_t k;

		k = read_some(pf, scratch, skip < sizeof(scratch) ? skip :
		    sizeof(scratch));
		if (k < 0)
			return -1;
		if (k == 0) {
			snprintf(pf->err, sizeof(pf->err), "truncated dump file; "
			    "tried to read %u captured bytes, only got %u",
			    caplen, caplen - skip);
			return -1;
		}
		pf->off += (uint64_t)k;
		skip -= (uint32_t)k;
	}
	return 1;
}

uint64_t
pcapfile_offset(const struct pcapfile *pf)
{
	return pf->off;
}

void
pcapfile_close(struct pcapfile *pf)
{
	free(pf->buf);
	pf->buf = NULL;
	if (pf->fd >= 0)
		close(pf->fd);
	pf->fd = -1;
}
