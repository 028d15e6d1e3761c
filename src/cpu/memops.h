/*
 * Host-side access to guest RAM, shared by the MMU (mmu.c) and the block executor
 * (block.c). Guest memory is little-endian, as is the host. Naturally aligned accesses
 * of up to 8 bytes are single-copy atomic, as the ISA requires across harts on other
 * host threads: relaxed host atomics (one plain move on mainstream hosts, and no data
 * race in C's terms). Misaligned ones are plain copies.
 */
#ifndef RVISOR_CPU_MEMOPS_H
#define RVISOR_CPU_MEMOPS_H

#include <stdint.h>
#include <string.h>

#include "cpu/hart.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "rvisor's memory access paths assume a little-endian host"
#endif

static inline uint64_t mem_get(const uint8_t *p, unsigned size)
{
#if defined(__GNUC__) || defined(__clang__)
    if (RV_LIKELY(((uintptr_t)p & (size - 1)) == 0)) {
        switch (size) {
        case 1: return __atomic_load_n(p, __ATOMIC_RELAXED);
        case 2: return __atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_RELAXED);
        case 4: return __atomic_load_n((const uint32_t *)(const void *)p, __ATOMIC_RELAXED);
        default: return __atomic_load_n((const uint64_t *)(const void *)p, __ATOMIC_RELAXED);
        }
    }
#endif
    uint8_t b;
    uint16_t h;
    uint32_t w;
    uint64_t d;

    switch (size) {
    case 1: memcpy(&b, p, 1); return b;
    case 2: memcpy(&h, p, 2); return h;
    case 4: memcpy(&w, p, 4); return w;
    default: memcpy(&d, p, 8); return d;
    }
}

static inline void mem_put(uint8_t *p, unsigned size, uint64_t v)
{
#if defined(__GNUC__) || defined(__clang__)
    if (RV_LIKELY(((uintptr_t)p & (size - 1)) == 0)) {
        switch (size) {
        case 1: __atomic_store_n(p, (uint8_t)v, __ATOMIC_RELAXED); return;
        case 2: __atomic_store_n((uint16_t *)(void *)p, (uint16_t)v, __ATOMIC_RELAXED); return;
        case 4: __atomic_store_n((uint32_t *)(void *)p, (uint32_t)v, __ATOMIC_RELAXED); return;
        default: __atomic_store_n((uint64_t *)(void *)p, v, __ATOMIC_RELAXED); return;
        }
    }
#endif
    uint8_t b = (uint8_t)v;
    uint16_t h = (uint16_t)v;
    uint32_t w = (uint32_t)v;

    switch (size) {
    case 1: memcpy(p, &b, 1); break;
    case 2: memcpy(p, &h, 2); break;
    case 4: memcpy(p, &w, 4); break;
    default: memcpy(p, &v, 8); break;
    }
}

/* The same for a pointer known to be aligned to size (the block executor's fast path). */
static inline uint64_t mem_get_aligned(const uint8_t *p, unsigned size)
{
#if defined(__GNUC__) || defined(__clang__)
    switch (size) {
    case 1: return __atomic_load_n(p, __ATOMIC_RELAXED);
    case 2: return __atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_RELAXED);
    case 4: return __atomic_load_n((const uint32_t *)(const void *)p, __ATOMIC_RELAXED);
    default: return __atomic_load_n((const uint64_t *)(const void *)p, __ATOMIC_RELAXED);
    }
#else
    return mem_get(p, size);
#endif
}

static inline void mem_put_aligned(uint8_t *p, unsigned size, uint64_t v)
{
#if defined(__GNUC__) || defined(__clang__)
    switch (size) {
    case 1: __atomic_store_n(p, (uint8_t)v, __ATOMIC_RELAXED); return;
    case 2: __atomic_store_n((uint16_t *)(void *)p, (uint16_t)v, __ATOMIC_RELAXED); return;
    case 4: __atomic_store_n((uint32_t *)(void *)p, (uint32_t)v, __ATOMIC_RELAXED); return;
    default: __atomic_store_n((uint64_t *)(void *)p, v, __ATOMIC_RELAXED); return;
    }
#else
    mem_put(p, size, v);
#endif
}

#endif
