/*
 * The inside of librvisor (include/rvisor.h), shared by its files: rvisor.c (VMs built
 * from a struct rvisor_config or JSON, run on the caller's thread), host.c (VMs on a
 * hypervisor's worker threads) and console.c (where a VM's UART goes).
 */
#ifndef RVISOR_LIB_INTERNAL_H
#define RVISOR_LIB_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "rvisor.h"

#include "devices/chardev.h"
#include "hv/config.h"
#include "hv/hv.h"
#include "hv/vm.h"
#include "hv/vm_api.h"

struct console;
struct chardev_file;
struct chardev_socket;
struct netswitch_registry;

/* A VM's console back end (console.c). */
struct lib_console {
    enum rvisor_console kind;
    struct console *term;        /* STDIO, STDIO_SIGNALS */
    struct chardev_file *file;   /* FILE */
    struct chardev_socket *sock; /* SOCKET */
    struct chardev sink;         /* CALLBACKS (counts and caps), NONE (drops) */
};

struct rvisor_vm {
    struct vm *vm;
    struct vm_api_runner run; /* memory, registers; and the run loop when not on a host */
    bool run_ok;
    struct vm_config cfg;
    struct hv_config json; /* the JSON the vm_config came from (owns its strings) */
    bool has_json;
    char **strings; /* copies of the strings cfg points to */
    unsigned nstrings, cap_strings;
    FILE *log_file; /* config.log_file, opened here */
    struct lib_console con;
    rvisor_output_fn out;
    rvisor_input_fn in;
    void *opaque;
    uint64_t limit;
    _Atomic uint64_t console_bytes, console_dropped;
    uint64_t max_insns, timeout_ns, run_ns;
    enum rvisor_exit_kind host_end; /* why the library ended it (source HOST) */
    atomic_bool pause;
    bool display; /* config.display: the host shows its window */
    /* on a host: */
    struct rvisor_host *host;
    unsigned host_index;
    struct hv_vm_params params;
};

/*
 * A VM from v->cfg (filled in, strings owned by v): the console as asked (path, append
 * for FILE and SOCKET), switches (NULL: none) for switch network back ends. On failure
 * the VM is destroyed and err says why.
 */
int lib_vm_build(struct rvisor_vm *v, enum rvisor_console console, const char *path,
                 bool append, struct netswitch_registry *switches, rvisor_vm **out, char *err,
                 size_t errlen);
/* Destroy a VM, whether or not a host owns it. */
void lib_vm_free(rvisor_vm *v);
/* A new rvisor_vm with the callbacks and limits of o (NULL: defaults). */
struct rvisor_vm *lib_vm_alloc(const struct rvisor_config *o);
/* Fill v->cfg from a public config (strings copied into v). 0, or -1 and a message. */
int lib_vm_translate(struct rvisor_vm *v, const struct rvisor_config *c, char *err,
                     size_t errlen);
/* Keep a copy of s for as long as v (NULL in, NULL out; sets *oom on failure). */
const char *lib_keep(struct rvisor_vm *v, const char *s, bool *oom);
void lib_err(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* console.c */
int lib_console_open(struct rvisor_vm *v, enum rvisor_console kind, const char *path,
                     bool append, char *err, size_t errlen);
/* After vm_create: route socket input to the VM. */
void lib_console_attach(struct rvisor_vm *v);
void lib_console_close(struct rvisor_vm *v);
/* Input for the caller-driven runner: the terminal or console_in. */
size_t lib_console_pull(void *opaque, uint8_t *buf, size_t max);

/* config.c: is c usable (set up by rvisor_config_init, values in range)? */
bool lib_config_ok(const struct rvisor_config *c, char *err, size_t errlen);

/* A host runs its VMs: the caller-driven functions refuse them. */
static inline bool lib_on_host(const struct rvisor_vm *v)
{
    return v->host != NULL;
}

/* host.c: how a host's VM ended, and its controls. */
void lib_host_vm_exit(const rvisor_vm *v, struct vm_exit *ex);
int lib_host_vm_info(const rvisor_vm *v, struct hv_vm_info *info);
int lib_host_vm_pause(rvisor_vm *v, char *err, size_t errlen);
int lib_host_vm_resume(rvisor_vm *v, char *err, size_t errlen);
int lib_host_vm_stop(rvisor_vm *v, char *err, size_t errlen);
bool lib_host_running(const rvisor_vm *v);
int lib_host_vm_set_share(rvisor_vm *v, unsigned weight, unsigned cap, char *err,
                          size_t errlen);
int lib_host_vm_set_quota(rvisor_vm *v, uint64_t quota, uint64_t soft_quota, char *err,
                          size_t errlen);
uint64_t lib_host_vm_steal_ns(const rvisor_vm *v);

#endif
