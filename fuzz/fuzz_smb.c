/* fuzz_smb.c - libFuzzer target for the SMB dissector. */
#include "dissector_fuzz.h"

extern const struct dissector smb_dissector;

FUZZ_DISSECTOR(smb_dissector)
