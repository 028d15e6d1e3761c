/*
 * A console back end on a Unix socket (the config file's "console": {"socket": PATH}),
 * like QEMU's `-chardev socket,path=PATH,server=on,wait=off`: connect with
 * `socat -,raw,echo=0 UNIX-CONNECT:PATH` (or `nc -U PATH`) to talk to the guest's UART.
 *
 * - One client at a time. A second connection is told the console is busy and closed.
 * - Output (the chardev, written by the UART on a vCPU thread) never blocks: it is sent
 *   at once when the client keeps up, otherwise queued (up to CHARDEV_SOCKET_OUTQ bytes,
 *   then dropped) and sent by the I/O thread. With no client connected it is dropped.
 * - Input: the I/O thread reads what the client sends and hands it to the rx callback
 *   (which the owner points at vm_console_input). rx returns how many bytes it took; the
 *   rest is kept and offered again every CHARDEV_SOCKET_RETRY_MS, or at once after
 *   chardev_socket_kick() (call it when the guest has read from its UART, if you can).
 *   While bytes are kept nothing more is read, so a fast typist is held back by the
 *   socket, not dropped. rx is called on the I/O thread with no lock of this back end
 *   held (it may take the UART's lock; the UART may write output meanwhile).
 * - One I/O thread per socket (poll loop), started by chardev_socket_create() and joined
 *   by chardev_socket_destroy(); after destroy returns rx is never called again, and the
 *   socket file is removed.
 *
 * POSIX only; on other hosts create fails with -ENOTSUP.
 */
#ifndef RVISOR_DEVICES_HOST_CHARDEV_SOCKET_H
#define RVISOR_DEVICES_HOST_CHARDEV_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHARDEV_SOCKET_OUTQ     (64u << 10) /* output held for a slow client */
#define CHARDEV_SOCKET_RETRY_MS 10          /* retry of input rx did not take */

struct chardev;
struct chardev_socket;

/* Input for the guest; returns how many bytes of buf were accepted (0..len). */
typedef size_t (*chardev_socket_rx_fn)(void *opaque, const uint8_t *buf, size_t len);

/*
 * Listen on path (see chardev_socket_listen_unix) and start the I/O thread. rx may be
 * NULL (set it later with chardev_socket_set_rx; input waits in the socket until then).
 * 0, or -errno with a one-line message in err.
 */
int chardev_socket_create(const char *path, chardev_socket_rx_fn rx, void *opaque,
                          struct chardev_socket **out, char *err, size_t errlen);
/*
 * Where input goes from now on (e.g. once the VM exists; NULL before it is destroyed).
 * When this returns, the previous rx is not running and is never called again. Any
 * thread but the I/O thread (i.e. not from inside rx).
 */
void chardev_socket_set_rx(struct chardev_socket *s, chardev_socket_rx_fn rx, void *opaque);
/* The guest may have room for input again: retry kept input now. Any thread, cheap. */
void chardev_socket_kick(struct chardev_socket *s);
/* The sink for vm_config.console; valid until destroy. */
const struct chardev *chardev_socket_chardev(struct chardev_socket *s);
/* Is a client connected now? */
bool chardev_socket_connected(struct chardev_socket *s);
/* Output bytes dropped so far (no client, or it did not keep up). */
uint64_t chardev_socket_dropped(struct chardev_socket *s);
/* Stop the thread, close the client and the listener, remove the socket file. NULL ok. */
void chardev_socket_destroy(struct chardev_socket *s);

/*
 * A listening, non-blocking, close-on-exec Unix stream socket at path, shared with the
 * monitor. A stale socket file (nobody accepts on it) is replaced; a live one (another
 * process listens) or a file that is not a socket is an error. Returns the descriptor,
 * or -errno with a one-line message. *ino (may be NULL) gets the socket file's inode, for
 * chardev_socket_unlink_unix.
 */
int chardev_socket_listen_unix(const char *path, unsigned long *ino, char *err, size_t errlen);
/* Make fd non-blocking and close-on-exec (and, where there is one, not SIGPIPE-raising).
 * 0, or -1. POSIX hosts only; the monitor's sockets use it too. */
int chardev_socket_set_flags(int fd);
/* Remove path if it is still the socket file made by chardev_socket_listen_unix. */
void chardev_socket_unlink_unix(const char *path, unsigned long ino);

#endif
