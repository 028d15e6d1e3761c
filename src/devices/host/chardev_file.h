/*
 * A console back end that writes a VM's output to a file (the config file's
 * "console": {"file": PATH}). Output only: a file console gives the guest no input.
 *
 * Every write goes straight to the file (write(2), no buffering in this process), so a
 * test or a `tail -f` sees output as the guest prints it and nothing is lost if the
 * process dies. Writes from several harts are serialized. A write error (disk full, ...)
 * is reported once on stderr and the output is dropped from then on; the guest never
 * notices.
 */
#ifndef RVISOR_DEVICES_HOST_CHARDEV_FILE_H
#define RVISOR_DEVICES_HOST_CHARDEV_FILE_H

#include <stdbool.h>
#include <stddef.h>

struct chardev;
struct chardev_file;

/*
 * Open (create, mode 0644) path: truncated, as QEMU's file chardev does, or appended to
 * when append is true. 0, or -errno with a one-line message in err.
 */
int chardev_file_open(const char *path, bool append, struct chardev_file **out, char *err,
                      size_t errlen);
/* The sink to put in vm_config.console; valid until chardev_file_close(). */
const struct chardev *chardev_file_chardev(struct chardev_file *f);
/* Close the file (after the VM that writes to it is destroyed); NULL is allowed. */
void chardev_file_close(struct chardev_file *f);

#endif
