/*
 * pcapfile_diff.h - reads one capture file with sensor/pcapfile.c and with
 * libpcap (microsecond precision, as capture.c opens files) and says where
 * they differ; shared by tests/test_pcapfile.c and fuzz/fuzz_pcapfile.c.
 */
#ifndef EDGEWARD_PCAPFILE_DIFF_H
#define EDGEWARD_PCAPFILE_DIFF_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdio.h>

struct pcapfile_diff {
	int		took;		/* pcapfile_open's answer */
	int		libpcap_refused;	/* libpcap did not open it */
	int		skipped;	/* a link type the sensor refuses */
	int		same_snapshot;
	unsigned	records;	/* read both ways */
	unsigned	mismatch;	/* first record that differed, 1-based */
	int		same_off;	/* every record ends at the same offset */
	int		end;		/* ours: 0 end of file, -1 error */
	int		same_end;
	int		same_err;
	char		err_ours[PCAP_ERRBUF_SIZE], err_pcap[PCAP_ERRBUF_SIZE];
};

/*
 * fd (at offset 0) and fp hold the same bytes; both are closed.  bufsize is
 * pcapfile's read buffer (0: the smallest).  Link types whose largest
 * record libpcap sets above PCAPFILE_MAX_CAPLEN (D-Bus, EBHSCR, USBPcap:
 * the sensor refuses them before reading) are not compared (skipped).
 * Returns 1 when the two agree on everything (or nothing was compared).
 */
int	pcapfile_diff(int fd, FILE *fp, size_t bufsize,
	    struct pcapfile_diff *o);

#endif
