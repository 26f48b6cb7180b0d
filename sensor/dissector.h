/*
 * dissector.h - the contract between the pipeline and protocol dissectors.
 *
 * One file per protocol in dissectors/, each ending with one
 *     const struct dissector <name>_dissector = { .name = ..., ... };
 * and registered with one line in dissectors/registry.c.  Everything else in a
 * dissector file is static.
 *
 * Dissectors report typed facts (fact.h: a login was attempted, user X, a
 * secret of this length was present, the server answered 230); they never
 * decide severity, ATT&CK ids or whether something is allowed: that is the
 * detectors' work (detectors/, sensor/detector.h), driven by config and
 * signatures.  Protocol oddities increment a named counter with
 * dctx_weird(), never a log line.  A dissector never includes a detector's
 * header, nor a detector a dissector's.
 *
 * Data delivery:
 *   TCP: parse() receives in-order reassembled stream data for one direction.
 *        It returns how many bytes it consumed; the stream keeps the rest
 *        (up to max_pending bytes, default 8 KiB) and presents it again,
 *        followed by new data, on the next call.  A parser therefore never
 *        buffers partial lines itself.  When a message grows past
 *        max_pending without the parser consuming anything, delivery in
 *        that direction stops for good (counted as
 *        stream_pending_overflow): resuming in the middle of a message
 *        would make the parser read data as protocol.
 *   UDP: parse() receives each datagram's payload; the return is ignored.
 * Per-flow state: state_size bytes, zeroed, allocated by the engine
 * (sensor/dissect.c) when the dissector attaches, charged to the flow
 * memcap, and released by it after free() has run.  free()
 * flushes facts still pending (outcome unknown) and releases memory the state
 * owns; it may be NULL.
 */
#ifndef EDGEWARD_DISSECTOR_H
#define EDGEWARD_DISSECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "fact.h"

#define DISSECTOR_TCP		0x01
#define DISSECTOR_UDP		0x02
/*
 * Link-local control frames (LLDP, CDP ...: decode_link_control() in
 * decode.h), which belong to no flow: probe() then parse() get the whole
 * Ethernet frame (dir 0, state NULL: a frame is parsed alone), facts go to
 * detectors with no flow, and dctx_server_port() is 0.
 */
#define DISSECTOR_L2		0x04

/* Direction of data relative to the flow's client (its initiator). */
#define DIR_TO_SERVER		0
#define DIR_TO_CLIENT		1

struct dctx;

struct dissector {
	const char	*name;		/* short, lower case: "ftp" */
	const char	*description;	/* one line for --list-dissectors */
	unsigned	 transport;	/* DISSECTOR_TCP | DISSECTOR_UDP */
	const uint16_t	*ports;		/* default server ports, 0-terminated */
	/*
	 * Optional.  Looks at the first payload seen in direction `dir` of a
	 * flow whose ports did not match; returns 1 if the protocol's real
	 * structure is there.  Must be cheap and strict.
	 */
	int		(*probe)(const uint8_t *data, size_t len, int dir);
	size_t		(*parse)(struct dctx *ctx, void *state, int dir,
			    const uint8_t *data, size_t len);
	size_t		 state_size;
	void		(*free)(struct dctx *ctx, void *state);
	size_t		 max_pending;	/* 0: default (8 KiB) */
	/*
	 * Optional.  1 when free() would report nothing for this state (no
	 * login awaiting its answer ...).  A TCP flow that closes (FIN both
	 * ways, or RST) with a quiet dissector gives its state back at once;
	 * otherwise the state waits for the flow's end, so what free()
	 * reports keeps its time and place in the output.
	 */
	int		(*quiet)(const void *state);
	/*
	 * Optional signature tables (signatures/, sensor/sigload.h): load()
	 * builds an immutable table from the directory at start and on
	 * SIGHUP (control thread; errbuf "FILE:LINE: why" on failure, the old
	 * table then stays); unload() frees it.  parse() reaches the current
	 * table with dctx_tables().
	 */
	void		*(*load)(const char *sigdir, char *errbuf, size_t errlen);
	void		(*unload)(void *tables);
};

/* The registry: a NULL-terminated list built in dissectors/registry.c. */
extern const struct dissector *const dissector_registry[];

/* ---- what a dissector may ask of its context --------------------------- */

/* Reports a fact to the detectors (fact.h); pointers are borrowed. */
void	 dctx_fact(struct dctx *ctx, const struct fact *f);
/* Shorthand for a FACT_CREDENTIAL fact from this dissector. */
void	 dctx_credential(struct dctx *ctx, const struct cred_fact *f);
/* This dissector's signature tables (load()), or NULL. */
const void *dctx_tables(const struct dctx *ctx);
/* Counts a named protocol oddity; `name` must be a string literal. */
void	 dctx_weird(struct dctx *ctx, const char *name);
/* Stops delivery of further data on this flow to the dissector. */
void	 dctx_done(struct dctx *ctx);
/* Packet time of the data being parsed, microseconds since the epoch. */
uint64_t dctx_time_us(const struct dctx *ctx);
/* Server port of the flow (as the flow table sees it). */
uint16_t dctx_server_port(const struct dctx *ctx);
/*
 * IP protocol of the flow: 6 (TCP: parse() gets stream data) or 17 (UDP:
 * one datagram per call), for dissectors registered for both transports
 * whose framing differs (DNS: RFC 7766 length prefix on TCP only).
 */
uint8_t	 dctx_ip_proto(const struct dctx *ctx);

#endif
