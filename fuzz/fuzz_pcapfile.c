/*
 * fuzz_pcapfile.c - libFuzzer target for the classic pcap reader
 * (sensor/pcapfile.c), differential against libpcap.
 *
 * Input: a capture file.  When pcapfile_open() takes it, libpcap reads the
 * same bytes (fmemopen, microsecond precision, as capture.c opens files)
 * and every record must match: time stamp, lengths, bytes, the offset
 * where it ends, then the same ending (end of file or error) with the same
 * error text.  Any difference aborts.  Link types whose largest record
 * libpcap sets above 262,144 bytes (D-Bus, EBHSCR, USBPcap: the sensor
 * refuses them before reading) are skipped.
 *
 * Build: ./configure --enable-fuzzing CC=clang && make fuzz/fuzz_pcapfile
 * Run:   ./fuzz/fuzz_pcapfile -max_total_time=300 [corpus-dir]
 */
#define _GNU_SOURCE		/* memfd_create */
#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pcapfile.h"
#include "pcapfile_diff.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcapfile_diff o;
	FILE *fp;
	int fd;

	if (size < PCAPFILE_HDR_LEN)
		return 0;
	if ((fd = memfd_create("fuzz_pcapfile", MFD_CLOEXEC)) < 0 ||
	    write(fd, data, size) != (ssize_t)size ||
	    (fp = fmemopen((void *)(uintptr_t)data, size, "rb")) == NULL)
		abort();
	if (!pcapfile_diff(fd, fp, 0, &o)) {
		fprintf(stderr, "fuzz_pcapfile: differs from libpcap: "
		    "libpcap refused %d, snapshot %d, record %u of %u, "
		    "offsets %d, ending %d (%d), error '%s' / '%s'\n",
		    o.libpcap_refused, o.same_snapshot, o.mismatch, o.records,
		    o.same_off, o.same_end, o.end, o.err_ours, o.err_pcap);
		abort();
	}
	return 0;
}
