/* fuzz_snmp.c - libFuzzer target for the SNMP dissector. */
#include "fuzz_dissector.h"

extern const struct dissector snmp_dissector;

FUZZ_DISSECTOR(snmp_dissector)
