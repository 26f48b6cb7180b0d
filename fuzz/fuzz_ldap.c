/* fuzz_ldap.c - libFuzzer target for the LDAP dissector. */
#include "dissector_fuzz.h"

extern const struct dissector ldap_dissector;

FUZZ_DISSECTOR(ldap_dissector)
