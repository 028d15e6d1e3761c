/*
 * Where a librvisor VM's UART goes (enum rvisor_console): the caller's callbacks (output
 * counted and capped at console_limit), this process's terminal (hv/console.h), a file,
 * a Unix socket, or nowhere.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/host/chardev_file.h"
#include "devices/host/chardev_socket.h"
#include "hv/console.h"
#include "lib/lib_internal.h"

/* CALLBACKS: count, cap, pass on. Writers of one VM are serialised by its UART. */
static void sink_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct rvisor_vm *v = opaque;
    uint64_t done = atomic_load_explicit(&v->console_bytes, memory_order_relaxed);
    size_t room = done >= v->limit ? 0
                  : (v->limit - done < len ? (size_t)(v->limit - done) : len);
    if (room && v->out)
        v->out(v->opaque, buf, room);
    atomic_fetch_add_explicit(&v->console_bytes, room, memory_order_relaxed);
    atomic_fetch_add_explicit(&v->console_dropped, len - room, memory_order_relaxed);
}

static void drop_write(void *opaque, const uint8_t *buf, size_t len)
{
    (void)opaque;
    (void)buf;
    (void)len;
}

int lib_console_open(struct rvisor_vm *v, enum rvisor_console kind, const char *path,
                     bool append, char *err, size_t errlen)
{
    struct lib_console *c = &v->con;
    memset(c, 0, sizeof(*c));
    c->kind = kind;
    v->cfg.input = NULL;
    switch (kind) {
    case RVISOR_CONSOLE_CALLBACKS:
        c->sink = (struct chardev){sink_write, v};
        v->cfg.console = &c->sink;
        return 0;
    case RVISOR_CONSOLE_STDIO:
    case RVISOR_CONSOLE_STDIO_SIGNALS:
        c->term = console_open(kind == RVISOR_CONSOLE_STDIO ? 0
                                                            : CONSOLE_SIGNALS | CONSOLE_NO_ESCAPE,
                               err, errlen);
        if (!c->term)
            return -1;
        v->cfg.input = c->term;
        v->cfg.console = console_chardev(c->term);
        return 0;
    case RVISOR_CONSOLE_FILE:
    case RVISOR_CONSOLE_SOCKET:
        if (!path || !*path) {
            lib_err(err, errlen, "console: a %s console needs console_path",
                    kind == RVISOR_CONSOLE_FILE ? "file" : "socket");
            return -1;
        }
        if (kind == RVISOR_CONSOLE_FILE) {
            if (chardev_file_open(path, append, &c->file, err, errlen) < 0)
                return -1;
            v->cfg.console = chardev_file_chardev(c->file);
        } else {
            if (chardev_socket_create(path, NULL, NULL, &c->sock, err, errlen) < 0)
                return -1;
            v->cfg.console = chardev_socket_chardev(c->sock);
        }
        return 0;
    case RVISOR_CONSOLE_NONE:
        c->sink = (struct chardev){drop_write, NULL};
        v->cfg.console = &c->sink;
        return 0;
    }
    lib_err(err, errlen, "console: unknown kind %d", (int)kind);
    return -1;
}

static size_t socket_rx(void *opaque, const uint8_t *buf, size_t len)
{
    return vm_console_input(opaque, buf, len);
}

void lib_console_attach(struct rvisor_vm *v)
{
    if (v->con.sock)
        chardev_socket_set_rx(v->con.sock, socket_rx, v->vm);
}

void lib_console_close(struct rvisor_vm *v)
{
    struct lib_console *c = &v->con;
    if (c->sock)
        chardev_socket_set_rx(c->sock, NULL, NULL);
    chardev_socket_destroy(c->sock);
    chardev_file_close(c->file);
    console_close(c->term);
    memset(c, 0, sizeof(*c));
}

size_t lib_console_pull(void *opaque, uint8_t *buf, size_t max)
{
    struct rvisor_vm *v = opaque;
    if (v->con.term) {
        enum console_event ev;
        size_t n = console_poll(v->con.term, buf, max, &ev);
        if (ev == CONSOLE_EV_QUIT && v->host_end == RVISOR_EXIT_NONE) {
            v->host_end = RVISOR_EXIT_QUIT; /* C-a x: the run ends after this slice */
            vm_api_end_from(&v->run, VM_EXIT_QUIT, VM_SRC_CONSOLE);
        }
        return n;
    }
    return v->in ? v->in(v->opaque, buf, max) : 0;
}
