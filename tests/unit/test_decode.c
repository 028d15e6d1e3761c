/*
 * Decoder unit tests: the encoding table has no overlapping entries, every entry decodes
 * to itself, field extraction for each format, compressed expansion and the reserved
 * compressed encodings, and the disassembler's output for a few known words.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"

/* Two entries overlap when some word matches both: their matches agree on common mask bits. */
START_TEST(test_no_overlap)
{
    for (unsigned i = 0; i < INSN_COUNT; i++) {
        const struct insn_desc *a = &insn_table[i];
        ck_assert_msg(a->name != NULL, "entry %u has no name", i);
        ck_assert_msg((a->match & ~a->mask) == 0, "%s: match has bits outside mask", a->name);
        for (unsigned j = i + 1; j < INSN_COUNT; j++) {
            const struct insn_desc *b = &insn_table[j];
            if ((a->ext == EXT_C) != (b->ext == EXT_C))
                continue;
            uint32_t common = a->mask & b->mask;
            ck_assert_msg((a->match & common) != (b->match & common),
                          "%s overlaps %s", a->name, b->name);
        }
    }
}
END_TEST

START_TEST(test_every_entry_decodes_to_itself)
{
    for (unsigned i = 0; i < INSN_COUNT; i++) {
        const struct insn_desc *d = &insn_table[i];
        struct insn in;
        uint32_t raw = d->match;
        if (d->ext == EXT_C) {
            /* pick operand bits that avoid the reserved values (nonzero immediates, rd) */
            raw |= 0x1ffc & ~d->mask;
        }
        ck_assert_msg(insn_decode(raw, &in), "%s (0x%08x) does not decode", d->name, raw);
        ck_assert_msg(in.tid == i, "%s decodes as %s", d->name, insn_table[in.tid].name);
        if (d->ext != EXT_C)
            ck_assert_ptr_nonnull(insn_table[in.id].exec);
    }
}
END_TEST

START_TEST(test_fields_32bit)
{
    struct insn in;
    /* addi a0, a1, -1 */
    ck_assert(insn_decode(0xfff58513, &in));
    ck_assert_uint_eq(in.id, INSN_addi);
    ck_assert_uint_eq(in.rd, 10);
    ck_assert_uint_eq(in.rs1, 11);
    ck_assert_int_eq(in.imm, -1);
    ck_assert_uint_eq(in.len, 4);
    /* sd ra, -8(sp) */
    ck_assert(insn_decode(0xfe113c23, &in));
    ck_assert_uint_eq(in.id, INSN_sd);
    ck_assert_uint_eq(in.rs1, 2);
    ck_assert_uint_eq(in.rs2, 1);
    ck_assert_int_eq(in.imm, -8);
    /* beq a0, a1, -4 */
    ck_assert(insn_decode(0xfeb50ee3, &in));
    ck_assert_uint_eq(in.id, INSN_beq);
    ck_assert_int_eq(in.imm, -4);
    /* jal ra, 2048 */
    ck_assert(insn_decode(0x001000ef, &in));
    ck_assert_uint_eq(in.id, INSN_jal);
    ck_assert_int_eq(in.imm, 2048);
    /* lui a0, 0x80000 sign-extends */
    ck_assert(insn_decode(0x80000537, &in));
    ck_assert_int_eq(in.imm, (int64_t)0xffffffff80000000ull);
    /* srai a0, a0, 63 */
    ck_assert(insn_decode(0x43f55513, &in));
    ck_assert_uint_eq(in.id, INSN_srai);
    ck_assert_int_eq(in.imm, 63);
    /* csrrw a0, mstatus, a1 */
    ck_assert(insn_decode(0x30059573, &in));
    ck_assert_uint_eq(in.id, INSN_csrrw);
    ck_assert_int_eq(in.imm, 0x300);
    /* fmadd.d fa0, fa1, fa2, fa3, rne */
    ck_assert(insn_decode(0x6ac58543, &in));
    ck_assert_uint_eq(in.id, INSN_fmadd_d);
    ck_assert_uint_eq(in.rs3, 13);
    ck_assert_uint_eq(in.rm, 0);
}
END_TEST

START_TEST(test_compressed_expansion)
{
    struct insn in;
    /* c.addi16sp sp, -64  = 0x7139 */
    ck_assert(insn_decode(0x7139, &in));
    ck_assert_uint_eq(in.id, INSN_addi);
    ck_assert_uint_eq(in.rd, 2);
    ck_assert_int_eq(in.imm, -64);
    ck_assert_uint_eq(in.len, 2);
    /* c.lui a0, 0xfffe1 (imm -31 << 12) = 0x7505 */
    ck_assert(insn_decode(0x7505, &in));
    ck_assert_uint_eq(in.id, INSN_lui);
    ck_assert_int_eq(in.imm, -(31 << 12));
    /* c.ldsp ra, 8(sp) = 0x60a2 */
    ck_assert(insn_decode(0x60a2, &in));
    ck_assert_uint_eq(in.id, INSN_ld);
    ck_assert_uint_eq(in.rd, 1);
    ck_assert_int_eq(in.imm, 8);
    /* c.jr ra = 0x8082; c.mv a0, a1 = 0x852e; c.jalr a0 = 0x9502; c.add a0, a1 = 0x952e */
    ck_assert(insn_decode(0x8082, &in));
    ck_assert_uint_eq(in.id, INSN_jalr);
    ck_assert_uint_eq(in.rd, 0);
    ck_assert(insn_decode(0x852e, &in));
    ck_assert_uint_eq(in.id, INSN_add);
    ck_assert_uint_eq(in.rs1, 0);
    ck_assert(insn_decode(0x9502, &in));
    ck_assert_uint_eq(in.id, INSN_jalr);
    ck_assert_uint_eq(in.rd, 1);
    ck_assert(insn_decode(0x952e, &in));
    ck_assert_uint_eq(in.id, INSN_add);
    ck_assert_uint_eq(in.rs1, 10);
    /* c.ebreak = 0x9002 */
    ck_assert(insn_decode(0x9002, &in));
    ck_assert_uint_eq(in.id, INSN_ebreak);
    /* c.beqz a0, -2 = 0xdd7d */
    ck_assert(insn_decode(0xdd7d, &in));
    ck_assert_uint_eq(in.id, INSN_beq);
    ck_assert_int_eq(in.imm, -2);
    /* c.j -2 = 0xbffd */
    ck_assert(insn_decode(0xbffd, &in));
    ck_assert_uint_eq(in.id, INSN_jal);
    ck_assert_int_eq(in.imm, -2);
}
END_TEST

START_TEST(test_compressed_reserved)
{
    struct insn in;
    static const uint16_t reserved[] = {
        0x0000, /* all zeros (c.addi4spn with imm 0) */
        0x6002, /* c.ldsp rd = 0 */
        0x6101, /* c.addi16sp imm 0 */
        0x6501, /* c.lui a0, 0 */
        0x2001, /* c.addiw rd = 0 */
        0x8002, /* c.jr x0 */
        0x4002, /* c.lwsp rd = 0 */
        0x9c41, /* reserved arithmetic encoding */
        0x8000, /* quadrant 0, funct3 100 */
    };
    for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        ck_assert_msg(!insn_decode(reserved[i], &in), "0x%04x should be reserved",
                      reserved[i]);
    ck_assert(!insn_decode(0xffffffff, &in));
    ck_assert(!insn_decode(0x0000007f, &in)); /* a >32-bit encoding prefix */
}
END_TEST

START_TEST(test_disasm)
{
    struct insn in;
    char buf[96];
    ck_assert(insn_decode(0xfff58513, &in));
    insn_disasm(&in, 0x80000000, buf, sizeof(buf));
    ck_assert_str_eq(buf, "addi       a0,a1,-1");
    ck_assert(insn_decode(0x30059573, &in));
    insn_disasm(&in, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "csrrw      a0,mstatus,a1");
    ck_assert(insn_decode(0xfeb50ee3, &in));
    insn_disasm(&in, 0x80000010, buf, sizeof(buf));
    ck_assert_str_eq(buf, "beq        a0,a1,0x8000000c");
    ck_assert(insn_decode(0x7139, &in));
    insn_disasm(&in, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "c.addi     sp,sp,-64");
}
END_TEST

START_TEST(test_decode_cache)
{
    struct decode_cache *dc = calloc(1, sizeof(*dc));
    ck_assert_ptr_nonnull(dc);
    const struct insn *a = insn_decode_cached(dc, 0xfff58513);
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(a->id, INSN_addi);
    /* a 16-bit instruction with garbage in the upper half is the same instruction */
    const struct insn *c = insn_decode_cached(dc, 0xdead7139);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(c->raw, 0x7139);
    ck_assert_ptr_null(insn_decode_cached(dc, 0x0000));
    ck_assert_ptr_null(insn_decode_cached(dc, 0x0000)); /* cached as illegal */
    free(dc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, test_no_overlap);
    tcase_add_test(tc, test_every_entry_decodes_to_itself);
    tcase_add_test(tc, test_fields_32bit);
    tcase_add_test(tc, test_compressed_expansion);
    tcase_add_test(tc, test_compressed_reserved);
    tcase_add_test(tc, test_disasm);
    tcase_add_test(tc, test_decode_cache);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
