/*
 * rvisor command line: parses QEMU-style options into a vm_config, runs the VM and turns
 * the way it ended into the process exit status. Nothing else lives here.
 *
 * Exit status: the guest's code (0 on poweroff / test pass), 2 for bad usage or input,
 * 124 when --max-insns ran out, 125 when the guest can never run again (every hart waits
 * for an interrupt no device can send).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/console.h"
#include "hv/vm.h"

#define EXIT_USAGE 2
#define EXIT_INSN_LIMIT 124
#define EXIT_HUNG 125
#define MAX_RAM (1ull << 40)
#define MIN_RAM (1ull << 20)

static void usage(FILE *f)
{
    fputs("usage: rvisor [options] -kernel FILE\n"
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
          "  -serial mon:stdio|stdio  the UART on this terminal (the default)\n"
          "  --max-insns N          stop after N instructions (exit status 124)\n"
          "  --deterministic        guest time follows executed instructions\n"
          "  -no-reboot             exit when the guest reboots (status 0)\n"
          "  --trace                print each executed instruction on stderr\n"
          "  -h, --help             this text\n"
          "  --version              print the version\n",
          f);
}

static int bad(const char *fmt, const char *arg)
{
    fputs("rvisor: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (try --help)\n", stderr);
    return -1;
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

struct cli {
    struct vm_config cfg;
    const char *dump_dtb;
    bool raw_signals; /* -serial stdio: Ctrl-C stops rvisor, no Ctrl-A commands */
    bool help, version;
};

/* Returns the option's argument, or NULL (and an error) when it is missing. */
static const char *opt_arg(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        bad("option %s needs an argument", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

static int parse_args(int argc, char **argv, struct cli *c)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *a;
        uint64_t n;
        if (!strcmp(o, "-h") || !strcmp(o, "--help") || !strcmp(o, "-help")) {
            c->help = true;
        } else if (!strcmp(o, "--version") || !strcmp(o, "-version")) {
            c->version = true;
        } else if (!strcmp(o, "-M") || !strcmp(o, "-machine")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (strcmp(a, "virt") != 0 && strncmp(a, "virt,", 5) != 0)
                return bad("unknown machine '%s' (only 'virt')", a);
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
                return bad("invalid RAM size '%s'", a);
            if (n < MIN_RAM || n > MAX_RAM)
                return bad("RAM size '%s' is out of range (1 MiB to 1 TiB)", a);
            c->cfg.ram_size = (n + 4095) & ~4095ull;
        } else if (!strcmp(o, "-smp")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (parse_u64(a, &n) < 0 || n < 1 || n > VM_MAX_HARTS)
                return bad("invalid -smp '%s' (1 to 32)", a);
            c->cfg.nharts = (unsigned)n;
        } else if (!strcmp(o, "-nographic") || !strcmp(o, "--nographic")) {
            /* the console already is the terminal; there is no display yet */
        } else if (!strcmp(o, "-serial")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (strcmp(a, "mon:stdio") != 0 && strcmp(a, "stdio") != 0)
                return bad("unsupported -serial '%s' (mon:stdio or stdio)", a);
            c->raw_signals = strcmp(a, "stdio") == 0;
        } else if (!strcmp(o, "--max-insns")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (parse_u64(a, &n) < 0 || n == 0)
                return bad("invalid --max-insns '%s'", a);
            c->cfg.max_insns = n;
        } else if (!strcmp(o, "-no-reboot") || !strcmp(o, "--no-reboot")) {
            c->cfg.no_reboot = true;
        } else if (!strcmp(o, "--deterministic")) {
            c->cfg.deterministic = true;
        } else if (!strcmp(o, "--trace")) {
            c->cfg.trace = stderr;
        } else {
            return bad("unknown option '%s'", o);
        }
    }
    return 0;
}

static int dump_dtb(struct vm *vm, const char *path)
{
    size_t size;
    const void *dtb = vm_dtb(vm, &size);
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

static int exit_status(const struct vm_exit *ex)
{
    switch (ex->kind) {
    case VM_EXIT_POWEROFF:
    case VM_EXIT_QUIT: return 0;
    case VM_EXIT_FAIL:
        if (ex->code == 0)
            return 1;
        return (ex->code & 0xff) ? (int)(ex->code & 0xff) : 1;
    case VM_EXIT_MAX_INSNS:
        fprintf(stderr, "rvisor: instruction limit reached after %llu instructions\n",
                (unsigned long long)ex->insns);
        return EXIT_INSN_LIMIT;
    case VM_EXIT_RESET: return 0; /* -no-reboot */
    default: return EXIT_HUNG;
    }
}

int main(int argc, char **argv)
{
    struct cli c = {.cfg = {.name = "vm0", .nharts = 1}};
    struct vm *vm;
    struct vm_exit ex;
    char err[512];

    if (parse_args(argc, argv, &c) < 0)
        return EXIT_USAGE;
    if (c.help) {
        usage(stdout);
        return 0;
    }
    if (c.version) {
        printf("rvisor 0.1.0\n");
        return 0;
    }
    if (!c.cfg.kernel && !c.dump_dtb &&
        (!c.cfg.bios || !strcmp(c.cfg.bios, "none"))) {
        fprintf(stderr, "rvisor: no kernel given: use -kernel FILE (try --help)\n");
        return EXIT_USAGE;
    }
    c.cfg.dtb_only = c.dump_dtb != NULL;
    if (!c.dump_dtb) {
        int flags = c.raw_signals ? CONSOLE_SIGNALS | CONSOLE_NO_ESCAPE : 0;
        c.cfg.input = console_open(flags, err, sizeof(err));
        if (!c.cfg.input) {
            fprintf(stderr, "rvisor: console: %s\n", err);
            return EXIT_USAGE;
        }
        c.cfg.console = console_chardev(c.cfg.input);
    }
    if (vm_create(&c.cfg, &vm, err, sizeof(err)) < 0) {
        console_close(c.cfg.input);
        fprintf(stderr, "rvisor: %s\n", err);
        return EXIT_USAGE;
    }
    if (c.dump_dtb) {
        int rc = dump_dtb(vm, c.dump_dtb);
        vm_destroy(vm);
        return rc;
    }
    vm_run(vm, &ex);
    vm_destroy(vm);
    console_close(c.cfg.input);
    return exit_status(&ex);
}
