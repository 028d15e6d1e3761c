/*
 * The host side of the serial console: stdin/stdout used as QEMU's stdio chardev with the
 * -nographic mux (chardev/char-stdio.c, chardev/char-mux.c). See console.h.
 *
 * Raw mode copies QEMU's qemu_chr_set_echo_stdio(): input fully raw, 8 bits, no ISIG (as
 * "mon:stdio" sets signal=off), but OPOST is kept so the terminal's own output settings
 * (ONLCR) still apply: a guest that sends "\r\n" gets "\r\r\n", which looks the same.
 * Escapes follow mux_proc_byte(): C-a h/?, C-a x, C-a C-a; any other byte after C-a is
 * swallowed. Left out: C-a s (no snapshot disks), C-a b (the UART has no break), C-a c (no
 * monitor yet), C-a t (timestamps), a configurable escape character.
 *
 * File-scope state: restoring the terminal from a signal handler or an atexit() handler
 * needs the saved modes where those handlers can reach them, and nothing can be passed to
 * them, so the saved termios, the modes to re-apply after SIGCONT, and an "active" flag
 * (sig_atomic_t) live at file scope. That also makes "one console owns the terminal"
 * explicit: a second console_open() while a terminal is in raw mode is refused.
 */
#if !defined(_WIN32) && !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700 /* termios, sigaction with SA_* flags, pselect */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#endif

#include "devices/chardev.h"
#include "hv/console.h"

#define CONSOLE_ESC          0x01 /* Ctrl-A */
#define CONSOLE_PENDING      4096 /* input read but not yet taken by the guest */
#define CONSOLE_TTY_READ     256  /* from a terminal, read at least this much (for escapes) */
#define CONSOLE_MAX_HANDLERS 16   /* fatal signals + SIGCONT */

static const char console_help[] = "\r\n"
                                   "C-a h    print this help\r\n"
                                   "C-a x    exit emulator\r\n"
                                   "C-a C-a  sends C-a\r\n";
static const char console_bye[] = "\r\nrvisor: terminated\r\n";

struct console {
    int flags;
    bool tty; /* stdin is a terminal that we put in raw mode */
    bool eof; /* stdin has ended (or failed): stop reading */
    bool got_escape;
    size_t npending;
    uint8_t pending[CONSOLE_PENDING];
    struct chardev out;
#ifdef _WIN32
    HANDLE hin, hout;
    DWORD in_mode, out_mode;
    bool in_console, in_pipe, out_console;
#else
    int lock_fd; /* the terminal, opened again to hold a lock on it; -1: none */
    bool installed[CONSOLE_MAX_HANDLERS];
    struct sigaction old_action[CONSOLE_MAX_HANDLERS];
#endif
};

static void console_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

/* ================= host back end: POSIX ================= */
#ifndef _WIN32

static struct termios console_saved_tio; /* the modes to restore */
static struct termios console_raw_tio;   /* the modes to re-apply after SIGCONT */
static volatile sig_atomic_t console_tio_active;
static bool console_atexit_registered; /* only touched by console_open (main thread) */

/* Signals whose default action ends the process: restore the terminal first. */
static const int console_fatal_signals[] = {
    SIGHUP,  SIGINT,  SIGQUIT, SIGILL,  SIGABRT, SIGFPE,  SIGSEGV, SIGBUS,
    SIGPIPE, SIGALRM, SIGTERM, SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ,
};
#define CONSOLE_NSIGNALS (sizeof(console_fatal_signals) / sizeof(console_fatal_signals[0]))
_Static_assert(CONSOLE_NSIGNALS + 1 <= CONSOLE_MAX_HANDLERS, "room for every handler");

static void console_restore_tio(void)
{
    if (console_tio_active) {
        tcsetattr(STDIN_FILENO, TCSANOW, &console_saved_tio);
        console_tio_active = 0;
    }
}

static void console_atexit(void)
{
    console_restore_tio();
}

/* Async-signal-safe only: tcsetattr, signal, raise, pthread_sigmask. */
static void console_on_fatal_signal(int sig)
{
    sigset_t set;

    console_restore_tio();
    signal(sig, SIG_DFL);
    raise(sig); /* pending: sig is blocked while its handler runs */
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL); /* the default action happens here */
}

/* After a stop (kill -STOP, or a shell that stopped us), put raw mode back, as QEMU does. */
static void console_on_sigcont(int sig)
{
    int saved_errno = errno;

    if (console_tio_active && tcgetpgrp(STDIN_FILENO) == getpgrp())
        tcsetattr(STDIN_FILENO, TCSANOW, &console_raw_tio);
    errno = saved_errno;
}

static void console_install_handlers(struct console *c)
{
    struct sigaction sa, old;

    memset(&sa, 0, sizeof(sa));
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < CONSOLE_NSIGNALS; i++) {
        int sig = console_fatal_signals[i];
        /* Leave alone a signal someone already handles or ignores (nohup, ASan, ...). */
        if (sigaction(sig, NULL, &old) < 0 || (old.sa_flags & SA_SIGINFO) ||
            old.sa_handler != SIG_DFL)
            continue;
        sa.sa_handler = console_on_fatal_signal;
        if (sigaction(sig, &sa, &c->old_action[i]) == 0)
            c->installed[i] = true;
    }
    if (sigaction(SIGCONT, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
        old.sa_handler == SIG_DFL) {
        sa.sa_handler = console_on_sigcont;
        sa.sa_flags = SA_RESTART;
        if (sigaction(SIGCONT, &sa, &c->old_action[CONSOLE_NSIGNALS]) == 0)
            c->installed[CONSOLE_NSIGNALS] = true;
    }
}

static void console_remove_handlers(struct console *c)
{
    for (size_t i = 0; i <= CONSOLE_NSIGNALS; i++) {
        if (c->installed[i])
            sigaction(i < CONSOLE_NSIGNALS ? console_fatal_signals[i] : SIGCONT, &c->old_action[i],
                      NULL);
        c->installed[i] = false;
    }
}

/* The modes QEMU's stdio chardev uses (qemu_chr_set_echo_stdio with echo off). */
static void console_make_raw(struct termios *t, int flags)
{
    t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t->c_oflag |= OPOST;
    t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN);
    if (!(flags & CONSOLE_SIGNALS))
        t->c_lflag &= ~(tcflag_t)ISIG;
    t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t->c_cflag |= CS8;
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

/*
 * Two processes on one terminal (rvisor twice in one shell, or ctest -j running several
 * tests with the terminal as stdin) would each save the modes and restore them at exit;
 * if the second saves the first one's raw modes and exits last, the terminal stays raw.
 * So the process that changes the modes holds a write lock on the terminal device (fcntl
 * record locks are per process and the kernel drops them however the process ends), and a
 * console that cannot get it leaves the modes alone. Returns the locked fd, -1 when another
 * process holds the lock, -2 when locking is not possible here (then go ahead without).
 */
static void host_unlock(struct console *c)
{
    if (c->lock_fd >= 0)
        close(c->lock_fd); /* closing any fd on the file drops this process's locks */
    c->lock_fd = -1;
}

static int console_lock_tty(void)
{
    const char *name = ttyname(STDIN_FILENO);
    if (!name)
        return -2;
    int fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return -2;
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &l) == 0)
        return fd;
    int e = errno;
    close(fd);
    return e == EACCES || e == EAGAIN ? -1 : -2;
}

static int host_open(struct console *c, char *err, size_t errlen)
{
    struct termios t;

    c->lock_fd = -1;
    if (console_tio_active) {
        console_err(err, errlen, "the terminal is already in use by another console");
        return -1;
    }
    fflush(stdout); /* stdio output written so far goes out before the console's */
    if ((c->flags & CONSOLE_NO_RAW) || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &t) < 0)
        return 0;
    int lock = console_lock_tty();
    if (lock == -1)
        return 0; /* another process has the terminal in raw mode: leave it to that one */
    c->lock_fd = lock;
    console_saved_tio = t;
    console_make_raw(&t, c->flags);
    console_raw_tio = t;
    if (!console_atexit_registered && atexit(console_atexit) == 0)
        console_atexit_registered = true;
    console_install_handlers(c);
    console_tio_active = 1;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0) {
        console_tio_active = 0;
        console_remove_handlers(c);
        host_unlock(c);
        return 0; /* not fatal: the console works in cooked mode */
    }
    c->tty = true;
    return 0;
}

static void host_close(struct console *c)
{
    if (c->tty) {
        console_restore_tio();
        console_remove_handlers(c);
        c->tty = false;
    }
    host_unlock(c);
}

/* Write every byte to stdout; give up only when stdout is gone. */
static void host_write(const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = write(STDOUT_FILENO, buf, len);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = {.fd = STDOUT_FILENO, .events = POLLOUT};
            poll(&p, 1, 100); /* stdout was made non-blocking by someone: wait for room */
        } else {
            return; /* EPIPE, EIO, ENOSPC, EBADF: nowhere to write */
        }
    }
}

/* >0 bytes read, 0 nothing there now, -1 end of file or a lasting error. Never blocks. */
static long host_read(struct console *c, uint8_t *buf, size_t len)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    int r = poll(&p, 1, 0);

    if (r < 0)
        return errno == EINTR || errno == EAGAIN || errno == ENOMEM ? 0 : -1;
    if (r == 0)
        return 0;
    if (p.revents & POLLNVAL)
        return -1; /* stdin is closed */
    ssize_t n = read(STDIN_FILENO, buf, len);
    if (n > 0)
        return (long)n;
    if (n == 0)
        return -1;
    return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
}

static void host_sleep(uint64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u),
                          .tv_nsec = (long)(ns % 1000000000u)};
    nanosleep(&ts, NULL);
}

static bool host_wait(struct console *c, uint64_t ns)
{
    fd_set rd;
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u),
                          .tv_nsec = (long)(ns % 1000000000u)};

    FD_ZERO(&rd);
    FD_SET(STDIN_FILENO, &rd);
    int r = pselect(STDIN_FILENO + 1, &rd, NULL, NULL, &ts, NULL);
    if (r < 0 && errno == EBADF) {
        c->eof = true;
        host_sleep(ns);
        return false;
    }
    return r != 0;
}

/* ================= host back end: Windows ================= */
#else

#ifndef ENABLE_VIRTUAL_TERMINAL_INPUT
#define ENABLE_VIRTUAL_TERMINAL_INPUT 0x0200
#endif
#ifndef ENABLE_VIRTUAL_TERMINAL_PROCESSING
#define ENABLE_VIRTUAL_TERMINAL_PROCESSING 0x0004
#endif

/* The console modes to put back at exit (atexit and console close events). */
static HANDLE console_saved_hin = INVALID_HANDLE_VALUE;
static DWORD console_saved_in_mode;
static volatile LONG console_mode_active;
static bool console_handlers_registered;

static void console_restore_mode(void)
{
    if (InterlockedExchange(&console_mode_active, 0))
        SetConsoleMode(console_saved_hin, console_saved_in_mode);
}

static void console_atexit(void)
{
    console_restore_mode();
}

static BOOL WINAPI console_ctrl_handler(DWORD type)
{
    (void)type;
    console_restore_mode();
    return FALSE; /* let the default handler end the process */
}

static int host_open(struct console *c, char *err, size_t errlen)
{
    DWORD mode;

    if (console_mode_active) {
        console_err(err, errlen, "the terminal is already in use by another console");
        return -1;
    }
    fflush(stdout);
    c->hin = GetStdHandle(STD_INPUT_HANDLE);
    c->hout = GetStdHandle(STD_OUTPUT_HANDLE);
    if (c->hout != NULL && c->hout != INVALID_HANDLE_VALUE &&
        GetConsoleMode(c->hout, &c->out_mode)) {
        c->out_console = true; /* let the guest's escape sequences through */
        SetConsoleMode(c->hout,
                       c->out_mode | ENABLE_PROCESSED_OUTPUT | ENABLE_VIRTUAL_TERMINAL_PROCESSING);
    }
    if (c->hin == NULL || c->hin == INVALID_HANDLE_VALUE) {
        c->eof = true;
        return 0;
    }
    if (GetFileType(c->hin) == FILE_TYPE_PIPE)
        c->in_pipe = true;
    if ((c->flags & CONSOLE_NO_RAW) || !GetConsoleMode(c->hin, &mode))
        return 0;
    c->in_console = true;
    c->in_mode = mode;
    console_saved_hin = c->hin;
    console_saved_in_mode = mode;
    mode &=
        ~(DWORD)(ENABLE_ECHO_INPUT | ENABLE_LINE_INPUT | ENABLE_MOUSE_INPUT | ENABLE_WINDOW_INPUT);
    if (!(c->flags & CONSOLE_SIGNALS))
        mode &= ~(DWORD)ENABLE_PROCESSED_INPUT;
    mode |= ENABLE_VIRTUAL_TERMINAL_INPUT;
    if (!console_handlers_registered) {
        atexit(console_atexit);
        SetConsoleCtrlHandler(console_ctrl_handler, TRUE);
        console_handlers_registered = true;
    }
    InterlockedExchange(&console_mode_active, 1);
    if (!SetConsoleMode(c->hin, mode)) {
        /* older consoles without VT input: raw keys still work, arrows do not */
        mode &= ~(DWORD)ENABLE_VIRTUAL_TERMINAL_INPUT;
        SetConsoleMode(c->hin, mode);
    }
    c->tty = true;
    return 0;
}

static void host_close(struct console *c)
{
    if (c->tty)
        console_restore_mode();
    if (c->out_console)
        SetConsoleMode(c->hout, c->out_mode);
    c->tty = false;
    c->out_console = false;
}

static void host_write(const uint8_t *buf, size_t len)
{
    HANDLE h = GetStdHandle(STD_OUTPUT_HANDLE);

    while (len) {
        DWORD n = 0, chunk = len > 65536 ? 65536 : (DWORD)len;
        if (!WriteFile(h, buf, chunk, &n, NULL) || n == 0)
            return;
        buf += n;
        len -= n;
    }
}

/* A key press as UTF-8 (VT input mode turns special keys into escape sequences). */
static size_t console_key_utf8(const KEY_EVENT_RECORD *k, uint8_t *out)
{
    WCHAR w = k->uChar.UnicodeChar;
    if (!k->bKeyDown || w == 0)
        return 0;
    int n = WideCharToMultiByte(CP_UTF8, 0, &w, 1, (char *)out, 4, NULL, NULL);
    return n > 0 ? (size_t)n : 0;
}

static long host_read(struct console *c, uint8_t *buf, size_t len)
{
    DWORD n = 0;

    if (c->in_console) {
        INPUT_RECORD rec[64];
        DWORD avail = 0;
        size_t got = 0;
        while (got + 4 <= len && GetNumberOfConsoleInputEvents(c->hin, &avail) && avail) {
            DWORD want = avail < 64 ? avail : 64;
            if (!ReadConsoleInputW(c->hin, rec, want, &n))
                return got ? (long)got : -1;
            for (DWORD i = 0; i < n; i++) {
                if (rec[i].EventType != KEY_EVENT)
                    continue;
                WORD rep = rec[i].Event.KeyEvent.wRepeatCount;
                for (WORD r = 0; r < (rep ? rep : 1) && got + 4 <= len; r++)
                    got += console_key_utf8(&rec[i].Event.KeyEvent, buf + got);
            }
        }
        return (long)got;
    }
    if (c->in_pipe) {
        DWORD avail = 0;
        if (!PeekNamedPipe(c->hin, NULL, 0, NULL, &avail, NULL))
            return -1; /* broken pipe: the writer is gone */
        if (avail == 0)
            return 0;
        if (avail < len)
            len = avail;
    }
    /* a file, NUL or a pipe with data: ReadFile returns at once */
    if (!ReadFile(c->hin, buf, (DWORD)(len > 65536 ? 65536 : len), &n, NULL))
        return -1;
    return n ? (long)n : -1;
}

static void host_sleep(uint64_t ns)
{
    Sleep((DWORD)((ns + 999999) / 1000000));
}

static bool host_wait(struct console *c, uint64_t ns)
{
    DWORD ms = (DWORD)((ns + 999999) / 1000000);
    if (c->in_console)
        return WaitForSingleObject(c->hin, ms) == WAIT_OBJECT_0;
    if (c->in_pipe) {
        DWORD avail = 0;
        if (PeekNamedPipe(c->hin, NULL, 0, NULL, &avail, NULL) && avail)
            return true;
        Sleep(ms < 10 ? ms : 10); /* pipes cannot be waited on: check again soon */
        return PeekNamedPipe(c->hin, NULL, 0, NULL, &avail, NULL) ? avail != 0 : true;
    }
    return true; /* a file: reading never blocks */
}

#endif

/* ================= common: escapes and buffering ================= */

static void console_chardev_write(void *opaque, const uint8_t *buf, size_t len)
{
    host_write(buf, len);
}

static void console_keep(struct console *c, uint8_t b)
{
    if (c->npending < CONSOLE_PENDING)
        c->pending[c->npending++] = b;
    /* else: the guest is not reading and a terminal keeps typing: overrun, dropped */
}

/* Feed bytes from the host through the escape handling into the pending buffer. */
static void console_process(struct console *c, const uint8_t *in, size_t n,
                            enum console_event *event)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t b = in[i];
        if (c->got_escape) {
            c->got_escape = false;
            switch (b) {
            case CONSOLE_ESC: console_keep(c, b); break;
            case 'h':
            case '?': host_write((const uint8_t *)console_help, sizeof(console_help) - 1); break;
            case 'x':
                host_write((const uint8_t *)console_bye, sizeof(console_bye) - 1);
                *event = CONSOLE_EV_QUIT;
                return;     /* the rest is not for the guest any more */
            default: break; /* unknown command: swallowed, as QEMU does */
            }
        } else if (b == CONSOLE_ESC && !(c->flags & CONSOLE_NO_ESCAPE)) {
            c->got_escape = true;
        } else {
            console_keep(c, b);
        }
    }
}

struct console *console_open(int flags, char *err, size_t errlen)
{
    struct console *c = calloc(1, sizeof(*c));

    if (!c) {
        console_err(err, errlen, "out of memory");
        return NULL;
    }
    c->flags = flags;
    c->out = (struct chardev){.write = console_chardev_write, .opaque = c};
    if (host_open(c, err, errlen) < 0) {
        free(c);
        return NULL;
    }
    return c;
}

void console_close(struct console *c)
{
    if (!c)
        return;
    host_close(c);
    free(c);
}

const struct chardev *console_chardev(struct console *c)
{
    return &c->out;
}

size_t console_poll(struct console *c, uint8_t *buf, size_t cap, enum console_event *event)
{
    uint8_t tmp[CONSOLE_PENDING];
    size_t room = CONSOLE_PENDING - c->npending;

    *event = CONSOLE_EV_NONE;
    /* From a terminal, always read a little so C-a x works even if the guest never reads;
     * from a pipe or file, read only what fits and let the rest wait in the pipe. */
    if (c->tty && room < CONSOLE_TTY_READ)
        room = CONSOLE_TTY_READ;
    if (!c->eof && room) {
        long n = host_read(c, tmp, room);
        if (n < 0)
            c->eof = true;
        else
            console_process(c, tmp, (size_t)n, event);
    }
    size_t n = cap < c->npending ? cap : c->npending;
    if (n) {
        memcpy(buf, c->pending, n);
        memmove(c->pending, c->pending + n, c->npending - n);
        c->npending -= n;
    }
    return n;
}

size_t console_pending(const struct console *c)
{
    return c->npending;
}

bool console_wait(struct console *c, uint64_t timeout_ns)
{
    if (c->eof || (!c->tty && c->npending >= CONSOLE_PENDING)) {
        host_sleep(timeout_ns);
        return false;
    }
    return host_wait(c, timeout_ns);
}

bool console_eof(const struct console *c)
{
    return c->eof;
}
