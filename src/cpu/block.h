/*
 * The block cache and block executor of one hart: the fast path of hart_run().
 *
 * A block is a run of pre-decoded instructions that starts at a physical address and
 * stays inside one 4 KiB page. It ends after an unconditional jump (jal, jalr), before
 * anything SYSTEM (CSR access, ecall, xRET, wfi, sfence.vma), fence.i, an illegal
 * encoding or a 32-bit instruction that straddles the page end, or at BLK_MAX_OPS.
 * Conditional branches are side exits. Those left-out instructions run through the
 * plain one-instruction step (hart_step), which is also the reference the differential
 * test (tests/unit/test_diff.c) compares the executor with.
 *
 * A block is found by translating pc with the fetch TLB (so fetch permission and PMP
 * were checked for the whole page) and hashing the physical address. Instructions are
 * counted per block: a block runs only when the slice has room for all of it, and
 * minstret/mcycle/slice_left are charged with what actually retired when it leaves
 * (exactly, also on a side exit or an exception). Interrupts, stop requests and remote
 * TLB-flush requests are looked at between blocks.
 *
 * Invalidation: every cached block belongs to a "code page" entry (physical page,
 * version, 64-byte chunks holding decoded code, a hash of each such chunk); a block is
 * valid while its version matches. The store TLB never maps a code page, so every store
 * by this hart to one takes the slow path, which drops the page's blocks when the store
 * hits a chunk with code (and stops the running block after that store). Stores by
 * other harts, DMA or the debugger/loader must become visible after this hart's fence.i
 * (or hart_tlb_flush()): those bump an epoch, and a code page of an older epoch is
 * checked against its chunk hashes before its blocks run again (its blocks are dropped
 * if any chunk changed). Linux runs fence.i for every new executable user page, so this
 * saves decoding the kernel again each time.
 *
 * Chaining: a block remembers the slots its successors were found in (fall-through and
 * jump target). Following a link still translates the next pc with the fetch TLB (one
 * compare: a TLB flush, satp or privilege change cannot send it elsewhere) and checks the
 * slot still holds that physical address; every event that could make a cached block
 * stale (a code page dropped, claimed or left unverified by a fence, a full flush) bumps
 * link_gen, which drops all links. That skips the slot hash and the code-page check.
 *
 * Dispatch: computed goto (GCC/Clang) or a portable switch; both are compiled from the
 * same handlers (block_exec.inc) and both are tested (hart.blk_portable selects).
 */
#ifndef RVISOR_CPU_BLOCK_H
#define RVISOR_CPU_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/decode.h"

struct hart;

#define BLK_MAX_OPS    64
#ifndef BLK_SLOT_BITS
#define BLK_SLOT_BITS  15         /* direct-mapped block table */
#endif
#ifndef BLK_CODE_BITS
#define BLK_CODE_BITS  11         /* direct-mapped code-page table */
#endif
/* Room for decoded instructions, all blocks together: it starts small and doubles (up to
 * the maximum) whenever it fills up, which also drops every block. */
#define BLK_ARENA_MIN_OPS (1u << 14)
#ifndef BLK_ARENA_BITS
#define BLK_ARENA_BITS 18
#endif
#define BLK_ARENA_MAX_OPS (1u << BLK_ARENA_BITS)
#define BLK_NO_PAGE    UINT64_MAX

/* One pre-decoded instruction of a block. */
struct blk_op {
    struct insn in;
    uint16_t pcoff; /* offset of the instruction in its page (END: of the next pc) */
    uint8_t kind;   /* enum blk_kind: which handler runs it */
};

/* A remembered successor: the slot that held the block at physical address pa. */
struct blk_link {
    uint64_t pa;
    struct blk *b;
};

struct blk {
    uint64_t pa;         /* physical address of the first instruction */
    uint64_t ver;        /* version of its code page when it was decoded */
    struct blk_op *ops;  /* n instructions, then an END op */
    uint16_t n;          /* 0: the instruction at pa has to be single-stepped */
    uint16_t cap;        /* ops has room for cap + 1 entries (reused by the next block) */
    uint32_t gen;        /* arena generation of ops */
    uint64_t link_gen;   /* the cache's link_gen when link[] was filled */
    struct blk_link link[2]; /* successors: [0] falls through, [1] jumps (see blk_run) */
};

struct blk_code_page {
    uint64_t ppage;    /* physical page number, or BLK_NO_PAGE */
    uint64_t ver;      /* bumped whenever the page's blocks are dropped */
    uint64_t chunks;   /* bit i: bytes [64 i, 64 i + 64) hold decoded instructions */
    uint64_t epoch;    /* the cache's epoch when the chunks last matched memory */
};

/* Hashes of each chunk in `chunks` of the code page of the same index, taken before it
 * was decoded (apart from the entries, which blk_find reads for every block it looks up). */
struct blk_code_hash {
    uint64_t hash[64];
};

struct blk_cache {
    struct blk slot[1u << BLK_SLOT_BITS];
    struct blk_code_page code[1u << BLK_CODE_BITS];
    struct blk_code_hash code_hash[1u << BLK_CODE_BITS];
    struct blk_op *arena;
    uint32_t arena_cap;  /* entries in arena */
    uint32_t arena_used;
    uint32_t arena_gen;  /* bumped when the arena is emptied */
    uint64_t epoch; /* bumped by fence.i and hart_tlb_flush */
    uint64_t link_gen; /* bumped whenever a block may have gone stale: drops all links */
    struct blk_op scratch[BLK_MAX_OPS + 1]; /* a block being decoded */
    /* statistics: blocks decoded, full flushes, self-modifying-code drops, code pages
     * checked after a fence and found changed */
    uint64_t stat_builds, stat_flushes, stat_smc, stat_verify, stat_vfail;
};

/* Allocate / free the cache of h (hart_init, hart_destroy). */
int blk_init(struct hart *h);
void blk_destroy(struct hart *h);
/* Host memory the cache holds (bytes). */
size_t blk_host_bytes(const struct hart *h);
/* Drop every block. */
void blk_flush_all(struct hart *h);
/*
 * fence.i: make every write to memory visible to this hart's instruction fetches (code
 * pages are checked against their hashes before they run again).
 */
void blk_fence(struct hart *h);
/* Is physical page ppage one with cached code (no store-TLB entry may map it)? */
bool blk_is_code_page(const struct hart *h, uint64_t ppage);
/*
 * This hart stored len bytes at physical address pa (one page, RAM) on the slow path:
 * drop the page's blocks if the store touched cached code.
 */
void blk_code_write(struct hart *h, uint64_t pa, unsigned len);
/*
 * Run whole blocks from h->pc while nothing needs the outer loop: returns when an
 * interrupt check, a stop or the end of the slice is due, or when the next instruction
 * has to be single-stepped (no block, or the slice has no room for the block).
 */
void blk_run(struct hart *h);

#endif
