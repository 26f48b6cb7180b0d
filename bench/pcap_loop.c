/*
 * pcap_loop.c - the floor for offline throughput: read a capture with libpcap
 * and count packets and bytes, nothing else.
 *
 * bench/run.sh compares edgeward and ndpiReader against this loop on the same
 * file, so the cost of reading the file (page cache, libpcap's record parsing)
 * is known and can be subtracted.  It uses pcap_next_ex() rather than a
 * callback, the same access pattern as a single-reader capture thread.
 *
 * Usage: pcap_loop FILE
 * Prints: packets=N bytes=N caplen_bytes=N seconds=S pps=N
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint64_t packets = 0, bytes = 0, caplen_bytes = 0;
	unsigned sink = 0;
	double start, secs;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "%s: %s\n", argv[1], errbuf);
		return 1;
	}
	start = now_seconds();
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		packets++;
		bytes += hdr->len;
		caplen_bytes += hdr->caplen;
		/* Touch the first byte so the loop reads packet memory at all. */
		if (hdr->caplen > 0)
			sink += data[0];
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "%s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	secs = now_seconds() - start;
	pcap_close(p);
	printf("packets=%llu bytes=%llu caplen_bytes=%llu seconds=%.3f pps=%.0f "
	    "sink=%u\n", (unsigned long long)packets, (unsigned long long)bytes,
	    (unsigned long long)caplen_bytes, secs,
	    secs > 0 ? packets / secs : 0.0, sink & 1);
	return 0;
}
