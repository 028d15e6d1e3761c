/*
 * The GDB stub of one VM: a TCP listener (127.0.0.1 by default), one debugger connection
 * at a time, and run control in GDB's all-stop mode. It runs in the VM's run-loop thread:
 * gdbstub_poll() is called between slices; when a hart hits a breakpoint or watchpoint,
 * the debugger sends Ctrl-C, or a debugger attaches, the VM stops there and the stub serves
 * packets until the debugger continues, detaches (breakpoints removed, VM resumed) or
 * kills (the VM ends). A single step runs one instruction on one hart with interrupts held
 * off, as QEMU's default single-step does. The packet layer is gdb_cmd.c; framing
 * gdb_proto.c. POSIX sockets, with a Winsock path.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200112L /* getaddrinfo, poll */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
typedef SOCKET gdb_sock;
typedef WSAPOLLFD gdb_pollfd;
#define GDB_NO_SOCK        INVALID_SOCKET
#define sock_close         closesocket
#define sock_poll(f, n, t) WSAPoll((f), (ULONG)(n), (t))
#define sock_again()       (WSAGetLastError() == WSAEWOULDBLOCK)
#else
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
typedef int gdb_sock;
typedef struct pollfd gdb_pollfd;
#define GDB_NO_SOCK  (-1)
#define sock_close   close
#define sock_poll    poll
#define sock_again() (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
#endif
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

#include "hv/clock.h"
#include "hv/console.h"
#include "hv/gdb_proto.h"
#include "hv/gdbstub.h"
#include "hv/vm_internal.h"

#define GDB_POLL_NS         2000000ull /* look at the socket at most every 2 ms while running */
#define GDB_WAIT_MS         100        /* poll timeout while stopped */
#define GDB_SEND_TIMEOUT_MS 5000

struct gdbstub {
    struct vm *vm;
    struct gdb_session s;
    gdb_sock lfd, cfd;
    struct gdb_rx rx;
    struct gdb_reply reply;
    char tx[2 * GDB_PACKET_MAX + 8]; /* the last packet sent, for a nak */
    size_t txlen;
    bool stopped;       /* the VM is stopped under the debugger */
    bool start_stopped; /* -S: stop before the first instruction */
    bool exit_reported;
    uint64_t last_poll_ns;
};

static int sock_nonblock(gdb_sock s)
{
#ifdef _WIN32
    u_long on = 1;
    return ioctlsocket(s, FIONBIO, &on) == 0 ? 0 : -1;
#else
    int fl = fcntl(s, F_GETFL);
    return fl < 0 || fcntl(s, F_SETFL, fl | O_NONBLOCK) < 0 ? -1 : 0;
#endif
}

/* "tcp::1234", "tcp:HOST:PORT", "HOST:PORT", ":PORT", "PORT"; [v6] hosts. */
static int parse_spec(const char *spec, char *host, size_t hostlen, unsigned *port)
{
    const char *colon;
    char *end;
    unsigned long p;
    size_t n;

    if (!strncmp(spec, "tcp:", 4))
        spec += 4;
    colon = strrchr(spec, ':');
    host[0] = 0;
    if (colon) {
        n = (size_t)(colon - spec);
        if (n >= 2 && spec[0] == '[' && spec[n - 1] == ']') {
            spec++;
            n -= 2;
        }
        if (n >= hostlen)
            return -EINVAL;
        memcpy(host, spec, n);
        host[n] = 0;
        spec = colon + 1;
    }
    if (!*spec || *spec == '-' || *spec == '+')
        return -EINVAL;
    errno = 0;
    p = strtoul(spec, &end, 10);
    if (errno || *end || p > 65535)
        return -EINVAL;
    *port = (unsigned)p;
    return 0;
}

static int open_listener(struct gdbstub *g, const char *host, unsigned port, char *err,
                         size_t errlen)
{
    struct addrinfo hints = {0}, *ai = NULL, *a;
    char portstr[8];
    int rc, one = 1;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(portstr, sizeof(portstr), "%u", port);
    rc = getaddrinfo(host[0] ? host : "127.0.0.1", portstr, &hints, &ai);
    if (rc != 0) {
        snprintf(err, errlen, "gdb: cannot resolve '%s': %s", host, gai_strerror(rc));
        return -EINVAL;
    }
    for (a = ai; a; a = a->ai_next) {
        g->lfd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (g->lfd == GDB_NO_SOCK)
            continue;
        setsockopt(g->lfd, SOL_SOCKET, SO_REUSEADDR, (const char *)&one, sizeof(one));
        if (bind(g->lfd, a->ai_addr, (socklen_t)a->ai_addrlen) == 0 && listen(g->lfd, 1) == 0 &&
            sock_nonblock(g->lfd) == 0)
            break;
        sock_close(g->lfd);
        g->lfd = GDB_NO_SOCK;
    }
    freeaddrinfo(ai);
    if (g->lfd == GDB_NO_SOCK) {
        snprintf(err, errlen, "gdb: cannot listen on %s:%u: %s", host[0] ? host : "127.0.0.1", port,
                 strerror(errno));
        return -EADDRINUSE;
    }
    if (port == 0) { /* tell the user which port the system picked */
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        if (getsockname(g->lfd, (struct sockaddr *)&ss, &sl) == 0) {
            unsigned p = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                                  : ntohs(((struct sockaddr_in *)&ss)->sin_port);
            fprintf(stderr, "rvisor: gdb: listening on %s:%u\n", host[0] ? host : "127.0.0.1", p);
        }
    }
    return 0;
}

int gdbstub_create(struct vm *vm, const char *spec, bool wait_for_debugger, struct gdbstub **out,
                   char *err, size_t errlen)
{
    struct gdbstub *g;
    char host[256];
    unsigned port;
    int rc;

    *out = NULL;
    if (parse_spec(spec, host, sizeof(host), &port) < 0) {
        snprintf(err, errlen, "invalid -gdb '%s' (tcp:HOST:PORT or tcp::PORT)", spec);
        return -EINVAL;
    }
    g = calloc(1, sizeof(*g));
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
#ifdef _WIN32
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        free(g);
        snprintf(err, errlen, "gdb: WSAStartup failed");
        return -EIO;
    }
#endif
    g->vm = vm;
    g->lfd = g->cfd = GDB_NO_SOCK;
    gdb_rx_init(&g->rx);
    if (gdb_session_init(&g->s, vm->harts, vm->nharts) < 0) {
        snprintf(err, errlen, "out of memory");
        gdbstub_destroy(g);
        return -ENOMEM;
    }
    rc = open_listener(g, host, port, err, errlen);
    if (rc < 0) {
        gdbstub_destroy(g);
        return rc;
    }
    if (wait_for_debugger) {
        g->start_stopped = true;
        for (unsigned i = 0; i < vm->nharts; i++)
            hart_request_stop(&vm->harts[i]); /* not one instruction before GDB says so */
    }
    *out = g;
    return 0;
}

void gdbstub_destroy(struct gdbstub *g)
{
    if (!g)
        return;
    if (g->cfd != GDB_NO_SOCK)
        sock_close(g->cfd);
    if (g->lfd != GDB_NO_SOCK)
        sock_close(g->lfd);
    gdb_session_destroy(&g->s);
#ifdef _WIN32
    WSACleanup();
#endif
    free(g);
}

/* ---- the connection ---- */

static void gdb_resume(struct gdbstub *g)
{
    struct vm *vm = g->vm;

    for (unsigned i = 0; i < vm->nharts; i++) {
        struct hart *h = &vm->harts[i];
        h->dbg_stop.reason = HART_DBG_NONE;
        h->dbg_stop.skip = true; /* continuing from a breakpoint runs its instruction */
        h->dbg_stop.skip_pc = h->pc;
        if (!atomic_load(&vm->stop))
            atomic_store(&h->stop_request, false); /* left over from -S */
    }
    g->stopped = false;
}

static void gdb_disconnect(struct gdbstub *g)
{
    if (g->cfd != GDB_NO_SOCK)
        sock_close(g->cfd);
    g->cfd = GDB_NO_SOCK;
    g->s.dbg.nbp = g->s.dbg.nwp = 0;
    gdb_sync_harts(&g->s);
    g->s.no_ack = g->s.no_ack_pending = false;
    g->s.last_stop[0] = 0;
    gdb_rx_init(&g->rx);
    g->txlen = 0;
    if (g->stopped)
        gdb_resume(g);
}

static int gdb_send_raw(struct gdbstub *g, const char *buf, size_t len)
{
    while (len > 0) {
        gdb_pollfd pfd = {.fd = g->cfd, .events = POLLOUT};
        long n = (long)send(g->cfd, buf, (int)len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && sock_again() && sock_poll(&pfd, 1, GDB_SEND_TIMEOUT_MS) > 0)
            continue;
        gdb_disconnect(g); /* gone, or not reading for seconds */
        return -EIO;
    }
    return 0;
}

static int gdb_send_packet(struct gdbstub *g, const char *body, size_t len)
{
    g->txlen = gdb_frame(body, len, g->tx, sizeof(g->tx));
    if (g->txlen == 0)
        g->txlen = gdb_frame("E01", 3, g->tx, sizeof(g->tx));
    return gdb_send_raw(g, g->tx, g->txlen);
}

/* Stop the VM for the debugger with hart i named in the stop reply (if send). */
static void gdb_stop(struct gdbstub *g, unsigned i, unsigned sig, bool send)
{
    g->stopped = true;
    gdb_stop_reply(&g->s, i, sig, &g->reply);
    if (send && g->cfd != GDB_NO_SOCK)
        gdb_send_packet(g, g->reply.buf, g->reply.len);
    g->vm->harts[i].dbg_stop.reason = HART_DBG_NONE; /* reported */
}

/* One instruction on hart i, interrupts held off; then report the stop. */
static void gdb_step(struct gdbstub *g, unsigned i)
{
    struct vm *vm = g->vm;
    struct hart *h = &vm->harts[i];

    if (vm->hsm[i] != HSM_STOPPED) {
        h->dbg_stop.reason = HART_DBG_NONE;
        atomic_store(&h->irq_check, false);
        hart_step(h);
        atomic_store(&h->irq_check, true);
        clock_account_insns(&vm->clock, 1);
    }
    if (vm->exit.kind == VM_EXIT_NONE)
        gdb_stop(g, i, 5, true);
}

static void gdb_accept(struct gdbstub *g)
{
    gdb_sock c = accept(g->lfd, NULL, NULL);
    int one = 1;

    if (c == GDB_NO_SOCK)
        return;
    if (g->cfd != GDB_NO_SOCK || sock_nonblock(c) < 0) {
        sock_close(c); /* one debugger at a time */
        return;
    }
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
    g->cfd = c;
    if (!g->stopped)
        gdb_stop(g, g->s.stop_hart, 5, false); /* attaching stops the machine; GDB asks '?' */
}

static void gdb_act(struct gdbstub *g, enum gdb_action act)
{
    switch (act) {
    case GDB_ACT_CONTINUE: gdb_resume(g); break;
    case GDB_ACT_STEP: gdb_step(g, g->s.step_hart < g->vm->nharts ? g->s.step_hart : 0); break;
    case GDB_ACT_DETACH: gdb_disconnect(g); break;
    case GDB_ACT_KILL:
        vm_set_exit(g->vm, VM_EXIT_QUIT, 0, VM_SRC_GDB);
        g->exit_reported = true;
        gdb_disconnect(g);
        g->stopped = false;
        break;
    default: break;
    }
}

static void gdb_packet(struct gdbstub *g)
{
    enum gdb_action act;

    if (!g->s.no_ack && gdb_send_raw(g, "+", 1) < 0)
        return;
    act = gdb_handle(&g->s, g->rx.buf, g->rx.len, &g->reply);
    if (g->reply.send && gdb_send_packet(g, g->reply.buf, g->reply.len) < 0)
        return;
    if (g->s.no_ack_pending) {
        g->s.no_ack = true;
        g->s.no_ack_pending = false;
    }
    gdb_act(g, act);
}

/* Read what the debugger sent and act on it; waits up to timeout_ms for something. */
static void gdb_read(struct gdbstub *g, int timeout_ms)
{
    gdb_pollfd pfd[2] = {{.fd = g->cfd, .events = POLLIN}, {.fd = g->lfd, .events = POLLIN}};
    char buf[4096];
    long n;

    if (sock_poll(pfd, 2, timeout_ms) <= 0)
        return;
    if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
        if (pfd[1].revents & POLLIN)
            gdb_accept(g); /* a second debugger: refused */
        return;
    }
    n = (long)recv(g->cfd, buf, sizeof(buf), 0);
    if (n == 0 || (n < 0 && !sock_again())) {
        gdb_disconnect(g); /* the next debugger may come in */
        return;
    }
    for (long i = 0; i < n && g->cfd != GDB_NO_SOCK; i++) {
        switch (gdb_rx_byte(&g->rx, (uint8_t)buf[i])) {
        case GDB_RX_PACKET: gdb_packet(g); break;
        case GDB_RX_BAD:
            if (!g->s.no_ack)
                gdb_send_raw(g, "-", 1);
            break;
        case GDB_RX_NAK:
            if (g->txlen)
                gdb_send_raw(g, g->tx, g->txlen);
            break;
        case GDB_RX_INTERRUPT:
            if (!g->stopped)
                gdb_stop(g, g->s.stop_hart, 2, true);
            break;
        default: break;
        }
    }
}

/* Wait for a debugger to connect (-S); false if the user quit meanwhile. */
static bool gdb_wait_connection(struct gdbstub *g)
{
    while (g->cfd == GDB_NO_SOCK) {
        gdb_pollfd pfd = {.fd = g->lfd, .events = POLLIN};
        if (sock_poll(&pfd, 1, GDB_WAIT_MS) > 0)
            gdb_accept(g);
        if (atomic_load(&g->vm->stop))
            return false;
        if (g->vm->cfg.input) {
            enum console_event ev;
            uint8_t none;
            console_poll(g->vm->cfg.input, &none, 0, &ev);
            if (ev == CONSOLE_EV_QUIT) {
                vm_set_exit(g->vm, VM_EXIT_QUIT, 0, VM_SRC_CONSOLE);
                return false;
            }
        }
    }
    return true;
}

/* The VM is ending: tell the debugger how (W: exit code, X: killed). */
static void gdb_report_exit(struct gdbstub *g)
{
    const struct vm_exit *ex = &g->vm->exit;
    char pkt[8];

    if (g->exit_reported || (ex->kind == VM_EXIT_RESET && !g->vm->cfg.no_reboot))
        return;
    g->exit_reported = true;
    if (g->cfd == GDB_NO_SOCK)
        return;
    if (ex->kind == VM_EXIT_POWEROFF || ex->kind == VM_EXIT_FAIL || ex->kind == VM_EXIT_RESET ||
        ex->kind == VM_EXIT_QUIT)
        snprintf(pkt, sizeof(pkt), "W%02x",
                 ex->kind == VM_EXIT_FAIL ? (ex->code ? ex->code & 0xff : 1) : 0);
    else
        snprintf(pkt, sizeof(pkt), "X09");
    gdb_send_packet(g, pkt, strlen(pkt));
    g->stopped = false;
}

void gdbstub_poll(struct gdbstub *g)
{
    struct vm *vm = g->vm;
    uint64_t now;

    if (vm->exit.kind != VM_EXIT_NONE) {
        gdb_report_exit(g);
        return;
    }
    if (g->start_stopped) {
        g->start_stopped = false;
        if (!gdb_wait_connection(g))
            return;
        g->stopped = true;
    }
    for (unsigned i = 0; i < vm->nharts && !g->stopped; i++) {
        if (vm->harts[i].dbg_stop.reason == HART_DBG_NONE)
            continue;
        if (g->cfd != GDB_NO_SOCK)
            gdb_stop(g, i, 5, true);
        else
            vm->harts[i].dbg_stop.reason = HART_DBG_NONE; /* the debugger has gone */
    }
    now = clock_host_ns();
    if (!g->stopped && now - g->last_poll_ns < GDB_POLL_NS)
        return;
    g->last_poll_ns = now;
    if (g->cfd == GDB_NO_SOCK) {
        gdb_accept(g);
    } else if (!g->stopped) {
        gdb_read(g, 0);
    }
    while (g->stopped && g->cfd != GDB_NO_SOCK && vm->exit.kind == VM_EXIT_NONE) {
        gdb_read(g, GDB_WAIT_MS);
        if (vm->cfg.input && g->stopped) {
            enum console_event ev;
            uint8_t none;
            console_poll(vm->cfg.input, &none, 0, &ev);
            if (ev == CONSOLE_EV_QUIT)
                vm_set_exit(vm, VM_EXIT_QUIT, 0, VM_SRC_CONSOLE);
        }
    }
    if (vm->exit.kind != VM_EXIT_NONE)
        gdb_report_exit(g);
}
