/* fuzz_ssh_banner.c - libFuzzer target for the ssh_banner dissector (edge devices). */
#include "dissector_fuzz.h"

extern const struct dissector ssh_banner_dissector;

FUZZ_DISSECTOR(ssh_banner_dissector)
