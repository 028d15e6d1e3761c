/*
 * Running VMs from the rvisor program (launch.h): consoles opened as the config says,
 * VMs built, the hypervisor and its monitor started, and a summary at the end.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/chardev.h"
#include "devices/host/chardev_file.h"
#include "devices/host/chardev_socket.h"
#include "devices/host/netswitch.h"
#include "hv/config.h"
#include "hv/console.h"
#include "hv/launch.h"
#include "hv/monitor.h"

int launch_exit_status(const struct vm_exit *ex)
{
    switch (ex->kind) {
    case VM_EXIT_POWEROFF:
    case VM_EXIT_STOPPED:
    case VM_EXIT_QUIT: return 0;
    case VM_EXIT_FAIL:
        if (ex->code == 0)
            return 1;
        return (ex->code & 0xff) ? (int)(ex->code & 0xff) : 1;
    case VM_EXIT_MAX_INSNS: return EXIT_INSN_LIMIT;
    case VM_EXIT_RESET: return 0; /* -no-reboot */
    default: return EXIT_HUNG;
    }
}

static const char *exit_text(const struct vm_exit *ex, char *buf, size_t len)
{
    switch (ex->kind) {
    case VM_EXIT_POWEROFF: return "powered off";
    case VM_EXIT_QUIT: return "quit from the console";
    case VM_EXIT_FAIL: snprintf(buf, len, "failed with code %u", ex->code); return buf;
    case VM_EXIT_MAX_INSNS: return "instruction limit reached";
    case VM_EXIT_RESET: return "rebooted (no-reboot)";
    case VM_EXIT_HALTED: return "halted (nothing can wake it)";
    case VM_EXIT_STOPPED: return "stopped";
    default: return "?";
    }
}

/* Start the hypervisor with the VMs, run, collect how each ended. */
static int launch_run(struct vm **vms, const struct hv_vm_params *params, unsigned n,
                      const struct launch_opts *o, bool deterministic, struct vm_exit *exits)
{
    struct hv_options opt = {.threads = o->threads,
                             .deterministic = deterministic,
                             .trace_sched = o->trace_sched};
    struct hv *hv;
    struct monitor *mon = NULL;
    char err[512];

    if (hv_create(&opt, &hv, err, sizeof(err)) < 0) {
        fprintf(stderr, "rvisor: %s\n", err);
        return -1;
    }
    for (unsigned i = 0; i < n; i++)
        if (hv_add_vm(hv, vms[i], params ? &params[i] : NULL, err, sizeof(err)) < 0) {
            fprintf(stderr, "rvisor: %s\n", err);
            hv_destroy(hv);
            return -1;
        }
    if (o->monitor && monitor_create(hv, o->monitor, &mon, err, sizeof(err)) < 0) {
        fprintf(stderr, "rvisor: --monitor: %s\n", err);
        hv_destroy(hv);
        return -1;
    }
    hv_run(hv);
    for (unsigned i = 0; i < n; i++)
        hv_vm_exit(hv, i, &exits[i]);
    monitor_destroy(mon); /* before the hv: no command may reach it any more */
    hv_destroy(hv);
    return 0;
}

int launch_one(struct vm *vm, const struct launch_opts *o, struct vm_exit *ex)
{
    bool det = vm_deterministic(vm) || o->deterministic;
    return launch_run(&vm, NULL, 1, o, det, ex);
}

/* ---- --config ---- */

struct launch_console {
    struct console *term;
    struct chardev_file *file;
    struct chardev_socket *sock;
    struct chardev null;
};

static void null_write(void *opaque, const uint8_t *buf, size_t len)
{
    (void)opaque;
    (void)buf;
    (void)len;
}

static size_t socket_rx(void *opaque, const uint8_t *buf, size_t len)
{
    return vm_console_input(opaque, buf, len);
}

static int open_console(const struct hv_console_spec *spec, struct launch_console *lc,
                        struct vm_config *cfg, char *err, size_t errlen)
{
    switch (spec->kind) {
    case HV_CONSOLE_STDIO:
        if (!(lc->term = console_open(0, err, errlen)))
            return -1;
        cfg->input = lc->term;
        cfg->console = console_chardev(lc->term);
        return 0;
    case HV_CONSOLE_FILE:
        if (chardev_file_open(spec->path, spec->append, &lc->file, err, errlen) < 0)
            return -1;
        cfg->console = chardev_file_chardev(lc->file);
        return 0;
    case HV_CONSOLE_SOCKET:
        if (chardev_socket_create(spec->path, NULL, NULL, &lc->sock, err, errlen) < 0)
            return -1;
        cfg->console = chardev_socket_chardev(lc->sock);
        return 0;
    default:
        lc->null = (struct chardev){null_write, NULL};
        cfg->console = &lc->null;
        return 0;
    }
}

static void close_console(struct launch_console *lc)
{
    chardev_socket_destroy(lc->sock);
    chardev_file_close(lc->file);
    console_close(lc->term);
}

static void print_summary(struct vm **vms, const struct vm_exit *exits, unsigned n)
{
    char buf[64];
    for (unsigned i = 0; i < n; i++)
        fprintf(stderr, "rvisor: vm %s: %s after %" PRIu64 " instructions\n", vm_name(vms[i]),
                exit_text(&exits[i], buf, sizeof(buf)), exits[i].insns);
}

int launch_config(const char *path, const struct launch_opts *o)
{
    struct hv_config c;
    char err[512];
    int status = EXIT_USAGE;

    if (hv_config_load(path, &c, err, sizeof(err)) < 0) {
        fprintf(stderr, "rvisor: %s\n", err);
        hv_config_free(&c);
        return EXIT_USAGE;
    }
    struct launch_opts opts = *o;
    if (!opts.threads)
        opts.threads = c.threads;
    if (!opts.monitor)
        opts.monitor = c.monitor;
    if (!opts.trace_sched)
        opts.trace_sched = c.trace_sched;
    bool det = c.deterministic || o->deterministic;

    struct vm **vms = calloc(c.nvms, sizeof(*vms));
    struct launch_console *lc = calloc(c.nvms, sizeof(*lc));
    struct hv_vm_params *params = calloc(c.nvms, sizeof(*params));
    struct vm_exit *exits = calloc(c.nvms, sizeof(*exits));
    char(*macs)[VM_MAX_VIRTIO][18] = calloc(c.nvms, sizeof(*macs));
    struct netswitch_registry *switches = netswitch_registry_create();
    unsigned built = 0, nics = 0;
    if (!vms || !lc || !params || !exits || !macs || !switches) {
        fprintf(stderr, "rvisor: out of memory\n");
        status = EXIT_INFRA;
        goto out;
    }
    for (; built < c.nvms; built++) {
        struct hv_config_vm *v = &c.vms[built];
        if (det)
            v->cfg.deterministic = true;
        v->cfg.switches = switches; /* the VMs of one file share its switches */
        /* NICs without a MAC: 52:54:00:12:34:56 upwards across all VMs, so that VMs on
         * one switch never share an address */
        for (unsigned k = 0; k < v->cfg.nvirtio; k++) {
            struct vm_virtio_config *vc = &v->cfg.virtio[k];
            if (vc->kind != VM_VIRTIO_NET)
                continue;
            unsigned id = 0x123456 + nics++;
            if (vc->mac)
                continue;
            snprintf(macs[built][k], sizeof(macs[built][k]), "52:54:00:%02x:%02x:%02x",
                     (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff);
            vc->mac = macs[built][k];
        }
        if (open_console(&v->console, &lc[built], &v->cfg, err, sizeof(err)) < 0) {
            fprintf(stderr, "rvisor: vm %s: console: %s\n", v->cfg.name, err);
            goto out;
        }
        if (vm_create(&v->cfg, &vms[built], err, sizeof(err)) < 0) {
            fprintf(stderr, "rvisor: vm %s: %s\n", v->cfg.name, err);
            close_console(&lc[built]);
            goto out;
        }
        if (lc[built].sock)
            chardev_socket_set_rx(lc[built].sock, socket_rx, vms[built]);
        params[built] = v->params;
    }
    if (launch_run(vms, params, c.nvms, &opts, det, exits) < 0) {
        status = EXIT_USAGE;
        goto out;
    }
    if (!o->quiet)
        print_summary(vms, exits, c.nvms);
    status = 0;
    for (unsigned i = 0; i < c.nvms && !status; i++)
        status = launch_exit_status(&exits[i]);
out:
    for (unsigned i = 0; i < built; i++) {
        if (lc[i].sock)
            chardev_socket_set_rx(lc[i].sock, NULL, NULL);
        vm_destroy(vms[i]);
        close_console(&lc[i]);
    }
    free(vms);
    free(lc);
    free(params);
    if (switches)
        netswitch_registry_destroy(switches); /* after the VMs: their ports are gone */
    free(exits);
    free(macs);
    hv_config_free(&c);
    return status;
}
