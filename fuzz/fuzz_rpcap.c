/* fuzz_rpcap.c - libFuzzer target for the rpcap dissector (packet capture). */
#include "dissector_fuzz.h"

extern const struct dissector rpcap_dissector;

FUZZ_DISSECTOR(rpcap_dissector)
