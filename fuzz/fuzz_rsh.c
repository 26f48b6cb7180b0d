/*
 * fuzz_rsh.c - libFuzzer target for dissectors/rsh.c; see dissector_fuzz.h
 * for the input layout.
 */
#include "dissector_fuzz.h"

FUZZ_DISSECTOR(rsh_dissector)
