/* Sv57: the Sv39 cases (priv_vm_sv39.S) under 5 levels, plus level-3 and level-4 leaves. */
#define VM_LEVELS 5
#include "priv_vm_sv39.S"
