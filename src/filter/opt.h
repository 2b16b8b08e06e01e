/* opt.h - what the optimizer's passes share: value numbers of A, X and the scratch words,
 * what each statement reads and writes, and the passes lcap_optimize (opt.c) runs in turn. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_FILTER_OPT_H
#define LCAP_FILTER_OPT_H

#include <stddef.h>
#include <stdint.h>

#include "filter/ir.h"

/* Value numbers: hash-consed symbolic values. Two equal numbers are the same
 * value on every packet; unknown values (numbers from LCAP_VN_UNK up) are
 * fresh each, equal only to themselves. */
enum { V_CONST, V_UNK, V_LD, V_LDI, V_MSH, V_LEN, V_ALU, V_NEG, V_GLOBAL };

typedef struct lcap_vnode {
    uint8_t op, size;
    uint16_t alu;
    uint32_t a, b, k;
} lcap_vnode;

typedef struct lcap_vtab {
    lcap_vnode *v;
    uint32_t n, cap;
    uint32_t *hash; /* open addressing over indexes + 1 */
    uint32_t hcap;
    uint32_t unk;   /* next unknown */
    int oom;
    lcap_arena *mem; /* the compile's arena, which holds the table */
} lcap_vtab;

#define LCAP_VN_UNK 0x80000000u

static inline uint32_t lcap_vn_hash(const lcap_vnode *x)
{
    uint32_t h = x->op * 2654435761u ^ x->size * 40503u ^ x->alu * 97u;
    h = (h ^ x->a) * 2246822519u;
    h = (h ^ x->b) * 3266489917u;
    h = (h ^ x->k) * 668265263u;
    return h ^ h >> 15;
}

/* Doubles the table (opt_vn.c); -1 when out of memory. */
int lcap_vn_grow(lcap_vtab *t);

/* The number of the value op(size, alu, a, b, k), made on first use. Inline:
 * every statement of every pass asks. */
static inline uint32_t lcap_vn_get(lcap_vtab *t, uint8_t op, uint8_t size, uint16_t alu, uint32_t a, uint32_t b,
                                   uint32_t k)
{
    lcap_vnode x = { op, size, alu, a, b, k };
    if (t->oom)
        return 0;
    if (t->n + 1 >= t->cap && lcap_vn_grow(t) < 0) {
        t->oom = 1;
        return 0;
    }
    uint32_t j = lcap_vn_hash(&x) & (t->hcap - 1);
    while (t->hash[j]) {
        lcap_vnode *y = &t->v[t->hash[j] - 1];
        if (y->op == op && y->size == size && y->alu == alu && y->a == a && y->b == b && y->k == k)
            return t->hash[j] - 1;
        j = (j + 1) & (t->hcap - 1);
    }
    t->hash[j] = t->n + 1;
    t->v[t->n] = x;
    return t->n++;
}
/* The small ones inline: every pass calls them for every statement. */
static inline uint32_t lcap_vn_const(lcap_vtab *t, uint32_t k) { return lcap_vn_get(t, V_CONST, 0, 0, 0, 0, k); }
static inline uint32_t lcap_vn_unk(lcap_vtab *t) { return LCAP_VN_UNK | (t->unk++ & 0x7fffffffu); }
static inline int lcap_vn_is_unk(const lcap_vtab *t, uint32_t v) { return v >= LCAP_VN_UNK || t->oom; }
static inline int lcap_vn_is_const(const lcap_vtab *t, uint32_t v, uint32_t *k)
{
    if (t->oom || v >= t->n || t->v[v].op != V_CONST)
        return 0;
    *k = t->v[v].k;
    return 1;
}
/* op(a, b) with constants folded and identities applied. */
uint32_t lcap_vn_alu(lcap_vtab *t, uint16_t op, uint32_t a, uint32_t b);

/* The registers, as indexes into a state array and as bits of a mask. */
#define LCAP_VN_A 0
#define LCAP_VN_X 1
#define LCAP_VN_M(k) (2 + (k))
#define LCAP_VN_REGS (2 + LCAP_BPF_MEMWORDS)

/* A fresh unknown in each of r[0..LCAP_VN_REGS). Inline: the threading
 * passes ask once for every block. */
static inline void lcap_vn_unk_all(lcap_vtab *t, uint32_t *r)
{
    uint32_t base = t->unk & 0x7fffffffu;
    if (base <= 0x7fffffffu - LCAP_VN_REGS) /* no wrap: a run of numbers */
        for (uint32_t i = 0; i < LCAP_VN_REGS; i++)
            r[i] = (LCAP_VN_UNK | base) + i;
    else
        for (uint32_t i = 0; i < LCAP_VN_REGS; i++)
            r[i] = LCAP_VN_UNK | ((t->unk + i) & 0x7fffffffu);
    t->unk += LCAP_VN_REGS;
}

/* Applies one statement to the register values r[]; returns the register it
 * writes (LCAP_VN_*), or -1 when none. */
int lcap_vn_step(lcap_vtab *t, uint32_t *r, const lcap_stmt *s);
/* The registers a statement reads and writes (bit LCAP_VN_* set). */
void lcap_stmt_regs(const lcap_stmt *s, uint32_t *use, uint32_t *def);
/* The registers a block's branch reads (none for a return or a "ja"). */
uint32_t lcap_branch_use(const lcap_block *b);
/* The statement can stop the program (a division by X or by zero). */
int lcap_stmt_may_fault(const lcap_stmt *s);
/* Whether the branch test "a op k" (JEQ, JGT, JGE, else JSET) holds on
 * known values: the threading passes and the path-by-path walk decide alike. */
static inline int lcap_test_holds(uint16_t op, uint32_t a, uint32_t k)
{
    switch (op) {
    case LCAP_BPF_JEQ: return a == k;
    case LCAP_BPF_JGT: return a > k;
    case LCAP_BPF_JGE: return a >= k;
    default: return (a & k) != 0;
    }
}
/* A is written before it is read on every path from the entry of b, looking
 * `depth` blocks deep (0 when it cannot tell): a rewrite may then leave
 * another value in A. A return of A reads it. */
int lcap_a_dead(const lcap_block *b, int depth);
/* a and b end the program alike: the same block, or returns of one value. */
int lcap_same_exit(const lcap_block *a, const lcap_block *b);

/* Bytes the packet must hold for an absolute load (0: cannot fail). */
uint32_t lcap_stmt_extent(const lcap_stmt *s);
/* Whether dropping the statement can change a result: an indexed load may
 * run past the packet's end, an absolute one unless the packet is known to
 * be long enough (bound: bytes every path in has loaded). */
int lcap_stmt_may_stop(const lcap_stmt *s, uint32_t bound);

/* Passes over ord[0..n), the blocks reachable from the root in topological
 * order (neither changes an edge). */
/* Statements that leave every register as it was (a reload of the value A
 * already holds on every path in), then statements whose results nothing
 * reads. 1 when an operation went into a branch (another round may find
 * more), 0, or -1 with the error set. */
int lcap_opt_redundant(lcap_cc *cc, lcap_vtab *t, lcap_block **ord, size_t n);
/* Reorders chains of tests sharing one target so that tests of one value
 * are adjacent (src tests, then dst tests), before lcap_opt_redundant.
 * 1 when some moved, 0, or -1 with the error set. */
int lcap_opt_chains(lcap_cc *cc, lcap_vtab *t, lcap_block **ord, size_t n);

#endif
