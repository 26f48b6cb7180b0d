/* fuzz_radius.c - libFuzzer target for the RADIUS dissector. */
#include "dissector_fuzz.h"

extern const struct dissector radius_dissector;

FUZZ_DISSECTOR(radius_dissector)
