#!/usr/bin/env python3
"""Malformed GDB remote-protocol input for rvisor's stub (tests/system/gdb_fuzz.sh).

Usage: gdb_fuzz.py PORT. Prints one "ok: ..." or "FAIL: ..." line per check; every check
opens its own connection on 127.0.0.1, so a stub that dropped one is still tested by the
next. Exit status 0 when every check passed.
"""
import random
import re
import socket
import sys
import time

PORT = int(sys.argv[1])
fails = 0


def report(name, cond, detail=""):
    global fails
    if cond:
        print("ok: " + name)
    else:
        fails += 1
        print("FAIL: %s %s" % (name, detail))


def connect():
    for _ in range(50):
        try:
            return socket.create_connection(("127.0.0.1", PORT), timeout=5)
        except OSError:
            time.sleep(0.1)
    raise SystemExit("FAIL: cannot connect to the stub")


def frame(body):
    return b"$" + body + b"#" + b"%02x" % (sum(body) & 0xFF)


def read_reply(s, timeout=5.0):
    """Reads until one whole $...#xx packet (acks before it are skipped)."""
    buf = b""
    end = time.time() + timeout
    s.settimeout(0.2)
    while time.time() < end:
        m = re.search(rb"\$([^#]*)#[0-9a-fA-F]{2}", buf)
        if m:
            return m.group(1)
        try:
            data = s.recv(65536)
        except socket.timeout:
            continue
        if not data:
            break
        buf += data
    return None


def ask(body):
    with connect() as s:
        s.sendall(frame(body))
        return read_reply(s)


def read_raw(s, n=1, timeout=5.0):
    s.settimeout(timeout)
    try:
        return s.recv(n)
    except socket.timeout:
        return b""


# Framing.
with connect() as s:
    s.sendall(b"$qSupported#00")
    report("bad checksum is nakked", read_raw(s) == b"-")
with connect() as s:
    s.sendall(b"$qSupported#zz")
    report("non-hex checksum is nakked", read_raw(s) == b"-")
with connect() as s:
    s.sendall(b"$" + b"A" * 20000 + b"#00")
    report("oversized packet is nakked", read_raw(s) == b"-")
with connect() as s:
    s.sendall(b"$qSupported" + b"x" * 300)  # no '#', then hang up
with connect() as s:
    s.sendall(b"$m8000")  # cut mid-way, then hang up
with connect() as s:
    rnd = random.Random(1234)
    s.sendall(bytes(rnd.randrange(256) for _ in range(65536)))
report("still answering after junk", ask(b"qSupported") is not None)
r = ask(b"qSupported")
report("qSupported", r is not None and b"PacketSize=" in r and b"qXfer:features:read+" in r, r)

# Memory.
r = ask(b"m80000000,ffffffffffffffff")
report("huge m length: a clamped reply", r is not None and 0 < len(r) <= 16384 and
       re.fullmatch(rb"[0-9a-f]+", r) is not None, r and r[:40])
report("m of unmapped memory: E0e", ask(b"m0,4") == b"E0e")
report("m with a 65-bit address: E01", ask(b"m10000000000000000,4") == b"E01")
report("m without a length: E01", ask(b"m80000000") == b"E01")
report("M with too few digits: E01", ask(b"M80000000,4:abcd") == b"E01")
report("M with bad hex: E01", ask(b"M80000000,1:zz") == b"E01")
report("X with a wrong length: E01", ask(b"X80000000,4:ab") == b"E01")
report("X of zero bytes: OK", ask(b"X80000000,0:") == b"OK")
report("X to unmapped memory: E0e", ask(b"X10,1:a") == b"E0e")

# Registers.
report("p out of range: E01", ask(b"p99999") == b"E01")
report("p of a CSR that does not exist: E01", ask(b"p%x" % (65 + 0x7C0)) == b"E01")
report("p with an overflowing number: E01", ask(b"p" + b"f" * 40) == b"E01")
report("p of priv", ask(b"p%x" % (65 + 4096)) == b"0300000000000000")
report("P out of range: E01", ask(b"P99999=0000000000000000") == b"E01")
report("P with a short value: E01", ask(b"P1=00") == b"E01")
report("P of priv 2 (not a mode): E01", ask(b"P%x=0200000000000000" % (65 + 4096)) == b"E01")
report("G too short: E01", ask(b"G0011") == b"E01")
r = ask(b"g")
report("g: 33 registers", r is not None and len(r) == 33 * 16, r and len(r))

# Breakpoints, run control, threads, queries.
report("Z of an unknown type: empty", ask(b"Z9,0,0") == b"")
report("Z without arguments: E01", ask(b"Z0") == b"E01")
report("Z2 of length 0: E01", ask(b"Z2,80000000,0") == b"E01")
report("vCont with a bad action: E01", ask(b"vCont;x") == b"E01")
report("vCont with a bad thread: E01", ask(b"vCont;c:99") == b"E01")
report("H alone: E01", ask(b"H") == b"E01")
report("Hg of a missing thread: E01", ask(b"Hg99") == b"E01")
report("T of a missing thread: E01", ask(b"T99") == b"E01")
report("qXfer past the end: l", ask(b"qXfer:features:read:target.xml:ffffffff,100") == b"l")
report("qXfer of another annex: E00", ask(b"qXfer:features:read:other.xml:0,100") == b"E00")
report("qXfer with a bad range: E01", ask(b"qXfer:features:read:target.xml:zz") == b"E01")
report("unknown packet: empty", ask(b"\x01\x02junk") == b"")

# No-ack mode, then Ctrl-C while running.
with connect() as s:
    s.sendall(frame(b"QStartNoAckMode"))
    ok = read_reply(s) == b"OK"
    s.sendall(b"+" + frame(b"qC"))
    ok = ok and read_reply(s) == b"QC1"
    s.sendall(frame(b"c"))
    time.sleep(0.3)
    s.sendall(b"\x03")
    r = read_reply(s)
    report("no-ack mode, continue, Ctrl-C stops with T02", ok and r is not None and
           r.startswith(b"T02thread:1;"), r)
sys.exit(1 if fails else 0)
