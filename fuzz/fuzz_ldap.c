/* fuzz_ldap.c - libFuzzer target for the LDAP dissector. */
#include "fuzz_dissector.h"

extern const struct dissector ldap_dissector;

FUZZ_DISSECTOR(ldap_dissector)
