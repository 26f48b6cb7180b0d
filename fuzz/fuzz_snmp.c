/* fuzz_snmp.c - libFuzzer target for the SNMP dissector. */
#include "dissector_fuzz.h"

extern const struct dissector snmp_dissector;

FUZZ_DISSECTOR(snmp_dissector)
