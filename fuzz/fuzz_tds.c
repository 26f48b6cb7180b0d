/* fuzz_tds.c - libFuzzer target for the TDS dissector. */
#include "dissector_fuzz.h"

extern const struct dissector tds_dissector;

FUZZ_DISSECTOR(tds_dissector)
