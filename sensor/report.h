/*
 * report.h - the HTML report sink (--report FILE.html): one self-contained
 * page an analyst opens after an incident.
 *
 * It is a sink like the JSON-lines file and Redis (sink.h): the publisher
 * hands it every finding line, already redacted (it never sees a secret
 * the JSON does not carry), and it keeps a bounded summary: counts by kind
 * and severity, a time histogram, per-host counts, and at most
 * max_findings lines (and REPORT_MAX_BYTES of them) for the findings table
 * and the host sections; what was left out is counted and said in the
 * page.  Kinds are read from each line, so new kinds need no change here.
 * close() writes the file: header (captures, time span), counts, an SVG
 * timeline, hosts, the findings table with filters, the summary counters.
 *
 * Everything from the wire is escaped for its context (HTML text and
 * double-quoted attributes; no wire data in script or style), control and
 * bidirectional-override characters are shown as \uXXXX, and a
 * Content-Security-Policy allows only the page's own script (by hash) and
 * inline style, no network at all.
 */
#ifndef EDGEWARD_REPORT_H
#define EDGEWARD_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "sink.h"

#define REPORT_MAX_BYTES	(64ULL * 1024 * 1024)	/* lines kept */
#define REPORT_MAX_HOSTS	4096
#define REPORT_MAX_KINDS	32

struct totals;

struct report_opts {
	const char		*path;		/* the .html file */
	uint64_t		 max_findings;	/* lines kept for the tables */
	const char *const	*inputs;	/* -r files or -i interfaces */
	unsigned		 ninputs;
	int			 live;
	const char		*sensor;	/* sensor_name */
	const char		*version;	/* "edgeward 0.1.0" */
};

/*
 * Opens (creates or truncates) the file at once, so a path that cannot be
 * written is an error at start.  Returns NULL with errbuf set.  The caller
 * owns the sink; close() writes the page and frees it.  The strings in o
 * must outlive the sink.
 */
struct sink	*report_sink_open(const struct report_opts *o, char *errbuf,
		    size_t errlen);
/*
 * The run's summary counters and capture time span (first and last packet,
 * microseconds; 0 if unknown), copied for the page.  Called by the sinks'
 * owner (main, after the publisher has ended) before close().
 */
void		 report_sink_run(struct sink *s, const struct totals *t,
		    double secs, uint64_t first_us, uint64_t last_us);

#endif
