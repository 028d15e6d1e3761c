#!/usr/bin/env bash
# SMP Linux with OpenSBI as firmware (-bios default): the checks of linux_smp.sh (4 harts,
# smp_atomics totals, cpu1 offline and back, a clean dmesg) with OpenSBI answering HSM,
# IPI and RFENCE calls through the ACLINT instead of rvisor's built-in SBI.
RVISOR_SMP_FIRMWARE=opensbi exec bash "$(dirname "$0")/linux_smp.sh" "$@"
