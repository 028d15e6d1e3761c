/*
 * Embedding librvisor: run many short bare-metal guests in one process, on several
 * threads, through the public API only (include/rvisor.h).
 *
 *   embed [GUESTS] [THREADS]         (default 100 guests on 2 threads)
 *   embed --host [GUESTS] [THREADS]  the same guests, all at once on one rvisor_host
 *                                    whose THREADS worker threads share their harts
 *
 * The guest is 16 instructions assembled here (no cross compiler needed) into a raw
 * binary loaded at 0x80000000 in M-mode (bios "none"): it reads the 64-bit number the
 * host wrote at 0x80001000, stores it plus one at 0x80001008, prints "ok" on the UART
 * and powers off through the test finisher. The host checks the console, the exit and
 * the number, and prints the guests per second. Exit status 0 when every guest passed.
 */
#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <inttypes.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rvisor.h>

/* RV64I encodings (The RISC-V Instruction Set Manual, volume I, chapter 2). */
static uint32_t u_type(uint32_t op, unsigned rd, uint32_t imm20)
{
    return (imm20 << 12) | (rd << 7) | op;
}
static uint32_t i_type(uint32_t op, unsigned f3, unsigned rd, unsigned rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
static uint32_t s_type(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm & 0xfff;
    return (u >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | 0x23;
}

enum { T0 = 5, T1 = 6, T2 = 7, T3 = 28 };

static size_t assemble(uint32_t *p)
{
    size_t n = 0;
    p[n++] = u_type(0x17, T0, 1);                   /* auipc t0, 1: 0x80001000 */
    p[n++] = i_type(0x03, 3, T1, T0, 0);            /* ld t1, 0(t0) */
    p[n++] = i_type(0x13, 0, T1, T1, 1);            /* addi t1, t1, 1 */
    p[n++] = s_type(3, T0, T1, 8);                  /* sd t1, 8(t0) */
    p[n++] = u_type(0x37, T2, 0x10000);             /* lui t2, 0x10000: the UART */
    const char *msg = "ok\n";
    for (const char *c = msg; *c; c++) {
        p[n++] = i_type(0x13, 0, T3, 0, *c);        /* li t3, c */
        p[n++] = s_type(0, T2, T3, 0);              /* sb t3, 0(t2) */
    }
    p[n++] = u_type(0x37, T2, 0x100);               /* lui t2, 0x100: the finisher */
    p[n++] = u_type(0x37, T3, 5);                   /* lui t3, 5 */
    p[n++] = i_type(0x13, 0, T3, T3, 0x555);        /* addi t3, t3, 0x555: 0x5555 */
    p[n++] = s_type(2, T2, T3, 0);                  /* sw t3, 0(t2): pass */
    p[n++] = 0x0000006f;                            /* j . */
    return n;
}

struct out {
    char text[64];
    size_t len;
};

static void on_output(void *opaque, const uint8_t *buf, size_t len)
{
    struct out *o = opaque;
    for (size_t i = 0; i < len && o->len + 1 < sizeof(o->text); i++)
        o->text[o->len++] = (char)buf[i];
    o->text[o->len] = 0;
}

struct worker {
    const char *image;
    unsigned first, count;
    unsigned failed;
};

static void guest_config(struct rvisor_config *cfg, const char *image, struct out *out)
{
    rvisor_config_init(cfg);
    cfg->bios = "none";
    cfg->kernel = image;
    cfg->ram_size = 16u << 20;
    cfg->deterministic = true;
    cfg->console_out = on_output;
    cfg->console_opaque = out;
    cfg->max_insns = 100000;
}

/* Did the guest that was given value behave? 0 if so. */
static int check_guest(rvisor_vm *vm, uint64_t value, const struct out *out)
{
    uint64_t result = 0;
    struct rvisor_exit ex;
    rvisor_vm_exit(vm, &ex);
    if (rvisor_vm_read_mem(vm, rvisor_vm_ram_base(vm) + 0x1008, &result, sizeof(result)) < 0 ||
        ex.kind != RVISOR_EXIT_POWEROFF || result != value + 1 || strcmp(out->text, "ok\n")) {
        fprintf(stderr, "embed: guest %" PRIu64 ": %s, result %" PRIu64 ", output '%s'\n",
                value, rvisor_exit_kind_name(ex.kind), result, out->text);
        return -1;
    }
    return 0;
}

/* --host: every guest on one host; the number that failed, or -1. */
static int run_host(const char *image, unsigned guests, unsigned threads)
{
    struct rvisor_host_config hc;
    rvisor_host *host;
    char err[256];
    struct out *outs = calloc(guests, sizeof(*outs));
    int failed = 0;
    rvisor_host_config_init(&hc);
    hc.threads = threads;
    if (!outs || rvisor_host_create(&hc, &host, err, sizeof(err)) < 0) {
        fprintf(stderr, "embed: %s\n", outs ? err : "out of memory");
        free(outs);
        return -1;
    }
    for (unsigned i = 0; i < guests; i++) {
        struct rvisor_config cfg;
        char name[32];
        rvisor_vm *vm;
        uint64_t value = i;
        guest_config(&cfg, image, &outs[i]);
        snprintf(name, sizeof(name), "guest%u", i);
        cfg.name = name;
        if (rvisor_host_add_vm(host, &cfg, &vm, err, sizeof(err)) < 0 ||
            rvisor_vm_write_mem(vm, rvisor_vm_ram_base(vm) + 0x1000, &value, 8) < 0) {
            fprintf(stderr, "embed: %s\n", err);
            rvisor_host_destroy(host);
            free(outs);
            return -1;
        }
    }
    if (rvisor_host_run(host, err, sizeof(err)) < 0) {
        fprintf(stderr, "embed: %s\n", err);
        failed = -1;
    }
    for (unsigned i = 0; i < guests && failed >= 0; i++)
        failed += check_guest(rvisor_host_vm(host, i), i, &outs[i]) < 0;
    rvisor_host_destroy(host);
    free(outs);
    return failed;
}

/* One guest on this thread: 0 when it behaved. */
static int run_guest(const char *image, uint64_t value)
{
    struct rvisor_config cfg;
    struct out out = {{0}, 0};
    char err[256];
    rvisor_vm *vm;

    guest_config(&cfg, image, &out);
    if (rvisor_vm_create(&cfg, &vm, err, sizeof(err)) < 0) {
        fprintf(stderr, "embed: %s\n", err);
        return -1;
    }
    int rc = rvisor_vm_write_mem(vm, rvisor_vm_ram_base(vm) + 0x1000, &value, sizeof(value));
    if (rc == 0 && rvisor_vm_run(vm, 0, 5000000000ull) != RVISOR_STOP_EXIT)
        rc = -1;
    if (rc == 0)
        rc = check_guest(vm, value, &out);
    rvisor_vm_destroy(vm);
    return rc;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (unsigned i = 0; i < w->count; i++)
        if (run_guest(w->image, w->first + i) < 0)
            w->failed++;
    return NULL;
}

int main(int argc, char **argv)
{
    bool host = argc > 1 && !strcmp(argv[1], "--host");
    if (host) {
        argc--;
        argv++;
    }
    unsigned guests = argc > 1 ? (unsigned)atoi(argv[1]) : 100;
    unsigned threads = argc > 2 ? (unsigned)atoi(argv[2]) : 2;
    char image[256];
    uint32_t code[32];
    if (guests < 1 || guests > 10000 || threads < 1 || threads > 64) {
        fprintf(stderr, "usage: embed [--host] [GUESTS (1-10000)] [THREADS (1-64)]\n");
        return 2;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(image, sizeof(image), "%s/rvisor-embed-%ld.bin", tmp && *tmp ? tmp : "/tmp",
             (long)getpid());
    size_t n = assemble(code);
    FILE *f = fopen(image, "wb");
    if (!f || fwrite(code, sizeof(code[0]), n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "embed: cannot write %s\n", image);
        return 2;
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (host) {
        int failed = run_host(image, guests, threads);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        unlink(image);
        if (failed < 0)
            return 1;
        printf("embed: %u guests on one host of %u threads with librvisor %s: %d failed, "
               "%.3f s, %.0f guests/s\n", guests, threads, rvisor_version(), failed, s,
               guests / s);
        return failed ? 1 : 0;
    }
    pthread_t tid[64];
    struct worker w[64];
    unsigned started = 0, failed = 0, first = 0;
    for (unsigned i = 0; i < threads; i++) {
        w[i] = (struct worker){image, first, guests / threads + (i < guests % threads), 0};
        first += w[i].count;
        if (pthread_create(&tid[i], NULL, worker_main, &w[i]) == 0)
            started++;
        else
            worker_main(&w[i]);
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    for (unsigned i = 0; i < threads; i++)
        failed += w[i].failed;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    unlink(image);
    printf("embed: %u guests on %u threads with librvisor %s: %u failed, %.3f s, "
           "%.0f guests/s\n", guests, threads, rvisor_version(), failed, s, guests / s);
    return failed ? 1 : 0;
}
