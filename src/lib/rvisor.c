/*
 * librvisor (include/rvisor.h): the public embedding API over vm_create (hv/vm.h), the
 * config loader (hv/config.h) and the caller-driven runner (hv/vm_api.h). A rvisor_vm
 * owns copies of every string its vm_config points to, its console sink (which counts
 * and caps output), and the limits that end it (total instructions, total host time).
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* strdup */
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvisor.h"

#include "devices/chardev.h"
#include "hv/clock.h"
#include "hv/config.h"
#include "hv/vm.h"
#include "hv/vm_api.h"

#define LIB_MAX_STRINGS 8

struct rvisor_vm {
    struct vm *vm;
    struct vm_api_runner run;
    bool run_ok;
    struct vm_config cfg;
    struct hv_config json; /* the JSON config the vm_config came from (owns its strings) */
    bool has_json;
    char *strings[LIB_MAX_STRINGS];
    unsigned nstrings;
    struct chardev console;
    rvisor_output_fn out;
    rvisor_input_fn in;
    void *opaque;
    uint64_t limit, console_bytes, console_dropped;
    uint64_t max_insns, timeout_ns, run_ns;
    enum rvisor_exit_kind host_end; /* why the library ended it (source HOST) */
    atomic_bool pause;
};

static void lib_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

const char *rvisor_version(void)
{
    return "0.1.0";
}

void rvisor_config_init(struct rvisor_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->struct_size = sizeof(*cfg);
    cfg->name = "vm0";
    cfg->ram_size = VM_DEFAULT_RAM;
    cfg->harts = 1;
}

/* The console sink: count, cap, pass on. */
static void lib_console_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct rvisor_vm *v = opaque;
    size_t room = v->console_bytes >= v->limit ? 0
                  : (v->limit - v->console_bytes < len ? (size_t)(v->limit - v->console_bytes)
                                                       : len);
    if (room && v->out)
        v->out(v->opaque, buf, room);
    v->console_bytes += room;
    v->console_dropped += len - room;
}

static size_t lib_console_pull(void *opaque, uint8_t *buf, size_t max)
{
    struct rvisor_vm *v = opaque;
    return v->in ? v->in(v->opaque, buf, max) : 0;
}

static const char *keep(struct rvisor_vm *v, const char *s)
{
    if (!s)
        return NULL;
    if (v->nstrings >= LIB_MAX_STRINGS)
        return NULL;
    char *c = strdup(s);
    if (c)
        v->strings[v->nstrings++] = c;
    return c;
}

static struct rvisor_vm *lib_alloc(const struct rvisor_config *o)
{
    struct rvisor_vm *v = calloc(1, sizeof(*v));
    if (!v)
        return NULL;
    v->limit = RVISOR_CONSOLE_LIMIT_DEFAULT;
    if (o) {
        v->out = o->console_out;
        v->in = o->console_in;
        v->opaque = o->console_opaque;
        if (o->console_limit)
            v->limit = o->console_limit;
        v->max_insns = o->max_insns;
        v->timeout_ns = o->timeout_ns;
    }
    v->console = (struct chardev){lib_console_write, v};
    atomic_init(&v->pause, false);
    return v;
}

/* vm_create from v->cfg, then the runner. */
static int lib_build(struct rvisor_vm *v, rvisor_vm **out, char *err, size_t errlen)
{
    v->cfg.console = &v->console;
    v->cfg.input = NULL;
    v->cfg.switches = NULL;
    if (vm_create(&v->cfg, &v->vm, err, errlen) < 0) {
        rvisor_vm_destroy(v);
        return -1;
    }
    if (vm_api_init(&v->run, v->vm) < 0) {
        lib_err(err, errlen, "out of resources");
        rvisor_vm_destroy(v);
        return -1;
    }
    v->run_ok = true;
    v->run.pull = lib_console_pull;
    v->run.pull_opaque = v;
    *out = v;
    return 0;
}

static bool config_ok(const struct rvisor_config *c, char *err, size_t errlen)
{
    if (!c || c->struct_size != sizeof(*c)) {
        lib_err(err, errlen, "struct rvisor_config not set up by rvisor_config_init "
                             "(or from another version of rvisor.h)");
        return false;
    }
    if (c->harts < 1 || c->harts > VM_MAX_HARTS) {
        lib_err(err, errlen, "harts must be 1 to %d", VM_MAX_HARTS);
        return false;
    }
    if (c->ram_size < (1ull << 20) || c->ram_size > (1ull << 40)) {
        lib_err(err, errlen, "ram_size must be 1 MiB to 1 TiB");
        return false;
    }
    return true;
}

int rvisor_vm_create(const struct rvisor_config *c, rvisor_vm **out, char *err, size_t errlen)
{
    if (!out || !config_ok(c, err, errlen))
        return -1;
    struct rvisor_vm *v = lib_alloc(c);
    if (!v) {
        lib_err(err, errlen, "out of memory");
        return -1;
    }
    struct vm_config *cfg = &v->cfg;
    cfg->name = keep(v, c->name ? c->name : "vm0");
    cfg->ram_size = (c->ram_size + 4095) & ~4095ull;
    cfg->nharts = c->harts;
    cfg->kernel = keep(v, c->kernel);
    cfg->bios = c->bios && strcmp(c->bios, "builtin") != 0 ? keep(v, c->bios) : NULL;
    cfg->initrd = keep(v, c->initrd);
    cfg->append = keep(v, c->append);
    cfg->deterministic = c->deterministic;
    cfg->no_reboot = c->no_reboot;
    if (c->disk)
        cfg->virtio[cfg->nvirtio++] = (struct vm_virtio_config){
            .kind = VM_VIRTIO_BLK, .slot = -1, .file = keep(v, c->disk),
            .readonly = c->disk_readonly};
    if (c->rng)
        cfg->virtio[cfg->nvirtio++] = (struct vm_virtio_config){.kind = VM_VIRTIO_RNG,
                                                                .slot = -1};
    if (!cfg->name || (c->kernel && !cfg->kernel) || (c->initrd && !cfg->initrd) ||
        (c->append && !cfg->append) || (c->disk && !cfg->virtio[0].file)) {
        lib_err(err, errlen, "out of memory");
        rvisor_vm_destroy(v);
        return -1;
    }
    if (!cfg->kernel && (!cfg->bios || !strcmp(cfg->bios, "none"))) {
        lib_err(err, errlen, "no kernel given");
        rvisor_vm_destroy(v);
        return -1;
    }
    return lib_build(v, out, err, errlen);
}

int rvisor_vm_create_json(const char *json, size_t len, const char *vm_name,
                          const char *base_dir, const struct rvisor_config *overrides,
                          rvisor_vm **out, char *err, size_t errlen)
{
    char dir[4096];
    if (!json || !out) {
        lib_err(err, errlen, "no JSON given");
        return -1;
    }
    if (overrides && !config_ok(overrides, err, errlen))
        return -1;
    if (base_dir && *base_dir) {
        size_t n = strlen(base_dir);
        if (n + 2 > sizeof(dir)) {
            lib_err(err, errlen, "base_dir is too long");
            return -1;
        }
        snprintf(dir, sizeof(dir), "%s%s", base_dir, base_dir[n - 1] == '/' ? "" : "/");
    } else {
        dir[0] = 0;
    }
    struct rvisor_vm *v = lib_alloc(overrides);
    if (!v) {
        lib_err(err, errlen, "out of memory");
        return -1;
    }
    if (hv_config_parse(json, len, "config", dir, &v->json, err, errlen) < 0) {
        hv_config_free(&v->json);
        free(v);
        return -1;
    }
    v->has_json = true;
    struct hv_config_vm *pick = NULL;
    for (unsigned i = 0; i < v->json.nvms && !pick; i++)
        if (!vm_name || !strcmp(v->json.vms[i].cfg.name, vm_name))
            pick = &v->json.vms[i];
    if (!pick) {
        lib_err(err, errlen, vm_name ? "config: no VM named '%s'" : "config: no VM%s",
                vm_name ? vm_name : "");
        rvisor_vm_destroy(v);
        return -1;
    }
    v->cfg = pick->cfg;
    if (v->json.deterministic || (overrides && overrides->deterministic))
        v->cfg.deterministic = true;
    for (unsigned i = 0; i < v->cfg.nvirtio; i++)
        if (v->cfg.virtio[i].kind == VM_VIRTIO_NET) {
            lib_err(err, errlen, "config: VM '%s': network devices are not available "
                                 "through the embedding API", v->cfg.name);
            rvisor_vm_destroy(v);
            return -1;
        }
    return lib_build(v, out, err, errlen);
}

void rvisor_vm_destroy(rvisor_vm *v)
{
    if (!v)
        return;
    if (v->run_ok)
        vm_api_fini(&v->run);
    vm_destroy(v->vm);
    if (v->has_json)
        hv_config_free(&v->json);
    for (unsigned i = 0; i < v->nstrings; i++)
        free(v->strings[i]);
    free(v);
}

/* ---- running ---- */

static bool ended(rvisor_vm *v)
{
    struct vm_exit ex;
    vm_api_exit(&v->run, &ex, NULL);
    return ex.kind != VM_EXIT_NONE;
}

static void host_end(rvisor_vm *v, enum rvisor_exit_kind kind)
{
    if (ended(v))
        return;
    v->host_end = kind;
    vm_api_end(&v->run, kind == RVISOR_EXIT_INSN_LIMIT ? VM_EXIT_MAX_INSNS : VM_EXIT_HALTED);
}

enum rvisor_stop rvisor_vm_run(rvisor_vm *v, uint64_t max_insns, uint64_t timeout_ns)
{
    if (!v)
        return RVISOR_STOP_ERROR;
    atomic_store(&v->pause, false);
    if (ended(v))
        return RVISOR_STOP_EXIT;
    uint64_t budget = max_insns;
    bool total_budget = false, total_time = false;
    if (v->max_insns) {
        uint64_t left = v->max_insns > v->run.insns ? v->max_insns - v->run.insns : 0;
        if (!left) {
            host_end(v, RVISOR_EXIT_INSN_LIMIT);
            return RVISOR_STOP_EXIT;
        }
        if (!budget || left <= budget) {
            budget = left;
            total_budget = true;
        }
    }
    uint64_t t0 = clock_host_ns(), limit = timeout_ns;
    if (v->timeout_ns) {
        uint64_t left = v->timeout_ns > v->run_ns ? v->timeout_ns - v->run_ns : 0;
        if (!left) {
            host_end(v, RVISOR_EXIT_TIMEOUT);
            return RVISOR_STOP_EXIT;
        }
        if (!limit || left <= limit) {
            limit = left;
            total_time = true;
        }
    }
    uint64_t ran;
    enum vm_api_stop s = vm_api_run(&v->run, budget, limit ? t0 + limit : 0, &v->pause, &ran);
    v->run_ns += clock_host_ns() - t0;
    switch (s) {
    case VM_API_STOP_EXIT: return RVISOR_STOP_EXIT;
    case VM_API_STOP_BUDGET:
        if (total_budget) {
            host_end(v, RVISOR_EXIT_INSN_LIMIT);
            return RVISOR_STOP_EXIT;
        }
        return RVISOR_STOP_BUDGET;
    case VM_API_STOP_DEADLINE:
        if (total_time) {
            host_end(v, RVISOR_EXIT_TIMEOUT);
            return RVISOR_STOP_EXIT;
        }
        return RVISOR_STOP_TIMEOUT;
    case VM_API_STOP_PAUSED: return RVISOR_STOP_PAUSED;
    case VM_API_STOP_IDLE: return RVISOR_STOP_IDLE;
    }
    return RVISOR_STOP_ERROR;
}

void rvisor_vm_pause(rvisor_vm *v)
{
    if (v)
        atomic_store(&v->pause, true);
}

int rvisor_vm_step(rvisor_vm *v, unsigned hart)
{
    if (!v)
        return -1;
    atomic_store(&v->pause, false);
    uint64_t t0 = clock_host_ns();
    int rc = vm_api_step(&v->run, hart);
    v->run_ns += clock_host_ns() - t0;
    return rc;
}

void rvisor_vm_stop(rvisor_vm *v)
{
    if (v)
        host_end(v, RVISOR_EXIT_STOPPED);
}

int rvisor_vm_console_send(rvisor_vm *v, const void *buf, size_t len)
{
    if (!v || (!buf && len))
        return -1;
    return vm_api_send(&v->run, buf, len);
}

/* ---- results ---- */

const char *rvisor_exit_kind_name(enum rvisor_exit_kind k)
{
    switch (k) {
    case RVISOR_EXIT_POWEROFF: return "poweroff";
    case RVISOR_EXIT_FAIL: return "fail";
    case RVISOR_EXIT_RESET: return "reset";
    case RVISOR_EXIT_FAULT: return "fault";
    case RVISOR_EXIT_TIMEOUT: return "timeout";
    case RVISOR_EXIT_INSN_LIMIT: return "insn-limit";
    case RVISOR_EXIT_STOPPED: return "stopped";
    default: return "none";
    }
}

const char *rvisor_exit_source_name(enum rvisor_exit_source s)
{
    switch (s) {
    case RVISOR_SOURCE_FINISHER: return "finisher";
    case RVISOR_SOURCE_SBI: return "sbi";
    case RVISOR_SOURCE_HTIF: return "htif";
    case RVISOR_SOURCE_HOST: return "host";
    default: return "none";
    }
}

static const char *cause_name(uint64_t cause)
{
    static const char *const names[] = {
        "instruction address misaligned", "instruction access fault", "illegal instruction",
        "breakpoint", "load address misaligned", "load access fault",
        "store address misaligned", "store access fault", "ecall from U-mode",
        "ecall from S-mode", "exception 10", "ecall from M-mode", "instruction page fault",
        "load page fault", "exception 14", "store page fault"};
    return cause < sizeof(names) / sizeof(names[0]) ? names[cause] : "exception";
}

static void fault_message(struct rvisor_exit *ex, const struct vm_api_fault *f)
{
    const char *mode = f->priv == 3 ? "M" : "S";
    if (f->jump)
        snprintf(ex->message, sizeof(ex->message),
                 "hart %u jumped to 0x%" PRIx64 ", where there is no memory to execute",
                 f->hart, f->vector);
    else
        snprintf(ex->message, sizeof(ex->message),
                 "%s at pc 0x%" PRIx64 " (tval 0x%" PRIx64 ") on hart %u, and no %s-mode "
                 "trap handler (the trap vector 0x%" PRIx64 " is not executable memory)",
                 cause_name(f->cause), f->epc, f->tval, f->hart, mode, f->vector);
}

int rvisor_vm_exit(rvisor_vm *v, struct rvisor_exit *ex)
{
    struct vm_exit e;
    enum vm_api_source src;
    if (!v || !ex)
        return -1;
    memset(ex, 0, sizeof(*ex));
    vm_api_exit(&v->run, &e, &src);
    ex->insns = e.insns;
    ex->source = (enum rvisor_exit_source)src; /* same order */
    ex->code = e.code;
    switch (e.kind) {
    case VM_EXIT_NONE: ex->kind = RVISOR_EXIT_NONE; break;
    case VM_EXIT_POWEROFF: ex->kind = RVISOR_EXIT_POWEROFF; break;
    case VM_EXIT_FAIL: ex->kind = RVISOR_EXIT_FAIL; break;
    case VM_EXIT_RESET: ex->kind = RVISOR_EXIT_RESET; break;
    case VM_EXIT_MAX_INSNS: ex->kind = RVISOR_EXIT_INSN_LIMIT; break;
    default:
        ex->kind = v->run.faulted ? RVISOR_EXIT_FAULT
                   : v->host_end  ? v->host_end
                                  : RVISOR_EXIT_STOPPED;
        break;
    }
    if (ex->kind == RVISOR_EXIT_FAULT) {
        const struct vm_api_fault *f = &v->run.fault;
        ex->fault_hart = f->hart;
        ex->fault_priv = f->priv;
        ex->fault_cause = f->cause;
        ex->fault_pc = f->epc;
        ex->fault_tval = f->tval;
        ex->fault_vector = f->vector;
        fault_message(ex, f);
    } else if (ex->kind == RVISOR_EXIT_FAIL) {
        snprintf(ex->message, sizeof(ex->message), "the guest reported failure, code %u (%s)",
                 e.code, rvisor_exit_source_name(ex->source));
    } else if (ex->kind == RVISOR_EXIT_POWEROFF) {
        snprintf(ex->message, sizeof(ex->message), "powered off (%s)",
                 rvisor_exit_source_name(ex->source));
    } else if (ex->kind == RVISOR_EXIT_TIMEOUT) {
        snprintf(ex->message, sizeof(ex->message), "time limit reached after %" PRIu64
                 " instructions", e.insns);
    } else if (ex->kind == RVISOR_EXIT_INSN_LIMIT) {
        snprintf(ex->message, sizeof(ex->message), "instruction limit reached (%" PRIu64 ")",
                 e.insns);
    } else if (ex->kind != RVISOR_EXIT_NONE) {
        snprintf(ex->message, sizeof(ex->message), "%s", rvisor_exit_kind_name(ex->kind));
    }
    return 0;
}

int rvisor_vm_stats(rvisor_vm *v, struct rvisor_stats *st)
{
    if (!v || !st)
        return -1;
    memset(st, 0, sizeof(*st));
    st->insns = v->run.insns;
    vm_api_counters(&v->run, &st->traps, &st->irqs, &st->guest_ns);
    st->run_ns = v->run_ns;
    st->console_bytes = v->console_bytes;
    st->console_dropped = v->console_dropped;
    st->harts = vm_api_harts(&v->run);
    st->ram_size = v->cfg.ram_size;
    return 0;
}

/* ---- memory and registers ---- */

int rvisor_vm_read_mem(rvisor_vm *v, uint64_t pa, void *buf, size_t len)
{
    return v && buf ? vm_api_read_phys(&v->run, pa, buf, len) : -1;
}

int rvisor_vm_write_mem(rvisor_vm *v, uint64_t pa, const void *buf, size_t len)
{
    return v && buf ? vm_api_write_phys(&v->run, pa, buf, len) : -1;
}

int rvisor_vm_read_virt(rvisor_vm *v, unsigned hart, uint64_t va, void *buf, size_t len)
{
    return v && buf ? vm_api_rw_virt(&v->run, hart, va, buf, len, false) : -1;
}

int rvisor_vm_write_virt(rvisor_vm *v, unsigned hart, uint64_t va, const void *buf,
                         size_t len)
{
    return v && buf ? vm_api_rw_virt(&v->run, hart, va, (void *)buf, len, true) : -1;
}

uint64_t rvisor_vm_ram_base(rvisor_vm *v)
{
    return v ? vm_api_ram_base(&v->run) : 0;
}

int rvisor_vm_get_reg(rvisor_vm *v, unsigned hart, unsigned reg, uint64_t *val)
{
    return v && val ? vm_api_get_reg(&v->run, hart, reg, val) : -1;
}

int rvisor_vm_set_reg(rvisor_vm *v, unsigned hart, unsigned reg, uint64_t val)
{
    return v ? vm_api_set_reg(&v->run, hart, reg, val) : -1;
}
