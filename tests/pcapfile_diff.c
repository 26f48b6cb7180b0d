/*
 * pcapfile_diff.c - sensor/pcapfile.c against libpcap; see pcapfile_diff.h.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "pcapfile.h"
#include "pcapfile_diff.h"

/* libpcap's max_snaplen_for_dlt() exceptions. */
static int
big_link(int dlt)
{
	return dlt == 231 || dlt == 279 || dlt == 249;
}

int
pcapfile_diff(int fd, FILE *fp, size_t bufsize, struct pcapfile_diff *o)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *ph, oh;
	const u_char *pd;
	const uint8_t *od;
	struct pcapfile pf;
	pcap_t *h;
	int rp, ro;

	memset(o, 0, sizeof(*o));
	if ((o->took = pcapfile_open(&pf, fd, bufsize)) != 1) {
		close(fd);
		fclose(fp);
		return 1;
	}
	h = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (h == NULL) {
		fclose(fp);
		pcapfile_close(&pf);
		o->libpcap_refused = 1;
		return 0;
	}
	if (big_link(pcap_datalink(h))) {
		o->skipped = 1;
		pcap_close(h);
		pcapfile_close(&pf);
		return 1;
	}
	o->same_snapshot = (uint32_t)pcap_snapshot(h) == pf.snapshot;
	o->same_off = 1;
	for (;;) {
		rp = pcap_next_ex(h, &ph, &pd);
		ro = pcapfile_next(&pf, &oh, &od);
		if (rp != 1 || ro != 1)
			break;
		o->records++;
		if (o->mismatch == 0 &&
		    (ph->ts.tv_sec != oh.ts.tv_sec ||
		    ph->ts.tv_usec != oh.ts.tv_usec ||
		    ph->caplen != oh.caplen || ph->len != oh.len ||
		    memcmp(pd, od, oh.caplen) != 0))
			o->mismatch = o->records;
		if ((uint64_t)ftell(fp) != pcapfile_offset(&pf))
			o->same_off = 0;
	}
	/* libpcap: -2 end of file, -1 error; ours 0 and -1. */
	o->end = ro;
	o->same_end = (rp == -2 && ro == 0) || (rp == -1 && ro == -1);
	if (rp == -1)
		snprintf(o->err_pcap, sizeof(o->err_pcap), "%s",
		    pcap_geterr(h));
	if (ro == -1)
		snprintf(o->err_ours, sizeof(o->err_ours), "%s", pf.err);
	o->same_err = strcmp(o->err_pcap, o->err_ours) == 0;
	pcap_close(h);
	pcapfile_close(&pf);
	return o->same_snapshot && o->mismatch == 0 && o->same_off &&
	    o->same_end && o->same_err;
}
