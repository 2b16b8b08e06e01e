/* vm.c - the classic BPF interpreter: decodes a validated program once into a
 * compact threaded form, then runs it with the semantics of BSD's bpf_filter(). */
#include "bpf/program.h"

#include <stdlib.h>

#include "bpf/insn.h"
#include "compat.h"

/* The interpreter's operations; INVALID (never produced for a validated
 * program) rejects the packet; CLEAR_SCRATCH is only ever an entry point. */
#define LCAP_BPF_VM_OPS(X) \
    X(INVALID) X(RET_K) X(RET_A) \
    X(LD_W_ABS) X(LD_H_ABS) X(LD_B_ABS) X(LD_W_IND) X(LD_H_IND) X(LD_B_IND) \
    X(LD_LEN) X(LDX_LEN) X(LD_IMM) X(LDX_IMM) X(LD_MEM) X(LDX_MEM) X(LDX_MSH) \
    X(ST) X(STX) \
    X(JA) X(JEQ_K) X(JGT_K) X(JGE_K) X(JSET_K) X(JEQ_X) X(JGT_X) X(JGE_X) X(JSET_X) \
    X(ADD_K) X(SUB_K) X(MUL_K) X(DIV_K) X(MOD_K) X(AND_K) X(OR_K) X(XOR_K) X(LSH_K) X(RSH_K) \
    X(ADD_X) X(SUB_X) X(MUL_X) X(DIV_X) X(MOD_X) X(AND_X) X(OR_X) X(XOR_X) X(LSH_X) X(RSH_X) \
    X(NEG) X(TAX) X(TXA) X(CLEAR_SCRATCH)

/* Composed operations (superinstructions). The test at the heart of compiled
 * filters, "load a packet field, maybe mask it, compare it with a constant,
 * branch" ("ldh [12]; jeq #0x800", "ld [26]; and #0xffff0000; jeq ..."),
 * runs as one dispatch. It sits on the run's first instruction; each later
 * instruction keeps its own decoded entry, which the composed code reads its
 * operands and targets from, and which other jumps may still land on.
 * A jump whose target is "ret #k" returns k itself rather than dispatching
 * to the return: compiled filters send most packets from a test straight to
 * "ret #0", and each indirect jump saved is one the host can mispredict.
 * The parts, each list's first entry meaning "absent": the load, the mask,
 * the jump, and the variant, by which targets are returns: GO neither, RT
 * the true one, RF the false one, RB both. */
#define VM_PART_LOADS(X, ...) \
    X(NOLOAD, __VA_ARGS__) \
    X(LD_W_ABS, __VA_ARGS__) X(LD_H_ABS, __VA_ARGS__) X(LD_B_ABS, __VA_ARGS__) \
    X(LD_W_IND, __VA_ARGS__) X(LD_H_IND, __VA_ARGS__) X(LD_B_IND, __VA_ARGS__) \
    X(MSH_LD_W_IND, __VA_ARGS__) X(MSH_LD_H_IND, __VA_ARGS__) X(MSH_LD_B_IND, __VA_ARGS__)
#define VM_PART_MASKS(X, ...) X(NOMASK, __VA_ARGS__) X(AND_K, __VA_ARGS__)
#define VM_PART_JUMPS(X, ...) \
    X(JEQ_K, __VA_ARGS__) X(JGT_K, __VA_ARGS__) X(JGE_K, __VA_ARGS__) X(JSET_K, __VA_ARGS__)
#define VM_PART_VARIANTS(X, ...) \
    X(GO, __VA_ARGS__) X(RT, __VA_ARGS__) X(RF, __VA_ARGS__) X(RB, __VA_ARGS__)

/* Every composed operation as X(variant, load, mask, jump), numbered
 * load-major, then mask, jump and variant (see composed_kind()). The plain
 * constant jumps reappear as (GO, NOLOAD, NOMASK, jump): four spare labels
 * buy a decoder without special cases. */
#define VM_OF_JUMP(jump, X, load, mask) VM_PART_VARIANTS(X, load, mask, jump)
#define VM_OF_MASK(mask, X, load) VM_PART_JUMPS(VM_OF_JUMP, X, load, mask)
#define VM_OF_LOAD(load, X) VM_PART_MASKS(VM_OF_MASK, X, load)
#define LCAP_BPF_VM_COMPOSED(X) VM_PART_LOADS(VM_OF_LOAD, X)

enum vm_kind {
#define AS_ENUM(name) VM_##name,
#define AS_ENUM4(variant, load, mask, jump) VM_##load##__##mask##__##jump##__##variant,
    LCAP_BPF_VM_OPS(AS_ENUM)
    LCAP_BPF_VM_COMPOSED(AS_ENUM4)
#undef AS_ENUM
#undef AS_ENUM4
    VM_KIND_COUNT
};

#define VM_COMPOSED_FIRST VM_NOLOAD__NOMASK__JEQ_K__GO
#define VM_IS_IND_LOAD(kind) ((kind) >= VM_LD_W_IND && (kind) <= VM_LD_B_IND)
#define VM_IS_LOAD(kind) ((kind) >= VM_LD_W_ABS && (kind) <= VM_LD_B_IND)
#define VM_IS_KJUMP(kind) ((kind) >= VM_JEQ_K && (kind) <= VM_JSET_K)

/* 16 bytes: where to go, the operand and both jump targets as byte offsets
 * forward from this entry (at most 4095 * 16, so they fit 16 bits; relative
 * offsets spare the interpreter a register for the start of the code). */
struct lcap_bpf_op {
#if LCAP_COMPUTED_GOTO
    const void *label;
#else
    uint32_t kind;
#endif
    uint32_t k;
    uint16_t jt, jf;
};

_Static_assert(sizeof(struct lcap_bpf_op) * (LCAP_BPF_MAXINSNS - 1) <= UINT16_MAX,
               "jump offsets must fit 16 bits");
_Static_assert(VM_LD_B_IND - VM_LD_W_ABS == 5 && VM_JSET_K - VM_JEQ_K == 3 &&
                   VM_MSH_LD_B_IND__AND_K__JSET_K__RB - VM_COMPOSED_FIRST == 10 * 2 * 4 * 4 - 1,
               "composed operations are numbered load-major, then mask, jump, variant");

/* Opcode to operation; 0 (INVALID) for opcodes the validator refuses. */
#define ALU_PAIR(op, name) \
    [LCAP_BPF_ALU | (op) | LCAP_BPF_K] = VM_##name##_K, [LCAP_BPF_ALU | (op) | LCAP_BPF_X] = VM_##name##_X
static const uint8_t kind_of[256] = {
    [LCAP_BPF_RET | LCAP_BPF_K] = VM_RET_K,
    [LCAP_BPF_RET | LCAP_BPF_A] = VM_RET_A,
    [LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_ABS] = VM_LD_W_ABS,
    [LCAP_BPF_LD | LCAP_BPF_H | LCAP_BPF_ABS] = VM_LD_H_ABS,
    [LCAP_BPF_LD | LCAP_BPF_B | LCAP_BPF_ABS] = VM_LD_B_ABS,
    [LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_IND] = VM_LD_W_IND,
    [LCAP_BPF_LD | LCAP_BPF_H | LCAP_BPF_IND] = VM_LD_H_IND,
    [LCAP_BPF_LD | LCAP_BPF_B | LCAP_BPF_IND] = VM_LD_B_IND,
    [LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_LEN] = VM_LD_LEN,
    [LCAP_BPF_LDX | LCAP_BPF_W | LCAP_BPF_LEN] = VM_LDX_LEN,
    [LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_IMM] = VM_LD_IMM,
    [LCAP_BPF_LDX | LCAP_BPF_W | LCAP_BPF_IMM] = VM_LDX_IMM,
    [LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_MEM] = VM_LD_MEM,
    [LCAP_BPF_LDX | LCAP_BPF_W | LCAP_BPF_MEM] = VM_LDX_MEM,
    [LCAP_BPF_LDX | LCAP_BPF_B | LCAP_BPF_MSH] = VM_LDX_MSH,
    [LCAP_BPF_ST] = VM_ST,
    [LCAP_BPF_STX] = VM_STX,
    [LCAP_BPF_JMP | LCAP_BPF_JA] = VM_JA,
    [LCAP_BPF_JMP | LCAP_BPF_JEQ | LCAP_BPF_K] = VM_JEQ_K,
    [LCAP_BPF_JMP | LCAP_BPF_JGT | LCAP_BPF_K] = VM_JGT_K,
    [LCAP_BPF_JMP | LCAP_BPF_JGE | LCAP_BPF_K] = VM_JGE_K,
    [LCAP_BPF_JMP | LCAP_BPF_JSET | LCAP_BPF_K] = VM_JSET_K,
    [LCAP_BPF_JMP | LCAP_BPF_JEQ | LCAP_BPF_X] = VM_JEQ_X,
    [LCAP_BPF_JMP | LCAP_BPF_JGT | LCAP_BPF_X] = VM_JGT_X,
    [LCAP_BPF_JMP | LCAP_BPF_JGE | LCAP_BPF_X] = VM_JGE_X,
    [LCAP_BPF_JMP | LCAP_BPF_JSET | LCAP_BPF_X] = VM_JSET_X,
    ALU_PAIR(LCAP_BPF_ADD, ADD),
    ALU_PAIR(LCAP_BPF_SUB, SUB),
    ALU_PAIR(LCAP_BPF_MUL, MUL),
    ALU_PAIR(LCAP_BPF_DIV, DIV),
    ALU_PAIR(LCAP_BPF_MOD, MOD),
    ALU_PAIR(LCAP_BPF_AND, AND),
    ALU_PAIR(LCAP_BPF_OR, OR),
    ALU_PAIR(LCAP_BPF_XOR, XOR),
    ALU_PAIR(LCAP_BPF_LSH, LSH),
    ALU_PAIR(LCAP_BPF_RSH, RSH),
    [LCAP_BPF_ALU | LCAP_BPF_NEG] = VM_NEG,
    [LCAP_BPF_MISC | LCAP_BPF_TAX] = VM_TAX,
    [LCAP_BPF_MISC | LCAP_BPF_TXA] = VM_TXA,
};
#undef ALU_PAIR

/*
 * The interpreter. Semantics beyond the plain operations, all as BSD's
 * bpf_filter() and libpcap 1.10's userland copy of it behave on amd64:
 * - a load any byte of which lies at or past caplen rejects the packet
 *   (returns 0); X + k for [x + k] is computed without wrapping, so a huge
 *   index is out of bounds rather than wrapping back into the packet;
 * - division or modulo by X == 0 rejects the packet (the validator refuses
 *   a constant 0 divisor);
 * - a shift by the constant k shifts by k mod 32 (the amd64 shift unit masks
 *   the count, which is what the kernel's "A <<= k" computes there); a shift
 *   by X >= 32 gives 0 (libpcap tests X explicitly);
 * - scratch memory starts zeroed (the kernel leaves it undefined; a program
 *   that reads M[k] before storing it gets 0 here, never stack garbage);
 *   reads_scratch says whether the program has ld/ldx M[k] at all, so that
 *   the others skip clearing it.
 * Called with table != NULL it only hands out its dispatch table, which is
 * why it must never be inlined or cloned.
 */
static LCAP_NOINLINE_NOCLONE uint32_t execute(const capture_bpf *prog, const uint8_t *p,
                                              uint32_t wirelen, uint32_t caplen,
                                              const void *const **table)
{
#if LCAP_COMPUTED_GOTO
#define AS_LABEL(name) &&L_##name,
#define AS_LABEL4(variant, load, mask, jump) &&L_##load##__##mask##__##jump##__##variant,
    static const void *const labels[VM_KIND_COUNT] = { LCAP_BPF_VM_OPS(AS_LABEL)
                                                       LCAP_BPF_VM_COMPOSED(AS_LABEL4) };
#undef AS_LABEL
#undef AS_LABEL4
    if (LCAP_UNLIKELY(table != NULL)) {
        *table = labels;
        return 0;
    }
#define OP(name) L_##name:
#define OP4(variant, load, mask, jump) L_##load##__##mask##__##jump##__##variant:
#define NEXT() goto *pc->label
#else
    (void)table;
#define OP(name) case VM_##name:
#define OP4(variant, load, mask, jump) case VM_##load##__##mask##__##jump##__##variant:
#define NEXT() continue
#endif
#define GOTO(offset) pc = (const struct lcap_bpf_op *)(const void *)((const char *)pc + (offset))
#define BRANCH(cond) GOTO((cond) ? pc->jt : pc->jf)
    const struct lcap_bpf_op *pc = prog->code;
    const uint64_t len = caplen; /* widened once, not at every bounds check */
    uint32_t A = 0, X = 0;
    /* Scratch memory, then wirelen: the rare "ld len" reads it from the stack
     * rather than holding a callee-saved register (a push and pop per call). */
    uint32_t mem[LCAP_BPF_MEMWORDS + 1];
    uint64_t off;

    mem[LCAP_BPF_MEMWORDS] = wirelen;

    /* Loads: one bounds check each, in 64 bits so that nothing wraps. */
#define LD_W_ABS_BODY                                  \
    if ((uint64_t)pc->k + 4 > len)                  \
        return 0;                                      \
    A = lcap_ld_be32(p + pc->k)
#define LD_H_ABS_BODY                                  \
    if ((uint64_t)pc->k + 2 > len)                  \
        return 0;                                      \
    A = lcap_ld_be16(p + pc->k)
#define LD_B_ABS_BODY                                  \
    if (pc->k >= len)                               \
        return 0;                                      \
    A = p[pc->k]
#define LD_W_IND_BODY                                  \
    off = (uint64_t)X + pc->k;                         \
    if (off + 4 > len)                              \
        return 0;                                      \
    A = lcap_ld_be32(p + off)
#define LD_H_IND_BODY                                  \
    off = (uint64_t)X + pc->k;                         \
    if (off + 2 > len)                              \
        return 0;                                      \
    A = lcap_ld_be16(p + off)
#define LD_B_IND_BODY                                  \
    off = (uint64_t)X + pc->k;                         \
    if (off >= len)                                 \
        return 0;                                      \
    A = p[off]
#define LDX_MSH_BODY                                   \
    if (pc->k >= len)                               \
        return 0;                                      \
    X = (uint32_t)(p[pc->k] & 0xf) << 2
    /* A composed operation: the load and the mask, if any, each with a step
     * to the next entry, then the jump, taken or returned from as its variant
     * says. */
#define NOLOAD_THEN_STEP
#define NOMASK_THEN_STEP
#define AND_K_THEN_STEP A &= pc->k; pc++;
#define LOAD_THEN_STEP(load) load##_BODY; pc++;
#define LD_W_ABS_THEN_STEP LOAD_THEN_STEP(LD_W_ABS)
#define LD_H_ABS_THEN_STEP LOAD_THEN_STEP(LD_H_ABS)
#define LD_B_ABS_THEN_STEP LOAD_THEN_STEP(LD_B_ABS)
#define LD_W_IND_THEN_STEP LOAD_THEN_STEP(LD_W_IND)
#define LD_H_IND_THEN_STEP LOAD_THEN_STEP(LD_H_IND)
#define LD_B_IND_THEN_STEP LOAD_THEN_STEP(LD_B_IND)
#define MSH_LD_W_IND_THEN_STEP LOAD_THEN_STEP(LDX_MSH) LOAD_THEN_STEP(LD_W_IND)
#define MSH_LD_H_IND_THEN_STEP LOAD_THEN_STEP(LDX_MSH) LOAD_THEN_STEP(LD_H_IND)
#define MSH_LD_B_IND_THEN_STEP LOAD_THEN_STEP(LDX_MSH) LOAD_THEN_STEP(LD_B_IND)
#define JEQ_K_COND (A == pc->k)
#define JGT_K_COND (A > pc->k)
#define JGE_K_COND (A >= pc->k)
#define JSET_K_COND (A & pc->k)
#define RET_AT(offset) (((const struct lcap_bpf_op *)(const void *)((const char *)pc + (offset)))->k)
#define GO_TAIL(cond) BRANCH(cond); NEXT();
#define RT_TAIL(cond) if (cond) return RET_AT(pc->jt); GOTO(pc->jf); NEXT();
#define RF_TAIL(cond) if (!(cond)) return RET_AT(pc->jf); GOTO(pc->jt); NEXT();
#define RB_TAIL(cond) return (cond) ? RET_AT(pc->jt) : RET_AT(pc->jf);
#define COMPOSED_BODY(variant, load, mask, jump) \
    OP4(variant, load, mask, jump)               \
    load##_THEN_STEP                             \
    mask##_THEN_STEP                             \
    variant##_TAIL(jump##_COND)

#if LCAP_COMPUTED_GOTO
    /* The decoder chose the start: the first operation, or CLEAR_SCRATCH for
     * a program that loads from scratch memory and so could see its contents. */
    goto *prog->entry;
    OP(CLEAR_SCRATCH)
        memset(mem, 0, LCAP_BPF_MEMWORDS * sizeof(mem[0]));
        NEXT();
#else
    if (prog->reads_scratch)
        memset(mem, 0, LCAP_BPF_MEMWORDS * sizeof(mem[0]));
    for (;;) {
        switch (pc->kind) {
        default:
#endif
    OP(INVALID)
        return 0;
    OP(RET_K)
        return pc->k;
    OP(RET_A)
        return A;

    OP(LD_W_ABS)
        LOAD_THEN_STEP(LD_W_ABS)
        NEXT();
    OP(LD_H_ABS)
        LOAD_THEN_STEP(LD_H_ABS)
        NEXT();
    OP(LD_B_ABS)
        LOAD_THEN_STEP(LD_B_ABS)
        NEXT();
    OP(LD_W_IND)
        LOAD_THEN_STEP(LD_W_IND)
        NEXT();
    OP(LD_H_IND)
        LOAD_THEN_STEP(LD_H_IND)
        NEXT();
    OP(LD_B_IND)
        LOAD_THEN_STEP(LD_B_IND)
        NEXT();
    LCAP_BPF_VM_COMPOSED(COMPOSED_BODY)
    OP(LDX_MSH)
        LOAD_THEN_STEP(LDX_MSH)
        NEXT();
    OP(LD_LEN)
        A = mem[LCAP_BPF_MEMWORDS];
        pc++;
        NEXT();
    OP(LDX_LEN)
        X = mem[LCAP_BPF_MEMWORDS];
        pc++;
        NEXT();
    OP(LD_IMM)
        A = pc->k;
        pc++;
        NEXT();
    OP(LDX_IMM)
        X = pc->k;
        pc++;
        NEXT();
    OP(LD_MEM)
        A = mem[pc->k];
        pc++;
        NEXT();
    OP(LDX_MEM)
        X = mem[pc->k];
        pc++;
        NEXT();
    OP(ST)
        mem[pc->k] = A;
        pc++;
        NEXT();
    OP(STX)
        mem[pc->k] = X;
        pc++;
        NEXT();

    OP(JA)
        GOTO(pc->jt);
        NEXT();
    OP(JEQ_K) /* decoded as composed operations; listed for kind_of only */
    OP(JGT_K)
    OP(JGE_K)
    OP(JSET_K)
        return 0;
    OP(JEQ_X)
        BRANCH(A == X);
        NEXT();
    OP(JGT_X)
        BRANCH(A > X);
        NEXT();
    OP(JGE_X)
        BRANCH(A >= X);
        NEXT();
    OP(JSET_X)
        BRANCH(A & X);
        NEXT();
    OP(ADD_K)
        A += pc->k;
        pc++;
        NEXT();
    OP(SUB_K)
        A -= pc->k;
        pc++;
        NEXT();
    OP(MUL_K)
        A *= pc->k;
        pc++;
        NEXT();
    OP(DIV_K)
        A /= pc->k;
        pc++;
        NEXT();
    OP(MOD_K)
        A %= pc->k;
        pc++;
        NEXT();
    OP(AND_K)
        A &= pc->k;
        pc++;
        NEXT();
    OP(OR_K)
        A |= pc->k;
        pc++;
        NEXT();
    OP(XOR_K)
        A ^= pc->k;
        pc++;
        NEXT();
    OP(LSH_K) /* k was reduced mod 32 by the decoder */
        A <<= pc->k;
        pc++;
        NEXT();
    OP(RSH_K)
        A >>= pc->k;
        pc++;
        NEXT();
    OP(ADD_X)
        A += X;
        pc++;
        NEXT();
    OP(SUB_X)
        A -= X;
        pc++;
        NEXT();
    OP(MUL_X)
        A *= X;
        pc++;
        NEXT();
    OP(DIV_X)
        if (X == 0)
            return 0;
        A /= X;
        pc++;
        NEXT();
    OP(MOD_X)
        if (X == 0)
            return 0;
        A %= X;
        pc++;
        NEXT();
    OP(AND_X)
        A &= X;
        pc++;
        NEXT();
    OP(OR_X)
        A |= X;
        pc++;
        NEXT();
    OP(XOR_X)
        A ^= X;
        pc++;
        NEXT();
    OP(LSH_X)
        A = X < 32 ? A << X : 0;
        pc++;
        NEXT();
    OP(RSH_X)
        A = X < 32 ? A >> X : 0;
        pc++;
        NEXT();
    OP(NEG)
        A = 0u - A;
        pc++;
        NEXT();
    OP(TAX)
        X = A;
        pc++;
        NEXT();
    OP(TXA)
        A = X;
        pc++;
        NEXT();
#if !LCAP_COMPUTED_GOTO
        }
    }
#endif
#undef OP
#undef OP4
#undef NEXT
#undef GOTO
#undef BRANCH
}

/* The operation for instruction i; INVALID past the end or for an opcode
 * the validator refuses. */
static unsigned kind_at(const struct capture_insn *insns, size_t i, size_t n)
{
    return i < n && insns[i].code < 256 ? kind_of[insns[i].code] : VM_INVALID;
}

/* The composed operation that starts at instruction i (of plain kind), or
 * that kind itself if no load/mask/jump run starts there. */
static unsigned composed_kind(const struct capture_insn *insns, size_t i, size_t n, unsigned kind)
{
    const unsigned first = kind;
    unsigned load = 0, mask = 0;
    if (kind == VM_LDX_MSH && VM_IS_IND_LOAD(kind_at(insns, i + 1, n))) {
        load = 7 + kind_at(insns, ++i, n) - VM_LD_W_IND;
        kind = kind_at(insns, ++i, n);
    } else if (VM_IS_LOAD(kind)) {
        load = 1 + kind - VM_LD_W_ABS;
        kind = kind_at(insns, ++i, n);
    }
    if (kind == VM_AND_K) {
        mask = 1;
        kind = kind_at(insns, ++i, n);
    }
    if (!VM_IS_KJUMP(kind))
        return first;
    /* Which targets are "ret #k": 0 (GO) none, 1 (RT) the true one, 2 (RF)
     * the false one, 3 (RB) both. A jump off the end (refused by the
     * validator) is left to its own entry, which rejects. */
    size_t t = i + 1 + insns[i].jt, f = i + 1 + insns[i].jf;
    if (t >= n || f >= n)
        return first;
    unsigned variant = (kind_at(insns, t, n) == VM_RET_K) + 2u * (kind_at(insns, f, n) == VM_RET_K);
    return VM_COMPOSED_FIRST + ((load * 2 + mask) * 4 + kind - VM_JEQ_K) * 4 + variant;
}

int lcap_bpf_decode(capture_bpf *prog, const struct capture_insn *insns, size_t n)
{
    if (n == 0 || n > LCAP_BPF_MAXINSNS)
        return -1;
    struct lcap_bpf_op *code = calloc(n, sizeof(*code));
    if (code == NULL)
        return -1;
#if LCAP_COMPUTED_GOTO
    const void *const *labels = NULL;
    execute(NULL, NULL, 0, 0, &labels);
#endif
    for (size_t i = 0; i < n; i++) {
        const struct capture_insn *in = &insns[i];
        struct lcap_bpf_op *op = &code[i];
        unsigned kind = kind_at(insns, i, n);
        uint64_t jt = 1, jf = 1; /* forward from this entry */

        op->k = in->k;
        if (kind == VM_LSH_K || kind == VM_RSH_K)
            op->k &= 31;
        if (kind == VM_JA) {
            jt += in->k;
        } else if (LCAP_BPF_CLASS(in->code) == LCAP_BPF_JMP) {
            jt += in->jt;
            jf += in->jf;
        }
        /* Running off the end (refused by the validator) rejects. */
        if (LCAP_BPF_CLASS(in->code) == LCAP_BPF_RET)
            jt = jf = 0;
        else if (i + jt >= n || i + jf >= n)
            kind = VM_INVALID;
        op->jt = (uint16_t)(jt * sizeof(*op));
        op->jf = (uint16_t)(jf * sizeof(*op));
        kind = composed_kind(insns, i, n, kind);
#if LCAP_COMPUTED_GOTO
        op->label = labels[kind];
#else
        op->kind = kind;
#endif
        if (kind == VM_LD_MEM || kind == VM_LDX_MEM)
            prog->reads_scratch = 1;
    }
    prog->code = code;
#if LCAP_COMPUTED_GOTO
    prog->entry = prog->reads_scratch ? labels[VM_CLEAR_SCRATCH] : code[0].label;
#endif
    return 0;
}

/* The public entry lives here so that a call reaches the interpreter with its
 * arguments already in place: one jump, no reshuffling. */
uint32_t capture_bpf_filter(const capture_bpf *prog, const uint8_t *packet, uint32_t wirelen,
                            uint32_t caplen)
{
    if (LCAP_UNLIKELY(prog == NULL))
        return 0; /* capture.h's NULL rule: no program rejects */
    return execute(prog, packet, wirelen, caplen, NULL);
}
