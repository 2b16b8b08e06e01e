/* opcodes.h - the one list of the 49 classic BPF opcodes: the validator's accepted set, the
 * disassembler's names and the interpreter's operations are all generated from it. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_BPF_OPCODES_H
#define LCAP_BPF_OPCODES_H

#include "bpf/insn.h"

/*
 * ROW(OP, code, mnemonic, operand, kernel, pcap_unimp), one row per opcode that
 * bpf_filter() executes, in ascending code order:
 * - OP: the interpreter's operation for it (vm.c pastes VM_##OP, L_##OP);
 * - mnemonic and operand: how tcpdump -d writes it (operand names an
 *   enum lcap_bpf_operand as LCAP_OPND_##operand, see opnames.h);
 * - kernel: 1 if the BSD kernels' own validators (FreeBSD, NetBSD, OpenBSD,
 *   macOS bpf_validate()) accept the opcode. None of them knows mod or xor,
 *   which Linux and libpcap added: a program using them filters in userland;
 * - pcap_unimp: libpcap 1.10.3's bpf_image() does not know this valid
 *   opcode and prints it as "unimp" (tcpdump -d output must do the same).
 * An opcode missing here is refused by the validator, has no name and no
 * operation.
 */
#define LCAP_BPF_OPCODES(ROW)                                                       \
    ROW(LD_IMM,   LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_IMM,   "ld",   IMM_HEX, 1, 0) \
    ROW(LDX_IMM,  LCAP_BPF_LDX | LCAP_BPF_W | LCAP_BPF_IMM,  "ldx",  IMM_HEX, 1, 0) \
    ROW(ST,       LCAP_BPF_ST,                               "st",   MEM,     1, 0) \
    ROW(STX,      LCAP_BPF_STX,                              "stx",  MEM,     1, 0) \
    ROW(ADD_K,    LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K,  "add",  IMM_DEC, 1, 0) \
    ROW(JA,       LCAP_BPF_JMP | LCAP_BPF_JA,                "ja",   JA,      1, 0) \
    ROW(RET_K,    LCAP_BPF_RET | LCAP_BPF_K,                 "ret",  IMM_DEC, 1, 0) \
    ROW(TAX,      LCAP_BPF_MISC | LCAP_BPF_TAX,              "tax",  NONE,    1, 0) \
    ROW(ADD_X,    LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_X,  "add",  X,       1, 0) \
    ROW(SUB_K,    LCAP_BPF_ALU | LCAP_BPF_SUB | LCAP_BPF_K,  "sub",  IMM_DEC, 1, 0) \
    ROW(JEQ_K,    LCAP_BPF_JMP | LCAP_BPF_JEQ | LCAP_BPF_K,  "jeq",  IMM_HEX, 1, 0) \
    ROW(RET_A,    LCAP_BPF_RET | LCAP_BPF_A,                 "ret",  NONE,    1, 0) \
    ROW(SUB_X,    LCAP_BPF_ALU | LCAP_BPF_SUB | LCAP_BPF_X,  "sub",  X,       1, 0) \
    ROW(JEQ_X,    LCAP_BPF_JMP | LCAP_BPF_JEQ | LCAP_BPF_X,  "jeq",  X,       1, 0) \
    ROW(LD_W_ABS, LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_ABS,   "ld",   ABS,     1, 0) \
    ROW(MUL_K,    LCAP_BPF_ALU | LCAP_BPF_MUL | LCAP_BPF_K,  "mul",  IMM_DEC, 1, 0) \
    ROW(JGT_K,    LCAP_BPF_JMP | LCAP_BPF_JGT | LCAP_BPF_K,  "jgt",  IMM_HEX, 1, 0) \
    ROW(LD_H_ABS, LCAP_BPF_LD | LCAP_BPF_H | LCAP_BPF_ABS,   "ldh",  ABS,     1, 0) \
    ROW(MUL_X,    LCAP_BPF_ALU | LCAP_BPF_MUL | LCAP_BPF_X,  "mul",  X,       1, 0) \
    ROW(JGT_X,    LCAP_BPF_JMP | LCAP_BPF_JGT | LCAP_BPF_X,  "jgt",  X,       1, 0) \
    ROW(LD_B_ABS, LCAP_BPF_LD | LCAP_BPF_B | LCAP_BPF_ABS,   "ldb",  ABS,     1, 0) \
    ROW(DIV_K,    LCAP_BPF_ALU | LCAP_BPF_DIV | LCAP_BPF_K,  "div",  IMM_DEC, 1, 0) \
    ROW(JGE_K,    LCAP_BPF_JMP | LCAP_BPF_JGE | LCAP_BPF_K,  "jge",  IMM_HEX, 1, 0) \
    ROW(DIV_X,    LCAP_BPF_ALU | LCAP_BPF_DIV | LCAP_BPF_X,  "div",  X,       1, 0) \
    ROW(JGE_X,    LCAP_BPF_JMP | LCAP_BPF_JGE | LCAP_BPF_X,  "jge",  X,       1, 0) \
    ROW(LD_W_IND, LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_IND,   "ld",   IND,     1, 0) \
    ROW(OR_K,     LCAP_BPF_ALU | LCAP_BPF_OR | LCAP_BPF_K,   "or",   IMM_HEX, 1, 0) \
    ROW(JSET_K,   LCAP_BPF_JMP | LCAP_BPF_JSET | LCAP_BPF_K, "jset", IMM_HEX, 1, 0) \
    ROW(LD_H_IND, LCAP_BPF_LD | LCAP_BPF_H | LCAP_BPF_IND,   "ldh",  IND,     1, 0) \
    ROW(OR_X,     LCAP_BPF_ALU | LCAP_BPF_OR | LCAP_BPF_X,   "or",   X,       1, 0) \
    ROW(JSET_X,   LCAP_BPF_JMP | LCAP_BPF_JSET | LCAP_BPF_X, "jset", X,       1, 0) \
    ROW(LD_B_IND, LCAP_BPF_LD | LCAP_BPF_B | LCAP_BPF_IND,   "ldb",  IND,     1, 0) \
    ROW(AND_K,    LCAP_BPF_ALU | LCAP_BPF_AND | LCAP_BPF_K,  "and",  IMM_HEX, 1, 0) \
    ROW(AND_X,    LCAP_BPF_ALU | LCAP_BPF_AND | LCAP_BPF_X,  "and",  X,       1, 0) \
    ROW(LD_MEM,   LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_MEM,   "ld",   MEM,     1, 0) \
    ROW(LDX_MEM,  LCAP_BPF_LDX | LCAP_BPF_W | LCAP_BPF_MEM,  "ldx",  MEM,     1, 0) \
    ROW(LSH_K,    LCAP_BPF_ALU | LCAP_BPF_LSH | LCAP_BPF_K,  "lsh",  IMM_DEC, 1, 0) \
    ROW(LSH_X,    LCAP_BPF_ALU | LCAP_BPF_LSH | LCAP_BPF_X,  "lsh",  X,       1, 0) \
    ROW(RSH_K,    LCAP_BPF_ALU | LCAP_BPF_RSH | LCAP_BPF_K,  "rsh",  IMM_DEC, 1, 0) \
    ROW(RSH_X,    LCAP_BPF_ALU | LCAP_BPF_RSH | LCAP_BPF_X,  "rsh",  X,       1, 0) \
    ROW(LD_LEN,   LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_LEN,   "ld",   PKTLEN,  1, 0) \
    ROW(LDX_LEN,  LCAP_BPF_LDX | LCAP_BPF_W | LCAP_BPF_LEN,  "ldx",  PKTLEN,  1, 1) \
    ROW(NEG,      LCAP_BPF_ALU | LCAP_BPF_NEG,               "neg",  NONE,    1, 0) \
    ROW(TXA,      LCAP_BPF_MISC | LCAP_BPF_TXA,              "txa",  NONE,    1, 0) \
    ROW(MOD_K,    LCAP_BPF_ALU | LCAP_BPF_MOD | LCAP_BPF_K,  "mod",  IMM_DEC, 0, 0) \
    ROW(MOD_X,    LCAP_BPF_ALU | LCAP_BPF_MOD | LCAP_BPF_X,  "mod",  X,       0, 0) \
    ROW(XOR_K,    LCAP_BPF_ALU | LCAP_BPF_XOR | LCAP_BPF_K,  "xor",  IMM_HEX, 0, 0) \
    ROW(XOR_X,    LCAP_BPF_ALU | LCAP_BPF_XOR | LCAP_BPF_X,  "xor",  X,       0, 0) \
    ROW(LDX_MSH,  LCAP_BPF_LDX | LCAP_BPF_B | LCAP_BPF_MSH,  "ldxb", MSH,     1, 0)

#endif
