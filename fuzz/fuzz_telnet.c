/*
 * fuzz_telnet.c - libFuzzer target for dissectors/telnet.c; see dissector_fuzz.h
 * for the input layout.
 */
#include "dissector_fuzz.h"

FUZZ_DISSECTOR(telnet_dissector)
