/* fuzz_mongodb.c - libFuzzer target for the MongoDB dissector. */
#include "dissector_fuzz.h"

extern const struct dissector mongodb_dissector;

FUZZ_DISSECTOR(mongodb_dissector)
