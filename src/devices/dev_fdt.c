/* See dev_fdt.h. */
#include <stdio.h>

#include <libfdt.h>

#include "devices/dev_fdt.h"

int dev_fdt_node(void *fdt, int parent, const char *name, uint64_t base, uint64_t size,
                 const char *compat, size_t compat_len)
{
    char node[64];
    fdt64_t reg[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};
    int off, rc;

    snprintf(node, sizeof(node), "%s@%llx", name, (unsigned long long)base);
    off = fdt_add_subnode(fdt, parent, node);
    if (off < 0)
        return off;
    rc = fdt_setprop(fdt, off, "compatible", compat, (int)compat_len);
    if (rc == 0)
        rc = fdt_setprop(fdt, off, "reg", reg, sizeof(reg));
    return rc < 0 ? rc : off;
}
