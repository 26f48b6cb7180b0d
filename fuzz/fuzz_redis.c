/* fuzz_redis.c - libFuzzer target for the Redis dissector. */
#include "fuzz_dissector.h"

extern const struct dissector redis_dissector;

FUZZ_DISSECTOR(redis_dissector)
