/*
 * fuzz_imap.c - libFuzzer target for dissectors/imap.c; see dissector_fuzz.h
 * for the input layout.
 */
#include "dissector_fuzz.h"

FUZZ_DISSECTOR(imap_dissector)
