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
                              rvisor_vm_run (RVISOR_EXIT_TIMEOUT); 0: no limit */
    rvisor_output_fn console_out; /* NULL: output is discarded */
    rvisor_input_fn console_in;   /* NULL: only rvisor_vm_console_send */
    void *console_opaque;         /* passed to both */
    uint64_t console_limit; /* at most this many output bytes reach console_out; the
                               rest is counted and dropped (stats.console_dropped);
                               0: RVISOR_CONSOLE_LIMIT_DEFAULT, UINT64_MAX: no limit */
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
                             only console input can wake the guest */
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
 * the next rvisor_vm_run or rvisor_vm_step starts). */
RVISOR_API void rvisor_vm_pause(rvisor_vm *vm);
/* Execute one instruction (or take one trap) on hart. 0, or -1 (bad hart, VM ended). */
RVISOR_API int rvisor_vm_step(rvisor_vm *vm, unsigned hart);
/* End the VM now (RVISOR_EXIT_STOPPED) unless it has already ended. */
RVISOR_API void rvisor_vm_stop(rvisor_vm *vm);

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
};

/* Which mechanism ended the run. */
enum rvisor_exit_source {
    RVISOR_SOURCE_NONE = 0,
    RVISOR_SOURCE_FINISHER, /* sifive,test at 0x100000: 0x5555 pass, 0x3333|code<<16 fail */
    RVISOR_SOURCE_SBI,      /* SBI SRST (reason 0 none, 1 system failure) or legacy */
    RVISOR_SOURCE_HTIF,     /* tohost: 1 pass, (code<<1)|1 fail */
    RVISOR_SOURCE_HOST,     /* the library: limits, fault, rvisor_vm_stop */
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
/* "poweroff", "fail", "reset", "fault", "timeout", "insn-limit", "stopped", "none". */
RVISOR_API const char *rvisor_exit_kind_name(enum rvisor_exit_kind k);
RVISOR_API const char *rvisor_exit_source_name(enum rvisor_exit_source s);

struct rvisor_stats {
    uint64_t insns;           /* retired by all harts */
    uint64_t traps, irqs;     /* traps taken (exceptions and interrupts), of them irqs */
    uint64_t run_ns;          /* host time spent in rvisor_vm_run/step */
    uint64_t guest_ns;        /* guest time (mtime) */
    uint64_t console_bytes;   /* output bytes passed to console_out */
    uint64_t console_dropped; /* output bytes over console_limit (dropped) */
    unsigned harts;
    uint64_t ram_size;
};
RVISOR_API int rvisor_vm_stats(rvisor_vm *vm, struct rvisor_stats *st);

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

/* Register numbers: x0..x31, f0..f31 (raw bits), pc, privilege (0 U, 1 S, 3 M), CSRs. */
#define RVISOR_REG_X(n)   (n)
#define RVISOR_REG_F(n)   (32 + (n))
#define RVISOR_REG_PC     64
#define RVISOR_REG_PRIV   65
#define RVISOR_REG_CSR(n) (0x1000 + (n))
RVISOR_API int rvisor_vm_get_reg(rvisor_vm *vm, unsigned hart, unsigned reg, uint64_t *val);
RVISOR_API int rvisor_vm_set_reg(rvisor_vm *vm, unsigned hart, unsigned reg, uint64_t val);

#ifdef __cplusplus
}
#endif

#endif
