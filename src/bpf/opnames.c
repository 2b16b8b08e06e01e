/* opnames.c - mnemonic and operand form of every valid classic BPF opcode, as data. */
#include "bpf/opnames.h"

#include "bpf/insn.h"

#define LD(size, mode)  (LCAP_BPF_LD | (size) | (mode))
#define ALU(op, src)    (LCAP_BPF_ALU | (op) | (src))
#define JMP(op, src)    (LCAP_BPF_JMP | (op) | (src))

const struct lcap_bpf_opname lcap_bpf_opnames[] = {
    { LD(LCAP_BPF_W, LCAP_BPF_IMM),                     "ld",    LCAP_OPND_IMM_HEX, 0, 0 },
    { LCAP_BPF_LDX | LCAP_BPF_W | LCAP_BPF_IMM,         "ldx",   LCAP_OPND_IMM_HEX, 0, 0 },
    { LCAP_BPF_ST,                                      "st",    LCAP_OPND_MEM,     0, 0 },
    { LCAP_BPF_STX,                                     "stx",   LCAP_OPND_MEM,     0, 0 },
    { ALU(LCAP_BPF_ADD, LCAP_BPF_K),                    "add",   LCAP_OPND_IMM_DEC, 0, 0 },
    { JMP(LCAP_BPF_JA, LCAP_BPF_K),                     "ja",    LCAP_OPND_JA,      0, 0 },
    { LCAP_BPF_RET | LCAP_BPF_K,                        "ret",   LCAP_OPND_IMM_DEC, 0, 0 },
    { LCAP_BPF_MISC | LCAP_BPF_TAX,                     "tax",   LCAP_OPND_NONE,    0, 0 },
    { ALU(LCAP_BPF_ADD, LCAP_BPF_X),                    "add",   LCAP_OPND_X,       0, 0 },
    { ALU(LCAP_BPF_SUB, LCAP_BPF_K),                    "sub",   LCAP_OPND_IMM_DEC, 0, 0 },
    { JMP(LCAP_BPF_JEQ, LCAP_BPF_K),                    "jeq",   LCAP_OPND_IMM_HEX, 1, 0 },
    { LCAP_BPF_RET | LCAP_BPF_A,                        "ret",   LCAP_OPND_NONE,    0, 0 },
    { ALU(LCAP_BPF_SUB, LCAP_BPF_X),                    "sub",   LCAP_OPND_X,       0, 0 },
    { JMP(LCAP_BPF_JEQ, LCAP_BPF_X),                    "jeq",   LCAP_OPND_X,       1, 0 },
    { LD(LCAP_BPF_W, LCAP_BPF_ABS),                     "ld",    LCAP_OPND_ABS,     0, 0 },
    { ALU(LCAP_BPF_MUL, LCAP_BPF_K),                    "mul",   LCAP_OPND_IMM_DEC, 0, 0 },
    { JMP(LCAP_BPF_JGT, LCAP_BPF_K),                    "jgt",   LCAP_OPND_IMM_HEX, 1, 0 },
    { LD(LCAP_BPF_H, LCAP_BPF_ABS),                     "ldh",   LCAP_OPND_ABS,     0, 0 },
    { ALU(LCAP_BPF_MUL, LCAP_BPF_X),                    "mul",   LCAP_OPND_X,       0, 0 },
    { JMP(LCAP_BPF_JGT, LCAP_BPF_X),                    "jgt",   LCAP_OPND_X,       1, 0 },
    { LD(LCAP_BPF_B, LCAP_BPF_ABS),                     "ldb",   LCAP_OPND_ABS,     0, 0 },
    { ALU(LCAP_BPF_DIV, LCAP_BPF_K),                    "div",   LCAP_OPND_IMM_DEC, 0, 0 },
    { JMP(LCAP_BPF_JGE, LCAP_BPF_K),                    "jge",   LCAP_OPND_IMM_HEX, 1, 0 },
    { ALU(LCAP_BPF_DIV, LCAP_BPF_X),                    "div",   LCAP_OPND_X,       0, 0 },
    { JMP(LCAP_BPF_JGE, LCAP_BPF_X),                    "jge",   LCAP_OPND_X,       1, 0 },
    { LD(LCAP_BPF_W, LCAP_BPF_IND),                     "ld",    LCAP_OPND_IND,     0, 0 },
    { ALU(LCAP_BPF_OR, LCAP_BPF_K),                     "or",    LCAP_OPND_IMM_HEX, 0, 0 },
    { JMP(LCAP_BPF_JSET, LCAP_BPF_K),                   "jset",  LCAP_OPND_IMM_HEX, 1, 0 },
    { LD(LCAP_BPF_H, LCAP_BPF_IND),                     "ldh",   LCAP_OPND_IND,     0, 0 },
    { ALU(LCAP_BPF_OR, LCAP_BPF_X),                     "or",    LCAP_OPND_X,       0, 0 },
    { JMP(LCAP_BPF_JSET, LCAP_BPF_X),                   "jset",  LCAP_OPND_X,       1, 0 },
    { LD(LCAP_BPF_B, LCAP_BPF_IND),                     "ldb",   LCAP_OPND_IND,     0, 0 },
    { ALU(LCAP_BPF_AND, LCAP_BPF_K),                    "and",   LCAP_OPND_IMM_HEX, 0, 0 },
    { ALU(LCAP_BPF_AND, LCAP_BPF_X),                    "and",   LCAP_OPND_X,       0, 0 },
    { LD(LCAP_BPF_W, LCAP_BPF_MEM),                     "ld",    LCAP_OPND_MEM,     0, 0 },
    { LCAP_BPF_LDX | LCAP_BPF_W | LCAP_BPF_MEM,         "ldx",   LCAP_OPND_MEM,     0, 0 },
    { ALU(LCAP_BPF_LSH, LCAP_BPF_K),                    "lsh",   LCAP_OPND_IMM_DEC, 0, 0 },
    { ALU(LCAP_BPF_LSH, LCAP_BPF_X),                    "lsh",   LCAP_OPND_X,       0, 0 },
    { ALU(LCAP_BPF_RSH, LCAP_BPF_K),                    "rsh",   LCAP_OPND_IMM_DEC, 0, 0 },
    { ALU(LCAP_BPF_RSH, LCAP_BPF_X),                    "rsh",   LCAP_OPND_X,       0, 0 },
    { LD(LCAP_BPF_W, LCAP_BPF_LEN),                     "ld",    LCAP_OPND_PKTLEN,  0, 0 },
    { LCAP_BPF_LDX | LCAP_BPF_W | LCAP_BPF_LEN,         "ldx",   LCAP_OPND_PKTLEN,  0, 1 },
    { ALU(LCAP_BPF_NEG, LCAP_BPF_K),                    "neg",   LCAP_OPND_NONE,    0, 0 },
    { LCAP_BPF_MISC | LCAP_BPF_TXA,                     "txa",   LCAP_OPND_NONE,    0, 0 },
    { ALU(LCAP_BPF_MOD, LCAP_BPF_K),                    "mod",   LCAP_OPND_IMM_DEC, 0, 0 },
    { ALU(LCAP_BPF_MOD, LCAP_BPF_X),                    "mod",   LCAP_OPND_X,       0, 0 },
    { ALU(LCAP_BPF_XOR, LCAP_BPF_K),                    "xor",   LCAP_OPND_IMM_HEX, 0, 0 },
    { ALU(LCAP_BPF_XOR, LCAP_BPF_X),                    "xor",   LCAP_OPND_X,       0, 0 },
    { LCAP_BPF_LDX | LCAP_BPF_B | LCAP_BPF_MSH,         "ldxb",  LCAP_OPND_MSH,     0, 0 },
};

const size_t lcap_bpf_opnames_count = sizeof lcap_bpf_opnames / sizeof lcap_bpf_opnames[0];

const struct lcap_bpf_opname *lcap_bpf_opname(uint16_t code)
{
    /* Binary search: the table is sorted by code and read-only, so this is thread-safe. */
    size_t lo = 0, hi = lcap_bpf_opnames_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lcap_bpf_opnames[mid].code == code)
            return &lcap_bpf_opnames[mid];
        if (lcap_bpf_opnames[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const struct lcap_bpf_ancillary lcap_bpf_ancillaries[] = {
    { 0, "proto" },    { 4, "type" },       { 8, "ifidx" },   { 12, "nla" },
    { 16, "nlan" },    { 20, "mark" },      { 24, "queue" },  { 28, "hatype" },
    { 32, "rxhash" },  { 36, "cpu" },       { 40, "xor_x" },  { 44, "vlan_tci" },
    { 48, "vlanp" },   { 52, "poff" },      { 56, "random" }, { 60, "vlan_tpid" },
};

const size_t lcap_bpf_ancillaries_count =
    sizeof lcap_bpf_ancillaries / sizeof lcap_bpf_ancillaries[0];

const char *lcap_bpf_ancillary_name(uint32_t k)
{
    if (k < LCAP_BPF_ANC_BASE)
        return NULL;
    for (size_t i = 0; i < lcap_bpf_ancillaries_count; i++)
        if (k - LCAP_BPF_ANC_BASE == lcap_bpf_ancillaries[i].offset)
            return lcap_bpf_ancillaries[i].name;
    return NULL;
}
