/*
 * rvisor command line: parses QEMU-style options (the device options in cli/devices.c)
 * into a struct rvisor_config, or takes a --config file of several VMs, and runs them on
 * a librvisor host (include/rvisor.h): this program is a client of the public API like
 * any other. `rvisor ctl ...` is the monitor client (ctl/ctl.c), `rvisor grade JOB.json`
 * the autograder (grade/grade.h).
 *
 * Exit status: rvisor_exit_status() of the VM's end (0 on poweroff / test pass, the
 * guest's code on failure, 123 fault, 124 --max-insns ran out, 125 when the guest can
 * never run again, 126 --timeout), 2 for bad usage or input. With --config: the first
 * nonzero status of the VMs in file order.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvisor.h"

#include "cli/cli.h"
#include "ctl/ctl.h"
#include "grade/grade.h"

static void usage(FILE *f)
{
    fputs("usage: rvisor [options] -kernel FILE\n"
          "       rvisor --config VMS.json [--threads N] [--monitor PATH] [--trace-sched F]\n"
          "       rvisor ctl SOCKET COMMAND [KEY=VALUE...]   (the monitor client)\n"
          "       rvisor grade JOB.json [--results F] [--json F]   (the autograder)\n"
          "  -M, -machine virt      the board (only 'virt')\n"
          "  -bios builtin|none|default|FILE\n"
          "                         firmware: rvisor's SBI (the default), none (the kernel\n"
          "                         runs in M-mode), Debian's OpenSBI, or a file\n"
          "  -kernel FILE           kernel: ELF, RISC-V Linux Image, or raw *.bin\n"
          "  -initrd FILE           initial RAM disk for Linux\n"
          "  -append STRING         kernel command line\n"
          "  -dtb FILE              use this device tree instead of the generated one\n"
          "  --dump-dtb FILE        write the generated device tree to FILE and exit\n"
          "  -m SIZE                guest RAM (e.g. 64M, 2G; a plain number is MiB)\n"
          "  -smp N                 number of harts (default 1)\n"
          "  -nographic             no display; the console is this terminal\n"
          "                         (Ctrl-A x quits, Ctrl-A h lists the keys)\n"
          "  -display sdl|none      a window showing the framebuffer, with a virtio keyboard\n"
          "                         and tablet (needs SDL2); none: no window (the default)\n"
          "  -fb WIDTHxHEIGHT       a simple-framebuffer (x8r8g8b8; default 1024x768 when\n"
          "                         -display sdl or --screenshot asks for one)\n"
          "  --screenshot FILE.png  write the framebuffer as a PNG when the run ends...\n"
          "  --screenshot-after S   ...or after S seconds of guest time (the run goes on)\n"
          "  -serial mon:stdio|stdio  the UART on this terminal (the default)\n"
          "  -drive file=F,format=raw,if=virtio|none[,id=ID][,readonly=on]\n"
          "         [,cache=writeback|writethrough|unsafe]\n"
          "                         a raw disk image (if=none: attach with -device)\n"
          "  -device virtio-blk-device,drive=ID[,bus=virtio-mmio-bus.N][,serial=S]\n"
          "  -device virtio-rng-device[,bus=virtio-mmio-bus.N]\n"
          "  -netdev user,id=ID[,hostfwd=[tcp|udp]:[ADDR]:PORT-[ADDR]:PORT]...[,restrict=on]\n"
          "                         user-mode network (NAT, DHCP 10.0.2.15, DNS 10.0.2.3)\n"
          "  -netdev tap,id=ID,ifname=NAME   a Linux TAP interface\n"
          "  -device virtio-net-device,netdev=ID[,mac=MAC][,bus=virtio-mmio-bus.N]\n"
          "  -nic user[,hostfwd=...][,mac=MAC]   back end and NIC in one\n"
          "  -global virtio-mmio.force-legacy=false|true\n"
          "                         virtio-mmio version 2 (rvisor's default) or 1 (QEMU's)\n"
          "  --max-insns N          stop after N instructions (exit status 124)\n"
          "  --timeout SECONDS      stop after this much host time (exit status 126)\n"
          "  --deterministic        guest time follows executed instructions (one thread)\n"
          "  --config FILE          run the VMs described in FILE (docs/config.md)\n"
          "  --threads N            host worker threads for the harts (default: as many as\n"
          "                         harts, at most the host's CPUs)\n"
          "  --monitor PATH         QMP control socket at PATH (docs/monitor.md)\n"
          "  --trace-sched FILE     scheduler decisions as Chrome trace-event JSON\n"
          "  -no-reboot             exit when the guest reboots (status 0)\n"
          "  --trace                print each executed instruction on stderr\n"
          "  -d ITEM[,ITEM...]      log events: int, mmu, sbi, unimp, guest_errors\n"
          "                         (-d help describes them)\n"
          "  -D FILE                write the -d log to FILE instead of stderr\n"
          "  -gdb tcp:[HOST]:PORT   GDB stub on HOST (default 127.0.0.1) and PORT\n"
          "  -s                     the same as -gdb tcp::1234\n"
          "  -S                     do not start the harts until the debugger continues\n"
          "  -h, --help             this text\n"
          "  --version              print the version\n",
          f);
}

/* A size with an optional K/M/G/T suffix (bytes); a bare number is MiB, as in QEMU. */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    unsigned shift = 20;
    switch (*end) {
    case 0: break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    case 'b': case 'B': shift = 0; end++; break;
    default: return -1;
    }
    if (*end == 'i' || *end == 'B')
        end++;
    if (*end || (v >> (64 - shift)) != 0)
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* Returns the option's argument, or NULL (and an error) when it is missing. */
static const char *opt_arg(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        cli_bad("option %s needs an argument", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

/* ---- -display, -fb, --screenshot ---- */

static int parse_graphics(struct cli *c, const char *o, const char *a)
{
    char *end;
    if (!strcmp(o, "-display")) {
        if (strcmp(a, "sdl") != 0 && strcmp(a, "none") != 0)
            return cli_bad("unsupported -display '%s' (sdl or none)", a);
        c->cfg.display = strcmp(a, "sdl") == 0;
    } else if (!strcmp(o, "-fb")) {
        unsigned long w, h;
        errno = 0;
        w = strtoul(a, &end, 10);
        if (end == a || (*end != 'x' && *end != 'X') || !(end[1] >= '0' && end[1] <= '9'))
            return cli_bad("invalid -fb '%s' (WIDTHxHEIGHT, e.g. 1024x768)", a);
        h = strtoul(end + 1, &end, 10);
        if (*end || errno || w > 65535 || h > 65535)
            return cli_bad("invalid -fb '%s' (WIDTHxHEIGHT, e.g. 1024x768)", a);
        c->cfg.fb_width = (unsigned)w;
        c->cfg.fb_height = (unsigned)h;
    } else if (!strcmp(o, "--screenshot")) {
        if (!*a)
            return cli_bad("--screenshot needs a file name%s", "");
        c->cfg.screenshot = a;
    } else {
        double sec = strtod(a, &end);
        if (end == a || *end || !(sec > 0 && sec <= 1e6))
            return cli_bad("invalid --screenshot-after '%s' (seconds, more than 0)", a);
        c->cfg.screenshot_after_ns = (uint64_t)(sec * 1e9);
    }
    return 0;
}

/* After all options: a window or a screenshot needs a framebuffer (librvisor adds it). */
static int finish_graphics(struct cli *c)
{
    if (c->cfg.screenshot_after_ns && !c->cfg.screenshot)
        return cli_bad("--screenshot-after needs --screenshot FILE.png%s", "");
    if (c->cfg.display && !rvisor_have_display())
        return cli_bad("-display sdl: this rvisor was built without SDL2 (install libsdl2-dev "
                   "and rebuild)%s", "");
    return 0;
}

static void cli_free(struct cli *c)
{
    for (unsigned i = 0; i < c->nstrings; i++)
        free(c->strings[i]);
}

static int parse_args(int argc, char **argv, struct cli *c)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *a;
        uint64_t n;
        static const char *const global[] = {"--config", "--threads", "--monitor",
                                             "--trace-sched", "--deterministic", NULL};
        bool is_global = false;
        for (unsigned g = 0; global[g]; g++)
            is_global |= !strcmp(o, global[g]);
        if (!is_global)
            c->vm_options = true;
        if (!strcmp(o, "-h") || !strcmp(o, "--help") || !strcmp(o, "-help")) {
            c->help = true;
        } else if (!strcmp(o, "--version") || !strcmp(o, "-version")) {
            c->version = true;
        } else if (!strcmp(o, "-M") || !strcmp(o, "-machine")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (strcmp(a, "virt") != 0 && strncmp(a, "virt,", 5) != 0)
                return cli_bad("unknown machine '%s' (only 'virt')", a);
        } else if (!strcmp(o, "-bios")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            c->cfg.bios = strcmp(a, "builtin") == 0 ? NULL : a;
        } else if (!strcmp(o, "-kernel")) {
            if (!(c->cfg.kernel = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "-initrd")) {
            if (!(c->cfg.initrd = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "-append")) {
            if (!(c->cfg.append = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "-dtb")) {
            if (!(c->cfg.dtb = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "--dump-dtb") || !strcmp(o, "-dump-dtb")) {
            if (!(c->dump_dtb = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "-m")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (!strncmp(a, "size=", 5))
                a += 5;
            if (parse_size(a, &n) < 0)
                return cli_bad("invalid RAM size '%s'", a);
            if (n < MIN_RAM || n > MAX_RAM)
                return cli_bad("RAM size '%s' is out of range (1 MiB to 1 TiB)", a);
            c->cfg.ram_size = (n + 4095) & ~4095ull;
        } else if (!strcmp(o, "-smp")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (parse_u64(a, &n) < 0 || n < 1 || n > MAX_HARTS)
                return cli_bad("invalid -smp '%s' (1 to 32)", a);
            c->cfg.harts = (unsigned)n;
        } else if (!strcmp(o, "-display") || !strcmp(o, "-fb") || !strcmp(o, "--screenshot") ||
                   !strcmp(o, "--screenshot-after")) {
            if (!(a = opt_arg(argc, argv, &i)) || parse_graphics(c, o, a) < 0)
                return -1;
        } else if (!strcmp(o, "-nographic") || !strcmp(o, "--nographic")) {
            c->cfg.display = false; /* the console already is the terminal */
        } else if (!strcmp(o, "-serial")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (strcmp(a, "mon:stdio") != 0 && strcmp(a, "stdio") != 0)
                return cli_bad("unsupported -serial '%s' (mon:stdio or stdio)", a);
            c->cfg.console = strcmp(a, "stdio") == 0 ? RVISOR_CONSOLE_STDIO_SIGNALS
                                                       : RVISOR_CONSOLE_STDIO;
        } else if (!strcmp(o, "--max-insns")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (parse_u64(a, &n) < 0 || n == 0)
                return cli_bad("invalid --max-insns '%s'", a);
            c->cfg.max_insns = n;
        } else if (!strcmp(o, "--timeout")) {
            char *end;
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            double sec = strtod(a, &end);
            if (end == a || *end || !(sec > 0 && sec <= 1e9))
                return cli_bad("invalid --timeout '%s' (seconds, more than 0)", a);
            c->cfg.timeout_ns = (uint64_t)(sec * 1e9);
        } else if (!strcmp(o, "-no-reboot") || !strcmp(o, "--no-reboot")) {
            c->cfg.no_reboot = true;
        } else if (!strcmp(o, "--deterministic")) {
            c->cfg.deterministic = true;
            c->host.deterministic = true;
        } else if (!strcmp(o, "--config")) {
            if (!(c->config = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "--threads")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (parse_u64(a, &n) < 0 || n == 0 || n > MAX_THREADS)
                return cli_bad("invalid --threads '%s' (1 to 64)", a);
            c->host.threads = (unsigned)n;
        } else if (!strcmp(o, "--monitor")) {
            if (!(c->host.monitor = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "--trace-sched")) {
            if (!(c->host.trace_sched = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "--trace")) {
            c->cfg.trace = true;
        } else if (!strcmp(o, "-d")) {
            char msg[128];
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (!strcmp(a, "help") || !strcmp(a, "?"))
                c->log_help = true;
            else if (rvisor_check_log(a, msg, sizeof(msg)) < 0)
                return cli_bad("%s", msg);
            else
                c->cfg.log = a;
        } else if (!strcmp(o, "-D")) {
            if (!(c->cfg.log_file = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "-gdb")) {
            if (!(c->cfg.gdb = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "-s")) {
            c->cfg.gdb = "tcp::1234";
        } else if (!strcmp(o, "-S")) {
            c->cfg.gdb_wait = true;
        } else if (!strcmp(o, "-drive")) {
            if (!(a = opt_arg(argc, argv, &i)) || cli_parse_drive(c, a) < 0)
                return -1;
        } else if (!strcmp(o, "-device")) {
            if (!(a = opt_arg(argc, argv, &i)) || cli_parse_device(c, a) < 0)
                return -1;
        } else if (!strcmp(o, "-netdev")) {
            if (!(a = opt_arg(argc, argv, &i)) || cli_parse_netdev(c, a) < 0)
                return -1;
        } else if (!strcmp(o, "-nic")) {
            if (!(a = opt_arg(argc, argv, &i)) || cli_parse_nic(c, a) < 0)
                return -1;
        } else if (!strcmp(o, "-global")) {
            if (!(a = opt_arg(argc, argv, &i)) || cli_parse_global(c, a) < 0)
                return -1;
        } else {
            return cli_bad("unknown option '%s'", o);
        }
    }
    if (cli_check_drives(c) < 0)
        return -1;
    return finish_graphics(c);
}

static int dump_dtb(rvisor_vm *vm, const char *path)
{
    size_t size;
    const void *dtb = rvisor_vm_dtb(vm, &size);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(dtb, 1, size, f) != size) {
        fprintf(stderr, "rvisor: cannot write the device tree to '%s': %s\n", path,
                strerror(errno));
        if (f)
            fclose(f);
        return EXIT_USAGE;
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "rvisor: cannot write the device tree to '%s': %s\n", path,
                strerror(errno));
        return EXIT_USAGE;
    }
    return 0;
}

/* How a VM ended, for the summary of a --config run. */
static const char *exit_text(const struct rvisor_exit *ex, char *buf, size_t len)
{
    switch (ex->kind) {
    case RVISOR_EXIT_POWEROFF: return "powered off";
    case RVISOR_EXIT_QUIT: return "quit from the console";
    case RVISOR_EXIT_FAIL: snprintf(buf, len, "failed with code %u", ex->code); return buf;
    case RVISOR_EXIT_INSN_LIMIT: return "instruction limit reached";
    case RVISOR_EXIT_RESET: return "rebooted (no-reboot)";
    case RVISOR_EXIT_HALTED: return "halted (nothing can wake it)";
    case RVISOR_EXIT_STOPPED: return "stopped";
    case RVISOR_EXIT_FAULT: snprintf(buf, len, "%s", ex->message); return buf;
    case RVISOR_EXIT_TIMEOUT: return "time limit reached";
    default: return "?";
    }
}

/* Run the host's VMs; the exit status (the first nonzero one in order). */
static int run_host(rvisor_host *host, bool summary)
{
    char err[512], buf[256];
    int status = 0;
    if (rvisor_host_run(host, err, sizeof(err)) < 0) {
        fprintf(stderr, "rvisor: %s\n", err);
        rvisor_host_destroy(host);
        return EXIT_USAGE;
    }
    for (unsigned i = 0; i < rvisor_host_vm_count(host); i++) {
        rvisor_vm *vm = rvisor_host_vm(host, i);
        struct rvisor_exit ex;
        rvisor_vm_exit(vm, &ex);
        if (summary)
            fprintf(stderr, "rvisor: vm %s: %s after %" PRIu64 " instructions\n",
                    rvisor_vm_name(vm), exit_text(&ex, buf, sizeof(buf)), ex.insns);
        else if (ex.kind == RVISOR_EXIT_INSN_LIMIT)
            fprintf(stderr, "rvisor: instruction limit reached after %" PRIu64
                            " instructions\n", ex.insns);
        else if (ex.kind == RVISOR_EXIT_FAULT || ex.kind == RVISOR_EXIT_TIMEOUT)
            fprintf(stderr, "rvisor: %s\n", ex.message);
        if (!status)
            status = rvisor_exit_status(&ex);
    }
    rvisor_host_destroy(host);
    return status;
}

/* Everything after option parsing; the exit status. */
static int cli_run(struct cli *c)
{
    rvisor_host *host;
    char err[512];

    if (c->help) {
        usage(stdout);
        return 0;
    }
    if (c->version) {
        printf("rvisor %s\n", rvisor_version());
        return 0;
    }
    if (c->log_help) {
        rvisor_log_help(stdout);
        return 0;
    }
    if (c->config) {
        if (c->vm_options) {
            fprintf(stderr, "rvisor: --config describes the VMs: give -kernel and the other "
                            "VM options in the file, not on the command line\n");
            return EXIT_USAGE;
        }
        if (rvisor_host_create_file(c->config, &c->host, &host, err, sizeof(err)) < 0) {
            fprintf(stderr, "rvisor: %s\n", err);
            return EXIT_USAGE;
        }
        return run_host(host, true);
    }
    if (!c->cfg.kernel && !c->dump_dtb && (!c->cfg.bios || !strcmp(c->cfg.bios, "none"))) {
        fprintf(stderr, "rvisor: no kernel given: use -kernel FILE (try --help)\n");
        return EXIT_USAGE;
    }
    c->cfg.devices = c->devices;
    if (c->dump_dtb) {
        rvisor_vm *vm;
        c->cfg.dtb_only = true;
        c->cfg.log_file = NULL;
        if (rvisor_vm_create(&c->cfg, &vm, err, sizeof(err)) < 0) {
            fprintf(stderr, "rvisor: %s\n", err);
            return EXIT_USAGE;
        }
        int rc = dump_dtb(vm, c->dump_dtb);
        rvisor_vm_destroy(vm);
        return rc;
    }
    if (rvisor_host_create(&c->host, &host, err, sizeof(err)) < 0) {
        fprintf(stderr, "rvisor: %s\n", err);
        return EXIT_USAGE;
    }
    if (rvisor_host_add_vm(host, &c->cfg, NULL, err, sizeof(err)) < 0) {
        fprintf(stderr, "rvisor: %s\n", err);
        rvisor_host_destroy(host);
        return EXIT_USAGE;
    }
    return run_host(host, false);
}

int main(int argc, char **argv)
{
    struct cli c;
    memset(&c, 0, sizeof(c));
    rvisor_config_init(&c.cfg);
    c.cfg.console = RVISOR_CONSOLE_STDIO; /* -nographic: the console is this terminal */
    c.cfg.console_limit = UINT64_MAX;
    rvisor_host_config_init(&c.host);
    if (argc >= 2 && !strcmp(argv[1], "ctl"))
        return rvisor_ctl_main(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "grade"))
        return grade_main(argc - 1, argv + 1); /* the autograder (docs/grading.md) */
    int rc = parse_args(argc, argv, &c) < 0 ? EXIT_USAGE : cli_run(&c);
    cli_free(&c);
    return rc;
}
