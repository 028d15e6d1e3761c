#!/usr/bin/env bash
# The built-in SBI on several harts (issue 6), from an S-mode guest
# (tests/system/sbi_smp/sbi_smp.c; its header lists the checks): HSM hart_start /
# hart_stop / hart_get_status / retentive and non-retentive hart_suspend with their error
# codes, IPIs by hart_mask and hart_mask_base = -1, RFENCE argument checks, and remote
# sfence.vma / fence.i that must reach another hart's TLB and cached instructions. The
# guest shuts down through SRST with reason 0 (all passed) or 1 (exit status 1).
source "$(dirname "$0")/common.bash"
S="$HERE/sbi_smp"
RUNS=${RUNS:-3}

build_guest() { # build_guest NHARTS: $WORK/sbi_smp-N.elf
    "$RISCV_CC" -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -O2 -Wall \
        -fno-strict-aliasing -ffreestanding -fno-pic -no-pie -nostdlib -nostartfiles -static \
        -DNHARTS="$1" -T "$S/link.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
        -o "$WORK/sbi_smp-$1.elf" "$S/start.S" "$S/sbi_smp.c" -lgcc ||
        { not_ok "cannot build the SBI SMP guest for $1 harts"; finish; exit 1; }
}

run_guest() { # run_guest NHARTS RUN
    local n=$1 what="-smp $1, run $2"
    expect_status 0 "$what: the guest shuts down with every check passed" -- \
        -M virt -smp "$n" -m 64M -kernel "$WORK/sbi_smp-$n.elf"
    if grep -q "^sbi_smp: all passed" "$WORK/out"; then ok "$what: all checks passed"
    else
        not_ok "$what: the guest reported:"
        grep -A1 '^FAIL' "$WORK/out" | grep -vE '^(--|ok: )' | sed 's/^/    /'
        grep -q '^sbi_smp: ' "$WORK/out" || tail -3 "$WORK/out" | sed 's/^/    /'
    fi
    cp "$WORK/out" "$WORK/out-$n-$2"
}

for n in 2 4 32; do build_guest $n; done
for ((r = 1; r <= RUNS; r++)); do run_guest 4 $r; done
run_guest 2 1
run_guest 32 1
expect_output "-smp 4: the other harts saw the page table change" \
    "^ok: after remote_sfence_vma hart 1 sees the new mapping" "$WORK/out-4-1"
expect_output "-smp 4: the other harts ran the rewritten code" \
    "^ok: after remote_fence_i hart 1 runs the new code" "$WORK/out-4-1"
finish
