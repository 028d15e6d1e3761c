/*
 * Running a VM with a window (-display sdl): the window must live on the process's main
 * thread (macOS requires it), so the run loop (a librvisor host's hypervisor) moves to a
 * thread of its own and the calling thread runs the display until the run ends. Closing
 * the window powers the machine off as the guest's own shutdown would (exit status 0); a
 * run that ends by itself (guest poweroff, Ctrl-A x on the console) closes the window.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "devices/host/display.h"
#include "hv/vm.h"

struct run_thread {
    void (*run)(void *);
    void *arg;
    atomic_bool done;
};

static void *run_thread_main(void *p)
{
    struct run_thread *t = p;
    t->run(t->arg);
    atomic_store(&t->done, true);
    return NULL;
}

bool vm_display_available(void)
{
    return display_sdl_available();
}

static void vm_close_requested(void *opaque)
{
    vm_request_poweroff(opaque);
}

int vm_display_run(struct vm *vm, const char *name, void (*run)(void *), void *arg, char *err,
                   size_t errlen)
{
    char title[128];
    struct display *d;
    struct run_thread t = {.run = run, .arg = arg};
    pthread_t th;
    snprintf(title, sizeof(title), "rvisor - %s", name ? name : "vm");
    struct display_params p = {.title = title,
                               .fb = vm_framebuffer(vm),
                               .keyboard = vm_input_device(vm, VM_VIRTIO_KEYBOARD),
                               .tablet = vm_input_device(vm, VM_VIRTIO_TABLET),
                               .close_requested = vm_close_requested,
                               .opaque = vm};
    if (!p.fb) {
        snprintf(err, errlen, "-display sdl: the machine has no framebuffer");
        return -1;
    }
    if (display_sdl_open(&p, &d, err, errlen) < 0)
        return -1;
    atomic_init(&t.done, false);
    if (pthread_create(&th, NULL, run_thread_main, &t) != 0) {
        display_sdl_close(d);
        snprintf(err, errlen, "cannot start the machine's thread");
        return -1;
    }
    display_sdl_loop(d, &t.done);
    pthread_join(th, NULL);
    display_sdl_close(d);
    return 0;
}
