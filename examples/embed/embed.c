/*
 * Embedding librvisor: run many short bare-metal guests in one process, on several
 * threads, through the public API only (include/rvisor.h).
 *
 *   embed [GUESTS] [THREADS]      (default 100 guests on 2 threads)
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

/* One guest: 0 when it behaved. */
static int run_guest(const char *image, uint64_t value)
{
    struct rvisor_config cfg;
    struct out out = {{0}, 0};
    char err[256];
    rvisor_vm *vm;

    rvisor_config_init(&cfg);
    cfg.bios = "none";
    cfg.kernel = image;
    cfg.ram_size = 16u << 20;
    cfg.deterministic = true;
    cfg.console_out = on_output;
    cfg.console_opaque = &out;
    cfg.max_insns = 100000;
    if (rvisor_vm_create(&cfg, &vm, err, sizeof(err)) < 0) {
        fprintf(stderr, "embed: %s\n", err);
        return -1;
    }
    uint64_t base = rvisor_vm_ram_base(vm), result = 0;
    struct rvisor_exit ex;
    int rc = rvisor_vm_write_mem(vm, base + 0x1000, &value, sizeof(value));
    if (rc == 0 && rvisor_vm_run(vm, 0, 5000000000ull) != RVISOR_STOP_EXIT)
        rc = -1;
    rvisor_vm_exit(vm, &ex);
    if (rc == 0)
        rc = rvisor_vm_read_mem(vm, base + 0x1008, &result, sizeof(result));
    if (rc == 0 && (ex.kind != RVISOR_EXIT_POWEROFF || result != value + 1 ||
                    strcmp(out.text, "ok\n") != 0)) {
        fprintf(stderr, "embed: guest %" PRIu64 ": %s, result %" PRIu64 ", output '%s'\n",
                value, rvisor_exit_kind_name(ex.kind), result, out.text);
        rc = -1;
    }
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
    unsigned guests = argc > 1 ? (unsigned)atoi(argv[1]) : 100;
    unsigned threads = argc > 2 ? (unsigned)atoi(argv[2]) : 2;
    char image[256];
    uint32_t code[32];
    if (guests < 1 || threads < 1 || threads > 64) {
        fprintf(stderr, "usage: embed [GUESTS] [THREADS (1-64)]\n");
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
