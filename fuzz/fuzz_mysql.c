/* fuzz_mysql.c - libFuzzer target for the MySQL dissector. */
#include "dissector_fuzz.h"

extern const struct dissector mysql_dissector;

FUZZ_DISSECTOR(mysql_dissector)
