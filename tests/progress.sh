#!/bin/sh
# progress.sh - the offline progress line, seen as a person sees it: edgeward
# runs on a pseudo-terminal (python's pty) with two -r files of equal size; the test
# stops and continues it (SIGSTOP/SIGCONT, 3% duty) so a short capture
# takes seconds of wall time and the line is redrawn several times.
#   1. on a terminal: lines redrawn in place ("\r", erase to end of line),
#      at most about four a second, each with the share of all files read
#      (never going back, never 100%, matching the packets read of all
#      twelve files),
#      packets, packets/s, flows, findings and ETA; the line is erased at
#      the end and the summary follows; the findings are the same as a
#      run without a terminal;
#   2. stderr not a terminal: no progress line (no "\r", no ETA);
#   3. -q on a terminal: nothing on stderr at all.
set -u
top=$(cd "${srcdir:-.}" && pwd)
bin=$(cd "$(dirname "${EDGEWARD:-./edgeward}")" && pwd)/$(basename "${EDGEWARD:-./edgeward}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v python3 >/dev/null 2>&1 || { echo "progress: python3 missing (./setup.sh)"; exit 1; }
big=$top/pcaps/crafted/many_pairs.pcap
# The same capture under a second name: two inputs of equal size.
small=$tmp/many_pairs_again.pcap
cp "$big" "$small"
# A fixed key: secret fingerprints then match between runs.
cp "$top/tests/golden/hmac.key" "$tmp/hmac.key"
chmod 600 "$tmp/hmac.key"

python3 - "$bin" "$big" "$small" "$tmp" <<'EOF'
import os, pty, re, select, signal, subprocess, sys, time

binp, big, small, tmp = sys.argv[1:5]
key = ["--set", "secret_key_file=" + os.path.join(tmp, "hmac.key")]
# Twelve inputs, the capture and its copy six times: seconds of wall time
# at the duty below (and about a second even unthrottled), so the line is
# redrawn several times.
inputs = ["-r", big, "-r", small] * 6
passed = failed = 0

def ok(msg):
    global passed
    passed += 1
    print("ok - " + msg)

def bad(msg):
    global failed
    failed += 1
    print("FAIL - " + msg)

def on_pty(args, throttle):
    """Runs args with stderr (and stdin) on a pty, stdout to a file.
    Returns (pty bytes with arrival times, exit status, wall seconds)."""
    out = open(os.path.join(tmp, "pty.json"), "wb")
    master, slave = pty.openpty()
    t0 = time.monotonic()
    p = subprocess.Popen(args, stdin=slave, stdout=out, stderr=slave,
                         close_fds=True)
    os.close(slave)
    if throttle:
        # Real-time priority for this driver only (the child keeps its
        # own): under load it must still stop the child on time, or the
        # child runs unthrottled.  Without the right, go on as is.
        try:
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
        except (OSError, AttributeError):
            pass
    chunks, running, next_switch = [], True, t0
    while True:
        now = time.monotonic()
        if throttle and p.poll() is None and now >= next_switch:
            # 3 ms running, 97 ms stopped
            try:
                os.kill(p.pid, signal.SIGCONT if not running else signal.SIGSTOP)
            except ProcessLookupError:
                pass
            running = not running
            next_switch = now + (0.003 if running else 0.097)
        r, _, _ = select.select([master], [], [],
                                max(0.0, min(0.003, next_switch - now)))
        if r:
            try:
                d = os.read(master, 65536)
            except OSError:
                d = b""
            if not d:
                break
            chunks.append((time.monotonic() - t0, d))
        elif p.poll() is not None:
            # drain what is left
            try:
                while select.select([master], [], [], 0.05)[0]:
                    d = os.read(master, 65536)
                    if not d:
                        break
                    chunks.append((time.monotonic() - t0, d))
            except OSError:
                pass
            break
    if p.poll() is None:
        os.kill(p.pid, signal.SIGCONT)
    try:
        os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
    except (OSError, AttributeError):
        pass
    rc = p.wait()
    os.close(master)
    out.close()
    return chunks, rc, time.monotonic() - t0

# 1. on a terminal, throttled
chunks, rc, wall = on_pty([binp] + key + inputs + ["-o",
                           os.path.join(tmp, "tty.json")], True)
raw = b"".join(d for _, d in chunks).decode("utf-8", "replace")
open(os.path.join(tmp, "pty.txt"), "w").write(raw)
if rc == 0:
    ok("exit 0 on a terminal (%.1f s wall)" % wall)
else:
    bad("exit %d" % rc)
line_re = re.compile(r"\r(?:\s*([0-9.]+)%  )?([0-9.]+(?: [kMG])?) packets  "
                     r"([0-9.]+(?: [kMG])?) packets/s  ([0-9.]+(?: [kMG])?) flows  "
                     r"([0-9.]+(?: [kMG])?) findings(?:  ETA (\d+):(\d\d))?\x1b\[K")
lines = line_re.findall(raw)
if len(lines) >= 2:
    ok("%d progress lines drawn" % len(lines))
else:
    bad("%d progress lines drawn (want 2 or more): %r" % (len(lines), raw[:300]))
# redraw rate: times of the chunks that carry a line
times = [t for t, d in chunks if b"packets/s  " in d and b"\x1b[K" in d
         and b"summary" not in d]
if len(times) >= 2:
    span = times[-1] - times[0]
    rate = (len(times) - 1) / span if span > 0 else 99
    if rate <= 5.0:
        ok("redrawn %.1f times a second (at most 4 + jitter)" % rate)
    else:
        bad("redrawn %.1f times a second" % rate)
pcts = [float(l[0]) for l in lines if l[0]]
if pcts and len(pcts) == len(lines) and all(b >= a for a, b in zip(pcts, pcts[1:])) \
        and pcts[-1] < 100.0 and pcts[0] < pcts[-1]:
    ok("share of all files read: %.1f%% .. %.1f%%, never back" % (pcts[0], pcts[-1]))
else:
    bad("shares: %r" % pcts)
# Twelve inputs of equal size: the share must be that of all of them,
# which the packet count on the same line tells (a share per file would be
# twelve times it while the first file is read, and go back at the next).
def num(t):
    f = {"k": 1e3, "M": 1e6, "G": 1e9}
    p = t.split(" ")
    return float(p[0]) * (f[p[1]] if len(p) > 1 else 1)
m = re.search(r"packets +(\d+)\r?\n", raw)
total_pkts = int(m.group(1)) if m else 0
off = [abs(float(l[0]) - 100.0 * num(l[1]) / total_pkts)
       for l in lines if l[0]] if total_pkts else [99]
if off and max(off) < 3.0:
    ok("the share is of all twelve files: packets read / all packets, "
       "within %.1f points on every line" % max(off))
else:
    bad("shares do not match the packets read of all files: %r" % off)
if all(l[5] != "" for l in lines[1:]):
    ok("ETA on every line after the first")
else:
    bad("ETA missing: %r" % [l for l in lines if l[5] == ""][:3])
fl = [l[3] for l in lines]
fi = [l[4] for l in lines]
if any(x not in ("0",) for x in fl) and any(x not in ("0",) for x in fi):
    ok("flows (%s) and findings (%s) counted while running" % (fl[-1], fi[-1]))
else:
    bad("flows %r findings %r" % (fl[-3:], fi[-3:]))
tail = raw[raw.rfind("\x1b[K"):] if lines else raw
if "edgeward summary" in raw and \
        raw[:raw.index("edgeward summary")].endswith("\r\x1b[K"):
    ok("line erased at the end, summary after it")
else:
    bad("no erase before the summary")

# the same findings as without a terminal
subprocess.run([binp, "-q"] + key + inputs + ["-o",
                os.path.join(tmp, "plain.json")], check=False)
def norm(path):
    # run ids differ between runs (finding_id, follow-ups' "of")
    return [re.sub(r'"(finding_id|of)":"[0-9a-f]*-', '"\\1":"X-', l)
            for l in open(path).read().splitlines()]
a, b = norm(os.path.join(tmp, "tty.json")), norm(os.path.join(tmp, "plain.json"))
if a == b and len(a) > 0:
    ok("findings identical with and without the line (%d)" % len(a))
else:
    bad("findings differ: %d vs %d" % (len(a), len(b)))

# 2. stderr to a file
with open(os.path.join(tmp, "err.txt"), "wb") as e:
    rc = subprocess.run([binp] + inputs + ["-o", os.devnull],
                        stderr=e).returncode
err = open(os.path.join(tmp, "err.txt"), "rb").read()
if rc == 0 and b"\r" not in err and b"ETA" not in err and b"\x1b" not in err \
        and b"edgeward summary" in err:
    ok("stderr not a terminal: summary only, no progress line")
else:
    bad("stderr not a terminal: %r" % err[:200])

# 3. -q on a terminal
chunks, rc, wall = on_pty([binp, "-q"] + inputs + ["-o", os.devnull],
                          False)
raw = b"".join(d for _, d in chunks)
if rc == 0 and raw == b"":
    ok("-q on a terminal: nothing on stderr")
else:
    bad("-q on a terminal: %r" % raw[:200])

print("progress: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
EOF
