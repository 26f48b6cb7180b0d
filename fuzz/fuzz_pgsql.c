/* fuzz_pgsql.c - libFuzzer target for the PostgreSQL dissector. */
#include "dissector_fuzz.h"

extern const struct dissector pgsql_dissector;

FUZZ_DISSECTOR(pgsql_dissector)
