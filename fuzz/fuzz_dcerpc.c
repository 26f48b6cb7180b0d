/* fuzz_dcerpc.c - libFuzzer target for the DCE-RPC dissector. */
#include "dissector_fuzz.h"

extern const struct dissector dcerpc_dissector;

FUZZ_DISSECTOR(dcerpc_dissector)
