/* fuzz_cdp.c - libFuzzer target for the cdp dissector (edge devices). */
#include "dissector_fuzz.h"

extern const struct dissector cdp_dissector;

FUZZ_DISSECTOR(cdp_dissector)
