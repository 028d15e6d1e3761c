/*
 * The GDB stub's packet layer without a socket: framing (checksums, naks, Ctrl-C,
 * oversized and cut packets), hex parsing with overflow, the command layer on one hart
 * (registers, memory through the MMU, breakpoints and watchpoints, vCont, qXfer of the
 * target description) with malformed and out-of-range inputs, and the hart's debug hooks
 * (a breakpoint stops hart_run before the instruction, a watchpoint after the store).
 */
#include <check.h>
#include <stdio.h>

#include "hv/gdb_proto.h"
#include "mmu_fixture.h"

static struct gdb_session sess;
static struct gdb_reply rep;

static void gdb_setup(void)
{
    fx_setup();
    ck_assert_int_eq(gdb_session_init(&sess, &fx.h, 1), 0);
}

static void gdb_teardown(void)
{
    gdb_session_destroy(&sess);
    fx_teardown();
}

/* Feed a string to a fresh receiver; returns the last event. */
static enum gdb_rx_event feed(struct gdb_rx *rx, const char *s, size_t len)
{
    enum gdb_rx_event ev = GDB_RX_NONE;
    for (size_t i = 0; i < len; i++) {
        enum gdb_rx_event e = gdb_rx_byte(rx, (uint8_t)s[i]);
        if (e != GDB_RX_NONE)
            ev = e;
    }
    return ev;
}

/* Run one command; returns the reply body (NUL-terminated). */
static const char *cmd(const char *text)
{
    static char pkt[GDB_PACKET_MAX + 1];
    snprintf(pkt, sizeof(pkt), "%s", text);
    gdb_handle(&sess, pkt, strlen(pkt), &rep);
    rep.buf[rep.len] = 0;
    return rep.buf;
}

START_TEST(test_rx_framing)
{
    static struct gdb_rx rx;
    static char big[GDB_PACKET_MAX + 64];

    gdb_rx_init(&rx);
    ck_assert_int_eq(feed(&rx, "$g#67", 5), GDB_RX_PACKET);
    ck_assert_str_eq(rx.buf, "g");
    ck_assert_int_eq(feed(&rx, "$g#68", 5), GDB_RX_BAD);    /* wrong checksum */
    ck_assert_int_eq(feed(&rx, "$g#x7", 5), GDB_RX_BAD);    /* non-hex digit */
    ck_assert_int_eq(feed(&rx, "$g#6", 4), GDB_RX_NONE);    /* cut mid-way ... */
    ck_assert_int_eq(feed(&rx, "$g#67", 5), GDB_RX_PACKET); /* ... junk, then a good one */
    ck_assert_int_eq(feed(&rx, "\x03", 1), GDB_RX_INTERRUPT);
    ck_assert_int_eq(feed(&rx, "+", 1), GDB_RX_ACK);
    ck_assert_int_eq(feed(&rx, "-", 1), GDB_RX_NAK);
    ck_assert_int_eq(feed(&rx, "$qSup$g#67", 10), GDB_RX_PACKET); /* restarted packet */
    ck_assert_str_eq(rx.buf, "g");
    /* oversized: nakked, and the receiver recovers */
    memset(big, 'A', sizeof(big));
    big[0] = '$';
    memcpy(big + sizeof(big) - 3, "#00", 3);
    ck_assert_int_eq(feed(&rx, big, sizeof(big)), GDB_RX_BAD);
    ck_assert_int_eq(feed(&rx, "$g#67", 5), GDB_RX_PACKET);
}
END_TEST

START_TEST(test_frame_and_hex)
{
    char out[32];
    const char *p, *s;
    uint64_t v;
    uint8_t b[2];

    ck_assert_uint_eq(gdb_frame("OK", 2, out, sizeof(out)), 6);
    ck_assert(memcmp(out, "$OK#9a", 6) == 0);
    ck_assert_uint_eq(gdb_frame("a#b", 3, out, sizeof(out)), 8); /* '#' escaped */
    ck_assert(memcmp(out,
                     "$a}\x03"
                     "b#",
                     6) == 0);
    ck_assert_uint_eq(gdb_frame("OKOKOK", 6, out, 6), 0); /* too small: refused */
    s = "ffffffffffffffff,";
    p = s;
    ck_assert(gdb_parse_hex(&p, s + strlen(s), &v));
    ck_assert_uint_eq(v, UINT64_MAX);
    ck_assert_int_eq(*p, ',');
    s = "10000000000000000";
    p = s;
    ck_assert(!gdb_parse_hex(&p, s + strlen(s), &v)); /* 65 bits */
    s = "";
    p = s;
    ck_assert(!gdb_parse_hex(&p, s, &v));
    ck_assert(!gdb_hex_to_bytes("1g", 1, b));
    char esc[] = "a}\x03"
                 "b";
    ck_assert_uint_eq(gdb_unescape(esc, 4), 3);
    ck_assert(memcmp(esc, "a#b", 3) == 0);
}
END_TEST

START_TEST(test_registers)
{
    fx.h.x[10] = 0x1122334455667788ull;
    fx.h.pc = 0x80001000;
    ck_assert_uint_eq(strlen(cmd("g")), 33 * 16);
    ck_assert_str_eq(cmd("pa"), "8877665544332211");
    ck_assert_str_eq(cmd("p20"), "0010008000000000");
    ck_assert_str_eq(cmd("P5=efbeadde00000000"), "OK");
    ck_assert_uint_eq(fx.h.x[5], 0xdeadbeef);
    ck_assert_str_eq(cmd("P0=0100000000000000"), "OK"); /* x0 stays zero */
    ck_assert_uint_eq(fx.h.x[0], 0);
    /* mstatus is CSR 0x300: register 65 + 0x300 = 0x341 */
    fx.h.csr.mscratch = 42;
    ck_assert_str_eq(cmd("p381"), "2a00000000000000");  /* mscratch 0x340 */
    ck_assert_str_eq(cmd("p1041"), "0300000000000000"); /* priv: M */
    ck_assert_str_eq(cmd("P1041=0100000000000000"), "OK");
    ck_assert_int_eq(fx.h.priv, PRIV_S);
    ck_assert_str_eq(cmd("P1041=0200000000000000"), "E01"); /* 2 is not a mode */
    ck_assert_str_eq(cmd("p1042"), "E01");                  /* past the last register */
    ck_assert_str_eq(cmd("p801"), "E01");                   /* CSR 0x7c0: not implemented */
    ck_assert_str_eq(cmd("pffffffffffffffffff"), "E01");
    ck_assert_str_eq(cmd("p"), "E01");
    ck_assert_str_eq(cmd("P5=12"), "E01");
    ck_assert_str_eq(cmd("P5"), "E01");
    ck_assert_str_eq(cmd("G00"), "E01");
}
END_TEST

START_TEST(test_memory)
{
    fx.ram[0x100] = 0xab;
    ck_assert_str_eq(cmd("m80000100,2"), "ab00");
    ck_assert_str_eq(cmd("M80000100,2:1234"), "OK");
    ck_assert_uint_eq(fx.ram[0x101], 0x34);
    ck_assert_str_eq(cmd("m0,4"), "E0e"); /* nothing there */
    ck_assert_str_eq(cmd("m80000100"), "E01");
    ck_assert_str_eq(cmd("M80000100,2:12"), "E01");
    ck_assert_str_eq(cmd("M80000100,2:zzzz"), "E01");
    /* a huge length is clamped; a read that runs off the end of RAM is cut short */
    ck_assert_uint_le(strlen(cmd("m80000000,ffffffffffffffff")), GDB_PACKET_MAX);
    ck_assert_uint_eq(strlen(cmd("m803ffffe,10")), 4);
    /* X: binary with } escapes */
    char x[] = "X80000200,2:}\x03}\x5d";
    gdb_handle(&sess, x, sizeof(x) - 1, &rep);
    ck_assert_uint_eq(fx.ram[0x200], '#');
    ck_assert_uint_eq(fx.ram[0x201], '}');
    ck_assert_str_eq(cmd("X80000200,3:ab"), "E01");
    ck_assert_str_eq(cmd("X80000200,0:"), "OK");
    /* virtual addresses go through the hart's translation, without A/D updates */
    fx_paging(3);
    uint64_t *leaf = fx_map(0x40000000, RAM_BASE + 0x1000, 0, PTE_V | PTE_R | PTE_U);
    fx.ram[0x1000] = 0x5a;
    fx.h.priv = PRIV_S; /* a U page from S: readable by the debugger (SUM is forced) */
    ck_assert_str_eq(cmd("m40000000,1"), "5a");
    ck_assert_uint_eq(*leaf & (PTE_A | PTE_D), 0);
    ck_assert_str_eq(cmd("M40000000,1:77"), "OK"); /* read-only page: the debugger writes */
    ck_assert_uint_eq(fx.ram[0x1000], 0x77);
    ck_assert_str_eq(cmd("m40001000,1"), "E0e"); /* not mapped */
}
END_TEST

START_TEST(test_breakpoints_and_run_control)
{
    ck_assert_str_eq(cmd("Z0,80000010,4"), "OK");
    ck_assert_uint_eq(fx.h.dbg_flags & HART_DBG_BREAK, HART_DBG_BREAK);
    ck_assert_str_eq(cmd("z0,80000010,4"), "OK");
    ck_assert_uint_eq(fx.h.dbg_flags & HART_DBG_STOPS, 0);
    ck_assert_str_eq(cmd("Z2,80000100,8"), "OK");
    ck_assert_uint_eq(fx.h.dbg_flags & HART_DBG_WATCH, HART_DBG_WATCH);
    ck_assert_str_eq(cmd("z2,80000100,8"), "OK");
    ck_assert_str_eq(cmd("Z2,80000100,0"), "E01");
    ck_assert_str_eq(cmd("Z2,ffffffffffffffff,2"), "E01"); /* wraps */
    ck_assert_str_eq(cmd("Z5,0,0"), "");
    ck_assert_str_eq(cmd("Z0"), "E01");
    ck_assert_str_eq(cmd("Z0,zz,4"), "E01");
    for (unsigned i = 0; i < HART_DBG_MAX_BP; i++)
        ck_assert_str_eq(cmd("Z0,80000000,4"), "OK");
    ck_assert_str_eq(cmd("Z0,80000000,4"), "E1c"); /* full */

    char c[] = "vCont;s:1;c";
    ck_assert_int_eq(gdb_handle(&sess, c, strlen(c), &rep), GDB_ACT_STEP);
    ck_assert(!rep.send);
    ck_assert_uint_eq(sess.step_hart, 0);
    char c2[] = "vCont;c";
    ck_assert_int_eq(gdb_handle(&sess, c2, strlen(c2), &rep), GDB_ACT_CONTINUE);
    char c3[] = "vCont;C05:1";
    ck_assert_int_eq(gdb_handle(&sess, c3, strlen(c3), &rep), GDB_ACT_CONTINUE);
    ck_assert_str_eq(cmd("vCont;x"), "E01");
    ck_assert_str_eq(cmd("vCont;c:5"), "E01");
    ck_assert_str_eq(cmd("vCont"), "E01");
    ck_assert_str_eq(cmd("vCont?"), "vCont;c;C;s;S");
    char k[] = "k";
    ck_assert_int_eq(gdb_handle(&sess, k, 1, &rep), GDB_ACT_KILL);
    char d[] = "D";
    ck_assert_int_eq(gdb_handle(&sess, d, 1, &rep), GDB_ACT_DETACH);
    ck_assert_str_eq(rep.buf, "OK");
    char s[] = "s80000040";
    ck_assert_int_eq(gdb_handle(&sess, s, strlen(s), &rep), GDB_ACT_STEP);
    ck_assert_uint_eq(fx.h.pc, 0x80000040);
    ck_assert_str_eq(cmd("czz"), "E01");
}
END_TEST

START_TEST(test_threads_and_queries)
{
    char xml[65536];
    size_t n = 0;

    ck_assert_str_eq(cmd("qfThreadInfo"), "m1");
    ck_assert_str_eq(cmd("qsThreadInfo"), "l");
    ck_assert_str_eq(cmd("qC"), "QC1");
    ck_assert_str_eq(cmd("Hg1"), "OK");
    ck_assert_str_eq(cmd("Hg-1"), "OK");
    ck_assert_str_eq(cmd("Hg2"), "E01");
    ck_assert_str_eq(cmd("Hx1"), "E01");
    ck_assert_str_eq(cmd("H"), "E01");
    ck_assert_str_eq(cmd("T1"), "OK");
    ck_assert_str_eq(cmd("T2"), "E01");
    ck_assert_str_eq(cmd("qAttached"), "1");
    ck_assert_ptr_nonnull(strstr(cmd("qSupported:multiprocess+"), "qXfer:features:read+"));
    ck_assert_str_eq(cmd("QStartNoAckMode"), "OK");
    ck_assert(sess.no_ack_pending);
    ck_assert_str_eq(cmd("\x01\xff"), "");
    ck_assert_str_eq(cmd("?"), "T05thread:1;20:0000000000000000;");
    /* target.xml in small chunks, reassembled */
    for (;;) {
        char q[80];
        snprintf(q, sizeof(q), "qXfer:features:read:target.xml:%zx,100", n);
        const char *r = cmd(q);
        ck_assert(r[0] == 'm' || r[0] == 'l');
        memcpy(xml + n, r + 1, rep.len - 1);
        n += rep.len - 1;
        if (r[0] == 'l')
            break;
    }
    xml[n] = 0;
    ck_assert_uint_eq(n, sess.xml_len);
    ck_assert_ptr_nonnull(strstr(xml, "<feature name=\"org.gnu.gdb.riscv.cpu\">"));
    ck_assert_ptr_nonnull(strstr(xml, "<feature name=\"org.gnu.gdb.riscv.fpu\">"));
    ck_assert_ptr_nonnull(strstr(xml, "<feature name=\"org.gnu.gdb.riscv.csr\">"));
    ck_assert_ptr_nonnull(strstr(xml, "<reg name=\"mstatus\" bitsize=\"64\" type=\"int\" "
                                      "regnum=\"833\"/>"));
    ck_assert_ptr_nonnull(strstr(xml, "<reg name=\"pmpaddr63\""));
    ck_assert_ptr_nonnull(strstr(xml, "<reg name=\"priv\" bitsize=\"64\" type=\"int\" "
                                      "regnum=\"4161\"/>"));
    ck_assert_ptr_null(strstr(xml, "regnum=\"66\"/>\n<reg name=\"fflags\"")); /* once */
    ck_assert_str_eq(cmd("qXfer:features:read:target.xml:ffffffff,10"), "l");
    ck_assert_str_eq(cmd("qXfer:features:read:a.xml:0,10"), "E00");
    ck_assert_str_eq(cmd("qXfer:features:read:target.xml:0"), "E01");
}
END_TEST

/* addi x0,x0,0 (nop) at 0x80000000..; sd a1,0(a0) at 0x80000008 */
static void put_program(void)
{
    const uint32_t prog[] = {0x00000013, 0x00000013, 0x00b53023, 0x00000013, 0x00000013};
    memcpy(fx.ram, prog, sizeof(prog));
    fx.h.pc = RAM_BASE;
    fx.h.x[10] = RAM_BASE + 0x800;
}

START_TEST(test_hart_breakpoint)
{
    put_program();
    ck_assert_str_eq(cmd("Z0,80000008,4"), "OK");
    ck_assert_int_eq(hart_run(&fx.h, 100), HART_STOP_DEBUG);
    ck_assert_uint_eq(fx.h.pc, 0x80000008);
    ck_assert_int_eq(fx.h.dbg_stop.reason, HART_DBG_BREAKPOINT);
    ck_assert_uint_eq(fx.h.slice_left, 98);
    /* resuming runs the instruction at the breakpoint */
    fx.h.dbg_stop.reason = HART_DBG_NONE;
    fx.h.dbg_stop.skip = true;
    fx.h.dbg_stop.skip_pc = fx.h.pc;
    ck_assert_int_eq(hart_run(&fx.h, 2), HART_STOP_SLICE);
    ck_assert_uint_eq(fx.h.pc, 0x80000010);
}
END_TEST

START_TEST(test_hart_watchpoint)
{
    put_program();
    fx.h.x[10] = RAM_BASE + 0x800;
    fx.h.x[11] = 7;
    ck_assert_str_eq(cmd("Z3,80000804,4"), "OK"); /* a read watch: the store passes */
    ck_assert_int_eq(hart_run(&fx.h, 5), HART_STOP_SLICE);
    fx.h.pc = RAM_BASE;
    ck_assert_str_eq(cmd("Z2,80000804,4"), "OK"); /* overlaps the 8-byte store */
    ck_assert_int_eq(hart_run(&fx.h, 100), HART_STOP_DEBUG);
    ck_assert_uint_eq(fx.h.pc, 0x8000000c); /* stopped after the store */
    ck_assert_int_eq(fx.h.dbg_stop.reason, HART_DBG_WATCHPOINT);
    ck_assert_uint_eq(fx.h.dbg_stop.addr, 0x80000804);
    gdb_stop_reply(&sess, 0, 5, &rep);
    ck_assert_str_eq(rep.buf, "T05watch:80000804;thread:1;20:0c00008000000000;");
}
END_TEST

static Suite *gdb_suite(void)
{
    Suite *s = suite_create("gdbstub");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, gdb_setup, gdb_teardown);
    tcase_add_test(tc, test_rx_framing);
    tcase_add_test(tc, test_frame_and_hex);
    tcase_add_test(tc, test_registers);
    tcase_add_test(tc, test_memory);
    tcase_add_test(tc, test_breakpoints_and_run_control);
    tcase_add_test(tc, test_threads_and_queries);
    tcase_add_test(tc, test_hart_breakpoint);
    tcase_add_test(tc, test_hart_watchpoint);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(gdb_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
