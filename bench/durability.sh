#!/usr/bin/env bash
# Many rounds of the virtio-blk durability test (tests/system/virtio_durability.sh):
# SIGKILL rvisor while the guest appends and syncs records; check every synced record
# survives and e2fsck passes.   bench/durability.sh [ROUNDS] [RVISOR]
set -u
here=$(cd "$(dirname "$0")" && pwd)
ROUNDS=${1:-50} exec bash "$here/../tests/system/virtio_durability.sh" \
    "${2:-$here/../build/rvisor}" /nonexistent /nonexistent
