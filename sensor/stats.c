/*
 * stats.c - totals and the summary table; see stats.h.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "defrag.h"
#include "detect.h"
#include "output.h"
#include "sensor.h"
#include "sink.h"
#include "stats.h"
#include "worker.h"

#define LD(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)

#define LIM(name, key, field)	{ name, key, offsetof(struct totals, field) }

/*
 * Defragmentation first: its evictions were the counters an operator
 * could not see.  The order is the summary's and sensor_health's.
 */
const struct limit_counter limit_counters[] = {
	LIM("defrag_evicted_memcap", "defrag_memcap", defrag_evicted_memcap),
	LIM("defrag_evicted_datagrams", "4096 incomplete datagrams",
	    defrag_evicted_datagrams),
	LIM("defrag_dropped_memcap", "defrag_memcap", defrag_dropped_memcap),
	LIM("defrag_dropped_fragments", "128 fragments a datagram",
	    defrag_dropped_fragments),
	LIM("defrag_timeouts", "defrag_timeout", defrag_timeouts),
	LIM("flows_evicted", "flow_memcap", flows_evicted),
	LIM("flow_end_charge_refused", "flow_memcap", flows_end_charge_refused),
	LIM("flow_alloc_failures", "memory", flow_alloc_failures),
	LIM("ndpi_over_memcap", "flow_memcap", ndpi_over_memcap),
	LIM("stream_ooo_limit", "stream_ooo_max", stream.ooo_limit),
	LIM("stream_depth_reached", "stream_depth", stream.depth_reached),
	LIM("stream_pending_overflow", "a dissector's max_pending",
	    pending_overflow),
	LIM("detector_evicted", "detector_memcap, *_max_*", detector_evicted),
	LIM("correlate_evicted", "correlate_max_entries", corr_evicted),
	LIM("ring_drops", "ring_mb", ring_drops),
	LIM("kernel_drops", "buffer_mb", kernel_drops),
	LIM("findings_dropped", "output_ring_mb", findings_dropped),
	LIM("findings_too_big", "64 KiB a finding", findings_too_big),
	LIM("output_lost", "output_file writes", output_lost),
	LIM("redis_dropped", "spool_max_bytes", redis_dropped),
	{ NULL, NULL, 0 }
};

uint64_t
limit_value(const struct totals *t, const struct limit_counter *l)
{
	uint64_t v;

	memcpy(&v, (const char *)t + l->offset, sizeof(v));
	return v;
}

void
weird_count(struct weird *tab, unsigned *n, unsigned max, const char *name)
{
	unsigned i;

	for (i = 0; i < *n; i++)
		if (tab[i].name == name || strcmp(tab[i].name, name) == 0) {
			tab[i].count++;
			return;
		}
	if (*n < max) {
		tab[*n].name = name;
		tab[(*n)++].count = 1;
	}
}

static void
add_weird(struct totals *t, const char *name, uint64_t n)
{
	unsigned i;

	if (n == 0)
		return;
	for (i = 0; i < t->nweirds; i++)
		if (strcmp(t->weird_names[i], name) == 0) {
			t->weird_counts[i] += n;
			return;
		}
	if (t->nweirds < 256) {
		t->weird_names[t->nweirds] = name;
		t->weird_counts[t->nweirds++] = n;
	}
}

/* counter_fn for detect_counters() and the correlators' counters. */
static void
add_det(void *arg, const char *name, uint64_t n)
{
	struct totals *t = arg;
	unsigned i;

	if (n == 0)
		return;
	for (i = 0; i < t->ndet; i++)
		if (strcmp(t->det_names[i], name) == 0) {
			t->det_counts[i] += n;
			return;
		}
	if (t->ndet < 128) {
		t->det_names[t->ndet] = name;
		t->det_counts[t->ndet++] = n;
	}
}

uint64_t
totals_corr(const struct totals *t, const char *name)
{
	unsigned i;

	for (i = 0; i < t->ncorr; i++)
		if (strcmp(t->corr[i].name, name) == 0)
			return t->corr[i].count;
	return 0;
}

static void
csum_add(struct csum_stats *t, const struct csum_stats *s)
{
	t->tcp_bad += LD(s->tcp_bad);
	t->udp_bad += LD(s->udp_bad);
	t->offload += LD(s->offload);
	t->unreliable += LD(s->unreliable);
}

/*
 * What the sinks lost.  Only the sinks' owner calls totals_collect (the
 * publisher thread, or main once the publisher has ended), so their
 * stats() may be called here.
 */
static void
sinks_collect(struct totals *t, const struct publisher *p)
{
	struct sink_stats ss;
	unsigned i;

	for (i = 0; i < p->nsinks; i++) {
		memset(&ss, 0, sizeof(ss));
		p->sinks[i]->ops->stats(p->sinks[i], &ss);
		if (strcmp(p->sinks[i]->ops->name, "redis") == 0)
			t->redis_dropped += ss.dropped;
		else if (strcmp(p->sinks[i]->ops->name, "file") == 0)
			t->output_lost += ss.dropped;
	}
}

void
totals_collect(struct totals *t, const struct capture *c, struct worker *w,
    unsigned nw, const struct publisher *p)
{
	const struct reader_stats *r;
	const struct flow_stats *fs;
	const struct defrag_stats *ds;
	unsigned i, k;

	memset(t, 0, sizeof(*t));
	for (i = 0; c != NULL && c->st != NULL && i < c->ninputs; i++) {
		r = &c->st[i];
		t->packets += LD(r->packets);
		t->bytes += LD(r->bytes);
		t->non_ip += LD(r->non_ip);
		t->kernel_recv += LD(r->kernel_recv);
		t->kernel_drops += LD(r->kernel_drops);
		t->ring_drops += LD(r->ring_drops);
		t->kernel_freezes += LD(r->kernel_freezes);
		t->handoffs += LD(r->handoffs);
		for (k = 0; k < DA_MAX; k++)
			t->decode.anomalies[k] += LD(r->dstats.anomalies[k]);
	}
	t->nworkers = nw < 64 ? nw : 64;
	for (i = 0; i < nw; i++) {
		if (i < 64)
			t->worker_packets[i] = LD(w[i].st.packets);
		for (k = 0; k < FK_MAX; k++)
			t->findings[k] += LD(w[i].st.findings[k]);
		t->findings_dropped += LD(w[i].st.findings_dropped);
		t->findings_too_big += LD(w[i].st.findings_too_big);
		t->defrag_reassembled += LD(w[i].st.defrag_reassembled);
		t->ndpi_flows += LD(w[i].dpist.flows);
		for (k = 0; k < DA_MAX; k++)
			t->decode.anomalies[k] += LD(w[i].dstats.anomalies[k]);
		t->stream.retransmissions += LD(w[i].sstats.retransmissions);
		t->stream.overlaps += LD(w[i].sstats.overlaps);
		t->stream.overlap_mismatch += LD(w[i].sstats.overlap_mismatch);
		t->stream.gaps += LD(w[i].sstats.gaps);
		t->stream.ooo_limit += LD(w[i].sstats.ooo_limit);
		t->stream.depth_reached += LD(w[i].sstats.depth_reached);
		if (w[i].flows != NULL) {
			fs = flow_table_stats(w[i].flows);
			t->flows_created += LD(fs->created);
			t->flows_active += LD(fs->active);
			t->flows_peak += LD(fs->peak_active);
			t->flows_evicted += LD(fs->evicted);
			t->flows_timed_out += LD(fs->timed_out);
			t->flows_end_charge_refused +=
			    LD(fs->end_charge_refused);
			t->flows_tcp_reused += LD(fs->tcp_reused);
			t->flow_alloc_failures += LD(fs->alloc_failures);
			csum_add(&t->csum, &fs->csum);
			t->memory += LD(fs->memory);
			t->peak_memory += LD(fs->peak_memory);
			t->fixed_memory += LD(fs->fixed_memory);
		} else {
			t->flows_created += w[i].final_flows.created;
			t->flows_peak += w[i].final_flows.peak_active;
			t->flows_evicted += w[i].final_flows.evicted;
			t->flows_timed_out += w[i].final_flows.timed_out;
			t->flows_end_charge_refused +=
			    w[i].final_flows.end_charge_refused;
			t->flows_tcp_reused += w[i].final_flows.tcp_reused;
			t->flow_alloc_failures +=
			    w[i].final_flows.alloc_failures;
			csum_add(&t->csum, &w[i].final_flows.csum);
			t->peak_memory += w[i].final_flows.peak_memory;
			t->fixed_memory += w[i].final_flows.fixed_memory;
			t->flow_unreleased += w[i].final_flows.unreleased;
		}
		if (w[i].defrag != NULL) {
			ds = defrag_stats(w[i].defrag);
			t->defrag_timeouts += LD(ds->timeouts);
			t->defrag_overlaps += LD(ds->overlaps);
			t->defrag_drops += LD(ds->memcap_drops) +
			    LD(ds->too_big) + LD(ds->bad_fragments);
			t->defrag_evicted_memcap += LD(ds->memcap_evictions);
			t->defrag_evicted_datagrams += LD(ds->tables_full);
			t->defrag_dropped_memcap += LD(ds->memcap_drops);
			t->defrag_dropped_fragments +=
			    LD(ds->too_many_fragments);
		}
		t->ndpi_over_memcap += LD(w[i].dpist.over_memcap);
		t->ndpi_memory += LD(w[i].dpist.memory);
		t->ndpi_peak += LD(w[i].dpist.peak_memory);
		t->pending_overflow += LD(w[i].st.dissector_pending_overflow);
	}
	if (p != NULL)
		sinks_collect(t, p);
	if (p != NULL) {
		t->published = LD(p->st.findings);
		memcpy(t->corr, p->st.corr, sizeof(t->corr));
		t->ncorr = p->st.ncorr;
		/* Kinds only the correlators make. */
		for (k = 0; k < FK_MAX; k++)
			if (finding_kind_from_correlator((enum finding_kind)k))
				t->findings[k] += LD(p->st.by_kind[k]);
	}
	for (k = 0; k < DA_MAX; k++) {
		add_weird(t, decode_anomaly_names[k], t->decode.anomalies[k]);
		t->decode_anomalies += t->decode.anomalies[k];
	}
	t->ndecode = t->nweirds;
	for (i = 0; i < nw; i++)
		for (k = 0; k < w[i].nweirds && k < WEIRD_MAX; k++)
			add_weird(t, w[i].weirds[k].name,
			    LD(w[i].weirds[k].count));
	for (i = 0; i < nw; i++)
		detect_counters(&w[i], add_det, t);
	for (k = 0; k < t->ncorr; k++)
		add_det(t, t->corr[k].name, t->corr[k].count);
	t->corr_evicted = totals_corr(t, "evicted");
	/* Detectors' and correlators' own tables ("..._evicted"). */
	for (k = 0; k < t->ndet; k++) {
		size_t n = strlen(t->det_names[k]);

		if (n > 8 && strcmp(t->det_names[k] + n - 8, "_evicted") == 0)
			t->detector_evicted += t->det_counts[k];
	}
	add_weird(t, "tcp_overlap_mismatch", t->stream.overlap_mismatch);
	add_weird(t, "tcp_gap", t->stream.gaps);
	add_weird(t, "tcp_ooo_limit", t->stream.ooo_limit);
	add_weird(t, "defrag_overlap", t->defrag_overlaps);
	add_weird(t, "defrag_timeout", t->defrag_timeouts);
	add_weird(t, "defrag_dropped", t->defrag_drops);
	add_weird(t, "flow_end_charge_refused", t->flows_end_charge_refused);
	add_weird(t, "tcp_checksum_bad", t->csum.tcp_bad);
	add_weird(t, "udp_checksum_bad", t->csum.udp_bad);
}

/*
 * The limits block: every bound with the times it was hit, zeros too, so
 * a reader sees which limits exist and that none was reached.
 */
static void
limits_print(FILE *fp, const struct totals *t)
{
	const struct limit_counter *l;
	uint64_t hit = 0;

	for (l = limit_counters; l->name != NULL; l++)
		hit += limit_value(t, l) > 0;
	fprintf(fp, "  %-28s %" PRIu64 " hit\n", "limits", hit);
	for (l = limit_counters; l->name != NULL; l++)
		fprintf(fp, "    %-26s %-10" PRIu64 " %s\n", l->name,
		    limit_value(t, l), l->key);
}

void
totals_print(FILE *fp, const struct totals *t, double secs)
{
	uint64_t all = 0;
	unsigned k;

	for (k = 0; k < FK_MAX; k++)
		all += t->findings[k];
	fprintf(fp, "edgeward summary\n");
	fprintf(fp, "  %-28s %" PRIu64 "\n", "packets", t->packets);
	fprintf(fp, "  %-28s %" PRIu64 "\n", "bytes", t->bytes);
	fprintf(fp, "  %-28s %" PRIu64 "\n", "non-IP packets", t->non_ip);
	if (secs > 0)
		fprintf(fp, "  %-28s %.0f\n", "packets/s", t->packets / secs);
	if (t->nworkers > 1) {
		fprintf(fp, "  %-28s", "packets per worker");
		for (k = 0; k < t->nworkers; k++)
			fprintf(fp, " %" PRIu64, t->worker_packets[k]);
		fprintf(fp, "\n");
	}
	fprintf(fp, "  %-28s %" PRIu64 " (peak %" PRIu64 " active)\n",
	    "flows", t->flows_created, t->flows_peak);
	fprintf(fp, "  %-28s %" PRIu64 "\n", "flows evicted (memcap)",
	    t->flows_evicted);
	fprintf(fp, "  %-28s %" PRIu64 "\n", "flows ended by port reuse",
	    t->flows_tcp_reused);
	fprintf(fp, "  %-28s %" PRIu64 " KiB\n", "flow memory peak",
	    t->peak_memory / 1024);
	if (t->flow_unreleased > 0)
		fprintf(fp, "  %-28s %" PRIu64 " bytes (an accounting bug)\n",
		    "flow memory unreleased", t->flow_unreleased);
	/* nDPI's per-flow buffers are charged to the flows while they live;
	 * what it still holds at the end is its own caches (or a leak). */
	fprintf(fp, "  %-28s %" PRIu64 " KiB held, peak %" PRIu64 " KiB\n",
	    "nDPI flow memory", t->ndpi_memory / 1024, t->ndpi_peak / 1024);
	if (t->flows_peak > 0 && t->peak_memory > t->fixed_memory)
		fprintf(fp, "  %-28s %" PRIu64 "\n", "bytes per active flow",
		    (t->peak_memory - t->fixed_memory) / t->flows_peak);
	fprintf(fp, "  %-28s %" PRIu64 "\n", "defragmented datagrams",
	    t->defrag_reassembled);
	fprintf(fp, "  %-28s %" PRIu64 " dropped, %" PRIu64 " offloaded, %"
	    PRIu64 " flows unverified\n", "bad TCP/UDP checksums",
	    t->csum.tcp_bad + t->csum.udp_bad, t->csum.offload,
	    t->csum.unreliable);
	fprintf(fp, "  %-28s %" PRIu64 "\n", "findings", all);
	for (k = 0; k < FK_MAX; k++)
		if (t->findings[k] > 0)
			fprintf(fp, "    %-26s %" PRIu64 "\n", finding_kind_names[k],
			    t->findings[k]);
	fprintf(fp, "  %-28s %" PRIu64 " suppressed, %" PRIu64
	    " follow-ups\n", "duplicate findings",
	    totals_corr(t, "dedup_suppressed"),
	    totals_corr(t, "dedup_followups"));
	fprintf(fp, "  %-28s %" PRIu64 " peak, %" PRIu64 " evicted\n",
	    "correlation entries", totals_corr(t, "peak_entries"),
	    totals_corr(t, "evicted"));
	fprintf(fp, "  %-28s kernel %" PRIu64 ", ring %" PRIu64
	    ", findings %" PRIu64 "\n", "drops", t->kernel_drops, t->ring_drops,
	    t->findings_dropped);
	/* Live: what the kernel saw (drops included) and, on AF_PACKET, how
	 * often its ring was full and how many packets changed thread. */
	if (t->kernel_recv > 0 || t->kernel_drops > 0)
		fprintf(fp, "  %-28s %" PRIu64 " received, %" PRIu64
		    " ring-full episodes, %" PRIu64 " handed to another "
		    "thread\n", "kernel capture", t->kernel_recv,
		    t->kernel_freezes, t->handoffs);
	limits_print(fp, t);
	fprintf(fp, "  %-28s %" PRIu64 "\n", "decode anomalies",
	    t->decode_anomalies);
	for (k = 0; k < t->ndecode; k++)
		fprintf(fp, "    %-26s %" PRIu64 "\n", t->weird_names[k],
		    t->weird_counts[k]);
	fprintf(fp, "  %-28s %u\n", "protocol/stream weirds",
	    t->nweirds - t->ndecode);
	for (k = t->ndecode; k < t->nweirds; k++)
		fprintf(fp, "    %-26s %" PRIu64 "\n", t->weird_names[k],
		    t->weird_counts[k]);
	if (t->ndet > 0)
		fprintf(fp, "  %-28s %u\n", "detector counters", t->ndet);
	for (k = 0; k < t->ndet; k++)
		fprintf(fp, "    %-26s %" PRIu64 "\n", t->det_names[k],
		    t->det_counts[k]);
}

void
summary_print(FILE *fp, const struct totals *t, double secs,
    struct sink *const *sinks, unsigned nsinks)
{
	struct sink_stats ss;
	unsigned i;

	totals_print(fp, t, secs);
	for (i = 0; i < nsinks; i++) {
		if (strcmp(sinks[i]->ops->name, "file") == 0 ||
		    strcmp(sinks[i]->ops->name, "report") == 0)
			continue;
		memset(&ss, 0, sizeof(ss));
		sinks[i]->ops->stats(sinks[i], &ss);
		fprintf(fp, "  %-28s produced %" PRIu64 " = published %" PRIu64
		    " + spooled %" PRIu64 " + in flight %" PRIu64 " + dropped %"
		    PRIu64 "; %" PRIu64 " errors, %" PRIu64 " replayed from "
		    "the spool\n", sinks[i]->ops->name, ss.produced,
		    ss.published, ss.spool_pending, ss.inflight, ss.dropped,
		    ss.errors, ss.replayed);
	}
	fflush(fp);
}
