/*
 * The control socket: a JSON monitor on a Unix socket speaking QEMU's QMP framing
 * (docs/monitor.md). A client connects, reads the greeting
 *     {"QMP": {"version": {...}, "capabilities": []}}
 * sends {"execute": "qmp_capabilities"}, then commands
 *     {"execute": "set-weight", "arguments": {"vm": "a", "weight": 512}, "id": 7}
 * and gets {"return": ..., "id": 7} or {"error": {"class": ..., "desc": ...}, "id": 7}.
 * Events (VM_PAUSED, QUOTA_HARD, VM_STOPPED, ...) arrive as
 *     {"timestamp": {"seconds": S, "microseconds": U}, "event": NAME, "data": {...}}
 * on every client that finished the negotiation. Every message is one line ending "\r\n".
 *
 * Two layers:
 *  - monitor.c: the server. One thread polls the listening socket, up to
 *    MONITOR_MAX_CLIENTS clients and a wake pipe; all sockets are non-blocking and a client
 *    that stops reading is dropped once MONITOR_MAX_OUTPUT bytes wait for it, so no client
 *    can stall the monitor or the VMs. It registers itself as the hv's event listener; the
 *    listener only copies the event into a queue and wakes the thread.
 *  - monitor_proto.c: the protocol, with no sockets and no threads, so that it can be
 *    tested alone: splitting a byte stream into JSON messages, checking a request,
 *    running a command through a table of hv functions (struct monitor_hv_ops; tests pass
 *    a fake), formatting replies and events.
 *
 * Nothing a client sends can crash the process: malformed JSON, a non-object, unknown or
 * mistyped arguments and requests longer than MONITOR_MAX_REQUEST all get an error reply.
 */
#ifndef RVISOR_HV_MONITOR_H
#define RVISOR_HV_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/hv.h"

#define MONITOR_MAX_CLIENTS 16
#define MONITOR_MAX_REQUEST (64u << 10) /* longest request; longer ones get an error */
#define MONITOR_MAX_OUTPUT  (1u << 20)  /* queued output after which a client is dropped */
#define MONITOR_MAX_EVENTS  1024        /* events queued for the monitor thread */

struct monitor;

/*
 * Listen on socket_path (a stale socket file is replaced; see chardev_socket_listen_unix),
 * start the monitor thread and become hv's event listener. Call after hv_create (the VMs
 * may be added later) and before hv_run. 0, or -1 with a one-line message.
 */
int monitor_create(struct hv *hv, const char *socket_path, struct monitor **out, char *err,
                   size_t errlen);
/*
 * Stop listening for events, send what is still queued for the clients (for up to a few
 * hundred milliseconds), close everything and remove the socket file. Call after hv_run
 * returned and before hv_destroy. NULL is allowed.
 */
void monitor_destroy(struct monitor *m);

/* ---- the protocol (monitor_proto.c) ---- */

/* The hv functions the commands call (hv.h); monitor_hv_ops_default is the real hv. */
struct monitor_hv_ops {
    unsigned (*vm_count)(const struct hv *hv);
    int (*vm_find)(const struct hv *hv, const char *name);
    int (*query_vm)(struct hv *hv, unsigned idx, struct hv_vm_info *out);
    int (*query_hart)(struct hv *hv, unsigned idx, unsigned hart, struct hv_hart_stats *out);
    int (*vm_pause)(struct hv *hv, unsigned idx, char *err, size_t errlen);
    int (*vm_resume)(struct hv *hv, unsigned idx, char *err, size_t errlen);
    int (*vm_stop)(struct hv *hv, unsigned idx, char *err, size_t errlen);
    int (*vm_reset)(struct hv *hv, unsigned idx, char *err, size_t errlen);
    int (*set_weight)(struct hv *hv, unsigned idx, unsigned weight, char *err, size_t errlen);
    int (*set_cap)(struct hv *hv, unsigned idx, unsigned cap, char *err, size_t errlen);
    int (*set_quota)(struct hv *hv, unsigned idx, uint64_t quota, uint64_t soft_quota, char *err,
                     size_t errlen);
    int (*screendump)(struct hv *hv, unsigned idx, const char *file, char *err, size_t errlen);
    void (*shutdown)(struct hv *hv);
    void (*set_event_listener)(struct hv *hv, hv_event_fn fn, void *opaque);
    const char *(*vm_state_name)(enum hv_vm_state s);
    const char *(*hart_state_name)(enum hv_hart_state s);
};
extern const struct monitor_hv_ops monitor_hv_ops_default;

/* The same as monitor_create, with other hv functions (tests). */
int monitor_create_with(const struct monitor_hv_ops *ops, struct hv *hv, const char *socket_path,
                        struct monitor **out, char *err, size_t errlen);

/* One client's protocol state. */
struct qmp_session {
    const struct monitor_hv_ops *ops;
    struct hv *hv;
    bool negotiated; /* qmp_capabilities done: commands run, events are sent */
    bool quit;       /* the client ran "quit" (the hv is shutting down) */
};

/* The greeting line (malloc'd, ends in "\r\n"); NULL when out of memory. */
char *qmp_greeting(void);
/*
 * Run one request (the bytes of one JSON text) and return the reply line (malloc'd, ends
 * in "\r\n"), or NULL when out of memory. Never fails otherwise: every problem is an
 * error reply.
 */
char *qmp_session_handle(struct qmp_session *s, const char *msg, size_t len);
/* The error reply for a request over MONITOR_MAX_REQUEST bytes. */
char *qmp_too_long_reply(void);
/* An event line from the listener's name and data (JSON text; anything else is kept as
 * {"raw": TEXT}), stamped with the given wall-clock time. */
char *qmp_format_event(const char *name, const char *data, int64_t sec, int64_t usec);

/*
 * Splitting a byte stream into requests. A request is complete when its outermost
 * object or array closes (like QEMU's JSON streamer); anything else (a bare word, a
 * number, stray text) ends at a newline. A newline inside a string ends the request (it
 * is malformed anyway). A request that grows beyond `limit` bytes is reported as too
 * long and the rest of it, up to the next newline, is dropped.
 */
struct qmp_splitter {
    char *buf;
    size_t len, cap, limit;
    int depth;
    bool in_string, escape, skipping;
};

/* One complete request (too_long: msg is NULL and the request was dropped). */
typedef void (*qmp_request_fn)(void *opaque, const char *msg, size_t len, bool too_long);

void qmp_splitter_init(struct qmp_splitter *sp, size_t limit);
/* 0, or -1 when out of memory (the state is reset). */
int qmp_splitter_feed(struct qmp_splitter *sp, const uint8_t *data, size_t len, qmp_request_fn fn,
                      void *opaque);
void qmp_splitter_free(struct qmp_splitter *sp);

#endif
