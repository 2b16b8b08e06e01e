/* opt_vn.c - value numbering for the optimizer: a hash-consed table of symbolic values, constant
 * folding, and the effect of one statement on A, X and the scratch words. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <string.h>

#include "bpf/program.h"
#include "filter/opt.h"

int lcap_vn_grow(lcap_vtab *t)
{
    /* small first: most filters need a few dozen values, and the hash is zeroed;
     * the old arrays stay in the compile's arena until the compile ends */
    uint32_t ncap = t->cap ? t->cap * 2 : 64;
    lcap_vnode *nv = lcap_arena_alloc_raw(t->mem, ncap * sizeof(*nv));
    if (nv == NULL)
        return -1;
    if (t->n > 0)
        memcpy(nv, t->v, t->n * sizeof(*nv));
    t->v = nv;
    t->cap = ncap;
    uint32_t nh = ncap * 2;
    uint32_t *h = lcap_arena_alloc(t->mem, nh * sizeof(*h));
    if (h == NULL)
        return -1;
    t->hash = h;
    t->hcap = nh;
    for (uint32_t i = 0; i < t->n; i++) {
        uint32_t j = lcap_vn_hash(&t->v[i]) & (nh - 1);
        while (h[j])
            j = (j + 1) & (nh - 1);
        h[j] = i + 1;
    }
    return 0;
}

uint32_t lcap_vn_alu(lcap_vtab *t, uint16_t op, uint32_t a, uint32_t b)
{
    uint32_t x, y;
    if (lcap_vn_is_const(t, a, &x) && lcap_vn_is_const(t, b, &y)) {
        switch (op) {
        case LCAP_BPF_ADD: return lcap_vn_const(t, x + y);
        case LCAP_BPF_SUB: return lcap_vn_const(t, x - y);
        case LCAP_BPF_MUL: return lcap_vn_const(t, x * y);
        case LCAP_BPF_DIV: if (y) return lcap_vn_const(t, x / y); break;
        case LCAP_BPF_MOD: if (y) return lcap_vn_const(t, x % y); break;
        case LCAP_BPF_AND: return lcap_vn_const(t, x & y);
        case LCAP_BPF_OR: return lcap_vn_const(t, x | y);
        case LCAP_BPF_XOR: return lcap_vn_const(t, x ^ y);
        case LCAP_BPF_LSH: return lcap_vn_const(t, y < 32 ? x << y : 0);
        case LCAP_BPF_RSH: return lcap_vn_const(t, y < 32 ? x >> y : 0);
        default: break;
        }
    }
    if (lcap_vn_is_const(t, b, &y)) { /* identities and absorbing constants */
        if ((op == LCAP_BPF_AND || op == LCAP_BPF_MUL) && y == 0)
            return lcap_vn_const(t, 0);
        /* not "or #0xffffffff" as 0xffffffff: libpcap keeps x's loads, which
         * may run past the packet (filter_diff -s 146) */
        if (((op == LCAP_BPF_ADD || op == LCAP_BPF_SUB || op == LCAP_BPF_OR || op == LCAP_BPF_XOR ||
              op == LCAP_BPF_LSH || op == LCAP_BPF_RSH) && y == 0) ||
            ((op == LCAP_BPF_MUL || op == LCAP_BPF_DIV) && y == 1) || (op == LCAP_BPF_AND && y == 0xffffffffu))
            return a;
        /* a mask keeping every bit a halfword or byte load can have */
        if (op == LCAP_BPF_AND && a < t->n && (t->v[a].op == V_LD || t->v[a].op == V_LDI)) {
            uint32_t bits = t->v[a].size == LCAP_BPF_H ? 0xffffu : t->v[a].size == LCAP_BPF_B ? 0xffu : 0xffffffffu;
            if ((y & bits) == bits)
                return a;
        }
    }
    /* an accumulator of 0, whatever X is (libpcap's too): 0 / x faults when
     * x is 0, and then nothing after it runs, so 0 is still its value */
    if (lcap_vn_is_const(t, a, &x) && x == 0) {
        if (op == LCAP_BPF_ADD || op == LCAP_BPF_OR || op == LCAP_BPF_XOR)
            return b;
        if (op == LCAP_BPF_MUL || op == LCAP_BPF_DIV || op == LCAP_BPF_MOD || op == LCAP_BPF_AND ||
            op == LCAP_BPF_LSH || op == LCAP_BPF_RSH)
            return lcap_vn_const(t, 0);
    }
    return lcap_vn_get(t, V_ALU, 0, op, a, b, 0);
}

/* A load of packet metadata (bpf/program.h), not of packet bytes. */
static int is_aux_load(const lcap_stmt *s)
{
    return lcap_bpf_aux_load(&(struct capture_insn){ s->code, 0, 0, s->k }) != 0;
}

int lcap_vn_step(lcap_vtab *t, uint32_t *r, const lcap_stmt *s)
{
    uint16_t c = s->code;
    uint32_t k = s->k;
    switch (LCAP_BPF_CLASS(c)) {
    case LCAP_BPF_LD:
    case LCAP_BPF_LDX: {
        uint32_t v;
        switch (LCAP_BPF_MODE(c)) {
        case LCAP_BPF_IMM: v = lcap_vn_const(t, k); break;
        case LCAP_BPF_ABS:
            /* Linux's VLAN metadata: a value of its own at each load, as
             * libpcap's optimizer, which never sees the tests of `vlan N`'s
             * second load (inside one block), leaves them */
            v = is_aux_load(s) ? lcap_vn_unk(t) : lcap_vn_get(t, V_LD, (uint8_t)LCAP_BPF_SIZE(c), 0, 0, 0, k);
            break;
        case LCAP_BPF_IND: v = lcap_vn_get(t, V_LDI, (uint8_t)LCAP_BPF_SIZE(c), 0, r[LCAP_VN_X], 0, k); break;
        case LCAP_BPF_MEM: v = k < LCAP_BPF_MEMWORDS ? r[LCAP_VN_M(k)] : lcap_vn_unk(t); break;
        case LCAP_BPF_LEN: v = lcap_vn_get(t, V_LEN, 0, 0, 0, 0, 0); break;
        case LCAP_BPF_MSH: v = lcap_vn_get(t, V_MSH, 0, 0, 0, 0, k); break;
        default: v = lcap_vn_unk(t); break;
        }
        int reg = LCAP_BPF_CLASS(c) == LCAP_BPF_LDX ? LCAP_VN_X : LCAP_VN_A;
        r[reg] = v;
        return reg;
    }
    case LCAP_BPF_ST:
    case LCAP_BPF_STX:
        if (k >= LCAP_BPF_MEMWORDS)
            return -1;
        r[LCAP_VN_M(k)] = r[LCAP_BPF_CLASS(c) == LCAP_BPF_ST ? LCAP_VN_A : LCAP_VN_X];
        return LCAP_VN_M(k);
    case LCAP_BPF_ALU:
        if (LCAP_BPF_OP(c) == LCAP_BPF_NEG) {
            uint32_t x;
            r[LCAP_VN_A] = lcap_vn_is_const(t, r[LCAP_VN_A], &x) ? lcap_vn_const(t, (uint32_t)-x)
                                                                  : lcap_vn_get(t, V_NEG, 0, 0, r[LCAP_VN_A], 0, 0);
        } else {
            uint32_t b = LCAP_BPF_SRC(c) == LCAP_BPF_X ? r[LCAP_VN_X] : lcap_vn_const(t, k);
            r[LCAP_VN_A] = lcap_vn_alu(t, LCAP_BPF_OP(c), r[LCAP_VN_A], b);
        }
        return LCAP_VN_A;
    case LCAP_BPF_MISC:
        if (LCAP_BPF_MISCOP(c) == LCAP_BPF_TAX) {
            r[LCAP_VN_X] = r[LCAP_VN_A];
            return LCAP_VN_X;
        }
        r[LCAP_VN_A] = r[LCAP_VN_X];
        return LCAP_VN_A;
    default:
        return -1;
    }
}

#define BIT(r) (1u << (r))

void lcap_stmt_regs(const lcap_stmt *s, uint32_t *use, uint32_t *def)
{
    uint16_t c = s->code;
    uint32_t k = s->k, u = 0, d = 0;
    switch (LCAP_BPF_CLASS(c)) {
    case LCAP_BPF_LD:
    case LCAP_BPF_LDX:
        d = BIT(LCAP_BPF_CLASS(c) == LCAP_BPF_LDX ? LCAP_VN_X : LCAP_VN_A);
        if (LCAP_BPF_MODE(c) == LCAP_BPF_IND)
            u = BIT(LCAP_VN_X);
        else if (LCAP_BPF_MODE(c) == LCAP_BPF_MEM && k < LCAP_BPF_MEMWORDS)
            u = BIT(LCAP_VN_M(k));
        break;
    case LCAP_BPF_ST:
    case LCAP_BPF_STX:
        u = BIT(LCAP_BPF_CLASS(c) == LCAP_BPF_ST ? LCAP_VN_A : LCAP_VN_X);
        d = k < LCAP_BPF_MEMWORDS ? BIT(LCAP_VN_M(k)) : 0;
        break;
    case LCAP_BPF_ALU:
        u = BIT(LCAP_VN_A) | (LCAP_BPF_OP(c) != LCAP_BPF_NEG && LCAP_BPF_SRC(c) == LCAP_BPF_X ? BIT(LCAP_VN_X) : 0);
        d = BIT(LCAP_VN_A);
        break;
    case LCAP_BPF_MISC:
        if (LCAP_BPF_MISCOP(c) == LCAP_BPF_TAX) {
            u = BIT(LCAP_VN_A);
            d = BIT(LCAP_VN_X);
        } else {
            u = BIT(LCAP_VN_X);
            d = BIT(LCAP_VN_A);
        }
        break;
    default:
        break;
    }
    *use = u;
    *def = d;
}

uint32_t lcap_branch_use(const lcap_block *b)
{
    if (lcap_block_is_ret(b) || b->jt == b->jf)
        return 0;
    return BIT(LCAP_VN_A) | (LCAP_BPF_SRC(b->code) == LCAP_BPF_X ? BIT(LCAP_VN_X) : 0);
}

int lcap_a_dead(const lcap_block *b, int depth)
{
    for (; depth > 0; depth--) {
        if (lcap_block_is_ret(b))
            return LCAP_BPF_RVAL(b->code) != LCAP_BPF_A;
        for (const lcap_stmt *s = b->stmts; s != NULL; s = s->next) {
            uint32_t u, d;
            lcap_stmt_regs(s, &u, &d);
            if (u & BIT(LCAP_VN_A))
                return 0;
            if (d & BIT(LCAP_VN_A))
                return 1;
        }
        if (lcap_branch_use(b) & BIT(LCAP_VN_A))
            return 0;
        if (b->jt != b->jf)
            return lcap_a_dead(b->jt, depth - 1) && lcap_a_dead(b->jf, depth - 1);
        b = b->jt;
    }
    return 0;
}

int lcap_same_exit(const lcap_block *a, const lcap_block *b)
{
    return a == b || (lcap_block_is_ret(a) && lcap_block_is_ret(b) && a->code == b->code && a->k == b->k);
}

int lcap_stmt_may_fault(const lcap_stmt *s)
{
    uint16_t c = s->code, op = LCAP_BPF_OP(c);
    if (LCAP_BPF_CLASS(c) != LCAP_BPF_ALU || (op != LCAP_BPF_DIV && op != LCAP_BPF_MOD))
        return 0;
    return LCAP_BPF_SRC(c) == LCAP_BPF_X || s->k == 0;
}

/* Bytes past the end of an absolute load: what the packet must hold for it
 * (0 for statements that cannot run past the packet). */
uint32_t lcap_stmt_extent(const lcap_stmt *s)
{
    uint16_t c = s->code;
    if (LCAP_BPF_CLASS(c) > LCAP_BPF_LDX || (LCAP_BPF_MODE(c) != LCAP_BPF_ABS && LCAP_BPF_MODE(c) != LCAP_BPF_MSH) ||
        is_aux_load(s))
        return 0;
    uint32_t size = LCAP_BPF_MODE(c) == LCAP_BPF_MSH ? 1
                    : LCAP_BPF_SIZE(c) == LCAP_BPF_W ? 4 : LCAP_BPF_SIZE(c) == LCAP_BPF_H ? 2 : 1;
    return s->k > UINT32_MAX - size ? UINT32_MAX : s->k + size;
}
