/* fuzz_kerberos.c - libFuzzer target for the Kerberos dissector. */
#include "dissector_fuzz.h"

extern const struct dissector kerberos_dissector;

FUZZ_DISSECTOR(kerberos_dissector)
