/*
 * fake_dctx.h - a recording dissector context for dissector unit tests.
 *
 * Tests create one with fake_dctx_reset(), feed a dissector's parse() with
 * byte arrays (fake_feed() runs the pipeline's own pending-buffer code,
 * sensor/pending.c, so the consumed/pending contract is the production
 * one), then inspect the recorded facts.  Reported strings
 * are deep-copied, so tests may check them after the input is gone.
 */
#ifndef EDGEWARD_FAKE_DCTX_H
#define EDGEWARD_FAKE_DCTX_H

#include <stddef.h>
#include <stdint.h>

#include "dissector.h"
#include "pending.h"

#define FAKE_MAX_FACTS	16
#define FAKE_STR	512

struct fake_fact {
	char		proto[32];
	char		mechanism[64];
	enum cred_class	cls;
	enum cred_outcome outcome;
	char		user[FAKE_STR];
	size_t		user_len;
	char		domain[FAKE_STR];
	uint8_t		secret[FAKE_STR];
	size_t		secret_len;
	char		crack[2048];
	unsigned	nextras;
	char		extra_keys[FACT_MAX_EXTRAS][32];
	char		extra_str[FACT_MAX_EXTRAS][FAKE_STR];
	int64_t		extra_num[FACT_MAX_EXTRAS];
};

/* A device fact (FACT_DEVICE), deep-copied. */
#define FAKE_MAX_DEVICES	4
struct fake_device {
	char		proto[16];
	int		from_server;
	int		has_mac;
	uint8_t		mac[6];
	uint8_t		family;
	uint8_t		addr[16];
	unsigned	nattrs;
	char		name[DEVICE_MAX_ATTRS][32];
	char		value[DEVICE_MAX_ATTRS][FAKE_STR];
};

/* A command fact (FACT_COMMAND), deep-copied. */
#define FAKE_MAX_COMMANDS	16
struct fake_command {
	char		proto[16];
	char		line[FAKE_STR];
	size_t		len;
};

/* A file fact (FACT_FILE), deep-copied; a mirror fact's side. */
#define FAKE_MAX_FILES	4
struct fake_file {
	char		proto[16];
	int		upload;
	char		name[FAKE_STR];
	uint8_t		head[64];
	size_t		head_len;
	int64_t		size;
};

struct dctx {
	struct fake_fact facts[FAKE_MAX_FACTS];
	unsigned	nfacts;
	const char	*weirds[64];
	unsigned	nweirds;
	uint8_t		done;
	uint64_t	time_us;
	uint16_t	server_port;
	/* The pending buffers, exactly as the pipeline keeps them. */
	struct pending	pend;
	const struct dissector *dis;
	void		*state;
	/* What dctx_tables() returns: by default the dissector's load() of
	 * $top_srcdir/signatures at the first fake_feed(). */
	const void	*tables;
	unsigned	nother;		/* facts other than credentials */
	struct fake_device devices[FAKE_MAX_DEVICES];
	unsigned	ndevices;
	struct fake_command commands[FAKE_MAX_COMMANDS];
	unsigned	ncommands;
	struct fake_file files[FAKE_MAX_FILES];
	unsigned	nfiles;
	unsigned	nmirrors;
	int		mirror_exporter_is_client;
	/*
	 * What dctx_ip_proto() says, and how fake_feed() delivers: 17 feeds
	 * each call as one datagram; 0 (the default) means 6 for a dissector
	 * with DISSECTOR_TCP, else 17.  Set after fake_dctx_reset().
	 */
	uint8_t		ip_proto;
	/* DNS facts, deep-copied (qname NUL-terminated). */
	struct fake_dns {
		struct dns_fact	f;
		char		qname[1024];
	}		dns[FAKE_MAX_FACTS];
	unsigned	ndns;
	/* Proxy facts, strings copied and NUL-terminated. */
	struct fake_proxy {
		char		method[16], command[16];
		char		host[256], path[256], subprotocol[256];
		uint16_t	port;
		enum cred_outcome outcome;
	}		proxy[FAKE_MAX_FACTS];
	unsigned	nproxy;
};

/* Resets ctx (freeing its pending buffers) for a new flow. */
void	fake_dctx_reset(struct dctx *ctx, uint16_t server_port);
/*
 * Feeds `len` bytes in direction `dir` through d->parse with the same
 * consumed/pending semantics as the pipeline (for UDP dissectors, each
 * call is one datagram).  Returns the number of bytes left pending; a
 * direction whose pending buffer overflowed stops for good and counts the
 * weird "stream_pending_overflow", as in the pipeline.
 */
size_t	fake_feed(struct dctx *ctx, const struct dissector *d, void *state,
	    int dir, const void *data, size_t len);
/* Feeds a NUL-terminated string. */
size_t	fake_feeds(struct dctx *ctx, const struct dissector *d, void *state,
	    int dir, const char *s);
/* Runs d->free (flow end). */
void	fake_end(struct dctx *ctx, const struct dissector *d, void *state);
/* The value of a recorded device attribute by name, or NULL. */
const char *fake_device_attr(const struct fake_device *d, const char *name);
/* Count of weirds with this name. */
unsigned fake_weird_count(const struct dctx *ctx, const char *name);
/* A recorded extra by key, or NULL/0. */
const char *fake_extra_str(const struct fake_fact *f, const char *key);
int64_t	fake_extra_num(const struct fake_fact *f, const char *key);

#endif
