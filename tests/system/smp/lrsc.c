/*
 * LR/SC reservations across harts (unprivileged spec, "Load-Reserved/Store-Conditional"):
 * hart 1 takes a reservation with LR, tells hart 0 (flag A, another line), waits for
 * flag B, then tries SC of a different value. In between, hart 0 does something to the
 * reserved word. Whenever that is a store by another hart to the reservation set, the SC
 * must fail (rd != 0) and memory must keep hart 0's value, even when hart 0 stored the
 * very value LR had read:
 *   case 1  sd of the same value           (lr.d)
 *   case 2  amoswap.d of the same value    (lr.d)
 *   case 3  hart 0's own lr.d/sc.d of the same value
 *   case 4  sb of the same byte into byte 5 of the reserved doubleword
 *   case 5  sw of the same value           (lr.w)
 *   case 6  amoadd.w of zero               (lr.w: an AMO always stores)
 * and, on hart 1 alone, a trap between LR and SC loses the reservation (rvisor clears
 * reservations on traps, as the privileged spec allows and issue 6 asks):
 *   case 7  an ecall, whose handler only skips it
 *   case 8  a machine software interrupt from hart 0 while hart 1 waits for flag B
 * Case 0, hart 0 leaving the word alone, is a control: its SC may succeed or fail
 * (spurious failures are allowed), and the count is printed so that a run in which the
 * control never succeeds shows the other cases proved little.
 * Exit status: 0 pass; 2 harts missing; 3 + case: an SC succeeded that must fail, or
 * memory changed; 12 a timeout.
 */
#include "smp.h"

#define REPS   20
#define NCASES 9

static uint64_t x __attribute__((aligned(64)));
static uint32_t round_go __attribute__((aligned(64)));   /* hart 0 -> 1: start round k */
static uint32_t flag_a __attribute__((aligned(64)));     /* hart 1 -> 0: LR done */
static uint32_t flag_b __attribute__((aligned(64)));     /* hart 0 -> 1: interference done */
static uint32_t round_done __attribute__((aligned(64))); /* hart 1 -> 0: SC done */
static uint64_t sc_result;
static uint32_t msi_count __attribute__((aligned(64)));

#define V 0x5a5a5a5a12345678ull

void __attribute__((interrupt("machine"), aligned(4))) trap_handler(void)
{
    unsigned long cause = csr_read(mcause);
    if (cause == 11) { /* ecall from M-mode: skip it */
        csr_write(mepc, csr_read(mepc) + 4);
    } else if (cause == ((1ul << 63) | 3)) {
        MMIO32(ACLINT_MSIP(1)) = 0;
        amoadd_w(&msi_count, 1);
    } else {
        fail(11, "unexpected trap, mcause", cause);
    }
}

/* Hart 1's side of case c, round k: LR, A = k, wait for B = k, SC; the SC's rd. */
static uint64_t hart1_round(unsigned c, uint32_t k)
{
    uint64_t v, r;
    uint64_t *p = &x;
    if (c == 5 || c == 6) {
        __asm__ volatile("lr.w %0, (%2)\n"
                         "sw %3, 0(%4)\n"
                         "1: lw t0, 0(%5)\n"
                         "   bne t0, %3, 1b\n"
                         "addi %0, %0, 1\n"
                         "sc.w %1, %0, (%2)\n"
                         : "=&r"(v), "=&r"(r)
                         : "r"(p), "r"(k), "r"(&flag_a), "r"(&flag_b)
                         : "t0", "memory");
    } else if (c == 7) {
        __asm__ volatile("lr.d %0, (%2)\n"
                         "ecall\n"
                         "sw %3, 0(%4)\n"
                         "1: lw t0, 0(%5)\n"
                         "   bne t0, %3, 1b\n"
                         "addi %0, %0, 1\n"
                         "sc.d %1, %0, (%2)\n"
                         : "=&r"(v), "=&r"(r)
                         : "r"(p), "r"(k), "r"(&flag_a), "r"(&flag_b)
                         : "t0", "memory");
    } else {
        __asm__ volatile("lr.d %0, (%2)\n"
                         "sw %3, 0(%4)\n"
                         "1: lw t0, 0(%5)\n"
                         "   bne t0, %3, 1b\n"
                         "addi %0, %0, 1\n"
                         "sc.d %1, %0, (%2)\n"
                         : "=&r"(v), "=&r"(r)
                         : "r"(p), "r"(k), "r"(&flag_a), "r"(&flag_b)
                         : "t0", "memory");
    }
    return r;
}

static void hart1(void)
{
    csr_write(mtvec, (unsigned long)trap_handler);
    csr_write(mie, MIP_MSIP);
    csr_set(mstatus, MSTATUS_MIE);
    for (uint32_t k = 1; k <= NCASES * REPS; k++) {
        wait_eq(&round_go, k, 12, "hart 1 waiting for the next round");
        sc_result = hart1_round((k - 1) / REPS, k);
        __asm__ volatile("fence rw, w" ::: "memory");
        WRITE_ONCE(round_done, k);
    }
    park();
}

/* Hart 0's side of case c: what it does to x while hart 1 holds the reservation. */
static void interfere(unsigned c)
{
    uint64_t t;
    switch (c) {
    case 1: WRITE_ONCE(x, V); break;
    case 2: __asm__ volatile("amoswap.d zero, %1, %0" : "+A"(x) : "r"(V) : "memory"); break;
    case 3:
        __asm__ volatile("1: lr.d %0, %1\n"
                         "   sc.d %0, %0, %1\n"
                         "   bnez %0, 1b\n"
                         : "=&r"(t), "+A"(x)
                         :
                         : "memory");
        break;
    case 4: WRITE_ONCE(((uint8_t *)&x)[5], (uint8_t)(V >> 40)); break;
    case 5: WRITE_ONCE(*(uint32_t *)&x, (uint32_t)V); break;
    case 6: __asm__ volatile("amoadd.w zero, zero, %0" : "+A"(*(uint32_t *)&x) : : "memory"); break;
    case 8: {
        uint32_t n = READ_ONCE(msi_count);
        MMIO32(ACLINT_MSIP(1)) = 1;
        wait_eq(&msi_count, n + 1, 12, "hart 1 taking the interrupt");
        break;
    }
    default: break; /* 0: control; 7: the ecall happens on hart 1 */
    }
}

int main(unsigned long hart)
{
    static const char *const what[NCASES] = {
        "control",      "sd same value", "amoswap.d same value", "lr.d/sc.d same value",
        "sb same byte", "sw same value", "amoadd.w zero",        "ecall trap",
        "interrupt",
    };
    unsigned control_ok = 0;

    if (hart >= NHARTS)
        fail(2, "a hart beyond NHARTS started", hart);
    if (hart == 1)
        hart1();
    if (hart != 0)
        park();

    csr_write(mtvec, (unsigned long)trap_handler);
    for (uint32_t k = 1; k <= NCASES * REPS; k++) {
        unsigned c = (k - 1) / REPS;
        WRITE_ONCE(x, V);
        WRITE_ONCE(flag_b, 0);
        __asm__ volatile("fence rw, w" ::: "memory");
        WRITE_ONCE(round_go, k);
        wait_eq(&flag_a, k, 12, "hart 1 taking the reservation");
        interfere(c);
        __asm__ volatile("fence rw, w" ::: "memory");
        WRITE_ONCE(flag_b, k);
        wait_eq(&round_done, k, 12, "hart 1 finishing SC");
        uint64_t r = READ_ONCE(sc_result), m = READ_ONCE(x);
        if (c == 0) {
            if (r == 0 && m == V + 1)
                control_ok++;
            else if (r == 0 || m != V)
                fail(3, "control: SC result/memory inconsistent, memory", m);
            continue;
        }
        if (r == 0) {
            uart_puts("FAIL: SC succeeded after: ");
            uart_puts(what[c]);
            uart_puts("\n");
            finish(3 + c);
        }
        if (m != V)
            fail(3 + c, "memory after a failed SC", m);
    }
    uart_puts("lrsc: control SC succeeded ");
    uart_dec(control_ok);
    uart_puts(" of ");
    uart_dec(REPS);
    uart_puts(" times\n");
    uart_puts("smp lrsc: all passed\n");
    finish(0);
}
