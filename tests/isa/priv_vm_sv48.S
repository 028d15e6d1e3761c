/* Sv48: the Sv39 cases (priv_vm_sv39.S) under 4 levels, plus a level-3 leaf. */
#define VM_LEVELS 4
#include "priv_vm_sv39.S"
