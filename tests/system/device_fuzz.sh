#!/usr/bin/env bash
# A guest that writes nonsense to every device register must not crash or hang rvisor.
source "$(dirname "$0")/common.bash"
G="$HERE/../guest"
for seed in 1 2 3; do
    "$RISCV_CC" -march=rv64gc -mabi=lp64d -mcmodel=medany -O2 -ffreestanding -fno-pic -no-pie \
        -nostdlib -nostartfiles -static -DSEED=$((seed * 7919 + 12345)) \
        -T "$HERE/../../roms/demo/link.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
        -o "$WORK/devfuzz$seed.elf" "$HERE/../../roms/demo/start.S" "$G/devfuzz.c" -lgcc ||
        { not_ok "cannot build the fuzz guest"; finish; exit 1; }
    expect_status 0 "device fuzz, seed $seed: no crash, no hang" -- -M virt -bios none -m 64M \
        --max-insns 400000000 -kernel "$WORK/devfuzz$seed.elf"
    expect_output "device fuzz, seed $seed: the guest finished" "devfuzz: done, faults [0-9]+"
done
finish
