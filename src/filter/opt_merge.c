/* opt_merge.c - the optimized graph's last shortening: two equality tests of fields that lie in one
 * 32-bit word become one masked compare, and a chain of equality tests of one value becomes one
 * masked compare (the values a cube: IS-IS "csnp", 0x18 or 0x19) or a range test ("iih"). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>

#include "filter/opt.h"

#define BIT(r) (1u << (r))
#define JEQ_K (LCAP_BPF_JMP | LCAP_BPF_JEQ | LCAP_BPF_K)
#define AND_K (LCAP_BPF_ALU | LCAP_BPF_AND | LCAP_BPF_K)

static int is_reject(const lcap_block *b) { return lcap_block_is_ret(b) && LCAP_BPF_RVAL(b->code) == LCAP_BPF_K && b->k == 0; }

static int same_exit(const lcap_block *a, const lcap_block *b)
{
    return a == b || (lcap_block_is_ret(a) && lcap_block_is_ret(b) && a->code == b->code && a->k == b->k);
}

/* A is written before it is read on every path from the entry of b (a few
 * blocks deep): a rewrite may then leave another value in it. */
static int a_dead(const lcap_block *b, int depth)
{
    if (depth == 0)
        return 0;
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
    return a_dead(b->jt, depth - 1) && (b->jt == b->jf || a_dead(b->jf, depth - 1));
}

/* A field: A's value at the branch is [off, off + size) of the packet, masked. */
typedef struct field {
    lcap_stmt *ld, *and_; /* the block's last statements: the load and an optional "and" */
    uint32_t off, size, mask;
} field;

static int tail_field(lcap_block *b, field *f)
{
    lcap_stmt *prev = NULL, *last = NULL;
    for (lcap_stmt *s = b->stmts; s != NULL; s = s->next) {
        prev = last;
        last = s;
    }
    if (last == NULL)
        return 0;
    f->and_ = NULL;
    f->ld = last;
    if (last->code == AND_K) {
        f->and_ = last;
        f->ld = prev;
    }
    if (f->ld == NULL || LCAP_BPF_CLASS(f->ld->code) != LCAP_BPF_LD || LCAP_BPF_MODE(f->ld->code) != LCAP_BPF_ABS)
        return 0;
    f->off = f->ld->k;
    f->size = LCAP_BPF_SIZE(f->ld->code) == LCAP_BPF_W ? 4 : LCAP_BPF_SIZE(f->ld->code) == LCAP_BPF_H ? 2 : 1;
    uint32_t full = f->size == 4 ? 0xffffffffu : (1u << 8 * f->size) - 1;
    f->mask = f->and_ != NULL ? f->and_->k & full : full;
    return f->off <= UINT32_MAX - 4;
}

/* b's statements with f's load (and "and") replaced: fresh ones, as statements
 * may be shared. */
static int replace_tail(lcap_cc *cc, lcap_block *b, const field *f, uint16_t ld_code, uint32_t ld_k, int with_and,
                        uint32_t and_k)
{
    lcap_stmt *head = NULL;
    for (const lcap_stmt *s = b->stmts; s != f->ld; s = s->next) {
        lcap_stmt *c = lcap_stmt_new(cc, s->code, s->k);
        if (c == NULL)
            return -1;
        head = lcap_stmt_cat(head, c);
    }
    lcap_stmt *ld = lcap_stmt_new(cc, ld_code, ld_k), *and_ = with_and ? lcap_stmt_new(cc, AND_K, and_k) : NULL;
    if (ld == NULL || (with_and && and_ == NULL))
        return -1;
    b->stmts = lcap_stmt_cat(head, lcap_stmt_cat(ld, and_));
    return 0;
}

/* b tests "field == k" (true to b->jt) and, when true, its only successor c tests
 * another field in the same word (true to t): one compare of the word. The word
 * ends where the farther field ends, so that it needs no byte more than the two
 * loads; when the first field ends before the word, a packet too short for the
 * word could have failed b's test without a load past its end, so b's false exit
 * (and c's) must be a rejection. */
static int merge_words(lcap_cc *cc, lcap_block *b, int *npred)
{
    lcap_block *c = b->jt;
    field f1, f2;
    if (b->code != JEQ_K || lcap_block_is_ret(c) || c->code != JEQ_K || npred[c->id] != 1 || b->jt == b->jf ||
        !same_exit(b->jf, c->jf) || c->stmts == NULL || !tail_field(b, &f1) || !tail_field(c, &f2) ||
        c->stmts != f2.ld)
        return 0;
    uint32_t end = f1.off + f1.size > f2.off + f2.size ? f1.off + f1.size : f2.off + f2.size;
    if (end < 4 || f1.off < end - 4 || f2.off < end - 4)
        return 0;
    uint32_t w = end - 4;
    if (f1.off + f1.size != end && !is_reject(b->jf))
        return 0;
    uint32_t s1 = 8 * (end - f1.off - f1.size), s2 = 8 * (end - f2.off - f2.size);
    uint32_t m1 = f1.mask << s1, m2 = f2.mask << s2;
    if ((m1 & m2) != 0 || (b->k & ~f1.mask) != 0 || (c->k & ~f2.mask) != 0)
        return 0;
    if (!a_dead(c->jt, 4) || !a_dead(b->jf, 4))
        return 0;
    uint32_t m = m1 | m2;
    if (replace_tail(cc, b, &f1, LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_ABS, w, m != 0xffffffffu, m) < 0)
        return -1;
    b->k = b->k << s1 | c->k << s2;
    b->jt = c->jt;
    npred[c->id] = 0;
    return 1;
}

static int popcount(uint32_t v)
{
    int n = 0;
    for (; v != 0; v &= v - 1)
        n++;
    return n;
}

/* b and the blocks its false exit chains through (no statements, only one way
 * in, each "A == k" true to b's true exit) test A against a set of values. A
 * set that is a cube (the values of some bits free, the others fixed) under
 * the mask A was just "and"ed with becomes one compare under a narrower mask,
 * when nothing reads A after; a set of consecutive values becomes a range test. */
static int merge_sets(lcap_cc *cc, lcap_block *b, int *npred)
{
    enum { MAXSET = 32 };
    lcap_block *chain[MAXSET];
    uint32_t lo, hi, diff = 0;
    int n = 0;
    if (b->code != JEQ_K || b->jt == b->jf)
        return 0;
    chain[n++] = b;
    lo = hi = b->k;
    lcap_block *c = b->jf;
    while (n < MAXSET && !lcap_block_is_ret(c) && c->code == JEQ_K && c->stmts == NULL && npred[c->id] == 1 &&
           c->jt != c->jf && same_exit(c->jt, b->jt)) {
        chain[n++] = c;
        c = c->jf;
    }
    if (n < 2)
        return 0;
    lcap_block *f = c;
    for (int i = 0; i < n; i++) {
        uint32_t k = chain[i]->k;
        for (int j = 0; j < i; j++)
            if (chain[j]->k == k)
                return 0; /* left to the optimizer */
        diff |= k ^ b->k;
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
    }
    field fl;
    if (tail_field(b, &fl) && fl.and_ != NULL && popcount(diff) < 6 && n == 1 << popcount(diff) &&
        (diff & ~fl.and_->k) == 0 && a_dead(b->jt, 4) && a_dead(f, 4)) {
        if (replace_tail(cc, b, &fl, fl.ld->code, fl.ld->k, 1, fl.and_->k & ~diff) < 0)
            return -1;
        b->k &= ~diff;
        b->jf = f;
        for (int i = 1; i < n; i++)
            npred[chain[i]->id] = 0;
        return 1;
    }
    if (n >= 3 && hi - lo == (uint32_t)n - 1) {
        lcap_block *t = b->jt, *c1 = chain[1];
        b->code = LCAP_BPF_JMP | LCAP_BPF_JGT | LCAP_BPF_K;
        b->k = hi;
        b->jt = f;
        b->jf = c1;
        c1->code = LCAP_BPF_JMP | LCAP_BPF_JGE | LCAP_BPF_K;
        c1->k = lo;
        c1->jt = t;
        c1->jf = f;
        for (int i = 2; i < n; i++)
            npred[chain[i]->id] = 0;
        if (!lcap_block_is_ret(f))
            npred[f->id]++; /* from b and c1 now, no longer from the chain's last */
        return 1;
    }
    return 0;
}

int lcap_opt_merge(lcap_cc *cc, lcap_block *root)
{
    size_t n;
    lcap_block **ord = lcap_topo_order_tmp(cc, root, &n, 0);
    if (ord == NULL)
        return -1;
    int maxid = 0;
    for (size_t i = 0; i < n; i++)
        maxid = ord[i]->id > maxid ? ord[i]->id : maxid;
    int *npred = lcap_tmp_alloc(cc, (size_t)maxid + 1, sizeof(*npred), 1);
    if (npred == NULL) {
        lcap_tmp_free(cc, ord);
        lcap_cc_error(cc, 0, "out of memory optimizing the filter");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        lcap_block *b = ord[i];
        if (lcap_block_is_ret(b))
            continue;
        npred[b->jt->id]++;
        if (b->jf != b->jt)
            npred[b->jf->id]++;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        lcap_block *b = ord[i];
        if (lcap_block_is_ret(b) || (npred[b->id] == 0 && b != root))
            continue;
        while ((rc = merge_words(cc, b, npred)) > 0)
            ;
        if (rc >= 0)
            rc = merge_sets(cc, b, npred);
    }
    lcap_tmp_free(cc, npred);
    lcap_tmp_free(cc, ord);
    return rc < 0 ? -1 : 0;
}
