#!/usr/bin/env python3
"""Raw-socket checks for tests/system/hv_monitor.sh (QMP framing of the rvisor monitor).

    hv_monitor_client.py proto MONITOR_SOCKET   the protocol, malformed input included
    hv_monitor_client.py console CONSOLE_SOCKET SEND WANT   send to a VM's socket console,
                                                            wait for WANT in its output

Prints one "ok: ..." or "FAIL: ..." line per check; exit status 1 if any failed.
"""
import json
import socket
import sys
import time

FAILS = 0


def check(cond, what, detail=""):
    global FAILS
    if cond:
        print("ok: " + what)
    else:
        FAILS += 1
        print("FAIL: " + what + (": " + detail if detail else ""))


class Client:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect(path)
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                return None
            self.buf += d
        l, self.buf = self.buf.split(b"\n", 1)
        return l

    def msg(self, skip_events=True):
        while True:
            l = self.line()
            if l is None:
                return None
            m = json.loads(l)
            if skip_events and "event" in m:
                continue
            return m

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.s.sendall(data)

    def cmd(self, execute, args=None, id=None):
        req = {"execute": execute}
        if args is not None:
            req["arguments"] = args
        if id is not None:
            req["id"] = id
        self.send(json.dumps(req) + "\n")
        return self.msg()

    def close(self):
        self.s.close()


def err_class(m):
    return m.get("error", {}).get("class") if m else None


def err_desc(m):
    return m.get("error", {}).get("desc", "") if m else ""


def proto(path):
    c = Client(path)
    g = c.msg()
    check(g and "QMP" in g and "capabilities" in g["QMP"] and "version" in g["QMP"],
          "greeting", str(g))
    m = c.cmd("query-vms", id=1)
    check(err_class(m) == "CommandNotFound" and "qmp_capabilities" in err_desc(m)
          and m.get("id") == 1, "commands are refused before qmp_capabilities", str(m))
    m = c.cmd("qmp_capabilities", id="neg")
    check(m == {"return": {}, "id": "neg"}, "qmp_capabilities returns {} with the id", str(m))
    m = c.cmd("qmp_capabilities")
    check(err_class(m) == "CommandNotFound", "a second qmp_capabilities is refused", str(m))

    m = c.cmd("query-vms", id={"n": [1, 2]})
    check(isinstance(m.get("return"), list) and m.get("id") == {"n": [1, 2]},
          "query-vms, any id echoed", str(m))
    names = [v.get("name") for v in m.get("return", [])]
    check(names == ["a", "b", "c"], "query-vms lists the VMs in config order", str(names))

    m = c.cmd("query-stats", {"vm": "a"})
    vms = m.get("return", {}).get("vms", [])
    check(len(vms) == 1 and len(vms[0].get("hart-stats", [])) == 2
          and all(k in vms[0] for k in ("share", "mips", "run-ns", "steal-ns", "parks",
                                        "committed", "quota", "peak")),
          "query-stats for one VM has its harts and every field", str(m)[:300])

    # malformed input of every kind: an error reply each, and the session goes on
    c.send("{\"execute\": }\n")
    m = c.msg()
    check(err_class(m) == "GenericError" and "JSON parse error" in err_desc(m)
          and "id" not in m, "malformed JSON: GenericError, no id", str(m))
    c.send("[1, 2]\n")
    check("must be a JSON object" in err_desc(c.msg()), "a non-object is refused")
    c.send("\"just a string\"\n")
    check("must be a JSON object" in err_desc(c.msg()), "a bare string is refused")
    c.send("hello there\n")
    check(err_class(c.msg()) == "GenericError", "plain text is refused")
    c.send("{\"id\": 5}\n")
    m = c.msg()
    check("lacks member 'execute'" in err_desc(m) and m.get("id") == 5, "missing execute",
          str(m))
    c.send("{\"execute\": [\"query-vms\"]}\n")
    check("must be a string" in err_desc(c.msg()), "execute must be a string")
    c.send("{\"execute\": \"query-vms\", \"arguments\": 3}\n")
    check("must be an object" in err_desc(c.msg()), "arguments must be an object")
    c.send("{\"execute\": \"query-vms\", \"extra\": 3}\n")
    check("'extra' is unexpected" in err_desc(c.msg()), "unknown members are refused")
    m = c.cmd("frobnicate")
    check(err_class(m) == "CommandNotFound", "unknown command: CommandNotFound", str(m))
    m = c.cmd("set-weight", {"vm": "a"})
    check("Parameter 'weight' is missing" in err_desc(m), "missing argument", str(m))
    m = c.cmd("set-weight", {"vm": "a", "weight": [1]})
    check("Invalid parameter type for 'weight'" in err_desc(m), "mistyped argument", str(m))
    m = c.cmd("set-weight", {"vm": "a", "weight": 256, "colour": "red"})
    check("'colour' is unexpected" in err_desc(m), "unexpected argument", str(m))
    m = c.cmd("vm-pause", {"vm": "nobody"})
    check(err_class(m) == "DeviceNotFound", "unknown VM: DeviceNotFound", str(m))
    c.send(b"{\"execute\": \"query-vms\", \"id\": \"\xff\xfe\"}\n")
    check(err_class(c.msg()) == "GenericError", "invalid UTF-8 is refused")
    # two requests in one write, one request in two writes, pretty-printed over lines
    c.send("{\"execute\": \"query-version\", \"id\": 1}{\"execute\": \"query-version\", "
           "\"id\": 2}")
    m1, m2 = c.msg(), c.msg()
    check(m1.get("id") == 1 and m2.get("id") == 2, "two requests in one write")
    c.send("{\"execute\": \"query-")
    time.sleep(0.1)
    c.send("version\", \"id\": 3}")
    check(c.msg().get("id") == 3, "one request in two writes")
    c.send("{\n  \"execute\": \"query-version\",\n  \"id\": 4\n}\n")
    check(c.msg().get("id") == 4, "a request over several lines")
    # a request that is far too long
    c.send("{\"execute\": \"query-vms\", \"id\": \"" + "x" * 100000 + "\"}\n")
    m = c.msg()
    check(err_class(m) == "GenericError" and "too long" in err_desc(m),
          "a 100 KB request is refused as too long", str(m)[:200])
    m = c.cmd("query-version", id=5)
    check(m.get("id") == 5 and "rvisor" in m["return"].get("package", ""),
          "the session goes on after a long request", str(m))
    c.close()

    # clients that vanish: mid-request, and with replies unread
    d = Client(path)
    d.msg()
    d.send("{\"execute\": \"qmp_capa")
    d.close()
    d = Client(path)
    d.msg()
    d.send("{\"execute\": \"qmp_capabilities\"}\n" +
           "{\"execute\": \"query-stats\"}\n" * 200)
    d.close()
    time.sleep(0.2)
    e = Client(path)
    check(e.msg() is not None, "the monitor survives clients that vanish")
    m = e.cmd("qmp_capabilities")
    check(m == {"return": {}}, "and negotiates with the next one", str(m))
    e.close()


def console(path, send, want):
    c = Client(path)
    time.sleep(0.2)  # the console's thread takes the client; output before that is dropped
    c.send(send)
    want = want.encode()
    got = b""
    deadline = time.time() + 10
    while want not in got and time.time() < deadline:
        try:
            d = c.s.recv(4096)
        except socket.timeout:
            break
        if not d:
            break
        got += d
    check(want in got, "the socket console delivers input and output", repr(got[-80:]))
    c.close()


if __name__ == "__main__":
    if not ((sys.argv[1:2] == ["proto"] and len(sys.argv) == 3) or
            (sys.argv[1:2] == ["console"] and len(sys.argv) == 5)):
        sys.exit("usage: hv_monitor_client.py proto SOCKET | console SOCKET SEND WANT")
    try:
        if sys.argv[1] == "proto":
            proto(sys.argv[2])
        else:
            console(sys.argv[2], sys.argv[3], sys.argv[4])
    except (OSError, ValueError, AttributeError) as e:
        check(False, sys.argv[1] + " checks ran to the end", repr(e))
    sys.exit(1 if FAILS else 0)
