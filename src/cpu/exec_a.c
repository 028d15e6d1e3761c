/*
 * A extension: load-reserved / store-conditional and atomic memory operations, RV64 forms
 * (unprivileged ISA, chapter "A Standard Extension for Atomic Instructions").
 *
 * Every access is translated with hart_translate_amo(). RAM is then updated in place with
 * a host atomic compare-and-swap loop, so harts running on different host threads see
 * each other's AMOs as indivisible; aq/rl are satisfied by using sequentially consistent
 * host atomics for everything. MMIO (no host pointer) is a bus read then a bus write; it
 * is indivisible only as far as the device serializes its own register accesses (no guest
 * relies on AMOs to device registers being atomic across harts).
 *
 * Host atomics: with GCC or Clang the __atomic builtins work on plain memory, which is
 * exactly what guest RAM is. Other compilers get C11 <stdatomic.h> through a cast to
 * _Atomic pointers, which is sound where the atomic types are lock-free and have the
 * size and alignment of the plain ones (true of every mainstream 64-bit host). Guest
 * memory is little-endian; values are converted on big-endian hosts.
 *
 * LR/SC: the reservation is the physical address and the value LR loaded (h->resv_addr,
 * h->resv_value, h->resv_valid). LR on RAM also publishes the host address of the
 * reserved 64-byte line (h->resv_line); every RAM store by another hart of the machine
 * to that line clears it (hart_resv_snoop), as do traps and the end of a slice. An SC
 * succeeds only if the reservation is valid, names the same address and was not cleared,
 * and commits with a compare-and-swap against the value LR loaded, which also catches a
 * store racing the SC itself. It always clears the reservation. (What remains is a store
 * of the very value LR read landing between the SC's check and its CAS: a window of a
 * few host instructions.)
 * Leaves out: Zacas, Zabha, Zawrs.
 */
#include <stdatomic.h>
#include <stdint.h>

#include "cpu/decode.h"
#include "cpu/hart.h"
#include "devices/bus.h"

enum amo_op {
    AMO_SWAP,
    AMO_ADD,
    AMO_XOR,
    AMO_AND,
    AMO_OR,
    AMO_MIN,
    AMO_MAX,
    AMO_MINU,
    AMO_MAXU,
};

static uint64_t amo_sext32(uint64_t v)
{
    return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
}

/* Memory holds little-endian values; swap them on a big-endian host. */
static uint64_t amo_le(uint64_t v, unsigned size)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    uint64_t r = 0;
    for (unsigned i = 0; i < size; i++)
        r |= ((v >> (8 * i)) & 0xff) << (8 * (size - 1 - i));
    return r;
#else
    (void)size;
    return v;
#endif
}

/* Atomic load of a naturally aligned 4- or 8-byte host location (raw memory bits). */
static uint64_t amo_host_load_raw(uint8_t *host, unsigned size)
{
#if defined(__GNUC__) || defined(__clang__)
    if (size == 4)
        return __atomic_load_n((uint32_t *)(void *)host, __ATOMIC_SEQ_CST);
    return __atomic_load_n((uint64_t *)(void *)host, __ATOMIC_SEQ_CST);
#else
    if (size == 4)
        return atomic_load((_Atomic uint32_t *)(void *)host);
    return atomic_load((_Atomic uint64_t *)(void *)host);
#endif
}

/* Compare-and-swap on raw memory bits; true if memory held `expected` and now holds `val`. */
static bool amo_host_cas_raw(uint8_t *host, unsigned size, uint64_t expected, uint64_t val)
{
#if defined(__GNUC__) || defined(__clang__)
    if (size == 4) {
        uint32_t e = (uint32_t)expected;
        return __atomic_compare_exchange_n((uint32_t *)(void *)host, &e, (uint32_t)val, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    return __atomic_compare_exchange_n((uint64_t *)(void *)host, &expected, val, false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
#else
    if (size == 4) {
        uint32_t e = (uint32_t)expected;
        return atomic_compare_exchange_strong((_Atomic uint32_t *)(void *)host, &e, (uint32_t)val);
    }
    return atomic_compare_exchange_strong((_Atomic uint64_t *)(void *)host, &expected, val);
#endif
}

static uint64_t amo_host_load(uint8_t *host, unsigned size)
{
    return amo_le(amo_host_load_raw(host, size), size);
}

static bool amo_host_cas(uint8_t *host, unsigned size, uint64_t expected, uint64_t val)
{
    return amo_host_cas_raw(host, size, amo_le(expected, size), amo_le(val, size));
}

/* Signed "a < b" for values of `size` bytes held zero-extended in a uint64_t. */
static bool amo_lt_signed(uint64_t a, uint64_t b, unsigned size)
{
    if (size == 4) {
        a = amo_sext32(a);
        b = amo_sext32(b);
    }
    return (a ^ (1ull << 63)) < (b ^ (1ull << 63));
}

/* The value an AMO stores, from the old memory value and rs2 (both `size` bytes wide). */
static uint64_t amo_compute(enum amo_op op, uint64_t old, uint64_t src, unsigned size)
{
    switch (op) {
    case AMO_SWAP: return src;
    case AMO_ADD: return old + src;
    case AMO_XOR: return old ^ src;
    case AMO_AND: return old & src;
    case AMO_OR: return old | src;
    case AMO_MIN: return amo_lt_signed(src, old, size) ? src : old;
    case AMO_MAX: return amo_lt_signed(old, src, size) ? src : old;
    case AMO_MINU: return src < old ? src : old;
    case AMO_MAXU: return old < src ? src : old;
    }
    return old;
}

static uint64_t amo_trunc(uint64_t v, unsigned size)
{
    return size == 4 ? (uint32_t)v : v;
}

/* Read-modify-write on RAM; returns the old value. */
static uint64_t amo_host_rmw(uint8_t *host, unsigned size, enum amo_op op, uint64_t src)
{
    uint64_t old, val;
    do {
        old = amo_host_load(host, size);
        val = amo_trunc(amo_compute(op, old, src, size), size);
    } while (!amo_host_cas(host, size, old, val));
    return old;
}

/* Read-modify-write on a device; false on a bus error. */
static bool amo_mmio_rmw(struct hart *h, uint64_t pa, unsigned size, enum amo_op op, uint64_t src,
                         uint64_t *old)
{
    if (bus_read(h->bus, pa, size, old) != 0)
        return false;
    *old = amo_trunc(*old, size);
    return bus_write(h->bus, pa, size, amo_trunc(amo_compute(op, *old, src, size), size)) == 0;
}

static uint64_t amo_result(uint64_t old, unsigned size)
{
    return size == 4 ? amo_sext32(old) : old;
}

static void amo_rmw(struct hart *h, const struct insn *in, unsigned size, enum amo_op op)
{
    uint64_t va = h->x[in->rs1];
    uint64_t src = amo_trunc(h->x[in->rs2], size);
    uint64_t pa, old;
    uint8_t *host;

    if (!hart_translate_amo(h, va, size, ACCESS_STORE, &host, &pa))
        return;
    if (host) {
        old = amo_host_rmw(host, size, op, src);
        hart_resv_snoop(h, host);
    } else if (!amo_mmio_rmw(h, pa, size, op, src, &old)) {
        hart_raise(h, EXC_STORE_ACCESS, va);
        return;
    }
    h->x[in->rd] = amo_result(old, size);
}

/* LR is a load: a misaligned LR raises load-address-misaligned (cause 4). */
static void amo_lr(struct hart *h, const struct insn *in, unsigned size)
{
    uint64_t va = h->x[in->rs1];
    uint64_t pa, val;
    uint8_t *host;

    if (va & (size - 1)) {
        hart_raise(h, EXC_LOAD_MISALIGNED, va);
        return;
    }
    if (!hart_translate_amo(h, va, size, ACCESS_LOAD, &host, &pa))
        return;
    hart_resv_clear(h);
    if (host) {
        /* publish the line before reading, so a store after our read clears it */
        if (h->resv_set) {
            atomic_store(&h->resv_line, (uintptr_t)host & RESV_LINE_MASK);
            atomic_fetch_add(&h->resv_set->active, 1);
        }
        val = amo_host_load(host, size);
    } else if (bus_read(h->bus, pa, size, &val) != 0) {
        hart_raise(h, EXC_LOAD_ACCESS, va);
        return;
    }
    h->resv_addr = pa;
    h->resv_value = amo_trunc(val, size);
    h->resv_valid = true;
    h->x[in->rd] = amo_result(amo_trunc(val, size), size);
}

/* Perform the store of a successful SC; false if it must report failure instead. */
static bool amo_sc_commit(struct hart *h, uint8_t *host, uint64_t pa, unsigned size, uint64_t val,
                          bool *bus_error)
{
    *bus_error = false;
    if (host) {
        if (h->resv_set && atomic_load(&h->resv_line) != ((uintptr_t)host & RESV_LINE_MASK))
            return false; /* another hart stored to the line since LR */
        if (!amo_host_cas(host, size, h->resv_value, val))
            return false;
        hart_resv_snoop(h, host);
        return true;
    }
    if (bus_write(h->bus, pa, size, val) != 0) {
        *bus_error = true;
        return false;
    }
    return true;
}

static void amo_sc(struct hart *h, const struct insn *in, unsigned size)
{
    uint64_t va = h->x[in->rs1];
    uint64_t val = amo_trunc(h->x[in->rs2], size);
    uint64_t pa;
    uint8_t *host;
    bool reserved = h->resv_valid, bus_error;

    if (!hart_translate_amo(h, va, size, ACCESS_STORE, &host, &pa))
        return;
    if (!reserved || h->resv_addr != pa) {
        hart_resv_clear(h);
        h->x[in->rd] = 1;
        return;
    }
    bool ok = amo_sc_commit(h, host, pa, size, val, &bus_error);
    hart_resv_clear(h);
    if (bus_error) {
        hart_raise(h, EXC_STORE_ACCESS, va);
        return;
    }
    h->x[in->rd] = ok ? 0 : 1;
}

void exec_lr_w(struct hart *h, const struct insn *in)
{
    amo_lr(h, in, 4);
}
void exec_sc_w(struct hart *h, const struct insn *in)
{
    amo_sc(h, in, 4);
}
void exec_amoswap_w(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 4, AMO_SWAP);
}
void exec_amoadd_w(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 4, AMO_ADD);
}
void exec_amoxor_w(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 4, AMO_XOR);
}
void exec_amoand_w(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 4, AMO_AND);
}
void exec_amoor_w(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 4, AMO_OR);
}
void exec_amomin_w(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 4, AMO_MIN);
}
void exec_amomax_w(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 4, AMO_MAX);
}
void exec_amominu_w(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 4, AMO_MINU);
}
void exec_amomaxu_w(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 4, AMO_MAXU);
}

void exec_lr_d(struct hart *h, const struct insn *in)
{
    amo_lr(h, in, 8);
}
void exec_sc_d(struct hart *h, const struct insn *in)
{
    amo_sc(h, in, 8);
}
void exec_amoswap_d(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 8, AMO_SWAP);
}
void exec_amoadd_d(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 8, AMO_ADD);
}
void exec_amoxor_d(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 8, AMO_XOR);
}
void exec_amoand_d(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 8, AMO_AND);
}
void exec_amoor_d(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 8, AMO_OR);
}
void exec_amomin_d(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 8, AMO_MIN);
}
void exec_amomax_d(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 8, AMO_MAX);
}
void exec_amominu_d(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 8, AMO_MINU);
}
void exec_amomaxu_d(struct hart *h, const struct insn *in)
{
    amo_rmw(h, in, 8, AMO_MAXU);
}
