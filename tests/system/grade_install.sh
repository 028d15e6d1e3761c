#!/usr/bin/env bash
# librvisor installed into a temporary prefix: examples/embed builds against it with
# find_package(rvisor) (shared and static) and with pkg-config, and runs its 100 guests
# (one after the other, and all at once on a host); the installed rvisor program runs.
source "$(dirname "$0")/common.bash"
BUILD=$(cd "$(dirname "$RVISOR")" && pwd)
SRC="$HERE/../.."
PREFIX="$WORK/prefix"
# a sanitizer build's library needs its consumers built with the same runtime
SAN=""
grep -q '^RVISOR_SANITIZE:BOOL=ON' "$BUILD/CMakeCache.txt" 2>/dev/null && SAN="-fsanitize=address,undefined"
cmake --install "$BUILD" --prefix "$PREFIX" >"$WORK/install.log" 2>&1 &&
    ok "cmake --install" || { not_ok "cmake --install"; tail -5 "$WORK/install.log"; finish; exit 1; }
for f in include/rvisor.h lib/librvisor.a lib/pkgconfig/rvisor.pc lib/cmake/rvisor/rvisorConfig.cmake; do
    [ -f "$PREFIX/$f" ] && ok "installed $f" || not_ok "missing $PREFIX/$f"
done
ls "$PREFIX"/lib/librvisor.so* >/dev/null 2>&1 && ok "installed librvisor.so" || not_ok "no librvisor.so"

# find_package(rvisor): a project of its own around examples/embed/embed.c
mkdir -p "$WORK/proj"
cat >"$WORK/proj/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.16)
project(embed_user C)
find_package(rvisor 0.1 REQUIRED)
find_package(Threads REQUIRED)
add_executable(embed_shared $SRC/examples/embed/embed.c)
target_link_libraries(embed_shared PRIVATE rvisor::rvisor Threads::Threads)
add_executable(embed_static $SRC/examples/embed/embed.c)
target_link_libraries(embed_static PRIVATE rvisor::rvisor_static Threads::Threads)
CM
if cmake -S "$WORK/proj" -B "$WORK/proj/b" -DCMAKE_PREFIX_PATH="$PREFIX" \
       -DCMAKE_C_FLAGS="$SAN" >"$WORK/cm.log" 2>&1 &&
   cmake --build "$WORK/proj/b" -j2 >>"$WORK/cm.log" 2>&1; then
    ok "find_package(rvisor): built"
    LD_LIBRARY_PATH="$PREFIX/lib" "$WORK/proj/b/embed_shared" 100 2 >"$WORK/out" 2>&1 &&
        ok "embed (shared): $(cat "$WORK/out")" || { not_ok "embed (shared)"; cat "$WORK/out"; }
    "$WORK/proj/b/embed_static" 20 1 >"$WORK/out" 2>&1 &&
        ok "embed (static): $(cat "$WORK/out")" || { not_ok "embed (static)"; cat "$WORK/out"; }
    LD_LIBRARY_PATH="$PREFIX/lib" "$WORK/proj/b/embed_shared" --host 100 2 >"$WORK/out" 2>&1 &&
        ok "embed --host (100 guests at once on one host): $(cat "$WORK/out")" ||
        { not_ok "embed --host"; cat "$WORK/out"; }
else
    not_ok "find_package(rvisor)"; tail -20 "$WORK/cm.log"
fi

# pkg-config
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
if cc $SAN -o "$WORK/embed_pc" "$SRC/examples/embed/embed.c" $(pkg-config --cflags --libs rvisor) -lpthread \
        2>"$WORK/pc.log"; then
    LD_LIBRARY_PATH="$PREFIX/lib" "$WORK/embed_pc" 10 1 >"$WORK/out" 2>&1 &&
        ok "pkg-config build runs" || { not_ok "pkg-config build"; cat "$WORK/out"; }
else
    not_ok "pkg-config build"; head -10 "$WORK/pc.log"
fi
if cc $SAN -o "$WORK/embed_pcs" "$SRC/examples/embed/embed.c" $(pkg-config --static --cflags --libs rvisor) \
        -Wl,-Bstatic -lrvisor -Wl,-Bdynamic -lpthread 2>"$WORK/pcs.log" 2>&1; then
    ok "pkg-config --static links"
else
    not_ok "pkg-config --static"; head -10 "$WORK/pcs.log"
fi
# the installed rvisor program runs (it links the installed librvisor.so through its rpath)
build pass '.globl _start
.section .text.init
_start: li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0); j .'
"$PREFIX/bin/rvisor" -bios none -kernel "$WORK/pass.elf" </dev/null >"$WORK/out" 2>&1 &&
    ok "installed rvisor runs a guest" || { not_ok "installed rvisor"; cat "$WORK/out"; }
# the shared library exports the API and nothing else
if nm -D --defined-only "$PREFIX"/lib/librvisor.so | awk '{print $3}' | grep -v '^rvisor_' | grep -q .; then
    not_ok "librvisor.so exports non-API symbols"; else ok "librvisor.so exports only rvisor_*"; fi
finish
