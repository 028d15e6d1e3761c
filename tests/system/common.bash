# Helpers for whole-program tests: each test script gets $1 = rvisor, $2 = the built ISA
# test directory, $3 = the riscv64 cross compiler. Sourced, not run.
set -u
RVISOR=$1
ISA_DIR=$2
RISCV_CC=$3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAILS=0
PASSES=0

ok() { PASSES=$((PASSES + 1)); echo "ok: $*"; }
not_ok() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }

# build NAME 'assembly' [link address]: a bare-metal ELF from inline assembly.
build() {
    local name=$1 src=$2 addr=${3:-0x80000000}
    printf '%s\n' "$src" >"$WORK/$name.S"
    sed "s/0x80000000/$addr/" "$HERE/../isa/link.ld" >"$WORK/$name.ld"
    "$RISCV_CC" -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static -fno-pic -no-pie \
        -T "$WORK/$name.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
        -o "$WORK/$name.elf" "$WORK/$name.S"
}

# build_guest NAME: tests/system/guests/NAME.S plus the UART helpers of uart.inc ->
# $WORK/NAME.elf (a guest shared by tests).
build_guest() {
    build "$1" "$(cat "$HERE/guests/$1.S" "$HERE/guests/uart.inc")"
}

# expect_status WANT DESCRIPTION -- rvisor args...: runs rvisor, checks the exit status.
# The output goes to $WORK/out and $WORK/err; TIMEOUT (seconds, default 60) bounds the run.
expect_status() {
    local want=$1 what=$2
    shift 3
    timeout "${TIMEOUT:-60}" "$RVISOR" "$@" </dev/null >"$WORK/out" 2>"$WORK/err"
    local got=$?
    if [ "$got" -eq "$want" ]; then ok "$what (exit $got)"; else
        not_ok "$what: exit $got, wanted $want"; sed 's/^/    /' "$WORK/err" | head -5; fi
}

# expect_one_error_line: stderr is exactly one line that starts with "rvisor: ".
expect_one_error_line() {
    local what=$1 lines
    lines=$(wc -l <"$WORK/err")
    if [ "$lines" -eq 1 ] && grep -q '^rvisor: ' "$WORK/err"; then ok "$what: one error line"
    else not_ok "$what: stderr was:"; sed 's/^/    /' "$WORK/err" | head -5; fi
}

expect_output() {
    local what=$1 pattern=$2 file=${3:-$WORK/out}
    if grep -qE -- "$pattern" "$file"; then ok "$what"; else
        not_ok "$what: no '$pattern' in output:"; head -20 "$file" | sed 's/^/    /'; fi
}

finish() {
    echo "$PASSES passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
}
