/*
 * National Semiconductor / TI 16550A UART (TI datasheet SLLS177, "PC16550D"), as found on
 * QEMU's virt board with reg-shift 0: byte registers at offsets 0..7; 1-byte accesses, and
 * 2/4-byte accesses to the same offsets as QEMU accepts (only the low byte is used).
 *
 * Modelled: DLAB and the divisor latch (stored, no baud timing), 16-byte RX FIFO (one byte
 * of holding register with FIFOs off), FCR enable/reset/trigger level, LSR DR/OE/THRE/TEMT,
 * every IIR source in priority order, the THRE interrupt (raised when THR empties or when
 * ETBEI is enabled with THR empty, cleared by an IIR read that reports it or by a THR
 * write), MSR with delta bits, loopback (THR feeds RX; MCR outputs drive MSR inputs).
 *
 * Simplifications: transmission is instantaneous, so the TX FIFO and shift register are
 * always empty (THRE = TEMT = 1) and the FIFO only exists as FCR bits. Input arrives from
 * the host in whole batches with an idle line between them, so the character timeout
 * (IIR 0xc) is treated as already elapsed whenever the RX FIFO holds data below the trigger
 * level. No parity, framing or break errors are ever generated (PE/FE/BI read 0). Without
 * loopback the modem inputs read as CTS, DSR and DCD asserted, RI clear.
 *
 * Register map (offset: DLAB=0 read / write; DLAB=1):
 *   0  RBR / THR                 DLL
 *   1  IER                       DLM
 *   2  IIR / FCR
 *   3  LCR (bit 7 = DLAB)
 *   4  MCR (DTR, RTS, OUT1, OUT2, LOOP)
 *   5  LSR (read-only)
 *   6  MSR (read-only)
 *   7  SCR
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <libfdt.h>

#include "devices/dev_fdt.h"
#include "devices/ns16550a.h"

enum uart_reg {
    UART_RBR_THR = 0,
    UART_IER = 1,
    UART_IIR_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

enum {
    IER_ERBFI = 0x01,
    IER_ETBEI = 0x02,
    IER_ELSI = 0x04,
    IER_EDSSI = 0x08,
    IIR_NONE = 0x01,
    IIR_MSR = 0x00,
    IIR_THRE = 0x02,
    IIR_RDA = 0x04,
    IIR_LSR = 0x06,
    IIR_TIMEOUT = 0x0c,
    IIR_FIFO_ON = 0xc0,
    FCR_ENABLE = 0x01,
    FCR_RX_RESET = 0x02,
    FCR_TX_RESET = 0x04,
    FCR_TRIGGER = 0xc0,
    LCR_DLAB = 0x80,
    MCR_DTR = 0x01,
    MCR_RTS = 0x02,
    MCR_OUT1 = 0x04,
    MCR_OUT2 = 0x08,
    MCR_LOOP = 0x10,
    LSR_DR = 0x01,
    LSR_OE = 0x02,
    LSR_PE = 0x04,
    LSR_FE = 0x08,
    LSR_BI = 0x10,
    LSR_THRE = 0x20,
    LSR_TEMT = 0x40,
    LSR_ERRORS = 0x1e,
    MSR_DCTS = 0x01,
    MSR_DDSR = 0x02,
    MSR_TERI = 0x04,
    MSR_DDCD = 0x08,
    MSR_CTS = 0x10,
    MSR_DSR = 0x20,
    MSR_RI = 0x40,
    MSR_DCD = 0x80,
    UART_FIFO_SIZE = 16,
};

struct ns16550a {
    pthread_mutex_t lock;
    struct chardev out;
    struct irq_line irq;
    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    uint8_t ier, fcr, lcr, mcr, scr, dll, dlm;
    uint8_t lsr_err;   /* sticky OE (the only error modelled), cleared by reading LSR */
    uint8_t msr_delta; /* MSR bits 3:0, cleared by reading MSR */
    bool thr_ipending;
    bool irq_level;
};

static bool uart_fifo_on(const struct ns16550a *u)
{
    return u->fcr & FCR_ENABLE;
}

static unsigned uart_rx_capacity(const struct ns16550a *u)
{
    return uart_fifo_on(u) ? UART_FIFO_SIZE : 1;
}

static unsigned uart_rx_trigger(const struct ns16550a *u)
{
    static const unsigned levels[4] = {1, 4, 8, 14};

    return uart_fifo_on(u) ? levels[u->fcr >> 6] : 1;
}

/* The modem status inputs (MSR bits 7:4). */
static uint8_t uart_modem_lines(const struct ns16550a *u)
{
    uint8_t m = 0;

    if (!(u->mcr & MCR_LOOP))
        return MSR_DCD | MSR_DSR | MSR_CTS;
    m |= u->mcr & MCR_RTS ? MSR_CTS : 0;
    m |= u->mcr & MCR_DTR ? MSR_DSR : 0;
    m |= u->mcr & MCR_OUT1 ? MSR_RI : 0;
    m |= u->mcr & MCR_OUT2 ? MSR_DCD : 0;
    return m;
}

/* The highest-priority pending interrupt, as IIR bits 3:0. */
static uint8_t uart_iir_source(const struct ns16550a *u)
{
    if ((u->ier & IER_ELSI) && (u->lsr_err & LSR_ERRORS))
        return IIR_LSR;
    if ((u->ier & IER_ERBFI) && u->rx_count >= uart_rx_trigger(u))
        return IIR_RDA;
    if ((u->ier & IER_ERBFI) && u->rx_count > 0)
        return IIR_TIMEOUT;
    if ((u->ier & IER_ETBEI) && u->thr_ipending)
        return IIR_THRE;
    if ((u->ier & IER_EDSSI) && u->msr_delta)
        return IIR_MSR;
    return IIR_NONE;
}

static void uart_update_irq(struct ns16550a *u)
{
    bool level = uart_iir_source(u) != IIR_NONE;

    if (level != u->irq_level) {
        u->irq_level = level;
        irq_line_set(&u->irq, level);
    }
}

static void uart_rx_reset(struct ns16550a *u)
{
    u->rx_head = 0;
    u->rx_count = 0;
}

/* Push one byte; false (and OE) if the FIFO or holding register is full. */
static bool uart_rx_push(struct ns16550a *u, uint8_t byte)
{
    if (u->rx_count >= uart_rx_capacity(u)) {
        u->lsr_err |= LSR_OE;
        return false;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
    u->rx_count++;
    return true;
}

static uint8_t uart_rx_pop(struct ns16550a *u)
{
    uint8_t byte;

    if (u->rx_count == 0)
        return 0;
    byte = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
    u->rx_count--;
    return byte;
}

static void uart_set_modem_lines(struct ns16550a *u, uint8_t old_lines)
{
    uint8_t now = uart_modem_lines(u), diff = now ^ old_lines;

    u->msr_delta |= diff & MSR_CTS ? MSR_DCTS : 0;
    u->msr_delta |= diff & MSR_DSR ? MSR_DDSR : 0;
    u->msr_delta |= (old_lines & MSR_RI) && !(now & MSR_RI) ? MSR_TERI : 0;
    u->msr_delta |= diff & MSR_DCD ? MSR_DDCD : 0;
}

static void uart_write_thr(struct ns16550a *u, uint8_t byte)
{
    u->thr_ipending = false;
    if (u->mcr & MCR_LOOP)
        uart_rx_push(u, byte);
    else
        chardev_write(&u->out, &byte, 1);
    /* Transmission is instantaneous: THR is empty again at once. */
    u->thr_ipending = true;
}

static void uart_write_ier(struct ns16550a *u, uint8_t val)
{
    uint8_t old = u->ier;

    u->ier = val & 0x0f;
    if ((u->ier & IER_ETBEI) && !(old & IER_ETBEI))
        u->thr_ipending = true; /* THR is always empty */
}

static void uart_write_fcr(struct ns16550a *u, uint8_t val)
{
    if ((val ^ u->fcr) & FCR_ENABLE)
        uart_rx_reset(u); /* changing FCR0 clears both FIFOs */
    if (val & FCR_RX_RESET)
        uart_rx_reset(u);
    /* FCR_TX_RESET: the TX FIFO is always empty. */
    u->fcr = val & (FCR_ENABLE | FCR_TRIGGER);
    if (!(val & FCR_ENABLE))
        u->fcr = 0;
}

static void uart_write_reg(struct ns16550a *u, unsigned reg, uint8_t val)
{
    bool dlab = u->lcr & LCR_DLAB;
    uint8_t lines = uart_modem_lines(u);

    switch (reg) {
    case UART_RBR_THR:
        if (dlab)
            u->dll = val;
        else
            uart_write_thr(u, val);
        break;
    case UART_IER:
        if (dlab)
            u->dlm = val;
        else
            uart_write_ier(u, val);
        break;
    case UART_IIR_FCR: uart_write_fcr(u, val); break;
    case UART_LCR: u->lcr = val; break;
    case UART_MCR:
        u->mcr = val & 0x1f;
        uart_set_modem_lines(u, lines);
        break;
    case UART_LSR:
    case UART_MSR: dev_log_guest_error("ns16550a", "write to read-only register %u", reg); break;
    case UART_SCR: u->scr = val; break;
    }
}

static uint8_t uart_read_iir(struct ns16550a *u)
{
    uint8_t src = uart_iir_source(u);

    if (src == IIR_THRE)
        u->thr_ipending = false;
    return src | (uart_fifo_on(u) ? IIR_FIFO_ON : 0);
}

static uint8_t uart_read_lsr(struct ns16550a *u)
{
    uint8_t lsr = LSR_THRE | LSR_TEMT | u->lsr_err;

    if (u->rx_count)
        lsr |= LSR_DR;
    u->lsr_err = 0;
    return lsr;
}

static uint8_t uart_read_msr(struct ns16550a *u)
{
    uint8_t msr = uart_modem_lines(u) | u->msr_delta;

    u->msr_delta = 0;
    return msr;
}

static uint8_t uart_read_reg(struct ns16550a *u, unsigned reg)
{
    bool dlab = u->lcr & LCR_DLAB;

    switch (reg) {
    case UART_RBR_THR: return dlab ? u->dll : uart_rx_pop(u);
    case UART_IER: return dlab ? u->dlm : u->ier;
    case UART_IIR_FCR: return uart_read_iir(u);
    case UART_LCR: return u->lcr;
    case UART_MCR: return u->mcr;
    case UART_LSR: return uart_read_lsr(u);
    case UART_MSR: return uart_read_msr(u);
    default: return u->scr;
    }
}

static int ns16550a_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
    struct ns16550a *u = dev;

    *val = 0;
    if (off > UART_SCR) {
        dev_log_guest_error("ns16550a", "read at offset 0x%llx", (unsigned long long)off);
        return 0;
    }
    pthread_mutex_lock(&u->lock);
    *val = uart_read_reg(u, (unsigned)off);
    uart_update_irq(u);
    pthread_mutex_unlock(&u->lock);
    return 0;
}

static int ns16550a_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct ns16550a *u = dev;

    if (off > UART_SCR) {
        dev_log_guest_error("ns16550a", "write at offset 0x%llx", (unsigned long long)off);
        return 0;
    }
    pthread_mutex_lock(&u->lock);
    uart_write_reg(u, (unsigned)off, (uint8_t)val);
    uart_update_irq(u);
    pthread_mutex_unlock(&u->lock);
    return 0;
}

static void uart_reset_locked(struct ns16550a *u)
{
    uart_rx_reset(u);
    u->ier = u->fcr = u->lcr = u->mcr = u->scr = u->dll = u->dlm = 0;
    u->lsr_err = u->msr_delta = 0;
    u->thr_ipending = false;
    uart_update_irq(u);
}

static void ns16550a_reset(void *dev)
{
    struct ns16550a *u = dev;

    pthread_mutex_lock(&u->lock);
    uart_reset_locked(u);
    pthread_mutex_unlock(&u->lock);
}

static void ns16550a_destroy(void *dev)
{
    struct ns16550a *u = dev;

    if (!u)
        return;
    pthread_mutex_destroy(&u->lock);
    free(u);
}

/* Device tree: the clock QEMU's virt board declares, so baud divisors look familiar. */
static int ns16550a_fdt_node(void *dev, void *fdt, int parent, uint64_t base)
{
    static const char compat[] = "ns16550a";
    int off = dev_fdt_node(fdt, parent, "serial", base, NS16550A_SIZE, compat, sizeof(compat));
    if (off < 0)
        return off;
    int rc = fdt_setprop_u32(fdt, off, "clock-frequency", 3686400);
    return rc < 0 ? rc : off;
}

const struct device_ops ns16550a_ops = {
    .fdt_node = ns16550a_fdt_node,
    .name = "ns16550a",
    .read = ns16550a_read,
    .write = ns16550a_write,
    .min_access = 1,
    .max_access = 4,
    .reset = ns16550a_reset,
    .destroy = ns16550a_destroy,
};

struct ns16550a *ns16550a_create(const struct chardev *out, const struct irq_line *irq)
{
    struct ns16550a *u = calloc(1, sizeof(*u));

    if (!u)
        return NULL;
    if (pthread_mutex_init(&u->lock, NULL) != 0) {
        free(u);
        return NULL;
    }
    if (out)
        u->out = *out;
    if (irq)
        u->irq = *irq;
    return u;
}

size_t ns16550a_receive(struct ns16550a *u, const uint8_t *buf, size_t len)
{
    size_t n = 0;

    pthread_mutex_lock(&u->lock);
    while (n < len && u->rx_count < uart_rx_capacity(u))
        uart_rx_push(u, buf[n++]);
    uart_update_irq(u);
    pthread_mutex_unlock(&u->lock);
    return n;
}

size_t ns16550a_rx_space(struct ns16550a *u)
{
    size_t space;

    pthread_mutex_lock(&u->lock);
    space = uart_rx_capacity(u) - u->rx_count;
    pthread_mutex_unlock(&u->lock);
    return space;
}
