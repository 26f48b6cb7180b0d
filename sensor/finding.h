/*
 * finding.h - findings and the one function they leave through.
 *
 * A producer (policy code in a worker, or the publisher for sensor_health)
 * fills a struct finding with the kind, severity, ATT&CK ids and the kind's
 * own fields, then calls finding_emit() (workers) which calls
 * finding_format().  finding_format() alone writes the common header
 * (sensor, kind, severity, confidence, mitre, endpoints, proto, vlan,
 * app_proto, community_id, encapsulation, geo) and alone handles secrets:
 * a secret becomes secret_length + secret_hmac (HMAC-SHA256 under the sensor
 * key) and is written in clear only when reveal_secrets is on.  So no
 * producer can leak a password or forget a header field.
 */
#ifndef EDGEWARD_FINDING_H
#define EDGEWARD_FINDING_H

#include <stddef.h>
#include <stdint.h>

#include "dissector.h"

enum finding_kind {
	FK_CLEARTEXT_CREDENTIAL = 0,
	FK_WEAK_AUTH,
	FK_EDGE_MGMT_SESSION,
	FK_PACKET_CAPTURE,
	FK_TUNNEL,
	FK_REMOTE_ACCESS,
	FK_BEACON,
	FK_SENSOR_HEALTH,
	FK_MAX
};

enum severity {
	SEV_INFO = 0,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL
};

#define FINDING_MAX_ATTRS	32
#define FINDING_MAX_MITRE	4
#define FINDING_JSON_MAX	16384

struct fattr {
	const char		*key;
	enum fact_val_type	 type;	/* FACT_STR, FACT_INT, FACT_BOOL */
	const uint8_t		*str;
	size_t			 len;
	int64_t			 num;
};

struct finding {
	enum finding_kind	 kind;
	enum severity		 severity;
	uint8_t			 confidence;	/* 0..100 */
	const char		*mitre[FINDING_MAX_MITRE];
	unsigned		 nmitre;
	struct fattr		 attrs[FINDING_MAX_ATTRS];
	unsigned		 nattrs;
	/* Secret material: redacted by finding_format unless revealed. */
	const uint8_t		*secret;
	size_t			 secret_len;
	const char		*crack;		/* reveal only */
};

struct flow;
struct sensor;
struct worker;

extern const char *const finding_kind_names[FK_MAX];
extern const char *const severity_names[];

void	finding_init(struct finding *f, enum finding_kind kind,
	    enum severity sev, uint8_t confidence);
void	finding_mitre(struct finding *f, const char *technique);
void	finding_str(struct finding *f, const char *key, const char *s);
void	finding_strn(struct finding *f, const char *key, const uint8_t *s,
	    size_t n);
void	finding_int(struct finding *f, const char *key, int64_t v);
void	finding_bool(struct finding *f, const char *key, int v);
void	finding_secret(struct finding *f, const uint8_t *s, size_t n,
	    const char *crack);

/* What finding_format needs to know about where a finding happened. */
struct finding_where {
	const struct flow	*flow;		/* NULL for sensor findings */
	const char		*app_proto;	/* nDPI name or NULL */
	const struct geo_info	*geo;		/* [2] client, server, or NULL */
};

/*
 * Writes the finding's JSON body: everything after `"finding_id":"…",` up
 * to and including the closing brace, so the publisher can put timestamp
 * and finding_id first.  Returns the length, or -1 if it did not fit
 * (counted by the caller).
 */
long	finding_format(const struct sensor *s, const struct finding_where *w,
	    const struct finding *f, char *buf, size_t cap);

/*
 * A worker's only way out: formats and queues the finding for the
 * publisher, in deterministic order.  Never blocks in live mode (a full
 * ring is a counted drop).
 */
void	finding_emit(struct worker *w, struct flow *fl, const struct finding *f);

/* RFC 3339 UTC with microseconds: 2024-01-02T03:04:05.123456Z */
void	format_time_us(uint64_t ts_us, char out[32]);
/* Address to text. */
void	format_addr(int family, const uint8_t *a, char out[48]);

#endif
