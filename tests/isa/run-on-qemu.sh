#!/usr/bin/env bash
# Cross-check ISA tests against qemu-system-riscv64: builds each given .S and runs it on
# QEMU's virt board. Used while writing tests, to make sure a test is right before it is
# used to judge rvisor. Usage: tests/isa/run-on-qemu.sh tests/isa/foo.S [...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
cc=${RISCV_CC:-riscv64-linux-gnu-gcc}
flags="-march=rv64gc_zba_zbb_zbs_zicsr_zifencei -mabi=lp64d -mcmodel=medany -nostdlib
 -nostartfiles -static -fno-pic -no-pie -I$here/include -T $here/link.ld
 -Wl,--no-warn-rwx-segments -Wl,--build-id=none"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fails=0
for src in "$@"; do
    name=$(basename "$src" .S)
    if ! $cc $flags -o "$out/$name.elf" "$src"; then
        echo "BUILD FAIL $name"; fails=$((fails + 1)); continue
    fi
    timeout 20 qemu-system-riscv64 -M virt -bios none -nographic -m 64M \
        -kernel "$out/$name.elf" </dev/null >"$out/$name.log" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then echo "pass $name"; else
        echo "FAIL $name (exit $rc: failing case number, 124 = hang)"; fails=$((fails + 1)); fi
done
exit $((fails > 0))
