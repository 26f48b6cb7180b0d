/* fuzz_sip.c - libFuzzer target for the SIP dissector. */
#include "dissector_fuzz.h"

extern const struct dissector sip_dissector;

FUZZ_DISSECTOR(sip_dissector)
