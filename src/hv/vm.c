/*
 * One virtual machine on the virt board: RAM, harts and devices wired from the memory map
 * table, an image loaded per the boot contract, and the loop that runs its harts in slices
 * Running it belongs to the scheduler (hv/sched.c): this file gives it the pieces (device
 * service, timer deadlines, wake-up checks, reboot) and the glue from devices to harts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/mman.h>
#endif

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

#include "hv/hv.h"

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

void vm_wake_hart(struct vm *vm, unsigned i)
{
    if (vm->sched)
        vm->sched->wake(vm->sched_opaque, i);
}

static void vm_hart_irq(void *opaque, unsigned bit, bool level)
{
    struct hart *h = opaque;
    hart_set_irq(h, bit, level);
    if (level)
        vm_wake_hart(h->env->opaque, (unsigned)h->csr.mhartid);
}

static void vm_stop_harts(struct vm *vm)
{
    atomic_store(&vm->stop, true);
    for (unsigned i = 0; i < vm->nharts; i++)
        hart_request_stop(&vm->harts[i]);
}

/* The first exit recorded wins; every hart stops. */
static void vm_exit_record(struct vm *vm, enum vm_exit_kind kind, unsigned code,
                           enum vm_exit_source src, const struct vm_fault *f)
{
    pthread_mutex_lock(&vm->exit_lock);
    if (vm->exit.kind == VM_EXIT_NONE) {
        vm->exit.kind = kind;
        vm->exit.code = code;
        vm->exit.source = src;
        if (f)
            vm->exit.fault = *f;
    }
    pthread_mutex_unlock(&vm->exit_lock);
    vm_stop_harts(vm);
}

void vm_record_exit(struct vm *vm, enum vm_exit_kind kind, unsigned code, enum vm_exit_source src)
{
    vm_exit_record(vm, kind, code, src, NULL);
}

const char *vm_exit_reason(enum vm_exit_kind k)
{
    switch (k) {
    case VM_EXIT_POWEROFF: return "poweroff";
    case VM_EXIT_FAIL: return "fail";
    case VM_EXIT_RESET: return "reset";
    case VM_EXIT_MAX_INSNS: return "max-insns";
    case VM_EXIT_HALTED: return "halted";
    case VM_EXIT_QUIT: return "quit";
    case VM_EXIT_STOPPED: return "user";
    case VM_EXIT_FAULT: return "fault";
    default: return "none";
    }
}

void vm_set_exit(struct vm *vm, enum vm_exit_kind kind, unsigned code, enum vm_exit_source src)
{
    vm_exit_record(vm, kind, code, src, NULL);
    if (vm->sched)
        vm->sched->exit(vm->sched_opaque);
}

void vm_set_fault(struct vm *vm, const struct vm_fault *f)
{
    vm_exit_record(vm, VM_EXIT_FAULT, 0, VM_SRC_HOST, f);
    if (vm->sched)
        vm->sched->exit(vm->sched_opaque);
}

void vm_get_exit(struct vm *vm, struct vm_exit *ex)
{
    pthread_mutex_lock(&vm->exit_lock);
    *ex = vm->exit;
    pthread_mutex_unlock(&vm->exit_lock);
}

void vm_clear_exit(struct vm *vm)
{
    pthread_mutex_lock(&vm->exit_lock);
    vm->exit = (struct vm_exit){0};
    pthread_mutex_unlock(&vm->exit_lock);
    atomic_store(&vm->stop, false);
    for (unsigned i = 0; i < vm->nharts; i++)
        atomic_store(&vm->harts[i].stop_request, false);
}

static void vm_finisher_event(void *opaque, enum finisher_event ev, unsigned code)
{
    struct vm *vm = opaque;
    switch (ev) {
    case FINISHER_PASS: vm_set_exit(vm, VM_EXIT_POWEROFF, 0, VM_SRC_FINISHER); break;
    case FINISHER_FAIL: vm_set_exit(vm, VM_EXIT_FAIL, code, VM_SRC_FINISHER); break;
    case FINISHER_RESET: vm_set_exit(vm, VM_EXIT_RESET, 0, VM_SRC_FINISHER); break;
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
    if (virtio_net_make_from_options(vc->netdev, vc->mac, index, cfg->switches, &dev, err,
                                     errlen) < 0)
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

/*
 * Guest RAM: reserved address space, committed by the host on first touch (the memory
 * quota counts pages on their first write; see bus_ram_track).
 */
static uint8_t *ram_reserve(uint64_t size)
{
#if defined(_WIN32)
    return VirtualAlloc(NULL, (SIZE_T)size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
#elif defined(MAP_ANONYMOUS)
    if (size != (size_t)size)
        return NULL;
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#ifdef MAP_NORESERVE
    flags |= MAP_NORESERVE;
#endif
    void *p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, flags, -1, 0);
    return p == MAP_FAILED ? NULL : p;
#else
    return calloc(1, (size_t)size);
#endif
}

static void ram_release(uint8_t *ram, uint64_t size)
{
    if (!ram)
        return;
#if defined(_WIN32)
    (void)size;
    VirtualFree(ram, 0, MEM_RELEASE);
#elif defined(MAP_ANONYMOUS)
    munmap(ram, (size_t)size);
#else
    (void)size;
    free(ram);
#endif
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

static void vm_env_timer_changed(void *opaque, struct hart *h)
{
    struct vm *vm = opaque;
    (void)h;
    if (vm->sched && vm->sched->timer)
        vm->sched->timer(vm->sched_opaque);
}

/*
 * A trap that leads nowhere (cpu/trap.c): end the VM with the fault instead of letting
 * the hart trap forever. Not installed with a debugger, which must see such traps.
 */
static void vm_env_fatal_trap(void *opaque, struct hart *h, const struct hart_dead_trap *t)
{
    struct vm_fault f = {.hart = (unsigned)h->csr.mhartid,
                         .priv = (unsigned)t->priv,
                         .cause = t->cause,
                         .epc = t->epc,
                         .tval = t->tval,
                         .vector = t->vector,
                         .jump = t->jump};
    vm_set_fault(opaque, &f);
}

static int vm_create_harts(struct vm *vm, char *err, size_t errlen)
{
    vm->env = (struct hart_env){.opaque = vm,
                                .get_time = vm_env_time,
                                .ecall = sbi_ecall,
                                .fatal_trap = vm->cfg.gdb ? NULL : vm_env_fatal_trap};
    (void)vm_env_timer_changed; /* harts park to wait for timers, which re-arms the scheduler's */
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
        if (vm->nharts > 1)
            vm->harts[i].resv_set = &vm->resv;
    }
    vm->resv.nharts = vm->nharts;
    vm->resv.harts = vm->harts;
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
    if (pthread_mutex_init(&vm->exit_lock, NULL) != 0) {
        free(vm);
        vm_err(err, errlen, "out of memory");
        return -1;
    }
    if (pthread_mutex_init(&vm->service_lock, NULL) != 0) {
        pthread_mutex_destroy(&vm->exit_lock);
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
    vm->ram = ram_reserve(vm->ram_size);
    if (!vm->ram) {
        vm_err(err, errlen, "cannot allocate %llu MiB of guest RAM",
               (unsigned long long)(vm->ram_size >> 20));
        goto fail;
    }
    vm->bus = bus_create();
    /* pages count as committed from the first write on, the boot's placements too */
    if (!vm->bus || bus_add_ram(vm->bus, vm->ram_base, vm->ram_size, vm->ram) < 0 ||
        bus_ram_track(vm->bus, vm->ram_base, NULL, NULL) < 0) {
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
    ram_release(vm->ram, vm->ram_size);
    pthread_mutex_destroy(&vm->service_lock);
    pthread_mutex_destroy(&vm->exit_lock);
    free(vm);
}

/* ---- running ---- */

void vm_request_poweroff(struct vm *vm)
{
    vm_set_exit(vm, VM_EXIT_POWEROFF, 0, VM_SRC_HOST);
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
    vm_set_exit(vm, VM_EXIT_STOPPED, 0, VM_SRC_HOST);
}

size_t vm_console_input(struct vm *vm, const uint8_t *buf, size_t len)
{
    return ns16550a_receive(vm->uart, buf, len);
}

const char *vm_name(const struct vm *vm)
{
    return vm->cfg.name ? vm->cfg.name : "vm0";
}

bool vm_deterministic(const struct vm *vm)
{
    return vm->cfg.deterministic;
}

const void *vm_dtb(const struct vm *vm, size_t *size)
{
    *size = vm->dtb_size;
    return vm->dtb;
}

/* Terminal input into the UART's receive FIFO, as much as it has room for. */
void vm_poll_console(struct vm *vm)
{
    uint8_t buf[64];
    enum console_event ev;
    if (!vm->cfg.input)
        return;
    size_t space = ns16550a_rx_space(vm->uart);
    size_t n = console_poll(vm->cfg.input, buf, space < sizeof(buf) ? space : sizeof(buf), &ev);
    if (n)
        ns16550a_receive(vm->uart, buf, n);
    if (ev == CONSOLE_EV_QUIT)
        vm_set_exit(vm, VM_EXIT_QUIT, 0, VM_SRC_CONSOLE);
}

void vm_service(struct vm *vm, bool with_gdb)
{
    unsigned code;
    if (pthread_mutex_trylock(&vm->service_lock) != 0)
        return; /* another thread is at it */
    aclint_update(vm->aclint);
    goldfish_rtc_update(vm->rtc);
    if (vm->cfg.screenshot && !vm->screenshot_taken && vm->cfg.screenshot_after_ns &&
        clock_ticks(&vm->clock) >= vm->cfg.screenshot_after_ns / 100)
        vm_screenshot(vm);
    if (vm->cfg.input_poll)
        vm->cfg.input_poll(vm->cfg.input_opaque);
    if (vm->htif.tohost && htif_poll(&vm->htif, &code))
        vm_set_exit(vm, code ? VM_EXIT_FAIL : VM_EXIT_POWEROFF, code, VM_SRC_HTIF);
    pthread_mutex_unlock(&vm->service_lock);
    if (with_gdb && vm->gdb)
        gdbstub_poll(vm->gdb); /* may stop here while the debugger is in control */
}

void vm_final_screenshot(struct vm *vm)
{
    if (vm->cfg.screenshot && !vm->screenshot_taken)
        vm_screenshot(vm);
}

uint64_t vm_next_deadline(struct vm *vm, const bool *parked)
{
    uint64_t d = aclint_next_deadline(vm->aclint), now = clock_ticks(&vm->clock);
    for (unsigned i = 0; i < vm->nharts; i++) {
        struct hart *h = &vm->harts[i];
        /* a stimecmp already passed raises STIP as a level: time cannot wake it further */
        if (parked[i] && (h->csr.menvcfg & ENVCFG_STCE) && h->csr.stimecmp < d &&
            h->csr.stimecmp > now)
            d = h->csr.stimecmp;
    }
    return d;
}

/*
 * Can hart i run now? Harts SBI HSM holds stopped never do. A hart that was not parked
 * (just started) can; a hart parked in WFI or a suspend wakes when an interrupt is
 * pending (after a non-retentive suspend it restarts at the resume address, as SBI HSM
 * specifies).
 */
bool vm_hart_can_wake(struct vm *vm, unsigned i, bool parked)
{
    struct hart *h = &vm->harts[i];
    int hsm = atomic_load(&vm->hsm[i]);
    if (hsm != HSM_STARTED && hsm != HSM_SUSPENDED)
        return false;
    if (!parked)
        return true;
    if (!hart_irq_pending(h))
        return false;
    atomic_store(&vm->hsm[i], HSM_STARTED);
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

int vm_reboot(struct vm *vm)
{
    char err[256];
    bus_reset(vm->bus);
    free(vm->dtb);
    vm->dtb = NULL;
    memset(vm->resume_pending, 0, sizeof(vm->resume_pending));
    vm_clear_exit(vm);
    if (boot_prepare(vm, err, sizeof(err)) < 0) {
        fprintf(stderr, "rvisor: reboot failed: %s\n", err);
        return -1;
    }
    return 0;
}

uint64_t vm_host_overhead(const struct vm *vm)
{
    uint64_t n = sizeof(*vm) + vm->dtb_size;
    for (unsigned i = 0; i < vm->nharts; i++)
        n += hart_host_bytes(&vm->harts[i]);
    if (vm->fb)
        n += simplefb_region_size(vm->fb);
    n += bus_region_count(vm->bus) * sizeof(struct bus_region);
    /* device state and virtqueue bookkeeping: a few KiB each */
    n += (uint64_t)(6 + VM_MAX_VIRTIO) * 4096;
    return n;
}

/* One VM alone on the scheduler (tests; programs use a librvisor host, src/lib/host.c). */
void vm_run(struct vm *vm, struct vm_exit *ex)
{
    struct hv_options opt = {.deterministic = vm->cfg.deterministic};
    struct hv *hv;
    char err[256];

    /* -d guest_errors: device error reports of the workers go to the trace */
    dev_log_set_thread_sink((vm->cfg.trace_events & HART_TRACE_GUEST_ERRORS) ? vm->harts[0].log
                                                                              : NULL);
    if (hv_create(&opt, &hv, err, sizeof(err)) < 0 || hv_add_vm(hv, vm, NULL, err, sizeof(err)) < 0) {
        fprintf(stderr, "rvisor: %s\n", err);
        *ex = (struct vm_exit){.kind = VM_EXIT_HALTED};
        return;
    }
    hv_run(hv);
    hv_vm_exit(hv, 0, ex);
    hv_destroy(hv);
    dev_log_set_thread_sink(NULL);
}
