#!/usr/bin/env bash
# Durability of virtio-blk writes: the guest (booted from an ext4 root disk) appends
# numbered records to /log, running `sync` after each and then printing "synced R.N";
# rvisor is killed with SIGKILL at a random moment. Afterwards every record the guest
# reported as synced must be in the image, and e2fsck -fy on a copy must exit 0 or 1
# (journal replay allowed). ROUNDS rounds (default 3); bench/durability.sh runs many.
source "$(dirname "$0")/common.bash"

ROUNDS=${ROUNDS:-3}
ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
PATH=$PATH:/sbin:/usr/sbin
for f in "$ROMS/Image" "$ROMS/busybox"; do
    [ -f "$f" ] || { not_ok "missing $f: run roms/build.sh"; finish; exit 1; }
done
command -v debugfs >/dev/null || { not_ok "debugfs missing (e2fsprogs)"; finish; exit 1; }

mkdir -p "$WORK/disk"
cat >"$WORK/disk/test.sh" <<'T'
r=$(sed -n 's/.*rvisor.round=\([0-9]*\).*/\1/p' /proc/cmdline)
i=0
while :; do
    i=$((i + 1))
    echo "$r.$i" >>/log
    sync
    echo "synced $r.$i"
done
T
"$HERE/../../roms/mkrootfs.sh" "$WORK/root.img" 32M "$WORK/disk" || { not_ok "mkrootfs"; finish; exit 1; }

for r in $(seq 1 "$ROUNDS"); do
    want=$((5 + RANDOM % 30))
    "$RVISOR" -m 256M -no-reboot -kernel "$ROMS/Image" \
        -drive "file=$WORK/root.img,format=raw,if=virtio" \
        -append "console=ttyS0 panic=-1 root=/dev/vda rw rvisor.test=1 rvisor.round=$r" \
        </dev/null >"$WORK/out" 2>&1 &
    pid=$!
    for _ in $(seq 1 600); do
        [ "$(grep -c "^synced $r\." "$WORK/out")" -ge "$want" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    last=$(tr -d '\r' <"$WORK/out" | sed -n "s/^synced $r\.\([0-9]*\)$/\1/p" | tail -1)
    if [ -z "$last" ]; then not_ok "round $r: the guest never synced"; continue; fi
    cp "$WORK/root.img" "$WORK/copy.img"
    e2fsck -fy "$WORK/copy.img" >"$WORK/fsck" 2>&1
    rc=$?
    if [ "$rc" -le 1 ]; then ok "round $r: e2fsck -fy exit $rc after SIGKILL at record $last"
    else not_ok "round $r: e2fsck exit $rc: $(tail -3 "$WORK/fsck")"; fi
    debugfs -R "cat /log" "$WORK/copy.img" 2>/dev/null >"$WORK/log"
    missing=0
    for i in $(seq 1 "$last"); do
        grep -qx "$r.$i" "$WORK/log" || missing=$((missing + 1))
    done
    if [ "$missing" -eq 0 ]; then ok "round $r: all $last synced records are on the disk"
    else not_ok "round $r: $missing of $last synced records missing"; fi
done

finish
