/*
 * The boot contract (../shared/DESIGN.md, "Boot"): where firmware, kernel, initrd and the
 * device tree go in RAM, and the state each hart starts in.
 *
 *  -bios none     the kernel (ELF, Linux Image or raw .bin) runs in M-mode; an Image or
 *                 raw binary is placed at the start of RAM. a0 = hart id, a1 = DTB.
 *  builtin        (default) the kernel runs in S-mode at RAM + 2 MiB (an Image at its
 *                 text_offset) with rvisor's SBI in M-mode; hart 0 starts, the others wait
 *                 for SBI HSM hart_start. a0 = hart id, a1 = DTB.
 *  -bios FILE     firmware (e.g. OpenSBI fw_dynamic.bin) at the start of RAM, entered in
 *                 M-mode on every hart with a0 = hart id, a1 = DTB, a2 = fw_dynamic_info
 *                 that points it at the kernel (next_addr, S-mode).
 * The initrd goes halfway into small RAM or at 128 MiB (as QEMU does), the DTB near the
 * top of RAM below 3 GiB; every image must fit in RAM without overlapping the others.
 * Linux Image header: Documentation/riscv/boot-image-header.rst.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "cpu/pmp.h"
#include "devices/bus.h"
#include "hv/board_virt.h"
#include "hv/fdt.h"
#include "hv/loader.h"
#include "hv/vm_internal.h"

#define MIB (1ull << 20)
#define IMAGE_HEADER_SIZE 64
#define FW_DYNAMIC_MAGIC 0x4942534f /* "OSBI" */
#define FW_DYNAMIC_VERSION 2
#define FW_DYNAMIC_INFO_SIZE 48
#define DEFAULT_BIOS "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
#define DTB_SLACK 4096 /* room for /chosen edits in a user-supplied DTB */

/* One range of RAM holding an image, for the overlap check. */
struct placed {
    const char *what;
    uint64_t start, end;
};

struct boot_layout {
    struct placed item[5];
    unsigned n;
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
    return v & ~(a - 1);
}

static int layout_add(struct vm *vm, struct boot_layout *l, const char *what, uint64_t start,
                      uint64_t len, char *err, size_t errlen)
{
    uint64_t ram_end = vm->ram_base + vm->ram_size;
    if (start < vm->ram_base || start > ram_end || len > ram_end - start) {
        snprintf(err, errlen, "RAM (%llu MiB) is too small for the %s (%llu bytes at 0x%llx)",
                 (unsigned long long)(vm->ram_size / MIB), what, (unsigned long long)len,
                 (unsigned long long)start);
        return -1;
    }
    for (unsigned i = 0; i < l->n; i++) {
        if (start < l->item[i].end && l->item[i].start < start + len) {
            snprintf(err, errlen, "the %s would overlap the %s: RAM (%llu MiB) is too small",
                     what, l->item[i].what, (unsigned long long)(vm->ram_size / MIB));
            return -1;
        }
    }
    l->item[l->n++] = (struct placed){what, start, start + len};
    bus_ram_note_write(vm->bus, start, len); /* it is about to be written: committed */
    return 0;
}

static bool is_linux_image(const struct file_buf *fb)
{
    return fb->size >= IMAGE_HEADER_SIZE && memcmp(fb->data + 56, "RSC\x05", 4) == 0;
}

static bool is_raw_name(const char *path)
{
    size_t n = strlen(path);
    return (n > 4 && strcmp(path + n - 4, ".bin") == 0) ||
           (n > 4 && strcmp(path + n - 4, ".raw") == 0) ||
           (n > 4 && strcmp(path + n - 4, ".img") == 0);
}

static uint64_t rd_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/*
 * Load a kernel or firmware file. ELF goes where it says; an Image at base + text_offset
 * (default_off when the header says 0); a raw binary at base + default_off.
 */
static int load_image(struct vm *vm, struct boot_layout *l, const char *what, const char *path,
                      uint64_t default_off, uint64_t *entry, char *err, size_t errlen)
{
    struct file_buf fb;
    char why[256];
    int rc = -1;

    if (file_read_all(path, &fb, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    if (fb.size >= 2 && fb.data[0] == 0x1f && fb.data[1] == 0x8b) {
        snprintf(err, errlen, "%s: a gzip-compressed %s; decompress it first (gunzip)", path,
                 what);
    } else if (loader_is_elf(&fb)) {
        struct loaded_image img;
        if (loader_load_elf(&fb, vm->ram, vm->ram_base, vm->ram_size, &img, why,
                            sizeof(why)) < 0)
            snprintf(err, errlen, "%s: %s", path, why);
        else if ((rc = layout_add(vm, l, what, img.lowest, img.highest - img.lowest, err,
                                  errlen)) == 0) {
            *entry = img.entry;
            vm->htif.tohost = img.tohost;
            vm->htif.fromhost = img.fromhost;
        }
    } else if (is_linux_image(&fb) || is_raw_name(path)) {
        uint64_t off = default_off, size = fb.size;
        if (is_linux_image(&fb)) {
            uint64_t text_offset = rd_le64(fb.data + 8), image_size = rd_le64(fb.data + 16);
            if (text_offset)
                off = text_offset;
            if (image_size > size && image_size < vm->ram_size)
                size = image_size; /* includes the kernel's bss */
        }
        if (size == 0)
            snprintf(err, errlen, "%s: empty file", path);
        else if ((rc = layout_add(vm, l, what, vm->ram_base + off, size, err, errlen)) == 0) {
            memcpy(vm->ram + off, fb.data, fb.size);
            *entry = vm->ram_base + off;
        }
    } else {
        snprintf(err, errlen,
                 "%s: not an ELF file or a RISC-V Linux Image (raw binaries must be named "
                 "*.bin, *.raw or *.img)",
                 path);
    }
    file_buf_free(&fb);
    return rc;
}

static int load_initrd(struct vm *vm, struct boot_layout *l, uint64_t *start, uint64_t *end,
                       char *err, size_t errlen)
{
    struct file_buf fb;
    char why[256];
    if (file_read_all(vm->cfg.initrd, &fb, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "initrd: %s", why);
        return -1;
    }
    if (loader_check_initrd(&fb, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s: %s", vm->cfg.initrd, why);
        file_buf_free(&fb);
        return -1;
    }
    uint64_t off = vm->ram_size < 256 * MIB ? vm->ram_size / 2 : 128 * MIB;
    for (unsigned i = 0; i < l->n; i++) /* keep clear of the kernel */
        if (l->item[i].end > vm->ram_base + off)
            off = align_up(l->item[i].end - vm->ram_base, 4096);
    int rc = layout_add(vm, l, "initrd", vm->ram_base + off, fb.size, err, errlen);
    if (rc == 0) {
        memcpy(vm->ram + off, fb.data, fb.size);
        *start = vm->ram_base + off;
        *end = *start + fb.size;
    }
    file_buf_free(&fb);
    return rc;
}

/* Set /chosen bootargs and initrd in a user-supplied DTB (opened with room to grow). */
static int patch_user_dtb(void *fdt, const struct board_fdt_params *p)
{
    int chosen = fdt_path_offset(fdt, "/chosen"), rc = 0;
    if (chosen < 0)
        chosen = fdt_add_subnode(fdt, 0, "chosen");
    if (chosen < 0)
        return chosen;
    if (p->bootargs && (rc = fdt_setprop_string(fdt, chosen, "bootargs", p->bootargs)) < 0)
        return rc;
    if (p->initrd_start &&
        ((rc = fdt_setprop_u64(fdt, chosen, "linux,initrd-start", p->initrd_start)) < 0 ||
         (rc = fdt_setprop_u64(fdt, chosen, "linux,initrd-end", p->initrd_end)) < 0))
        return rc;
    return fdt_pack(fdt);
}

static int make_dtb(struct vm *vm, const struct board_fdt_params *p, char *err, size_t errlen)
{
    struct file_buf fb;
    char why[256];
    if (!vm->cfg.dtb)
        return board_fdt_build(p, &vm->dtb, &vm->dtb_size, err, errlen);
    if (file_read_all(vm->cfg.dtb, &fb, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "-dtb: %s", why);
        return -1;
    }
    if (board_fdt_check(fb.data, fb.size, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s: %s", vm->cfg.dtb, why);
        file_buf_free(&fb);
        return -1;
    }
    size_t size = fb.size + DTB_SLACK + (p->bootargs ? strlen(p->bootargs) : 0);
    void *fdt = malloc(size);
    int rc = fdt ? fdt_open_into(fb.data, fdt, (int)size) : -FDT_ERR_NOSPACE;
    file_buf_free(&fb);
    if (rc == 0)
        rc = patch_user_dtb(fdt, p);
    if (rc < 0) {
        snprintf(err, errlen, "%s: cannot update /chosen: %s", vm->cfg.dtb, fdt_strerror(rc));
        free(fdt);
        return -1;
    }
    vm->dtb = fdt;
    vm->dtb_size = fdt_totalsize(fdt);
    return 0;
}

static int place_dtb(struct vm *vm, struct boot_layout *l, char *err, size_t errlen)
{
    uint64_t top = vm->ram_base + vm->ram_size;
    if (vm->ram_base < 3072 * MIB && top > 3072 * MIB)
        top = 3072 * MIB;
    uint64_t addr = top > vm->dtb_size + 2 * MIB ? align_down(top - vm->dtb_size, 2 * MIB) : 0;
    if (addr < vm->ram_base)
        addr = align_down(top - vm->dtb_size, 8);
    if (layout_add(vm, l, "device tree", addr, vm->dtb_size, err, errlen) < 0)
        return -1;
    memcpy(vm->ram + (addr - vm->ram_base), vm->dtb, vm->dtb_size);
    vm->dtb_addr = addr;
    return 0;
}

/* fw_dynamic_info for OpenSBI, just below the device tree. */
static int place_fw_dynamic_info(struct vm *vm, struct boot_layout *l, uint64_t next_addr,
                                 uint64_t *addr, char *err, size_t errlen)
{
    uint64_t info[FW_DYNAMIC_INFO_SIZE / 8] = {FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, next_addr,
                                               1 /* next_mode: S */, 0 /* options */,
                                               UINT64_MAX /* boot_hart: any */};
    uint64_t a = align_down(vm->dtb_addr - FW_DYNAMIC_INFO_SIZE, 64);
    if (vm->dtb_addr < vm->ram_base + FW_DYNAMIC_INFO_SIZE ||
        layout_add(vm, l, "firmware info", a, FW_DYNAMIC_INFO_SIZE, err, errlen) < 0)
        return -1;
    for (unsigned i = 0; i < FW_DYNAMIC_INFO_SIZE / 8; i++)
        for (unsigned b = 0; b < 8; b++)
            vm->ram[a - vm->ram_base + 8 * i + b] = (uint8_t)(info[i] >> (8 * b));
    *addr = a;
    return 0;
}

/*
 * M-mode state the built-in SBI sets up before it enters S-mode on a hart, as firmware
 * would: delegation, counter access, Sstc, and one PMP entry (NAPOT over the whole
 * address space, RWX) since S/U accesses fail when PMP exists but no entry matches.
 */
void boot_builtin_hart(struct hart *h, uint64_t entry)
{
    h->priv = PRIV_S;
    h->pc = entry;
    h->csr.pmpaddr[0] = (1ull << 54) - 1;
    h->csr.pmpcfg[0] = (PMP_A_NAPOT << PMP_A_SHIFT) | PMP_R | PMP_W | PMP_X;
    pmp_update(h);
    hart_tlb_flush(h);
    h->csr.medeleg = (1u << EXC_INSN_MISALIGNED) | (1u << EXC_INSN_ACCESS) |
                     (1u << EXC_ILLEGAL_INSN) | (1u << EXC_BREAKPOINT) |
                     (1u << EXC_LOAD_MISALIGNED) | (1u << EXC_LOAD_ACCESS) |
                     (1u << EXC_STORE_MISALIGNED) | (1u << EXC_STORE_ACCESS) |
                     (1u << EXC_ECALL_U) | (1u << EXC_INSN_PAGE_FAULT) |
                     (1u << EXC_LOAD_PAGE_FAULT) | (1u << EXC_STORE_PAGE_FAULT);
    h->csr.mideleg = MIP_SSIP | MIP_STIP | MIP_SEIP;
    h->csr.mcounteren = 7; /* cycle, time, instret */
    h->csr.scounteren = 7; /* as OpenSBI: U-mode rdtime (the vDSO's clock_gettime) works */
    h->csr.menvcfg = ENVCFG_STCE;
    h->csr.stimecmp = UINT64_MAX;
    h->csr.mstatus |= (uint64_t)FS_INITIAL << MSTATUS_FS_SHIFT;
}

int boot_prepare(struct vm *vm, char *err, size_t errlen)
{
    struct boot_layout l = {.n = 0};
    struct board_fdt_params p = {.nharts = vm->nharts,
                                 .ram_base = vm->ram_base,
                                 .ram_size = vm->ram_size,
                                 .bootargs = vm->cfg.append,
                                 .bus = vm->bus,
                                 .fb = vm->fb,
                                 .fb_base = virt_memmap[VIRT_FB].base};
    const char *bios = vm->cfg.bios;
    bool none = bios && strcmp(bios, "none") == 0;
    uint64_t kernel_entry = 0, fw_entry = 0, fw_info = 0;

    if (bios && strcmp(bios, "default") == 0)
        bios = DEFAULT_BIOS;
    vm->builtin_sbi = !bios;
    if (!vm->cfg.kernel && (!bios || none) && !vm->cfg.dtb_only) {
        snprintf(err, errlen, "no kernel given (-kernel FILE)");
        return -1;
    }
    if (bios && !none &&
        load_image(vm, &l, "firmware", bios, 0, &fw_entry, err, errlen) < 0)
        return -1;
    if (vm->cfg.kernel && load_image(vm, &l, "kernel", vm->cfg.kernel,
                                     none ? 0 : VIRT_KERNEL_OFFSET, &kernel_entry, err,
                                     errlen) < 0)
        return -1;
    if (vm->cfg.initrd && load_initrd(vm, &l, &p.initrd_start, &p.initrd_end, err, errlen) < 0)
        return -1;
    if (make_dtb(vm, &p, err, errlen) < 0 || place_dtb(vm, &l, err, errlen) < 0)
        return -1;
    if (bios && !none &&
        place_fw_dynamic_info(vm, &l, kernel_entry ? kernel_entry : vm->ram_base +
                                                                        VIRT_KERNEL_OFFSET,
                              &fw_info, err, errlen) < 0)
        return -1;

    for (unsigned i = 0; i < vm->nharts; i++) {
        struct hart *h = &vm->harts[i];
        hart_reset(h, none ? kernel_entry : fw_entry);
        h->x[10] = i;
        h->x[11] = vm->dtb_addr;
        h->x[12] = fw_info;
        vm->hsm[i] = HSM_STARTED;
        if (vm->builtin_sbi) {
            boot_builtin_hart(h, kernel_entry);
            if (i != 0)
                vm->hsm[i] = HSM_STOPPED;
        }
    }
    return 0;
}
