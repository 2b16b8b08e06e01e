/* gen_arith_pcap.c - relations and arithmetic as libpcap 1.10.3 generates them, for the graph the
 * verdict "rejects all packets" is judged on (opt_pcap.c): every value through a scratch word. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "filter/gen.h"

#define ST(code, k) lcap_stmt_new(cc, (uint16_t)(code), (uint32_t)(k))

/* A value: code that leaves it in scratch word reg, and the protocol tests
 * its loads need (libpcap's struct arth). */
typedef struct pval {
    lcap_stmt *s;
    lcap_cond *check;
    int reg;
} pval;

static int gen_value(lcap_cc *cc, const lcap_arith *a, pval *out);

static lcap_stmt *cat(lcap_stmt *a, lcap_stmt *b) { return lcap_stmt_cat(a, b); }

/* proto[index:size]: the load's word is taken before the index's is given
 * back, as libpcap's gen_load does. */
static int gen_load(lcap_cc *cc, const lcap_arith *a, pval *out)
{
    pval idx;
    int offrel = OR_PACKET;
    if (gen_value(cc, a->l, &idx) < 0)
        return -1;
    int reg = lcap_cc_alloc_reg(cc);
    if (reg < 0)
        return -1;
    lcap_cc_free_reg(cc, idx.reg);
    lcap_cond *check = lcap_gen_load_proto(cc, a->proto, a->col, idx.check, &offrel);
    if (cc->error)
        return -1;
    uint16_t sz = lcap_gen_bpf_size(a->size);
    uint32_t k;
    int var;
    lcap_stmt *s;
    if (offrel == OR_TRAN_IPV4) {
        if (lcap_gen_offset(cc, OR_LINKPL, &k, &var) < 0)
            return -1;
        s = lcap_gen_loadx_iphdrlen(cc);
        cat(s, ST(LCAP_BPF_LD | LCAP_BPF_MEM, idx.reg));
        cat(s, ST(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_X, 0));
        cat(s, ST(LCAP_BPF_MISC | LCAP_BPF_TAX, 0));
    } else {
        if (lcap_gen_offset(cc, offrel, &k, &var) < 0)
            return -1;
        if (var >= 0) {
            s = ST(LCAP_BPF_LDX | LCAP_BPF_MEM, var);
            cat(s, ST(LCAP_BPF_LD | LCAP_BPF_MEM, idx.reg));
            cat(s, ST(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_X, 0));
            cat(s, ST(LCAP_BPF_MISC | LCAP_BPF_TAX, 0));
        } else {
            s = ST(LCAP_BPF_LDX | LCAP_BPF_MEM, idx.reg);
        }
    }
    cat(s, ST(LCAP_BPF_LD | LCAP_BPF_IND | sz, k));
    cat(s, ST(LCAP_BPF_ST, reg));
    out->s = cat(idx.s, s);
    out->check = check;
    out->reg = reg;
    return cc->error ? -1 : 0;
}

static int gen_value(lcap_cc *cc, const lcap_arith *a, pval *out)
{
    out->check = NULL;
    switch (a->kind) {
    case A_NUM:
    case A_LEN:
        if ((out->reg = lcap_cc_alloc_reg(cc)) < 0)
            return -1;
        out->s = a->kind == A_NUM ? ST(LCAP_BPF_LD | LCAP_BPF_IMM, a->num) : ST(LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_LEN, 0);
        cat(out->s, ST(LCAP_BPF_ST, out->reg));
        break;
    case A_NEG:
        if (gen_value(cc, a->l, out) < 0)
            return -1;
        cat(out->s, ST(LCAP_BPF_LD | LCAP_BPF_MEM, out->reg));
        cat(out->s, ST(LCAP_BPF_ALU | LCAP_BPF_NEG, 0));
        cat(out->s, ST(LCAP_BPF_ST, out->reg));
        break;
    case A_LOAD:
        return gen_load(cc, a, out);
    case A_BIN: {
        /* the left operand's code first (the parser reduces it first);
         * only its protocol tests are kept, as libpcap's gen_arth */
        pval r;
        if (gen_value(cc, a->l, out) < 0 || gen_value(cc, a->r, &r) < 0)
            return -1;
        cat(out->s, r.s);
        cat(out->s, ST(LCAP_BPF_LDX | LCAP_BPF_MEM, r.reg));
        cat(out->s, ST(LCAP_BPF_LD | LCAP_BPF_MEM, out->reg));
        cat(out->s, ST(LCAP_BPF_ALU | LCAP_BPF_X | a->op, 0));
        lcap_cc_free_reg(cc, out->reg);
        lcap_cc_free_reg(cc, r.reg);
        if ((out->reg = lcap_cc_alloc_reg(cc)) < 0)
            return -1;
        cat(out->s, ST(LCAP_BPF_ST, out->reg));
        break;
    }
    }
    return cc->error ? -1 : 0;
}

lcap_cond *lcap_gen_relation_pcap(lcap_cc *cc, const lcap_arith *l, const lcap_arith *r, uint16_t jop, int reverse)
{
    pval a0, a1;
    if (gen_value(cc, l, &a0) < 0 || gen_value(cc, r, &a1) < 0)
        return NULL;
    lcap_stmt *s = cat(a0.s, a1.s);
    cat(s, ST(LCAP_BPF_LDX | LCAP_BPF_MEM, a1.reg));
    cat(s, ST(LCAP_BPF_LD | LCAP_BPF_MEM, a0.reg));
    lcap_cond *b;
    if (jop == LCAP_BPF_JEQ) {
        cat(s, ST(LCAP_BPF_ALU | LCAP_BPF_SUB | LCAP_BPF_X, 0));
        b = lcap_cond_jmp(cc, s, LCAP_BPF_JEQ, 0);
    } else {
        b = lcap_cond_jmp(cc, s, jop | LCAP_BPF_X, 0);
    }
    if (reverse)
        b = lcap_not(b);
    lcap_cc_free_reg(cc, a0.reg);
    lcap_cc_free_reg(cc, a1.reg);
    lcap_cond *check = a0.check == NULL ? a1.check : a1.check == NULL ? a0.check : lcap_and(a0.check, a1.check);
    return check != NULL ? lcap_and(check, b) : b;
}
