/*
 * fuzz_smtp.c - libFuzzer target for dissectors/smtp.c; see dissector_fuzz.h
 * for the input layout.
 */
#include "dissector_fuzz.h"

FUZZ_DISSECTOR(smtp_dissector)
