/*
 * registry.c - the one list of dissectors.  Adding a protocol is one extern
 * line and one entry here; no central header changes.
 */
#include <stddef.h>

#include "dissector.h"

const struct dissector *const dissector_registry[] = {
	NULL
};
