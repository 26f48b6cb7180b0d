/*
 * pcapfile.h - classic pcap files read in place, without stdio.
 *
 * libpcap reads a savefile through stdio: an fread(3) for every record
 * header and another for its bytes, copied into libpcap's buffer, and the
 * reader asked ftell(3) after each record for where the last whole record
 * ends.  On the benchmark mix that was 42 % of the offline reader thread's
 * time.  This reader takes regular files in the classic format libpcap
 * writes today (version 2.4, microsecond or nanosecond magic, either byte
 * order), reads them with read(2) into one large buffer and hands out
 * records in place; everything else (pcapng, FIFOs, standard input, the
 * older and patched variants) stays with libpcap.
 *
 * It gives what libpcap 1.10's pcap_next_ex() gives for the same bytes
 * (tests/test_pcapfile.c compares the two): the same headers, the same
 * bytes, a record longer than the file's snapshot length cut to it, and the
 * same errors for a truncated or impossible record, with libpcap's words.
 * The capture's link type and filter stay libpcap's: the caller opens the
 * file with libpcap too (which reads only its header), and checks that
 * libpcap's pcap_snapshot() is the snapshot length this reader uses.
 *
 * Every length is checked against what was read: a record is handed out
 * only whole, and a length above PCAPFILE_MAX_CAPLEN is an error, as in
 * libpcap, so the buffer never grows.
 */
#ifndef EDGEWARD_PCAPFILE_H
#define EDGEWARD_PCAPFILE_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>

/* libpcap's MAXIMUM_SNAPLEN: the largest record of the link types we
 * decode (max_snaplen_for_dlt). */
#define PCAPFILE_MAX_CAPLEN	262144u
#define PCAPFILE_HDR_LEN	24u	/* file header */
#define PCAPFILE_REC_LEN	16u	/* record header */

struct pcapfile {
	int		 fd;
	int		 swapped;	/* written in the other byte order */
	int		 nsec;		/* nanosecond time stamps */
	uint32_t	 snapshot;	/* libpcap's, for this file */
	uint8_t		*buf;
	size_t		 cap;
	size_t		 head, tail;	/* unread bytes: buf[head..tail) */
	uint64_t	 off;		/* file offset of buf[head] */
	int		 eof;
	uint64_t	 reads;		/* read(2) calls */
	char		 err[PCAP_ERRBUF_SIZE];
};

/*
 * Is the file behind fd (read from offset 0) one this reader takes?  The
 * first 24 bytes decide: 1 yes (pf ready: call pcapfile_next), 0 no (read
 * it with libpcap), -1 an I/O error (errno).  On 1, fd is pf's (closed by
 * pcapfile_close); otherwise still the caller's.  bufsize is the read
 * buffer (at least one whole record, PCAPFILE_MAX_CAPLEN +
 * PCAPFILE_REC_LEN, is used), allocated at the first read.
 */
int	pcapfile_open(struct pcapfile *pf, int fd, size_t bufsize);

/*
 * The next record: 1 (hdr and *data set; *data is valid until the next
 * call), 0 at the end of the file, -1 a truncated or corrupt record or a
 * read error (pf->err says which, in libpcap's words).
 */
int	pcapfile_next(struct pcapfile *pf, struct pcap_pkthdr *hdr,
	    const uint8_t **data);

/* Where the last record handed out ends (the file header's end before the
 * first). */
uint64_t pcapfile_offset(const struct pcapfile *pf);

/* Frees the buffer and closes fd. */
void	pcapfile_close(struct pcapfile *pf);

#endif
