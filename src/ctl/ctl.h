/*
 * `rvisor ctl`: a small client of the monitor (hv/monitor.h) for humans and scripts.
 *
 *   rvisor ctl [--json] [--timeout SEC] SOCKET COMMAND [KEY=VALUE | KEY:=JSON]...
 *   rvisor ctl SOCKET events [--count N]
 *
 * It connects, reads the greeting, negotiates (qmp_capabilities), sends one command with
 * the arguments given (KEY=VALUE passes a string, which the monitor also accepts for
 * numbers and sizes; KEY:=JSON passes any JSON value) and prints the result: tables for
 * query-vms and query-stats, a list for query-commands (or `help`), nothing for an empty
 * return, indented JSON otherwise; --json prints the raw return value. `events` prints
 * each event as it arrives, one line each, until rvisor ends (or N events, --count).
 *
 * Exit status: 0 the command returned; 1 the monitor replied with an error (its message
 * on stderr); 2 bad usage, no monitor at SOCKET, or the connection failed or timed out
 * (default 10 s for a reply; events wait forever unless --timeout is given).
 */
#ifndef RVISOR_CTL_CTL_H
#define RVISOR_CTL_CTL_H

#include <stdio.h>

struct json_t;

/* The `rvisor ctl` program: argv[0] is "ctl" (main.c passes argc - 1, argv + 1). */
int rvisor_ctl_main(int argc, char **argv);

/* How a command's return value is shown (pure, for tests). */
void ctl_print_return(FILE *out, const char *command, const struct json_t *ret);
/* One event line: "12:34:56.789012 VM_PAUSED vm=a reason=user". */
void ctl_print_event(FILE *out, const struct json_t *event);

#endif
