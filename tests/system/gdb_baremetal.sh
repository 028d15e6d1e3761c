#!/usr/bin/env bash
# The GDB stub against a bare-metal C program (-bios none, -S): gdb-multiarch breaks at a
# symbol, single-steps, reads the registers, a CSR and the priv register, writes memory and
# reads it back (the program's exit status depends on that write), sets a watchpoint,
# and continues to the exit; a second run continues without the write and sees the
# failure code. Also: -s/-gdb usage errors, and -S keeps the harts from running.
source "$(dirname "$0")/common.bash"
source "$HERE/gdb_common.bash"

cat >"$WORK/prog.c" <<'C'
volatile unsigned long counter;
volatile unsigned long watched;
unsigned long buffer[4] = {1, 2, 3, 4};

__attribute__((noinline)) unsigned long compute(unsigned long n)
{
    unsigned long s = 0;
    for (unsigned long i = 0; i < n; i++)
        s += i * i;
    counter = s;
    return s;
}

__attribute__((noinline)) void touch(void)
{
    watched = buffer[0] + buffer[1];
}

void main_c(void)
{
    compute(10);
    touch();
    /* the sifive,test finisher: pass if the debugger wrote 0x55 into buffer[2], else 7 */
    *(volatile unsigned int *)0x100000 = buffer[2] == 0x55 ? 0x5555 : (0x3333 | (7 << 16));
    for (;;)
        ;
}
C
cat >"$WORK/start.S" <<'S'
    .section .text.init
    .globl _start
_start:
    la sp, stack_top
    call main_c
1:  j 1b
    .bss
    .align 4
    .space 4096
stack_top:
S
"$RISCV_CC" -march=rv64gc -mabi=lp64d -mcmodel=medany -nostdlib -nostartfiles -static -fno-pic \
    -no-pie -ffreestanding -O1 -g -T "$HERE/../isa/link.ld" -Wl,--build-id=none \
    -Wl,--no-warn-rwx-segments -o "$WORK/prog.elf" "$WORK/start.S" "$WORK/prog.c" ||
    { not_ok "cannot build the program"; finish; exit 1; }
ELF=$WORK/prog.elf

start_stub "$WORK/rv1" -M virt -bios none -m 64M -S -kernel "$ELF" || { finish; exit 1; }
run_gdb "$WORK/gdb1" "$ELF" '
info threads
break compute
continue
printf "T:at-compute %d\n", $pc == compute
printf "T:n %d\n", n
stepi
printf "T:stepped %d\n", $pc != compute
info registers
info registers pc
printf "T:mstatus 0x%lx\n", $mstatus
printf "T:misa 0x%lx\n", $misa
printf "T:priv %d\n", $priv
printf "T:mhartid %d\n", $mhartid
set var buffer[2] = 0x55
printf "T:buffer2 0x%lx\n", buffer[2]
x/4gx buffer
watch watched
continue
printf "T:watched %d\n", watched
delete
continue'
expect_output "gdb: the thread list names hart 0" 'Thread 1 \(hart 0, M-mode\)' "$WORK/gdb1"
expect_output "gdb: breakpoint at compute hit" 'Breakpoint 1, compute \(n=n@entry=10\)' "$WORK/gdb1"
expect_output "gdb: stopped exactly at compute" '^T:at-compute 1' "$WORK/gdb1"
expect_output "gdb: argument from the registers" '^T:n 10' "$WORK/gdb1"
expect_output "gdb: stepi moved the pc" '^T:stepped 1' "$WORK/gdb1"
expect_output "gdb: info registers shows sp" '^sp +0x8000[0-9a-f]+' "$WORK/gdb1"
expect_output "gdb: info registers shows pc in compute" '^pc +0x8000[0-9a-f]+[[:space:]].*<compute\+' "$WORK/gdb1"
expect_output "gdb: \$mstatus read" '^T:mstatus 0xa000' "$WORK/gdb1"
expect_output "gdb: \$misa read (RV64 IMAFDC SU)" '^T:misa 0x800000000014112d' "$WORK/gdb1"
expect_output "gdb: \$priv is M" '^T:priv 3' "$WORK/gdb1"
expect_output "gdb: \$mhartid" '^T:mhartid 0' "$WORK/gdb1"
expect_output "gdb: memory written and read back" '^T:buffer2 0x55' "$WORK/gdb1"
expect_output "gdb: x/4gx shows the write" '<buffer\+16>:\s+0x0000000000000055' "$WORK/gdb1"
expect_output "gdb: watchpoint set" 'Hardware watchpoint 2: watched' "$WORK/gdb1"
expect_output "gdb: watchpoint fired with old and new value" 'New value = 3' "$WORK/gdb1"
expect_output "gdb: the value after the watchpoint" '^T:watched 3' "$WORK/gdb1"
expect_output "gdb: continued to the exit" 'exited normally' "$WORK/gdb1"
wait_stub 0 "the program passed thanks to the debugger's write"

# Without the write the program fails with 7, and GDB hears of it.
start_stub "$WORK/rv2" -M virt -bios none -m 64M -S -kernel "$ELF" || { finish; exit 1; }
run_gdb "$WORK/gdb2" "$ELF" '
hbreak touch
continue
info breakpoints
continue'
expect_output "gdb: hardware breakpoint hit" 'Breakpoint 1, touch \(\)' "$WORK/gdb2"
expect_output "gdb: exit code reported" 'exited with code 07' "$WORK/gdb2"
wait_stub 7 "the program's own exit status"

# -S: nothing runs until the debugger continues, even with no debugger at all.
timeout 2 "$RVISOR" -M virt -bios none -m 64M -S -gdb tcp::0 -kernel "$ELF" </dev/null \
    >"$WORK/out" 2>"$WORK/err"
if [ $? -eq 124 ]; then ok "-S waits for the debugger"; else not_ok "-S did not wait"; fi

# Usage errors.
expect_status 2 "-gdb with a bad port" -- -gdb tcp::99999 -bios none -kernel "$ELF"
expect_one_error_line "-gdb with a bad port"
expect_status 2 "-gdb with no port" -- -gdb tcp:localhost -bios none -kernel "$ELF"
expect_one_error_line "-gdb with no port"
expect_status 2 "-gdb needs an argument" -- -bios none -kernel "$ELF" -gdb
expect_one_error_line "-gdb needs an argument"

finish
