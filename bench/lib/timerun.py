#!/usr/bin/env python3
"""timerun.py LOG TIMEOUT MARKER [MARKER...] -- CMD...

Runs CMD (stdin /dev/null, stdout+stderr into one pipe), timestamps every output line as
it arrives (seconds since just before the process was started) and writes the lines with
their times to LOG. Prints one line: "<t_marker1> ... <t_exit> <status>", where a marker's
time is when the first line containing it arrived ("FAIL" if it never did) and status is
the exit status ("TIMEOUT" if the run was killed after TIMEOUT seconds)."""
import os, subprocess, sys, time, select

sep = sys.argv.index("--")
log, timeout, markers, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:sep], sys.argv[sep + 1:]
hits = [None] * len(markers)
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT, bufsize=0)
fd, buf, status = p.stdout.fileno(), b"", None
with open(log, "w", errors="replace") as out:
    def line(raw, t):
        s = raw.decode("utf-8", "replace")
        out.write("%10.6f %s\n" % (t, s.rstrip("\r\n")))
        for i, m in enumerate(markers):
            if hits[i] is None and m in s:
                hits[i] = t
    while True:
        left = t0 + timeout - time.monotonic()
        if left <= 0:
            p.kill(); status = "TIMEOUT"; break
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            continue
        chunk = os.read(fd, 65536)
        t = time.monotonic() - t0
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf:
            raw, buf = buf.split(b"\n", 1)
            line(raw, t)
    if buf:
        line(buf, time.monotonic() - t0)
    rc = p.wait()
    t_exit = time.monotonic() - t0
    if status is None:
        status = str(rc)
print(" ".join("%.6f" % h if h is not None else "FAIL" for h in hits), "%.6f" % t_exit, status)
