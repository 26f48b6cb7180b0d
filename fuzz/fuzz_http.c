/*
 * fuzz_http.c - libFuzzer target for dissectors/http.c; see dissector_fuzz.h
 * for the input layout.
 */
#include "dissector_fuzz.h"

FUZZ_DISSECTOR(http_dissector)
