/* Unit tests for the ns16550a UART on a bus, with a fake chardev and a fake irq line. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/ns16550a.h"

#define BASE 0x10000000u

struct sink {
    uint8_t buf[256];
    size_t len;
};

struct irq_rec {
    bool level;
    unsigned changes;
};

static void sink_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct sink *s = opaque;

    memcpy(s->buf + s->len, buf, len);
    s->len += len;
}

static void irq_set(void *opaque, unsigned num, bool level)
{
    struct irq_rec *r = opaque;

    r->level = level;
    r->changes++;
}

struct fixture {
    struct bus *bus;
    struct ns16550a *uart;
    struct sink out;
    struct irq_rec irq;
};

static void setup(struct fixture *f)
{
    struct chardev cd = {.write = sink_write, .opaque = &f->out};
    struct irq_line il = {.set = irq_set, .opaque = &f->irq, .num = 10};

    memset(f, 0, sizeof(*f));
    f->bus = bus_create();
    f->uart = ns16550a_create(&cd, &il);
    ck_assert_ptr_nonnull(f->uart);
    ck_assert_int_eq(bus_add_device(f->bus, BASE, NS16550A_SIZE, &ns16550a_ops, f->uart), 0);
}

static uint8_t rd(struct fixture *f, unsigned reg)
{
    uint64_t v = 0xdead;

    ck_assert_int_eq(bus_read(f->bus, BASE + reg, 1, &v), 0);
    ck_assert_uint_le(v, 0xff);
    return (uint8_t)v;
}

static void wr(struct fixture *f, unsigned reg, uint8_t val)
{
    ck_assert_int_eq(bus_write(f->bus, BASE + reg, 1, val), 0);
}

enum {
    RBR = 0,
    THR = 0,
    DLL = 0,
    IER = 1,
    DLM = 1,
    IIR = 2,
    FCR = 2,
    LCR = 3,
    MCR = 4,
    LSR = 5,
    MSR = 6,
    SCR = 7
};

START_TEST(test_reset_state)
{
    struct fixture f;

    setup(&f);
    ck_assert_uint_eq(rd(&f, LSR), 0x60);
    ck_assert_uint_eq(rd(&f, IIR), 0x01);
    ck_assert_uint_eq(rd(&f, MSR), 0xb0);
    ck_assert_uint_eq(rd(&f, IER), 0);
    ck_assert_uint_eq(rd(&f, LCR), 0);
    ck_assert(!f.irq.level);
    wr(&f, SCR, 0x5a);
    ck_assert_uint_eq(rd(&f, SCR), 0x5a);
    bus_destroy(f.bus);
}
END_TEST

START_TEST(test_tx_and_dlab)
{
    struct fixture f;
    uint64_t v;

    setup(&f);
    wr(&f, THR, 'h');
    wr(&f, THR, 'i');
    ck_assert_uint_eq(f.out.len, 2);
    ck_assert_mem_eq(f.out.buf, "hi", 2);
    wr(&f, LCR, 0x83);
    wr(&f, DLL, 0x0c);
    wr(&f, DLM, 0x01);
    ck_assert_uint_eq(f.out.len, 2);
    ck_assert_uint_eq(rd(&f, DLL), 0x0c);
    ck_assert_uint_eq(rd(&f, DLM), 0x01);
    wr(&f, LCR, 0x03);
    ck_assert_uint_eq(rd(&f, IER), 0);
    ck_assert_uint_eq(rd(&f, LCR), 0x03);
    /* 4-byte accesses reach the same registers. */
    ck_assert_int_eq(bus_write(f.bus, BASE + THR, 4, '!'), 0);
    ck_assert_uint_eq(f.out.len, 3);
    ck_assert_int_eq(bus_read(f.bus, BASE + LSR, 4, &v), 0);
    ck_assert_uint_eq(v, 0x60);
    /* Bad offsets: read 0, never a fault. */
    ck_assert_int_eq(bus_read(f.bus, BASE + 0x20, 1, &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(bus_write(f.bus, BASE + 0x20, 1, 1), 0);
    wr(&f, LSR, 0);
    ck_assert_uint_eq(rd(&f, LSR), 0x60);
    bus_destroy(f.bus);
}
END_TEST

START_TEST(test_rx_without_fifo)
{
    struct fixture f;

    setup(&f);
    ck_assert_uint_eq(ns16550a_rx_space(f.uart), 1);
    ck_assert_uint_eq(ns16550a_receive(f.uart, (const uint8_t *)"abc", 3), 1);
    ck_assert_uint_eq(ns16550a_rx_space(f.uart), 0);
    ck_assert_uint_eq(rd(&f, LSR), 0x61);
    ck_assert_uint_eq(rd(&f, RBR), 'a');
    ck_assert_uint_eq(rd(&f, LSR), 0x60);
    ck_assert_uint_eq(rd(&f, RBR), 0);
    ck_assert_uint_eq(ns16550a_receive(f.uart, (const uint8_t *)"bc", 2), 1);
    ck_assert_uint_eq(rd(&f, RBR), 'b');
    bus_destroy(f.bus);
}
END_TEST

START_TEST(test_rx_fifo)
{
    struct fixture f;
    uint8_t in[20];

    setup(&f);
    for (unsigned i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)('A' + i);
    wr(&f, FCR, 0x01);
    ck_assert_uint_eq(rd(&f, IIR), 0xc1);
    ck_assert_uint_eq(ns16550a_receive(f.uart, in, sizeof(in)), 16);
    ck_assert_uint_eq(ns16550a_rx_space(f.uart), 0);
    for (unsigned i = 0; i < 16; i++)
        ck_assert_uint_eq(rd(&f, RBR), 'A' + i);
    ck_assert_uint_eq(rd(&f, LSR) & 1, 0);
    ck_assert_uint_eq(ns16550a_receive(f.uart, in, 4), 4);
    wr(&f, FCR, 0x03); /* RX FIFO reset */
    ck_assert_uint_eq(rd(&f, LSR) & 1, 0);
    ck_assert_uint_eq(ns16550a_rx_space(f.uart), 16);
    ck_assert_uint_eq(ns16550a_receive(f.uart, in, 4), 4);
    wr(&f, FCR, 0x00); /* disabling the FIFO clears it */
    ck_assert_uint_eq(rd(&f, LSR) & 1, 0);
    ck_assert_uint_eq(rd(&f, IIR), 0x01);
    bus_destroy(f.bus);
}
END_TEST

START_TEST(test_rx_interrupt_trigger)
{
    struct fixture f;

    setup(&f);
    wr(&f, FCR, 0x41); /* FIFO on, trigger level 4 */
    wr(&f, IER, 0x01);
    ck_assert(!f.irq.level);
    ck_assert_uint_eq(ns16550a_receive(f.uart, (const uint8_t *)"ab", 2), 2);
    ck_assert(f.irq.level);
    ck_assert_uint_eq(rd(&f, IIR), 0xcc); /* below trigger: character timeout */
    ck_assert_uint_eq(ns16550a_receive(f.uart, (const uint8_t *)"cd", 2), 2);
    ck_assert_uint_eq(rd(&f, IIR), 0xc4); /* at trigger: data available */
    ck_assert_uint_eq(rd(&f, RBR), 'a');
    ck_assert_uint_eq(rd(&f, IIR), 0xcc);
    rd(&f, RBR);
    rd(&f, RBR);
    ck_assert(f.irq.level);
    ck_assert_uint_eq(rd(&f, RBR), 'd');
    ck_assert(!f.irq.level);
    ck_assert_uint_eq(rd(&f, IIR), 0xc1);
    /* Disabling ERBFI drops the line with data still there. */
    ns16550a_receive(f.uart, (const uint8_t *)"e", 1);
    ck_assert(f.irq.level);
    wr(&f, IER, 0x00);
    ck_assert(!f.irq.level);
    bus_destroy(f.bus);
}
END_TEST

START_TEST(test_thre_interrupt)
{
    struct fixture f;

    setup(&f);
    wr(&f, IER, 0x02);
    ck_assert(f.irq.level); /* enabling ETBEI with THR empty */
    ck_assert_uint_eq(rd(&f, IIR), 0x02);
    ck_assert(!f.irq.level); /* the IIR read that reported it cleared it */
    ck_assert_uint_eq(rd(&f, IIR), 0x01);
    wr(&f, THR, 'x');
    ck_assert(f.irq.level); /* THR emptied again */
    ck_assert_uint_eq(f.out.len, 1);
    /* Re-writing IER with ETBEI already set does not re-arm it. */
    rd(&f, IIR);
    wr(&f, IER, 0x02);
    ck_assert(!f.irq.level);
    /* Toggling it does. */
    wr(&f, IER, 0x00);
    wr(&f, IER, 0x02);
    ck_assert(f.irq.level);
    wr(&f, IER, 0x00);
    ck_assert(!f.irq.level);
    bus_destroy(f.bus);
}
END_TEST

START_TEST(test_line_status_and_priority)
{
    struct fixture f;

    setup(&f);
    wr(&f, MCR, 0x10); /* loopback, FIFO off: a second byte overruns */
    wr(&f, THR, '1');
    wr(&f, THR, '2');
    ck_assert_uint_eq(f.out.len, 0);
    wr(&f, IER, 0x07);
    ck_assert(f.irq.level);
    ck_assert_uint_eq(rd(&f, IIR), 0x06);
    ck_assert_uint_eq(rd(&f, LSR), 0x63); /* DR | OE | THRE | TEMT; clears OE */
    ck_assert_uint_eq(rd(&f, IIR), 0x04);
    ck_assert_uint_eq(rd(&f, RBR), '1');
    ck_assert_uint_eq(rd(&f, IIR), 0x02);
    ck_assert_uint_eq(rd(&f, IIR), 0x01);
    ck_assert(!f.irq.level);
    ck_assert_uint_eq(rd(&f, LSR), 0x60);
    bus_destroy(f.bus);
}
END_TEST

START_TEST(test_modem_status)
{
    struct fixture f;

    setup(&f);
    wr(&f, IER, 0x08);
    ck_assert(!f.irq.level);
    wr(&f, MCR, 0x10); /* loopback with all outputs low: CTS, DSR, DCD drop */
    ck_assert(f.irq.level);
    ck_assert_uint_eq(rd(&f, IIR), 0x00);
    ck_assert_uint_eq(rd(&f, MSR), 0x0b);
    ck_assert(!f.irq.level);
    wr(&f, MCR, 0x17); /* DTR, RTS, OUT1 -> DSR, CTS, RI */
    ck_assert_uint_eq(rd(&f, MSR), 0x73);
    wr(&f, MCR, 0x13); /* RI falls: trailing edge */
    ck_assert_uint_eq(rd(&f, MSR), 0x34);
    ck_assert_uint_eq(rd(&f, MSR), 0x30);
    ck_assert_uint_eq(rd(&f, MCR), 0x13);
    bus_destroy(f.bus);
}
END_TEST

START_TEST(test_reset_op)
{
    struct fixture f;

    setup(&f);
    wr(&f, FCR, 0x01);
    wr(&f, IER, 0x03);
    ns16550a_receive(f.uart, (const uint8_t *)"xyz", 3);
    ck_assert(f.irq.level);
    bus_reset(f.bus);
    ck_assert(!f.irq.level);
    ck_assert_uint_eq(rd(&f, LSR), 0x60);
    ck_assert_uint_eq(rd(&f, IIR), 0x01);
    bus_destroy(f.bus);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("uart");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_reset_state);
    tcase_add_test(tc, test_tx_and_dlab);
    tcase_add_test(tc, test_rx_without_fifo);
    tcase_add_test(tc, test_rx_fifo);
    tcase_add_test(tc, test_rx_interrupt_trigger);
    tcase_add_test(tc, test_thre_interrupt);
    tcase_add_test(tc, test_line_status_and_priority);
    tcase_add_test(tc, test_modem_status);
    tcase_add_test(tc, test_reset_op);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
