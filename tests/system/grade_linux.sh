#!/usr/bin/env bash
# rvisor grade on the Linux-userland example (examples/linux): the student's static
# program and test.sh are added to the initramfs, the dialogue talks to it through the
# console, and the job gets its full score; a broken submission loses the right points.
# Needs the images of roms/build.sh.
source "$(dirname "$0")/common.bash"
ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
for f in "$ROMS/Image" "$ROMS/initramfs.cpio.gz"; do
    [ -f "$f" ] || { not_ok "missing $f: run roms/build.sh"; finish; exit 1; }
done
EX="$HERE/../../examples/linux"
cp "$EX/job.json" "$EX/test.sh" "$WORK/"
"$RISCV_CC" -O2 -static -o "$WORK/upper" "$EX/upper.c" || { not_ok "cross-compile upper.c"; finish; exit 1; }
timeout 300 "$RVISOR" grade "$WORK/job.json" --results "$WORK/r.json" --json "$WORK/j.json" \
    --transcript "$WORK/tr" </dev/null >"$WORK/out" 2>"$WORK/err"
st=$?
[ $st -eq 0 ] && ok "linux example: exit 0" || { not_ok "linux example: exit $st"; cat "$WORK/out" "$WORK/err" | head -30; }
expect_output "linux example: 10/10" '10/10 points, 5 of 5 tests passed'
expect_output "linux example: powered off through SBI" 'powered off \(sbi\)'
expect_output "linux example: program's output in the transcript" '^RISC-V ROCKS' "$WORK/tr"

# a submission that forgets to upper-case and exits 1
sed 's/toupper((unsigned char)\*p)/*p/; s/return 0;/return 1;/' "$EX/upper.c" >"$WORK/bad.c"
"$RISCV_CC" -O2 -static -o "$WORK/upper" "$WORK/bad.c"
timeout 300 "$RVISOR" grade "$WORK/job.json" --results "$WORK/r2.json" </dev/null >"$WORK/out" 2>"$WORK/err"
st=$?
[ $st -eq 1 ] && ok "broken submission: exit 1" || not_ok "broken submission: exit $st"
expect_output "broken submission: 0/10" ': 0/10 points'
expect_output "broken submission: a dialogue step timed out" 'one line +failed: timed out'
finish
