/* fuzz_redis.c - libFuzzer target for the Redis dissector. */
#include "dissector_fuzz.h"

extern const struct dissector redis_dissector;

FUZZ_DISSECTOR(redis_dissector)
