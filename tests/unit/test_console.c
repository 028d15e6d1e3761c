/*
 * Unit tests for the host console: stdin replaced by a pipe, a file, /dev/null or a pty,
 * stdout by a pipe. Each test runs in its own process (CK_FORK), so moving fds 0 and 1
 * around is harmless; signal tests fork once more and look at the pty from outside.
 */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "devices/chardev.h"
#include "hv/console.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* stdin becomes the read end of a pipe; returns the write end. */
static int stdin_pipe(void)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
    close(p[0]);
    return p[1];
}

/* stdout becomes the write end of a non-blocking-read pipe; returns the read end. */
static int stdout_pipe(void)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(dup2(p[1], STDOUT_FILENO), STDOUT_FILENO);
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    return p[0];
}

static size_t drain(int fd, char *buf, size_t cap)
{
    ssize_t n = read(fd, buf, cap - 1);
    if (n < 0)
        n = 0;
    buf[n] = 0;
    return (size_t)n;
}

static void put(int fd, const char *s, size_t n)
{
    ck_assert_int_eq(write(fd, s, n), (ssize_t)n);
}

static struct console *open_ok(int flags)
{
    char err[128] = "";
    struct console *c = console_open(flags, err, sizeof(err));
    ck_assert_msg(c != NULL, "console_open: %s", err);
    return c;
}

/* Poll until n bytes arrived (or 2 s passed). */
static size_t poll_n(struct console *c, uint8_t *buf, size_t cap, size_t want,
                     enum console_event *ev)
{
    size_t got = 0;
    uint64_t end = now_ns() + 2000000000ull;
    *ev = CONSOLE_EV_NONE;
    while (got < want && now_ns() < end) {
        enum console_event e;
        got += console_poll(c, buf + got, cap - got, &e);
        if (e != CONSOLE_EV_NONE) {
            *ev = e;
            break;
        }
        console_wait(c, 10000000);
    }
    return got;
}

START_TEST(test_pipe_passes_bytes)
{
    int w = stdin_pipe();
    struct console *c = open_ok(0);
    uint8_t buf[64];
    enum console_event ev;

    put(w, "hello\r\x03\n", 8);
    ck_assert_uint_eq(poll_n(c, buf, sizeof(buf), 8, &ev), 8);
    ck_assert_mem_eq(buf, "hello\r\x03\n", 8);
    ck_assert_int_eq(ev, CONSOLE_EV_NONE);
    ck_assert(!console_eof(c));
    console_close(c);
}
END_TEST

START_TEST(test_escape_quit)
{
    int w = stdin_pipe(), out = stdout_pipe();
    struct console *c = open_ok(0);
    uint8_t buf[64];
    char text[256];
    enum console_event ev;

    put(w, "ab\x01xcd", 6);
    ck_assert_uint_eq(poll_n(c, buf, sizeof(buf), 6, &ev), 2);
    ck_assert_int_eq(ev, CONSOLE_EV_QUIT);
    ck_assert_mem_eq(buf, "ab", 2);
    drain(out, text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "terminated"));
    console_close(c);
}
END_TEST

START_TEST(test_escape_split_across_reads)
{
    int w = stdin_pipe(), out = stdout_pipe();
    struct console *c = open_ok(0);
    uint8_t buf[64];
    enum console_event ev;

    put(w, "a\x01", 2);
    ck_assert_uint_eq(poll_n(c, buf, sizeof(buf), 1, &ev), 1);
    ck_assert_int_eq(console_poll(c, buf, sizeof(buf), &ev), 0);
    ck_assert_int_eq(ev, CONSOLE_EV_NONE);
    put(w, "x", 1);
    ck_assert_uint_eq(poll_n(c, buf, sizeof(buf), 1, &ev), 0);
    ck_assert_int_eq(ev, CONSOLE_EV_QUIT);
    close(out);
    console_close(c);
}
END_TEST

START_TEST(test_escape_escape_sends_one)
{
    int w = stdin_pipe();
    struct console *c = open_ok(0);
    uint8_t buf[64];
    enum console_event ev;

    put(w, "\x01\x01z\x01\x01\x01\x01", 7);
    ck_assert_uint_eq(poll_n(c, buf, sizeof(buf), 4, &ev), 4);
    ck_assert_mem_eq(buf, "\x01z\x01\x01", 4);
    ck_assert_int_eq(ev, CONSOLE_EV_NONE);
    console_close(c);
}
END_TEST

START_TEST(test_escape_unknown_swallowed)
{
    int w = stdin_pipe();
    struct console *c = open_ok(0);
    uint8_t buf[64];
    enum console_event ev;

    put(w,
        "\x01zq\x01"
        "c"
        "r",
        6);
    ck_assert_uint_eq(poll_n(c, buf, sizeof(buf), 2, &ev), 2);
    ck_assert_mem_eq(buf, "qr", 2);
    console_close(c);
}
END_TEST

START_TEST(test_escape_help)
{
    int w = stdin_pipe(), out = stdout_pipe();
    struct console *c = open_ok(0);
    uint8_t buf[64];
    char text[512];
    enum console_event ev;

    put(w, "\x01h", 2);
    put(w, "k", 1);
    ck_assert_uint_eq(poll_n(c, buf, sizeof(buf), 1, &ev), 1);
    ck_assert_int_eq(buf[0], 'k');
    ck_assert_int_eq(ev, CONSOLE_EV_NONE);
    drain(out, text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "C-a h    print this help\r\n"));
    ck_assert_ptr_nonnull(strstr(text, "C-a x    exit emulator\r\n"));
    ck_assert_ptr_nonnull(strstr(text, "C-a C-a  sends C-a\r\n"));
    console_close(c);
}
END_TEST

START_TEST(test_no_escape_flag)
{
    int w = stdin_pipe();
    struct console *c = open_ok(CONSOLE_NO_ESCAPE);
    uint8_t buf[64];
    enum console_event ev;

    put(w, "\x01x\x01\x01", 4);
    ck_assert_uint_eq(poll_n(c, buf, sizeof(buf), 4, &ev), 4);
    ck_assert_mem_eq(buf, "\x01x\x01\x01", 4);
    ck_assert_int_eq(ev, CONSOLE_EV_NONE);
    console_close(c);
}
END_TEST

START_TEST(test_eof_stops_reading)
{
    int w = stdin_pipe();
    struct console *c = open_ok(0);
    uint8_t buf[64];
    enum console_event ev;

    put(w, "end", 3);
    close(w);
    ck_assert_uint_eq(poll_n(c, buf, sizeof(buf), 3, &ev), 3);
    ck_assert_uint_eq(console_poll(c, buf, sizeof(buf), &ev), 0);
    ck_assert(console_eof(c));
    /* after EOF, wait is a plain sleep, not a busy return */
    uint64_t t0 = now_ns();
    ck_assert(!console_wait(c, 20000000));
    ck_assert_uint_ge(now_ns() - t0, 15000000);
    console_close(c);
}
END_TEST

START_TEST(test_dev_null)
{
    int fd = open("/dev/null", O_RDONLY);
    ck_assert_int_ge(fd, 0);
    dup2(fd, STDIN_FILENO);
    close(fd);
    struct console *c = open_ok(0);
    uint8_t buf[8];
    enum console_event ev;

    ck_assert_uint_eq(console_poll(c, buf, sizeof(buf), &ev), 0);
    ck_assert(console_eof(c));
    ck_assert_int_eq(ev, CONSOLE_EV_NONE);
    console_close(c);
}
END_TEST

START_TEST(test_closed_stdin)
{
    close(STDIN_FILENO);
    struct console *c = open_ok(0);
    uint8_t buf[8];
    enum console_event ev;

    ck_assert_uint_eq(console_poll(c, buf, sizeof(buf), &ev), 0);
    ck_assert(console_eof(c));
    console_close(c);
}
END_TEST

START_TEST(test_file_input)
{
    char path[] = "/tmp/test_console_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    put(fd, "from a file\n", 12);
    lseek(fd, 0, SEEK_SET);
    dup2(fd, STDIN_FILENO);
    close(fd);
    struct console *c = open_ok(0);
    uint8_t buf[64];
    enum console_event ev;

    ck_assert_uint_eq(poll_n(c, buf, sizeof(buf), 12, &ev), 12);
    ck_assert_mem_eq(buf, "from a file\n", 12);
    ck_assert_uint_eq(console_poll(c, buf, sizeof(buf), &ev), 0);
    ck_assert(console_eof(c));
    console_close(c);
}
END_TEST

START_TEST(test_wait)
{
    int w = stdin_pipe();
    struct console *c = open_ok(0);

    uint64_t t0 = now_ns();
    ck_assert(!console_wait(c, 20000000));
    ck_assert_uint_ge(now_ns() - t0, 15000000);
    put(w, "x", 1);
    t0 = now_ns();
    ck_assert(console_wait(c, 5000000000ull));
    ck_assert_uint_lt(now_ns() - t0, 1000000000ull);
    console_close(c);
}
END_TEST

/* The guest takes a few bytes at a time: nothing is lost, order is kept, and from a pipe
 * the console stops reading when its buffer is full rather than dropping input. */
START_TEST(test_small_cap_and_flow_control)
{
    int w = stdin_pipe();
    struct console *c = open_ok(0);
    static char data[20000];
    static uint8_t got[20000];
    size_t n = 0;
    enum console_event ev;

    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)('a' + i % 26);
    put(w, data, sizeof(data));
    close(w);
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(console_poll(c, got, 0, &ev), 0); /* guest not reading */
    ck_assert_uint_le(console_pending(c), 4096);
    ck_assert_uint_gt(console_pending(c), 0);
    ck_assert(!console_eof(c));
    uint64_t end = now_ns() + 2000000000ull;
    while (n < sizeof(data) && now_ns() < end)
        n += console_poll(c, got + n, n + 16 <= sizeof(got) ? 16 : sizeof(got) - n, &ev);
    ck_assert_uint_eq(n, sizeof(data));
    ck_assert_mem_eq(got, data, sizeof(data));
    ck_assert_uint_eq(console_poll(c, got, 16, &ev), 0);
    ck_assert(console_eof(c));
    console_close(c);
}
END_TEST

START_TEST(test_quit_seen_with_no_room)
{
    int w = stdin_pipe(), out = stdout_pipe();
    struct console *c = open_ok(0);
    uint8_t buf[4];
    enum console_event ev;

    put(w, "abc\x01x", 5);
    nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
    ck_assert_uint_eq(console_poll(c, buf, 0, &ev), 0);
    ck_assert_int_eq(ev, CONSOLE_EV_QUIT);
    ck_assert_uint_eq(console_pending(c), 3);
    ck_assert_uint_eq(console_poll(c, buf, sizeof(buf), &ev), 3);
    ck_assert_mem_eq(buf, "abc", 3);
    close(out);
    console_close(c);
}
END_TEST

START_TEST(test_output)
{
    int out = stdout_pipe();
    struct console *c = open_ok(0);
    char text[64];

    chardev_write(console_chardev(c), (const uint8_t *)"guest\r\n", 7);
    ck_assert_uint_eq(drain(out, text, sizeof(text)), 7);
    ck_assert_str_eq(text, "guest\r\n");
    console_close(c);
}
END_TEST

/* ---- terminals ---- */

/* A pty whose slave becomes stdin; returns the master, *slave is another fd on the slave. */
static int stdin_pty(int *slave)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(m, 0);
    ck_assert_int_eq(grantpt(m), 0);
    ck_assert_int_eq(unlockpt(m), 0);
    int s = open(ptsname(m), O_RDWR | O_NOCTTY);
    ck_assert_int_ge(s, 0);
    ck_assert_int_eq(dup2(s, STDIN_FILENO), STDIN_FILENO);
    *slave = s;
    return m;
}

static bool tio_equal(const struct termios *a, const struct termios *b)
{
    return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag && a->c_cflag == b->c_cflag &&
           a->c_lflag == b->c_lflag && memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) == 0;
}

START_TEST(test_tty_raw_and_restore)
{
    int s, m = stdin_pty(&s);
    struct termios before, raw, after;

    ck_assert_int_eq(tcgetattr(s, &before), 0);
    ck_assert(before.c_lflag & ICANON);
    struct console *c = open_ok(0);
    ck_assert_int_eq(tcgetattr(s, &raw), 0);
    ck_assert(!(raw.c_lflag & (ICANON | ECHO | ISIG | IEXTEN)));
    ck_assert(!(raw.c_iflag & (ICRNL | IXON | ISTRIP)));
    ck_assert(raw.c_oflag & OPOST); /* '\n' from the guest still prints as CR LF */
    ck_assert_int_eq(raw.c_oflag & ONLCR, before.c_oflag & ONLCR);
    ck_assert_int_eq(raw.c_cflag & CSIZE, CS8);

    /* a second console may not take the terminal */
    char err[128];
    ck_assert_ptr_null(console_open(0, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "already"));

    /* keys arrive untranslated: Ctrl-C, CR, Ctrl-Z, Ctrl-\ go to the guest */
    uint8_t buf[16];
    enum console_event ev;
    put(m, "\x03\r\x1a\x1c", 4);
    ck_assert_uint_eq(poll_n(c, buf, sizeof(buf), 4, &ev), 4);
    ck_assert_mem_eq(buf, "\x03\r\x1a\x1c", 4);

    console_close(c);
    ck_assert_int_eq(tcgetattr(s, &after), 0);
    ck_assert(tio_equal(&before, &after));
    /* and a new console may open again */
    c = open_ok(0);
    console_close(c);
    ck_assert_int_eq(tcgetattr(s, &after), 0);
    ck_assert(tio_equal(&before, &after));
    close(m);
}
END_TEST

START_TEST(test_tty_signals_flag)
{
    int s, m = stdin_pty(&s);
    struct termios raw;
    struct console *c = open_ok(CONSOLE_SIGNALS);

    ck_assert_int_eq(tcgetattr(s, &raw), 0);
    ck_assert(raw.c_lflag & ISIG);
    ck_assert(!(raw.c_lflag & ICANON));
    console_close(c);
    close(m);
}
END_TEST

START_TEST(test_tty_no_raw_flag)
{
    int s, m = stdin_pty(&s);
    struct termios before, after;

    tcgetattr(s, &before);
    struct console *c = open_ok(CONSOLE_NO_RAW);
    tcgetattr(s, &after);
    ck_assert(tio_equal(&before, &after));
    console_close(c);
    close(m);
}
END_TEST

/* A second process on the same terminal (ctest -j, two rvisors in one shell) leaves the
 * modes to the first, so the last one to exit cannot restore the first one's raw modes. */
START_TEST(test_tty_second_process_leaves_modes)
{
    int s, m = stdin_pty(&s);
    int ready[2], go[2];
    struct termios before, now;
    char b = 0;

    ck_assert_int_eq(tcgetattr(s, &before), 0);
    ck_assert_int_eq(pipe(ready), 0);
    ck_assert_int_eq(pipe(go), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct console *c = console_open(0, NULL, 0);
        if (write(ready[1], "r", 1) != 1 || read(go[0], &b, 1) != 1)
            _exit(97);
        console_close(c);
        _exit(c ? 0 : 99);
    }
    ck_assert_int_eq(read(ready[0], &b, 1), 1);
    ck_assert_int_eq(tcgetattr(s, &now), 0);
    ck_assert(!(now.c_lflag & ICANON));        /* the child's raw mode */
    struct console *c = open_ok(0);            /* works, but does not touch the modes */
    ck_assert_int_eq(write(go[1], "g", 1), 1); /* the first one exits first */
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_eq(tcgetattr(s, &now), 0);
    ck_assert(tio_equal(&before, &now));
    console_close(c); /* and the second one must not put raw modes back */
    ck_assert_int_eq(tcgetattr(s, &now), 0);
    ck_assert(tio_equal(&before, &now));
    close(m);
}
END_TEST

/* Child: open the console on the pty, then end the way given; parent checks the modes. */
static struct console *volatile child_console; /* see run_child_and_check */

static void run_child_and_check(void (*end)(void), int want_sig, int want_code)
{
    int s, m = stdin_pty(&s);
    struct termios before, after;
    int status;

    ck_assert_int_eq(tcgetattr(s, &before), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGSEGV, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        char err[128];
        struct console *c = console_open(0, err, sizeof(err));
        struct termios raw;
        if (!c || tcgetattr(STDIN_FILENO, &raw) < 0 || (raw.c_lflag & ICANON))
            _exit(99);
        /* The child ends without console_close on purpose (that is the case under test):
           keep the console reachable so LeakSanitizer does not count it as a leak. */
        child_console = c;
        end();
        _exit(98);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    if (want_sig) {
        ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == want_sig,
                      "child status %#x, wanted signal %d", status, want_sig);
    } else {
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == want_code,
                      "child status %#x, wanted exit %d", status, want_code);
    }
    ck_assert_int_eq(tcgetattr(s, &after), 0);
    ck_assert(tio_equal(&before, &after));
    close(m);
}

static void end_sigterm(void)
{
    kill(getpid(), SIGTERM);
    for (;;)
        pause();
}

static void end_sighup(void)
{
    raise(SIGHUP);
}

static void end_segv(void)
{
    raise(SIGSEGV);
}

static void end_exit(void)
{
    exit(7); /* no console_close: the atexit handler restores */
}

START_TEST(test_tty_restored_on_sigterm)
{
    run_child_and_check(end_sigterm, SIGTERM, 0);
}
END_TEST

START_TEST(test_tty_restored_on_sighup)
{
    run_child_and_check(end_sighup, SIGHUP, 0);
}
END_TEST

START_TEST(test_tty_restored_on_segv)
{
    run_child_and_check(end_segv, SIGSEGV, 0);
}
END_TEST

START_TEST(test_tty_restored_at_exit)
{
    run_child_and_check(end_exit, 0, 7);
}
END_TEST

/* A handler someone installed before the console is left in place. */
static volatile sig_atomic_t usr1_seen;
static void on_usr1(int sig)
{
    usr1_seen = 1;
}

START_TEST(test_existing_handler_kept)
{
    int s, m = stdin_pty(&s);
    struct sigaction sa, now;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGTERM, SIG_DFL);
    struct console *c = open_ok(0);
    sigaction(SIGUSR1, NULL, &now);
    ck_assert(now.sa_handler == on_usr1);
    raise(SIGUSR1);
    ck_assert(usr1_seen);
    sigaction(SIGTERM, NULL, &now);
    ck_assert(now.sa_handler != SIG_DFL); /* the console's own */
    console_close(c);
    sigaction(SIGTERM, NULL, &now);
    ck_assert(now.sa_handler == SIG_DFL); /* given back */
    close(m);
    close(s);
}
END_TEST

static Suite *console_suite(void)
{
    Suite *s = suite_create("console");
    TCase *tc = tcase_create("pipe");
    tcase_add_test(tc, test_pipe_passes_bytes);
    tcase_add_test(tc, test_escape_quit);
    tcase_add_test(tc, test_escape_split_across_reads);
    tcase_add_test(tc, test_escape_escape_sends_one);
    tcase_add_test(tc, test_escape_unknown_swallowed);
    tcase_add_test(tc, test_escape_help);
    tcase_add_test(tc, test_no_escape_flag);
    tcase_add_test(tc, test_eof_stops_reading);
    tcase_add_test(tc, test_dev_null);
    tcase_add_test(tc, test_closed_stdin);
    tcase_add_test(tc, test_file_input);
    tcase_add_test(tc, test_wait);
    tcase_add_test(tc, test_small_cap_and_flow_control);
    tcase_add_test(tc, test_quit_seen_with_no_room);
    tcase_add_test(tc, test_output);
    suite_add_tcase(s, tc);
    tc = tcase_create("tty");
    tcase_add_test(tc, test_tty_raw_and_restore);
    tcase_add_test(tc, test_tty_signals_flag);
    tcase_add_test(tc, test_tty_no_raw_flag);
    tcase_add_test(tc, test_tty_second_process_leaves_modes);
    tcase_add_test(tc, test_tty_restored_on_sigterm);
    tcase_add_test(tc, test_tty_restored_on_sighup);
    tcase_add_test(tc, test_tty_restored_on_segv);
    tcase_add_test(tc, test_tty_restored_at_exit);
    tcase_add_test(tc, test_existing_handler_kept);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(console_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
