#!/usr/bin/env bash
# The GDB stub on a Linux boot (built-in SBI, 2 harts): rvisor -S waits at the kernel entry, gdb-multiarch with the kernel's vmlinux
# symbols breaks at start_kernel (a virtual address: the breakpoint matches once the MMU
# is on), reads $satp, $sp and $priv there, lists the harts as threads, then deletes the
# breakpoint and detaches; the guest boots to init and powers off (exit status 0).
# Needs the images of roms/build.sh (vmlinux from its Linux build).
source "$(dirname "$0")/common.bash"
source "$HERE/gdb_common.bash"

ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
VMLINUX=$ROMS/work/linux-build/vmlinux
for f in "$ROMS/Image" "$ROMS/initramfs.cpio.gz" "$VMLINUX"; do
    [ -f "$f" ] || { not_ok "missing $f: run roms/build.sh"; finish; exit 1; }
done

TIMEOUT=300 start_stub "$WORK/rv" -m 256M -smp 2 -no-reboot -S -kernel "$ROMS/Image" \
    -initrd "$ROMS/initramfs.cpio.gz" -append "console=ttyS0 panic=-1 rvisor.test=1" || { finish; exit 1; }
run_gdb "$WORK/gdb" "$VMLINUX" '
printf "T:start-pc 0x%lx\n", $pc
info threads
break start_kernel
continue
printf "T:in %d\n", $pc == start_kernel
info symbol $pc
printf "T:satp-mode %d\n", ($satp >> 60) & 0xf
printf "T:sp-kernel %d\n", ((unsigned long)$sp >> 32) == 0xffffffff
printf "T:priv %d\n", $priv
delete
detach'
expect_output "gdb: -S stopped before the first instruction" '^T:start-pc 0x80200000' "$WORK/gdb"
expect_output "gdb: both harts are threads" '^ +2 +Thread 2 \(hart 1, S-mode\)' "$WORK/gdb"
expect_output "gdb: breakpoint at start_kernel hit" 'Breakpoint 1, .*start_kernel' "$WORK/gdb"
expect_output "gdb: stopped exactly at start_kernel" '^T:in 1' "$WORK/gdb"
expect_output "gdb: info symbol" '^start_kernel in section \.init\.text' "$WORK/gdb"
expect_output "gdb: satp has paging on there" '^T:satp-mode (8|9|10)$' "$WORK/gdb"
expect_output "gdb: sp is a kernel address" '^T:sp-kernel 1' "$WORK/gdb"
expect_output "gdb: the kernel runs in S-mode" '^T:priv 1' "$WORK/gdb"
expect_output "gdb: detached" 'Inferior 1 .* detached' "$WORK/gdb"
wait_stub 0 "after detach the guest boots and powers off"
expect_output "the guest reached init" 'rvisor-init: ' "$WORK/rv.out"
expect_output "the guest powered off" 'reboot: Power down' "$WORK/rv.out"

finish
