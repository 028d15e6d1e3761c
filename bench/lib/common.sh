# shellcheck shell=bash disable=SC2034  # sourced by bench/*.sh, which use the variables
# Shared by bench/*.sh: paths, checks, the rvisor build, statistics.
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(dirname "$BENCH_DIR")
TIMERUN=$BENCH_DIR/lib/timerun.py
QEMU=${QEMU:-qemu-system-riscv64}

die() { echo "bench: error: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found${2:+ ($2)}"; }

# parse_runs ARGS...: sets RUNS (default 5) from --runs N; EXTRA holds what is left.
parse_runs() {
	RUNS=5; EXTRA=()
	while [ $# -gt 0 ]; do
		case "$1" in
		--runs) [ $# -ge 2 ] || die "--runs needs a number"; RUNS=$2; shift 2 ;;
		--runs=*) RUNS=${1#--runs=}; shift ;;
		*) EXTRA+=("$1"); shift ;;
		esac
	done
	case "$RUNS" in ''|*[!0-9]*|0) die "--runs must be a positive integer" ;; esac
}

# setup: checks the tools, makes WORK (logs; kept), sets RVISOR. $RVISOR overrides the
# build; otherwise rvisor is built (Release) in ${RVISOR_BENCH_BUILD:-$ROOT/build-bench}.
setup() {
	need python3; need "$QEMU" "apt-get install qemu-system-misc"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/rvisor-bench.XXXXXX")
	if [ -n "${RVISOR:-}" ]; then
		[ -x "$RVISOR" ] || die "RVISOR=$RVISOR is not an executable"
		return
	fi
	need cmake
	local b=${RVISOR_BENCH_BUILD:-$ROOT/build-bench}
	say "building rvisor (Release) in $b"
	{ cmake -S "$ROOT" -B "$b" -DCMAKE_BUILD_TYPE=Release &&
	  cmake --build "$b" -j"$(nproc 2>/dev/null || echo 2)" --target rvisor; } >"$WORK/build.log" 2>&1 ||
		{ tail -20 "$WORK/build.log" >&2; die "rvisor build failed (log: $WORK/build.log)"; }
	RVISOR=$b/rvisor
}

# stats FILE [DECIMALS]: "median min max count" of the numbers in FILE (one per line),
# or "- - - 0".
stats() {
	sort -g "$1" 2>/dev/null | awk -v d="${2:-3}" '{ v[NR] = $1 }
		END { if (!NR) { print "- - - 0"; exit }
		      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      f = "%." d "f"; printf f " " f " " f " %d\n", m, v[1], v[NR], NR }'
}

# ratio A B [DECIMALS]: A / B (two decimals by default), "-" if either is missing.
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%." d "f\n", a / b }'; }

# host_info: markdown lines describing the host and the versions.
host_info() {
	local rev; rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
	[ -z "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] || rev="$rev (with uncommitted changes)"
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), host: $(uname -m), $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, load average $(cut -d" " -f1-3 /proc/loadavg 2>/dev/null) at the end"
	echo "- rvisor: $RVISOR, commit $rev"
	echo "- QEMU: $("$QEMU" --version | head -1), TCG"
}
