/*
 * -d item parsing (see hv/trace.h). Each item sets one HART_TRACE_* bit of every hart's
 * dbg_flags; "all" sets them all.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cpu/hart.h"
#include "hv/trace.h"

static const struct {
    const char *name;
    uint32_t bit;
    const char *help;
} trace_items[] = {
    {"int", HART_TRACE_INT, "every trap and interrupt: cause, tval, epc, privilege change"},
    {"mmu", HART_TRACE_MMU, "every page-table walk: va, satp mode, each PTE, the result"},
    {"sbi", HART_TRACE_SBI, "built-in SBI calls with their arguments and results"},
    {"unimp", HART_TRACE_UNIMP, "unimplemented CSRs and illegal instructions"},
    {"guest_errors", HART_TRACE_GUEST_ERRORS, "device misuse by the guest (all of it)"},
    {"all", HART_TRACE_ALL, "all of the above"},
};

int trace_parse(const char *list, uint32_t *mask, char *err, size_t errlen)
{
    const char *p = list;

    *mask = 0;
    while (*p) {
        size_t n = strcspn(p, ",");
        size_t i;
        for (i = 0; i < sizeof(trace_items) / sizeof(trace_items[0]); i++) {
            if (strlen(trace_items[i].name) == n && !strncmp(p, trace_items[i].name, n))
                break;
        }
        if (i == sizeof(trace_items) / sizeof(trace_items[0])) {
            snprintf(err, errlen, "unknown -d item '%.*s' (-d help lists them)", (int)n, p);
            return -EINVAL;
        }
        *mask |= trace_items[i].bit;
        p += n;
        if (*p == ',')
            p++;
    }
    if (!*mask) {
        snprintf(err, errlen, "empty -d list (-d help lists the items)");
        return -EINVAL;
    }
    return 0;
}

void trace_help(FILE *f)
{
    fputs("Log items for -d (comma-separated; lines go to -D FILE or stderr):\n", f);
    for (size_t i = 0; i < sizeof(trace_items) / sizeof(trace_items[0]); i++)
        fprintf(f, "  %-13s %s\n", trace_items[i].name, trace_items[i].help);
}
