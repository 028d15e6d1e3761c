/*
 * Guest image loaders: ELF64 RISC-V executables (and, with the boot work, Linux Image and
 * raw binaries). Every field of an input file is checked before it is used; a bad file
 * gives a one-line message in err and -1, never a crash.
 */
#ifndef RVISOR_HV_LOADER_H
#define RVISOR_HV_LOADER_H

#include <stddef.h>
#include <stdint.h>

struct loaded_image {
    uint64_t entry;
    uint64_t lowest;   /* lowest physical address written */
    uint64_t highest;  /* one past the highest physical address written */
    uint64_t tohost;   /* address of the HTIF `tohost` symbol, or 0 */
    uint64_t fromhost; /* address of `fromhost`, or 0 */
};

/* A file read whole into memory. */
struct file_buf {
    uint8_t *data;
    size_t size;
};

int file_read_all(const char *path, struct file_buf *out, char *err, size_t errlen);
void file_buf_free(struct file_buf *fb);

/* True when the buffer starts with the ELF magic. */
int loader_is_elf(const struct file_buf *fb);

/*
 * Load the PT_LOAD segments of an ELF into guest RAM [ram_base, ram_base + ram_size)
 * whose host copy is `ram`. Segments outside RAM are an error.
 */
int loader_load_elf(const struct file_buf *fb, uint8_t *ram, uint64_t ram_base,
                    uint64_t ram_size, struct loaded_image *img, char *err, size_t errlen);

/*
 * Check an initrd before it is given to the guest: a gzip stream must inflate to its end
 * (with zlib, when rvisor is built with it) and an uncompressed newc cpio archive must
 * reach its TRAILER!!! entry. Other formats are passed through unchecked.
 */
int loader_check_initrd(const struct file_buf *fb, char *err, size_t errlen);

#endif
