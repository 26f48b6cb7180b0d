/*
 * fuzz_http.c - libFuzzer target for dissectors/http.c; see fuzz_dissector.h
 * for the input layout.
 */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(http_dissector)
