/* fuzz_lldp.c - libFuzzer target for the lldp dissector (edge devices). */
#include "dissector_fuzz.h"

extern const struct dissector lldp_dissector;

FUZZ_DISSECTOR(lldp_dissector)
