/*
 * librvisor: how a VM ended (struct rvisor_exit: kind, source, code, the fault and a
 * one-line message), the exit status the rvisor program gives for it, and statistics,
 * for VMs run by the caller (hv/vm_api.h) and by a host (host.c) alike.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib_internal.h"

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
    case RVISOR_EXIT_HALTED: return "halted";
    case RVISOR_EXIT_QUIT: return "quit";
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
    case RVISOR_SOURCE_CONSOLE: return "console";
    case RVISOR_SOURCE_GDB: return "gdb";
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
    static const char *const irqs[] = {
        "interrupt 0", "supervisor software interrupt", "interrupt 2",
        "machine software interrupt", "interrupt 4", "supervisor timer interrupt",
        "interrupt 6", "machine timer interrupt", "interrupt 8",
        "supervisor external interrupt", "interrupt 10", "machine external interrupt"};
    if (cause >> 63) {
        cause &= ~(1ull << 63);
        return cause < sizeof(irqs) / sizeof(irqs[0]) ? irqs[cause] : "interrupt";
    }
    return cause < sizeof(names) / sizeof(names[0]) ? names[cause] : "exception";
}

/* struct vm_exit.source as the library names it. */
static enum rvisor_exit_source lib_source(const struct vm_exit *e)
{
    if (e->kind == VM_EXIT_NONE)
        return RVISOR_SOURCE_NONE;
    switch (e->source) {
    case VM_SRC_FINISHER: return RVISOR_SOURCE_FINISHER;
    case VM_SRC_SBI: return RVISOR_SOURCE_SBI;
    case VM_SRC_HTIF: return RVISOR_SOURCE_HTIF;
    case VM_SRC_CONSOLE: return RVISOR_SOURCE_CONSOLE;
    case VM_SRC_GDB: return RVISOR_SOURCE_GDB;
    default: return RVISOR_SOURCE_HOST;
    }
}

static void fault_message(struct rvisor_exit *ex, const struct vm_fault *f)
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
    if (!v || !ex)
        return -1;
    memset(ex, 0, sizeof(*ex));
    if (lib_on_host(v))
        lib_host_vm_exit(v, &e);
    else
        vm_api_exit(&v->run, &e, NULL);
    ex->insns = e.insns;
    ex->source = lib_source(&e);
    ex->code = e.code;
    switch (e.kind) {
    case VM_EXIT_NONE: ex->kind = RVISOR_EXIT_NONE; break;
    case VM_EXIT_POWEROFF: ex->kind = RVISOR_EXIT_POWEROFF; break;
    case VM_EXIT_FAIL: ex->kind = RVISOR_EXIT_FAIL; break;
    case VM_EXIT_RESET: ex->kind = RVISOR_EXIT_RESET; break;
    case VM_EXIT_MAX_INSNS: ex->kind = RVISOR_EXIT_INSN_LIMIT; break;
    case VM_EXIT_QUIT: ex->kind = RVISOR_EXIT_QUIT; break;
    case VM_EXIT_FAULT: ex->kind = RVISOR_EXIT_FAULT; break;
    case VM_EXIT_HALTED:
        if (lib_on_host(v)) {
            ex->kind = RVISOR_EXIT_HALTED;
            break;
        }
        /* fall through */
    default: /* the library ended it (host_end), or a reboot failed */
        ex->kind = v->host_end ? v->host_end : RVISOR_EXIT_STOPPED;
        break;
    }
    if (ex->kind == RVISOR_EXIT_FAULT) {
        const struct vm_fault *f = &e.fault;
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
    } else if (ex->kind == RVISOR_EXIT_HALTED) {
        snprintf(ex->message, sizeof(ex->message), "halted (nothing can wake it)");
    } else if (ex->kind == RVISOR_EXIT_QUIT) {
        snprintf(ex->message, sizeof(ex->message), "quit");
    } else if (ex->kind == RVISOR_EXIT_RESET) {
        snprintf(ex->message, sizeof(ex->message), "rebooted (no_reboot)");
    } else if (ex->kind != RVISOR_EXIT_NONE) {
        snprintf(ex->message, sizeof(ex->message), "%s", rvisor_exit_kind_name(ex->kind));
    }
    return 0;
}

int rvisor_exit_status(const struct rvisor_exit *ex)
{
    if (!ex)
        return RVISOR_STATUS_HALTED;
    switch (ex->kind) {
    case RVISOR_EXIT_POWEROFF:
    case RVISOR_EXIT_STOPPED:
    case RVISOR_EXIT_QUIT:
    case RVISOR_EXIT_RESET: return 0;
    case RVISOR_EXIT_FAIL: return (ex->code & 0xff) ? (int)(ex->code & 0xff) : 1;
    case RVISOR_EXIT_FAULT: return RVISOR_STATUS_FAULT;
    case RVISOR_EXIT_INSN_LIMIT: return RVISOR_STATUS_INSN_LIMIT;
    case RVISOR_EXIT_TIMEOUT: return RVISOR_STATUS_TIMEOUT;
    default: return RVISOR_STATUS_HALTED;
    }
}

int rvisor_vm_stats(rvisor_vm *v, struct rvisor_stats *st)
{
    if (!v || !st)
        return -1;
    memset(st, 0, sizeof(*st));
    st->insns = v->run.insns;
    st->run_ns = v->run_ns;
    if (lib_on_host(v)) {
        struct hv_vm_info info;
        if (lib_host_vm_info(v, &info) == 0) {
            st->insns = info.insns;
            st->run_ns = info.run_ns;
            st->committed = info.committed;
            st->committed_peak = info.peak;
        }
        st->steal_ns = lib_host_vm_steal_ns(v);
    }
    if (!lib_on_host(v) || !lib_host_running(v))
        vm_api_counters(&v->run, &st->traps, &st->irqs, &st->guest_ns);
    st->console_bytes = v->console_bytes;
    st->console_dropped = v->console_dropped;
    st->harts = vm_api_harts(&v->run);
    st->ram_size = v->cfg.ram_size;
    return 0;
}

/* ---- memory and registers ---- */
