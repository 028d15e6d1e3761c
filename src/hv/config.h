/*
 * The --config file: several VMs in one process described in JSON (docs/config.md).
 *
 *   {"threads": 2, "monitor": "/tmp/rv.sock",
 *    "vms": [{"name": "a", "memory": "128M", "harts": 2, "kernel": "Image",
 *             "console": {"file": "a.log"}, "weight": 512, "quota": "96M"}, ...]}
 *
 * hv_config_load() reads and checks the whole file before anything is built: every
 * error is one line that starts with "FILE:LINE:COL: " and names the offending key or
 * value (JSON syntax errors come from jansson; for a value that parses but is wrong,
 * config.c finds its line and column itself, see there). Keys are the control API's
 * names (weight, cap, quota, soft-quota), hyphenated as QMP spells them.
 *
 * The result is ready for vm_create() and hv_add_vm(): one filled vm_config and
 * hv_vm_params per VM, plus how its console is connected. Relative paths in the file are
 * made relative to the file's directory. Every string the result points to is owned by
 * the hv_config, and vm_create() keeps those pointers: free it only after every VM built
 * from it has been destroyed.
 */
#ifndef RVISOR_HV_CONFIG_H
#define RVISOR_HV_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "hv/hv.h"
#include "hv/vm.h"

#define HV_CONFIG_MAX_VMS   64
#define HV_CONFIG_MAX_BYTES (4u << 20) /* a config file larger than this is refused */
#define HV_CONFIG_NAME_MAX  32         /* longest VM name */

/* Where a VM's UART goes. */
enum hv_console_kind {
    HV_CONSOLE_NONE = 0, /* output dropped, no input */
    HV_CONSOLE_STDIO,    /* this terminal (console_open), at most one VM */
    HV_CONSOLE_FILE,     /* output written to path (chardev_file), no input */
    HV_CONSOLE_SOCKET,   /* a Unix socket at path, both ways (chardev_socket) */
};

struct hv_console_spec {
    enum hv_console_kind kind;
    const char *path; /* FILE, SOCKET */
    bool append;      /* FILE: append instead of truncating */
};

struct hv_config_vm {
    struct vm_config cfg;       /* everything but console/input (main.c opens those) */
    struct hv_vm_params params; /* weight (always set), cap, quota, soft_quota */
    struct hv_console_spec console;
};

struct hv_config {
    unsigned threads;        /* 0: not given (the hv's default) */
    bool deterministic;      /* also copied into every vms[i].cfg.deterministic */
    const char *monitor;     /* QMP socket path, or NULL */
    const char *trace_sched; /* Chrome trace file, or NULL */
    struct hv_config_vm *vms;
    unsigned nvms;
    /* private: the strings the above point to */
    char **strings;
    unsigned nstrings, cap_strings;
};

/*
 * Read and check the config file at path. 0, or -1 with one line in err ("FILE:LINE:COL:
 * what is wrong"; "FILE: cannot read: ..." when there is no file to point into). On
 * failure *out holds nothing that needs freeing (hv_config_free is still allowed).
 */
int hv_config_load(const char *path, struct hv_config *out, char *err, size_t errlen);

/*
 * The same from text in memory: name is used in messages, dir ("" or ending in '/')
 * is put in front of relative paths. For tests and for an embedder.
 */
int hv_config_parse(const char *text, size_t len, const char *name, const char *dir,
                    struct hv_config *out, char *err, size_t errlen);

void hv_config_free(struct hv_config *c);

/* "1G", "512M", "64K", "4096" (bytes), "128MiB" -> bytes. 0 or -1. */
int hv_config_parse_size(const char *s, uint64_t *out);

const char *hv_console_kind_name(enum hv_console_kind k); /* "none", "stdio", ... */

#endif
