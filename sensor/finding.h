/*
 * finding.h - findings: building one, and its JSON.
 *
 * A producer (a detector in a worker, the publisher's correlators, the
 * publisher for sensor_health) fills a struct finding with the kind,
 * severity, ATT&CK ids and the kind's own fields.  Workers then call
 * finding_emit() (emit.h), the one way out, which calls finding_format();
 * the publisher calls finding_format() itself.  finding_format() alone
 * writes the common header
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

#include "fact.h"

enum finding_kind {
	FK_CLEARTEXT_CREDENTIAL = 0,
	FK_WEAK_AUTH,
	FK_EDGE_MGMT_SESSION,
	FK_PACKET_CAPTURE,
	FK_TUNNEL,
	FK_REMOTE_ACCESS,
	FK_BEACON,
	FK_SENSOR_HEALTH,
	FK_CREDENTIAL_REUSE,	/* made by the publisher's correlator */
	FK_CREDENTIAL_ATTACK,	/* made by the publisher's correlator */
	FK_EDGE_DEVICE,		/* an appliance found from its own traffic */
	FK_HANDOFF,		/* made by the publisher's correlators */
	FK_MAX
};

enum severity {
	SEV_INFO = 0,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL
};

#define FINDING_MAX_ATTRS	64	/* sensor_health has about 45 */
#define FINDING_MAX_MITRE	4
#define FINDING_JSON_MAX	16384

struct fattr {
	const char		*key;
	enum fact_val_type	 type;	/* FACT_STR, FACT_INT, FACT_BOOL */
	const uint8_t		*str;
	size_t			 len;
	int64_t			 num;
};

struct jbuf;

/*
 * Who logged in where, for the publisher's correlators (correlator.h): set by
 * the credential detector with finding_cred(); finding_emit turns it into
 * the record's out_cred header.  Borrowed pointers, valid for the emit call.
 */
struct finding_cred {
	int			 set;
	const char		*protocol;
	const char		*mechanism;
	const uint8_t		*user;
	size_t			 user_len;
	enum cred_outcome	 outcome;
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
	/*
	 * A secret already reduced to its HMAC (secret == NULL): written as
	 * secret_length (secret_len) + secret_hmac.  Used by the publisher,
	 * which never holds secrets.
	 */
	const uint8_t		*secret_hmac;	/* SHA256_LEN bytes */
	struct finding_cred	 cred;
	/*
	 * Optional, 0: none.  Findings a publisher correlator folds across
	 * workers (one edge_device per address whichever worker saw it)
	 * carry the key they fold by; finding_emit copies it to the record.
	 */
	/*
	 * OUT_F_* flags for the publisher's correlators (output.h), e.g.
	 * OUT_F_ALLOWED: policy sanctions what this finding shows, so the
	 * hand-off chain does not count it as a step.
	 */
	uint8_t			 out_flags;
	uint64_t		 fold_key;
	/*
	 * With fold_key: a tally (fold_sum, e.g. packets, bytes, flows) that
	 * the correlator adds up over the workers and reports once, at the
	 * end, with the key's first finding; a tally is never published.
	 */
	uint8_t			 fold_tally;
	uint64_t		 fold_sum[3];
	/* Optional: writes nested fields at the end of the kind's object. */
	void			(*extra)(struct jbuf *j, const void *arg);
	const void		*extra_arg;
};

struct flow;
struct sensor;

extern const char *const finding_kind_names[FK_MAX];
/* Whether only the publisher's correlators make findings of this kind. */
int	finding_kind_from_correlator(enum finding_kind k);
extern const char *const severity_names[];

void	finding_init(struct finding *f, enum finding_kind kind,
	    enum severity sev, uint8_t confidence);
/*
 * `technique` must be a string literal: it is kept by pointer, also by the
 * publisher's correlator after the finding has been emitted.
 */
void	finding_mitre(struct finding *f, const char *technique);
void	finding_str(struct finding *f, const char *key, const char *s);
void	finding_strn(struct finding *f, const char *key, const uint8_t *s,
	    size_t n);
void	finding_int(struct finding *f, const char *key, int64_t v);
void	finding_bool(struct finding *f, const char *key, int v);
void	finding_secret(struct finding *f, const uint8_t *s, size_t n,
	    const char *crack);
/* A secret known only by its HMAC (see struct finding). */
void	finding_secret_hmac(struct finding *f, const uint8_t *mac, size_t n);
/* Login identity for correlation (see struct finding_cred). */
void	finding_cred(struct finding *f, const char *protocol,
	    const char *mechanism, const uint8_t *user, size_t user_len,
	    enum cred_outcome outcome);
/* HMAC-SHA256 of f->secret under the sensor key; 0, or -1 if none. */
int	finding_secret_mac(const struct sensor *s, const struct finding *f,
	    uint8_t mac[32]);

/*
 * Endpoints of a finding that has no flow (the correlator's findings):
 * written as src_ip, src_port, dest_ip, dest_port, proto and, when both
 * ports are known, community_id.  A zero port is left out.
 */
struct finding_endpoints {
	uint8_t			 family;	/* 4 or 6 */
	uint8_t			 proto;		/* IP protocol */
	uint16_t		 sport, dport;
	uint8_t			 client[16], server[16];
};

/* What finding_format needs to know about where a finding happened. */
struct finding_where {
	const struct flow	*flow;		/* NULL for sensor findings */
	const char		*app_proto;	/* nDPI name or NULL (also with
						   ep: a correlator's finding
						   about one flow's protocol) */
	const char		*app_category;	/* nDPI category or NULL */
	const struct geo_info	*geo;		/* [2] client, server, or NULL */
	/* Used only when flow is NULL; NULL for sensor findings. */
	const struct finding_endpoints *ep;
};

/*
 * Writes the finding's JSON body: everything after `"finding_id":"…",` up
 * to and including the closing brace, so the publisher can put timestamp
 * and finding_id first.  Returns the length, or -1 if it did not fit
 * (counted by the caller).
 */
long	finding_format(const struct sensor *s, const struct finding_where *w,
	    const struct finding *f, char *buf, size_t cap);

/* RFC 3339 UTC with microseconds: 2024-01-02T03:04:05.123456Z */
void	format_time_us(uint64_t ts_us, char out[32]);
/* "key":"<format_time_us>" in a finding's extra() writer. */
void	jb_ktime(struct jbuf *j, const char *key, uint64_t ts_us);
/* Address to text. */
void	format_addr(int family, const uint8_t *a, char out[48]);

#endif
