/*
 * GDB remote serial protocol, the parts that need no machine: packet framing with
 * checksums and acks, the receive state machine, hex helpers, and the command layer that
 * answers one packet for a set of harts (gdb_cmd.c, gdb_regs.c). hv/gdbstub.c adds the
 * socket and the VM's run control. Reference: GDB manual, appendix E "Remote Serial
 * Protocol" (packets, stop replies, qXfer, vCont) and G "Target Descriptions".
 *
 * Everything here takes input from the network: lengths are bounded, numbers are checked
 * for overflow, and anything malformed gets an error reply, never a crash.
 */
#ifndef RVISOR_HV_GDB_PROTO_H
#define RVISOR_HV_GDB_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/hart.h"

#define GDB_PACKET_MAX 16384 /* largest packet body we accept and send (PacketSize) */
#define GDB_REG_PC     32
#define GDB_REG_F0     33
#define GDB_REG_FFLAGS 66
#define GDB_REG_FRM    67
#define GDB_REG_FCSR   68
#define GDB_REG_CSR0   65 /* CSR n is register 65 + n, as GDB numbers them */
#define GDB_REG_PRIV   (GDB_REG_CSR0 + 4096)

/* ---- framing ---- */

enum gdb_rx_event {
    GDB_RX_NONE = 0,  /* need more bytes */
    GDB_RX_PACKET,    /* a packet with a good checksum is in rx->buf (NUL-terminated) */
    GDB_RX_BAD,       /* bad checksum, bad digits or too long: nak it (-) */
    GDB_RX_INTERRUPT, /* 0x03 outside a packet: Ctrl-C */
    GDB_RX_ACK,       /* + */
    GDB_RX_NAK,       /* -: resend the last packet */
};

struct gdb_rx {
    int state;
    bool overflow;
    uint8_t sum, csum;
    size_t len;
    char buf[GDB_PACKET_MAX + 1];
};

void gdb_rx_init(struct gdb_rx *rx);
/* Feed one byte. */
enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, uint8_t c);

/*
 * Frame body as $body#cs, escaping $ # } * with }. Returns the framed length, or 0 when
 * cap is too small (cap >= 2 * len + 4 always suffices).
 */
size_t gdb_frame(const char *body, size_t len, char *out, size_t cap);

/* ---- hex ---- */

/* Parse hex digits at *p (up to end) into *v; false when none or when they overflow. */
bool gdb_parse_hex(const char **p, const char *end, uint64_t *v);
/* Decode 2*n hex digits into n bytes; false on a non-hex digit. */
bool gdb_hex_to_bytes(const char *hex, size_t n, uint8_t *out);
/* Append n bytes as 2*n lowercase hex digits (no NUL). */
void gdb_bytes_to_hex(const uint8_t *b, size_t n, char *out);
/* Undo the } escapes of binary data in place; returns the decoded length. */
size_t gdb_unescape(char *buf, size_t len);

/* ---- the command layer ---- */

/* A reply body under construction; ok stays false if it overflowed. */
struct gdb_reply {
    char buf[GDB_PACKET_MAX + 1];
    size_t len;
    bool send; /* false: no reply now (continue/step: the stop reply comes later) */
};

enum gdb_action {
    GDB_ACT_NONE = 0,
    GDB_ACT_CONTINUE, /* resume every hart */
    GDB_ACT_STEP,     /* execute one instruction on session.step_hart, then stop */
    GDB_ACT_DETACH,   /* drop breakpoints, resume, close the connection */
    GDB_ACT_KILL,     /* end the VM */
};

/* The debugger's view of one machine. */
struct gdb_session {
    struct hart *harts;
    unsigned nharts;
    struct hart_dbg dbg; /* breakpoints and watchpoints, shared by the harts */
    char *xml;           /* target.xml */
    size_t xml_len;
    unsigned g_hart;     /* Hg: registers and memory */
    unsigned c_hart;     /* Hc: legacy c/s */
    unsigned step_hart;  /* GDB_ACT_STEP: which one */
    unsigned stop_hart;  /* the hart named by the last stop */
    bool no_ack;         /* QStartNoAckMode was accepted */
    bool no_ack_pending; /* ... switch after sending its OK */
    char last_stop[96];  /* the stop reply '?' repeats */
};

/* 0, or -ENOMEM. The harts are not copied. */
int gdb_session_init(struct gdb_session *s, struct hart *harts, unsigned nharts);
void gdb_session_destroy(struct gdb_session *s);
/* Answer one packet body (len bytes at pkt, NUL-terminated). */
enum gdb_action gdb_handle(struct gdb_session *s, char *pkt, size_t len, struct gdb_reply *r);
/* Build the stop reply for hart i (signal 5 trap, 2 interrupt); saved for '?'. */
void gdb_stop_reply(struct gdb_session *s, unsigned i, unsigned sig, struct gdb_reply *r);
/* Set dbg_flags and the dbg pointer of every hart from s->dbg; flushes TLBs for watches. */
void gdb_sync_harts(struct gdb_session *s);

/* gdb_regs.c: target description and register access. */
char *gdb_target_xml(size_t *len);
/* 0 or -ENOENT (no such register). All registers are 64 bits. */
int gdb_reg_read(struct hart *h, unsigned regnum, uint64_t *val);
int gdb_reg_write(struct hart *h, unsigned regnum, uint64_t val);

#endif
