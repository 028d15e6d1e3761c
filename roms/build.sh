#!/usr/bin/env bash
# Build rvisor's default Linux guest from Debian packages (see roms/README.md).
#
#   roms/build.sh [--distro] [--force]
#
#   (default)   Image               Linux 6.1 (Debian's linux-source-6.1), our config
#               initramfs.cpio.gz   static busybox (Debian's busybox source) + our init
#   --distro    debian-Image        Debian's linux-image-riscv64 kernel (forky), raw Image
#               debian-initramfs.cpio.gz  busybox + init + that kernel's virtio modules
#   --force     rebuild even if the outputs are up to date
#
# Outputs go to ${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}, with the build trees and
# logs below it (work/, logs/). Each output is stamped with a hash of its recipe; a run
# whose outputs are all up to date does nothing but print their paths.
# Environment: RVISOR_ROMS_OUT, RVISOR_ROMS_JOBS (make -j, default: nproc),
# RVISOR_ROMS_RETRY_PAUSE (seconds between download tries, default 10),
# RVISOR_DEBIAN_SUITE (default forky), RVISOR_DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

ROMS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
WORK=$OUT/work
LOGS=$OUT/logs
JOBS=${RVISOR_ROMS_JOBS:-$(nproc 2>/dev/null || echo 2)}
RETRY_PAUSE=${RVISOR_ROMS_RETRY_PAUSE:-10}
DEBIAN_SUITE=${RVISOR_DEBIAN_SUITE:-forky}
DEBIAN_MIRROR=${RVISOR_DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
CROSS=riscv64-linux-gnu-
LINUX_PKG=linux-source-6.1
LINUX_TARBALL=/usr/src/linux-source-6.1.tar.xz
# Modules the --distro initramfs loads (with their dependencies), by module name: the
# virtio drivers, plus evdev (/dev/input/event*) and ext4 to mount a disk image.
DISTRO_MODULES="virtio_mmio virtio_blk virtio_net virtio_rng virtio_input evdev ext4"

DISTRO=0
FORCE=0
for arg in "$@"; do
	case "$arg" in
	--distro) DISTRO=1 ;;
	--force) FORCE=1 ;;
	-h|--help) sed -n '2,19s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) echo "roms: unknown argument: $arg (try --help)" >&2; exit 2 ;;
	esac
done

say() { echo "roms: $*" >&2; }
die() { echo "roms: error: $*" >&2; exit 1; }

SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi

# ---------------------------------------------------------------------------- helpers

# run_logged NAME CMD...: run CMD with its output in $LOGS/NAME.log; on failure show the
# last 30 lines and stop.
run_logged() {
	local name=$1; shift
	local log=$LOGS/$name.log
	if ! "$@" >"$log" 2>&1; then
		echo "---- last 30 lines of $log ----" >&2
		tail -n 30 "$log" >&2
		echo "----" >&2
		die "$name failed (full log: $log)"
	fi
}

# fetch WHAT LOGNAME CMD...: a download from the Debian archive, tried 3 times.
fetch() {
	local what=$1 name=$2; shift 2
	local log=$LOGS/$name.log try
	: >"$log"
	for try in 1 2 3; do
		if "$@" >>"$log" 2>&1; then return 0; fi
		if [ $try -lt 3 ]; then
			say "downloading $what failed (try $try of 3), again in ${RETRY_PAUSE}s"
			sleep "$RETRY_PAUSE"
		fi
	done
	echo "---- last 30 lines of $log ----" >&2
	tail -n 30 "$log" >&2
	echo "----" >&2
	die "could not download $what from the Debian archive after 3 tries"
}

# need_pkgs PKG...: install the host packages that are missing.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing host packages: ${missing[*]}"
	# A failed install is often a stale package index: refresh it before the next try.
	fetch "${missing[*]}" apt-install sh -c \
		"$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]} ||
		 { $SUDO apt-get update; false; }"
}

# A private apt configuration under $WORK/apt/NAME: it reads only the sources given here,
# never changes the host's apt state, and needs no root.
APT_OPTS=()
apt_root() { # apt_root NAME ARCH SOURCES-LINE
	local dir=$WORK/apt/$1
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/etc/sources.list.d" \
		"$dir/etc/preferences.d" "$dir/etc/apt.conf.d"
	: >"$dir/status"
	echo "$3" >"$dir/etc/sources.list"
	APT_OPTS=(-o "Dir::Etc::SourceList=$dir/etc/sources.list"
		-o "Dir::Etc::SourceParts=$dir/etc/sources.list.d"
		-o "Dir::Etc::Preferences=$dir/etc/preferences"
		-o "Dir::Etc::PreferencesParts=$dir/etc/preferences.d"
		-o "Dir::Etc::Parts=$dir/etc/apt.conf.d"
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
		-o "Dir::State::status=$dir/status" -o Acquire::Languages=none
		-o Acquire::Retries=2 -o Debug::NoLocking=1)
	if [ -n "$2" ]; then
		APT_OPTS+=(-o "APT::Architecture=$2" -o "APT::Architectures::=$2")
	fi
	if [ "$(id -u)" = 0 ]; then APT_OPTS+=(-o APT::Sandbox::User=root); fi
}

# check_fragment FRAGMENT CONFIG: every setting of FRAGMENT must be in CONFIG.
check_fragment() {
	local frag=$1 cfg=$2 bad=0 line name
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF "$line" "$cfg" || {
				say "config: wanted '$line', got '$(grep -E "^(# )?${line%%=*}[= ]" "$cfg" || echo unset)'"
				bad=1
			} ;;
		"# CONFIG_"*" is not set")
			name=${line#\# }; name=${name%% *}
			if grep -q "^$name=" "$cfg"; then
				say "config: wanted '$line', got '$(grep "^$name=" "$cfg")'"
				bad=1
			fi ;;
		esac
	done <"$frag"
	[ $bad = 0 ] || die "options of $frag did not survive in $cfg (missing dependencies?)"
}

# is_riscv_image FILE: the RISC-V Linux Image header ("RISCV\0\0\0" at 0x30, "RSC\x05" at 0x38).
is_riscv_image() {
	[ "$(od -An -tx1 -j48 -N12 "$1" 2>/dev/null | tr -d ' \n')" = 524953435600000052534305 ]
}

sha() { sha256sum | cut -c1-16; }
stamp_ok() { # stamp_ok OUTPUT HASH
	[ $FORCE = 0 ] && [ -s "$OUT/$1" ] && [ "$(cat "$OUT/.stamp.$1" 2>/dev/null)" = "$2" ]
}
stamp_set() { echo "$2" >"$OUT/.stamp.$1"; }

# ------------------------------------------------------------------------ the recipes

# Extract the Linux source tree (also the source of gen_init_cpio).
linux_source() {
	need_pkgs "$LINUX_PKG" xz-utils
	local ver src=$WORK/linux-source-6.1
	ver=$(dpkg-query -W -f='${Version}' "$LINUX_PKG")
	if [ "$(cat "$src/.rvisor-version" 2>/dev/null)" != "$ver" ]; then
		say "extracting $LINUX_TARBALL ($LINUX_PKG $ver)"
		rm -rf "$src" "$src.tmp" "$WORK/linux-build"
		mkdir -p "$src.tmp"
		run_logged linux-extract tar -xJf "$LINUX_TARBALL" -C "$src.tmp" --strip-components=1
		echo "$ver" >"$src.tmp/.rvisor-version"
		mv "$src.tmp" "$src"
	fi
	LINUX_VERSION=$ver
}

build_gen_init_cpio() {
	if [ ! -x "$OUT/bin/gen_init_cpio" ] ||
		[ "$WORK/linux-source-6.1/usr/gen_init_cpio.c" -nt "$OUT/bin/gen_init_cpio" ]; then
		mkdir -p "$OUT/bin"
		run_logged gen_init_cpio gcc -O2 -o "$OUT/bin/gen_init_cpio" \
			"$WORK/linux-source-6.1/usr/gen_init_cpio.c"
	fi
}

recipe_kernel() {
	need_pkgs gcc-riscv64-linux-gnu gcc make bc flex bison perl
	linux_source
	local src=$WORK/linux-source-6.1 obj=$WORK/linux-build frag=$ROMS_DIR/linux/rvisor.config
	local t0=$SECONDS
	mkdir -p "$obj"
	export ARCH=riscv CROSS_COMPILE=$CROSS
	export KBUILD_BUILD_USER=rvisor KBUILD_BUILD_HOST=rvisor KBUILD_BUILD_VERSION=1
	KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$(stat -c %Y "$LINUX_TARBALL")")
	export KBUILD_BUILD_TIMESTAMP
	# allnoconfig + our fragment, then olddefconfig; every fragment option must survive.
	(cd "$src" && run_logged kernel-config scripts/kconfig/merge_config.sh -n -O "$obj" "$frag")
	run_logged kernel-olddefconfig make -C "$src" O="$obj" olddefconfig
	check_fragment "$frag" "$obj/.config"
	say "building Linux $LINUX_VERSION Image (make -j$JOBS, log: $LOGS/kernel.log)"
	run_logged kernel make -C "$src" O="$obj" -j"$JOBS" Image
	is_riscv_image "$obj/arch/riscv/boot/Image" || die "$obj/arch/riscv/boot/Image has no RISC-V Image header"
	cp "$obj/arch/riscv/boot/Image" "$OUT/Image.tmp"
	cp "$obj/.config" "$OUT/Image.config"
	mv -f "$OUT/Image.tmp" "$OUT/Image"
	unset ARCH CROSS_COMPILE
	TIMES+="kernel $((SECONDS - t0))s  "
}

recipe_busybox() {
	need_pkgs gcc-riscv64-linux-gnu libc6-dev-riscv64-cross make gcc dpkg-dev bzip2 xz-utils file
	local srcdir=$WORK/busybox-src obj=$WORK/busybox-build frag=$ROMS_DIR/busybox/rvisor.config
	local src t0=$SECONDS
	src=$(ls -d "$srcdir"/busybox-*/ 2>/dev/null | head -n1 || true)
	if [ -z "$src" ] || [ ! -f "$src/Makefile" ]; then
		apt_root bookworm-src "" "deb-src [signed-by=$KEYRING] $DEBIAN_MIRROR bookworm main"
		fetch "the bookworm source index" apt-src-update apt-get "${APT_OPTS[@]}" --error-on=any update
		rm -rf "$srcdir"; mkdir -p "$srcdir"
		say "downloading Debian's busybox source package (bookworm)"
		fetch "the busybox source package" busybox-download \
			sh -c 'cd "$1" && shift && apt-get "$@" source --download-only busybox' \
			sh "$srcdir" "${APT_OPTS[@]}"
		(cd "$srcdir" && run_logged busybox-unpack dpkg-source -x busybox_*.dsc)
		src=$(ls -d "$srcdir"/busybox-*/ | head -n1)
	fi
	src=${src%/}
	BUSYBOX_VERSION=$(basename "$srcdir"/busybox_*.dsc .dsc | sed 's/^busybox_//')
	mkdir -p "$obj"
	local mk=(make -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE="$CROSS")
	run_logged busybox-defconfig "${mk[@]}" defconfig
	# Our overrides replace the defconfig lines of the same options.
	local line name
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*|"# CONFIG_"*" is not set") ;; *) continue ;; esac
		name=${line#\# }; name=${name%%[= ]*}
		sed -i -E "/^(# )?${name}[= ]/d" "$obj/.config"
		echo "$line" >>"$obj/.config"
	done <"$frag"
	run_logged busybox-oldconfig sh -c 'yes "" | "$@"' sh "${mk[@]}" oldconfig
	check_fragment "$frag" "$obj/.config"
	say "building busybox $BUSYBOX_VERSION (make -j$JOBS, log: $LOGS/busybox.log)"
	run_logged busybox "${mk[@]}" -j"$JOBS" busybox busybox.links
	local desc
	desc=$(file -b "$obj/busybox")
	case "$desc" in *"RISC-V"*"statically linked"*) ;;
	*) die "$obj/busybox is not a static RISC-V executable: $desc" ;; esac
	cp "$obj/busybox" "$OUT/busybox.tmp"
	cp "$obj/busybox.links" "$OUT/busybox.links"
	mv -f "$OUT/busybox.tmp" "$OUT/busybox"
	TIMES+="busybox $((SECONDS - t0))s  "
}

recipe_initramfs() {
	need_pkgs gcc gzip e2fsprogs # e2fsprogs: roms/mkrootfs.sh (ext4 root disks for the tests)
	[ -x "$OUT/bin/gen_init_cpio" ] || linux_source
	build_gen_init_cpio
	run_logged initramfs env RVISOR_ROMS_OUT="$OUT" "$ROMS_DIR/mkinitramfs.sh" \
		"$OUT/initramfs.cpio.gz"
}

# to_raw_image IN OUT: Debian's vmlinuz may be a raw (EFI-stub) Image, a gzip'd Image or
# an EFI zboot image (PE with a compressed Image inside): make a raw Image.
to_raw_image() {
	local in=$1 out=$2 tmp=$2.tmp _ magic
	cp "$in" "$tmp"
	for _ in 1 2 3; do
		is_riscv_image "$tmp" && { mv -f "$tmp" "$out"; return 0; }
		magic=$(od -An -tx1 -N16 "$tmp" | tr -d ' \n')
		case "$magic" in
		1f8b*) gzip -dc <"$tmp" >"$tmp.x" ;;
		28b52ffd*) zstd -qdc <"$tmp" >"$tmp.x" ;;
		fd377a585a00*) xz -dc <"$tmp" >"$tmp.x" ;;
		4d5a????7a696d67*) # "MZ" .. "zimg": EFI zboot; payload offset/size at 8/12
			local off size comp
			off=$(od -An -tu4 -j8 -N4 "$tmp" | tr -d ' ')
			size=$(od -An -tu4 -j12 -N4 "$tmp" | tr -d ' ')
			comp=$(dd if="$tmp" bs=1 skip=24 count=32 status=none | tr -d '\0')
			tail -c +"$((off + 1))" "$tmp" | head -c "$size" >"$tmp.z"
			case "$comp" in
			gzip) gzip -dc <"$tmp.z" >"$tmp.x" ;;
			zstd|zstd22) zstd -qdc <"$tmp.z" >"$tmp.x" ;;
			xzkern|xz) xz -dc <"$tmp.z" >"$tmp.x" ;;
			lzma) xz -dc --format=lzma <"$tmp.z" >"$tmp.x" ;;
			*) die "EFI zboot image with unsupported compression '$comp': $in" ;;
			esac
			rm -f "$tmp.z" ;;
		*) die "$in: not a RISC-V Image, gzip, zstd, xz or EFI zboot image (starts $magic)" ;;
		esac
		mv -f "$tmp.x" "$tmp"
	done
	die "$in: could not unpack to a RISC-V Image"
}

# deb_closure PKG: PKG and, recursively, its linux-* dependencies (the kernel is split in
# several packages: image, binary, modules, base; the split changes between releases).
deb_closure() {
	local todo=("$1") seen=" " p d
	while [ ${#todo[@]} -gt 0 ]; do
		p=${todo[0]}; todo=("${todo[@]:1}")
		case "$seen" in *" $p "*) continue ;; esac
		seen+="$p "
		echo "$p"
		for d in $(apt-cache "${APT_OPTS[@]}" depends --no-recommends --no-suggests \
			--no-conflicts --no-breaks --no-replaces --no-enhances "$p" 2>/dev/null |
			sed -n 's/^ *|\{0,1\}Depends: //p' | grep '^linux-' | grep -v '^linux-initramfs-tool'); do
			todo+=("$d")
		done
	done
}

recipe_distro() {
	need_pkgs dpkg kmod xz-utils zstd gzip file
	local dir=$WORK/debian t0=$SECONDS
	apt_root "$DEBIAN_SUITE-riscv64" riscv64 \
		"deb [arch=riscv64 signed-by=$KEYRING] $DEBIAN_MIRROR $DEBIAN_SUITE main"
	fetch "the $DEBIAN_SUITE riscv64 package index" apt-distro-update apt-get "${APT_OPTS[@]}" --error-on=any update
	local pkgs
	pkgs=$(deb_closure linux-image-riscv64)
	[ -n "$pkgs" ] || die "linux-image-riscv64 not found in $DEBIAN_SUITE"
	say "Debian kernel packages: $(echo $pkgs)"
	mkdir -p "$dir/debs"
	rm -rf "$dir/root"; mkdir -p "$dir/root"
	local p ver file used=" "
	for p in $pkgs; do
		ver=$(apt-cache "${APT_OPTS[@]}" show "$p" | sed -n 's/^Version: //p' | head -n1)
		file=$(ls "$dir/debs/${p}_${ver#*:}_"*.deb 2>/dev/null | head -n1 || true)
		if [ -z "$file" ]; then
			say "downloading $p $ver"
			fetch "$p" "deb-$p" sh -c 'cd "$1" && shift && apt-get "$@"' sh "$dir/debs" \
				"${APT_OPTS[@]}" download "$p"
			file=$(ls "$dir/debs/${p}_${ver#*:}_"*.deb | head -n1)
		fi
		run_logged "deb-extract" dpkg-deb -x "$file" "$dir/root"
		used+="$(basename "$file") "
	done
	# Drop the packages of older kernels.
	for file in "$dir"/debs/*.deb; do
		case "$used" in *" $(basename "$file") "*) ;; *) rm -f "$file" ;; esac
	done
	DEBIAN_KERNEL_VERSION=$(apt-cache "${APT_OPTS[@]}" show linux-image-riscv64 |
		sed -n 's/^Version: //p' | head -n1)

	# The kernel: /boot/vmlinuz-VER (older packages) or /usr/lib/modules/VER/vmlinuz.
	local vmlinuz moddir kver
	vmlinuz=$(ls "$dir"/root/boot/vmlinuz-* "$dir"/root/usr/lib/modules/*/vmlinuz \
		"$dir"/root/lib/modules/*/vmlinuz 2>/dev/null | head -n1 || true)
	[ -n "$vmlinuz" ] || die "no vmlinuz in the Debian kernel packages ($pkgs)"
	moddir=$(ls -d "$dir"/root/usr/lib/modules/*/kernel "$dir"/root/lib/modules/*/kernel \
		2>/dev/null | head -n1 || true)
	[ -n "$moddir" ] || die "no modules in the Debian kernel packages ($pkgs)"
	moddir=$(dirname "$moddir"); kver=$(basename "$moddir")
	to_raw_image "$vmlinuz" "$OUT/debian-Image.new"

	# modules.dep is made by depmod at install time: make it here, in a tree of our own.
	local mtree=$dir/modtree
	rm -rf "$mtree"; mkdir -p "$mtree/lib/modules"
	cp -a "$moddir" "$mtree/lib/modules/$kver"
	run_logged depmod depmod -b "$mtree" "$kver"
	local dep=$mtree/lib/modules/$kver/modules.dep
	[ -s "$dep" ] || die "depmod made no modules.dep for $kver"

	# Load order: depth-first over modules.dep, dependencies first.
	local stage=$dir/stage order
	rm -rf "$stage"; mkdir -p "$stage/etc" "$stage/lib/modules/$kver"
	order=$(awk -v want="$DISTRO_MODULES" '
		function modname(path,  n) { n = path; sub(/.*\//, "", n); sub(/\.ko.*/, "", n);
			gsub(/-/, "_", n); return n }
		function visit(path,  i, n, d) {
			if (path in done) return
			done[path] = 1
			n = split(deps[path], d, " ")
			for (i = 1; i <= n; i++) visit(d[i])
			print path
		}
		{ p = $1; sub(/:$/, "", p); $1 = ""; deps[p] = $0; byname[modname(p)] = p }
		END {
			n = split(want, w, " ")
			for (i = 1; i <= n; i++) {
				if (w[i] in byname) visit(byname[w[i]])
				else print "MISSING " w[i]
			}
		}' "$dep")
	local m name builtin=$mtree/lib/modules/$kver/modules.builtin
	: >"$stage/etc/rvisor-modules"
	while read -r m; do
		case "$m" in
		"MISSING "*)
			name=${m#MISSING }
			if grep -qE "/${name//_/[-_]}\.ko$" "$builtin" 2>/dev/null; then
				say "module $name is built into the Debian kernel"
			else
				die "module $name is neither in modules.dep nor built in ($kver)"
			fi
			continue ;;
		esac
		name=$(basename "$m"); name=${name%%.ko*}.ko
		case "$m" in
		*.ko.xz) xz -dc "$mtree/lib/modules/$kver/$m" ;;
		*.ko.zst) zstd -qdc "$mtree/lib/modules/$kver/$m" ;;
		*.ko.gz) gzip -dc "$mtree/lib/modules/$kver/$m" ;;
		*) cat "$mtree/lib/modules/$kver/$m" ;;
		esac >"$stage/lib/modules/$kver/$name"
		echo "/lib/modules/$kver/$name" >>"$stage/etc/rvisor-modules"
	done <<<"$order"
	say "modules, in load order: $(sed 's|.*/||' "$stage/etc/rvisor-modules" | tr '\n' ' ')"

	need_pkgs gcc gzip
	[ -x "$OUT/bin/gen_init_cpio" ] || linux_source
	build_gen_init_cpio
	run_logged debian-initramfs env RVISOR_ROMS_OUT="$OUT" "$ROMS_DIR/mkinitramfs.sh" \
		"$OUT/debian-initramfs.cpio.gz" "$stage"
	mv -f "$OUT/debian-Image.new" "$OUT/debian-Image"
	echo "$kver (package $DEBIAN_KERNEL_VERSION)" >"$OUT/debian-Image.version"
	TIMES+="distro $((SECONDS - t0))s  "
}

# ------------------------------------------------------------------------------ main

H_KERNEL=$( { declare -f recipe_kernel linux_source check_fragment; cat "$ROMS_DIR/linux/rvisor.config"; } | sha)
H_BUSYBOX=$( { declare -f recipe_busybox check_fragment; cat "$ROMS_DIR/busybox/rvisor.config"; } | sha)
H_INITRAMFS=$( { echo "$H_BUSYBOX"; declare -f recipe_initramfs;
	cat "$ROMS_DIR/initramfs/init" "$ROMS_DIR/mkinitramfs.sh"; } | sha)
H_DISTRO=$( { echo "$H_INITRAMFS $DEBIAN_SUITE $DISTRO_MODULES"; declare -f recipe_distro \
	to_raw_image deb_closure; } | sha)

outputs=(Image initramfs.cpio.gz)
[ $DISTRO = 1 ] && outputs+=(debian-Image debian-initramfs.cpio.gz)

all_ok() {
	stamp_ok Image "$H_KERNEL" && stamp_ok busybox "$H_BUSYBOX" &&
		stamp_ok initramfs.cpio.gz "$H_INITRAMFS" &&
		{ [ $DISTRO = 0 ] || { stamp_ok debian-Image "$H_DISTRO" &&
			stamp_ok debian-initramfs.cpio.gz "$H_DISTRO"; }; }
}
print_outputs() { local o; for o in "${outputs[@]}"; do echo "$OUT/$o"; done; }

if all_ok; then print_outputs; exit 0; fi

mkdir -p "$OUT" "$WORK" "$LOGS"
# One build at a time per output directory (a developer and CI on the same machine).
exec 9>"$OUT/.lock"
if command -v flock >/dev/null; then
	flock -n 9 || { say "waiting for another roms/build.sh on $OUT"; flock 9; }
fi
if all_ok; then print_outputs; exit 0; fi

TIMES=
stamp_ok Image "$H_KERNEL" || { recipe_kernel; stamp_set Image "$H_KERNEL"; }
stamp_ok busybox "$H_BUSYBOX" || { recipe_busybox; stamp_set busybox "$H_BUSYBOX"; }
stamp_ok initramfs.cpio.gz "$H_INITRAMFS" || { recipe_initramfs; stamp_set initramfs.cpio.gz "$H_INITRAMFS"; }
if [ $DISTRO = 1 ]; then
	if ! stamp_ok debian-Image "$H_DISTRO" || ! stamp_ok debian-initramfs.cpio.gz "$H_DISTRO"; then
		# Mirrors can be mid-sync: fall back from forky to sid, then to an earlier build.
		if ( recipe_distro ) || { [ "$DEBIAN_SUITE" = forky ] &&
			say "the forky kernel could not be made; trying sid" &&
			( DEBIAN_SUITE=sid; recipe_distro ); }; then
			stamp_set debian-Image "$H_DISTRO"; stamp_set debian-initramfs.cpio.gz "$H_DISTRO"
		elif [ -f "$OUT/debian-Image" ] && [ -f "$OUT/debian-initramfs.cpio.gz" ]; then
			say "WARNING: keeping the Debian kernel from an earlier build ($(cat "$OUT/debian-Image.version" 2>/dev/null))"
		else
			die "could not make the Debian distribution kernel"
		fi
	fi
fi

{
	echo "# made by roms/build.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "linux-source-6.1 $(dpkg-query -W -f='${Version}' "$LINUX_PKG" 2>/dev/null || echo '?')"
	echo "busybox $(basename "$WORK"/busybox-src/busybox_*.dsc .dsc 2>/dev/null | sed 's/^busybox_//')"
	[ -f "$OUT/debian-Image.version" ] && echo "debian-kernel $(cat "$OUT/debian-Image.version")"
} >"$OUT/versions.txt"
[ -n "$TIMES" ] && say "build times: $TIMES"
print_outputs
