/*
 * fuzz_pop3.c - libFuzzer target for dissectors/pop3.c; see dissector_fuzz.h
 * for the input layout.
 */
#include "dissector_fuzz.h"

FUZZ_DISSECTOR(pop3_dissector)
