#!/usr/bin/env bash
# Make an rvisor root disk: an ext4 image holding busybox + roms/initramfs/init (as /init
# and /sbin/init) + extra files, for `-drive file=OUT.img,format=raw,if=virtio` and
# `-append "root=/dev/vda rw"`. Needs no root: mkfs.ext4 -d copies a directory into the
# new file system and debugfs adds the device nodes (e2fsprogs).
#
#   roms/mkrootfs.sh OUT.img [SIZE] [EXTRA-DIR...]
#
# SIZE is a truncate(1) size (default 64M). Each EXTRA-DIR is copied into the image root
# (EXTRA-DIR/test.sh becomes /test.sh; the init runs it with rvisor.test=1). Uses the
# busybox that roms/build.sh left in ${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}.
set -euo pipefail

ROMS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT_DIR=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
BUSYBOX=${RVISOR_BUSYBOX:-$OUT_DIR/busybox}
PATH=$PATH:/sbin:/usr/sbin

die() { echo "mkrootfs: $*" >&2; exit 1; }

if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
	sed -n '2,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
	[ $# -ge 1 ] && exit 0 || exit 2
fi
out=$1; shift
size=64M
if [ $# -ge 1 ] && [ ! -d "$1" ]; then size=$1; shift; fi

command -v mkfs.ext4 >/dev/null && command -v debugfs >/dev/null ||
	die "mkfs.ext4 and debugfs are needed (Debian/Ubuntu: apt-get install e2fsprogs;" \
		"macOS: brew install e2fsprogs)"
[ -x "$BUSYBOX" ] || die "no busybox at $BUSYBOX (run roms/build.sh first)"
[ -f "$BUSYBOX.links" ] || die "no applet list at $BUSYBOX.links (run roms/build.sh first)"
for d in "$@"; do [ -d "$d" ] || die "not a directory: $d"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rvisor-rootfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

for d in bin sbin usr/bin usr/sbin dev proc sys tmp run root mnt var/log etc lib home; do
	mkdir -p "$root/$d"
done
chmod 1777 "$root/tmp"
cp "$BUSYBOX" "$root/bin/busybox"
while read -r link; do
	case "$link" in /linuxrc|/bin/busybox|'') continue ;; esac
	mkdir -p "$root$(dirname "$link")"
	ln -sf /bin/busybox "$root$link"
done <"$BUSYBOX.links"
install -m 0755 "$ROMS_DIR/initramfs/init" "$root/init"
rm -f "$root/sbin/init"
install -m 0755 "$ROMS_DIR/initramfs/init" "$root/sbin/init"
printf 'root::0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\ntty:x:5:\n' >"$root/etc/group"
printf 'rvisor\n' >"$root/etc/hostname"
printf 'export PS1='"'"'\\u@\\h:\\w\\$ '"'"'\nexport PATH=/bin:/sbin:/usr/bin:/usr/sbin\n' \
	>"$root/etc/profile"
printf '/dev/vda / ext4 rw 0 1\n' >"$root/etc/fstab"
for d in "$@"; do cp -a "$d/." "$root/"; done

mkdir -p "$(dirname "$out")"
rm -f "$out.tmp"
truncate -s "$size" "$out.tmp"
mkfs.ext4 -q -F -L rvisor-root -E root_owner=0:0 -d "$root" "$out.tmp" >/dev/null
# Device nodes for the console before devtmpfs is mounted, owned by root.
debugfs -w -f - "$out.tmp" >/dev/null 2>&1 <<'CMDS'
cd /dev
mknod console c 5 1
mknod null c 1 3
sif console mode 020600
sif null mode 020666
CMDS
e2fsck -fn "$out.tmp" >/dev/null 2>&1 || die "the new image does not check clean"
mv -f "$out.tmp" "$out"
