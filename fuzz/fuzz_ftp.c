/*
 * fuzz_ftp.c - libFuzzer target for dissectors/ftp.c; see dissector_fuzz.h
 * for the input layout.
 */
#include "dissector_fuzz.h"

FUZZ_DISSECTOR(ftp_dissector)
