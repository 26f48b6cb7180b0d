/*
 * test_report.c - the HTML report sink through its sink interface (lines in,
 * a page out) and the Sentinel address list parser.
 *
 * Covered: hostile strings from the wire come out escaped in text and
 * attributes (no raw '<' or '"' from a finding anywhere in the page), JSON
 * \u escapes for controls, bidi overrides and invalid surrogates shown as
 * \uXXXX or U+FFFD, kinds read from the lines (an unknown new kind gets
 * its row), counts by severity, the listing cap and the note saying how
 * many were left out, sensor_health counted apart, a hand-off's array of
 * step objects rendered as a table; redis_sentinels lists good and bad.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "sentinel.h"
#include "tmpdir.h"
#include "unit.h"

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	long n;
	char *buf;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, fp) == (size_t)n)
		buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
put(struct sink *s, const char *json)
{
	struct sink_item it;

	memset(&it, 0, sizeof(it));
	it.json = json;
	it.len = strlen(json);
	s->ops->write(s, &it);
}

/* Writes lines through a new sink with the given cap; returns the page. */
static char *
page(const char *const *lines, size_t n, unsigned cap)
{
	static const char *const inputs[] = { "cap<1>.pcap" };
	struct report_opts o;
	char err[256], path[512];
	struct sink *s;
	size_t i;

	snprintf(path, sizeof(path), "%s/r.html", tmpdir_scratch("report"));
	memset(&o, 0, sizeof(o));
	o.path = path;
	o.max_findings = cap;
	o.inputs = inputs;
	o.ninputs = 1;
	o.sensor = "s\"1";
	o.version = "edgeward test";
	s = report_sink_open(&o, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (i = 0; i < n; i++)
		put(s, lines[i]);
	report_sink_run(s, NULL, 1.0, 1700000000000000ULL,
	    1700000010000000ULL);
	s->ops->close(s);
	return slurp(path);
}

#define HOSTILE "{\"timestamp\":\"2023-11-14T22:13:20.000001Z\"," \
	"\"finding_id\":\"x-1\",\"kind\":\"cleartext_credential\"," \
	"\"severity\":\"high\",\"src_ip\":\"10.0.0.1\",\"src_port\":1," \
	"\"dest_ip\":\"10.0.0.2\",\"dest_port\":21,\"app_proto\":\"<u>\"," \
	"\"cleartext_credential\":{\"user\":\"<script>alert(1)</script>\"," \
	"\"host\":\"\\\"><img src=x onerror=alert(2)>\"," \
	"\"path\":\"a\\u0000b\\u202ec\\ud800d\\u001be\"}}"

static void
test_escaping(void)
{
	const char *lines[] = { HOSTILE };
	char *p = page(lines, 1, 100), *q;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NULL(strstr(p, "<script>alert"));
	CU_ASSERT_PTR_NULL(strstr(p, "<img"));
	CU_ASSERT_PTR_NULL(strstr(p, "<u>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "&lt;u&gt;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
	/* NUL, RLO, a lone surrogate, ESC: all visible, none raw */
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "a\\u0000b\\u202Ec\xef\xbf\xbd" "d\\u001Be"));
	CU_ASSERT_PTR_NULL(strstr(p, "\xe2\x80\xae"));
	CU_ASSERT_PTR_NULL(strstr(p, "\x1b"));
	/* the sensor name and capture name are escaped too */
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "s&quot;1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "cap&lt;1&gt;.pcap"));
	/* exactly one script element, after the CSP */
	q = strstr(p, "<script>");
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_PTR_NULL(strstr(q + 1, "<script"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "script-src 'sha256-"));
	CU_ASSERT(strstr(p, "Content-Security-Policy") < q);
	free(p);
}

#define LINE(id, kind, sev) "{\"timestamp\":\"2023-11-14T22:13:2" id \
	".000000Z\",\"finding_id\":\"x-" id "\",\"kind\":\"" kind "\"," \
	"\"severity\":\"" sev "\",\"src_ip\":\"10.0.0." id "\"," \
	"\"dest_ip\":\"192.0.2.1\",\"" kind "\":{\"n\":" id "}}"

static void
test_counts_cap_kinds(void)
{
	const char *lines[] = {
		LINE("1", "tunnel", "medium"),
		LINE("2", "tunnel", "high"),
		LINE("3", "brand_new_kind", "critical"),
		LINE("4", "tunnel", "medium"),
		"{\"timestamp\":\"2023-11-14T22:13:25.000000Z\",\"kind\":"
		    "\"sensor_health\",\"severity\":\"info\"}",
		"not json at all",
	};
	char *p = page(lines, 6, 100);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "<tr data-kind=\"tunnel\"><td>tunnel"
	    "</td><td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">2"
	    "</td><td class=\"n\">0</td><td class=\"n\">0</td><td class=\"n\">3"
	    "</td></tr>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "<tr data-kind=\"brand_new_kind\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "<td id=\"total\">4</td>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "1 sensor_health findings"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "<tr><td>unreadable</td><td>1"));
	CU_ASSERT_PTR_NULL(strstr(p, "id=\"left-out\""));
	free(p);

	/* a cap below the count: 100 listed is the minimum the key allows,
	 * the sink itself takes any cap */
	p = page(lines, 4, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "<td id=\"left-out\">2 findings are "
	    "counted but not listed"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "<td id=\"total\">4</td>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "2 more hosts"));
	free(p);
}

static void
test_handoff_steps(void)
{
	const char *lines[] = {
		"{\"timestamp\":\"2023-11-14T22:13:20.000000Z\",\"kind\":"
		"\"handoff\",\"severity\":\"critical\",\"src_ip\":\"10.1.1.1\","
		"\"handoff\":{\"steps\":[{\"kind\":\"tunnel\",\"peer\":\"<x>\","
		"\"seconds_after_previous\":0},{\"kind\":\"beacon\","
		"\"seconds_after_previous\":22.5}],\"count\":2}}",
	};
	char *p = page(lines, 1, 100);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "<table class=\"sub\"><tr><th>kind"
	    "</th><th>peer</th><th>seconds_after_previous</th></tr>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "<td>beacon</td><td></td><td>22.5"
	    "</td>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "&lt;x&gt;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "<b>steps</b> 2 items"));
	free(p);
}

static void
test_sentinel_parse(void)
{
	struct sentinel_set ss;
	char err[256];

	CU_ASSERT_EQUAL(sentinel_parse("10.0.0.5:26379, 10.0.0.6:26380,"
	    "[2001:db8::7]:26381", "findings", &ss, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ss.n, 3);
	CU_ASSERT_STRING_EQUAL(ss.addr[1].host, "10.0.0.6");
	CU_ASSERT_EQUAL(ss.addr[1].port, 26380);
	CU_ASSERT_STRING_EQUAL(ss.addr[2].host, "2001:db8::7");
	CU_ASSERT_STRING_EQUAL(ss.master, "findings");
	CU_ASSERT_EQUAL(sentinel_parse("10.0.0.5", "m", &ss, err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'10.0.0.5' is not host:port"));
	CU_ASSERT_EQUAL(sentinel_parse("h:0", "m", &ss, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(sentinel_parse("h:65536", "m", &ss, err, sizeof(err)),
	    -1);
	CU_ASSERT_EQUAL(sentinel_parse("2001:db8::7:26379", "m", &ss, err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(sentinel_parse("", "m", &ss, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(sentinel_parse("h:1", "", &ss, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(sentinel_parse("h:1", "a b", &ss, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(sentinel_parse("a:1,b:2,c:3,d:4,e:5,f:6,g:7,h:8,i:9",
	    "m", &ss, err, sizeof(err)), -1);
}

UNIT_MAIN("report",
    { "hostile strings escaped, one script, CSP", test_escaping },
    { "counts, new kinds, health, cap and left-out note",
	test_counts_cap_kinds },
    { "hand-off steps as a table", test_handoff_steps },
    { "redis_sentinels parser", test_sentinel_parse })
