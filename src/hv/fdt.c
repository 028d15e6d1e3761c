/*
 * Device tree of the virt board (see fdt.h). One create_* function per area of the tree:
 * root, /chosen, /memory, /cpus, /soc; each device on the bus writes its own node through
 * its device_ops.fdt_node, and this file adds only the wiring a device cannot know about
 * (interrupt parents and numbers, phandles, syscon poweroff/reboot, stdout-path).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "devices/bus.h"
#include "devices/simplefb.h"
#include "hv/board_virt.h"
#include "hv/clock.h"
#include "hv/fdt.h"

#define FDT_MAX_SIZE (64 * 1024)

const char board_isa_string[] =
    "rv64imafdc_zicntr_zicsr_zifencei_zihintpause_zba_zbb_zbs_zicond_sstc";

static const char isa_extensions[] = "i\0m\0a\0f\0d\0c\0zicntr\0zicsr\0zifencei\0"
                                     "zihintpause\0zba\0zbb\0zbs\0zicond\0sstc";

/* phandles: 1..nharts for the harts' interrupt controllers, then these. */
static uint32_t ph_intc(unsigned hart)
{
    return 1 + hart;
}

static uint32_t ph_plic(const struct board_fdt_params *p)
{
    return p->nharts + 1;
}

static uint32_t ph_test(const struct board_fdt_params *p)
{
    return p->nharts + 2;
}

/* Each helper returns 0 or a negative libfdt error; CHECK keeps the chains short. */
static int set_u64(void *fdt, int node, const char *name, uint64_t v)
{
    return fdt_setprop_u64(fdt, node, name, v);
}

static int create_root(void *fdt)
{
    static const char compat[] = "riscv-virtio";
    int rc;
    if ((rc = fdt_setprop_u32(fdt, 0, "#address-cells", 2)) < 0 ||
        (rc = fdt_setprop_u32(fdt, 0, "#size-cells", 2)) < 0 ||
        (rc = fdt_setprop(fdt, 0, "compatible", compat, sizeof(compat))) < 0 ||
        (rc = fdt_setprop_string(fdt, 0, "model", "riscv-virtio,qemu (rvisor)")) < 0)
        return rc;
    return 0;
}

static int create_memory(void *fdt, const struct board_fdt_params *p)
{
    char name[40];
    fdt64_t reg[2] = {cpu_to_fdt64(p->ram_base), cpu_to_fdt64(p->ram_size)};
    snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)p->ram_base);
    int node = fdt_add_subnode(fdt, 0, name), rc;
    if (node < 0)
        return node;
    if ((rc = fdt_setprop_string(fdt, node, "device_type", "memory")) < 0 ||
        (rc = fdt_setprop(fdt, node, "reg", reg, sizeof(reg))) < 0)
        return rc;
    return 0;
}

static int create_cpu(void *fdt, int cpus, unsigned hart)
{
    char name[24];
    static const char intc_compat[] = "riscv,cpu-intc";
    int cpu, intc, rc;

    snprintf(name, sizeof(name), "cpu@%u", hart);
    if ((cpu = fdt_add_subnode(fdt, cpus, name)) < 0)
        return cpu;
    if ((rc = fdt_setprop_string(fdt, cpu, "device_type", "cpu")) < 0 ||
        (rc = fdt_setprop_u32(fdt, cpu, "reg", hart)) < 0 ||
        (rc = fdt_setprop_string(fdt, cpu, "status", "okay")) < 0 ||
        (rc = fdt_setprop_string(fdt, cpu, "compatible", "riscv")) < 0 ||
        (rc = fdt_setprop_string(fdt, cpu, "riscv,isa", board_isa_string)) < 0 ||
        (rc = fdt_setprop_string(fdt, cpu, "riscv,isa-base", "rv64i")) < 0 ||
        (rc = fdt_setprop(fdt, cpu, "riscv,isa-extensions", isa_extensions,
                          sizeof(isa_extensions))) < 0 ||
        (rc = fdt_setprop_string(fdt, cpu, "mmu-type", "riscv,sv57")) < 0)
        return rc;
    if ((intc = fdt_add_subnode(fdt, cpu, "interrupt-controller")) < 0)
        return intc;
    if ((rc = fdt_setprop_u32(fdt, intc, "#interrupt-cells", 1)) < 0 ||
        (rc = fdt_setprop_u32(fdt, intc, "#address-cells", 0)) < 0 ||
        (rc = fdt_setprop(fdt, intc, "interrupt-controller", NULL, 0)) < 0 ||
        (rc = fdt_setprop(fdt, intc, "compatible", intc_compat, sizeof(intc_compat))) < 0 ||
        (rc = fdt_setprop_u32(fdt, intc, "phandle", ph_intc(hart))) < 0)
        return rc;
    return 0;
}

static int create_cpus(void *fdt, const struct board_fdt_params *p)
{
    int cpus = fdt_add_subnode(fdt, 0, "cpus"), rc;
    if (cpus < 0)
        return cpus;
    if ((rc = fdt_setprop_u32(fdt, cpus, "#address-cells", 1)) < 0 ||
        (rc = fdt_setprop_u32(fdt, cpus, "#size-cells", 0)) < 0 ||
        (rc = fdt_setprop_u32(fdt, cpus, "timebase-frequency", CLOCK_TIMEBASE_HZ)) < 0)
        return rc;
    /* fdt_add_subnode prepends: add in reverse so cpu@0 comes first */
    for (unsigned i = p->nharts; i-- > 0;)
        if ((rc = create_cpu(fdt, cpus, i)) < 0)
            return rc;
    return 0;
}

/* interrupts-extended = <&intc(h) irqs[0] ... &intc(h) irqs[n-1]> for every hart. */
static int set_irqs_extended(void *fdt, int node, const struct board_fdt_params *p,
                             const uint32_t *irqs, unsigned n)
{
    size_t count = (size_t)p->nharts * n * 2;
    fdt32_t *cells = calloc(count, sizeof(*cells));
    int rc;
    if (!cells)
        return -FDT_ERR_NOSPACE;
    for (unsigned h = 0; h < p->nharts; h++) {
        for (unsigned i = 0; i < n; i++) {
            cells[2 * (h * n + i)] = cpu_to_fdt32(ph_intc(h));
            cells[2 * (h * n + i) + 1] = cpu_to_fdt32(irqs[i]);
        }
    }
    rc = fdt_setprop(fdt, node, "interrupts-extended", cells, (int)(count * sizeof(*cells)));
    free(cells);
    return rc;
}

/* syscon-poweroff / syscon-reboot sit at the root, as on QEMU's virt board. */
static int create_syscon_child(void *fdt, const struct board_fdt_params *p, const char *name,
                               const char *compat, uint32_t value)
{
    int node = fdt_add_subnode(fdt, 0, name), rc;
    if (node < 0)
        return node;
    if ((rc = fdt_setprop_string(fdt, node, "compatible", compat)) < 0 ||
        (rc = fdt_setprop_u32(fdt, node, "regmap", ph_test(p))) < 0 ||
        (rc = fdt_setprop_u32(fdt, node, "offset", 0)) < 0 ||
        (rc = fdt_setprop_u32(fdt, node, "value", value)) < 0)
        return rc;
    return 0;
}

/* The wiring of one device node the board placed at virt_memmap[r]. */
static int wire_device(void *fdt, int node, enum virt_region r, unsigned irq,
                       const struct board_fdt_params *p)
{
    static const uint32_t clint_irqs[] = {3, 7}; /* MSI, MTI */
    static const uint32_t plic_irqs[] = {11, 9}; /* M and S external: contexts 2h, 2h+1 */
    static const uint32_t sswi_irqs[] = {1};     /* SSI */
    int rc = 0;
    switch (r) {
    case VIRT_CLINT: return set_irqs_extended(fdt, node, p, clint_irqs, 2);
    case VIRT_PLIC:
        if ((rc = set_irqs_extended(fdt, node, p, plic_irqs, 2)) < 0)
            return rc;
        return fdt_setprop_u32(fdt, node, "phandle", ph_plic(p));
    case VIRT_TEST:
        if ((rc = fdt_setprop_u32(fdt, node, "phandle", ph_test(p))) < 0 ||
            (rc = create_syscon_child(fdt, p, "reboot", "syscon-reboot", 0x7777)) < 0 ||
            (rc = create_syscon_child(fdt, p, "poweroff", "syscon-poweroff", 0x5555)) < 0)
            return rc;
        return 0;
    case VIRT_SSWI: return set_irqs_extended(fdt, node, p, sswi_irqs, 1);
    default:
        if (irq == 0)
            return 0;
        if ((rc = fdt_setprop_u32(fdt, node, "interrupt-parent", ph_plic(p))) < 0)
            return rc;
        return fdt_setprop_u32(fdt, node, "interrupts", irq);
    }
}

/* The node of the device mapped at base (if any), with its wiring; the node offset, 0 if
 * nothing is there, or a negative libfdt error. */
static int create_device(void *fdt, int soc, const struct board_fdt_params *p,
                         enum virt_region r, uint64_t base, unsigned irq)
{
    const struct bus_region *reg = bus_find(p->bus, base);
    int node, rc;
    if (!reg || reg->base != base || !reg->ops || !reg->ops->fdt_node)
        return 0;
    if ((node = reg->ops->fdt_node(reg->dev, fdt, soc, reg->base)) < 0)
        return node;
    if ((rc = wire_device(fdt, node, r, irq, p)) < 0)
        return rc;
    return node;
}

static int create_soc(void *fdt, const struct board_fdt_params *p, char *stdout_path,
                      size_t stdout_len)
{
    int soc = fdt_add_subnode(fdt, 0, "soc"), rc;
    if (soc < 0)
        return soc;
    if ((rc = fdt_setprop_u32(fdt, soc, "#address-cells", 2)) < 0 ||
        (rc = fdt_setprop_u32(fdt, soc, "#size-cells", 2)) < 0 ||
        (rc = fdt_setprop_string(fdt, soc, "compatible", "simple-bus")) < 0 ||
        (rc = fdt_setprop(fdt, soc, "ranges", NULL, 0)) < 0)
        return rc;
    /* fdt_add_subnode prepends: add in reverse so the nodes come in address order */
    for (int r = VIRT_REGION_COUNT; r-- > 0;) {
        const struct virt_map_entry *m = &virt_memmap[r];
        unsigned count = r == VIRT_VIRTIO ? VIRT_VIRTIO_COUNT : 1;
        if (r == VIRT_DRAM)
            continue;
        if (r == VIRT_FB) { /* RAM, so not found by create_device: the board knows it */
            if (p->fb && (rc = simplefb_fdt_node(p->fb, fdt, soc, p->fb_base)) < 0)
                return rc;
            continue;
        }
        /* the virtio-mmio slots: one window of m->size and one PLIC source each */
        for (unsigned i = count; i-- > 0;) {
            int node = create_device(fdt, soc, p, (enum virt_region)r, m->base + i * m->size,
                                     m->irq ? m->irq + i : 0);
            if (node < 0)
                return node;
            if (r == VIRT_UART0 && node > 0 &&
                (rc = fdt_get_path(fdt, node, stdout_path, (int)stdout_len)) < 0)
                return rc;
        }
    }
    return 0;
}

static int create_chosen(void *fdt, const struct board_fdt_params *p, const char *stdout_path)
{
    int node = fdt_add_subnode(fdt, 0, "chosen"), rc;
    if (node < 0)
        return node;
    if (p->bootargs && (rc = fdt_setprop_string(fdt, node, "bootargs", p->bootargs)) < 0)
        return rc;
    if (stdout_path[0] && (rc = fdt_setprop_string(fdt, node, "stdout-path", stdout_path)) < 0)
        return rc;
    if (p->initrd_start) {
        if ((rc = set_u64(fdt, node, "linux,initrd-start", p->initrd_start)) < 0 ||
            (rc = set_u64(fdt, node, "linux,initrd-end", p->initrd_end)) < 0)
            return rc;
    }
    if (stdout_path[0]) {
        int aliases = fdt_add_subnode(fdt, 0, "aliases");
        if (aliases < 0)
            return aliases;
        if ((rc = fdt_setprop_string(fdt, aliases, "serial0", stdout_path)) < 0)
            return rc;
    }
    return 0;
}

int board_fdt_build(const struct board_fdt_params *p, void **out, size_t *size, char *err,
                    size_t errlen)
{
    char stdout_path[128] = "";
    void *fdt = malloc(FDT_MAX_SIZE);
    int rc;

    *out = NULL;
    if (!fdt) {
        snprintf(err, errlen, "out of memory building the device tree");
        return -1;
    }
    if ((rc = fdt_create_empty_tree(fdt, FDT_MAX_SIZE)) < 0 || (rc = create_root(fdt)) < 0 ||
        (rc = create_soc(fdt, p, stdout_path, sizeof(stdout_path))) < 0 ||
        (rc = create_cpus(fdt, p)) < 0 || (rc = create_memory(fdt, p)) < 0 ||
        (rc = create_chosen(fdt, p, stdout_path)) < 0 || (rc = fdt_pack(fdt)) < 0) {
        snprintf(err, errlen, "cannot build the device tree: %s", fdt_strerror(rc));
        free(fdt);
        return -1;
    }
    *out = fdt;
    *size = fdt_totalsize(fdt);
    return 0;
}

int board_fdt_check(const void *fdt, size_t size, char *err, size_t errlen)
{
    int rc;
    if (size < sizeof(struct fdt_header) || (rc = fdt_check_full(fdt, size)) < 0) {
        snprintf(err, errlen, "invalid device tree blob: %s",
                 size < sizeof(struct fdt_header) ? "too short" : fdt_strerror(rc));
        return -1;
    }
    return 0;
}
