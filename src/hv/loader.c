/*
 * ELF64 loader (System V ABI gABI, RISC-V psABI for e_machine/e_flags). Parses fields by
 * hand from little-endian bytes so it needs no host <elf.h>; every offset, size and count
 * is checked against the file and against guest RAM with overflow-safe arithmetic.
 * Also finds the `tohost`/`fromhost` symbols used by the HTIF protocol.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef RVISOR_HAVE_ZLIB
#include <zlib.h>
#endif

#include "hv/loader.h"

#define EM_RISCV 243
#define PT_LOAD 1
#define SHT_SYMTAB 2
#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define SHDR_SIZE 64
#define SYM_SIZE 24
#define MAX_FILE_SIZE (1ull << 32)

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int file_read_all(const char *path, struct file_buf *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t size = 0, cap = 0;

    out->data = NULL;
    out->size = 0;
    if (!f) {
        set_err(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (size == cap) {
            size_t ncap = cap ? cap * 2 : 1 << 20;
            uint8_t *n;
            if (ncap > MAX_FILE_SIZE) {
                set_err(err, errlen, "'%s' is too large", path);
                goto fail;
            }
            n = realloc(data, ncap);
            if (!n) {
                set_err(err, errlen, "out of memory reading '%s'", path);
                goto fail;
            }
            data = n;
            cap = ncap;
        }
        size_t got = fread(data + size, 1, cap - size, f);
        size += got;
        if (got == 0) {
            if (ferror(f)) {
                set_err(err, errlen, "cannot read '%s': %s", path, strerror(errno));
                goto fail;
            }
            break;
        }
    }
    fclose(f);
    out->data = data;
    out->size = size;
    return 0;
fail:
    free(data);
    fclose(f);
    return -1;
}

void file_buf_free(struct file_buf *fb)
{
    free(fb->data);
    fb->data = NULL;
    fb->size = 0;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* [off, off + len) lies within a buffer of `size` bytes. */
static int range_ok(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

int loader_is_elf(const struct file_buf *fb)
{
    return fb->size >= 4 && memcmp(fb->data, "\177ELF", 4) == 0;
}

static int elf_check_header(const struct file_buf *fb, char *err, size_t errlen)
{
    const uint8_t *e = fb->data;
    if (fb->size < EHDR_SIZE || !loader_is_elf(fb)) {
        set_err(err, errlen, "not an ELF file (or truncated header)");
        return -1;
    }
    if (e[4] != 2 || e[5] != 1) {
        set_err(err, errlen, "not a 64-bit little-endian ELF");
        return -1;
    }
    if (le16(e + 18) != EM_RISCV) {
        set_err(err, errlen, "ELF is for machine %u, not RISC-V", le16(e + 18));
        return -1;
    }
    if (le16(e + 54) != PHDR_SIZE || le16(e + 56) == 0) {
        set_err(err, errlen, "ELF has no usable program headers");
        return -1;
    }
    if (!range_ok(le64(e + 32), (uint64_t)le16(e + 56) * PHDR_SIZE, fb->size)) {
        set_err(err, errlen, "ELF program headers lie outside the file (truncated?)");
        return -1;
    }
    return 0;
}

static int elf_load_segments(const struct file_buf *fb, uint8_t *ram, uint64_t ram_base,
                             uint64_t ram_size, struct loaded_image *img, char *err,
                             size_t errlen)
{
    const uint8_t *e = fb->data;
    uint64_t phoff = le64(e + 32);
    unsigned phnum = le16(e + 56);
    unsigned loaded = 0;

    img->lowest = UINT64_MAX;
    img->highest = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = e + phoff + (uint64_t)i * PHDR_SIZE;
        if (le32(ph) != PT_LOAD)
            continue;
        uint64_t off = le64(ph + 8), paddr = le64(ph + 24);
        uint64_t filesz = le64(ph + 32), memsz = le64(ph + 40);
        if (memsz == 0)
            continue;
        if (filesz > memsz || !range_ok(off, filesz, fb->size)) {
            set_err(err, errlen, "ELF segment %u lies outside the file (truncated?)", i);
            return -1;
        }
        if (paddr < ram_base || !range_ok(paddr - ram_base, memsz, ram_size)) {
            set_err(err, errlen,
                    "ELF segment %u [0x%llx, +0x%llx) is outside RAM [0x%llx, +0x%llx)", i,
                    (unsigned long long)paddr, (unsigned long long)memsz,
                    (unsigned long long)ram_base, (unsigned long long)ram_size);
            return -1;
        }
        memcpy(ram + (paddr - ram_base), e + off, filesz);
        memset(ram + (paddr - ram_base) + filesz, 0, memsz - filesz);
        if (paddr < img->lowest)
            img->lowest = paddr;
        if (paddr + memsz > img->highest)
            img->highest = paddr + memsz;
        loaded++;
    }
    if (!loaded) {
        set_err(err, errlen, "ELF has no loadable segments");
        return -1;
    }
    return 0;
}

/* Look up tohost/fromhost in the symbol table; a malformed table is simply ignored. */
static void elf_find_htif(const struct file_buf *fb, struct loaded_image *img)
{
    const uint8_t *e = fb->data;
    uint64_t shoff = le64(e + 40);
    unsigned shnum = le16(e + 60);

    if (le16(e + 58) != SHDR_SIZE || !range_ok(shoff, (uint64_t)shnum * SHDR_SIZE, fb->size))
        return;
    for (unsigned i = 0; i < shnum; i++) {
        const uint8_t *sh = e + shoff + (uint64_t)i * SHDR_SIZE;
        if (le32(sh + 4) != SHT_SYMTAB)
            continue;
        uint64_t symoff = le64(sh + 24), symsz = le64(sh + 32);
        unsigned link = le32(sh + 40);
        if (link >= shnum || !range_ok(symoff, symsz, fb->size))
            continue;
        const uint8_t *strh = e + shoff + (uint64_t)link * SHDR_SIZE;
        uint64_t stroff = le64(strh + 24), strsz = le64(strh + 32);
        if (!range_ok(stroff, strsz, fb->size))
            continue;
        for (uint64_t s = 0; s + SYM_SIZE <= symsz; s += SYM_SIZE) {
            const uint8_t *sym = e + symoff + s;
            uint64_t name = le32(sym);
            if (name >= strsz)
                continue;
            const char *nm = (const char *)e + stroff + name;
            size_t maxlen = strsz - name;
            if (!memchr(nm, 0, maxlen))
                continue;
            if (strcmp(nm, "tohost") == 0)
                img->tohost = le64(sym + 8);
            else if (strcmp(nm, "fromhost") == 0)
                img->fromhost = le64(sym + 8);
        }
    }
}

int loader_load_elf(const struct file_buf *fb, uint8_t *ram, uint64_t ram_base,
                    uint64_t ram_size, struct loaded_image *img, char *err, size_t errlen)
{
    memset(img, 0, sizeof(*img));
    if (elf_check_header(fb, err, errlen) < 0)
        return -1;
    if (elf_load_segments(fb, ram, ram_base, ram_size, img, err, errlen) < 0)
        return -1;
    img->entry = le64(fb->data + 24);
    elf_find_htif(fb, img);
    return 0;
}

#ifdef RVISOR_HAVE_ZLIB
/* Inflate every gzip member to nowhere; any error or a missing end is a bad initrd. */
static int check_gzip(const struct file_buf *fb, char *err, size_t errlen)
{
    static const char what[] = "the initrd is truncated or not valid gzip data";
    uint8_t out[16384];
    size_t pos = 0;
    while (pos < fb->size) {
        z_stream zs;
        int rc;
        memset(&zs, 0, sizeof(zs));
        if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
            set_err(err, errlen, "cannot check the initrd: zlib failed");
            return -1;
        }
        zs.next_in = fb->data + pos;
        zs.avail_in = (uInt)(fb->size - pos > UINT32_MAX ? UINT32_MAX : fb->size - pos);
        do {
            zs.next_out = out;
            zs.avail_out = sizeof(out);
            rc = inflate(&zs, Z_NO_FLUSH);
        } while (rc == Z_OK);
        pos += (size_t)(zs.next_in - (fb->data + pos));
        inflateEnd(&zs);
        if (rc != Z_STREAM_END) {
            set_err(err, errlen, "%s", what);
            return -1;
        }
        while (pos < fb->size && fb->data[pos] == 0) /* padding between members */
            pos++;
        if (pos < fb->size && (fb->size - pos < 2 || fb->data[pos] != 0x1f ||
                               fb->data[pos + 1] != 0x8b)) {
            set_err(err, errlen, "%s (trailing garbage)", what);
            return -1;
        }
    }
    return 0;
}
#endif

static unsigned long cpio_hex(const uint8_t *p)
{
    unsigned long v = 0;
    for (int i = 0; i < 8; i++) {
        int c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned long)(c - 'A' + 10);
    }
    return v;
}

/* Walk newc headers (110 bytes, 4-byte aligned name and data) up to TRAILER!!!. */
static int check_cpio(const struct file_buf *fb, char *err, size_t errlen)
{
    uint64_t pos = 0;
    while (range_ok(pos, 110, fb->size) && memcmp(fb->data + pos, "07070", 5) == 0) {
        uint64_t filesize = cpio_hex(fb->data + pos + 54);
        uint64_t namesize = cpio_hex(fb->data + pos + 94);
        uint64_t name = pos + 110;
        if (!range_ok(name, namesize, fb->size))
            break;
        if (namesize == 11 && memcmp(fb->data + name, "TRAILER!!!", 11) == 0)
            return 0;
        pos = ((name + namesize + 3) & ~3ull) + filesize;
        pos = (pos + 3) & ~3ull;
    }
    set_err(err, errlen, "the initrd is a truncated or corrupt cpio archive");
    return -1;
}

int loader_check_initrd(const struct file_buf *fb, char *err, size_t errlen)
{
    if (fb->size == 0) {
        set_err(err, errlen, "the initrd is empty");
        return -1;
    }
    if (fb->size >= 2 && fb->data[0] == 0x1f && fb->data[1] == 0x8b) {
#ifdef RVISOR_HAVE_ZLIB
        return check_gzip(fb, err, errlen);
#else
        return 0;
#endif
    }
    if (fb->size >= 6 && memcmp(fb->data, "07070", 5) == 0)
        return check_cpio(fb, err, errlen);
    return 0;
}
