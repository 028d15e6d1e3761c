#!/usr/bin/env python3
"""A small QMP client for the hypervisor tests (tests/system/hv_*.sh).

    qmp.py SOCKET COMMAND [JSON-ARGUMENTS]   run one command, print its "return" as JSON
                                             (exit 1 with the error's desc on stderr)
    qmp.py SOCKET --wait-event NAME [SECS]   print the data of the first event NAME

Waits up to 20 s for the socket to appear.
"""
import json
import os
import socket
import sys
import time


class Qmp:
    def __init__(self, path, wait=20.0):
        deadline = time.time() + wait
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.s.settimeout(30)
        self.buf = b""
        self.events = []  # received, not yet returned by wait_event
        self.seen = []    # returned by wait_event
        greeting = self.read()
        assert "QMP" in greeting, greeting
        self.cmd("qmp_capabilities")

    def read(self):
        while b"\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("monitor closed the connection")
            self.buf += d
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, args=None):
        msg = {"execute": name}
        if args is not None:
            msg["arguments"] = args
        self.s.sendall((json.dumps(msg) + "\n").encode())
        while True:
            r = self.read()
            if "event" in r:
                self.events.append(r)
                continue
            return r

    def wait_event(self, name, secs):
        """The first event NAME not returned before (kept in self.seen too)."""
        deadline = time.time() + secs
        while True:
            for i, e in enumerate(self.events):
                if e["event"] == name:
                    self.seen.append(self.events.pop(i))
                    return e
            if time.time() >= deadline:
                return None
            self.s.settimeout(1)
            try:
                r = self.read()
            except socket.timeout:
                continue
            finally:
                self.s.settimeout(30)
            if "event" in r:
                self.events.append(r)


def main():
    q = Qmp(sys.argv[1])
    if sys.argv[2] == "--wait-event":
        e = q.wait_event(sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 30)
        if not e:
            print("no event " + sys.argv[3], file=sys.stderr)
            return 1
        print(json.dumps(e.get("data", {})))
        return 0
    args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else None
    r = q.cmd(sys.argv[2], args)
    if "error" in r:
        print(r["error"].get("desc", r["error"]), file=sys.stderr)
        return 1
    print(json.dumps(r["return"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
