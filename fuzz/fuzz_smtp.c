/*
 * fuzz_smtp.c - libFuzzer target for dissectors/smtp.c; see fuzz_dissector.h
 * for the input layout.
 */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(smtp_dissector)
