#!/usr/bin/env bash
# Make an rvisor initramfs: busybox + roms/initramfs/init (+ extra files), as a gzip'd
# newc cpio. Needs no root: the archive is written by the kernel's gen_init_cpio from a
# spec, so /dev/console is a real device node in the image.
#
#   roms/mkinitramfs.sh OUT.cpio.gz [EXTRA-DIR...]
#
# Each EXTRA-DIR is copied into the image root (EXTRA-DIR/test.sh becomes /test.sh);
# later directories override earlier ones and the base files. Paths must not contain
# white space. Uses the busybox and gen_init_cpio that roms/build.sh left in
# ${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}; run roms/build.sh first.
set -euo pipefail

ROMS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT_DIR=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
BUSYBOX=${RVISOR_BUSYBOX:-$OUT_DIR/busybox}
GEN_INIT_CPIO=${RVISOR_GEN_INIT_CPIO:-$OUT_DIR/bin/gen_init_cpio}

die() { echo "mkinitramfs: $*" >&2; exit 1; }

if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
	sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
	[ $# -ge 1 ] && exit 0 || exit 2
fi
out=$1; shift

[ -x "$BUSYBOX" ] || die "no busybox at $BUSYBOX (run roms/build.sh first)"
[ -f "$BUSYBOX.links" ] || die "no applet list at $BUSYBOX.links (run roms/build.sh first)"
[ -x "$GEN_INIT_CPIO" ] || die "no gen_init_cpio at $GEN_INIT_CPIO (run roms/build.sh first)"
for d in "$@"; do [ -d "$d" ] || die "not a directory: $d"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rvisor-initramfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Small configuration files of the base image.
mkdir -p "$tmp/etc"
printf 'root::0:0:root:/root:/bin/sh\n' >"$tmp/etc/passwd"
printf 'root:x:0:\ntty:x:5:\n' >"$tmp/etc/group"
printf 'rvisor\n' >"$tmp/etc/hostname"
printf 'export PS1='"'"'\\u@\\h:\\w\\$ '"'"'\nexport PATH=/bin:/sbin:/usr/bin:/usr/sbin\n' \
	>"$tmp/etc/profile"

# The spec: one entry per path, in order of first appearance; a later entry for the same
# path replaces the earlier one.
declare -A entry=()
order=()
add() { # add PATH LINE
	[ -n "${entry[$1]+x}" ] || order+=("$1")
	entry[$1]=$2
}
adddir() { add "$1" "dir $1 ${2:-0755} 0 0"; }

for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /tmp /run /root /mnt /var \
	/var/log /etc /lib /home; do
	adddir "$d"
done
add /tmp "dir /tmp 1777 0 0"
add /dev/console "nod /dev/console 0600 0 0 c 5 1"
add /dev/null "nod /dev/null 0666 0 0 c 1 3"
add /bin/busybox "file /bin/busybox $BUSYBOX 0755 0 0"
while read -r link; do
	case "$link" in /linuxrc|/bin/busybox|'') continue ;; esac
	add "$link" "slink $link /bin/busybox 0777 0 0"
done <"$BUSYBOX.links"
add /init "file /init $ROMS_DIR/initramfs/init 0755 0 0"
for f in passwd group hostname profile; do
	add "/etc/$f" "file /etc/$f $tmp/etc/$f 0644 0 0"
done

for d in "$@"; do
	d=$(cd "$d" && pwd)
	while IFS= read -r -d '' p; do
		rel=${p#"$d"}
		case "$rel$p" in *[[:space:]]*) die "path with white space: $p" ;; esac
		mode=$(stat -c %a "$p")
		if [ -L "$p" ]; then
			add "$rel" "slink $rel $(readlink "$p") 0777 0 0"
		elif [ -d "$p" ]; then
			add "$rel" "dir $rel $mode 0 0"
		elif [ -f "$p" ]; then
			add "$rel" "file $rel $p $mode 0 0"
		else
			die "unsupported file type: $p"
		fi
	done < <(find "$d" -mindepth 1 -print0 | sort -z)
done

for p in "${order[@]}"; do printf '%s\n' "${entry[$p]}"; done >"$tmp/spec"
mkdir -p "$(dirname "$out")"
"$GEN_INIT_CPIO" -t 0 "$tmp/spec" >"$tmp/image.cpio"
gzip -9 -n <"$tmp/image.cpio" >"$out.tmp"
mv -f "$out.tmp" "$out"
