/*
 * The container's limits, from cgroup v2 (Documentation/admin-guide/cgroup-v2.rst):
 * memory.max (bytes or "max") and cpu.max ("QUOTA PERIOD" or "max PERIOD") of the
 * process's own cgroup, read from /sys/fs/cgroup (the usual mount inside a container;
 * RVISOR_CGROUP_DIR names another directory, for tests). Missing files mean no limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade/grade.h"

static int read_line(const char *dir, const char *name, char *buf, size_t len)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    bool ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    return ok ? 0 : -1;
}

void grade_cgroup_limits(struct grade_limits *l)
{
    const char *dir = getenv("RVISOR_CGROUP_DIR");
    char buf[128];
    memset(l, 0, sizeof(*l));
    if (!dir || !*dir)
        dir = "/sys/fs/cgroup";
    if (read_line(dir, "memory.max", buf, sizeof(buf)) == 0 && strncmp(buf, "max", 3) != 0) {
        char *end;
        unsigned long long v = strtoull(buf, &end, 10);
        if (end != buf)
            l->memory_max = v;
    }
    if (read_line(dir, "cpu.max", buf, sizeof(buf)) == 0 && strncmp(buf, "max", 3) != 0) {
        char *end;
        double q = strtod(buf, &end), p = end != buf ? strtod(end, NULL) : 0;
        if (q > 0 && p > 0)
            l->cpus = q / p;
    }
}
