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
#include <time.h>

#include "cpu/hart.h"
#include "devices/aclint.h"
#include "devices/bus.h"
#include "devices/chardev.h"
#include "devices/goldfish_rtc.h"
#include "devices/ns16550a.h"
#include "devices/plic.h"
#include "devices/sifive_test.h"
#include "devices/host/blockdev.h"
#include "devices/host/screenshot.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_net.h"
#include "devices/simplefb.h"
#include "devices/virtio_input.h"
#include "devices/virtio_rng.h"
#include "hv/board_virt.h"
#include "hv/clock.h"
#include "hv/console.h"
#include "hv/gdbstub.h"
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

/* Wake vm_idle (called when an interrupt line rises, on any thread). */
static void vm_kick(struct vm *vm)
{
    pthread_mutex_lock(&vm->idle_lock);
    vm->idle_kicked = true;
    pthread_cond_signal(&vm->idle_cond);
    pthread_mutex_unlock(&vm->idle_lock);
}

/* Sleep up to ns, or until vm_kick. */
static void vm_idle_sleep(struct vm *vm, uint64_t ns)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    ts.tv_sec += (time_t)(ns / 1000000000u);
    ts.tv_nsec += (long)(ns % 1000000000u);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&vm->idle_lock);
    while (!vm->idle_kicked)
        if (pthread_cond_timedwait(&vm->idle_cond, &vm->idle_lock, &ts) != 0)
            break;
    vm->idle_kicked = false;
    pthread_mutex_unlock(&vm->idle_lock);
}

static void vm_hart_irq(void *opaque, unsigned bit, bool level)
{
    struct hart *h = opaque;
    hart_set_irq(h, bit, level);
    if (level)
        vm_kick(h->env->opaque);
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

/* ---- virtio devices ---- */

/* Slot of each configured device: explicit ones first, then the highest free slot each
 * (QEMU's virt fills virtio-mmio-bus.7 first). slot_of[i] = index into cfg.virtio or -1. */
static int vm_virtio_slots(struct vm *vm, int *slot_of, char *err, size_t errlen)
{
    const struct vm_config *cfg = &vm->cfg;
    for (unsigned s = 0; s < VIRT_VIRTIO_COUNT; s++)
        slot_of[s] = -1;
    if (cfg->nvirtio > VIRT_VIRTIO_COUNT) {
        vm_err(err, errlen, "at most %d virtio devices are supported", VIRT_VIRTIO_COUNT);
        return -1;
    }
    for (unsigned i = 0; i < cfg->nvirtio; i++) {
        int s = cfg->virtio[i].slot;
        if (s < 0)
            continue;
        if (s >= VIRT_VIRTIO_COUNT) {
            vm_err(err, errlen, "virtio-mmio-bus.%d does not exist (0 to %d)", s,
                   VIRT_VIRTIO_COUNT - 1);
            return -1;
        }
        if (slot_of[s] >= 0) {
            vm_err(err, errlen, "virtio-mmio-bus.%d is used twice", s);
            return -1;
        }
        slot_of[s] = (int)i;
    }
    for (unsigned i = 0; i < cfg->nvirtio; i++) {
        int s = VIRT_VIRTIO_COUNT - 1;
        if (cfg->virtio[i].slot >= 0)
            continue;
        while (s >= 0 && slot_of[s] >= 0)
            s--;
        if (s < 0) {
            vm_err(err, errlen, "at most %d virtio devices are supported", VIRT_VIRTIO_COUNT);
            return -1;
        }
        slot_of[s] = (int)i;
    }
    return 0;
}

static void *vm_virtio_blk(const struct vm_virtio_config *vc, char *err, size_t errlen)
{
    static const enum blockdev_cache cache[] = {
        [VM_BLK_CACHE_WRITEBACK] = BLOCKDEV_CACHE_WRITEBACK,
        [VM_BLK_CACHE_WRITETHROUGH] = BLOCKDEV_CACHE_WRITETHROUGH,
        [VM_BLK_CACHE_UNSAFE] = BLOCKDEV_CACHE_UNSAFE,
    };
    struct blockdev *bd;
    void *dev;
    if (blockdev_open(vc->file, vc->readonly, cache[vc->cache], &bd, err, errlen) < 0)
        return NULL;
    if (blockdev_size(bd) % 512)
        fprintf(stderr,
                "rvisor: warning: %s: size is not a multiple of 512 bytes; the guest sees "
                "only the first %llu sectors\n",
                vc->file, (unsigned long long)(blockdev_size(bd) / 512));
    if (!(dev = virtio_blk_create(bd, vc->serial)))
        vm_err(err, errlen, "out of memory");
    return dev;
}

/* A virtio-net device; default MACs count the NICs as QEMU does (52:54:00:12:34:56, :57..). */
static void *vm_virtio_net(const struct vm_config *cfg, const struct vm_virtio_config *vc,
                           char *err, size_t errlen)
{
    unsigned index = 0;
    void *dev;
    for (const struct vm_virtio_config *p = cfg->virtio; p < vc; p++)
        index += p->kind == VM_VIRTIO_NET;
    if (virtio_net_make_from_options(vc->netdev, vc->mac, index, NULL, &dev, err, errlen) < 0)
        return NULL;
    return dev;
}

/* The device for one configuration entry; NULL with err set. */
static void *vm_virtio_device(const struct vm_config *cfg, const struct vm_virtio_config *vc,
                              const struct virtio_device_ops **ops, char *err, size_t errlen)
{
    void *dev = NULL;
    switch (vc->kind) {
    case VM_VIRTIO_NET:
        *ops = &virtio_net_ops;
        return vm_virtio_net(cfg, vc, err, errlen);
    case VM_VIRTIO_BLK:
        *ops = &virtio_blk_ops;
        return vm_virtio_blk(vc, err, errlen);
    case VM_VIRTIO_RNG:
        *ops = &virtio_rng_ops;
        if (!(dev = virtio_rng_create()))
            vm_err(err, errlen, "out of memory");
        return dev;
    case VM_VIRTIO_KEYBOARD:
    case VM_VIRTIO_TABLET:
        *ops = &virtio_input_ops;
        dev = virtio_input_create(vc->kind == VM_VIRTIO_KEYBOARD ? VIRTIO_INPUT_KEYBOARD
                                                                 : VIRTIO_INPUT_TABLET);
        if (!dev)
            vm_err(err, errlen, "out of memory");
        return dev;
    default: vm_err(err, errlen, "this virtio device is not available in this build"); break;
    }
    return NULL;
}

/* Remember the first keyboard and tablet for the display. */
static void vm_note_input(struct vm *vm, enum vm_virtio_kind kind, void *dev)
{
    if (kind == VM_VIRTIO_KEYBOARD && !vm->keyboard)
        vm->keyboard = dev;
    if (kind == VM_VIRTIO_TABLET && !vm->tablet)
        vm->tablet = dev;
}

/* The eight virtio-mmio slots: configured devices, and empty slots (DeviceID 0). */
static int vm_create_virtio(struct vm *vm, char *err, size_t errlen)
{
    const struct virt_map_entry *m = &virt_memmap[VIRT_VIRTIO];
    int slot_of[VIRT_VIRTIO_COUNT];
    if (vm_virtio_slots(vm, slot_of, err, errlen) < 0)
        return -1;
    for (unsigned s = 0; s < VIRT_VIRTIO_COUNT; s++) {
        const struct virtio_device_ops *ops = NULL;
        void *dev = NULL;
        struct irq_line irq = plic_irq_line(vm->plic, m->irq + s);
        uint64_t base = m->base + s * m->size;
        if (slot_of[s] >= 0 &&
            !(dev = vm_virtio_device(&vm->cfg, &vm->cfg.virtio[slot_of[s]], &ops, err, errlen)))
            return -1;
        if (slot_of[s] >= 0)
            vm_note_input(vm, vm->cfg.virtio[slot_of[s]].kind, dev);
        vm->virtio[s] = virtio_mmio_create(vm->bus, &irq, ops, dev, vm->cfg.virtio_legacy);
        if (!vm->virtio[s]) {
            vm_err(err, errlen, "out of memory creating virtio-mmio-bus.%u", s);
            return -1;
        }
        if (bus_add_device(vm->bus, base, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, vm->virtio[s]) < 0) {
            virtio_mmio_ops.destroy(vm->virtio[s]);
            vm->virtio[s] = NULL;
            vm_err(err, errlen, "cannot map virtio-mmio-bus.%u", s);
            return -1;
        }
        if (slot_of[s] >= 0 && vm->cfg.virtio[slot_of[s]].kind == VM_VIRTIO_NET)
            vm->net[s] = dev; /* owned by the bus; vm_destroy stops it first */
    }
    return 0;
}

/* The simple-framebuffer: RAM of its own at VIRT_FB, if configured. */
static int vm_create_fb(struct vm *vm, char *err, size_t errlen)
{
    const struct virt_map_entry *m = &virt_memmap[VIRT_FB];
    unsigned w = vm->cfg.fb_width, h = vm->cfg.fb_height;
    if (vm->cfg.screenshot && !screenshot_available()) {
        vm_err(err, errlen, "--screenshot: this rvisor was built without libpng "
                            "(install libpng-dev and rebuild)");
        return -1;
    }
    if (!w && !h)
        return 0;
    if (simplefb_check_size(w, h, err, errlen) < 0)
        return -1;
    if (simplefb_create(w, h, &vm->fb) < 0) {
        vm_err(err, errlen, "out of memory for the %ux%u framebuffer", w, h);
        return -1;
    }
    if (simplefb_region_size(vm->fb) > m->size ||
        bus_add_ram(vm->bus, m->base, simplefb_region_size(vm->fb), simplefb_pixels(vm->fb)) < 0) {
        vm_err(err, errlen, "cannot map the framebuffer");
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
    return vm_create_virtio(vm, err, errlen);
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
        vm->harts[i].dbg_flags = vm->cfg.trace_events;
        vm->harts[i].log = vm->cfg.trace_log ? vm->cfg.trace_log : stderr;
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
    if (pthread_mutex_init(&vm->idle_lock, NULL) != 0) {
        free(vm);
        vm_err(err, errlen, "out of memory");
        return -1;
    }
    if (pthread_cond_init(&vm->idle_cond, NULL) != 0) {
        pthread_mutex_destroy(&vm->idle_lock);
        free(vm);
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
    if (vm_create_fb(vm, err, errlen) < 0 || vm_create_harts(vm, err, errlen) < 0 ||
        vm_create_devices(vm, err, errlen) < 0 ||
        boot_prepare(vm, err, errlen) < 0)
        goto fail;
    if (cfg->gdb && gdbstub_create(vm, cfg->gdb, cfg->gdb_wait, &vm->gdb, err, errlen) < 0)
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
    gdbstub_destroy(vm->gdb);
    for (unsigned s = 0; s < VM_MAX_VIRTIO; s++)
        if (vm->net[s])
            virtio_net_stop(vm->net[s]); /* no frame may arrive once the PLIC is gone */
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
    simplefb_destroy(vm->fb);
    free(vm->ram);
    pthread_cond_destroy(&vm->idle_cond);
    pthread_mutex_destroy(&vm->idle_lock);
    free(vm);
}

/* ---- running ---- */

void vm_request_poweroff(struct vm *vm)
{
    vm_set_exit(vm, VM_EXIT_POWEROFF, 0);
}

struct simplefb *vm_framebuffer(struct vm *vm)
{
    return vm->fb;
}

struct virtio_input *vm_input_device(struct vm *vm, enum vm_virtio_kind kind)
{
    return kind == VM_VIRTIO_KEYBOARD ? vm->keyboard
           : kind == VM_VIRTIO_TABLET ? vm->tablet
                                      : NULL;
}

/* --screenshot: once, when the guest time comes (or at the end of the run). */
static void vm_screenshot(struct vm *vm)
{
    char why[256];
    vm->screenshot_taken = true;
    if (!vm->fb)
        return;
    if (screenshot_write_png(vm->fb, vm->cfg.screenshot, why, sizeof(why)) < 0)
        fprintf(stderr, "rvisor: screenshot: %s\n", why);
}

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
    if (vm->cfg.screenshot && !vm->screenshot_taken && vm->cfg.screenshot_after_ns &&
        clock_ticks(&vm->clock) >= vm->cfg.screenshot_after_ns / 100)
        vm_screenshot(vm);
    if (vm->htif.tohost && htif_poll(&vm->htif, &code))
        vm_set_exit(vm, code ? VM_EXIT_FAIL : VM_EXIT_POWEROFF, code);
    if (vm->gdb)
        gdbstub_poll(vm->gdb); /* may stop here while the debugger is in control */
}

/* Earliest time (ticks) at which a timer could wake a parked hart; UINT64_MAX if none. */
static uint64_t vm_next_deadline(struct vm *vm)
{
    uint64_t d = aclint_next_deadline(vm->aclint);
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
                vm_idle_sleep(vm, wait);
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

    /* -d guest_errors: this thread's device error reports go to the trace, all of them */
    dev_log_set_thread_sink((vm->cfg.trace_events & HART_TRACE_GUEST_ERRORS) ? vm->harts[0].log
                                                                              : NULL);
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
    if (vm->cfg.screenshot && !vm->screenshot_taken)
        vm_screenshot(vm);
    vm->exit.insns = total;
    *ex = vm->exit;
    dev_log_set_thread_sink(NULL);
}
