/*
 * librvisor's public API (include/rvisor.h) on tiny bare-metal guests assembled here:
 * exits and their sources, budgets, single-step, registers and memory, pause from
 * another thread, total limits, faults, the console cap, JSON creation, and two
 * threads driving two VMs at once.
 */
#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rvisor.h"

#define API_GUESTS_TAG "api"
#include "api_guests.h"

struct sink {
    uint64_t bytes;
    char first[16];
};

static void on_out(void *opaque, const uint8_t *buf, size_t len)
{
    struct sink *s = opaque;
    for (size_t i = 0; i < len && s->bytes + i < sizeof(s->first) - 1; i++)
        s->first[s->bytes + i] = (char)buf[i];
    s->bytes += len;
}

static rvisor_vm *make(enum prog p, struct rvisor_config *cfg_in)
{
    struct rvisor_config cfg;
    char err[256];
    rvisor_vm *vm = NULL;
    if (cfg_in)
        cfg = *cfg_in;
    else
        rvisor_config_init(&cfg);
    cfg.bios = "none";
    cfg.kernel = paths[p];
    cfg.ram_size = 8u << 20;
    cfg.deterministic = true;
    int rc = rvisor_vm_create(&cfg, &vm, err, sizeof(err));
    ck_assert_msg(rc == 0, "create: %s", err);
    return vm;
}

START_TEST(test_pass_and_regs)
{
    rvisor_vm *vm = make(P_PASS, NULL);
    struct rvisor_exit ex;
    uint64_t v;
    ck_assert_int_eq(rvisor_vm_exit(vm, &ex), 0);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_NONE);
    ck_assert_int_eq(rvisor_vm_get_reg(vm, 0, RVISOR_REG_PC, &v), 0);
    ck_assert_uint_eq(v, 0x80000000u);
    ck_assert_int_eq(rvisor_vm_step(vm, 0), 0);
    ck_assert_int_eq(rvisor_vm_get_reg(vm, 0, RVISOR_REG_X(T1), &v), 0);
    ck_assert_uint_eq(v, 42);
    ck_assert_int_eq(rvisor_vm_get_reg(vm, 0, RVISOR_REG_PC, &v), 0);
    ck_assert_uint_eq(v, 0x80000004u);
    ck_assert_int_eq(rvisor_vm_get_reg(vm, 0, RVISOR_REG_PRIV, &v), 0);
    ck_assert_uint_eq(v, 3);
    ck_assert_int_eq(rvisor_vm_get_reg(vm, 0, RVISOR_REG_CSR(0xf14), &v), 0); /* mhartid */
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(rvisor_vm_get_reg(vm, 1, RVISOR_REG_PC, &v), -1); /* no hart 1 */
    ck_assert_int_eq(rvisor_vm_set_reg(vm, 0, RVISOR_REG_X(0), 5), 0);
    ck_assert_int_eq(rvisor_vm_get_reg(vm, 0, RVISOR_REG_X(0), &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(rvisor_vm_run(vm, 0, 0), RVISOR_STOP_EXIT);
    rvisor_vm_exit(vm, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_POWEROFF);
    ck_assert_int_eq(ex.source, RVISOR_SOURCE_FINISHER);
    ck_assert_uint_eq(ex.insns, 5);
    ck_assert_int_eq(rvisor_vm_run(vm, 0, 0), RVISOR_STOP_EXIT); /* stays ended */
    ck_assert_int_eq(rvisor_vm_step(vm, 0), -1);
    rvisor_vm_destroy(vm);
}
END_TEST

START_TEST(test_fail_code)
{
    rvisor_vm *vm = make(P_FAIL7, NULL);
    struct rvisor_exit ex;
    ck_assert_int_eq(rvisor_vm_run(vm, 0, 0), RVISOR_STOP_EXIT);
    rvisor_vm_exit(vm, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_FAIL);
    ck_assert_uint_eq(ex.code, 7);
    ck_assert_str_eq(rvisor_exit_kind_name(ex.kind), "fail");
    rvisor_vm_destroy(vm);
}
END_TEST

START_TEST(test_budget_memory)
{
    rvisor_vm *vm = make(P_LOOP, NULL);
    uint64_t v, base = rvisor_vm_ram_base(vm);
    uint32_t word = 0;
    ck_assert_int_eq(rvisor_vm_run(vm, 1000, 0), RVISOR_STOP_BUDGET);
    ck_assert_int_eq(rvisor_vm_run(vm, 1000, 0), RVISOR_STOP_BUDGET);
    struct rvisor_stats st;
    ck_assert_int_eq(rvisor_vm_stats(vm, &st), 0);
    ck_assert_uint_eq(st.insns, 2000);
    ck_assert_int_eq(rvisor_vm_get_reg(vm, 0, RVISOR_REG_X(T1), &v), 0);
    ck_assert_uint_eq(v, 1000);
    ck_assert_int_eq(rvisor_vm_read_mem(vm, base, &word, 4), 0);
    ck_assert_uint_eq(word, addi(T1, T1, 1));
    ck_assert_int_eq(rvisor_vm_read_mem(vm, 0x1000, &word, 4), -1); /* not RAM */
    ck_assert_int_eq(rvisor_vm_read_virt(vm, 0, base, &word, 4), 0);
    /* patch the loop into "addi t1, t1, 2": the pre-decoded code must be dropped */
    word = addi(T1, T1, 2);
    ck_assert_int_eq(rvisor_vm_write_mem(vm, base, &word, 4), 0);
    ck_assert_int_eq(rvisor_vm_run(vm, 100, 0), RVISOR_STOP_BUDGET);
    ck_assert_int_eq(rvisor_vm_get_reg(vm, 0, RVISOR_REG_X(T1), &v), 0);
    ck_assert_uint_eq(v, 1100);
    rvisor_vm_destroy(vm);
}
END_TEST

static void *pauser(void *arg)
{
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    rvisor_vm_pause(arg);
    return NULL;
}

START_TEST(test_pause_other_thread)
{
    rvisor_vm *vm = make(P_LOOP, NULL);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, pauser, vm), 0);
    ck_assert_int_eq(rvisor_vm_run(vm, 0, 20000000000ull), RVISOR_STOP_PAUSED);
    pthread_join(t, NULL);
    ck_assert_int_eq(rvisor_vm_run(vm, 10, 0), RVISOR_STOP_BUDGET); /* resumes */
    rvisor_vm_destroy(vm);
}
END_TEST

START_TEST(test_limits)
{
    struct rvisor_config cfg;
    struct rvisor_exit ex;
    rvisor_config_init(&cfg);
    cfg.max_insns = 5000;
    rvisor_vm *vm = make(P_LOOP, &cfg);
    ck_assert_int_eq(rvisor_vm_run(vm, 3000, 0), RVISOR_STOP_BUDGET);
    ck_assert_int_eq(rvisor_vm_run(vm, 3000, 0), RVISOR_STOP_EXIT);
    rvisor_vm_exit(vm, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_INSN_LIMIT);
    ck_assert_uint_eq(ex.insns, 5000);
    rvisor_vm_destroy(vm);

    rvisor_config_init(&cfg);
    cfg.timeout_ns = 50000000; /* an infinite loop ends as a timeout */
    vm = make(P_LOOP, &cfg);
    ck_assert_int_eq(rvisor_vm_run(vm, 0, 0), RVISOR_STOP_EXIT);
    rvisor_vm_exit(vm, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_TIMEOUT);
    ck_assert_int_eq(ex.source, RVISOR_SOURCE_HOST);
    rvisor_vm_destroy(vm);

    vm = make(P_LOOP, NULL); /* a per-call limit does not end the VM */
    ck_assert_int_eq(rvisor_vm_run(vm, 0, 20000000), RVISOR_STOP_TIMEOUT);
    rvisor_vm_stop(vm);
    rvisor_vm_exit(vm, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_STOPPED);
    rvisor_vm_destroy(vm);
}
END_TEST

START_TEST(test_fault)
{
    rvisor_vm *vm = make(P_ILLEGAL, NULL);
    struct rvisor_exit ex;
    ck_assert_int_eq(rvisor_vm_run(vm, 0, 5000000000ull), RVISOR_STOP_EXIT);
    rvisor_vm_exit(vm, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_FAULT);
    ck_assert_uint_eq(ex.fault_cause, 2);
    ck_assert_uint_eq(ex.fault_pc, 0x80000004u);
    ck_assert_uint_eq(ex.fault_priv, 3);
    ck_assert_ptr_nonnull(strstr(ex.message, "illegal instruction"));
    rvisor_vm_destroy(vm);

    vm = make(P_ILLEGAL, NULL); /* the same found by single-stepping */
    ck_assert_int_eq(rvisor_vm_step(vm, 0), 0);
    ck_assert_int_eq(rvisor_vm_step(vm, 0), 0);
    rvisor_vm_exit(vm, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_FAULT);
    ck_assert_uint_eq(ex.fault_cause, 2);
    rvisor_vm_destroy(vm);
}
END_TEST

START_TEST(test_console_cap)
{
    struct rvisor_config cfg;
    struct sink s = {0, {0}};
    struct rvisor_stats st;
    rvisor_config_init(&cfg);
    cfg.console_out = on_out;
    cfg.console_opaque = &s;
    cfg.console_limit = 100;
    rvisor_vm *vm = make(P_FLOOD, &cfg);
    ck_assert_int_eq(rvisor_vm_run(vm, 30000, 0), RVISOR_STOP_BUDGET);
    rvisor_vm_stats(vm, &st);
    ck_assert_uint_eq(s.bytes, 100);
    ck_assert_uint_eq(st.console_bytes, 100);
    ck_assert_uint_gt(st.console_dropped, 1000);
    ck_assert_str_eq(s.first, "xxxxxxxxxxxxxxx");
    rvisor_vm_destroy(vm);
}
END_TEST

START_TEST(test_json)
{
    char json[512], err[256];
    rvisor_vm *vm;
    struct rvisor_exit ex;
    snprintf(json, sizeof(json),
             "{\"vms\": [{\"name\": \"a\", \"memory\": \"8M\", \"bios\": \"none\", "
             "\"kernel\": \"%s\"}, {\"name\": \"b\", \"memory\": \"8M\", \"bios\": \"none\", "
             "\"kernel\": \"%s\"}]}",
             paths[P_LOOP], paths[P_FAIL7]);
    ck_assert_int_eq(rvisor_vm_create_json(json, strlen(json), "b", NULL, NULL, &vm, err,
                                           sizeof(err)), 0);
    ck_assert_int_eq(rvisor_vm_run(vm, 0, 0), RVISOR_STOP_EXIT);
    rvisor_vm_exit(vm, &ex);
    ck_assert_int_eq(ex.kind, RVISOR_EXIT_FAIL);
    rvisor_vm_destroy(vm);
    ck_assert_int_eq(rvisor_vm_create_json(json, strlen(json), "zz", NULL, NULL, &vm, err,
                                           sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "zz"));
    ck_assert_int_eq(rvisor_vm_create_json("{\"vms\": [", 9, NULL, NULL, NULL, &vm, err,
                                           sizeof(err)), -1);
    struct rvisor_config bad;
    memset(&bad, 0, sizeof(bad));
    ck_assert_int_eq(rvisor_vm_create(&bad, &vm, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "rvisor_config_init"));
}
END_TEST

struct drive {
    enum prog p;
    int ok;
};

static void *drive_main(void *arg)
{
    struct drive *d = arg;
    struct rvisor_config cfg;
    char err[256];
    rvisor_vm *vm;
    rvisor_config_init(&cfg);
    cfg.bios = "none";
    cfg.kernel = paths[d->p];
    cfg.ram_size = 8u << 20;
    cfg.deterministic = true;
    for (int round = 0; round < 20; round++) {
        if (rvisor_vm_create(&cfg, &vm, err, sizeof(err)) < 0)
            return NULL;
        struct rvisor_exit ex;
        uint64_t v = 0;
        if (d->p == P_LOOP) {
            for (int k = 0; k < 10; k++)
                rvisor_vm_run(vm, 100000, 0);
            rvisor_vm_get_reg(vm, 0, RVISOR_REG_X(T1), &v);
            d->ok += v == 500000;
        } else {
            rvisor_vm_run(vm, 0, 0);
            rvisor_vm_exit(vm, &ex);
            d->ok += ex.kind == RVISOR_EXIT_FAIL && ex.code == 7;
        }
        rvisor_vm_destroy(vm);
    }
    return NULL;
}

START_TEST(test_two_threads)
{
    struct drive d[2] = {{P_LOOP, 0}, {P_FAIL7, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, drive_main, &d[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    ck_assert_int_eq(d[0].ok, 20);
    ck_assert_int_eq(d[1].ok, 20);
}
END_TEST

START_TEST(test_bad_input)
{
    char err[256];
    struct rvisor_config cfg;
    rvisor_vm *vm;
    rvisor_config_init(&cfg);
    cfg.bios = "none";
    cfg.kernel = "/nonexistent/prog.elf";
    ck_assert_int_eq(rvisor_vm_create(&cfg, &vm, err, sizeof(err)), -1);
    ck_assert_uint_gt(strlen(err), 0);
    cfg.kernel = NULL;
    ck_assert_int_eq(rvisor_vm_create(&cfg, &vm, err, sizeof(err)), -1);
    cfg.harts = 0;
    ck_assert_int_eq(rvisor_vm_create(&cfg, &vm, err, sizeof(err)), -1);
    ck_assert_int_eq(rvisor_vm_run(NULL, 0, 0), RVISOR_STOP_ERROR);
    rvisor_vm_destroy(NULL);
    ck_assert_str_eq(rvisor_version(), "0.1.0");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_pass_and_regs);
    tcase_add_test(tc, test_fail_code);
    tcase_add_test(tc, test_budget_memory);
    tcase_add_test(tc, test_pause_other_thread);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_fault);
    tcase_add_test(tc, test_console_cap);
    tcase_add_test(tc, test_json);
    tcase_add_test(tc, test_two_threads);
    tcase_add_test(tc, test_bad_input);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
