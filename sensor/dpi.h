/*
 * dpi.h - the nDPI glue of a worker: one detection module per worker, the
 * per-flow nDPI state until the classification is final, and the
 * application fact (fact.h) the detectors receive then.
 *
 * Guesses: when nDPI gives up it may guess a protocol from the port or
 * the server address.  The fact says so (app_fact.basis, .guessed); the
 * flow's app_proto in findings still names the guess, but no detector may
 * report a guessed classification as such.
 *
 * Memory: nDPI allocates through hooks with no context argument, so the
 * hooks count bytes in a thread-local counter (the one mutable file-scope
 * variable besides the stop flag: nDPI's allocator interface leaves no
 * other way).  Every call into nDPI for a flow charges the flow memcap
 * with what that call allocated and released, so the summary's memory
 * figures include nDPI's per-flow buffers.
 *
 * What nDPI is handed: the innermost IP datagram, except an IPv6 one with
 * extension headers, which nDPI gets rebuilt as the fixed header followed
 * by the transport header (dpi_packet).  nDPI 4.2 walks only some of the
 * headers the decoder walks (not AH, HIP, shim6): it would take such a
 * packet of a TCP flow for another transport, and at the end free only
 * what that other transport keeps, leaking the TLS reassembly buffer
 * (2 KiB a flow, outside every memcap; issue 13).
 */
/*
 * Scratch nDPI states a worker keeps for flows whose payload-less packets
 * are only logged (dpi.c): handshakes of this many flows can interleave
 * without a replay.
 */
#define DPI_SCRATCH	8
#define DPI_PKT_MAX	(40 + 65535)
#ifndef EDGEWARD_DPI_H
#define EDGEWARD_DPI_H

#include <stddef.h>
#include <stdint.h>

struct worker;
struct flow;
struct pkt;

struct dpi_stats {
	uint64_t	flows;		/* flows given to nDPI */
	uint64_t	giveups;	/* classification by give-up */
	uint64_t	guessed;	/* give-ups that guessed */
	uint64_t	module_memory;	/* the detection module, at start */
	uint64_t	memory;		/* bytes nDPI holds for flows and its
					 * caches now (the module aside) */
	uint64_t	charged;	/* of which charged to live flows */
	uint64_t	peak_memory;
	uint64_t	over_memcap;	/* charges forced past the memcap */
};

/*
 * Installs the counting allocator hooks; call once before any nDPI module
 * is created (idempotent).
 */
void	 dpi_global_init(void);
/* Creates w->ndpi; -1 with errbuf set on failure. */
int	 dpi_init(struct worker *w, char *errbuf, size_t errlen);
void	 dpi_fini(struct worker *w);
/* Gives one packet of flow f to nDPI until its classification is final. */
void	 dpi_packet(struct worker *w, struct flow *f, const struct pkt *p);
/* Flow end: nDPI's last word if it was still looking, and its memory. */
void	 dpi_flow_end(struct worker *w, struct flow *f);
/*
 * A detection module for protocol-name lookups at set-up (signature
 * loading, control thread): open once, look up, close.  NULL: out of
 * memory.  *bytes (may be NULL): what the module took.
 */
struct ndpi_detection_module_struct *dpi_names_open(uint64_t *bytes);
/* nDPI's id for name (case ignored), or -1. */
int	 dpi_names_id(struct ndpi_detection_module_struct *m, const char *name);
void	 dpi_names_close(struct ndpi_detection_module_struct *m);

/*
 * The flow's application protocol as nDPI names it ("TLS.AnyDesk"), in
 * buf, or NULL when unknown.
 */
const char *dpi_app_name(struct worker *w, const struct flow *f, char *buf,
	    size_t len);
/* nDPI's category name for the flow, or NULL (a static string). */
const char *dpi_app_category(struct worker *w, const struct flow *f);

#endif
