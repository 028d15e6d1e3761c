/*
 * librvisor hosts (include/rvisor.h): several VMs on worker threads, as the rvisor program
 * runs them. Exits and exit statuses, console callbacks and input from worker threads,
 * instruction and time limits, stop and pause from another thread, --config files (and their
 * errors), a host's VM refused by the caller-driven functions, dtb_only, bad devices.
 */
#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rvisor.h"

#define API_GUESTS_TAG "host"
#include "api_guests.h"

static struct rvisor_config guest(enum prog p)
{
    struct rvisor_config cfg;
    rvisor_config_init(&cfg);
    cfg.bios = "none";
    cfg.kernel = paths[p];
    cfg.ram_size = 8u << 20;
    return cfg;
}

static rvisor_host *host_new(unsigned threads)
{
    struct rvisor_host_config hc;
    rvisor_host *h = NULL;
    char err[256];
    rvisor_host_config_init(&hc);
    hc.threads = threads;
    ck_assert_msg(rvisor_host_create(&hc, &h, err, sizeof(err)) == 0, "host: %s", err);
    return h;
}

static rvisor_vm *add(rvisor_host *h, struct rvisor_config *cfg, const char *name)
{
    rvisor_vm *vm = NULL;
    char err[256];
    cfg->name = name;
    ck_assert_msg(rvisor_host_add_vm(h, cfg, &vm, err, sizeof(err)) == 0, "add %s: %s", name,
                  err);
    return vm;
}

static void run(rvisor_host *h)
{
    char err[256];
    ck_assert_msg(rvisor_host_run(h, err, sizeof(err)) == 0, "run: %s", err);
}

START_TEST(test_exits_and_status)
{
    rvisor_host *h = host_new(2);
    struct rvisor_config a = guest(P_PASS), b = guest(P_FAIL7), c = guest(P_LOOP);
    c.max_insns = 100000;
    c.harts = 2;
    rvisor_vm *va = add(h, &a, "pass"), *vb = add(h, &b, "fail"), *vc = add(h, &c, "spin");
    ck_assert_uint_eq(rvisor_host_vm_count(h), 3);
    ck_assert_ptr_eq(rvisor_host_vm(h, 1), vb);
    ck_assert_ptr_null(rvisor_host_vm(h, 3));
    /* a host's VM is the host's to run */
    ck_assert_int_eq(rvisor_vm_run(va, 0, 0), RVISOR_STOP_ERROR);
    ck_assert_int_eq(rvisor_vm_step(va, 0), -1);
    rvisor_vm_destroy(va); /* ignored: the host owns it */
    run(h);
    struct rvisor_exit ex;
    rvisor_vm_exit(va, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_POWEROFF);
    ck_assert_int_eq(rvisor_exit_status(&ex), 0);
    ck_assert_uint_eq(ex.insns, 5);
    rvisor_vm_exit(vb, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_FAIL);
    ck_assert_uint_eq(ex.code, 7);
    ck_assert_int_eq(rvisor_exit_status(&ex), 7);
    rvisor_vm_exit(vc, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_INSN_LIMIT);
    ck_assert_int_eq(rvisor_exit_status(&ex), RVISOR_STATUS_INSN_LIMIT);
    ck_assert_uint_ge(ex.insns, 100000);
    ck_assert_uint_lt(ex.insns, 100000 + 2 * 16384 + 64); /* at most a slice per hart over */
    ck_assert_str_eq(rvisor_vm_name(vc), "spin");
    /* after the run: registers and memory are the caller's again */
    uint64_t v;
    ck_assert_int_eq(rvisor_vm_get_reg(vc, 0, RVISOR_REG_X(T1), &v), 0);
    ck_assert_uint_gt(v, 1000);
    ck_assert_int_eq(rvisor_host_run(h, NULL, 0), -1); /* a host runs once */
    rvisor_host_destroy(h);
}
END_TEST

struct out {
    pthread_mutex_t lock;
    char buf[64];
    size_t len;
};

static void on_out(void *opaque, const uint8_t *b, size_t n)
{
    struct out *s = opaque;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < n && s->len < sizeof(s->buf) - 1; i++)
        s->buf[s->len++] = (char)b[i];
    pthread_mutex_unlock(&s->lock);
}

/* console_in: hands out its text once. */
struct feed {
    const char *text;
    atomic_size_t pos;
};

static size_t on_in(void *opaque, uint8_t *b, size_t max)
{
    struct feed *f = opaque;
    size_t pos = atomic_load(&f->pos), len = strlen(f->text), n = 0;
    while (pos + n < len && n < max && n < 2) { /* a little at a time */
        b[n] = (uint8_t)f->text[pos + n];
        n++;
    }
    atomic_store(&f->pos, pos + n);
    return n;
}

START_TEST(test_console_callbacks)
{
    static struct out out1 = {.lock = PTHREAD_MUTEX_INITIALIZER},
                      out2 = {.lock = PTHREAD_MUTEX_INITIALIZER},
                      out3 = {.lock = PTHREAD_MUTEX_INITIALIZER};
    rvisor_host *h = host_new(2);
    struct rvisor_config hi = guest(P_HI), echo = guest(P_ECHO), sent = guest(P_ECHO);
    hi.console_out = on_out;
    hi.console_opaque = &out1;
    echo.console_out = on_out;
    echo.console_opaque = &out2;
    sent.console_out = on_out;
    sent.console_opaque = &out3;
    add(h, &hi, "hi");
    rvisor_vm *ve = add(h, &echo, "echo");
    rvisor_vm *vs = add(h, &sent, "sent");
    ck_assert_int_eq(rvisor_vm_console_send(ve, "xyq", 3), 0);
    ck_assert_int_eq(rvisor_vm_console_send(vs, "0123456789012345678901234q", 26), 0);
    run(h);
    ck_assert_str_eq(out1.buf, "hi");
    ck_assert_str_eq(out2.buf, "xyq");
    ck_assert_str_eq(out3.buf, "0123456789012345678901234q"); /* more than the UART FIFO */
    struct rvisor_stats st;
    ck_assert_int_eq(rvisor_vm_stats(ve, &st), 0);
    ck_assert_uint_eq(st.console_bytes, 3);
    rvisor_host_destroy(h);
}
END_TEST

static struct out in_out = {.lock = PTHREAD_MUTEX_INITIALIZER};
static struct feed in_feed = {.text = "hello q"};

static void in_vm_out(void *opaque, const uint8_t *b, size_t n)
{
    (void)opaque;
    on_out(&in_out, b, n);
}

static size_t in_vm_in(void *opaque, uint8_t *b, size_t max)
{
    (void)opaque;
    return on_in(&in_feed, b, max);
}

START_TEST(test_console_in)
{
    rvisor_host *h = host_new(1);
    struct rvisor_config echo = guest(P_ECHO);
    echo.console_out = in_vm_out;
    echo.console_in = in_vm_in;
    rvisor_vm *vm = add(h, &echo, "echo");
    run(h);
    ck_assert_str_eq(in_out.buf, "hello q");
    struct rvisor_exit ex;
    rvisor_vm_exit(vm, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_POWEROFF);
    rvisor_host_destroy(h);
}
END_TEST

struct ctl {
    rvisor_host *h;
    rvisor_vm *vm;
    uint64_t paused_insns, later_insns;
    int pause_rc, resume_rc;
};

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void *controller(void *p)
{
    struct ctl *c = p;
    struct rvisor_stats st;
    char err[128];
    sleep_ms(50);
    rvisor_vm_pause(c->vm);
    sleep_ms(50); /* the harts stop within a slice */
    rvisor_vm_stats(c->vm, &st);
    c->paused_insns = st.insns;
    sleep_ms(100);
    rvisor_vm_stats(c->vm, &st);
    c->later_insns = st.insns;
    c->resume_rc = rvisor_vm_resume(c->vm, err, sizeof(err));
    sleep_ms(50);
    rvisor_host_stop(c->h);
    return NULL;
}

START_TEST(test_pause_stop_other_thread)
{
    rvisor_host *h = host_new(1);
    struct rvisor_config spin = guest(P_LOOP);
    struct ctl c = {.h = h};
    c.vm = add(h, &spin, "spin");
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, controller, &c), 0);
    run(h);
    pthread_join(th, NULL);
    ck_assert_uint_gt(c.paused_insns, 0);
    ck_assert_uint_eq(c.paused_insns, c.later_insns); /* held: not one instruction */
    ck_assert_int_eq(c.resume_rc, 0);
    struct rvisor_exit ex;
    rvisor_vm_exit(c.vm, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_STOPPED);
    ck_assert_uint_gt(ex.insns, c.paused_insns); /* it went on after the resume */
    ck_assert_int_eq(rvisor_exit_status(&ex), 0);
    rvisor_host_destroy(h);
}
END_TEST

START_TEST(test_timeout)
{
    rvisor_host *h = host_new(2);
    struct rvisor_config spin = guest(P_LOOP), pass = guest(P_PASS);
    struct timespec t0, t1;
    spin.timeout_ns = 100000000; /* 0.1 s */
    rvisor_vm *vs = add(h, &spin, "spin"), *vp = add(h, &pass, "pass");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run(h);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct rvisor_exit ex;
    rvisor_vm_exit(vs, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_TIMEOUT);
    ck_assert_int_eq(ex.source, RVISOR_SOURCE_HOST);
    ck_assert_int_eq(rvisor_exit_status(&ex), RVISOR_STATUS_TIMEOUT);
    ck_assert_msg(s >= 0.1 && s < 5, "the run took %.3f s", s);
    rvisor_vm_exit(vp, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_POWEROFF); /* the limit is the spinner's only */
    rvisor_host_destroy(h);
}
END_TEST

START_TEST(test_share_quota_stats)
{
    char err[256];
    rvisor_host *h = host_new(1);
    struct rvisor_config a = guest(P_HI), b = guest(P_PASS);
    rvisor_vm *va = add(h, &a, "a");
    add(h, &b, "b");
    ck_assert_int_eq(rvisor_vm_set_share(va, 512, 50, err, sizeof(err)), 0);
    ck_assert_int_eq(rvisor_vm_set_share(va, 0, 0, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "weight"));
    ck_assert_int_eq(rvisor_vm_set_share(va, 256, 1000, err, sizeof(err)), -1); /* 1 thread */
    ck_assert_int_eq(rvisor_vm_set_quota(va, 64u << 20, 32u << 20, err, sizeof(err)), 0);
    ck_assert_int_eq(rvisor_vm_set_quota(va, 32u << 20, 64u << 20, err, sizeof(err)), -1);
    run(h);
    struct rvisor_stats st;
    ck_assert_int_eq(rvisor_vm_stats(va, &st), 0);
    ck_assert_uint_gt(st.committed, 4096); /* the program's page and the harts' memory */
    ck_assert_uint_ge(st.committed_peak, st.committed);
    ck_assert_uint_eq(st.insns, 9);
    ck_assert_uint_eq(st.console_bytes, 2);
    rvisor_host_destroy(h);

    /* a VM of its own has no share or quota */
    rvisor_vm *vm;
    ck_assert_int_eq(rvisor_vm_create(&b, &vm, err, sizeof(err)), 0);
    ck_assert_int_eq(rvisor_vm_set_share(vm, 256, 0, err, sizeof(err)), -1);
    ck_assert_int_eq(rvisor_vm_set_quota(vm, 0, 0, err, sizeof(err)), -1);
    ck_assert_int_eq(rvisor_vm_resume(vm, err, sizeof(err)), -1);
    rvisor_vm_destroy(vm);
}
END_TEST

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static char *read_file(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    return buf;
}

START_TEST(test_config_file)
{
    char cfg[128], log[128], json[1024], err[512];
    rvisor_host *h;
    snprintf(cfg, sizeof(cfg), "/tmp/rvisor-test-host-%ld.json", (long)getpid());
    snprintf(log, sizeof(log), "/tmp/rvisor-test-host-%ld.log", (long)getpid());
    snprintf(json, sizeof(json),
             "{\"threads\": 2,\n \"vms\": [\n"
             "  {\"name\": \"a\", \"memory\": \"8M\", \"bios\": \"none\", \"kernel\": \"%s\",\n"
             "   \"console\": {\"file\": \"%s\"}, \"weight\": 512},\n"
             "  {\"name\": \"b\", \"memory\": \"8M\", \"bios\": \"none\", \"kernel\": \"%s\",\n"
             "   \"console\": \"none\", \"max-insns\": 5000}]}\n",
             paths[P_HI], log, paths[P_LOOP]);
    write_file(cfg, json);
    ck_assert_msg(rvisor_host_create_file(cfg, NULL, &h, err, sizeof(err)) == 0, "%s", err);
    ck_assert_uint_eq(rvisor_host_vm_count(h), 2);
    run(h);
    struct rvisor_exit ex;
    rvisor_vm_exit(rvisor_host_vm(h, 0), &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_POWEROFF);
    rvisor_vm_exit(rvisor_host_vm(h, 1), &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_INSN_LIMIT);
    rvisor_host_destroy(h);
    ck_assert_str_eq(read_file(log), "hi");

    /* errors name the file, line and column */
    write_file(cfg, "{\"vms\": [\n  {\"name\": \"a\", \"memroy\": \"8M\"}]}\n");
    ck_assert_int_eq(rvisor_host_create_file(cfg, NULL, &h, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, cfg) == err && strstr(err, ":2:"), "%s", err);
    ck_assert_int_eq(rvisor_host_create_file("/nonexistent/x.json", NULL, &h, err, sizeof(err)),
                     -1);
    /* a missing kernel: nothing is left behind */
    write_file(cfg, "{\"vms\": [{\"name\": \"a\", \"bios\": \"none\", \"kernel\": \"/no/k\"}]}");
    ck_assert_int_eq(rvisor_host_create_file(cfg, NULL, &h, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "vm a: ") == err, "%s", err);
    unlink(cfg);
    unlink(log);
}
END_TEST

START_TEST(test_bad_configs)
{
    char err[256];
    rvisor_vm *vm;
    rvisor_host *h = host_new(1);
    struct rvisor_config c = guest(P_PASS);
    struct rvisor_device dev[2];
    memset(dev, 0, sizeof(dev));
    dev[0].kind = RVISOR_DEVICE_DISK;
    dev[0].file = "/nonexistent/disk.img";
    c.devices = dev;
    c.ndevices = 1;
    ck_assert_int_eq(rvisor_host_add_vm(h, &c, &vm, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/disk.img"));
    dev[0].kind = RVISOR_DEVICE_NET;
    dev[0].netdev = "user";
    dev[0].mac = "01:00:00:00:00:01"; /* multicast */
    ck_assert_int_eq(rvisor_host_add_vm(h, &c, &vm, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "MAC"));
    dev[0].kind = (enum rvisor_device_kind)42;
    ck_assert_int_eq(rvisor_host_add_vm(h, &c, &vm, err, sizeof(err)), -1);
    dev[0].kind = RVISOR_DEVICE_RNG;
    dev[0].slot = 9;
    ck_assert_int_eq(rvisor_host_add_vm(h, &c, &vm, err, sizeof(err)), -1);
    c.ndevices = 0;
    c.log = "int,bogus";
    ck_assert_int_eq(rvisor_host_add_vm(h, &c, &vm, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "bogus"));
    c.log = NULL;
    c.console = RVISOR_CONSOLE_FILE; /* without a path */
    ck_assert_int_eq(rvisor_host_add_vm(h, &c, &vm, err, sizeof(err)), -1);
    c.console = RVISOR_CONSOLE_CALLBACKS;
    add(h, &c, "ok");
    ck_assert_int_eq(rvisor_host_add_vm(h, &c, &vm, err, sizeof(err)), -1); /* same name */
    ck_assert_uint_eq(rvisor_host_vm_count(h), 1);
    ck_assert_int_eq(rvisor_check_netdev("user,id=n0,hostfwd=tcp::2222-:22", false, err,
                                         sizeof(err), err, sizeof(err)), 0);
    ck_assert_str_eq(err, "n0");
    ck_assert_int_eq(rvisor_check_netdev("bogus", false, NULL, 0, err, sizeof(err)), -1);
    ck_assert_int_eq(rvisor_check_mac("52:54:00:12:34:56"), 0);
    ck_assert_int_eq(rvisor_check_mac("52:54:00:12:34"), -1);
    ck_assert_int_eq(rvisor_check_log("int,mmu", err, sizeof(err)), 0);
    run(h);
    rvisor_host_destroy(h);
}
END_TEST

START_TEST(test_dtb_only)
{
    struct rvisor_config c;
    rvisor_vm *vm;
    char err[256];
    size_t size = 0;
    rvisor_config_init(&c);
    c.dtb_only = true; /* no kernel needed */
    c.harts = 3;
    ck_assert_msg(rvisor_vm_create(&c, &vm, err, sizeof(err)) == 0, "%s", err);
    const uint8_t *dtb = rvisor_vm_dtb(vm, &size);
    ck_assert_ptr_nonnull(dtb);
    ck_assert_uint_gt(size, 64);
    ck_assert_uint_eq(dtb[0], 0xd0); /* FDT magic, big-endian d00dfeed */
    ck_assert_uint_eq(dtb[3], 0xed);
    ck_assert_int_eq(rvisor_vm_run(vm, 0, 0), RVISOR_STOP_ERROR);
    rvisor_vm_destroy(vm);
    rvisor_host *h = host_new(1);
    ck_assert_int_eq(rvisor_host_add_vm(h, &c, &vm, err, sizeof(err)), -1);
    rvisor_host_destroy(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("host");
    TCase *tc = tcase_create("host");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_exits_and_status);
    tcase_add_test(tc, test_console_callbacks);
    tcase_add_test(tc, test_console_in);
    tcase_add_test(tc, test_pause_stop_other_thread);
    tcase_add_test(tc, test_timeout);
    tcase_add_test(tc, test_share_quota_stats);
    tcase_add_test(tc, test_config_file);
    tcase_add_test(tc, test_bad_configs);
    tcase_add_test(tc, test_dtb_only);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
