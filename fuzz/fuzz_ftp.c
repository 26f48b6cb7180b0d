/*
 * fuzz_ftp.c - libFuzzer target for dissectors/ftp.c; see fuzz_dissector.h
 * for the input layout.
 */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(ftp_dissector)
