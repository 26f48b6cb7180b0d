/*
 * dissector.h - the contract between the pipeline and protocol dissectors.
 *
 * One file per protocol in dissectors/, each ending with one
 *     const struct dissector <name>_dissector = { .name = ..., ... };
 * and registered with one line in dissectors/registry.c.  Everything else in a
 * dissector file is static.
 *
 * Dissectors report facts (a login was attempted, user X, a secret of this
 * length was present, the server answered 230); they never decide severity,
 * ATT&CK ids or whether something is allowed: that is policy (sensor/policy.c)
 * driven by config and signatures.  Protocol oddities increment a named
 * counter with dctx_weird(), never a log line.
 *
 * Data delivery:
 *   TCP: parse() receives in-order reassembled stream data for one direction.
 *        It returns how many bytes it consumed; the stream keeps the rest
 *        (up to max_pending bytes, default 8 KiB) and presents it again,
 *        followed by new data, on the next call.  A parser therefore never
 *        buffers partial lines itself.  Returning 0 with a full pending
 *        buffer makes the stream drop the buffer and count a weird.
 *   UDP: parse() receives each datagram's payload; the return is ignored.
 * Per-flow state: state_size bytes, zeroed, allocated by the flow table when
 * the dissector attaches and released by it after free() has run.  free()
 * flushes facts still pending (outcome unknown) and releases memory the state
 * owns; it may be NULL.
 */
#ifndef EDGEWARD_DISSECTOR_H
#define EDGEWARD_DISSECTOR_H

#include <stddef.h>
#include <stdint.h>

#define DISSECTOR_TCP		0x01
#define DISSECTOR_UDP		0x02

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
};

/* The registry: a NULL-terminated list built in dissectors/registry.c. */
extern const struct dissector *const dissector_registry[];

/* ---- facts a dissector reports ---------------------------------------- */

enum cred_class {
	CRED_CLEARTEXT = 0,	/* the secret is recoverable from the wire */
	CRED_WEAK,		/* hash / challenge material or reversible */
	CRED_NONE		/* no secret at all (anonymous, None auth) */
};

enum cred_outcome {
	CRED_OUTCOME_UNKNOWN = 0,
	CRED_OUTCOME_SUCCESS,
	CRED_OUTCOME_FAILURE
};

#define FACT_MAX_EXTRAS	8

enum fact_val_type {
	FACT_STR = 1,		/* bytes + len, escaped on output */
	FACT_INT,
	FACT_BOOL
};

/* An extra key/value a dissector attaches to a fact (e.g. "write": true). */
struct fact_extra {
	const char		*key;	/* string literal */
	enum fact_val_type	 type;
	const uint8_t		*str;
	size_t			 len;
	int64_t			 num;
};

/*
 * A credential fact.  All pointers are borrowed for the duration of the
 * dctx_credential() call only; the pipeline copies what it keeps.
 */
struct cred_fact {
	const char		*proto;		/* "ftp", "imap", "snmp" ... */
	const char		*mechanism;	/* "USER/PASS", "AUTH PLAIN" ... */
	enum cred_class		 cls;
	enum cred_outcome	 outcome;
	const uint8_t		*user;		/* as seen on the wire, may be NULL */
	size_t			 user_len;
	const uint8_t		*domain;	/* realm / domain, may be NULL */
	size_t			 domain_len;
	const uint8_t		*secret;	/* never leaves the process unless */
	size_t			 secret_len;	/* reveal_secrets is on */
	/*
	 * For CRED_WEAK: the material in the format password-audit tools take
	 * (hashcat/john line), NUL-terminated; only output with reveal on.
	 */
	const char		*crack;
	struct fact_extra	 extras[FACT_MAX_EXTRAS];
	unsigned		 nextras;
};

void	 cred_fact_init(struct cred_fact *f, const char *proto,
	    const char *mechanism, enum cred_class cls);
void	 fact_extra_str(struct cred_fact *f, const char *key,
	    const uint8_t *s, size_t len);
void	 fact_extra_int(struct cred_fact *f, const char *key, int64_t v);
void	 fact_extra_bool(struct cred_fact *f, const char *key, int v);

/* ---- what a dissector may ask of its context --------------------------- */

/* Reports a credential fact; the pipeline's policy turns it into a finding. */
void	 dctx_credential(struct dctx *ctx, const struct cred_fact *f);
/* Counts a named protocol oddity; `name` must be a string literal. */
void	 dctx_weird(struct dctx *ctx, const char *name);
/* Stops delivery of further data on this flow to the dissector. */
void	 dctx_done(struct dctx *ctx);
/* Packet time of the data being parsed, microseconds since the epoch. */
uint64_t dctx_time_us(const struct dctx *ctx);
/* Server port of the flow (as the flow table sees it). */
uint16_t dctx_server_port(const struct dctx *ctx);

#endif
