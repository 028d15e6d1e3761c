#!/usr/bin/env bash
# The SDL window under Xvfb: Linux boots with -display sdl, binds the virtio keyboard and
# tablet, a shell on tty1 runs a command typed into the window with xdotool (it writes to
# ttyS0, which this test reads), the tablet reports the pointer's position as EV_ABS
# events, and closing the window powers the machine off with status 0. Without a display
# server -display sdl fails with one error line. Skipped without Xvfb/xdotool
# (apt-get install xvfb xdotool) or in a build without SDL2.
source "$(dirname "$0")/common.bash"
# SDL's X11 and Mesa (llvmpipe) and libdbus keep allocations until exit; under
# AddressSanitizer these show up as leaks in those libraries, not in rvisor (whose own leaks
# the other tests cover), so leak detection is off for the windowed runs only.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
MKINITRAMFS="$HERE/../../roms/mkinitramfs.sh"

DISPLAY= expect_status 2 "-display sdl without a display server" -- -display sdl -kernel /dev/null
expect_one_error_line "-display sdl without a display server"
if grep -q "without SDL2" "$WORK/err"; then
    echo "skip: this rvisor was built without SDL2"; finish; exit
fi
for tool in Xvfb xdotool python3; do
    command -v $tool >/dev/null || { echo "skip: $tool is not installed"; finish; exit; }
done
for f in "$ROMS/Image" "$ROMS/busybox"; do
    [ -f "$f" ] || { not_ok "missing $f: run roms/build.sh"; finish; exit 1; }
done

Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$WORK/display" 2>/dev/null &
XVFB=$!
trap 'kill $XVFB 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
[ -s "$WORK/display" ] || { not_ok "Xvfb did not start"; finish; exit 1; }
export DISPLAY=:$(cat "$WORK/display")

# wait_for PATTERN FILE SECONDS
wait_for() {
    for _ in $(seq $((${3} * 10))); do grep -q -- "$1" "$2" && return 0; sleep 0.1; done
    return 1
}
window() { xdotool search --name "^rvisor - vm0\$" 2>/dev/null | head -1; }

# ---- typing into the window, the tablet
mkdir -p "$WORK/extra"
cat >"$WORK/extra/test.sh" <<'EOS'
for e in /sys/class/input/event*; do echo "T:input: $(basename $e) $(cat $e/device/name)"; done
tab=$(for e in /sys/class/input/event*; do grep -q tablet $e/device/name && basename $e; done)
dd if=/dev/input/$tab of=/tmp/tablet bs=24 count=3 2>/dev/null &
setsid sh -c 'exec sh </dev/tty1 >/dev/tty1 2>&1' &
echo "T:ready"
i=0
while [ ! -f /tmp/typed ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
echo "T:tablet: $(od -An -tx1 -v /tmp/tablet | tr -d '\n')"
EOS
"$MKINITRAMFS" "$WORK/sdl.cpio.gz" "$WORK/extra" >/dev/null || { not_ok "mkinitramfs failed"; finish; exit 1; }

timeout 300 "$RVISOR" -display sdl -m 256M -no-reboot -kernel "$ROMS/Image" \
    -initrd "$WORK/sdl.cpio.gz" -append "console=tty0 console=ttyS0 panic=-1 rvisor.test=1" \
    </dev/null >"$WORK/out" 2>"$WORK/err" &
PID=$!
if wait_for "T:ready" "$WORK/out" 240 && w=$(window) && [ -n "$w" ]; then
    ok "the window is open: $(xdotool getwindowname "$w")"
    xdotool windowfocus "$w"
    sleep 0.5
    xdotool type --delay 40 'echo typed-$((6*7)) >/dev/ttyS0; touch /tmp/typed'
    xdotool key Return
    xdotool mousemove --window "$w" 100 200
    sleep 0.3
    xdotool mousemove --window "$w" 300 400
fi
wait $PID
st=$?
if [ $st -eq 0 ]; then ok "the guest powered off (exit 0)"; else not_ok "exit $st"; sed 's/^/    /' "$WORK/err" | head -5; fi
expect_output "virtio keyboard bound (evdev)" "T:input: event[0-9]+ rvisor virtio keyboard"
expect_output "virtio tablet bound (evdev)" "T:input: event[0-9]+ rvisor virtio tablet"
expect_output "the typed command ran in the guest" "^typed-42"
# struct input_event on riscv64: 16 bytes of time, type, code, value (little-endian).
# First pointer position 100,200 of 1024x768: ABS_X = 100*32767/1023 = 3202 (0x0c82), ABS_Y = 8544 (0x2160)
expect_output "tablet: ABS_X event" "T:tablet: .* 03 00 00 00 8[23] 0c 00 00"
expect_output "tablet: ABS_Y event" "T:tablet: .* 03 00 01 00 60 21 00 00"

# ---- closing the window powers the machine off
printf 'echo "T:waiting"\nsleep 100000\n' >"$WORK/extra/test.sh"
"$MKINITRAMFS" "$WORK/wait.cpio.gz" "$WORK/extra" >/dev/null
timeout 300 "$RVISOR" -display sdl -m 256M -kernel "$ROMS/Image" -initrd "$WORK/wait.cpio.gz" \
    -append "console=ttyS0 panic=-1 rvisor.test=1" </dev/null >"$WORK/out" 2>"$WORK/err" &
PID=$!
if wait_for "T:waiting" "$WORK/out" 240 && w=$(window) && [ -n "$w" ]; then
    python3 "$HERE/x11_close.py" "$w"
fi
wait $PID
st=$?
if [ $st -eq 0 ]; then ok "closing the window powers off (exit 0)"; else not_ok "close: exit $st"; fi
if [ -s "$WORK/err" ]; then not_ok "stderr not empty: $(head -3 "$WORK/err")"; else ok "nothing on stderr"; fi

finish
