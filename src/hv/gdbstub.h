/*
 * A GDB remote-protocol stub for one VM (-s, -gdb tcp:HOST:PORT, -S). It listens on a TCP
 * port (127.0.0.1 unless a host is named), runs in the VM's run-loop thread, and stops the
 * whole VM (GDB's all-stop mode) while the debugger is in control. All state lives in
 * struct gdbstub, one per VM.
 */
#ifndef RVISOR_HV_GDBSTUB_H
#define RVISOR_HV_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>

struct vm;
struct gdbstub;

/*
 * Listen on spec ("tcp::1234", "tcp:HOST:PORT", ":PORT"; port 0 picks a free one and
 * prints it). With wait_for_debugger the harts do not start until GDB continues.
 * 0, or -errno with a one-line message in err.
 */
int gdbstub_create(struct vm *vm, const char *spec, bool wait_for_debugger, struct gdbstub **out,
                   char *err, size_t errlen);
void gdbstub_destroy(struct gdbstub *g);

/*
 * From the run loop between slices (and while idle): accept a debugger, read Ctrl-C and
 * packets, report harts that hit a breakpoint or watchpoint and the VM's end, and while
 * the VM is stopped serve the debugger until it resumes, detaches or kills.
 */
void gdbstub_poll(struct gdbstub *g);

#endif
