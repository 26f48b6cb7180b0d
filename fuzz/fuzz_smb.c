/* fuzz_smb.c - libFuzzer target for the SMB dissector. */
#include "fuzz_dissector.h"

extern const struct dissector smb_dissector;

FUZZ_DISSECTOR(smb_dissector)
