/*
 * worker_harness.h - drives one real worker from a unit test: raw IPv4
 * packets (LINK_RAW) built with valid checksums, pushed through the
 * worker's input ring as the reader puts them there, with a test clock;
 * then the worker thread runs to the end of input.  The test brings its
 * own detector_registry (and dissector table in the sensor) to choose what
 * runs.
 */
#ifndef EDGEWARD_WORKER_HARNESS_H
#define EDGEWARD_WORKER_HARNESS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "sensor.h"
#include "worker.h"

struct harness {
	struct worker		w;
	_Atomic uint64_t	dispatched;
	uint64_t		seq;		/* last packet number */
	uint64_t		now_us;		/* test clock */
};

/*
 * A raw IPv4 packet with valid checksums into b (room for 60 + pllen
 * bytes); returns its length.  proto 6: TCP with flags/seq/ack; 17: UDP;
 * 1: ICMP echo (the type in sport).
 */
size_t	harness_ip4(uint8_t *b, uint8_t proto, uint32_t src, uint32_t dst,
	    uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
	    uint32_t ack, const void *pl, size_t pllen);
/* worker_init on s with a 1 MiB input ring; the clock starts at t0_us. */
int	harness_init(struct harness *h, const struct sensor *s, uint64_t t0_us);
/*
 * Queues an item of type IN_PKT (frame, len), IN_TICK or IN_END, the clock
 * first moved on by step_us.
 */
void	harness_push(struct harness *h, uint32_t type, const uint8_t *frame,
	    size_t len, uint64_t step_us);
/*
 * A stand-in DNS dissector (UDP 53) for detectors that take FACT_DNS: a
 * datagram "Q name" is a query for name, "R name" an answer.  (The DNS
 * dissector proper is another issue's.)
 */
struct dissector;
extern const struct dissector harness_dns_dissector;
/* Runs the worker thread until it has taken the IN_END. */
int	harness_run(struct harness *h);

#endif
