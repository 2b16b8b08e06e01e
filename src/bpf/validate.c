/* validate.c - the checks a BSD kernel makes on a classic BPF program before it
 * will run it, with a message naming the first offending instruction. */
#include "bpf/program.h"

#include "bpf/insn.h"
#include "compat.h"

/* Every opcode bpf_filter() executes, with its tcpdump -d mnemonic; a NULL
 * entry is an unknown opcode, which the kernel refuses. */
static const char *const mnemonics[256] = {
    [LCAP_BPF_RET | LCAP_BPF_K] = "ret",
    [LCAP_BPF_RET | LCAP_BPF_A] = "ret",
    [LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_ABS] = "ld",
    [LCAP_BPF_LD | LCAP_BPF_H | LCAP_BPF_ABS] = "ldh",
    [LCAP_BPF_LD | LCAP_BPF_B | LCAP_BPF_ABS] = "ldb",
    [LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_IND] = "ld",
    [LCAP_BPF_LD | LCAP_BPF_H | LCAP_BPF_IND] = "ldh",
    [LCAP_BPF_LD | LCAP_BPF_B | LCAP_BPF_IND] = "ldb",
    [LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_LEN] = "ld",
    [LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_IMM] = "ld",
    [LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_MEM] = "ld",
    [LCAP_BPF_LDX | LCAP_BPF_W | LCAP_BPF_LEN] = "ldx",
    [LCAP_BPF_LDX | LCAP_BPF_W | LCAP_BPF_IMM] = "ldx",
    [LCAP_BPF_LDX | LCAP_BPF_W | LCAP_BPF_MEM] = "ldx",
    [LCAP_BPF_LDX | LCAP_BPF_B | LCAP_BPF_MSH] = "ldxb",
    [LCAP_BPF_ST] = "st",
    [LCAP_BPF_STX] = "stx",
    [LCAP_BPF_JMP | LCAP_BPF_JA] = "ja",
    [LCAP_BPF_JMP | LCAP_BPF_JEQ | LCAP_BPF_K] = "jeq",
    [LCAP_BPF_JMP | LCAP_BPF_JGT | LCAP_BPF_K] = "jgt",
    [LCAP_BPF_JMP | LCAP_BPF_JGE | LCAP_BPF_K] = "jge",
    [LCAP_BPF_JMP | LCAP_BPF_JSET | LCAP_BPF_K] = "jset",
    [LCAP_BPF_JMP | LCAP_BPF_JEQ | LCAP_BPF_X] = "jeq",
    [LCAP_BPF_JMP | LCAP_BPF_JGT | LCAP_BPF_X] = "jgt",
    [LCAP_BPF_JMP | LCAP_BPF_JGE | LCAP_BPF_X] = "jge",
    [LCAP_BPF_JMP | LCAP_BPF_JSET | LCAP_BPF_X] = "jset",
#define ALU_PAIR(op, name) \
    [LCAP_BPF_ALU | (op) | LCAP_BPF_K] = name, [LCAP_BPF_ALU | (op) | LCAP_BPF_X] = name
    ALU_PAIR(LCAP_BPF_ADD, "add"),
    ALU_PAIR(LCAP_BPF_SUB, "sub"),
    ALU_PAIR(LCAP_BPF_MUL, "mul"),
    ALU_PAIR(LCAP_BPF_DIV, "div"),
    ALU_PAIR(LCAP_BPF_MOD, "mod"),
    ALU_PAIR(LCAP_BPF_AND, "and"),
    ALU_PAIR(LCAP_BPF_OR, "or"),
    ALU_PAIR(LCAP_BPF_XOR, "xor"),
    ALU_PAIR(LCAP_BPF_LSH, "lsh"),
    ALU_PAIR(LCAP_BPF_RSH, "rsh"),
#undef ALU_PAIR
    [LCAP_BPF_ALU | LCAP_BPF_NEG] = "neg",
    [LCAP_BPF_MISC | LCAP_BPF_TAX] = "tax",
    [LCAP_BPF_MISC | LCAP_BPF_TXA] = "txa",
};

const char *lcap_bpf_mnemonic(uint16_t code)
{
    return code < 256 ? mnemonics[code] : NULL;
}

/* Whether the instruction addresses scratch memory M[k]. */
static int uses_scratch(uint16_t code)
{
    switch (LCAP_BPF_CLASS(code)) {
    case LCAP_BPF_LD:
    case LCAP_BPF_LDX:
        return LCAP_BPF_MODE(code) == LCAP_BPF_MEM;
    case LCAP_BPF_ST:
    case LCAP_BPF_STX:
        return 1;
    default:
        return 0;
    }
}

/* Checks that a jump from instruction i lands inside the program. Targets
 * are computed in 64 bits so that a huge ja offset cannot wrap around. */
static int check_target(size_t i, const char *name, uint64_t offset, size_t n, char *errbuf)
{
    uint64_t target = (uint64_t)i + 1 + offset;
    if (target >= n) {
        lcap_errf(errbuf, "instruction %zu (%s): jump target %llu is past the end of the %zu-instruction program",
                  i, name, (unsigned long long)target, n);
        return -1;
    }
    return 0;
}

int lcap_bpf_validate(const struct capture_insn *insns, size_t n, char *errbuf)
{
    if (n == 0) {
        lcap_errf(errbuf, "empty program: a BPF program needs at least one instruction");
        return -1;
    }
    if (n > LCAP_BPF_MAXINSNS) {
        lcap_errf(errbuf, "program too long: %zu instructions, the most a BSD kernel accepts is %d",
                  n, LCAP_BPF_MAXINSNS);
        return -1;
    }
    if (insns == NULL) {
        lcap_errf(errbuf, "no instructions given (NULL) for a %zu-instruction program", n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const struct capture_insn *p = &insns[i];
        const char *name = lcap_bpf_mnemonic(p->code);

        if (name == NULL) {
            lcap_errf(errbuf, "instruction %zu: unknown opcode 0x%04x", i, p->code);
            return -1;
        }
        if (uses_scratch(p->code) && p->k >= LCAP_BPF_MEMWORDS) {
            lcap_errf(errbuf, "instruction %zu (%s): scratch memory index %u is out of range (M[0] to M[%d])",
                      i, name, p->k, LCAP_BPF_MEMWORDS - 1);
            return -1;
        }
        if (LCAP_BPF_CLASS(p->code) == LCAP_BPF_ALU && LCAP_BPF_SRC(p->code) == LCAP_BPF_K &&
            (LCAP_BPF_OP(p->code) == LCAP_BPF_DIV || LCAP_BPF_OP(p->code) == LCAP_BPF_MOD) &&
            p->k == 0) {
            lcap_errf(errbuf, "instruction %zu (%s): %s by the constant 0", i, name,
                      LCAP_BPF_OP(p->code) == LCAP_BPF_DIV ? "division" : "modulo");
            return -1;
        }
        if (LCAP_BPF_CLASS(p->code) == LCAP_BPF_JMP) {
            if (LCAP_BPF_OP(p->code) == LCAP_BPF_JA) {
                if (check_target(i, name, p->k, n, errbuf) < 0)
                    return -1;
            } else if (check_target(i, name, p->jt, n, errbuf) < 0 ||
                       check_target(i, name, p->jf, n, errbuf) < 0) {
                return -1;
            }
        }
    }
    if (LCAP_BPF_CLASS(insns[n - 1].code) != LCAP_BPF_RET) {
        lcap_errf(errbuf, "instruction %zu (%s): the last instruction must be a return (ret), or the program could run off its end",
                  n - 1, lcap_bpf_mnemonic(insns[n - 1].code));
        return -1;
    }
    return 0;
}
