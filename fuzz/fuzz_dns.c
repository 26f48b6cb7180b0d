/*
 * fuzz_dns.c - libFuzzer target for the DNS dissector, UDP datagrams and
 * TCP streams (byte 0's top bit, see dissector_fuzz.h).
 */
#include "dissector_fuzz.h"

extern const struct dissector dns_dissector;

FUZZ_DISSECTOR(dns_dissector)
