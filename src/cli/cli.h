/*
 * The rvisor command line (src/main.c, src/cli/): what the options describe, gathered
 * into the public struct rvisor_config and struct rvisor_host_config (include/rvisor.h).
 */
#ifndef RVISOR_CLI_CLI_H
#define RVISOR_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "rvisor.h"

#define EXIT_USAGE 2
#define MAX_HARTS 32
#define MAX_DEVICES 8 /* virtio-mmio slots of the virt board */
#define MAX_THREADS 64
#define MAX_RAM (1ull << 40)
#define MIN_RAM (1ull << 20)

#define CLI_MAX_DRIVES 16
#define CLI_MAX_KV 16
#define CLI_ID_MAX 32

/* One -drive option. */
struct cli_drive {
    char *id;
    struct rvisor_device dev;
    bool used;
};

/* One -netdev option: checked when parsed, given to the -device that names it. */
struct cli_netdev {
    char id[CLI_ID_MAX];
    const char *arg;
    bool used;
};

struct cli {
    struct rvisor_config cfg;
    struct rvisor_device devices[MAX_DEVICES]; /* in command-line order */
    struct cli_netdev netdevs[MAX_DEVICES];
    unsigned nnetdevs;
    struct cli_drive drives[CLI_MAX_DRIVES];
    unsigned ndrives;
    char *strings[2 * CLI_MAX_DRIVES + MAX_DEVICES + 8]; /* copies of option values */
    unsigned nstrings;
    const char *dump_dtb;
    bool help, version, log_help;
    const char *config;    /* --config */
    bool vm_options;       /* an option that describes the one command-line VM */
    struct rvisor_host_config host;
};

/* Print "rvisor: " fmt (with arg) " (try --help)" on stderr; returns -1. */
int cli_bad(const char *fmt, const char *arg);

/* devices.c: -drive, -device, -netdev, -nic and -global (0, or -1 after a message). */
int cli_parse_drive(struct cli *c, const char *arg);
int cli_parse_device(struct cli *c, const char *arg);
int cli_parse_netdev(struct cli *c, const char *arg);
int cli_parse_nic(struct cli *c, const char *arg);
int cli_parse_global(struct cli *c, const char *arg);
/* After all options: every if=none drive must belong to a device. */
int cli_check_drives(const struct cli *c);

#endif
