/*
 * fuzz_telnet.c - libFuzzer target for dissectors/telnet.c; see fuzz_dissector.h
 * for the input layout.
 */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(telnet_dissector)
