/*
 * clock.h - the two clocks the sensor reads: monotonic milliseconds for
 * timeouts and pacing, wall-clock microseconds for live-mode timestamps.
 * (Offline, all times come from the packets, never from these.)
 */
#ifndef EDGEWARD_CLOCK_H
#define EDGEWARD_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline uint64_t
wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

#endif
