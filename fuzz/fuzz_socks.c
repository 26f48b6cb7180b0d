/* fuzz_socks.c - libFuzzer target for the SOCKS dissector. */
#include "dissector_fuzz.h"

extern const struct dissector socks_dissector;

FUZZ_DISSECTOR(socks_dissector)
