/*
 * `rvisor grade JOB.json`: the headless autograder (docs/grading.md). A job file names
 * the guest (a bare-metal ELF, or Linux with an initramfs to which files are added), a
 * console dialogue (send / expect a POSIX extended regular expression, with per-step
 * timeouts), limits, and tests with points. The guest runs through the public API
 * (include/rvisor.h); the results go to Gradescope's results.json, a generic JSON file
 * and a summary on stdout.
 *
 * Exit status: 0 every test passed, 1 some failed, 2 bad job file or usage, 3
 * infrastructure error (guest images missing, limits of the container too small,
 * results not writable, a network the job asks for that this build cannot give).
 */
#ifndef RVISOR_GRADE_GRADE_H
#define RVISOR_GRADE_GRADE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GRADE_EXIT_PASS  0
#define GRADE_EXIT_FAIL  1
#define GRADE_EXIT_JOB   2
#define GRADE_EXIT_INFRA 3

enum grade_guest { GRADE_BAREMETAL = 0, GRADE_LINUX };

/* A file added to the initramfs. */
struct grade_file {
    char *path;    /* in the guest, absolute */
    uint8_t *data; /* contents (read from "source" or given as "content") */
    size_t len;
    unsigned mode; /* permission bits */
};

struct grade_step {
    char *name;
    char *send; /* NULL: nothing to send */
    size_t send_len;
    char *expect; /* NULL: nothing to wait for */
    regex_t re;
    bool has_re;
    double timeout; /* seconds (guest time when deterministic) */
};

struct grade_test {
    char *name;
    double points;
    char *visibility; /* Gradescope: visible, hidden, after_due_date, after_published */
    char *output;     /* regex the transcript must match, or NULL */
    regex_t re_out;
    bool has_out;
    char *not_output; /* regex the transcript must not match, or NULL */
    regex_t re_not;
    bool has_not;
    int step;         /* dialogue step that must pass, or -1 */
    char *exit_kind;  /* "poweroff", "fail", "fault", ... or NULL */
    bool has_code;
    long code;
};

struct grade_job {
    char *name;
    enum grade_guest guest;
    char *kernel, *initrd, *append, *bios, *disk;
    bool disk_readonly;
    uint64_t memory;
    unsigned harts;
    struct grade_file *files;
    unsigned nfiles;
    uint64_t max_insns;
    double wall_seconds;
    uint64_t console_bytes;
    bool deterministic;
    bool network; /* one virtio-net card on user-mode NAT (libslirp) */
    char *netdev; /* its back end in -nic syntax ("user[,hostfwd=RULE]..."), or NULL */
    bool wait_exit; /* after the dialogue: run until the guest ends (default) */
    struct grade_step *steps;
    unsigned nsteps;
    struct grade_test *tests;
    unsigned ntests;
};

/* Read and check a job file: 0, or -1 with a one-line message ("FILE: ..."). */
int grade_job_load(const char *path, struct grade_job *job, char *err, size_t errlen);
void grade_job_free(struct grade_job *job);

/*
 * The initrd with the job's files added: base (gzip'd or plain newc cpio) followed by a
 * second archive holding the files (gzip'd, stored blocks, when base is gzip'd). Written
 * to a new temporary file whose name goes to out_path. 0, or -1 with a message.
 */
int grade_initrd(const char *base, const struct grade_file *files, unsigned nfiles,
                 char *out_path, size_t out_len, char *err, size_t errlen);

/* Limits of the container (cgroup v2), 0 when none. */
struct grade_limits {
    uint64_t memory_max; /* bytes */
    double cpus;         /* cpu.max quota / period */
};
void grade_cgroup_limits(struct grade_limits *l);

/* rvisor grade ...: the exit status. */
int grade_main(int argc, char **argv);

#endif
