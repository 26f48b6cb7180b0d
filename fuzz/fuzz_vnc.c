/* fuzz_vnc.c - libFuzzer target for the VNC dissector. */
#include "dissector_fuzz.h"

extern const struct dissector vnc_dissector;

FUZZ_DISSECTOR(vnc_dissector)
