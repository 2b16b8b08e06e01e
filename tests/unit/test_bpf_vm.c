/* test_bpf_vm.c - unit tests of the BPF validator, interpreter and Bpf object:
 * every opcode, every bounds edge and every validator rejection. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpf/insn.h"
#include "bpf/opnames.h"
#include "bpf/program.h"
#include "capture.h"

#define S(code, k) LCAP_BPF_STMT(code, k)
#define J(code, k, jt, jf) LCAP_BPF_JUMP(code, k, jt, jf)
#define N(a) (sizeof(a) / sizeof((a)[0]))

enum {
    LD_W_ABS = LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_ABS,
    LD_H_ABS = LCAP_BPF_LD | LCAP_BPF_H | LCAP_BPF_ABS,
    LD_B_ABS = LCAP_BPF_LD | LCAP_BPF_B | LCAP_BPF_ABS,
    LD_W_IND = LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_IND,
    LD_H_IND = LCAP_BPF_LD | LCAP_BPF_H | LCAP_BPF_IND,
    LD_B_IND = LCAP_BPF_LD | LCAP_BPF_B | LCAP_BPF_IND,
    LD_LEN = LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_LEN,
    LDX_LEN = LCAP_BPF_LDX | LCAP_BPF_W | LCAP_BPF_LEN,
    LD_IMM = LCAP_BPF_LD | LCAP_BPF_IMM,
    LDX_IMM = LCAP_BPF_LDX | LCAP_BPF_IMM,
    LD_MEM = LCAP_BPF_LD | LCAP_BPF_MEM,
    LDX_MEM = LCAP_BPF_LDX | LCAP_BPF_MEM,
    LDX_MSH = LCAP_BPF_LDX | LCAP_BPF_B | LCAP_BPF_MSH,
    ST = LCAP_BPF_ST,
    STX = LCAP_BPF_STX,
    RET_K = LCAP_BPF_RET | LCAP_BPF_K,
    RET_A = LCAP_BPF_RET | LCAP_BPF_A,
    JA = LCAP_BPF_JMP | LCAP_BPF_JA,
    TAX = LCAP_BPF_MISC | LCAP_BPF_TAX,
    TXA = LCAP_BPF_MISC | LCAP_BPF_TXA,
    NEG = LCAP_BPF_ALU | LCAP_BPF_NEG,
};
#define ALU_K(op) (LCAP_BPF_ALU | (op) | LCAP_BPF_K)
#define ALU_X(op) (LCAP_BPF_ALU | (op) | LCAP_BPF_X)
#define JMP_K(op) (LCAP_BPF_JMP | (op) | LCAP_BPF_K)
#define JMP_X(op) (LCAP_BPF_JMP | (op) | LCAP_BPF_X)

/* 0x00 0x11 0x22 ... 0xff 0x00 ...: every byte tells its own offset. */
static uint8_t pkt[64];

static int setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(pkt); i++)
        pkt[i] = (uint8_t)(i * 0x11);
    return 0;
}

/* Validates, runs once over pkt with the given lengths, frees. */
static uint32_t run_n(const struct capture_insn *insns, size_t n, uint32_t wirelen,
                      uint32_t caplen)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    capture_bpf *prog = capture_bpf_from_insns(insns, n, err);
    if (prog == NULL)
        fail_msg("program refused: %s", err);
    uint32_t rv = capture_bpf_filter(prog, pkt, wirelen, caplen);
    capture_bpf_free(prog);
    return rv;
}
#define RUN(insns, caplen) run_n(insns, N(insns), 1000, caplen)

/* A = A op operand, returned: runs "ld #a; ldx #x; op; ret a". */
static uint32_t alu(uint16_t code, uint32_t a, uint32_t x, uint32_t k)
{
    struct capture_insn p[] = { S(LD_IMM, a), S(LDX_IMM, x), S(code, k), S(RET_A, 0) };
    return RUN(p, sizeof(pkt));
}

/* Jump taken? 1 for the true branch, 2 for the false one. */
static uint32_t jump(uint16_t code, uint32_t a, uint32_t x, uint32_t k)
{
    struct capture_insn p[] = { S(LD_IMM, a), S(LDX_IMM, x), J(code, k, 0, 1), S(RET_K, 1),
                                S(RET_K, 2) };
    return RUN(p, sizeof(pkt));
}

static void expect_refusal(const struct capture_insn *insns, size_t n, const char *msg)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    capture_bpf *prog = capture_bpf_from_insns(insns, n, err);
    assert_null(prog);
    assert_string_equal(err, msg);
    assert_int_equal(lcap_bpf_validate(insns, n, err), -1);
}

static void test_ret(void **state)
{
    (void)state;
    struct capture_insn k[] = { S(RET_K, 0xdeadbeef) };
    struct capture_insn a[] = { S(LD_IMM, 77), S(RET_A, 0) };
    struct capture_insn zero[] = { S(RET_A, 0) }; /* A starts at 0 */
    assert_int_equal(RUN(k, 0), 0xdeadbeef);
    assert_int_equal(RUN(a, 0), 77);
    assert_int_equal(RUN(zero, 10), 0);
}

static void test_loads_abs(void **state)
{
    (void)state;
    struct capture_insn w[] = { S(LD_W_ABS, 1), S(RET_A, 0) };
    struct capture_insn h[] = { S(LD_H_ABS, 2), S(RET_A, 0) };
    struct capture_insn b[] = { S(LD_B_ABS, 3), S(RET_A, 0) };
    assert_int_equal(RUN(w, 64), 0x11223344);
    assert_int_equal(RUN(h, 64), 0x2233);
    assert_int_equal(RUN(b, 64), 0x33);
    /* Exact boundary: the last byte of the load is the last byte present. */
    assert_int_equal(RUN(w, 5), 0x11223344);
    assert_int_equal(RUN(h, 4), 0x2233);
    assert_int_equal(RUN(b, 4), 0x33);
    /* One byte short: rejected, whatever the wire length. */
    assert_int_equal(RUN(w, 4), 0);
    assert_int_equal(RUN(h, 3), 0);
    assert_int_equal(RUN(b, 3), 0);
    assert_int_equal(RUN(b, 0), 0);
}

static void test_loads_abs_huge_k(void **state)
{
    (void)state;
    /* k + size would wrap in 32 bits: still out of bounds. */
    uint32_t ks[] = { 0xffffffff, 0xfffffffe, 0xfffffffd, 0xfffffffc, 0x80000000 };
    for (size_t i = 0; i < N(ks); i++) {
        struct capture_insn w[] = { S(LD_W_ABS, ks[i]), S(RET_K, 1) };
        struct capture_insn h[] = { S(LD_H_ABS, ks[i]), S(RET_K, 1) };
        struct capture_insn b[] = { S(LD_B_ABS, ks[i]), S(RET_K, 1) };
        assert_int_equal(RUN(w, 64), 0);
        assert_int_equal(RUN(h, 64), 0);
        assert_int_equal(RUN(b, 64), 0);
    }
}

static void test_loads_ind(void **state)
{
    (void)state;
    struct capture_insn w[] = { S(LDX_IMM, 2), S(LD_W_IND, 1), S(RET_A, 0) };
    struct capture_insn h[] = { S(LDX_IMM, 2), S(LD_H_IND, 1), S(RET_A, 0) };
    struct capture_insn b[] = { S(LDX_IMM, 2), S(LD_B_IND, 1), S(RET_A, 0) };
    assert_int_equal(RUN(w, 64), 0x33445566);
    assert_int_equal(RUN(h, 64), 0x3344);
    assert_int_equal(RUN(b, 64), 0x33);
    assert_int_equal(RUN(w, 7), 0x33445566);
    assert_int_equal(RUN(h, 5), 0x3344);
    assert_int_equal(RUN(b, 4), 0x33);
    assert_int_equal(RUN(w, 6), 0);
    assert_int_equal(RUN(h, 4), 0);
    assert_int_equal(RUN(b, 3), 0);
}

static void test_loads_ind_overflow(void **state)
{
    (void)state;
    /* X + k wraps to a small in-range offset in 32 bits: must be refused. */
    static const uint32_t xk[][2] = {
        { 0xffffffff, 1 }, { 1, 0xffffffff }, { 0x80000000, 0x80000000 },
        { 0xfffffffe, 3 }, { 0xffffffff, 0xffffffff }, { 0xfffffffc, 4 },
    };
    for (size_t i = 0; i < N(xk); i++) {
        struct capture_insn w[] = { S(LDX_IMM, xk[i][0]), S(LD_W_IND, xk[i][1]), S(RET_K, 9) };
        struct capture_insn h[] = { S(LDX_IMM, xk[i][0]), S(LD_H_IND, xk[i][1]), S(RET_K, 9) };
        struct capture_insn b[] = { S(LDX_IMM, xk[i][0]), S(LD_B_IND, xk[i][1]), S(RET_K, 9) };
        assert_int_equal(RUN(w, 64), 0);
        assert_int_equal(RUN(h, 64), 0);
        assert_int_equal(RUN(b, 64), 0);
    }
}

static void test_lengths(void **state)
{
    (void)state;
    struct capture_insn len[] = { S(LD_LEN, 0), S(RET_A, 0) };
    struct capture_insn xlen[] = { S(LDX_LEN, 0), S(TXA, 0), S(RET_A, 0) };
    /* BPF_LEN is the wire length, not what was captured. */
    assert_int_equal(run_n(len, N(len), 1514, 64), 1514);
    assert_int_equal(run_n(xlen, N(xlen), 60000, 0), 60000);
}

static void test_msh(void **state)
{
    (void)state;
    struct capture_insn p[] = { S(LDX_MSH, 14), S(TXA, 0), S(RET_A, 0) };
    pkt[14] = 0x45;
    assert_int_equal(RUN(p, 64), 20);
    assert_int_equal(RUN(p, 15), 20);
    assert_int_equal(RUN(p, 14), 0);
    struct capture_insn huge[] = { S(LDX_MSH, 0xffffffff), S(RET_K, 1) };
    assert_int_equal(RUN(huge, 64), 0);
}

static void test_imm_and_registers(void **state)
{
    (void)state;
    struct capture_insn tax[] = { S(LD_IMM, 5), S(TAX, 0), S(LD_IMM, 0), S(TXA, 0), S(RET_A, 0) };
    struct capture_insn ldx[] = { S(LDX_IMM, 0xcafe), S(TXA, 0), S(RET_A, 0) };
    assert_int_equal(RUN(tax, 0), 5);
    assert_int_equal(RUN(ldx, 0), 0xcafe);
}

static void test_scratch_memory(void **state)
{
    (void)state;
    /* Each word keeps its own value: store k*3 in M[k], sum them back. */
    struct capture_insn p[16 * 2 + 16 * 3 + 1];
    size_t n = 0;
    for (uint32_t k = 0; k < 16; k++) {
        p[n++] = S(LD_IMM, k * 3);
        if (k & 1) {
            p[n++] = S(ST, k); /* odd words through A, even ones through X */
        } else {
            p[n++] = S(TAX, 0);
            p[n++] = S(STX, k);
        }
    }
    p[n++] = S(LD_IMM, 0);
    for (uint32_t k = 0; k < 16; k++) {
        p[n++] = S(LDX_MEM, k);
        p[n++] = S(ALU_X(LCAP_BPF_ADD), 0);
    }
    p[n++] = S(RET_A, 0);
    assert_true(n <= N(p));
    assert_int_equal(run_n(p, n, 0, 0), 3 * (15 * 16 / 2));

    struct capture_insn lastword[] = { S(LD_IMM, 9), S(ST, 15), S(LD_IMM, 0), S(LD_MEM, 15),
                                       S(RET_A, 0) };
    assert_int_equal(RUN(lastword, 0), 9);
    /* Never stored: reads as 0 here (undefined in the kernel). */
    struct capture_insn unset[] = { S(LD_IMM, 9), S(LD_MEM, 4), S(RET_A, 0) };
    assert_int_equal(RUN(unset, 0), 0);
}

static void test_alu_k(void **state)
{
    (void)state;
    assert_int_equal(alu(ALU_K(LCAP_BPF_ADD), 0xfffffffe, 0, 3), 1);
    assert_int_equal(alu(ALU_K(LCAP_BPF_SUB), 1, 0, 2), 0xffffffff);
    assert_int_equal(alu(ALU_K(LCAP_BPF_MUL), 0x10000, 0, 0x10001), 0x10000);
    assert_int_equal(alu(ALU_K(LCAP_BPF_DIV), 100, 0, 7), 14);
    assert_int_equal(alu(ALU_K(LCAP_BPF_DIV), 0xffffffff, 0, 2), 0x7fffffff);
    assert_int_equal(alu(ALU_K(LCAP_BPF_MOD), 100, 0, 7), 2);
    assert_int_equal(alu(ALU_K(LCAP_BPF_AND), 0xf0f0, 0, 0xff00), 0xf000);
    assert_int_equal(alu(ALU_K(LCAP_BPF_OR), 0xf0f0, 0, 0xff00), 0xfff0);
    assert_int_equal(alu(ALU_K(LCAP_BPF_XOR), 0xf0f0, 0, 0xff00), 0x0ff0);
    assert_int_equal(alu(ALU_K(LCAP_BPF_LSH), 0x80000003, 0, 1), 6);
    assert_int_equal(alu(ALU_K(LCAP_BPF_RSH), 0x80000003, 0, 1), 0x40000001);
    assert_int_equal(alu(NEG, 1, 0, 0), 0xffffffff);
    assert_int_equal(alu(NEG, 0, 0, 0), 0);
}

static void test_alu_x(void **state)
{
    (void)state;
    assert_int_equal(alu(ALU_X(LCAP_BPF_ADD), 0xfffffffe, 3, 0), 1);
    assert_int_equal(alu(ALU_X(LCAP_BPF_SUB), 1, 2, 0), 0xffffffff);
    assert_int_equal(alu(ALU_X(LCAP_BPF_MUL), 0x10000, 0x10001, 0), 0x10000);
    assert_int_equal(alu(ALU_X(LCAP_BPF_DIV), 100, 7, 0), 14);
    assert_int_equal(alu(ALU_X(LCAP_BPF_MOD), 100, 7, 0), 2);
    assert_int_equal(alu(ALU_X(LCAP_BPF_AND), 0xf0f0, 0xff00, 0), 0xf000);
    assert_int_equal(alu(ALU_X(LCAP_BPF_OR), 0xf0f0, 0xff00, 0), 0xfff0);
    assert_int_equal(alu(ALU_X(LCAP_BPF_XOR), 0xf0f0, 0xff00, 0), 0x0ff0);
    assert_int_equal(alu(ALU_X(LCAP_BPF_LSH), 0x80000003, 1, 0), 6);
    assert_int_equal(alu(ALU_X(LCAP_BPF_RSH), 0x80000003, 1, 0), 0x40000001);
}

static void test_div_mod_by_zero_x(void **state)
{
    (void)state;
    /* Dividing by X == 0 rejects the packet, even though A would be returned. */
    assert_int_equal(alu(ALU_X(LCAP_BPF_DIV), 100, 0, 0), 0);
    assert_int_equal(alu(ALU_X(LCAP_BPF_MOD), 100, 0, 0), 0);
    struct capture_insn after[] = { S(LDX_IMM, 0), S(ALU_X(LCAP_BPF_DIV), 0), S(RET_K, 5) };
    assert_int_equal(RUN(after, 0), 0);
}

static void test_shift_counts(void **state)
{
    (void)state;
    /* By a constant: the count is taken mod 32, as the amd64 kernel computes. */
    assert_int_equal(alu(ALU_K(LCAP_BPF_LSH), 0x80000003, 0, 31), 0x80000000);
    assert_int_equal(alu(ALU_K(LCAP_BPF_LSH), 0x80000003, 0, 32), 0x80000003);
    assert_int_equal(alu(ALU_K(LCAP_BPF_LSH), 0x80000003, 0, 33), 6);
    assert_int_equal(alu(ALU_K(LCAP_BPF_RSH), 0x80000003, 0, 31), 1);
    assert_int_equal(alu(ALU_K(LCAP_BPF_RSH), 0x80000003, 0, 32), 0x80000003);
    assert_int_equal(alu(ALU_K(LCAP_BPF_RSH), 0x80000003, 0, 0xffffffff), 1);
    /* By X: 32 or more clears A, as libpcap's bpf_filter does. */
    assert_int_equal(alu(ALU_X(LCAP_BPF_LSH), 0x80000003, 31, 0), 0x80000000);
    assert_int_equal(alu(ALU_X(LCAP_BPF_LSH), 0x80000003, 32, 0), 0);
    assert_int_equal(alu(ALU_X(LCAP_BPF_RSH), 0x80000003, 31, 0), 1);
    assert_int_equal(alu(ALU_X(LCAP_BPF_RSH), 0x80000003, 32, 0), 0);
    assert_int_equal(alu(ALU_X(LCAP_BPF_RSH), 0x80000003, 0xffffffff, 0), 0);
}

static void test_cond_jumps(void **state)
{
    (void)state;
    assert_int_equal(jump(JMP_K(LCAP_BPF_JEQ), 5, 0, 5), 1);
    assert_int_equal(jump(JMP_K(LCAP_BPF_JEQ), 5, 0, 6), 2);
    assert_int_equal(jump(JMP_K(LCAP_BPF_JGT), 6, 0, 5), 1);
    assert_int_equal(jump(JMP_K(LCAP_BPF_JGT), 5, 0, 5), 2);
    assert_int_equal(jump(JMP_K(LCAP_BPF_JGT), 0xffffffff, 0, 1), 1); /* unsigned */
    assert_int_equal(jump(JMP_K(LCAP_BPF_JGE), 5, 0, 5), 1);
    assert_int_equal(jump(JMP_K(LCAP_BPF_JGE), 4, 0, 5), 2);
    assert_int_equal(jump(JMP_K(LCAP_BPF_JSET), 6, 0, 2), 1);
    assert_int_equal(jump(JMP_K(LCAP_BPF_JSET), 6, 0, 1), 2);
    assert_int_equal(jump(JMP_X(LCAP_BPF_JEQ), 5, 5, 0), 1);
    assert_int_equal(jump(JMP_X(LCAP_BPF_JEQ), 5, 6, 5), 2);
    assert_int_equal(jump(JMP_X(LCAP_BPF_JGT), 6, 5, 0), 1);
    assert_int_equal(jump(JMP_X(LCAP_BPF_JGT), 5, 5, 0), 2);
    assert_int_equal(jump(JMP_X(LCAP_BPF_JGE), 5, 5, 0), 1);
    assert_int_equal(jump(JMP_X(LCAP_BPF_JGE), 4, 5, 9), 2);
    assert_int_equal(jump(JMP_X(LCAP_BPF_JSET), 6, 2, 0), 1);
    assert_int_equal(jump(JMP_X(LCAP_BPF_JSET), 6, 1, 0xff), 2);
}

/* The interpreter runs "load, and #k, conditional jump" runs as one composed
 * operation, and a jump to "ret #k" as a return; every combination of load
 * (none, one of six, or "ldxb 4*([k]&0xf)" then an indexed one), mask (none
 * or and), jump and target kind (return or not, on each side), in and out of
 * bounds, both ways, against the plain semantics computed here. */
static uint32_t cond_holds(uint16_t jop, uint32_t a, uint32_t k)
{
    switch (jop) {
    case LCAP_BPF_JEQ:
        return a == k;
    case LCAP_BPF_JGT:
        return a > k;
    case LCAP_BPF_JGE:
        return a >= k;
    default:
        return (a & k) != 0;
    }
}

static void test_composed_runs(void **state)
{
    (void)state;
    static const struct { uint16_t code; int msh; } loads[] = {
        { 0, 0 }, { LD_W_ABS, 0 }, { LD_H_ABS, 0 }, { LD_B_ABS, 0 }, { LD_W_IND, 0 },
        { LD_H_IND, 0 }, { LD_B_IND, 0 }, { LD_W_IND, 1 }, { LD_H_IND, 1 }, { LD_B_IND, 1 },
    };
    static const uint16_t jops[] = { LCAP_BPF_JEQ, LCAP_BPF_JGT, LCAP_BPF_JGE, LCAP_BPF_JSET };
    /* pkt[1] is 0x11: "ldxb 4*([1]&0xf)" sets X to 4. */
    const uint32_t off = 6, msh_at = 1, mask = 0xf0f0f0f0, a0 = 0x12345678;
    unsigned runs = 0;
    for (size_t l = 0; l < N(loads); l++)
        for (int masked = 0; masked < 2; masked++)
            for (size_t j = 0; j < N(jops); j++)
                for (int variant = 0; variant < 4; variant++)
                    for (uint32_t caplen = 0; caplen <= 16; caplen++)
                        for (int pick = 0; pick < 3; pick++) {
            struct capture_insn p[12];
            size_t n = 0;
            uint16_t code = loads[l].code;
            int ind = code != 0 && LCAP_BPF_MODE(code) == LCAP_BPF_IND;
            uint32_t width = code == 0 ? 0 : LCAP_BPF_SIZE(code) == LCAP_BPF_W ? 4
                                       : LCAP_BPF_SIZE(code) == LCAP_BPF_H ? 2 : 1;
            uint32_t x = loads[l].msh ? 4 : 3, at = ind ? x + off : off, a = a0;
            p[n++] = S(LD_IMM, a0);
            p[n++] = loads[l].msh ? S(LDX_MSH, msh_at) : S(LDX_IMM, x);
            if (code != 0) {
                p[n++] = S(code, off);
                a = 0;
                for (uint32_t b = 0; b < width && at + b < sizeof(pkt); b++)
                    a = a << 8 | pkt[at + b];
            }
            if (masked) {
                p[n++] = S(ALU_K(LCAP_BPF_AND), mask);
                a &= mask;
            }
            /* Constants that make the jump go each way: A itself, one more, 0. */
            uint32_t k = pick == 0 ? a : pick == 1 ? a + 1 : 0;
            /* A target that is not a return computes its value, so that its
             * k (221, 443) is not the answer a wrong variant would give. */
            int t_ret = variant & 1, f_ret = variant >> 1 & 1;
            size_t t_len = t_ret ? 1 : 3;
            p[n++] = J(JMP_K(jops[j]), k, 0, (uint8_t)t_len);
            if (t_ret) {
                p[n++] = S(RET_K, 111);
            } else {
                p[n++] = S(LD_IMM, 221);
                p[n++] = S(ALU_K(LCAP_BPF_ADD), 1);
                p[n++] = S(RET_A, 0);
            }
            if (f_ret) {
                p[n++] = S(RET_K, 333);
            } else {
                p[n++] = S(LD_IMM, 443);
                p[n++] = S(ALU_K(LCAP_BPF_ADD), 1);
                p[n++] = S(RET_A, 0);
            }
            uint32_t expect = (loads[l].msh && msh_at >= caplen) || (code != 0 && at + width > caplen) ? 0
                              : cond_holds(jops[j], a, k) ? (t_ret ? 111 : 222)
                                                          : (f_ret ? 333 : 444);
            uint32_t got = run_n(p, n, 1000, caplen);
            if (got != expect)
                fail_msg("load %#x msh %d masked %d jump %#x variant %d caplen %u k %#x: %u, expected %u",
                         code, loads[l].msh, masked, jops[j], variant, caplen, k, got, expect);
            runs++;
        }
    assert_int_equal(runs, 10 * 2 * 4 * 4 * 17 * 3);
}

/* A jump may land in the middle of a composed run: on its mask or its jump. */
static void test_jump_into_composed_run(void **state)
{
    (void)state;
    struct capture_insn p[] = {
        S(LD_IMM, 0x0f),
        J(JMP_K(LCAP_BPF_JEQ), 0x0f, 1, 0), /* to the and: A = 0x0f & 0x3c */
        S(LD_H_ABS, 0),                      /* not run on that path */
        S(ALU_K(LCAP_BPF_AND), 0x3c),
        J(JMP_K(LCAP_BPF_JEQ), 0x0c, 0, 1),
        S(RET_K, 1),
        S(RET_K, 2),
    };
    assert_int_equal(RUN(p, sizeof(pkt)), 1);
    p[0] = S(LD_IMM, 0x0c);
    p[1] = J(JMP_K(LCAP_BPF_JEQ), 0x0c, 2, 0); /* to the jeq itself */
    assert_int_equal(RUN(p, sizeof(pkt)), 1);
    p[0] = S(LD_IMM, 0x0d);
    p[1] = J(JMP_K(LCAP_BPF_JEQ), 0x0c, 2, 0); /* falls into the load: A = 0x0011 & 0x3c */
    assert_int_equal(RUN(p, sizeof(pkt)), 2);
    assert_int_equal(RUN(p, 1), 0);            /* ... which is out of bounds */
}

static void test_jumps_to_last(void **state)
{
    (void)state;
    /* ja, jt and jf landing exactly on the last instruction are valid. */
    struct capture_insn ja[] = { S(JA, 2), S(RET_K, 1), S(RET_K, 2), S(RET_K, 3) };
    struct capture_insn jt[] = { J(JMP_K(LCAP_BPF_JEQ), 0, 2, 0), S(RET_K, 1), S(RET_K, 2),
                                 S(RET_K, 3) };
    struct capture_insn jf[] = { J(JMP_K(LCAP_BPF_JEQ), 1, 0, 2), S(RET_K, 1), S(RET_K, 2),
                                 S(RET_K, 3) };
    struct capture_insn ja0[] = { S(JA, 0), S(RET_K, 4) };
    assert_int_equal(RUN(ja, 0), 3);
    assert_int_equal(RUN(jt, 0), 3);
    assert_int_equal(RUN(jf, 0), 3);
    assert_int_equal(RUN(ja0, 0), 4);
    /* The longest program, its first instruction jumping to its last. */
    struct capture_insn *big = calloc(LCAP_BPF_MAXINSNS, sizeof(*big));
    assert_non_null(big);
    for (size_t i = 0; i < LCAP_BPF_MAXINSNS; i++)
        big[i] = S(RET_K, 1);
    big[0] = S(JA, LCAP_BPF_MAXINSNS - 2);
    big[LCAP_BPF_MAXINSNS - 1] = S(RET_K, 4096);
    assert_int_equal(run_n(big, LCAP_BPF_MAXINSNS, 0, 0), 4096);
    free(big);
}

static void test_reject_length(void **state)
{
    (void)state;
    struct capture_insn one[] = { S(RET_K, 1) };
    expect_refusal(one, 0, "empty program: a BPF program needs at least one instruction");
    expect_refusal(NULL, 3, "no instructions given (NULL) for a 3-instruction program");
    struct capture_insn *big = calloc(LCAP_BPF_MAXINSNS + 1, sizeof(*big));
    assert_non_null(big);
    for (size_t i = 0; i <= LCAP_BPF_MAXINSNS; i++)
        big[i] = S(RET_K, 1);
    expect_refusal(big, LCAP_BPF_MAXINSNS + 1,
                   "program too long: 4097 instructions, the most libcapture runs is 4096 "
                   "(libpcap's limit; a BSD kernel takes at most 512)");
    free(big);
}

/* Whether a BSD kernel's BIOCSETF would take a valid program: its length. */
static void test_kernel_length(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE] = "";
    struct capture_insn *big = calloc(LCAP_BPF_KERNEL_MAXINSNS + 1, sizeof(*big));
    assert_non_null(big);
    for (size_t i = 0; i <= LCAP_BPF_KERNEL_MAXINSNS; i++)
        big[i] = S(RET_K, 1);
    assert_int_equal(LCAP_BPF_KERNEL_MAXINSNS, 512);
    static const size_t lengths[] = { 1, 511, 512, 513 };
    for (size_t i = 0; i < N(lengths); i++) {
        capture_bpf *prog = capture_bpf_from_insns(big, lengths[i], err);
        assert_non_null(prog);
        assert_int_equal(lcap_bpf_kernel_accepts(prog), lengths[i] <= 512);
        capture_bpf_free(prog);
    }
    free(big);
}

/* ... and its opcodes: every valid one but mod and xor, which no BSD kernel knows. */
static void test_kernel_opcodes(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE] = "";
    size_t valid = 0, kernel = 0;
    for (unsigned code = 0; code < 0x10000; code++) {
        struct capture_insn p[] = { S(code, code == JA ? 0 : 1), S(RET_K, 1) };
        capture_bpf *prog = capture_bpf_from_insns(p, N(p), err);
        if (prog == NULL)
            continue;
        int userland_only = code == ALU_K(LCAP_BPF_MOD) || code == ALU_X(LCAP_BPF_MOD) ||
                            code == ALU_K(LCAP_BPF_XOR) || code == ALU_X(LCAP_BPF_XOR);
        assert_int_equal(lcap_bpf_kernel_accepts(prog), !userland_only);
        valid++;
        kernel += !userland_only;
        capture_bpf_free(prog);
    }
    assert_int_equal(valid, 49);
    assert_int_equal(kernel, 45);
}

static void test_reject_unknown_opcodes(void **state)
{
    (void)state;
    /* Opcodes whose class is known but that bpf_filter() has no case for. */
    static const uint16_t bad[] = {
        0x0e,  /* ret x */
        0x08,  /* ldh #k */
        0x88,  /* ldh len */
        0x68,  /* ldh M[k] */
        0x21,  /* ldx [k] */
        0xa1,  /* ldx 4*([k]&0xf) with word size */
        0xa0,  /* ld msh */
        0xe0,  /* ld, unused mode */
        0x8c,  /* neg x */
        0xb4,  /* alu op 0xb0 */
        0xf4,  /* alu op 0xf0 */
        0x0d,  /* ja x */
        0x55,  /* jmp op 0x50 */
        0x0f,  /* misc, neither tax nor txa */
        0x0a,  /* st with size bits */
        0x106, /* ret k with a high bit set */
        0xffff,
    };
    char msg[CAPTURE_ERRBUF_SIZE];
    for (size_t i = 0; i < N(bad); i++) {
        struct capture_insn p[] = { S(LD_IMM, 0), S(bad[i], 0), S(RET_K, 1) };
        snprintf(msg, sizeof(msg), "instruction 1: unknown opcode 0x%04x", bad[i]);
        expect_refusal(p, N(p), msg);
    }
}

static void test_reject_scratch_index(void **state)
{
    (void)state;
    struct capture_insn ld[] = { S(LD_MEM, 16), S(RET_K, 1) };
    struct capture_insn ldx[] = { S(LD_IMM, 0), S(LDX_MEM, 0xffffffff), S(RET_K, 1) };
    struct capture_insn st[] = { S(ST, 16), S(RET_K, 1) };
    struct capture_insn stx[] = { S(STX, 100), S(RET_K, 1) };
    expect_refusal(ld, N(ld), "instruction 0 (ld): scratch memory index 16 is out of range (M[0] to M[15])");
    expect_refusal(ldx, N(ldx), "instruction 1 (ldx): scratch memory index 4294967295 is out of range (M[0] to M[15])");
    expect_refusal(st, N(st), "instruction 0 (st): scratch memory index 16 is out of range (M[0] to M[15])");
    expect_refusal(stx, N(stx), "instruction 0 (stx): scratch memory index 100 is out of range (M[0] to M[15])");
}

static void test_reject_constant_zero_divisor(void **state)
{
    (void)state;
    struct capture_insn div[] = { S(LD_IMM, 1), S(ALU_K(LCAP_BPF_DIV), 0), S(RET_A, 0) };
    struct capture_insn mod[] = { S(LD_IMM, 1), S(ALU_K(LCAP_BPF_MOD), 0), S(RET_A, 0) };
    expect_refusal(div, N(div), "instruction 1 (div): division by the constant 0");
    expect_refusal(mod, N(mod), "instruction 1 (mod): modulo by the constant 0");
    /* By X the constant is unused: k == 0 is fine. */
    struct capture_insn divx[] = { S(LDX_IMM, 2), S(LD_IMM, 9), S(ALU_X(LCAP_BPF_DIV), 0),
                                   S(RET_A, 0) };
    assert_int_equal(RUN(divx, 0), 4);
}

static void test_reject_jumps(void **state)
{
    (void)state;
    struct capture_insn p[12];
    for (size_t i = 0; i < N(p); i++)
        p[i] = S(RET_K, 1);
    p[7] = J(JMP_K(LCAP_BPF_JEQ), 0, 32, 0);
    expect_refusal(p, N(p), "instruction 7 (jeq): jump target 40 is past the end of the 12-instruction program");
    p[7] = J(JMP_X(LCAP_BPF_JSET), 0, 0, 4);
    expect_refusal(p, N(p), "instruction 7 (jset): jump target 12 is past the end of the 12-instruction program");
    p[7] = S(JA, 4);
    expect_refusal(p, N(p), "instruction 7 (ja): jump target 12 is past the end of the 12-instruction program");
    /* A huge ja offset must not wrap around to a valid target. */
    p[7] = S(JA, 0xfffffff8);
    expect_refusal(p, N(p), "instruction 7 (ja): jump target 4294967296 is past the end of the 12-instruction program");
    p[7] = S(JA, 0xffffffff);
    expect_refusal(p, N(p), "instruction 7 (ja): jump target 4294967303 is past the end of the 12-instruction program");
    /* A conditional jump as the last instruction. */
    struct capture_insn last[] = { S(RET_K, 1), J(JMP_K(LCAP_BPF_JGT), 0, 0, 0) };
    expect_refusal(last, N(last), "instruction 1 (jgt): jump target 2 is past the end of the 2-instruction program");
}

static void test_reject_no_return(void **state)
{
    (void)state;
    struct capture_insn p[] = { S(LD_IMM, 1), S(ALU_K(LCAP_BPF_ADD), 1) };
    expect_refusal(p, N(p), "instruction 1 (add): the last instruction must be a return (ret), or the program could run off its end");
}

static void test_object(void **state)
{
    (void)state;
    struct capture_insn p[] = { S(LD_H_ABS, 12), J(JMP_K(LCAP_BPF_JEQ), 0x800, 0, 1),
                                S(RET_K, 65535), S(RET_K, 0) };
    char err[CAPTURE_ERRBUF_SIZE];
    capture_bpf *prog = capture_bpf_from_insns(p, N(p), err);
    assert_non_null(prog);
    /* The program keeps its own copy. */
    p[2].k = 1;
    const struct capture_insn *got = NULL;
    assert_int_equal(capture_bpf_insns(prog, &got), 4);
    assert_non_null(got);
    assert_int_equal(got[2].k, 65535);
    assert_int_equal(got[1].code, JMP_K(LCAP_BPF_JEQ));
    assert_int_equal(got[1].jf, 1);
    uint8_t ip[14] = { [12] = 0x08, [13] = 0x00 };
    assert_int_equal(capture_bpf_filter(prog, ip, 60, sizeof(ip)), 65535);
    ip[13] = 0x06;
    assert_int_equal(capture_bpf_filter(prog, ip, 60, sizeof(ip)), 0);
    assert_int_equal(capture_bpf_filter(prog, ip, 60, 12), 0);
    capture_bpf_free(prog);
    capture_bpf_free(NULL);
}

static void test_setfilter_dead(void **state)
{
    (void)state;
    struct capture_insn p[] = { S(RET_K, 0) };
    capture_bpf *prog = capture_bpf_from_insns(p, 1, NULL);
    assert_non_null(prog);
    capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, 65535);
    assert_non_null(r);
    assert_int_equal(capture_setfilter_bpf(r, prog), 0);
    capture_bpf_free(prog); /* the reader has its own copy */
    assert_int_equal(capture_setfilter_bpf(r, prog = NULL), 0);
    prog = capture_bpf_from_insns(p, 1, NULL);
    assert_int_equal(capture_setfilter_bpf(r, prog), 0);
    assert_int_equal(capture_setfilter_bpf(r, prog), 0); /* replaces, no leak */
    capture_bpf_free(prog);
    capture_close(r); /* frees the filter */
}

/* Linux's ancillary loads of the VLAN tag (program.h's aux data): answered
 * from the metadata given with the packet, at every load size (as the
 * kernel ignores it), also as the first load of a composed run; with no
 * metadata (capture_bpf_filter) they reject, as libpcap's bpf_filter does.
 * Other ancillary words stay packet loads, out of bounds. */
static void test_aux_loads(void **state)
{
    (void)state;
    const uint32_t tci = LCAP_BPF_ANC_BASE + LCAP_BPF_ANC_VLAN_TAG;
    const uint32_t present = LCAP_BPF_ANC_BASE + LCAP_BPF_ANC_VLAN_TAG_PRESENT;
    const lcap_bpf_aux tagged = { 0x5, 1 }, untagged = { 0, 0 };
    static const uint16_t sizes[] = { LD_W_ABS, LD_H_ABS, LD_B_ABS };
    for (size_t i = 0; i < N(sizes); i++) {
        struct capture_insn id[] = { S(sizes[i], tci), S(ALU_K(LCAP_BPF_ADD), 100), S(RET_A, 0) };
        struct capture_insn p[] = { S(sizes[i], present), J(JMP_K(LCAP_BPF_JEQ), 1, 0, 1),
                                    S(RET_K, 10), S(RET_K, 20) };
        capture_bpf *a = capture_bpf_from_insns(id, N(id), NULL);
        capture_bpf *b = capture_bpf_from_insns(p, N(p), NULL);
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(lcap_bpf_filter_aux(a, pkt, 64, 64, &tagged), 105);
        assert_int_equal(lcap_bpf_filter_aux(a, pkt, 64, 64, &untagged), 100);
        assert_int_equal(lcap_bpf_filter_aux(b, pkt, 64, 64, &tagged), 10);
        assert_int_equal(lcap_bpf_filter_aux(b, pkt, 64, 64, &untagged), 20);
        assert_int_equal(lcap_bpf_filter_aux(a, pkt, 64, 64, NULL), 0);
        assert_int_equal(capture_bpf_filter(b, pkt, 64, 64), 0);
        capture_bpf_free(a);
        capture_bpf_free(b);
    }
    /* libpcap 1.10.3's `vlan 5` on Linux: the tag as metadata, or in the packet. */
    struct capture_insn vlan5[] = {
        S(LD_B_ABS, present), J(JMP_K(LCAP_BPF_JEQ), 1, 4, 0), S(LD_H_ABS, 12),
        J(JMP_K(LCAP_BPF_JEQ), 0x8100, 2, 0), J(JMP_K(LCAP_BPF_JEQ), 0x88a8, 1, 0),
        J(JMP_K(LCAP_BPF_JEQ), 0x9100, 0, 8), S(LD_B_ABS, present), J(JMP_K(LCAP_BPF_JEQ), 1, 0, 2),
        S(LD_B_ABS, tci), S(JA, 1), S(LD_H_ABS, 14), S(ALU_K(LCAP_BPF_AND), 0xfff),
        J(JMP_K(LCAP_BPF_JEQ), 5, 0, 1), S(RET_K, 262144), S(RET_K, 0),
    };
    capture_bpf *v = capture_bpf_from_insns(vlan5, N(vlan5), NULL);
    assert_non_null(v);
    uint8_t frame[18] = { [12] = 0x81, [13] = 0x00, [14] = 0x20, [15] = 0x05 };
    const lcap_bpf_aux six = { 6, 1 }, five = { 5, 1 };
    assert_int_equal(lcap_bpf_filter_aux(v, frame, 18, 18, &five), 262144);
    assert_int_equal(lcap_bpf_filter_aux(v, frame, 18, 18, &six), 0);
    assert_int_equal(lcap_bpf_filter_aux(v, frame, 18, 18, &untagged), 262144); /* in the packet */
    frame[15] = 7;
    assert_int_equal(lcap_bpf_filter_aux(v, frame, 18, 18, &untagged), 0);
    capture_bpf_free(v);
    /* Another ancillary word (poff) is no metadata here: an out-of-bounds load. */
    struct capture_insn poff[] = { S(LD_W_ABS, LCAP_BPF_ANC_BASE + 52), S(RET_K, 1) };
    capture_bpf *o = capture_bpf_from_insns(poff, N(poff), NULL);
    assert_int_equal(lcap_bpf_filter_aux(o, pkt, 64, 64, &tagged), 0);
    capture_bpf_free(o);
}

/* Where no metadata exists, a program that reads it is refused, naming the
 * instruction; the rest pass. */
static void test_aux_refused_without_metadata(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE] = "";
    struct capture_insn p[] = { S(LD_H_ABS, 12), S(LD_B_ABS, LCAP_BPF_ANC_BASE + LCAP_BPF_ANC_VLAN_TAG_PRESENT),
                                S(RET_A, 0) };
    struct capture_insn plain[] = { S(LD_W_ABS, LCAP_BPF_ANC_BASE + 8), S(RET_A, 0) };
    capture_bpf *prog = capture_bpf_from_insns(p, N(p), err);
    capture_bpf *other = capture_bpf_from_insns(plain, N(plain), err);
    assert_non_null(prog);
    assert_non_null(other);
    assert_int_equal(lcap_bpf_validate_no_aux(other, err), 0);
    assert_int_equal(lcap_bpf_validate_no_aux(prog, err), -1);
    assert_string_equal(err, "instruction 1 (ldb [vlanp]): reads the VLAN tag Linux's kernel takes out of "
                             "a packet, which only a live capture on Linux has");
    capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, 65535);
    assert_non_null(r);
    assert_int_equal(capture_setfilter_bpf(r, prog), CAPTURE_ERROR);
    assert_string_equal(capture_geterr(r), err);
    assert_int_equal(capture_setfilter_bpf(r, other), 0);
    capture_close(r);
    capture_bpf_free(prog);
    capture_bpf_free(other);
}

/* Writes a little-endian pcap file of three Ethernet frames: IPv4 (60 bytes
 * on the wire, 20 captured), ARP, IPv4 (1514 on the wire, 14 captured). */
static void write_pcap(const char *path)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    const uint8_t hdr[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                              0xff, 0xff, 0, 0, 1, 0, 0, 0 };
    fwrite(hdr, 1, sizeof(hdr), f);
    static const struct { uint32_t caplen, len; uint16_t type; } recs[] = {
        { 20, 60, 0x0800 }, { 42, 42, 0x0806 }, { 14, 1514, 0x0800 } };
    for (uint32_t i = 0; i < 3; i++) {
        uint8_t rec[16 + 64] = { 0 };
        uint32_t v[4] = { 1000 + i, i, recs[i].caplen, recs[i].len };
        for (int j = 0; j < 4; j++)
            for (int b = 0; b < 4; b++)
                rec[4 * j + b] = (uint8_t)(v[j] >> (8 * b));
        rec[16 + 12] = (uint8_t)(recs[i].type >> 8);
        rec[16 + 13] = (uint8_t)recs[i].type;
        fwrite(rec, 1, 16 + recs[i].caplen, f);
    }
    assert_int_equal(fclose(f), 0);
}

static void count_packet(void *user, const capture_pkthdr *h, const uint8_t *data)
{
    (void)data;
    *(uint32_t *)user += h->len;
}

static void test_setfilter_savefile(void **state)
{
    (void)state;
    char path[] = "/tmp/test_bpf_vm_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_pcap(path);

    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_open_offline(path, err);
    if (r == NULL)
        fail_msg("%s", err);
    /* IPv4 only: two of the three frames. */
    struct capture_insn ip[] = { S(LD_H_ABS, 12), J(JMP_K(LCAP_BPF_JEQ), 0x800, 0, 1),
                                 S(RET_K, 65535), S(RET_K, 0) };
    capture_bpf *prog = capture_bpf_from_insns(ip, N(ip), err);
    assert_non_null(prog);
    assert_int_equal(capture_setfilter_bpf(r, prog), 0);
    capture_bpf_free(prog);
    capture_pkthdr h;
    const uint8_t *data;
    assert_int_equal(capture_next(r, &h, &data), 1);
    assert_int_equal(h.len, 60);
    /* The filter sees the wire length: keep frames longer than 1000 bytes. */
    struct capture_insn big[] = { S(LD_LEN, 0), J(JMP_K(LCAP_BPF_JGT), 1000, 0, 1),
                                  S(RET_K, 1), S(RET_K, 0) };
    prog = capture_bpf_from_insns(big, N(big), err);
    assert_non_null(prog);
    assert_int_equal(capture_setfilter_bpf(r, prog), 0);
    capture_bpf_free(prog);
    assert_int_equal(capture_next(r, &h, &data), 1);
    assert_int_equal(h.len, 1514);
    assert_int_equal(h.caplen, 14);
    assert_int_equal(capture_next(r, &h, &data), CAPTURE_EOF);
    capture_close(r);

    /* Through dispatch, then without a filter. */
    r = capture_open_offline(path, err);
    assert_non_null(r);
    prog = capture_bpf_from_insns(ip, N(ip), err);
    assert_int_equal(capture_setfilter_bpf(r, prog), 0);
    uint32_t sum = 0;
    assert_int_equal(capture_dispatch(r, 1, count_packet, &sum), 1);
    assert_int_equal(sum, 60);
    assert_int_equal(capture_setfilter_bpf(r, NULL), 0);
    sum = 0;
    assert_int_equal(capture_dispatch(r, -1, count_packet, &sum), 2);
    assert_int_equal(sum, 42 + 1514);
    capture_close(r);

    /* A filter that rejects everything: the file just ends. */
    struct capture_insn none[] = { S(RET_K, 0) };
    r = capture_open_offline(path, err);
    assert_non_null(r);
    capture_bpf_free(prog);
    prog = capture_bpf_from_insns(none, 1, err);
    assert_int_equal(capture_setfilter_bpf(r, prog), 0);
    capture_bpf_free(prog);
    assert_int_equal(capture_loop(r, -1, count_packet, &sum), 0);
    assert_int_equal(capture_next(r, &h, &data), CAPTURE_EOF);
    capture_close(r);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_ret, setup),
        cmocka_unit_test_setup(test_loads_abs, setup),
        cmocka_unit_test_setup(test_loads_abs_huge_k, setup),
        cmocka_unit_test_setup(test_loads_ind, setup),
        cmocka_unit_test_setup(test_loads_ind_overflow, setup),
        cmocka_unit_test_setup(test_lengths, setup),
        cmocka_unit_test_setup(test_msh, setup),
        cmocka_unit_test_setup(test_imm_and_registers, setup),
        cmocka_unit_test_setup(test_scratch_memory, setup),
        cmocka_unit_test_setup(test_alu_k, setup),
        cmocka_unit_test_setup(test_alu_x, setup),
        cmocka_unit_test_setup(test_div_mod_by_zero_x, setup),
        cmocka_unit_test_setup(test_shift_counts, setup),
        cmocka_unit_test_setup(test_cond_jumps, setup),
        cmocka_unit_test_setup(test_composed_runs, setup),
        cmocka_unit_test_setup(test_jump_into_composed_run, setup),
        cmocka_unit_test_setup(test_jumps_to_last, setup),
        cmocka_unit_test(test_reject_length),
        cmocka_unit_test(test_kernel_length),
        cmocka_unit_test(test_kernel_opcodes),
        cmocka_unit_test(test_reject_unknown_opcodes),
        cmocka_unit_test(test_reject_scratch_index),
        cmocka_unit_test_setup(test_reject_constant_zero_divisor, setup),
        cmocka_unit_test(test_reject_jumps),
        cmocka_unit_test(test_reject_no_return),
        cmocka_unit_test(test_object),
        cmocka_unit_test(test_setfilter_dead),
        cmocka_unit_test(test_setfilter_savefile),
        cmocka_unit_test_setup(test_aux_loads, setup),
        cmocka_unit_test(test_aux_refused_without_metadata),
    };
    return cmocka_run_group_tests_name("bpf_vm", tests, NULL, NULL);
}
