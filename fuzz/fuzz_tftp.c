/* fuzz_tftp.c - libFuzzer target for the tftp dissector (packet capture). */
#include "dissector_fuzz.h"

extern const struct dissector tftp_dissector;

FUZZ_DISSECTOR(tftp_dissector)
