/* vm.c - the classic BPF interpreter: decodes a validated program once into a
 * compact threaded form, then runs it with the semantics of BSD's bpf_filter(). */
/* SPDX-License-Identifier: BSD-2-Clause */

/*
 * Reading guide.
 *
 * lcap_bpf_decode() turns each instruction into a 16-byte entry (struct
 * lcap_bpf_op): where to go (a label, or a switch case), k, and both jump
 * targets as byte offsets from the entry. execute() runs the entries. Its
 * operations are generated from lists, so the code below reads best beside
 * one operation written out by hand.
 *
 * There is one plain operation per opcode (the rows of LCAP_BPF_OPCODES in
 * opcodes.h), and composed ones: a packet load, an optional "and #k" and a
 * constant jump, decoded as one operation on the run's first entry. Its name
 * is LOAD__MASK__JUMP__VARIANT, each part from one of the VM_PART_* lists
 * below; the variant says which of the jump's targets are "ret #k", which
 * the operation returns from itself. For the tcpdump -d lines
 *
 *     (000) ldh      [12]
 *     (001) jeq      #0x800           jt 2    jf 5
 *     ...
 *     (005) ret      #0
 *
 * entry 0 gets LD_H_ABS__NOMASK__JEQ_K__RF, which execute()'s macros
 * (the *_BODY, *_THEN_STEP, *_COND and *_TAIL families) expand to:
 *
 *     L_LD_H_ABS__NOMASK__JEQ_K__RF:
 *         if ((uint64_t)pc->k + 2 > len)       LD_H_ABS_BODY: bounds check,
 *             return 0;                          then the load
 *         A = lcap_ld_be16(p + pc->k);
 *         pc++;                                now at entry 1, the jeq's
 *                                              NOMASK: nothing
 *         if (!(A == pc->k))                   RF_TAIL(JEQ_K_COND): the false
 *             return RET_AT(pc->jf);             target is a return: its k
 *         GOTO(pc->jt);                          else on to the true target
 *         goto *pc->label;                       and dispatch there (NEXT)
 *
 * Entry 1 keeps its own operation (here NOLOAD__NOMASK__JEQ_K__RF), because
 * other jumps may land on it. The decoder, composed_kind(), finds a run's
 * parts with the tables load_of[], mask_of[]... and looks the operation up
 * by them in composed_of[][][][], all generated from the same lists.
 *
 * Performance contract: what keeps this fast, and what guards it.
 * - Dispatch: computed goto (LCAP_COMPUTED_GOTO, src/compat.h) with gcc and
 *   clang: each operation ends in its own indirect jump, which the host
 *   predicts per operation. Other compilers, or -DLCAP_NO_COMPUTED_GOTO, get
 *   the same bodies as cases of a switch; the tests bpf_vm_switch and
 *   bpf_diff_switch build that variant so it stays correct.
 * - Unshared tails: both compilers like to merge the operations' identical
 *   ends into one block with one indirect jump, a jump more and a branch the
 *   host predicts far worse. gcc is told not to by LCAP_NOINLINE_NOCLONE's
 *   no-crossjumping (compat.h), clang by -mllvm -enable-tail-merge=false,
 *   which is why this file is a library of its own in src/bpf/meson.build
 *   (with tail merging clang's mix ran 1.36x libpcap instead of ~1.7x).
 * - Sanitizer builds compile this file with -fno-sanitize=pointer-overflow
 *   (src/bpf/meson.build): that check doubled its compile time; ASan and
 *   the rest of UBSan still cover it.
 * - The guard: bench/bpf_bench runs eight compiled tcpdump filters over
 *   every shared Ethernet capture against libpcap's bpf_filter() in the same
 *   process; its "all 8" ratio is about 1.8x, and its empty filter shows the
 *   floor, the cost of a call (BENCHMARKS.md, "BPF interpreter", with the
 *   command). Re-run it, before and after, for any change here; a mix near
 *   1.4x is the signature of merged tails. A change meant to leave the
 *   interpreter alone can be checked exactly: objdump -d of execute() in
 *   src/bpf/libcapture_bpf_vm.a.p/vm.c.o, before and after.
 */
#include "bpf/program.h"

#include <stdlib.h>

#include "bpf/insn.h"
#include "bpf/opcodes.h"
#include "compat.h"

/* The interpreter's plain operations: INVALID (never produced for a valid
 * program) rejects the packet, then one per opcode, then CLEAR_SCRATCH, only
 * ever an entry point, then one per load of packet metadata (program.h's
 * LCAP_BPF_AUX_LOADS; XAUX takes its row). X names an operation; XOP takes
 * an opcodes.h row. */
#define LCAP_BPF_VM_OPS(X, XOP, XAUX) \
    X(INVALID) LCAP_BPF_OPCODES(XOP) X(CLEAR_SCRATCH) LCAP_BPF_AUX_LOADS(XAUX)

/* Composed operations (superinstructions). The test at the heart of compiled
 * filters, "load a packet field, maybe mask it, compare it with a constant,
 * branch" ("ldh [12]; jeq #0x800", "ld [26]; and #0xffff0000; jeq ..."),
 * runs as one dispatch. It sits on the run's first instruction; each later
 * instruction keeps its own decoded entry, which the composed code reads its
 * operands and targets from, and which other jumps may still land on.
 * A jump whose target is "ret #k" returns k itself rather than dispatching
 * to the return: compiled filters send most packets from a test straight to
 * "ret #0", and each indirect jump saved is one the host can mispredict.
 * The parts: the load (NOLOAD: none; MSH_*: "ldxb 4*([k]&0xf)" then an
 * indexed load), the mask (NOMASK: none), the jump, and the variant, by
 * which targets are returns: GO neither, RT the true one, RF the false one,
 * RB both. Each list calls X(part, ...) with what it was given after X; the
 * plain parts share their names with plain operations. */
#define VM_PLAIN_LOADS(X, ...) \
    X(LD_W_ABS, __VA_ARGS__) X(LD_H_ABS, __VA_ARGS__) X(LD_B_ABS, __VA_ARGS__) \
    VM_IND_LOADS(X, __VA_ARGS__)
#define VM_IND_LOADS(X, ...) \
    X(LD_W_IND, __VA_ARGS__) X(LD_H_IND, __VA_ARGS__) X(LD_B_IND, __VA_ARGS__)
#define VM_MSH_OF(ind, X, ...) X(MSH_##ind, __VA_ARGS__)
#define VM_PART_LOADS(X, ...) \
    X(NOLOAD, __VA_ARGS__) VM_PLAIN_LOADS(X, __VA_ARGS__) VM_IND_LOADS(VM_MSH_OF, X, __VA_ARGS__)
#define VM_PLAIN_MASKS(X, ...) X(AND_K, __VA_ARGS__)
#define VM_PART_MASKS(X, ...) X(NOMASK, __VA_ARGS__) VM_PLAIN_MASKS(X, __VA_ARGS__)
#define VM_PART_JUMPS(X, ...) \
    X(JEQ_K, __VA_ARGS__) X(JGT_K, __VA_ARGS__) X(JGE_K, __VA_ARGS__) X(JSET_K, __VA_ARGS__)
#define VM_PART_VARIANTS(X, ...) \
    X(GO, __VA_ARGS__) X(RT, __VA_ARGS__) X(RF, __VA_ARGS__) X(RB, __VA_ARGS__)

/* Every composed operation as X(variant, load, mask, jump). A plain
 * constant jump is decoded as (variant, NOLOAD, NOMASK, jump), which leaves
 * the four plain ones unused: the price of a decoder without special cases. */
#define VM_OF_JUMP(jump, X, load, mask) VM_PART_VARIANTS(X, load, mask, jump)
#define VM_OF_MASK(mask, X, load) VM_PART_JUMPS(VM_OF_JUMP, X, load, mask)
#define VM_OF_LOAD(load, X) VM_PART_MASKS(VM_OF_MASK, X, load)
#define LCAP_BPF_VM_COMPOSED(X) VM_PART_LOADS(VM_OF_LOAD, X)

enum vm_kind {
#define AS_ENUM(name) VM_##name,
#define AS_ENUM_OPCODE(op, ...) VM_##op,
#define AS_ENUM_AUX(name, ...) VM_AUX_##name,
#define AS_ENUM4(variant, load, mask, jump) VM_##load##__##mask##__##jump##__##variant,
    LCAP_BPF_VM_OPS(AS_ENUM, AS_ENUM_OPCODE, AS_ENUM_AUX)
    LCAP_BPF_VM_COMPOSED(AS_ENUM4)
#undef AS_ENUM
#undef AS_ENUM_OPCODE
#undef AS_ENUM_AUX
#undef AS_ENUM4
    VM_KIND_COUNT
};

/* Each list's parts numbered, VM_LOAD_NOLOAD, VM_MASK_AND_K, VM_JUMP_JSET_K,
 * VM_VARIANT_RB...; a jump has no "absent" entry in its list, so VM_JUMP_NONE
 * is added for "not a constant jump". */
#define AS_PART(name, part) VM_##part##_##name,
enum vm_load { VM_PART_LOADS(AS_PART, LOAD) VM_LOADS };
enum vm_mask { VM_PART_MASKS(AS_PART, MASK) VM_MASKS };
enum vm_jump { VM_JUMP_NONE, VM_PART_JUMPS(AS_PART, JUMP) VM_JUMPS };
enum vm_variant { VM_PART_VARIANTS(AS_PART, VARIANT) VM_VARIANTS };
#undef AS_PART

/* The part a plain operation is, by name; 0 (NOLOAD, NOMASK, NONE) for the
 * others. An indexed load after "ldxb 4*([k]&0xf)" is an MSH_ load instead. */
#define AS_PART_OF(name, part) [VM_##name] = VM_##part##_##name,
#define AS_MSH_PART_OF(name, part) [VM_##name] = VM_##part##_MSH_##name,
static const uint8_t load_of[VM_KIND_COUNT] = { VM_PLAIN_LOADS(AS_PART_OF, LOAD) };
static const uint8_t msh_load_of[VM_KIND_COUNT] = { VM_IND_LOADS(AS_MSH_PART_OF, LOAD) };
static const uint8_t mask_of[VM_KIND_COUNT] = { VM_PLAIN_MASKS(AS_PART_OF, MASK) };
static const uint8_t jump_of[VM_KIND_COUNT] = { VM_PART_JUMPS(AS_PART_OF, JUMP) };
#undef AS_PART_OF
#undef AS_MSH_PART_OF

/* The variant, by whether the true and the false target are "ret #k". */
static const uint8_t variant_of[2][2] = {
    [0][0] = VM_VARIANT_GO, [1][0] = VM_VARIANT_RT, [0][1] = VM_VARIANT_RF, [1][1] = VM_VARIANT_RB,
};

/* The composed operation of each combination of parts. */
static const uint16_t composed_of[VM_LOADS][VM_MASKS][VM_JUMPS][VM_VARIANTS] = {
#define AS_CELL(variant, load, mask, jump)                                          \
    [VM_LOAD_##load][VM_MASK_##mask][VM_JUMP_##jump][VM_VARIANT_##variant] =        \
        VM_##load##__##mask##__##jump##__##variant,
    LCAP_BPF_VM_COMPOSED(AS_CELL)
#undef AS_CELL
};

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

/* Opcode to plain operation; 0 (INVALID) for opcodes the validator refuses. */
static const uint8_t kind_of[256] = {
#define AS_KIND_OF(op, code, ...) [code] = VM_##op,
    LCAP_BPF_OPCODES(AS_KIND_OF)
#undef AS_KIND_OF
};

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
 * - a load of packet metadata (AUX_*) reads aux, and rejects the packet
 *   when there is none (aux NULL), as libpcap's bpf_filter() does;
 * - scratch memory starts zeroed (the kernel leaves it undefined; a program
 *   that reads M[k] before storing it gets 0 here, never stack garbage);
 *   reads_scratch says whether the program has ld/ldx M[k] at all, so that
 *   the others skip clearing it.
 * Called with table != NULL it only hands out its dispatch table, which is
 * why it must never be inlined or cloned.
 */
static LCAP_NOINLINE_NOCLONE uint32_t execute(const capture_bpf *prog, const uint8_t *p,
                                              uint32_t wirelen, uint32_t caplen,
                                              const lcap_bpf_aux *aux, const void *const **table)
{
#if LCAP_COMPUTED_GOTO
#define AS_LABEL(name) [VM_##name] = &&L_##name,
#define AS_LABEL_OPCODE(op, ...) AS_LABEL(op)
#define AS_LABEL_AUX(name, ...) AS_LABEL(AUX_##name)
#define AS_LABEL4(variant, load, mask, jump) \
    [VM_##load##__##mask##__##jump##__##variant] = &&L_##load##__##mask##__##jump##__##variant,
    static const void *const labels[VM_KIND_COUNT] = { LCAP_BPF_VM_OPS(AS_LABEL, AS_LABEL_OPCODE, AS_LABEL_AUX)
                                                       LCAP_BPF_VM_COMPOSED(AS_LABEL4) };
#undef AS_LABEL
#undef AS_LABEL_OPCODE
#undef AS_LABEL_AUX
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
#define AUX_BODY(name, offset, field) \
    OP(AUX_##name)                    \
        if (aux == NULL)              \
            return 0;                 \
        A = aux->field;               \
        pc++;                         \
        NEXT();
    LCAP_BPF_AUX_LOADS(AUX_BODY)
#undef AUX_BODY
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
    OP(JEQ_K) /* never reached (decoded as composed operations): every opcode row has a label */
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
    unsigned load = VM_LOAD_NOLOAD, mask = VM_MASK_NOMASK;
    if (kind == VM_LDX_MSH && msh_load_of[kind_at(insns, i + 1, n)] != VM_LOAD_NOLOAD) {
        load = msh_load_of[kind_at(insns, ++i, n)];
        kind = kind_at(insns, ++i, n);
    } else if (load_of[kind] != VM_LOAD_NOLOAD) {
        load = load_of[kind];
        kind = kind_at(insns, ++i, n);
    }
    if (mask_of[kind] != VM_MASK_NOMASK) {
        mask = mask_of[kind];
        kind = kind_at(insns, ++i, n);
    }
    const unsigned jump = jump_of[kind];
    if (jump == VM_JUMP_NONE)
        return first;
    /* A jump off the end (refused by the validator) is left to its own
     * entry, which rejects. */
    size_t t = i + 1 + insns[i].jt, f = i + 1 + insns[i].jf;
    if (t >= n || f >= n)
        return first;
    return composed_of[load][mask][jump][variant_of[kind_at(insns, t, n) == VM_RET_K]
                                                    [kind_at(insns, f, n) == VM_RET_K]];
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
    execute(NULL, NULL, 0, 0, NULL, &labels);
#endif
    for (size_t i = 0; i < n; i++) {
        const struct capture_insn *in = &insns[i];
        struct lcap_bpf_op *op = &code[i];
        unsigned kind = kind_at(insns, i, n);
        uint64_t jt = 1, jf = 1; /* forward from this entry */
        static const uint8_t aux_kind[] = {
#define AS_AUX_KIND(name, ...) VM_AUX_##name,
            VM_INVALID, LCAP_BPF_AUX_LOADS(AS_AUX_KIND)
#undef AS_AUX_KIND
        };
        int aux = lcap_bpf_aux_load(in);
        if (aux != 0) {
            kind = aux_kind[aux];
            prog->reads_aux = 1;
        }

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
    return execute(prog, packet, wirelen, caplen, NULL, NULL);
}

uint32_t lcap_bpf_filter_aux(const capture_bpf *prog, const uint8_t *packet, uint32_t wirelen,
                             uint32_t caplen, const lcap_bpf_aux *aux)
{
    if (LCAP_UNLIKELY(prog == NULL))
        return 0;
    return execute(prog, packet, wirelen, caplen, aux, NULL);
}
