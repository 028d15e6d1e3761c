#!/usr/bin/env bash
# The serial console on stdin/stdout (-nographic): input from a pipe, a file and /dev/null;
# Ctrl-A escapes; and, on a pseudo-terminal, raw mode while running and the terminal modes
# given back after a normal exit, C-a x, SIGTERM and SIGHUP.
source "$(dirname "$0")/common.bash"

# The echo guest: prints [hh] for every byte received, powers off on 'q'.
build_guest echo
ECHO_ARGS=(-M virt -bios none -m 16M -nographic -kernel "$WORK/echo.elf")

# feed 'BYTES' WANT DESCRIPTION: printf BYTES | rvisor, check the exit status.
feed() {
    local bytes=$1 want=$2 what=$3
    printf "$bytes" | timeout 60 "$RVISOR" "${ECHO_ARGS[@]}" >"$WORK/out" 2>"$WORK/err"
    local got=$?
    if [ "$got" -eq "$want" ]; then ok "$what (exit $got)"; else
        not_ok "$what: exit $got, wanted $want"; sed 's/^/    /' "$WORK/err" | head -5; fi
}

feed 'ab\003\r\n\001\001q' 0 "piped input reaches the guest"
expect_output "bytes pass untranslated, C-a C-a sends one C-a" '^\[61\]\[62\]\[03\]\[0d\]\[0a\]\[01\]$'
expect_output "the guest finished" '^bye$'

# C-a x ends the run at once, so the bytes before it are given time to reach the guest.
(printf 'a\001zb\001hc'; sleep 1; printf '\001xq') |
    timeout 60 "$RVISOR" "${ECHO_ARGS[@]}" >"$WORK/out" 2>"$WORK/err"
got=$?
if [ "$got" -eq 0 ]; then ok "C-a x from a pipe quits (exit 0)"; else
    not_ok "C-a x from a pipe: exit $got, wanted 0"; sed 's/^/    /' "$WORK/err" | head -5; fi
seen=$(grep -o '\[..\]' "$WORK/out" | tr -d '\n')
if [ "$seen" = "[61][62][63]" ]; then ok "C-a + another byte is swallowed, C-a h is not for the guest"
else not_ok "the guest saw '$seen', wanted [61][62][63]"; fi
expect_output "C-a h prints the help" 'C-a x +exit emulator'
expect_output "C-a x says so" 'rvisor: terminated'
if grep -q '^bye' "$WORK/out"; then not_ok "C-a x: the guest saw the q after it"
else ok "C-a x: nothing after it reaches the guest"; fi

printf 'from a file\001\001q' >"$WORK/input"
timeout 60 "$RVISOR" "${ECHO_ARGS[@]}" <"$WORK/input" >"$WORK/out" 2>"$WORK/err"
got=$?
if [ "$got" -eq 0 ]; then ok "input from a file (exit 0)"; else not_ok "input from a file: exit $got"; fi
expect_output "file input reaches the guest" '^\[66\]\[72\]\[6f\]\[6d\]\[20\].*\[01\]$'

# Input that ends (or never comes) is not an error and never blocks the guest: it keeps
# running until the instruction limit.
expect_status 124 "stdin /dev/null: the guest keeps running" -- "${ECHO_ARGS[@]}" --max-insns 3000000
expect_output "stdin /dev/null: output still flows" '^echo ready$'
exec {pipe_fd}< <(exec sleep 60 2>/dev/null)
sleeper=$!
timeout 60 "$RVISOR" "${ECHO_ARGS[@]}" --max-insns 3000000 <&$pipe_fd >"$WORK/out" 2>"$WORK/err"
got=$?
exec {pipe_fd}<&-
kill "$sleeper" 2>/dev/null
if [ "$got" -eq 124 ]; then ok "an open pipe with no data does not block the guest"
else not_ok "an open pipe with no data: exit $got, wanted 124"; fi

# ---- on a pseudo-terminal ----
PY=$(command -v python3 || true)
if [ -z "$PY" ] || ! "$PY" -c 'import pty, termios' 2>/dev/null; then
    echo "skip: no python3 with pty/termios: terminal tests not run"
    finish
    exit
fi

# tty_run SCENARIO: runs rvisor on a fresh pty (its controlling terminal), types into it,
# and prints "key=value" lines the checks below grep for. The pty's modes are compared
# with `stty -g`-like snapshots (tcgetattr on the slave) before and after.
cat >"$WORK/ptyrun.py" <<'EOF'
import os, pty, select, signal, subprocess, sys, termios, time

rvisor, scenario = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
master, slave = pty.openpty()
before = termios.tcgetattr(slave)

def setsid_ctty():
    os.setsid()
    import fcntl
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)

proc = subprocess.Popen([rvisor] + args, stdin=slave, stdout=slave, stderr=slave,
                        preexec_fn=setsid_ctty, close_fds=True)
out = b""

def pump(seconds, until=None):
    global out
    end = time.time() + seconds
    while time.time() < end:
        if until is not None and until in out:
            return True
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                data = os.read(master, 4096)
            except OSError:
                return False
            if not data:
                return False
            out += data
    return until is None or until in out

pump(20, b"echo ready")
during = termios.tcgetattr(slave)
lflag, iflag, oflag = during[3], during[0], during[1]
print("raw=%d" % (not (lflag & (termios.ICANON | termios.ECHO | termios.ISIG))
                  and not (iflag & termios.ICRNL)))
print("opost=%d" % bool(oflag & termios.OPOST))

if scenario == "type":
    os.write(master, b"Z\x03\r")
    pump(10, b"[0d]")
    os.write(master, b"\x01h")
    pump(10, b"exit emulator")
    os.write(master, b"q")
elif scenario == "quit":
    os.write(master, b"\x01x")
elif scenario == "stopcont":
    # stopped, the shell puts its own modes back; on SIGCONT rvisor takes raw mode again
    proc.send_signal(signal.SIGSTOP)
    time.sleep(0.3)
    termios.tcsetattr(slave, termios.TCSANOW, before)
    proc.send_signal(signal.SIGCONT)
    pump(0.5)
    again = termios.tcgetattr(slave)
    print("raw_again=%d" % (not (again[3] & (termios.ICANON | termios.ECHO | termios.ISIG))))
    os.write(master, b"\x01x")
elif scenario == "sigterm":
    pump(0.3)
    proc.send_signal(signal.SIGTERM)
elif scenario == "sighup":
    pump(0.3)
    proc.send_signal(signal.SIGHUP)

deadline = time.time() + 30
while proc.poll() is None and time.time() < deadline:
    pump(0.1)
if proc.poll() is None:
    proc.kill()
    print("status=timeout")
else:
    print("status=%d" % proc.returncode)
pump(0.2)
after = termios.tcgetattr(slave)
print("restored=%d" % (after == before))
print("crlf=%d" % (b"echo ready\r\n" in out))
print("echoed=%d" % (b"Z" in out))
sys.stdout.write("output=" + repr(out) + "\n")
EOF

# tty SCENARIO: run it; the results land in $WORK/tty.
tty() {
    "$PY" "$WORK/ptyrun.py" "$RVISOR" "$1" "${ECHO_ARGS[@]}" >"$WORK/tty" 2>&1
}
tty_expect() { # DESCRIPTION key=value
    if grep -qx -- "$2" "$WORK/tty"; then ok "$1"; else
        not_ok "$1: wanted $2, got:"; sed 's/^/    /' "$WORK/tty" | head -12; fi
}

tty type
tty_expect "tty: raw mode while running" raw=1
tty_expect "tty: output processing kept" opost=1
tty_expect "tty: the guest's \\n prints as CR LF" crlf=1
tty_expect "tty: the guest exits normally" status=0
tty_expect "tty: modes restored after a normal exit" restored=1
tty_expect "tty: typed keys are not echoed by the terminal" echoed=0
expect_output "tty: Ctrl-C and CR reach the guest as they are" '\[5a\]\[03\]\[0d\]' "$WORK/tty"
expect_output "tty: C-a h prints the help" 'C-a x +exit emulator' "$WORK/tty"

tty quit
tty_expect "tty: C-a x quits" status=0
tty_expect "tty: modes restored after C-a x" restored=1

tty stopcont
tty_expect "tty: raw mode again after SIGSTOP / SIGCONT" raw_again=1
tty_expect "tty: modes restored after SIGSTOP / SIGCONT and C-a x" restored=1

tty sigterm
tty_expect "tty: SIGTERM ends rvisor by that signal" status=-15
tty_expect "tty: modes restored after SIGTERM" restored=1

tty sighup
tty_expect "tty: SIGHUP ends rvisor by that signal" status=-1
tty_expect "tty: modes restored after SIGHUP" restored=1

finish
