#!/bin/sh
# report.sh - the HTML report (--report) as an analyst sees it: rendered by
# headless Chromium (Debian's chromium, installed here if missing; the test
# is skipped, 77, only when it cannot be), with no network and a new profile.
#   1. the recorded captures: a screenshot is saved, the page's script ran
#      (it marks the body) and nothing reached the console (no script error,
#      no Content-Security-Policy refusal); the counts by kind and severity,
#      the total and the findings table match the run's JSON lines; the
#      page loads nothing (no src, links only within the page); the summary
#      counters are there;
#   2. bounded: 3000 findings with report_max_findings=100 list 100 and say
#      2900 were left out, the counts still 3000;
#   3. a hostile capture (tests/report_hostile.py: markup and script in FTP
#      and HTTP user names, an HTTP Host header and path, a TLS server name,
#      a right-to-left override) injects nothing: one script element (the
#      page's), no element with an event handler, no img/iframe, one svg (the
#      timeline), the title as set, every hostile string shown as text, the
#      override shown as \u202E; and secrets as in the JSON (none).
set -u
top=$(cd "${srcdir:-.}" && pwd)
build=$(cd "${top_builddir:-.}" && pwd)
bin=${EDGEWARD:-./edgeward}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v chromium >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq \
		    --no-install-recommends chromium >/dev/null 2>&1
	fi
	command -v chromium >/dev/null 2>&1 ||
	    { echo "report: chromium cannot be installed: skipped"; exit 77; }
fi
# scapy lives in Debian's python (python3-scapy), whatever python3 is first.
py=python3
/usr/bin/python3 -c 'import scapy' 2>/dev/null && py=/usr/bin/python3

# render NAME: screenshot and DOM of $tmp/NAME.html, console lines in .log
render() {
	rm -rf "$tmp/profile"
	mkdir "$tmp/profile"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --user-data-dir="$tmp/profile" \
	    --enable-logging=stderr --v=0 --virtual-time-budget=3000 \
	    --dump-dom "file://$tmp/$1.html" >"$tmp/$1.dom" 2>"$tmp/$1.log"
	rm -rf "$tmp/profile"
	mkdir "$tmp/profile"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --user-data-dir="$tmp/profile" \
	    --window-size=1280,2000 --hide-scrollbars \
	    --screenshot="$tmp/$1.png" "file://$tmp/$1.html" \
	    >>"$tmp/$1.log" 2>&1
	grep CONSOLE "$tmp/$1.log" >"$tmp/$1.console"
	[ -s "$tmp/$1.png" ] && cp "$tmp/$1.png" "$build/tests/report-$1.png"
}

cp "$top/tests/golden/hmac.key" "$tmp/hmac.key"
chmod 600 "$tmp/hmac.key"
args=""
for f in "$top"/pcaps/recorded/*.pcap; do
	args="$args -r $f"
done
# shellcheck disable=SC2086
"$bin" -q $args --set sensor_name=golden --set "secret_key_file=$tmp/hmac.key" \
    --report "$tmp/golden.html" -o "$tmp/golden.json" || { echo "report: run failed"; exit 1; }
"$bin" -q -r "$top/pcaps/crafted/many_pairs.pcap" --set sensor_name=many \
    --set report_max_findings=100 --report "$tmp/many.html" -o "$tmp/many.json" ||
    { echo "report: many_pairs run failed"; exit 1; }
PYTHONDONTWRITEBYTECODE=1 $py "$top/tests/report_hostile.py" "$tmp/hostile.pcap" ||
    { echo "report: cannot craft the hostile capture ($py, scapy)"; exit 1; }
"$bin" -q -r "$tmp/hostile.pcap" --set sensor_name=hostile \
    --report "$tmp/hostile.html" -o "$tmp/hostile.json" ||
    { echo "report: hostile run failed"; exit 1; }
t0=$(date +%s)
for n in golden many hostile; do
	render $n
done
echo "report: rendered 3 reports in $(($(date +%s) - t0)) s; screenshots in $build/tests/report-*.png"

python3 - "$tmp" <<'EOF'
import collections, html.parser, json, os, sys

tmp = sys.argv[1]
passed = failed = 0

def ok(m):
    global passed
    passed += 1
    print("ok - " + m)

def bad(m):
    global failed
    failed += 1
    print("FAIL - " + m)

class Dom(html.parser.HTMLParser):
    """Elements with their attributes, text per element id, table cells."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elems = []
        self.stack = []
        self.text = collections.defaultdict(str)
        self.all_text = []
        self.kind_rows = {}
        self.cur_row = None
        self.findings_rows = 0
        self.in_tbody = False
        self.title = ""
        self.scripts = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elems.append((tag, a))
        if tag not in ("br", "meta", "input", "line", "rect", "img", "hr"):
            self.stack.append((tag, a))
        if tag == "tr" and self.inside("table", "kinds") and "data-kind" in a:
            self.cur_row = a["data-kind"]
            self.kind_rows[self.cur_row] = []
        if tag == "tr" and self.inside("table", "findings") and "data-kind" in a:
            self.findings_rows += 1
    def handle_endtag(self, tag):
        while self.stack:
            t, a = self.stack.pop()
            if t == tag:
                break
        if tag == "tr":
            self.cur_row = None
    def inside(self, tag, ident):
        return any(t == tag and a.get("id") == ident for t, a in self.stack)
    def inside_tag(self, tag):
        return any(t == tag for t, a in self.stack)
    def handle_data(self, d):
        self.all_text.append(d)
        for t, a in self.stack:
            if "id" in a:
                self.text[a["id"]] += d
        if self.stack and self.stack[-1][0] == "title" and self.inside_tag("head"):
            self.title += d
        if self.stack and self.stack[-1][0] == "script":
            self.scripts.append(d)
        if self.cur_row is not None and self.stack and self.stack[-1][0] == "td":
            self.kind_rows[self.cur_row].append(d)

def load(name):
    d = Dom()
    d.feed(open(os.path.join(tmp, name + ".dom"), encoding="utf-8").read())
    lines = [json.loads(l) for l in open(os.path.join(tmp, name + ".json"))]
    lines = [l for l in lines if l["kind"] != "sensor_health"]
    console = open(os.path.join(tmp, name + ".console")).read()
    return d, lines, console

def common(name, d, console):
    body = [a for t, a in d.elems if t == "body"]
    if body and body[0].get("data-script") == "ok":
        ok("%s: the page's script ran" % name)
    else:
        bad("%s: the page's script did not run" % name)
    if console == "":
        ok("%s: nothing on the console (no script error, no CSP refusal)" % name)
    else:
        bad("%s: console: %s" % (name, console[:400]))
    srcs = [(t, a) for t, a in d.elems if "src" in a]
    hrefs = [a["href"] for t, a in d.elems if "href" in a and not a["href"].startswith("#")]
    if not srcs and not hrefs:
        ok("%s: loads nothing (no src, only in-page links)" % name)
    else:
        bad("%s: external references %r %r" % (name, srcs[:3], hrefs[:3]))
    png = os.path.join(tmp, name + ".png")
    if os.path.exists(png) and os.path.getsize(png) > 10000 and \
            open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n":
        ok("%s: screenshot %d bytes" % (name, os.path.getsize(png)))
    else:
        bad("%s: no screenshot" % name)

def counts(name, d, lines, listed):
    want = collections.Counter((l["kind"], l["severity"]) for l in lines)
    sevs = ["critical", "high", "medium", "low", "info"]
    good = True
    for kind in set(k for k, s in want):
        cells = d.kind_rows.get(kind)
        if cells is None or len(cells) < 7:
            good = False
            bad("%s: kind %s missing from the counts table" % (name, kind))
            continue
        got = [int(c) for c in cells[1:6]]
        exp = [want[(kind, s)] for s in sevs]
        if got != exp or int(cells[6]) != sum(exp):
            good = False
            bad("%s: %s counts %r, JSON says %r" % (name, kind, got, exp))
    if good and len(d.kind_rows) == len(set(k for k, s in want)):
        ok("%s: counts by kind and severity = the JSON lines (%d kinds)" %
           (name, len(d.kind_rows)))
    elif good:
        bad("%s: extra kinds in the table: %r" % (name, list(d.kind_rows)))
    if d.text.get("total", "").strip() == str(len(lines)):
        ok("%s: total %d" % (name, len(lines)))
    else:
        bad("%s: total %r, want %d" % (name, d.text.get("total"), len(lines)))
    if d.findings_rows == listed:
        ok("%s: findings table has %d rows" % (name, listed))
    else:
        bad("%s: findings table has %d rows, want %d" % (name, d.findings_rows, listed))
    cnt = d.text.get("counters", "")
    if "edgeward summary" in cnt and "\n  packets  " in cnt and \
            "\n  findings  " in cnt and "\n  drops  " in cnt:
        ok("%s: summary counters shown" % name)
    else:
        bad("%s: summary counters: %r" % (name, d.text.get("counters", "")[:200]))
    svg = [a for t, a in d.elems if t == "svg" and a.get("id") == "tl"]
    rects = [a for t, a in d.elems if t == "rect"]
    if svg and rects:
        ok("%s: SVG timeline with %d bars and legend boxes" % (name, len(rects)))
    else:
        bad("%s: no timeline" % name)

# 1. golden
d, lines, console = load("golden")
common("golden", d, console)
counts("golden", d, lines, len(lines))
hosts = [a.get("data-host") for t, a in d.elems if t == "section"]
srcs = set(l["src_ip"] for l in lines if "src_ip" in l)
if set(hosts) == srcs and hosts:
    ok("golden: a section per source host (%d)" % len(hosts))
else:
    bad("golden: host sections %r, sources %r" % (hosts, srcs))

# 2. bounded
d, lines, console = load("many")
common("many", d, console)
counts("many", d, lines, 100)
lo = d.text.get("left-out", "")
if lo.startswith("%d findings" % (len(lines) - 100)):
    ok("many: says %d findings were left out" % (len(lines) - 100))
else:
    bad("many: left-out note %r" % lo)
size = os.path.getsize(os.path.join(tmp, "many.html"))
print("report: many_pairs report %d bytes for %d findings (100 listed)" % (size, len(lines)))

# 3. hostile
d, lines, console = load("hostile")
common("hostile", d, console)
counts("hostile", d, lines, len(lines))
scripts = [a for t, a in d.elems if t == "script"]
handlers = [(t, k) for t, a in d.elems for k in a if k.lower().startswith("on")]
bad_tags = [t for t, a in d.elems if t in ("img", "iframe", "object", "embed",
                                           "textarea", "frame", "base", "form")]
svgs = [t for t, a in d.elems if t == "svg"]
if len(scripts) == 1 and not handlers and not bad_tags and len(svgs) == 1:
    ok("hostile: one script, no event handler, no img/iframe/textarea, one svg")
else:
    bad("hostile: injected: scripts %d, handlers %r, tags %r, svgs %d" %
        (len(scripts), handlers[:5], bad_tags[:5], len(svgs)))
if d.title == "edgeward report: hostile" and "PWNED" not in d.title:
    ok("hostile: title as set")
else:
    bad("hostile: title %r" % d.title)
text = "".join(d.all_text)
want = []
for l in lines:
    obj = l.get(l["kind"], {})
    for k in ("user", "host", "path", "server_name"):
        if k in obj:
            want.append(obj[k])
shown = [w for w in want if w.replace("\u202e", "\\u202E") in text]
if len(want) >= 6 and len(shown) == len(want):
    ok("hostile: all %d hostile strings shown as text" % len(want))
else:
    bad("hostile: not shown as text: %r" % [w for w in want if w not in shown])
if "evil\\u202Egnp.exe" in text and "\u202e" not in text:
    ok("hostile: the right-to-left override shown as \\u202E")
else:
    bad("hostile: the override is not escaped")
raw = open(os.path.join(tmp, "hostile.html"), encoding="utf-8").read()
secret_fields = [l[l["kind"]].get("secret") for l in lines if "secret" in l.get(l["kind"], {})]
if "pw1" not in raw and "pw4" not in raw and not secret_fields:
    ok("hostile: no secret in the page (as in the JSON)")
else:
    bad("hostile: a secret is in the page")

print("report: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
EOF
