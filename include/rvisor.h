/*
 * librvisor: embed RISC-V (RV64GC) virtual machines in a program. Each VM is a complete
 * QEMU-compatible "virt" board (RAM, harts, UART, test finisher, HTIF, optional virtio
 * disk) running bare-metal programs, firmware or Linux, interpreted in software.
 *
 *     struct rvisor_config cfg;
 *     rvisor_config_init(&cfg);
 *     cfg.bios = "none";                  // bare metal, entered in M-mode
 *     cfg.kernel = "prog.elf";
 *     cfg.console_out = my_output;        // bytes the guest writes to its UART
 *     rvisor_vm *vm;
 *     char err[256];
 *     if (rvisor_vm_create(&cfg, &vm, err, sizeof(err)) < 0) { puts(err); return 1; }
 *     enum rvisor_stop why = rvisor_vm_run(vm, 100000000, 5000000000ull); // insns, ns
 *     struct rvisor_exit ex;
 *     rvisor_vm_exit(vm, &ex);            // ex.kind, ex.code, ex.source...
 *     rvisor_vm_destroy(vm);
 *
 * Several VMs sharing a pool of host threads, with fair shares, caps, memory quotas, an
 * in-process network switch and a QMP monitor, run on a host (the rvisor program itself
 * is this API: src/main.c):
 *
 *     rvisor_host *host;
 *     struct rvisor_host_config hc;
 *     rvisor_host_config_init(&hc);
 *     hc.threads = 2;
 *     rvisor_host_create(&hc, &host, err, sizeof(err));
 *     rvisor_host_add_vm(host, &cfg_a, NULL, err, sizeof(err));   // or rvisor_host_load_json
 *     rvisor_host_add_vm(host, &cfg_b, NULL, err, sizeof(err));
 *     rvisor_host_run(host, err, sizeof(err));  // until every VM has ended
 *     ... rvisor_vm_exit(rvisor_host_vm(host, 0), &ex) ...
 *     rvisor_host_destroy(host);
 *
 * Link with -lrvisor (pkg-config rvisor; CMake: find_package(rvisor), target
 * rvisor::rvisor or rvisor::rvisor_static). docs/api.md has the full guide.
 *
 * THREAD-SAFETY CONTRACT
 *   - The library has no global mutable state: VMs are independent, and different
 *     threads may create, run and destroy different VMs at the same time.
 *   - One VM is driven by one thread at a time: rvisor_vm_run, rvisor_vm_step, the
 *     memory and register functions, rvisor_vm_exit/stats and rvisor_vm_destroy must not
 *     run concurrently on the same VM. A VM's harts all run on the thread that calls
 *     rvisor_vm_run (taking turns), so one VM uses one host CPU; use several VMs on
 *     several threads for parallelism.
 *   - Exceptions, callable from ANY thread while another thread is in rvisor_vm_run:
 *     rvisor_vm_pause (the run returns RVISOR_STOP_PAUSED soon after) and
 *     rvisor_vm_console_send (queued; delivered by the running thread).
 *   - Callbacks (console_out, console_in) are called on the thread inside rvisor_vm_run
 *     or rvisor_vm_step; they must not call back into the same VM (except
 *     rvisor_vm_pause and rvisor_vm_console_send).
 *   - A host (rvisor_host) owns the VMs added to it and runs their harts on its worker
 *     threads, in parallel, inside rvisor_host_run: there, console_out and console_in are
 *     called from those worker threads (one at a time per VM). rvisor_vm_run and
 *     rvisor_vm_step refuse a host's VM. While rvisor_host_run runs, other threads may
 *     call rvisor_host_stop, and on the host's VMs rvisor_vm_pause, rvisor_vm_resume,
 *     rvisor_vm_stop, rvisor_vm_console_send, rvisor_vm_stats and rvisor_vm_exit; memory
 *     and register access is refused (-1) until it has returned. Add VMs before running
 *     the host.
 *   - Nothing a guest or an input file does makes the library exit or abort the process.
 *
 * Errors: functions returning int give 0 on success and -1 on failure; those taking
 * (err, errlen) then write a one-line message there.
 */
#ifndef RVISOR_H
#define RVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(RVISOR_SHARED_BUILD)
#define RVISOR_API __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define RVISOR_API __attribute__((visibility("default")))
#else
#define RVISOR_API
#endif

#define RVISOR_VERSION_MAJOR 0
#define RVISOR_VERSION_MINOR 1
#define RVISOR_VERSION_PATCH 0

/* "0.1.0": the version of the library actually linked. */
RVISOR_API const char *rvisor_version(void);

typedef struct rvisor_vm rvisor_vm;

/* Guest console output (bytes written to the UART or through HTIF / SBI console). */
typedef void (*rvisor_output_fn)(void *opaque, const uint8_t *buf, size_t len);
/*
 * Guest console input: called when the UART can take bytes; fill at most max bytes of
 * buf and return how many (0: nothing now). Must not block.
 */
typedef size_t (*rvisor_input_fn)(void *opaque, uint8_t *buf, size_t max);

#define RVISOR_CONSOLE_LIMIT_DEFAULT (1u << 20) /* console_limit 0 means this */

/* Where a VM's console (its UART) is connected. */
enum rvisor_console {
    RVISOR_CONSOLE_CALLBACKS = 0, /* console_out / console_in (the default) */
    RVISOR_CONSOLE_STDIO,         /* this process's terminal, raw, with QEMU's Ctrl-A
                                     commands (C-a x quits); one VM per process */
    RVISOR_CONSOLE_STDIO_SIGNALS, /* the terminal, every byte to the guest, Ctrl-C signals
                                     the process (QEMU's -serial stdio) */
    RVISOR_CONSOLE_FILE,          /* output written to console_path, no input */
    RVISOR_CONSOLE_SOCKET,        /* a Unix socket at console_path, both ways */
    RVISOR_CONSOLE_NONE,          /* output dropped, no input */
};

enum rvisor_device_kind {
    RVISOR_DEVICE_DISK = 1, /* virtio-blk on a raw image */
    RVISOR_DEVICE_RNG,      /* virtio-rng */
    RVISOR_DEVICE_NET,      /* virtio-net */
    RVISOR_DEVICE_KEYBOARD, /* virtio-input keyboard */
    RVISOR_DEVICE_TABLET,   /* virtio-input absolute pointer */
};

enum rvisor_disk_cache {
    RVISOR_CACHE_WRITEBACK = 0, /* the guest's flush reaches the disk */
    RVISOR_CACHE_WRITETHROUGH,  /* every write reaches the disk */
    RVISOR_CACHE_UNSAFE,        /* the guest's flush is ignored */
};

/* One virtio device (struct rvisor_config.devices). Zero it, then set kind etc. */
struct rvisor_device {
    enum rvisor_device_kind kind;
    unsigned slot;           /* 0: the highest free virtio-mmio slot (as QEMU);
                                1..8: virtio-mmio-bus.0..7 */
    const char *file;        /* DISK: the raw image */
    bool readonly;           /* DISK */
    enum rvisor_disk_cache cache; /* DISK */
    const char *serial;      /* DISK: the ID the guest reads; NULL: none */
    const char *netdev;      /* NET: the back end in -netdev syntax: "user[,hostfwd=...]",
                                "tap,ifname=NAME", "switch,name=NAME" (in-process) */
    const char *mac;         /* NET: "52:54:00:12:34:56"; NULL: a distinct default */
};

/* A VM to create. Call rvisor_config_init first: fields added later default sensibly. */
struct rvisor_config {
    uint32_t struct_size;  /* set by rvisor_config_init (ABI check) */
    const char *name;      /* for messages; default "vm0" */
    uint64_t ram_size;     /* bytes; default 128 MiB */
    unsigned harts;        /* 1..32; default 1 */
    const char *bios;      /* NULL or "builtin": rvisor's SBI (kernel in S-mode);
                              "none": the kernel runs in M-mode (bare metal);
                              "default": Debian's OpenSBI; or a firmware file */
    const char *kernel;    /* ELF, RISC-V Linux Image, or raw *.bin */
    const char *initrd;    /* initial RAM disk, or NULL */
    const char *append;    /* kernel command line, or NULL */
    const char *disk;      /* raw image on a virtio-blk disk, or NULL */
    bool disk_readonly;
    bool deterministic;    /* guest time follows executed instructions (10 per 100 ns) */
    bool no_reboot;        /* a guest reboot ends the VM (RVISOR_EXIT_RESET) */
    bool rng;              /* add a virtio-rng device */
    uint64_t max_insns;    /* end the VM after this many instructions in all
                              (RVISOR_EXIT_INSN_LIMIT); 0: no limit */
    uint64_t timeout_ns;   /* end the VM after this much host time spent in
                              rvisor_vm_run, or since rvisor_host_run started
                              (RVISOR_EXIT_TIMEOUT); 0: no limit */
    rvisor_output_fn console_out; /* NULL: output is discarded */
    rvisor_input_fn console_in;   /* NULL: only rvisor_vm_console_send */
    void *console_opaque;         /* passed to both */
    uint64_t console_limit; /* at most this many output bytes reach console_out; the
                               rest is counted and dropped (stats.console_dropped);
                               0: RVISOR_CONSOLE_LIMIT_DEFAULT, UINT64_MAX: no limit */

    /* ---- the rest of the board (all optional; the rvisor program's options) ---- */
    enum rvisor_console console; /* where the UART goes; default: the callbacks above */
    const char *console_path;    /* FILE, SOCKET: the file or Unix socket */
    bool console_append;         /* FILE: append instead of truncating */
    const struct rvisor_device *devices; /* virtio devices, besides disk and rng above */
    unsigned ndevices;                   /* at most 8 virtio devices in all */
    bool virtio_legacy;    /* virtio-mmio version 1 (QEMU's force-legacy=true) */
    const char *dtb;       /* use this device tree file instead of the generated one */
    bool dtb_only;         /* build the board only to read its device tree (rvisor_vm_dtb):
                              no kernel needed, the VM cannot run */
    unsigned fb_width, fb_height; /* a simple-framebuffer (x8r8g8b8); 0: none (1024x768
                                     when display or screenshot asks for one) */
    bool display;          /* show the framebuffer in a window (SDL2), with a virtio
                              keyboard and tablet; the host's run shows it (at most one VM) */
    const char *screenshot;       /* write the framebuffer to this PNG at the end... */
    uint64_t screenshot_after_ns; /* ...or after this much guest time */
    const char *gdb;       /* a GDB stub: "tcp:[HOST]:PORT"; NULL: none */
    bool gdb_wait;         /* no instruction runs until the debugger continues */
    const char *log;       /* events to log, as -d: "int,mmu,sbi,unimp,guest_errors" */
    const char *log_file;  /* where those lines go; NULL: stderr */
    bool trace;            /* disassemble every executed instruction on stderr (slow) */
    /* On a host: fair-share weight (1..10000; 0: 256), cap in % of one host thread
       (0: none), hard and soft memory quotas in bytes (0: none). */
    unsigned weight, cap;
    uint64_t quota, soft_quota;
};

RVISOR_API void rvisor_config_init(struct rvisor_config *cfg);

/* Build a VM (images are loaded and checked now). */
RVISOR_API int rvisor_vm_create(const struct rvisor_config *cfg, rvisor_vm **out, char *err,
                                size_t errlen);
/*
 * Build a VM from the JSON of a --config file (docs/config.md): the VM named vm_name, or
 * the first when vm_name is NULL. Relative paths are taken from base_dir (NULL: the
 * current directory). Its "console" key is ignored: console, limits and the other
 * fields of struct rvisor_config not expressible in the file come from overrides
 * (NULL: defaults); overrides->kernel etc. are ignored.
 */
RVISOR_API int rvisor_vm_create_json(const char *json, size_t len, const char *vm_name,
                                     const char *base_dir, const struct rvisor_config *overrides,
                                     rvisor_vm **out, char *err, size_t errlen);
RVISOR_API void rvisor_vm_destroy(rvisor_vm *vm);

/* Why rvisor_vm_run returned. */
enum rvisor_stop {
    RVISOR_STOP_EXIT = 0, /* the VM ended (for good): rvisor_vm_exit says how */
    RVISOR_STOP_BUDGET,   /* this call's instruction budget is used up */
    RVISOR_STOP_TIMEOUT,  /* this call's host-time limit passed */
    RVISOR_STOP_PAUSED,   /* rvisor_vm_pause was called */
    RVISOR_STOP_IDLE,     /* every hart waits for an interrupt and no timer is set:
                             only console input can wake the guest (a VM with a network
                             card waits for packets instead, until the call's limits) */
    RVISOR_STOP_ERROR = -1, /* bad argument */
};

/*
 * Run the VM on this thread until it ends, or for at most max_insns instructions
 * (0: no limit) and timeout_ns nanoseconds of host time (0: no limit) in this call.
 * Call again to go on (after BUDGET, TIMEOUT, PAUSED, IDLE). After EXIT the VM stays
 * readable (memory, registers, stats) but does not run again.
 */
RVISOR_API enum rvisor_stop rvisor_vm_run(rvisor_vm *vm, uint64_t max_insns,
                                          uint64_t timeout_ns);
/* Ask a running rvisor_vm_run to return RVISOR_STOP_PAUSED (any thread; sticky until
 * the next rvisor_vm_run or rvisor_vm_step starts). A host's VM is held (its harts stop
 * soon after) until rvisor_vm_resume. */
RVISOR_API void rvisor_vm_pause(rvisor_vm *vm);
/* Execute one instruction (or take one trap) on hart. 0, or -1 (bad hart, VM ended). */
RVISOR_API int rvisor_vm_step(rvisor_vm *vm, unsigned hart);
/* End the VM now (RVISOR_EXIT_STOPPED) unless it has already ended. */
RVISOR_API void rvisor_vm_stop(rvisor_vm *vm);

/* A host's VM paused with rvisor_vm_pause (or at its memory quota) goes on. 0, or -1
 * with a message (not on a host, not paused). */
RVISOR_API int rvisor_vm_resume(rvisor_vm *vm, char *err, size_t errlen);

/* Queue bytes for the guest's UART (any thread). 0, or -1 out of memory. */
RVISOR_API int rvisor_vm_console_send(rvisor_vm *vm, const void *buf, size_t len);

enum rvisor_exit_kind {
    RVISOR_EXIT_NONE = 0,   /* still running (or never ran) */
    RVISOR_EXIT_POWEROFF,   /* passed / powered off: code 0 */
    RVISOR_EXIT_FAIL,       /* the guest reported failure: code is its code */
    RVISOR_EXIT_RESET,      /* the guest asked for a reboot and no_reboot is set */
    RVISOR_EXIT_FAULT,      /* a trap that could not be handled: see fault_* */
    RVISOR_EXIT_TIMEOUT,    /* config.timeout_ns ran out */
    RVISOR_EXIT_INSN_LIMIT, /* config.max_insns ran out */
    RVISOR_EXIT_STOPPED,    /* rvisor_vm_stop, or a reboot that failed */
    RVISOR_EXIT_HALTED,     /* on a host: every hart waits for an interrupt nothing can
                               send (the guest can never run again) */
    RVISOR_EXIT_QUIT,       /* the user quit (Ctrl-A x on the terminal, the debugger) */
};

/* Which mechanism ended the run. */
enum rvisor_exit_source {
    RVISOR_SOURCE_NONE = 0,
    RVISOR_SOURCE_FINISHER, /* sifive,test at 0x100000: 0x5555 pass, 0x3333|code<<16 fail */
    RVISOR_SOURCE_SBI,      /* SBI SRST (reason 0 none, 1 system failure) or legacy */
    RVISOR_SOURCE_HTIF,     /* tohost: 1 pass, (code<<1)|1 fail */
    RVISOR_SOURCE_HOST,     /* the library: limits, fault, rvisor_vm_stop */
    RVISOR_SOURCE_CONSOLE,  /* the user, on the terminal console (Ctrl-A x) */
    RVISOR_SOURCE_GDB,      /* the debugger (kill, detach with quit) */
};

struct rvisor_exit {
    enum rvisor_exit_kind kind;
    enum rvisor_exit_source source;
    unsigned code;          /* FAIL: the guest's code (finisher/HTIF); SBI: the SRST
                               reason (1 = system failure) */
    uint64_t insns;         /* instructions executed in all */
    /* RVISOR_EXIT_FAULT: */
    unsigned fault_hart;
    unsigned fault_priv;    /* privilege that took the trap: 3 M, 1 S */
    uint64_t fault_cause;   /* mcause/scause (2 illegal instruction, 1/5/7 access...) */
    uint64_t fault_pc;      /* mepc/sepc: where it happened */
    uint64_t fault_tval;
    uint64_t fault_vector;  /* the trap vector that could not be fetched */
    char message[192];      /* one line, e.g. "illegal instruction at 0x80000010 ..." */
};

/* 0 (ex filled), or -1 for a bad argument. */
RVISOR_API int rvisor_vm_exit(rvisor_vm *vm, struct rvisor_exit *ex);
/* "poweroff", "fail", "reset", "fault", "timeout", "insn-limit", "stopped", "halted",
 * "quit", "none". */
RVISOR_API const char *rvisor_exit_kind_name(enum rvisor_exit_kind k);
RVISOR_API const char *rvisor_exit_source_name(enum rvisor_exit_source s);
/*
 * The exit status the rvisor program gives for this end (README, "Exit status"): 0 for
 * poweroff, a stop or a quit (and a reset under no_reboot), the guest's code for FAIL
 * (its low 8 bits, 1 if those are 0), RVISOR_STATUS_FAULT, RVISOR_STATUS_INSN_LIMIT,
 * RVISOR_STATUS_TIMEOUT, RVISOR_STATUS_HALTED.
 */
#define RVISOR_STATUS_FAULT      123
#define RVISOR_STATUS_INSN_LIMIT 124
#define RVISOR_STATUS_HALTED     125
#define RVISOR_STATUS_TIMEOUT    126
RVISOR_API int rvisor_exit_status(const struct rvisor_exit *ex);

struct rvisor_stats {
    uint64_t insns;           /* retired by all harts */
    uint64_t traps, irqs;     /* traps taken (exceptions and interrupts), of them irqs */
    uint64_t run_ns;          /* host time spent in rvisor_vm_run/step */
    uint64_t guest_ns;        /* guest time (mtime) */
    uint64_t console_bytes;   /* output bytes passed to console_out */
    uint64_t console_dropped; /* output bytes over console_limit (dropped) */
    unsigned harts;
    uint64_t ram_size;
    /* on a host: */
    uint64_t committed;       /* bytes its quota counts: guest pages written at least
                                 once, plus its host-side memory (harts, caches, devices) */
    uint64_t committed_peak;  /* the highest `committed` so far */
    uint64_t steal_ns;        /* time its harts were runnable but had no worker thread */
};
RVISOR_API int rvisor_vm_stats(rvisor_vm *vm, struct rvisor_stats *st);

/*
 * A host's VM, any time (also while the host runs): its fair-share weight (1..10000)
 * and cap (% of one worker thread, 0: none); its hard and soft memory quotas in bytes
 * (0: none; a VM at its hard quota is held until the quota is raised and it is resumed).
 * 0, or -1 with a message.
 */
RVISOR_API int rvisor_vm_set_share(rvisor_vm *vm, unsigned weight, unsigned cap, char *err,
                                   size_t errlen);
RVISOR_API int rvisor_vm_set_quota(rvisor_vm *vm, uint64_t quota, uint64_t soft_quota,
                                   char *err, size_t errlen);

/* Guest-physical RAM (0, or -1 if any byte of the range is not RAM). */
RVISOR_API int rvisor_vm_read_mem(rvisor_vm *vm, uint64_t paddr, void *buf, size_t len);
RVISOR_API int rvisor_vm_write_mem(rvisor_vm *vm, uint64_t paddr, const void *buf, size_t len);
/* Virtual memory as hart sees it for data (its satp, MPRV); RAM only. */
RVISOR_API int rvisor_vm_read_virt(rvisor_vm *vm, unsigned hart, uint64_t vaddr, void *buf,
                                   size_t len);
RVISOR_API int rvisor_vm_write_virt(rvisor_vm *vm, unsigned hart, uint64_t vaddr,
                                    const void *buf, size_t len);
/* The RAM's guest-physical base (0x80000000) and size. */
RVISOR_API uint64_t rvisor_vm_ram_base(rvisor_vm *vm);

/* The device tree the guest is given (generated, or the config's dtb file); the
 * pointer is valid as long as the VM. */
RVISOR_API const void *rvisor_vm_dtb(rvisor_vm *vm, size_t *size);
/* The VM's name (config name). */
RVISOR_API const char *rvisor_vm_name(rvisor_vm *vm);

/* Register numbers: x0..x31, f0..f31 (raw bits), pc, privilege (0 U, 1 S, 3 M), CSRs. */
#define RVISOR_REG_X(n)   (n)
#define RVISOR_REG_F(n)   (32 + (n))
#define RVISOR_REG_PC     64
#define RVISOR_REG_PRIV   65
#define RVISOR_REG_CSR(n) (0x1000 + (n))
RVISOR_API int rvisor_vm_get_reg(rvisor_vm *vm, unsigned hart, unsigned reg, uint64_t *val);
RVISOR_API int rvisor_vm_set_reg(rvisor_vm *vm, unsigned hart, unsigned reg, uint64_t val);

/* ---- hosts: several VMs on a pool of worker threads ---- */

typedef struct rvisor_host rvisor_host;

struct rvisor_host_config {
    uint32_t struct_size;    /* set by rvisor_host_config_init */
    unsigned threads;        /* worker threads, 1..64; 0: as many as the VMs' harts, at
                                most the host's CPUs */
    bool deterministic;      /* one thread; every VM's time follows its instructions, so
                                runs repeat exactly */
    const char *monitor;     /* a QMP control socket at this path (docs/monitor.md) */
    const char *trace_sched; /* write scheduler decisions to this Chrome trace file */
};
RVISOR_API void rvisor_host_config_init(struct rvisor_host_config *hc);

RVISOR_API int rvisor_host_create(const struct rvisor_host_config *hc, rvisor_host **out,
                                  char *err, size_t errlen);
/*
 * The host and all the VMs of a --config file (docs/config.md) at path; its consoles,
 * switches, weights, caps and quotas as the file says. Host settings the file gives are
 * used unless overrides (NULL: none) sets them (threads nonzero, monitor, trace_sched
 * non-NULL, deterministic true). Errors start with "PATH:LINE:COL: ".
 */
RVISOR_API int rvisor_host_create_file(const char *path,
                                       const struct rvisor_host_config *overrides,
                                       rvisor_host **out, char *err, size_t errlen);
/*
 * Build a VM on the host (which owns it: do not rvisor_vm_destroy it). The VMs of one
 * host share its in-process network switches, and network cards without a MAC get
 * distinct ones. *out (may be NULL) is the VM. 0, or -1 with a message.
 */
RVISOR_API int rvisor_host_add_vm(rvisor_host *host, const struct rvisor_config *cfg,
                                  rvisor_vm **out, char *err, size_t errlen);
RVISOR_API unsigned rvisor_host_vm_count(rvisor_host *host);
RVISOR_API rvisor_vm *rvisor_host_vm(rvisor_host *host, unsigned i); /* NULL if none */
/*
 * Run every VM until all have ended (or rvisor_host_stop). A VM with display=true shows
 * its window on the calling thread meanwhile (call from main(): macOS wants that).
 * A host runs once. 0, or -1 with a message (the monitor socket or window could not be
 * opened: nothing ran).
 */
RVISOR_API int rvisor_host_run(rvisor_host *host, char *err, size_t errlen);
/* End every VM (RVISOR_EXIT_STOPPED); rvisor_host_run returns soon after. Any thread. */
RVISOR_API void rvisor_host_stop(rvisor_host *host);
/* Destroys the host and its VMs. */
RVISOR_API void rvisor_host_destroy(rvisor_host *host);

/* ---- odds and ends for front ends ---- */

/* Can this build show a window (SDL2)? write PNG screenshots (libpng)? */
RVISOR_API bool rvisor_have_display(void);
/* Check a log item list ("int,mmu"): 0, or -1 with a message. */
RVISOR_API int rvisor_check_log(const char *items, char *err, size_t errlen);
/* Describe the log items (-d help) on f (a FILE *). */
RVISOR_API void rvisor_log_help(void *f);
/* Check a network back end in -netdev (nic=false) or -nic (nic=true) syntax; its id= is
 * copied to id (idlen bytes; "" when none). 0, or -1 with a message. */
RVISOR_API int rvisor_check_netdev(const char *spec, bool nic, char *id, size_t idlen,
                                   char *err, size_t errlen);
/* Check a MAC address "52:54:00:12:34:56" (unicast). 0, or -1. */
RVISOR_API int rvisor_check_mac(const char *mac);

#ifdef __cplusplus
}
#endif

#endif
