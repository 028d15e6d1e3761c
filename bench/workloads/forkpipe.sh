#!/bin/sh
# forkpipe: fork/exec/pipe-heavy shell work, run by busybox ash in the guest.
#
#   forkpipe.sh LOOPS
#
# Each loop runs a command substitution holding a three-stage pipeline of short
# processes, r=$(echo "line $i" | sed 's/[0-9]/&&/g' | wc -c), then /bin/true: four or
# five forks and three execs of the (static) busybox binary, and pipe traffic between them.
# The sum of the r is compared with the value computed by shell arithmetic alone.
# Prints "wl: forkpipe work=LOOPS unit=loop ns=T check=SUM" (time from bench/nsclock).
n=${1:-100}
here=$(dirname "$0")
r=$(echo warm-up | sed 's/[0-9]/&&/g' | wc -c) # one untimed loop first, as the C workloads do
/bin/true
t0=$("$here/nsclock") || exit 1
i=0
s=0
while [ $i -lt "$n" ]; do
	r=$(echo "line $i" | sed 's/[0-9]/&&/g' | wc -c)
	/bin/true
	s=$((s + r))
	i=$((i + 1))
done
t1=$("$here/nsclock") || exit 1
e=0
i=0
while [ $i -lt "$n" ]; do
	e=$((e + 6 + 2 * ${#i}))
	i=$((i + 1))
done
if [ "$s" != "$e" ]; then
	echo "wl: forkpipe FAIL: the pipelines counted $s bytes, expected $e"
	exit 1
fi
echo "wl: forkpipe work=$n unit=loop ns=$((t1 - t0)) check=$(printf %016x "$s")"
