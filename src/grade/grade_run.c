/*
 * `rvisor grade`: run a job (grade.h) through librvisor and score it. The guest runs on
 * this thread in chunks of instructions; between chunks the console transcript is
 * matched against the current dialogue step's expectation. In deterministic mode (the
 * default) chunks are counted in instructions only and step timeouts in guest time, so
 * the same job and submission always give the same transcript and score; the job's
 * wall-clock limit is the safety net (it ends the run as a timeout).
 *
 * Outputs: Gradescope's results.json (--results, default ./results.json), an optional
 * generic JSON report (--json), an optional transcript file (--transcript), and a
 * summary on stdout. The exit status is documented in grade.h and docs/grading.md.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "grade/grade.h"
#include "rvisor.h"

#define GRADE_CHUNK_INSNS 2000000ull  /* instructions between two looks at the console */
#define GRADE_CHUNK_NS    20000000ull /* real-time mode: host time between two looks */
#define GRADE_TAIL        8192        /* transcript bytes shown in results.json output */

enum step_status { STEP_PENDING = 0, STEP_PASSED, STEP_FAILED, STEP_SKIPPED };

struct grade_state {
    const struct grade_job *job;
    rvisor_vm *vm;
    char *text; /* the transcript, NUL-terminated (NUL bytes from the guest become '?') */
    size_t len, cap;
    bool oom;
    size_t match_pos;
    enum step_status *steps;
    char **step_msg;
    double *step_time;
    struct rvisor_exit exit;
    struct rvisor_stats stats;
    char infra[512]; /* an infrastructure error, or "" */
    bool load_failed;
    char load_msg[640];
    double wall_s;
    double *scores;
    char **test_msg;
    double score, max_score;
    unsigned passed;
};

static double host_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_output(void *opaque, const uint8_t *buf, size_t len)
{
    struct grade_state *g = opaque;
    if (g->oom)
        return;
    if (g->len + len + 1 > g->cap) {
        size_t cap = g->cap ? g->cap : 4096;
        while (cap < g->len + len + 1)
            cap *= 2;
        char *p = realloc(g->text, cap);
        if (!p) {
            g->oom = true;
            return;
        }
        g->text = p;
        g->cap = cap;
    }
    for (size_t i = 0; i < len; i++)
        g->text[g->len++] = buf[i] ? (char)buf[i] : '?';
    g->text[g->len] = 0;
}

static const char *transcript(const struct grade_state *g)
{
    return g->text ? g->text : "";
}

/* ---- running ---- */

static double guest_or_host_s(struct grade_state *g, double t0_host)
{
    if (g->job->deterministic) {
        struct rvisor_stats st;
        rvisor_vm_stats(g->vm, &st);
        return (double)st.guest_ns / 1e9;
    }
    return host_s() - t0_host;
}

static enum rvisor_stop run_chunk(struct grade_state *g)
{
    if (g->job->deterministic)
        return rvisor_vm_run(g->vm, GRADE_CHUNK_INSNS, 0);
    return rvisor_vm_run(g->vm, GRADE_CHUNK_INSNS, GRADE_CHUNK_NS);
}

static void step_fail(struct grade_state *g, unsigned i, const char *fmt, const char *arg)
{
    char msg[512];
    snprintf(msg, sizeof(msg), fmt, arg);
    g->steps[i] = STEP_FAILED;
    g->step_msg[i] = strdup(msg);
}

/* Wait for step i's expectation. */
static void expect(struct grade_state *g, unsigned i, double t_job)
{
    const struct grade_step *st = &g->job->steps[i];
    double t0 = guest_or_host_s(g, host_s()), h0 = host_s();
    size_t seen = (size_t)-1;
    for (;;) {
        if (g->len != seen) {
            regmatch_t m;
            seen = g->len;
            if (g->match_pos <= g->len &&
                regexec(&st->re, transcript(g) + g->match_pos, 1, &m, 0) == 0) {
                g->match_pos += (size_t)m.rm_eo;
                g->steps[i] = STEP_PASSED;
                return;
            }
        }
        struct rvisor_exit ex;
        rvisor_vm_exit(g->vm, &ex);
        if (ex.kind != RVISOR_EXIT_NONE) {
            char what[300];
            snprintf(what, sizeof(what), "%s", ex.message);
            step_fail(g, i, "the guest ended (%s) before printing what was expected", what);
            return;
        }
        double el = g->job->deterministic ? guest_or_host_s(g, 0) - t0 : host_s() - h0;
        if (el > st->timeout) {
            char t[32];
            snprintf(t, sizeof(t), "%g", st->timeout);
            step_fail(g, i, "timed out after %s s waiting for the expected output", t);
            return;
        }
        if (host_s() - t_job > g->wall_s) {
            rvisor_vm_stop(g->vm);
            step_fail(g, i, "the job's wall-clock limit was reached during this step%s", "");
            return;
        }
        enum rvisor_stop s = run_chunk(g);
        if (s == RVISOR_STOP_IDLE) {
            step_fail(g, i, "the guest waits for input and the expected output did not "
                            "come%s", "");
            return;
        }
    }
}

static void run_job(struct grade_state *g)
{
    const struct grade_job *j = g->job;
    double t_job = host_s();
    unsigned i = 0;
    bool ok = true;
    for (; i < j->nsteps && ok; i++) {
        const struct grade_step *st = &j->steps[i];
        if (st->send && rvisor_vm_console_send(g->vm, st->send, st->send_len) < 0) {
            snprintf(g->infra, sizeof(g->infra), "out of memory");
            return;
        }
        if (st->has_re)
            expect(g, i, t_job);
        else
            g->steps[i] = STEP_PASSED;
        ok = g->steps[i] == STEP_PASSED;
    }
    for (; i < j->nsteps; i++)
        g->steps[i] = STEP_SKIPPED;
    if (ok && j->wait_exit) {
        for (;;) {
            struct rvisor_exit ex;
            rvisor_vm_exit(g->vm, &ex);
            if (ex.kind != RVISOR_EXIT_NONE)
                break;
            if (host_s() - t_job > g->wall_s) {
                rvisor_vm_stop(g->vm);
                break;
            }
            if (run_chunk(g) == RVISOR_STOP_IDLE) {
                rvisor_vm_stop(g->vm); /* it waits for input nobody will send */
                break;
            }
        }
    }
    rvisor_vm_stop(g->vm); /* after_dialogue "stop", or a failed step */
    rvisor_vm_exit(g->vm, &g->exit);
    /* the library's TIMEOUT is the same limit (cfg.timeout_ns) */
    if ((g->exit.kind == RVISOR_EXIT_STOPPED && host_s() - t_job > g->wall_s) ||
        g->exit.kind == RVISOR_EXIT_TIMEOUT) {
        g->exit.kind = RVISOR_EXIT_TIMEOUT;
        snprintf(g->exit.message, sizeof(g->exit.message),
                 "wall-clock limit of %g s reached", g->wall_s);
    }
    rvisor_vm_stats(g->vm, &g->stats);
}

/* ---- scoring ---- */

static void score_tests(struct grade_state *g)
{
    const struct grade_job *j = g->job;
    for (unsigned i = 0; i < j->ntests; i++) {
        const struct grade_test *t = &j->tests[i];
        char msg[1024] = "";
        bool pass = !g->load_failed;
        if (g->load_failed)
            snprintf(msg, sizeof(msg), "%s", g->load_msg);
        if (pass && t->has_out && regexec(&t->re_out, transcript(g), 0, NULL, 0) != 0) {
            pass = false;
            snprintf(msg, sizeof(msg), "expected output matching /%s/, not found", t->output);
        }
        if (pass && t->has_not && regexec(&t->re_not, transcript(g), 0, NULL, 0) == 0) {
            pass = false;
            snprintf(msg, sizeof(msg), "output matching /%s/ must not appear", t->not_output);
        }
        if (pass && t->step >= 0 && g->steps[t->step] != STEP_PASSED) {
            pass = false;
            snprintf(msg, sizeof(msg), "dialogue step \"%s\" %s%s%s", j->steps[t->step].name,
                     g->steps[t->step] == STEP_SKIPPED ? "did not run (an earlier step failed)"
                                                       : "failed",
                     g->step_msg[t->step] ? ": " : "",
                     g->step_msg[t->step] ? g->step_msg[t->step] : "");
        }
        if (pass && t->exit_kind && strcmp(t->exit_kind, rvisor_exit_kind_name(g->exit.kind))) {
            pass = false;
            snprintf(msg, sizeof(msg), "expected the run to end with %s; it ended with %s: %s",
                     t->exit_kind, rvisor_exit_kind_name(g->exit.kind), g->exit.message);
        }
        if (pass && t->has_code) {
            long code = g->exit.kind == RVISOR_EXIT_POWEROFF ? 0
                        : g->exit.kind == RVISOR_EXIT_FAIL   ? (long)g->exit.code
                                                             : -1;
            if (code != t->code) {
                pass = false;
                snprintf(msg, sizeof(msg), "expected exit code %ld; the run ended with %s: %s",
                         t->code, rvisor_exit_kind_name(g->exit.kind), g->exit.message);
            }
        }
        g->scores[i] = pass ? t->points : 0;
        g->test_msg[i] = strdup(pass ? "" : msg);
        g->score += g->scores[i];
        g->max_score += t->points;
        g->passed += pass;
    }
}

/* ---- output ---- */

static const char *step_name(enum step_status s)
{
    static const char *const n[] = {"pending", "passed", "failed", "skipped"};
    return n[s];
}

static char *summary_text(struct grade_state *g, bool with_tail)
{
    const struct grade_job *j = g->job;
    size_t cap = 4096 + (with_tail ? GRADE_TAIL : 0);
    for (unsigned i = 0; i < j->ntests; i++)
        cap += strlen(j->tests[i].name) + (g->test_msg[i] ? strlen(g->test_msg[i]) : 0) + 64;
    for (unsigned i = 0; i < j->nsteps; i++)
        cap += strlen(j->steps[i].name) + (g->step_msg[i] ? strlen(g->step_msg[i]) : 0) + 64;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    size_t n = 0;
#define ADD(...) n += (size_t)snprintf(s + n, cap - n, __VA_ARGS__)
    ADD("%s: %g/%g points, %u of %u tests passed\n", j->name, g->score, g->max_score,
        g->passed, j->ntests);
    if (g->load_failed)
        ADD("the program could not be loaded: %s\n", g->load_msg);
    else
        ADD("run: %s after %" PRIu64 " instructions, %.2f s%s\n",
            g->exit.message[0] ? g->exit.message : rvisor_exit_kind_name(g->exit.kind),
            g->stats.insns, (double)g->stats.run_ns / 1e9,
            g->stats.console_dropped ? " (console output truncated)" : "");
    for (unsigned i = 0; i < j->nsteps; i++)
        ADD("  step %-20s %s%s%s\n", j->steps[i].name, step_name(g->steps[i]),
            g->step_msg[i] ? ": " : "", g->step_msg[i] ? g->step_msg[i] : "");
    for (unsigned i = 0; i < j->ntests; i++)
        ADD("  %s %-28s %g/%g%s%s\n", g->scores[i] == j->tests[i].points ? "PASS" : "FAIL",
            j->tests[i].name, g->scores[i], j->tests[i].points,
            g->test_msg[i] && *g->test_msg[i] ? "  " : "", g->test_msg[i] ? g->test_msg[i] : "");
    if (with_tail && g->len) {
        size_t from = g->len > GRADE_TAIL ? g->len - GRADE_TAIL : 0;
        ADD("--- console%s ---\n%s\n", from ? " (last 8 KiB)" : "", transcript(g) + from);
    }
#undef ADD
    return s;
}

static int write_json(const char *path, json_t *root, char *err, size_t errlen)
{
    if (json_dump_file(root, path, JSON_INDENT(2) | JSON_ENSURE_ASCII) != 0) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return 0;
}

/* json_string of guest bytes (not necessarily UTF-8). */
static json_t *bytes_string(const char *s, size_t len)
{
    json_t *v = json_stringn(s, len);
    if (v)
        return v;
    char *c = malloc(len + 1);
    if (!c)
        return json_string("");
    for (size_t i = 0; i < len; i++)
        c[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
    v = json_stringn(c, len);
    free(c);
    return v;
}

static json_t *gradescope_json(struct grade_state *g)
{
    const struct grade_job *j = g->job;
    json_t *tests = json_array();
    for (unsigned i = 0; i < j->ntests; i++) {
        const struct grade_test *t = &j->tests[i];
        json_t *o = json_pack("{s:s, s:f, s:f, s:s, s:s}", "name", t->name, "score",
                              g->scores[i], "max_score", t->points, "status",
                              g->scores[i] == t->points ? "passed" : "failed", "output",
                              g->test_msg[i] ? g->test_msg[i] : "");
        if (o && t->visibility)
            json_object_set_new(o, "visibility", json_string(t->visibility));
        json_array_append_new(tests, o);
    }
    char *sum = summary_text(g, true);
    json_t *r = json_pack("{s:f, s:f, s:o, s:o}", "score", g->score, "execution_time",
                          g->stats.run_ns / 1e9, "output", bytes_string(sum ? sum : "",
                                                                        sum ? strlen(sum) : 0),
                          "tests", tests);
    free(sum);
    return r;
}

static json_t *generic_json(struct grade_state *g)
{
    const struct grade_job *j = g->job;
    json_t *tests = json_array(), *steps = json_array();
    for (unsigned i = 0; i < j->ntests; i++)
        json_array_append_new(
            tests, json_pack("{s:s, s:f, s:f, s:b, s:s}", "name", j->tests[i].name, "score",
                             g->scores[i], "max_score", j->tests[i].points, "passed",
                             g->scores[i] == j->tests[i].points, "message",
                             g->test_msg[i] ? g->test_msg[i] : ""));
    for (unsigned i = 0; i < j->nsteps; i++)
        json_array_append_new(steps, json_pack("{s:s, s:s, s:s}", "name", j->steps[i].name,
                                               "status", step_name(g->steps[i]), "message",
                                               g->step_msg[i] ? g->step_msg[i] : ""));
    json_t *ex = json_pack("{s:s, s:s, s:i, s:s}", "kind", rvisor_exit_kind_name(g->exit.kind),
                           "source", rvisor_exit_source_name(g->exit.source), "code",
                           (json_int_t)g->exit.code, "message",
                           g->load_failed ? g->load_msg : g->exit.message);
    if (ex && g->exit.kind == RVISOR_EXIT_FAULT) {
        json_object_set_new(ex, "cause", json_integer((json_int_t)g->exit.fault_cause));
        json_object_set_new(ex, "pc", json_integer((json_int_t)g->exit.fault_pc));
        json_object_set_new(ex, "tval", json_integer((json_int_t)g->exit.fault_tval));
        json_object_set_new(ex, "hart", json_integer(g->exit.fault_hart));
    }
    json_t *stats = json_pack("{s:I, s:I, s:I, s:f, s:f, s:I, s:I}", "instructions",
                              (json_int_t)g->stats.insns, "traps", (json_int_t)g->stats.traps,
                              "interrupts", (json_int_t)g->stats.irqs, "host_seconds",
                              g->stats.run_ns / 1e9, "guest_seconds", g->stats.guest_ns / 1e9,
                              "console_bytes", (json_int_t)g->stats.console_bytes,
                              "console_dropped", (json_int_t)g->stats.console_dropped);
    return json_pack("{s:s, s:f, s:f, s:b, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:b}", "job",
                     j->name, "score", g->score, "max_score", g->max_score, "passed",
                     g->passed == j->ntests, "deterministic", j->deterministic, "network",
                     j->network, "exit", ex,
                     "stats", stats, "dialogue", steps, "tests", tests, "console",
                     bytes_string(transcript(g), g->len), "console_truncated",
                     g->stats.console_dropped != 0);
}

/* ---- the command ---- */

static void usage(FILE *f)
{
    fputs("usage: rvisor grade JOB.json [--results FILE] [--json FILE] [--transcript FILE]\n"
          "                             [--quiet] [--realtime]\n"
          "  --results FILE     Gradescope results (default: results.json)\n"
          "  --json FILE        also a generic JSON report (exit, stats, dialogue, console)\n"
          "  --transcript FILE  the console transcript\n"
          "  --quiet            no summary on stdout\n"
          "  --realtime         guest time follows the host clock (default: deterministic,\n"
          "                     unless the job says \"deterministic\": false or has a\n"
          "                     \"network\")\n"
          "exit status: 0 all tests passed, 1 some failed, 2 bad job file, 3 infrastructure\n"
          "error (docs/grading.md)\n",
          f);
}

/*
 * A bare-metal guest that could not be built is the submission's fault (its tests fail)
 * unless the board itself cannot be built: the network the job asks for (a build without
 * libslirp, a hostfwd port in use). Then true, with that message in err.
 */
static bool network_unavailable(const struct rvisor_config *cfg, char *err, size_t errlen)
{
    struct rvisor_config probe = *cfg;
    rvisor_vm *vm;
    char msg[512];
    if (!cfg->ndevices)
        return false;
    probe.dtb_only = true; /* the board without the program */
    probe.kernel = NULL;
    probe.console_out = NULL;
    if (rvisor_vm_create(&probe, &vm, msg, sizeof(msg)) < 0) {
        snprintf(err, errlen, "%s", msg);
        return true;
    }
    rvisor_vm_destroy(vm);
    return false;
}

static int grade_run(const char *path, const char *results, const char *json_out,
                     const char *transcript_out, bool quiet, bool realtime)
{
    struct grade_job job;
    struct grade_state g = {0};
    char err[600], initrd[4096] = "";
    struct grade_limits lim;
    int status = GRADE_EXIT_INFRA;

    if (grade_job_load(path, &job, err, sizeof(err)) < 0) {
        fprintf(stderr, "rvisor grade: %s\n", err);
        grade_job_free(&job);
        return GRADE_EXIT_JOB;
    }
    if (realtime)
        job.deterministic = false;
    g.job = &job;
    g.wall_s = job.wall_seconds;
    grade_cgroup_limits(&lim);
    if (lim.memory_max && job.memory + (96ull << 20) > lim.memory_max) {
        fprintf(stderr, "rvisor grade: the container's memory limit (%" PRIu64 " MiB) is too "
                        "small for the guest's %" PRIu64 " MiB and rvisor's own\n",
                lim.memory_max >> 20, job.memory >> 20);
        grade_job_free(&job);
        return GRADE_EXIT_INFRA;
    }
    if (lim.cpus > 0 && lim.cpus < 1)
        g.wall_s /= lim.cpus; /* a fraction of a CPU: the same work takes longer */
    g.steps = calloc(job.nsteps + 1, sizeof(*g.steps));
    g.step_msg = calloc(job.nsteps + 1, sizeof(*g.step_msg));
    g.scores = calloc(job.ntests + 1, sizeof(*g.scores));
    g.test_msg = calloc(job.ntests + 1, sizeof(*g.test_msg));
    if (!g.steps || !g.step_msg || !g.scores || !g.test_msg) {
        fprintf(stderr, "rvisor grade: out of memory\n");
        goto out;
    }
    if (job.nfiles && grade_initrd(job.initrd, job.files, job.nfiles, initrd, sizeof(initrd),
                                   err, sizeof(err)) < 0) {
        fprintf(stderr, "rvisor grade: %s\n", err);
        goto out;
    }
    struct rvisor_config cfg;
    rvisor_config_init(&cfg);
    cfg.name = "grade";
    cfg.ram_size = job.memory;
    cfg.harts = job.harts;
    cfg.bios = job.bios;
    cfg.kernel = job.kernel;
    cfg.initrd = initrd[0] ? initrd : job.initrd;
    cfg.append = job.append;
    cfg.disk = job.disk;
    cfg.disk_readonly = job.disk_readonly;
    cfg.deterministic = job.deterministic;
    cfg.no_reboot = true;
    cfg.max_insns = job.max_insns;
    cfg.timeout_ns = (uint64_t)(g.wall_s * 1e9);
    cfg.console_out = on_output;
    cfg.console_opaque = &g;
    cfg.console_limit = job.console_bytes;
    struct rvisor_device nic = {
        .kind = RVISOR_DEVICE_NET, .netdev = job.netdev, .mac = "52:54:00:12:34:56"};
    if (job.network) {
        cfg.devices = &nic;
        cfg.ndevices = 1;
    }
    if (rvisor_vm_create(&cfg, &g.vm, err, sizeof(err)) < 0) {
        if (job.guest != GRADE_BAREMETAL || network_unavailable(&cfg, err, sizeof(err))) {
            fprintf(stderr, "rvisor grade: cannot start the guest: %s\n", err);
            goto out;
        }
        g.load_failed = true; /* the submission itself is bad: its tests fail */
        snprintf(g.load_msg, sizeof(g.load_msg), "%s", err);
    } else {
        run_job(&g);
    }
    if (g.oom || g.infra[0]) {
        fprintf(stderr, "rvisor grade: %s\n", g.infra[0] ? g.infra : "out of memory");
        goto out;
    }
    score_tests(&g);
    json_t *gs = gradescope_json(&g);
    if (!gs || write_json(results, gs, err, sizeof(err)) < 0) {
        fprintf(stderr, "rvisor grade: %s\n", gs ? err : "out of memory");
        json_decref(gs);
        goto out;
    }
    json_decref(gs);
    if (json_out) {
        json_t *gj = generic_json(&g);
        int rc = gj ? write_json(json_out, gj, err, sizeof(err)) : -1;
        json_decref(gj);
        if (rc < 0) {
            fprintf(stderr, "rvisor grade: %s\n", gj ? err : "out of memory");
            goto out;
        }
    }
    if (transcript_out) {
        FILE *f = fopen(transcript_out, "wb");
        if (!f || fwrite(transcript(&g), 1, g.len, f) != g.len || fclose(f) != 0) {
            fprintf(stderr, "rvisor grade: cannot write %s\n", transcript_out);
            goto out;
        }
    }
    if (!quiet) {
        char *s = summary_text(&g, false);
        if (s)
            fputs(s, stdout);
        free(s);
    }
    status = g.passed == job.ntests ? GRADE_EXIT_PASS : GRADE_EXIT_FAIL;
out:
    rvisor_vm_destroy(g.vm);
    if (initrd[0])
        unlink(initrd);
    for (unsigned i = 0; g.step_msg && i < job.nsteps; i++)
        free(g.step_msg[i]);
    for (unsigned i = 0; g.test_msg && i < job.ntests; i++)
        free(g.test_msg[i]);
    free(g.steps);
    free(g.step_msg);
    free(g.scores);
    free(g.test_msg);
    free(g.text);
    grade_job_free(&job);
    return status;
}

int grade_main(int argc, char **argv)
{
    const char *job = NULL, *results = "results.json", *json_out = NULL, *tr = NULL;
    bool quiet = false, realtime = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--results")      ? &results
                            : !strcmp(a, "--json")       ? &json_out
                            : !strcmp(a, "--transcript") ? &tr
                                                         : NULL;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "rvisor grade: %s needs a file name\n", a);
                return GRADE_EXIT_JOB;
            }
            *slot = argv[++i];
        } else if (!strcmp(a, "--quiet")) {
            quiet = true;
        } else if (!strcmp(a, "--realtime")) {
            realtime = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-' || job) {
            fprintf(stderr, "rvisor grade: unexpected argument '%s'\n", a);
            usage(stderr);
            return GRADE_EXIT_JOB;
        } else {
            job = a;
        }
    }
    if (!job) {
        usage(stderr);
        return GRADE_EXIT_JOB;
    }
    return grade_run(job, results, json_out, tr, quiet, realtime);
}
