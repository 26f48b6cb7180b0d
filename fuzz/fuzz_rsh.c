/*
 * fuzz_rsh.c - libFuzzer target for dissectors/rsh.c; see fuzz_dissector.h
 * for the input layout.
 */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(rsh_dissector)
