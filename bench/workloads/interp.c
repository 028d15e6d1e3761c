/* interp: a small bytecode interpreter. A stack machine (a switch on the opcode, 64-bit
 * values, 16 local slots, an array of 64-bit cells) runs two programs assembled at start:
 * the sum of the Collatz sequence lengths of 1..3000, and a sieve of Eratosthenes that
 * counts the primes below 30,000. Each repetition runs both and checks their results
 * and the number of bytecode instructions executed against the known values.
 * Work: millions of bytecode instructions executed (Mop). */
#include "wl.h"

#define COLLATZ_N     3000
#define SIEVE_N       30000
#define EXPECT_STEPS  215063u
#define EXPECT_PRIMES 3245u
#define EXPECT_OPS    0x5032b7u

enum op {
    OP_HALT,
    OP_PUSH,
    OP_LOAD,
    OP_STORE,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_AND,
    OP_SHR,
    OP_LT,
    OP_LE,
    OP_EQ,
    OP_JMP,
    OP_JZ,
    OP_JNZ,
    OP_DUP,
    OP_DROP,
    OP_ALOAD,
    OP_ASTORE,
};

struct prog {
    int64_t code[256];
    int n;
    int label[32];
    int fix_at[32], fix_label[32], nfix;
};

static int64_t cells[SIEVE_N + 1];

static void emit(struct prog *p, enum op o)
{
    p->code[p->n++] = o;
}

static void emit1(struct prog *p, enum op o, int64_t arg)
{
    p->code[p->n++] = o;
    p->code[p->n++] = arg;
}

static void jump(struct prog *p, enum op o, int label)
{
    p->code[p->n++] = o;
    p->fix_at[p->nfix] = p->n;
    p->fix_label[p->nfix++] = label;
    p->code[p->n++] = 0;
}

static void here(struct prog *p, int label)
{
    p->label[label] = p->n;
}

static void link_prog(struct prog *p)
{
    for (int i = 0; i < p->nfix; i++)
        p->code[p->fix_at[i]] = p->label[p->fix_label[i]];
}

/* Slots: 0 n, 1 x, 2 total. Returns total in slot 2. */
static void build_collatz(struct prog *p)
{
    enum { OUTER, INNER, EVEN, NEXT, DONE };
    emit1(p, OP_PUSH, 0), emit1(p, OP_STORE, 2);
    emit1(p, OP_PUSH, 1), emit1(p, OP_STORE, 0);
    here(p, OUTER);
    emit1(p, OP_LOAD, 0), emit1(p, OP_PUSH, COLLATZ_N), emit(p, OP_LE), jump(p, OP_JZ, DONE);
    emit1(p, OP_LOAD, 0), emit1(p, OP_STORE, 1);
    here(p, INNER);
    emit1(p, OP_LOAD, 1), emit1(p, OP_PUSH, 1), emit(p, OP_EQ), jump(p, OP_JNZ, NEXT);
    emit1(p, OP_LOAD, 2), emit1(p, OP_PUSH, 1), emit(p, OP_ADD), emit1(p, OP_STORE, 2);
    emit1(p, OP_LOAD, 1), emit(p, OP_DUP), emit1(p, OP_PUSH, 1), emit(p, OP_AND);
    jump(p, OP_JZ, EVEN);
    emit1(p, OP_PUSH, 3), emit(p, OP_MUL), emit1(p, OP_PUSH, 1), emit(p, OP_ADD);
    emit1(p, OP_STORE, 1), jump(p, OP_JMP, INNER);
    here(p, EVEN);
    emit1(p, OP_PUSH, 1), emit(p, OP_SHR), emit1(p, OP_STORE, 1), jump(p, OP_JMP, INNER);
    here(p, NEXT);
    emit1(p, OP_LOAD, 0), emit1(p, OP_PUSH, 1), emit(p, OP_ADD), emit1(p, OP_STORE, 0);
    jump(p, OP_JMP, OUTER);
    here(p, DONE);
    emit(p, OP_HALT);
    link_prog(p);
}

/* Slots: 0 i, 1 j, 2 count. cells[0..SIEVE_N] is the sieve. */
static void build_sieve(struct prog *p)
{
    enum { CLEAR, SCAN, MARK, SKIP, END_CLEAR, DONE };
    emit1(p, OP_PUSH, 0), emit1(p, OP_STORE, 2);
    emit1(p, OP_PUSH, 2), emit1(p, OP_STORE, 0);
    here(p, CLEAR);
    emit1(p, OP_LOAD, 0), emit1(p, OP_PUSH, SIEVE_N), emit(p, OP_LT), jump(p, OP_JZ, END_CLEAR);
    emit1(p, OP_LOAD, 0), emit1(p, OP_PUSH, 0), emit(p, OP_ASTORE);
    emit1(p, OP_LOAD, 0), emit1(p, OP_PUSH, 1), emit(p, OP_ADD), emit1(p, OP_STORE, 0);
    jump(p, OP_JMP, CLEAR);
    here(p, END_CLEAR);
    emit1(p, OP_PUSH, 2), emit1(p, OP_STORE, 0);
    here(p, SCAN);
    emit1(p, OP_LOAD, 0), emit1(p, OP_PUSH, SIEVE_N), emit(p, OP_LT), jump(p, OP_JZ, DONE);
    emit1(p, OP_LOAD, 0), emit(p, OP_ALOAD), jump(p, OP_JNZ, SKIP);
    emit1(p, OP_LOAD, 2), emit1(p, OP_PUSH, 1), emit(p, OP_ADD), emit1(p, OP_STORE, 2);
    emit1(p, OP_LOAD, 0), emit(p, OP_DUP), emit(p, OP_MUL), emit1(p, OP_STORE, 1);
    here(p, MARK);
    emit1(p, OP_LOAD, 1), emit1(p, OP_PUSH, SIEVE_N), emit(p, OP_LT), jump(p, OP_JZ, SKIP);
    emit1(p, OP_LOAD, 1), emit1(p, OP_PUSH, 1), emit(p, OP_ASTORE);
    emit1(p, OP_LOAD, 1), emit1(p, OP_LOAD, 0), emit(p, OP_ADD), emit1(p, OP_STORE, 1);
    jump(p, OP_JMP, MARK);
    here(p, SKIP);
    emit1(p, OP_LOAD, 0), emit1(p, OP_PUSH, 1), emit(p, OP_ADD), emit1(p, OP_STORE, 0);
    jump(p, OP_JMP, SCAN);
    here(p, DONE);
    emit(p, OP_HALT);
    link_prog(p);
}

/* run(program, slots): executes until HALT; returns the number of instructions executed. */
static uint64_t run(const int64_t *code, int64_t *slot)
{
    int64_t stack[64], *sp = stack, a;
    uint64_t count = 0;
    long pc = 0;
    for (;;) {
        count++;
        switch ((enum op)code[pc++]) {
        case OP_HALT: return count;
        case OP_PUSH: *sp++ = code[pc++]; break;
        case OP_LOAD: *sp++ = slot[code[pc++]]; break;
        case OP_STORE: slot[code[pc++]] = *--sp; break;
        case OP_ADD: a = *--sp, sp[-1] += a; break;
        case OP_SUB: a = *--sp, sp[-1] -= a; break;
        case OP_MUL: a = *--sp, sp[-1] *= a; break;
        case OP_AND: a = *--sp, sp[-1] &= a; break;
        case OP_SHR: a = *--sp, sp[-1] = (int64_t)((uint64_t)sp[-1] >> a); break;
        case OP_LT: a = *--sp, sp[-1] = sp[-1] < a; break;
        case OP_LE: a = *--sp, sp[-1] = sp[-1] <= a; break;
        case OP_EQ: a = *--sp, sp[-1] = sp[-1] == a; break;
        case OP_JMP: pc = code[pc]; break;
        case OP_JZ: pc = *--sp ? pc + 1 : code[pc]; break;
        case OP_JNZ: pc = *--sp ? code[pc] : pc + 1; break;
        case OP_DUP: sp[0] = sp[-1], sp++; break;
        case OP_DROP: sp--; break;
        case OP_ALOAD: sp[-1] = cells[sp[-1]]; break;
        case OP_ASTORE: a = *--sp, sp--, cells[*sp] = a; break;
        default: wl_fail("bad opcode %lld at %ld", (long long)code[pc - 1], pc - 1);
        }
    }
}

int main(int argc, char **argv)
{
    long reps = wl_start("interp", argc, argv, 10);
    static struct prog collatz, sieve;
    build_collatz(&collatz);
    build_sieve(&sieve);
    uint64_t t0 = 0, ops = 0, check = 0;
    for (long r = -1; r < reps; r++) { /* r = -1: warm-up, not timed */
        if (r == 0)
            t0 = wl_now_ns();
        int64_t s1[16] = {0}, s2[16] = {0};
        uint64_t n = run(collatz.code, s1);
        n += run(sieve.code, s2);
        wl_expect("Collatz steps", (uint64_t)s1[2], EXPECT_STEPS);
        wl_expect("primes", (uint64_t)s2[2], EXPECT_PRIMES);
        wl_expect("instructions executed", n, EXPECT_OPS);
        ops += r >= 0 ? n : 0;
        check = wl_mix(wl_mix(n, (uint64_t)s1[2]), (uint64_t)s2[2]);
    }
    wl_report(ops / 1e6, "Mop", wl_now_ns() - t0, check);
    return 0;
}
