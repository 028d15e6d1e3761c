/*
 * One virtual machine on the virt board: RAM, harts and devices wired from the memory map
 * table, an image loaded per the boot contract, and the loop that runs its harts in slices
 * of retired instructions, polls timers and HTIF between slices, and parks idle harts.
 * Multi-hart scheduling across host threads belongs to hv/sched (later); this loop runs
 * the harts of one VM round-robin on the calling thread.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"
#include "devices/aclint.h"
#include "devices/bus.h"
#include "devices/chardev.h"
#include "devices/goldfish_rtc.h"
#include "devices/ns16550a.h"
#include "devices/plic.h"
#include "devices/sifive_test.h"
#include "hv/board_virt.h"
#include "hv/clock.h"
#include "hv/console.h"
#include "hv/htif.h"
#include "hv/loader.h"
#include "hv/vm.h"
#include "hv/vm_internal.h"

#define VM_SLICE 16384
#define VM_IDLE_POLL_NS 10000000ull /* longest sleep of a parked machine */

static void vm_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- glue between devices, harts and the machine ---- */

static uint64_t vm_env_time(void *opaque, struct hart *h)
{
    struct vm *vm = opaque;
    return aclint_mtime(vm->aclint);
}

static uint64_t vm_clock_ticks(void *opaque)
{
    struct vm *vm = opaque;
    return clock_ticks(&vm->clock);
}

static void vm_hart_irq(void *opaque, unsigned bit, bool level)
{
    hart_set_irq(opaque, bit, level);
}

static void vm_stop_harts(struct vm *vm)
{
    atomic_store(&vm->stop, true);
    for (unsigned i = 0; i < vm->nharts; i++)
        hart_request_stop(&vm->harts[i]);
}

void vm_set_exit(struct vm *vm, enum vm_exit_kind kind, unsigned code)
{
    if (vm->exit.kind == VM_EXIT_NONE) {
        vm->exit.kind = kind;
        vm->exit.code = code;
    }
    vm_stop_harts(vm);
}

static void vm_finisher_event(void *opaque, enum finisher_event ev, unsigned code)
{
    struct vm *vm = opaque;
    switch (ev) {
    case FINISHER_PASS: vm_set_exit(vm, VM_EXIT_POWEROFF, 0); break;
    case FINISHER_FAIL: vm_set_exit(vm, VM_EXIT_FAIL, code); break;
    case FINISHER_RESET: vm_set_exit(vm, VM_EXIT_RESET, 0); break;
    }
}

static uint64_t vm_rtc_ns(void *opaque)
{
    struct vm *vm = opaque;
    return clock_wall_ns(&vm->clock);
}

static void stdout_write(void *opaque, const uint8_t *buf, size_t len)
{
    fwrite(buf, 1, len, stdout);
    fflush(stdout);
}

/* ---- construction ---- */

static int vm_add(struct vm *vm, enum virt_region r, uint64_t size,
                  const struct device_ops *ops, void *dev, char *err, size_t errlen)
{
    if (!dev) {
        vm_err(err, errlen, "out of memory creating the %s device", virt_memmap[r].name);
        return -1;
    }
    if (bus_add_device(vm->bus, virt_memmap[r].base, size, ops, dev) < 0) {
        ops->destroy(dev);
        vm_err(err, errlen, "cannot map the %s device", virt_memmap[r].name);
        return -1;
    }
    return 0;
}

static int vm_create_devices(struct vm *vm, char *err, size_t errlen)
{
    unsigned n = vm->nharts;
    vm->msip = calloc(n, sizeof(*vm->msip));
    vm->mtip = calloc(n, sizeof(*vm->mtip));
    vm->ssip = calloc(n, sizeof(*vm->ssip));
    vm->plic_ctx = calloc(2 * (size_t)n, sizeof(*vm->plic_ctx));
    if (!vm->msip || !vm->mtip || !vm->ssip || !vm->plic_ctx) {
        vm_err(err, errlen, "out of memory");
        return -1;
    }
    for (unsigned i = 0; i < n; i++) {
        vm->msip[i] = (struct irq_line){vm_hart_irq, &vm->harts[i], IRQ_MSI};
        vm->mtip[i] = (struct irq_line){vm_hart_irq, &vm->harts[i], IRQ_MTI};
        vm->ssip[i] = (struct irq_line){vm_hart_irq, &vm->harts[i], IRQ_SSI};
        vm->plic_ctx[2 * i] = (struct irq_line){vm_hart_irq, &vm->harts[i], IRQ_MEI};
        vm->plic_ctx[2 * i + 1] = (struct irq_line){vm_hart_irq, &vm->harts[i], IRQ_SEI};
    }
    struct irq_line irq;

    if (vm_add(vm, VIRT_TEST, SIFIVE_TEST_SIZE, &sifive_test_ops,
               sifive_test_create(vm_finisher_event, vm), err, errlen) < 0)
        return -1;
    vm->aclint = aclint_create(n, vm_clock_ticks, vm, vm->msip, vm->mtip, vm->ssip);
    if (vm_add(vm, VIRT_CLINT, ACLINT_SIZE, &aclint_ops, vm->aclint, err, errlen) < 0)
        return -1;
    if (vm_add(vm, VIRT_SSWI, ACLINT_SSWI_SIZE, &aclint_sswi_ops, vm->aclint, err, errlen) < 0)
        return -1;
    vm->plic = plic_create(VIRT_PLIC_SOURCES, n, vm->plic_ctx);
    if (vm_add(vm, VIRT_PLIC, PLIC_SIZE(2 * n), &plic_ops, vm->plic, err, errlen) < 0)
        return -1;
    irq = plic_irq_line(vm->plic, virt_memmap[VIRT_UART0].irq);
    vm->uart = ns16550a_create(vm->console, &irq);
    if (vm_add(vm, VIRT_UART0, NS16550A_SIZE, &ns16550a_ops, vm->uart, err, errlen) < 0)
        return -1;
    irq = plic_irq_line(vm->plic, virt_memmap[VIRT_RTC].irq);
    vm->rtc = goldfish_rtc_create(vm_rtc_ns, vm, &irq);
    if (vm_add(vm, VIRT_RTC, GOLDFISH_RTC_SIZE, &goldfish_rtc_ops, vm->rtc, err, errlen) < 0)
        return -1;
    return 0;
}

static int vm_create_harts(struct vm *vm, char *err, size_t errlen)
{
    vm->env = (struct hart_env){.opaque = vm, .get_time = vm_env_time, .ecall = sbi_ecall};
    vm->harts = calloc(vm->nharts, sizeof(*vm->harts));
    if (!vm->harts) {
        vm_err(err, errlen, "out of memory");
        return -1;
    }
    for (unsigned i = 0; i < vm->nharts; i++) {
        if (hart_init(&vm->harts[i], i, vm->bus, &vm->env) < 0) {
            vm_err(err, errlen, "out of memory");
            return -1;
        }
        vm->harts[i].trace = vm->cfg.trace;
    }
    return 0;
}

int vm_create(const struct vm_config *cfg, struct vm **out, char *err, size_t errlen)
{
    struct vm *vm = calloc(1, sizeof(*vm));
    *out = NULL;
    if (!vm) {
        vm_err(err, errlen, "out of memory");
        return -1;
    }
    vm->cfg = *cfg;
    vm->nharts = cfg->nharts ? cfg->nharts : 1;
    vm->ram_base = virt_memmap[VIRT_DRAM].base;
    vm->ram_size = cfg->ram_size ? cfg->ram_size : VM_DEFAULT_RAM;
    vm->stdout_console = (struct chardev){stdout_write, NULL};
    vm->console = cfg->console ? cfg->console : &vm->stdout_console;
    clock_init(&vm->clock, cfg->deterministic);

    if (vm->nharts > VM_MAX_HARTS) {
        vm_err(err, errlen, "at most %d harts are supported", VM_MAX_HARTS);
        goto fail;
    }
    vm->ram = calloc(1, (size_t)vm->ram_size);
    if (!vm->ram) {
        vm_err(err, errlen, "cannot allocate %llu MiB of guest RAM",
               (unsigned long long)(vm->ram_size >> 20));
        goto fail;
    }
    vm->bus = bus_create();
    if (!vm->bus || bus_add_ram(vm->bus, vm->ram_base, vm->ram_size, vm->ram) < 0) {
        vm_err(err, errlen, "cannot map guest RAM");
        goto fail;
    }
    vm->htif = (struct htif){.ram = vm->ram,
                             .ram_base = vm->ram_base,
                             .ram_size = vm->ram_size,
                             .console = vm->console};
    if (vm_create_harts(vm, err, errlen) < 0 || vm_create_devices(vm, err, errlen) < 0 ||
        boot_prepare(vm, err, errlen) < 0)
        goto fail;
    *out = vm;
    return 0;
fail:
    vm_destroy(vm);
    return -1;
}

void vm_destroy(struct vm *vm)
{
    if (!vm)
        return;
    if (vm->bus)
        bus_destroy(vm->bus);
    if (vm->harts)
        for (unsigned i = 0; i < vm->nharts; i++)
            hart_destroy(&vm->harts[i]);
    free(vm->harts);
    free(vm->msip);
    free(vm->mtip);
    free(vm->ssip);
    free(vm->plic_ctx);
    free(vm->dtb);
    free(vm->ram);
    free(vm);
}

/* ---- running ---- */

void vm_request_stop(struct vm *vm)
{
    if (vm->exit.kind == VM_EXIT_NONE)
        vm->exit.kind = VM_EXIT_HALTED;
    vm_stop_harts(vm);
}

size_t vm_console_input(struct vm *vm, const uint8_t *buf, size_t len)
{
    return ns16550a_receive(vm->uart, buf, len);
}

const void *vm_dtb(const struct vm *vm, size_t *size)
{
    *size = vm->dtb_size;
    return vm->dtb;
}

/* Terminal input into the UART's receive FIFO, as much as it has room for. */
static void vm_poll_console(struct vm *vm)
{
    uint8_t buf[64];
    enum console_event ev;
    size_t space = ns16550a_rx_space(vm->uart);
    size_t n = console_poll(vm->cfg.input, buf, space < sizeof(buf) ? space : sizeof(buf), &ev);
    if (n)
        ns16550a_receive(vm->uart, buf, n);
    if (ev == CONSOLE_EV_QUIT)
        vm_set_exit(vm, VM_EXIT_QUIT, 0);
}

static void vm_poll_devices(struct vm *vm)
{
    unsigned code;
    if (vm->cfg.input)
        vm_poll_console(vm);
    aclint_update(vm->aclint);
    goldfish_rtc_update(vm->rtc);
    if (vm->builtin_sbi)
        sbi_poll_timers(vm, clock_ticks(&vm->clock));
    if (vm->htif.tohost && htif_poll(&vm->htif, &code))
        vm_set_exit(vm, code ? VM_EXIT_FAIL : VM_EXIT_POWEROFF, code);
}

/* Earliest time (ticks) at which a timer could wake a parked hart; UINT64_MAX if none. */
static uint64_t vm_next_deadline(struct vm *vm)
{
    uint64_t d = aclint_next_deadline(vm->aclint);
    if (vm->builtin_sbi) {
        uint64_t t = sbi_poll_timers(vm, clock_ticks(&vm->clock));
        if (t < d)
            d = t;
    }
    for (unsigned i = 0; i < vm->nharts; i++) {
        struct hart *h = &vm->harts[i];
        if ((h->csr.menvcfg & ENVCFG_STCE) && h->csr.stimecmp < d)
            d = h->csr.stimecmp;
    }
    return d;
}

/*
 * Can hart i run now? Stopped harts (SBI HSM) never do; a hart parked in WFI or a
 * suspend wakes when an interrupt is pending (after a non-retentive suspend it restarts
 * at the resume address, as SBI HSM specifies).
 */
static bool vm_hart_runnable(struct vm *vm, unsigned i, bool *parked)
{
    struct hart *h = &vm->harts[i];
    if (vm->hsm[i] == HSM_STOPPED)
        return false;
    if (!parked[i])
        return true;
    if (!hart_irq_pending(h))
        return false;
    parked[i] = false;
    if (vm->resume_pending[i]) {
        vm->resume_pending[i] = false;
        h->pc = vm->resume_addr[i];
        h->x[10] = i;
        h->x[11] = vm->resume_opaque[i];
        h->csr.satp = 0;
        h->csr.mstatus &= ~MSTATUS_SIE;
        hart_tlb_flush(h);
    }
    return true;
}

/* No hart can run: wait for an interrupt. false: nothing can ever wake them. */
static bool vm_idle(struct vm *vm, bool *parked)
{
    for (;;) {
        for (unsigned i = 0; i < vm->nharts; i++)
            if (vm_hart_runnable(vm, i, parked))
                return true;
        if (atomic_load(&vm->stop))
            return true;
        uint64_t deadline = vm_next_deadline(vm), now = clock_ticks(&vm->clock);
        if (vm->clock.deterministic) {
            if (deadline == UINT64_MAX)
                return false;
            clock_advance_to(&vm->clock, deadline);
        } else {
            uint64_t wait = VM_IDLE_POLL_NS;
            if (deadline != UINT64_MAX)
                wait = deadline > now ? (deadline - now) * 100 : 0;
            wait = wait < VM_IDLE_POLL_NS ? wait : VM_IDLE_POLL_NS;
            if (vm->cfg.input && console_pending(vm->cfg.input) &&
                ns16550a_rx_space(vm->uart))
                wait = 0; /* typed-ahead input waits for room in the UART: deliver it now */
            else if (vm->cfg.input && !console_eof(vm->cfg.input))
                console_wait(vm->cfg.input, wait);
            else
                clock_sleep_ns(wait);
        }
        vm_poll_devices(vm);
    }
}

/* A guest reboot: devices reset, images placed again, harts back at their entry. */
static int vm_reboot(struct vm *vm, bool *parked)
{
    char err[256];
    bus_reset(vm->bus);
    free(vm->dtb);
    vm->dtb = NULL;
    memset(vm->resume_pending, 0, sizeof(vm->resume_pending));
    for (unsigned i = 0; i < vm->nharts; i++)
        parked[i] = false;
    if (boot_prepare(vm, err, sizeof(err)) < 0) {
        fprintf(stderr, "rvisor: reboot failed: %s\n", err);
        return -1;
    }
    atomic_store(&vm->stop, false);
    vm->exit.kind = VM_EXIT_NONE;
    return 0;
}

void vm_run(struct vm *vm, struct vm_exit *ex)
{
    bool parked[VM_MAX_HARTS] = {false};
    uint64_t total = 0;

    for (;;) {
        if (vm->exit.kind == VM_EXIT_RESET && !vm->cfg.no_reboot && vm_reboot(vm, parked) == 0)
            continue;
        if (vm->exit.kind != VM_EXIT_NONE)
            break;
        bool any_ran = false;
        for (unsigned i = 0; i < vm->nharts && vm->exit.kind == VM_EXIT_NONE; i++) {
            uint64_t budget = VM_SLICE;
            if (!vm_hart_runnable(vm, i, parked))
                continue;
            if (vm->cfg.max_insns) {
                if (total >= vm->cfg.max_insns) {
                    vm_set_exit(vm, VM_EXIT_MAX_INSNS, 0);
                    break;
                }
                if (vm->cfg.max_insns - total < budget)
                    budget = vm->cfg.max_insns - total;
            }
            struct hart *h = &vm->harts[i];
            enum hart_stop why = hart_run(h, budget);
            uint64_t ran = budget - h->slice_left;
            total += ran;
            clock_account_insns(&vm->clock, ran);
            any_ran = true;
            if (why == HART_STOP_WFI)
                parked[i] = true;
            vm_poll_devices(vm);
        }
        if (vm->exit.kind != VM_EXIT_NONE)
            continue; /* a reboot is handled at the top of the loop */
        if (!any_ran && !vm_idle(vm, parked)) {
            vm_set_exit(vm, VM_EXIT_HALTED, 0);
            fprintf(stderr, "rvisor: every hart waits for an interrupt that can never come\n");
        }
    }
    vm->exit.insns = total;
    *ex = vm->exit;
}
