/* fuzz_tacacs.c - libFuzzer target for the TACACS+ dissector. */
#include "dissector_fuzz.h"

extern const struct dissector tacacs_dissector;

FUZZ_DISSECTOR(tacacs_dissector)
