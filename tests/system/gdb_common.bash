# Helpers of the gdb_*.sh tests (sourced after common.bash): start rvisor with a GDB stub on
# a free port of 127.0.0.1 and run gdb-multiarch in batch mode against it.
GDB=${GDB:-gdb-multiarch}
if ! command -v "$GDB" >/dev/null 2>&1; then
    not_ok "$GDB is not installed (apt-get install gdb-multiarch; scripts/setup.sh does)"
    finish
    exit 1
fi

# start_stub LOG ARGS...: rvisor -gdb tcp::0 ARGS in the background; sets RV_PID and PORT.
start_stub() {
    local log=$1
    shift
    timeout "${TIMEOUT:-120}" "$RVISOR" -gdb tcp::0 "$@" </dev/null >"$log.out" 2>"$log.err" &
    RV_PID=$!
    PORT=
    for _ in $(seq 100); do
        PORT=$(sed -n 's/^rvisor: gdb: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log.err")
        [ -n "$PORT" ] && return 0
        sleep 0.1
    done
    not_ok "rvisor did not report its gdb port: $(head -3 "$log.err")"
    return 1
}

# run_gdb OUT ELF COMMANDS: gdb-multiarch -batch on ELF, connected to $PORT.
run_gdb() {
    local out=$1 elf=$2 cmds=$3
    printf 'set pagination off\nset confirm off\ntarget remote 127.0.0.1:%s\n%s\n' "$PORT" \
        "$cmds" >"$WORK/cmds.gdb"
    timeout 120 "$GDB" -nx -batch -x "$WORK/cmds.gdb" "$elf" >"$out" 2>&1
}

# wait_stub WANT WHAT: rvisor's exit status must be WANT.
wait_stub() {
    local want=$1 what=$2 got
    wait "$RV_PID"
    got=$?
    if [ "$got" -eq "$want" ]; then ok "$what (rvisor exit $got)"
    else not_ok "$what: rvisor exit $got, wanted $want"; fi
}
