/*
 * fuzz_imap.c - libFuzzer target for dissectors/imap.c; see fuzz_dissector.h
 * for the input layout.
 */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(imap_dissector)
