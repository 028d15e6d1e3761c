/*
 * The host side of the serial console: this process's stdin and stdout, as QEMU's
 * `-nographic` (`-serial mon:stdio`) uses them.
 *
 * - stdin a terminal: raw mode as QEMU's stdio chardev sets it (no echo, no line editing,
 *   no ICRNL/IXON, 8 bits, no ISIG so Ctrl-C reaches the guest; output processing is kept,
 *   so a bare '\n' still prints as CR LF). The original modes come back on console_close(),
 *   at exit() and on a fatal signal (SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGSEGV, ...).
 * - stdin anything else (pipe, file, /dev/null): bytes are passed on as they come; at end
 *   of file the console stops reading (no error, no busy loop).
 * - Ctrl-A escapes, as QEMU's mux: C-a x quits (CONSOLE_EV_QUIT), C-a h or C-a ? prints the
 *   list, C-a C-a sends one C-a; C-a followed by anything else is swallowed.
 * - Nothing ever blocks the emulation: console_poll() only reads what is already there.
 *
 * One console per process owns the terminal. When another process already has the same
 * terminal in raw mode (two rvisors in one shell, ctest -j with the terminal as stdin), this
 * one reads it as it is and leaves the modes to that process, so the terminal is not left
 * raw by whichever exits last. Open and close from the main thread. Output
 * (console_chardev) may be written from any thread; console_poll() and console_wait() from
 * one thread at a time.
 */
#ifndef RVISOR_HV_CONSOLE_H
#define RVISOR_HV_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chardev;
struct console;

/* console_open() flags; 0 is QEMU's -nographic behaviour. */
enum console_flags {
    CONSOLE_NO_ESCAPE = 1 << 0, /* no Ctrl-A commands: every byte goes to the guest */
    CONSOLE_SIGNALS = 1 << 1,   /* keep ISIG: Ctrl-C / Ctrl-\ signal rvisor, not the guest */
    CONSOLE_NO_RAW = 1 << 2,    /* leave the terminal modes alone even if stdin is a tty */
};

enum console_event {
    CONSOLE_EV_NONE = 0,
    CONSOLE_EV_QUIT, /* the user typed C-a x: stop the machine and exit */
};

/* NULL with a one-line message in err (another console is open, out of memory). */
struct console *console_open(int flags, char *err, size_t errlen);
/* Restores the terminal; NULL is allowed. */
void console_close(struct console *c);

/* Where the UART writes: stdout, written through at once, retried until every byte is out
 * (bytes are dropped only when stdout is gone: closed pipe, I/O error). */
const struct chardev *console_chardev(struct console *c);

/*
 * Without blocking: reads what stdin has, handles escapes and returns up to cap bytes for
 * the guest in buf. *event is set (CONSOLE_EV_NONE if nothing happened); on
 * CONSOLE_EV_QUIT the bytes before the C-a x are still returned. Bytes that did not fit are
 * kept for the next call (cap may be 0: escapes are still seen). From a terminal, input
 * beyond that small buffer is dropped if the guest never reads, as a real UART overruns;
 * from a pipe or file the console simply stops reading until the guest catches up.
 */
size_t console_poll(struct console *c, uint8_t *buf, size_t cap, enum console_event *event);

/* Bytes read and kept for the guest (console_poll will return them once there is room). */
size_t console_pending(const struct console *c);

/*
 * Waits up to timeout_ns for stdin to have something to read; true if it does (or the wait
 * was cut short by a signal). After end of file it just sleeps for timeout_ns and returns
 * false, so an idle loop can use it as its sleep.
 */
bool console_wait(struct console *c, uint64_t timeout_ns);

/* True once stdin has reached end of file (or failed): no more input will come. */
bool console_eof(const struct console *c);

#endif
