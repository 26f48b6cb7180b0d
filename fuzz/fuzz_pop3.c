/*
 * fuzz_pop3.c - libFuzzer target for dissectors/pop3.c; see fuzz_dissector.h
 * for the input layout.
 */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(pop3_dissector)
