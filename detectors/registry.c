/*
 * registry.c - the detectors the engine runs, in the order it runs them for
 * each event.  Adding a detector is its file, one extern and one line here,
 * one line in Makefile.am, and its tests; no central header changes (the
 * descriptors are declared only here).
 */
#include <stddef.h>

#include "detector.h"

extern const struct detector credential_detector;
extern const struct detector ndpi_cleartext_detector;
extern const struct detector remote_access_ndpi_detector;
extern const struct detector nonstd_port_detector;

const struct detector *const detector_registry[] = {
	&credential_detector,
	&ndpi_cleartext_detector,
	&remote_access_ndpi_detector,
	&nonstd_port_detector,
	NULL
};
