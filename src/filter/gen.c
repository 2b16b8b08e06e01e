/* gen.c - code generation core: loads relative to protocol layers, comparisons, arithmetic
 * relations, and the walk of the syntax tree (iterative along and/or chains). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include "filter/gen.h"
#include "filter/lex.h"

#define ST(code, k) lcap_stmt_new(cc, (uint16_t)(code), (uint32_t)(k))

int lcap_gen_offset(lcap_cc *cc, int offrel, uint32_t *k, int *var_reg)
{
    const lcap_off *base;
    uint32_t add = 0;

    switch (offrel) {
    case OR_PACKET:
        *k = 0;
        *var_reg = -1;
        return 0;
    case OR_LINKHDR: base = &cc->off_linkhdr; break;
    case OR_PREVLINKHDR: base = &cc->off_prevlinkhdr; break;
    case OR_LLC: base = &cc->off_linkpl; break;
    case OR_PREVMPLSHDR: base = &cc->off_linkpl; add = cc->off_nl - 4; break;
    case OR_LINKTYPE: base = &cc->off_linktype; break;
    case OR_LINKPL: base = &cc->off_linkpl; add = cc->off_nl; break;
    case OR_LINKPL_NOSNAP: base = &cc->off_linkpl; add = cc->off_nl_nosnap; break;
    case OR_TRAN_IPV6: base = &cc->off_linkpl; add = cc->off_nl + 40; break;
    default: base = &cc->off_linkpl; add = cc->off_nl; break;
    }
    if (base->k == LCAP_OFF_NONE) {
        lcap_cc_error(cc, 0, "this field does not exist on DLT %s", cc->link->name);
        return -1;
    }
    *k = base->k + add;
    if (base->var) {
        /* the variable part: one scratch word shared by every copy of this offset */
        lcap_off *o = (lcap_off *)base;
        if (o->reg < 0) {
            int *slot = o == &cc->off_linkhdr || o == &cc->off_linktype ? &cc->vlhdr_reg : &cc->vlpl_reg;
            if (*slot < 0 && (*slot = lcap_cc_alloc_reg(cc)) < 0)
                return -1;
            o->reg = *slot;
        }
        cc->vloff_needed = 1;
    }
    *var_reg = base->var ? base->reg : -1;
    return 0;
}

/* X = 4 * (IPv4 header length nibble), the header at the network layer. */
lcap_stmt *lcap_gen_loadx_iphdrlen(lcap_cc *cc)
{
    uint32_t k;
    int reg;
    if (lcap_gen_offset(cc, OR_LINKPL, &k, &reg) < 0)
        return NULL;
    if (reg < 0)
        return ST(LCAP_BPF_LDX | LCAP_BPF_MSH | LCAP_BPF_B, k);
    /* variable link header: X = M[reg] + 4*([M[reg]+k] & 0xf) */
    lcap_stmt *s = ST(LCAP_BPF_LDX | LCAP_BPF_MEM, reg);
    lcap_stmt_cat(s, ST(LCAP_BPF_LD | LCAP_BPF_IND | LCAP_BPF_B, k));
    lcap_stmt_cat(s, ST(LCAP_BPF_ALU | LCAP_BPF_AND | LCAP_BPF_K, 0xf));
    lcap_stmt_cat(s, ST(LCAP_BPF_ALU | LCAP_BPF_LSH | LCAP_BPF_K, 2));
    lcap_stmt_cat(s, ST(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_X, 0));
    lcap_stmt_cat(s, ST(LCAP_BPF_MISC | LCAP_BPF_TAX, 0));
    return s;
}

lcap_stmt *lcap_gen_load(lcap_cc *cc, int offrel, uint32_t off, int size)
{
    uint32_t k;
    int reg;

    if (offrel == OR_TRAN_IPV4) {
        if (lcap_gen_offset(cc, OR_LINKPL, &k, &reg) < 0)
            return NULL;
        lcap_stmt *s = lcap_gen_loadx_iphdrlen(cc);
        return lcap_stmt_cat(s, ST(LCAP_BPF_LD | LCAP_BPF_IND | lcap_gen_bpf_size(size), k + off));
    }
    if (lcap_gen_offset(cc, offrel, &k, &reg) < 0)
        return NULL;
    if (reg >= 0) {
        lcap_stmt *s = ST(LCAP_BPF_LDX | LCAP_BPF_MEM, reg);
        return lcap_stmt_cat(s, ST(LCAP_BPF_LD | LCAP_BPF_IND | lcap_gen_bpf_size(size), k + off));
    }
    return ST(LCAP_BPF_LD | LCAP_BPF_ABS | lcap_gen_bpf_size(size), k + off);
}

lcap_cond *lcap_gen_ncmp(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t mask, uint16_t jop,
                         int reverse, uint32_t k)
{
    lcap_stmt *s = lcap_gen_load(cc, offrel, off, size);
    if (s == NULL)
        return NULL;
    if (mask != 0xffffffffu)
        lcap_stmt_cat(s, ST(LCAP_BPF_ALU | LCAP_BPF_AND | LCAP_BPF_K, mask));
    lcap_cond *c = lcap_cond_jmp(cc, s, jop, k);
    return reverse ? lcap_not(c) : c;
}

lcap_cond *lcap_gen_cmp(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t k)
{
    return lcap_gen_ncmp(cc, offrel, off, size, 0xffffffffu, LCAP_BPF_JEQ, 0, k);
}

lcap_cond *lcap_gen_mcmp(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t k, uint32_t mask)
{
    return lcap_gen_ncmp(cc, offrel, off, size, mask, LCAP_BPF_JEQ, 0, k);
}

lcap_cond *lcap_gen_cmp_gt(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t k)
{
    return lcap_gen_ncmp(cc, offrel, off, size, 0xffffffffu, LCAP_BPF_JGT, 0, k);
}

lcap_cond *lcap_gen_cmp_ge(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t k)
{
    return lcap_gen_ncmp(cc, offrel, off, size, 0xffffffffu, LCAP_BPF_JGE, 0, k);
}

lcap_cond *lcap_gen_cmp_lt(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t k)
{
    return lcap_gen_ncmp(cc, offrel, off, size, 0xffffffffu, LCAP_BPF_JGE, 1, k);
}

lcap_cond *lcap_gen_cmp_le(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t k)
{
    return lcap_gen_ncmp(cc, offrel, off, size, 0xffffffffu, LCAP_BPF_JGT, 1, k);
}

/* Compares the last word first, as libpcap does, then halves and bytes. */
lcap_cond *lcap_gen_bcmp(lcap_cc *cc, int offrel, uint32_t off, uint32_t n, const uint8_t *v)
{
    lcap_cond *rv = NULL;
    while (n >= 4) {
        const uint8_t *p = v + n - 4;
        uint32_t w = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        lcap_cond *b = lcap_gen_cmp(cc, offrel, off + n - 4, 4, w);
        rv = rv != NULL ? lcap_and(rv, b) : b;
        n -= 4;
    }
    while (n >= 2) {
        const uint8_t *p = v + n - 2;
        lcap_cond *b = lcap_gen_cmp(cc, offrel, off + n - 2, 2, (uint32_t)p[0] << 8 | p[1]);
        rv = rv != NULL ? lcap_and(rv, b) : b;
        n -= 2;
    }
    if (n > 0) {
        lcap_cond *b = lcap_gen_cmp(cc, offrel, off, 1, v[0]);
        rv = rv != NULL ? lcap_and(rv, b) : b;
    }
    return rv;
}

/* ---- arithmetic ---- */

typedef struct aval {
    lcap_stmt *s;     /* computes the value into A */
    lcap_cond *check; /* protocol checks the loads need, or NULL */
    int is_const;
    uint32_t k;
} aval;

static lcap_cond *and_opt(lcap_cond *a, lcap_cond *b)
{
    if (a == NULL)
        return b;
    if (b == NULL)
        return a;
    return lcap_and(a, b);
}

static int gen_arith(lcap_cc *cc, const lcap_arith *a, aval *out);

/* Whether constant index i may go into the offset k of a load from X
 * ("ld [x + k+i]"): libpcap's generator adds it to X modulo 2^32 first, so
 * the two differ once either sum wraps (a negative index: tcp[-20] is the
 * IPv4 header's first byte there, a failing load at x + 0xfffffffa here).
 * X, an offset into the packet, stays below 2^31. */
static int index_folds(uint32_t i, uint32_t k)
{
    return i < 0x80000000u && i <= UINT32_MAX - k;
}

/* X += i, modulo 2^32, as libpcap's ALU adds the index to the offset. */
static lcap_stmt *add_to_x(lcap_cc *cc, lcap_stmt *s, uint32_t i)
{
    lcap_stmt_cat(s, ST(LCAP_BPF_MISC | LCAP_BPF_TXA, 0));
    lcap_stmt_cat(s, ST(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, i));
    return lcap_stmt_cat(s, ST(LCAP_BPF_MISC | LCAP_BPF_TAX, 0));
}

static int protocol_load(lcap_cc *cc, const lcap_arith *a, aval *out)
{
    aval idx;
    int offrel = OR_PACKET;
    if (gen_arith(cc, a->l, &idx) < 0)
        return -1;
    lcap_cond *check = lcap_gen_load_proto(cc, a->proto, a->col, idx.check, &offrel);
    if (cc->error)
        return -1;
    uint32_t k;
    int reg;
    uint16_t sz = lcap_gen_bpf_size(a->size);
    lcap_stmt *s;

    if (offrel == OR_TRAN_IPV4) {
        if (lcap_gen_offset(cc, OR_LINKPL, &k, &reg) < 0)
            return -1;
        if (idx.is_const) {
            s = lcap_gen_loadx_iphdrlen(cc);
            if (index_folds(idx.k, k))
                lcap_stmt_cat(s, ST(LCAP_BPF_LD | LCAP_BPF_IND | sz, k + idx.k));
            else
                lcap_stmt_cat(add_to_x(cc, s, idx.k), ST(LCAP_BPF_LD | LCAP_BPF_IND | sz, k));
        } else {
            int r = lcap_cc_alloc_reg(cc);
            if (r < 0)
                return -1;
            s = lcap_stmt_cat(idx.s, ST(LCAP_BPF_ST, r));
            lcap_stmt_cat(s, lcap_gen_loadx_iphdrlen(cc));
            lcap_stmt_cat(s, ST(LCAP_BPF_LD | LCAP_BPF_MEM, r));
            lcap_stmt_cat(s, ST(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_X, 0));
            lcap_stmt_cat(s, ST(LCAP_BPF_MISC | LCAP_BPF_TAX, 0));
            lcap_stmt_cat(s, ST(LCAP_BPF_LD | LCAP_BPF_IND | sz, k));
            lcap_cc_free_reg(cc, r);
        }
    } else {
        if (lcap_gen_offset(cc, offrel, &k, &reg) < 0)
            return -1;
        if (reg >= 0) {
            if (idx.is_const) {
                s = ST(LCAP_BPF_LDX | LCAP_BPF_MEM, reg);
                if (index_folds(idx.k, k))
                    lcap_stmt_cat(s, ST(LCAP_BPF_LD | LCAP_BPF_IND | sz, k + idx.k));
                else
                    lcap_stmt_cat(add_to_x(cc, s, idx.k), ST(LCAP_BPF_LD | LCAP_BPF_IND | sz, k));
            } else {
                s = lcap_stmt_cat(idx.s, ST(LCAP_BPF_LDX | LCAP_BPF_MEM, reg));
                lcap_stmt_cat(s, ST(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_X, 0));
                lcap_stmt_cat(s, ST(LCAP_BPF_MISC | LCAP_BPF_TAX, 0));
                lcap_stmt_cat(s, ST(LCAP_BPF_LD | LCAP_BPF_IND | sz, k));
            }
        } else if (idx.is_const && (cc->libpcap_shape || idx.k > UINT32_MAX - k)) {
            /* an offset past 2^32 stays x + k, a load that fails, as libpcap's */
            s = ST(LCAP_BPF_LDX | LCAP_BPF_IMM, idx.k);
            lcap_stmt_cat(s, ST(LCAP_BPF_LD | LCAP_BPF_IND | sz, k));
        } else if (idx.is_const) {
            s = ST(LCAP_BPF_LD | LCAP_BPF_ABS | sz, k + idx.k);
        } else {
            s = lcap_stmt_cat(idx.s, ST(LCAP_BPF_MISC | LCAP_BPF_TAX, 0));
            lcap_stmt_cat(s, ST(LCAP_BPF_LD | LCAP_BPF_IND | sz, k));
        }
    }
    out->s = s;
    out->is_const = 0;
    out->check = check;
    return cc->error ? -1 : 0;
}

/* libpcap (master as 1.10.3, gen_arth()) refuses a zero divisor and a
 * shift above 31 by looking at the first instruction of the right operand's
 * code: an immediate load when the operand's leftmost leaf is a number, also
 * inside an index ("x << tcp[40]", "x / (0 + 5)"). 1 and *k when it is. */
static int first_constant(const lcap_arith *a, uint32_t *k)
{
    while (a->kind == A_BIN || a->kind == A_NEG || a->kind == A_LOAD)
        a = a->l;
    if (a->kind != A_NUM)
        return 0;
    *k = a->num;
    return 1;
}

static int gen_arith(lcap_cc *cc, const lcap_arith *a, aval *out)
{
    memset(out, 0, sizeof(*out));
    switch (a->kind) {
    case A_NUM:
        out->s = ST(LCAP_BPF_LD | LCAP_BPF_IMM, a->num);
        out->is_const = 1;
        out->k = a->num;
        break;
    case A_LEN:
        out->s = ST(LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_LEN, 0);
        break;
    case A_NEG: {
        aval v;
        if (gen_arith(cc, a->l, &v) < 0)
            return -1;
        out->s = lcap_stmt_cat(v.s, ST(LCAP_BPF_ALU | LCAP_BPF_NEG, 0));
        out->check = v.check;
        break;
    }
    case A_LOAD:
        return protocol_load(cc, a, out);
    case A_BIN: {
        aval l, r;
        int reg = -1;
        /* the right operand first: it is kept in a scratch word while the left one is computed */
        if (gen_arith(cc, a->r, &r) < 0)
            return -1;
        if (!r.is_const && (reg = lcap_cc_alloc_reg(cc)) < 0)
            return -1;
        if (gen_arith(cc, a->l, &l) < 0)
            return -1;
        uint32_t first;
        int has_first = first_constant(a->r, &first);
        if (has_first && first == 0 && (a->op == LCAP_BPF_DIV || a->op == LCAP_BPF_MOD)) {
            lcap_cc_error(cc, a->col, a->op == LCAP_BPF_DIV ? "division by zero" : "modulus by zero");
            return -1;
        }
        if (has_first && (a->op == LCAP_BPF_LSH || a->op == LCAP_BPF_RSH) && first > 31) {
            lcap_cc_error(cc, a->col, r.is_const ? "shift by %u, more than 31" :
                          "shift by an expression starting with %u: libpcap refuses a shift whose amount begins with a constant above 31", first);
            return -1;
        }
        /* libpcap's optimizer refuses a shift past 31 by an amount it
         * computes: whether it would is the verdict's (compile.c) */
        if (!r.is_const && (a->op == LCAP_BPF_LSH || a->op == LCAP_BPF_RSH))
            cc->computed_shift = 1;
        if (r.is_const) {
            out->s = lcap_stmt_cat(l.s, ST(LCAP_BPF_ALU | a->op | LCAP_BPF_K, r.k));
        } else {
            out->s = lcap_stmt_cat(r.s, ST(LCAP_BPF_ST, reg));
            lcap_stmt_cat(out->s, l.s);
            lcap_stmt_cat(out->s, ST(LCAP_BPF_LDX | LCAP_BPF_MEM, reg));
            lcap_stmt_cat(out->s, ST(LCAP_BPF_ALU | a->op | LCAP_BPF_X, 0));
            lcap_cc_free_reg(cc, reg);
        }
        /* libpcap's gen_arth() keeps the left operand's protocol checks and
         * drops the right one's (master as 1.10.3: only gen_relation() ands
         * both sides' checks), so "len - tcp[0] > 5" passes packets that are
         * not TCP, reading past the IPv4 header. */
        out->check = l.check;
        break;
    }
    }
    return cc->error ? -1 : 0;
}

static lcap_cond *gen_relation(lcap_cc *cc, const lcap_node *n)
{
    aval a0, a1;
    static const struct {
        uint16_t jop;
        int reverse;
    } rels[] = {
        [R_EQ] = { LCAP_BPF_JEQ, 0 }, [R_NE] = { LCAP_BPF_JEQ, 1 }, [R_LT] = { LCAP_BPF_JGE, 1 },
        [R_LE] = { LCAP_BPF_JGT, 1 }, [R_GT] = { LCAP_BPF_JGT, 0 }, [R_GE] = { LCAP_BPF_JGE, 0 },
    };
    int reg = -1;
    if (cc->libpcap_shape)
        return lcap_gen_relation_pcap(cc, n->a0, n->a1, rels[n->rel].jop, rels[n->rel].reverse);
    if (gen_arith(cc, n->a1, &a1) < 0)
        return NULL;
    if (!a1.is_const && (reg = lcap_cc_alloc_reg(cc)) < 0)
        return NULL;
    if (gen_arith(cc, n->a0, &a0) < 0)
        return NULL;
    lcap_cond *b;
    if (a1.is_const) {
        b = lcap_cond_jmp(cc, a0.s, rels[n->rel].jop, a1.k);
    } else {
        lcap_stmt *s = lcap_stmt_cat(a1.s, ST(LCAP_BPF_ST, reg));
        lcap_stmt_cat(s, a0.s);
        lcap_stmt_cat(s, ST(LCAP_BPF_LDX | LCAP_BPF_MEM, reg));
        lcap_cc_free_reg(cc, reg);
        b = lcap_cond_jmp(cc, s, rels[n->rel].jop | LCAP_BPF_X, 0);
    }
    if (rels[n->rel].reverse)
        b = lcap_not(b);
    lcap_cond *check = and_opt(a0.check, a1.check);
    return check != NULL ? lcap_and(check, b) : b;
}

/* ---- the tree walk ---- */

static lcap_cond *gen_leaf(lcap_cc *cc, const lcap_node *n);

static lcap_cond *gen_node(lcap_cc *cc, const lcap_node *n)
{
    if (n->kind != N_AND && n->kind != N_OR)
        return gen_leaf(cc, n);
    /* Walk the left spine without recursion: "a or b or c ..." chains are long. */
    size_t depth = 0;
    for (const lcap_node *m = n; m->kind == N_AND || m->kind == N_OR; m = m->l)
        depth++;
    const lcap_node **spine = lcap_cc_scratch(cc, depth * sizeof(*spine));
    if (spine == NULL)
        return NULL;
    size_t i = 0;
    const lcap_node *m = n;
    int hosts = 1; /* all "or", all host terms */
    for (; m->kind == N_AND || m->kind == N_OR; m = m->l) {
        spine[i++] = m;
        hosts &= m->kind == N_OR && lcap_host_chain_ok(cc, m->r);
    }
    if (hosts && lcap_host_chain_ok(cc, m)) {
        /* a chain of host terms, generated as one (gen_inet.c); the terms
         * in the order they are evaluated */
        const lcap_node **leaf = lcap_cc_scratch(cc, (depth + 1) * sizeof(*leaf));
        if (leaf == NULL)
            return NULL;
        leaf[0] = m;
        for (size_t j = 0; j < depth; j++)
            leaf[j + 1] = spine[depth - 1 - j]->r;
        return lcap_gen_host4_chain(cc, leaf, depth + 1);
    }
    lcap_cond *c = gen_leaf(cc, m);
    while (i > 0 && c != NULL) {
        const lcap_node *op = spine[--i];
        lcap_cond *r = gen_node(cc, op->r);
        if (r == NULL)
            return NULL;
        c = op->kind == N_AND ? lcap_and(c, r) : lcap_or(c, r);
    }
    return c;
}

static lcap_cond *gen_len_cmp(lcap_cc *cc, uint16_t jop, uint32_t k)
{
    return lcap_cond_jmp(cc, ST(LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_LEN, 0), jop, k);
}

static lcap_cond *gen_leaf(lcap_cc *cc, const lcap_node *n)
{
    if (cc->error)
        return NULL;
    switch (n->kind) {
    case N_AND:
    case N_OR:
        return gen_node(cc, n);
    case N_NOT:
        return lcap_not(gen_node(cc, n->l));
    case N_REL:
        return gen_relation(cc, n);
    case N_ID:
        return lcap_gen_id(cc, n);
    case N_NUM:
        return lcap_gen_num(cc, n);
    case N_HID:
        return lcap_gen_dotted(cc, n);
    case N_HID6:
        return lcap_gen_ip6addr(cc, n);
    case N_EID:
    case N_AID:
        return lcap_gen_ecode(cc, n);
    case N_PROTO:
        return lcap_gen_proto_abbrev(cc, n->q.proto, n->col);
    case N_BROADCAST:
        return lcap_gen_broadcast(cc, n->q.proto, n->col);
    case N_MULTICAST:
        return lcap_gen_multicast(cc, n->q.proto, n->col);
    case N_LESS:
        return lcap_not(gen_len_cmp(cc, LCAP_BPF_JGT, n->num));
    case N_GREATER:
        return gen_len_cmp(cc, LCAP_BPF_JGE, n->num);
    case N_INBOUND:
    case N_OUTBOUND:
        return lcap_gen_inbound(cc, n->kind == N_OUTBOUND, n->col);
    case N_VLAN:
        return lcap_gen_vlan(cc, n);
    case N_MPLS:
        return lcap_gen_mpls(cc, n);
    case N_PPPOED:
        return lcap_gen_pppoed(cc, n);
    case N_PPPOES:
        return lcap_gen_pppoes(cc, n);
    case N_GENEVE:
        return lcap_gen_geneve(cc, n);
    case N_VXLAN:
        return lcap_gen_vxlan(cc, n);
    case N_CBYTE: {
        lcap_cond *b;
        if (n->num2 > 255)
            return lcap_cc_error(cc, n->col, "byte argument %u greater than maximum 255", n->num2);
        switch (n->op) {
        case '=': return lcap_gen_cmp(cc, OR_LINKHDR, n->num, 1, n->num2);
        case '<': return lcap_gen_cmp_lt(cc, OR_LINKHDR, n->num, 1, n->num2);
        case '>': return lcap_gen_cmp_gt(cc, OR_LINKHDR, n->num, 1, n->num2);
        case '|': {
            lcap_stmt *s = lcap_gen_load(cc, OR_LINKHDR, n->num, 1);
            if (n->num2 != 0) /* never 0: true wherever the byte is there (a test, so the load stays) */
                return lcap_cond_jmp(cc, s, LCAP_BPF_JGE, 0);
            lcap_stmt_cat(s, ST(LCAP_BPF_ALU | LCAP_BPF_OR | LCAP_BPF_K, n->num2));
            b = lcap_cond_jmp(cc, s, LCAP_BPF_JEQ, 0);
            return lcap_not(b);
        }
        default: {
            lcap_stmt *s = lcap_gen_load(cc, OR_LINKHDR, n->num, 1);
            lcap_stmt_cat(s, ST(LCAP_BPF_ALU | LCAP_BPF_AND | LCAP_BPF_K, n->num2));
            b = lcap_cond_jmp(cc, s, LCAP_BPF_JEQ, 0);
            return lcap_not(b);
        }
        }
    }
    default:
        return lcap_gen_misc(cc, n);
    }
}

lcap_cond *lcap_gen_tree(lcap_cc *cc, const lcap_node *n);
lcap_cond *lcap_gen_tree(lcap_cc *cc, const lcap_node *n) { return gen_node(cc, n); }
