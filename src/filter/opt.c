/* opt.c - the optimizer, first version: value numbering of each block's tests, facts known on
 * every edge (intersected where paths join), jump threading over tests those facts decide,
 * and the "rejects all packets" verdict. Bounded: a fixed number of passes over a DAG. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include "filter/opt.h"

typedef lcap_vtab vtab;
#define vconst lcap_vn_const
#define vunk lcap_vn_unk
#define is_unk lcap_vn_is_unk
#define is_const lcap_vn_is_const

/* Symbolic execution of a block: the values of A and X at its branch, and
 * whether A and X are written before being read (the block stands alone). */
typedef struct bval {
    uint32_t a, x;
    int stands_alone;
    int has_store;
    int nstmts;
    uint32_t kval;  /* value number of the branch's constant */
} bval;

static void eval_block(vtab *t, const lcap_block *b, unsigned globals, bval *out)
{
    uint32_t r[LCAP_VN_REGS], defd = 0, used = 0;
    int store = 0, n = 0;
    for (const lcap_stmt *s = b->stmts; s != NULL; s = s->next)
        if (LCAP_BPF_CLASS(s->code) == LCAP_BPF_ST || LCAP_BPF_CLASS(s->code) == LCAP_BPF_STX)
            store = 1;
    lcap_vn_unk_all(t, r);
    for (unsigned g = store ? 0 : globals; g != 0; g &= g - 1) {
        int k = __builtin_ctz(g);
        r[LCAP_VN_M(k)] = lcap_vn_get(t, V_GLOBAL, 0, 0, 0, 0, (uint32_t)k);
    }
    for (const lcap_stmt *s = b->stmts; s != NULL; s = s->next, n++) {
        uint32_t u, d;
        lcap_stmt_regs(s, &u, &d);
        used |= u & ~defd;
        defd |= d;
        lcap_vn_step(t, r, s);
    }
    used |= lcap_branch_use(b) & ~defd;
    out->a = r[LCAP_VN_A];
    out->x = r[LCAP_VN_X];
    out->stands_alone = !(used & (1u << LCAP_VN_A | 1u << LCAP_VN_X));
    out->has_store = store;
    out->nstmts = n;
    out->kval = lcap_block_is_ret(b) ? 0 : vconst(t, b->k);
}

/* ---- facts: "value op operand was true/false" ---- */

typedef struct fact {
    uint32_t v, opnd; /* value numbers */
    uint16_t op;      /* LCAP_BPF_JEQ/JGT/JGE/JSET */
    uint16_t yes;
} fact;

#define MAXFACTS 16

typedef struct fset {
    int16_t n;      /* -1: not yet reached */
    uint8_t keep;   /* when full, drop a test known false rather than the oldest */
    uint8_t spare;
    /* a 64-bit filter: the bit of every test with a fact, and of every value
     * with an equality known true; most lookups stop there (a chain's facts
     * share their value, so a filter of values would not) */
    uint32_t mask[2];
    fact f[MAXFACTS];
} fset;

/* The filter's bit of the test "v op opnd" (op 0: "v equals a constant"). */
static inline unsigned test_bit(uint32_t v, uint16_t op, uint32_t opnd)
{
    uint32_t h = (v * 2654435761u ^ opnd) * 2246822519u ^ op;
    return (h ^ h >> 15) >> 9 & 63;
}

static inline int fset_may_have(const fset *s, unsigned bit) { return s->mask[bit >> 5] >> (bit & 31) & 1; }

static inline void fset_mask_one(fset *s, const fact *f)
{
    unsigned bit = test_bit(f->v, f->op, f->opnd);
    s->mask[bit >> 5] |= 1u << (bit & 31);
    if (f->yes && f->op == LCAP_BPF_JEQ) {
        bit = test_bit(f->v, 0, 0);
        s->mask[bit >> 5] |= 1u << (bit & 31);
    }
}

static void fset_remask(fset *s)
{
    s->mask[0] = s->mask[1] = 0;
    for (int i = 0; i < s->n; i++)
        fset_mask_one(s, &s->f[i]);
}

static inline int fact_same(const fact *a, const fact *b)
{
    return a->v == b->v && a->op == b->op && a->opnd == b->opnd && a->yes == b->yes;
}

static inline void fset_add(fset *s, fact f)
{
    if (fset_may_have(s, test_bit(f.v, f.op, f.opnd)))
        for (int i = 0; i < s->n; i++)
            if (fact_same(&s->f[i], &f))
                return;
    if (s->n == MAXFACTS && s->keep) {
        /* the tests known false of the value now tested go ("port a or
         * port b or ..." piles those up; at once, so that the next adds
         * find room): a known equality (the ethertype) decides every later
         * test of its value, and the others are kept as long as they can */
        int k = 0;
        s->mask[0] = s->mask[1] = 0;
        for (int i = 0; i < s->n; i++)
            if (s->f[i].yes || s->f[i].v != f.v) {
                s->f[k] = s->f[i];
                fset_mask_one(s, &s->f[k++]);
            }
        s->n = k;
    }
    if (s->n == MAXFACTS) {
        /* the oldest test known false, or the oldest (libpcap's rules, for
         * the verdict, drop the oldest) */
        int drop = 0;
        for (int i = 0; s->keep && i < s->n; i++)
            if (!s->f[i].yes) {
                drop = i;
                break;
            }
        memmove(s->f + drop, s->f + drop + 1, (size_t)(MAXFACTS - 1 - drop) * sizeof(fact));
        s->n--;
        fset_remask(s);
    }
    s->f[s->n++] = f;
    fset_mask_one(s, &f);
}

/* A copy of the facts in use only (a set is mostly empty room). */
static void fset_copy(fset *dst, const fset *src)
{
    dst->n = src->n;
    dst->keep = src->keep;
    dst->mask[0] = src->mask[0];
    dst->mask[1] = src->mask[1];
    if (src->n > 0)
        memcpy(dst->f, src->f, (size_t)src->n * sizeof(fact));
}

static void fset_meet(fset *dst, const fset *src)
{
    if (dst->n < 0) {
        fset_copy(dst, src);
        return;
    }
    if (dst->n == 0 || (dst->n == src->n && memcmp(dst->f, src->f, (size_t)dst->n * sizeof(fact)) == 0))
        return;
    int k = 0;
    for (int i = 0; i < dst->n; i++) {
        const fact *f = &dst->f[i];
        if (!fset_may_have(src, test_bit(f->v, f->op, f->opnd)))
            continue;
        for (int j = 0; j < src->n; j++) {
            if (fact_same(f, &src->f[j])) {
                dst->f[k++] = *f;
                break;
            }
        }
    }
    dst->n = k;
    fset_remask(dst);
}

static int eval_test(uint16_t op, uint32_t a, uint32_t k)
{
    switch (op) {
    case LCAP_BPF_JEQ: return a == k;
    case LCAP_BPF_JGT: return a > k;
    case LCAP_BPF_JGE: return a >= k;
    default: return (a & k) != 0;
    }
}

/* 1 true, 0 false, -1 unknown: the test "a op opnd" under the facts; *same
 * set when a fact of the very test decides it (adding the outcome then adds
 * nothing). */
static inline int decide(vtab *t, const fset *s, uint32_t a, uint16_t op, uint32_t opnd, int *same)
{
    uint32_t x, k = 0;
    int kconst = is_const(t, opnd, &k);
    if (kconst && op == LCAP_BPF_JSET && k == 0)
        return 0;
    /* weak: libpcap folds a test of a computed constant only in its last
     * pass, whose result reaches the root (and a refusal) only from the
     * root down; it never compares a value with itself */
    if (kconst && is_const(t, a, &x))
        return t->weak && !t->at_root && (lcap_vn_is_fold(t, a) || lcap_vn_is_fold(t, opnd)) ? -1
                                                                                           : eval_test(op, x, k);
    if (a == opnd && op != LCAP_BPF_JSET) /* compared with itself */
        return t->weak ? -1 : op != LCAP_BPF_JGT;
    /* neither the same test nor an equality of the value among the facts */
    if (is_unk(t, a) || s == NULL ||
        (!fset_may_have(s, test_bit(a, op, opnd)) && !(kconst && op == LCAP_BPF_JEQ && fset_may_have(s, test_bit(a, 0, 0)))))
        return -1;
    /* libpcap's rules, no stronger (so that an expression libpcap compiles is
     * never refused as matching nothing): the same test decides itself, and
     * an equality known true decides other equalities on the same value. */
    for (int i = 0; s != NULL && i < s->n; i++) {
        const fact *f = &s->f[i];
        if (f->v != a)
            continue;
        if (f->op == op && f->opnd == opnd) {
            *same = 1;
            return f->yes;
        }
        uint32_t c;
        if (kconst && op == LCAP_BPF_JEQ && f->op == LCAP_BPF_JEQ && f->yes && is_const(t, f->opnd, &c))
            return c == k;
    }
    return -1;
}

/* ---- the passes ---- */

typedef struct binfo {
    bval bv;
    uint32_t opnd;   /* value number of the branch operand */
    uint16_t op;
    int branch;      /* a two-way test (not a return or unconditional) */
    int chain;       /* reached from the root through decided blocks alone (weak) */
} binfo;

static int is_uncond(const lcap_block *b) { return !lcap_block_is_ret(b) && b->jt == b->jf; }

/* The scratch words of the variable link-layer header length and payload
 * offset (filter.h), which eval_block treats as known values, as a bit set. */
static unsigned global_regs(const lcap_cc *cc)
{
    unsigned globals = 0;
    if (cc->vlhdr_reg >= 0)
        globals |= 1u << cc->vlhdr_reg;
    if (cc->vlpl_reg >= 0)
        globals |= 1u << cc->vlpl_reg;
    return globals;
}

/* Where an edge with facts f into s ends up: over every test f decides,
 * and over a test it does not decide when both ways lead to the same
 * rejection (the test's loads then matter no more: running past the
 * packet's end rejects too). budget bounds those two-way looks. */
#define WALK_BUDGET 4

static int is_reject(const lcap_block *b) { return lcap_block_is_ret(b) && b->k == 0; }

static lcap_block *walk(vtab *t, const binfo *bi, lcap_block *s, fset *f, int *budget)
{
    for (int hops = 0; hops < 64 && !lcap_block_is_ret(s); hops++) {
        const binfo *S = &bi[s->order];
        if (S->bv.has_store)
            break;
        lcap_block *next;
        int same = 0, d = S->branch ? decide(t, f, S->bv.a, S->op, S->opnd, &same) : 1;
        if (d < 0) {
            /* worth a look only next to a rejection */
            if (*budget <= 0 || !(is_reject(s->jt) || is_reject(s->jf)))
                break;
            (*budget)--;
            fset ft, ff;
            fset_copy(&ft, f);
            fset_copy(&ff, f);
            fset_add(&ft, (fact){ S->bv.a, S->opnd, S->op, 1 });
            fset_add(&ff, (fact){ S->bv.a, S->opnd, S->op, 0 });
            lcap_block *a = walk(t, bi, s->jt, &ft, budget);
            lcap_block *b = walk(t, bi, s->jf, &ff, budget);
            if (a == b && is_reject(a))
                return a;
            break;
        }
        next = d ? s->jt : s->jf;
        if (S->bv.nstmts > 0 && !bi[next->order].bv.stands_alone && !lcap_block_is_ret(next))
            break;
        if (S->branch && !same)
            fset_add(f, (fact){ S->bv.a, S->opnd, S->op, (uint16_t)d });
        s = next;
    }
    return s;
}

static int one_pass(lcap_cc *cc, vtab *t, bval *cache, lcap_block **ord, size_t n, lcap_block **root,
                    int *changed, int walk_budget)
{
    binfo *bi = lcap_tmp_alloc(cc, n, sizeof(*bi), 0);
    fset *in = lcap_tmp_alloc(cc, n, sizeof(*in), 0);
    if (bi == NULL || in == NULL) {
        lcap_tmp_free(cc, bi);
        lcap_tmp_free(cc, in);
        lcap_cc_error(cc, 0, "out of memory optimizing the filter");
        return -1;
    }
    unsigned globals = global_regs(cc);
    for (size_t i = 0; i < n; i++) {
        lcap_block *b = ord[i];
        b->order = (int)i;
        in[i].n = -1;
        in[i].keep = walk_budget > 0;
        /* threading changes edges only: a block's values hold for every pass */
        bval *c = &cache[b->id];
        if (c->nstmts < 0)
            eval_block(t, b, globals, c);
        bi[i].bv = *c;
        bi[i].chain = 0;
        b->aval = c->stands_alone && !c->has_store ? c->a : LCAP_PULL_FIXED;
        bi[i].branch = !lcap_block_is_ret(b) && !is_uncond(b);
        if (bi[i].branch) {
            bi[i].op = (uint16_t)LCAP_BPF_OP(b->code);
            bi[i].opnd = LCAP_BPF_SRC(b->code) == LCAP_BPF_X ? bi[i].bv.x : bi[i].bv.kval;
        }
    }
    if (t->oom)
        goto oom;
    in[0].n = 0;
    bi[0].chain = 1;
    in[0].mask[0] = in[0].mask[1] = 0;
    for (size_t i = 0; i < n; i++) {
        lcap_block *b = ord[i];
        if (lcap_block_is_ret(b))
            continue;
        if (in[i].n < 0)
            continue; /* no longer reached: its facts would only weaken the meets */
        binfo *B = &bi[i];
        if (B->branch) {
            t->at_root = B->chain;
            int same = 0, d = decide(t, &in[i], B->bv.a, B->op, B->opnd, &same);
            t->at_root = 0;
            if (d >= 0) { /* fold: the test's outcome is known here */
                b->jt = b->jf = d ? b->jt : b->jf;
                B->branch = 0;
                (*changed)++;
            }
        }
        /* thread each edge over tests its facts decide */
        for (int e = 0; e < 2; e++) {
            if (!B->branch && e == 1)
                break;
            lcap_block **slot = e == 0 ? &b->jt : &b->jf;
            fset f;
            fset_copy(&f, &in[i]);
            if (B->branch)
                fset_add(&f, (fact){ B->bv.a, B->opnd, B->op, (uint16_t)(e == 0) });
            int budget = walk_budget;
            lcap_block *s = walk(t, bi, *slot, &f, &budget);
            if (s != *slot) {
                *slot = s;
                (*changed)++;
            }
            if (!B->branch)
                b->jf = s; /* both ways, or the block would test again */
            if (!lcap_block_is_ret(s)) {
                fset_meet(&in[s->order], &f);
            }
            if (!B->branch)
                break;
        }
        if (!B->branch && B->chain && !lcap_block_is_ret(b->jt))
            bi[b->jt->order].chain = 1;
    }
    /* the root itself may be an unconditional block without effects */
    while (!lcap_block_is_ret(*root) && is_uncond(*root)) {
        binfo *R = &bi[(*root)->order];
        lcap_block *next = (*root)->jt;
        if (R->bv.has_store || (R->bv.nstmts > 0 && !lcap_block_is_ret(next) && !bi[next->order].bv.stands_alone))
            break;
        *root = next;
        (*changed)++;
    }
    lcap_tmp_free(cc, bi);
    lcap_tmp_free(cc, in);
    return 0;
oom:
    lcap_tmp_free(cc, bi);
    lcap_tmp_free(cc, in);
    lcap_cc_error(cc, 0, "out of memory optimizing the filter");
    return -1;
}

/* Merges blocks with the same statements, branch and successors, from the
 * returns up, so that identical tails (arp's and rarp's address tests, say)
 * are emitted once. */
static uint32_t block_hash(const lcap_block *b)
{
    uint32_t h = b->code * 2654435761u ^ b->k;
    for (const lcap_stmt *s = b->stmts; s != NULL; s = s->next)
        h = (h ^ s->code) * 16777619u ^ s->k * 2246822519u;
    if (!lcap_block_is_ret(b))
        h ^= (uint32_t)b->jt->id * 3266489917u ^ (uint32_t)b->jf->id * 668265263u;
    return h;
}

static int block_same(const lcap_block *a, const lcap_block *b)
{
    if (a->code != b->code || a->k != b->k)
        return 0;
    if (!lcap_block_is_ret(a) && (a->jt != b->jt || a->jf != b->jf))
        return 0;
    const lcap_stmt *x = a->stmts, *y = b->stmts;
    for (; x != NULL && y != NULL; x = x->next, y = y->next)
        if (x->code != y->code || x->k != y->k)
            return 0;
    return x == NULL && y == NULL;
}

static int merge_blocks(lcap_cc *cc, lcap_block **root, lcap_block **ord, size_t n)
{
    size_t cap = 1;
    while (cap < 2 * n)
        cap *= 2;
    lcap_block **tab = lcap_tmp_alloc(cc, cap, sizeof(*tab), 1);
    if (tab == NULL) {
        lcap_cc_error(cc, 0, "out of memory optimizing the filter");
        return -1;
    }
    /* reverse topological order: successors are canonical before their predecessors */
    for (size_t i = n; i-- > 0;) {
        lcap_block *b = ord[i];
        if (!lcap_block_is_ret(b)) {
            b->jt = (lcap_block *)b->jt->facts != NULL ? (lcap_block *)b->jt->facts : b->jt;
            b->jf = (lcap_block *)b->jf->facts != NULL ? (lcap_block *)b->jf->facts : b->jf;
        }
        uint32_t h = block_hash(b) & (uint32_t)(cap - 1);
        lcap_block *rep = NULL;
        while (tab[h] != NULL) {
            if (block_same(tab[h], b)) {
                rep = tab[h];
                break;
            }
            h = (h + 1) & (uint32_t)(cap - 1);
        }
        if (rep == NULL)
            tab[h] = b;
        b->facts = rep; /* the representative, or NULL when b is one */
    }
    if ((*root)->facts != NULL)
        *root = (*root)->facts;
    for (size_t i = 0; i < n; i++)
        ord[i]->facts = NULL;
    lcap_tmp_free(cc, tab);
    return 0;
}

/* 1 if some return in ord[0..n) (the blocks reached) accepts; *reject
 * gets a return of 0 if there is one. */
static int accepts_some(lcap_block **ord, size_t n, lcap_block **reject)
{
    int yes = 0;
    for (size_t i = 0; i < n; i++) {
        if (lcap_block_is_ret(ord[i])) {
            if (ord[i]->k != 0)
                yes = 1;
            else
                *reject = ord[i];
        }
    }
    return yes;
}

#define MAX_PASSES 4
/* under libpcap's rules, whose passes go on to a fixpoint: a pullup's
 * effect shows only a pass or two later, and chains pull up level by level */
#define MAX_VERDICT_PASSES 16
#define MAX_PULLUPS 16

/* Threading passes until nothing changes (a few at most). *ord gets the
 * blocks of the resulting graph in order (NULL if the passes ran out while
 * still changing it); *snap, when asked for, the edges before the first. */
static int thread_passes(lcap_cc *cc, vtab *t, bval *cache, lcap_block **root, int walk_budget,
                         lcap_block ***snap, size_t *nsnap, lcap_block ***ord_out, size_t *n_out)
{
    *ord_out = NULL;
    for (int pass = 0; pass < (walk_budget == 0 ? MAX_VERDICT_PASSES : MAX_PASSES); pass++) {
        size_t n;
        lcap_block **ord = lcap_topo_order_tmp(cc, *root, &n, 0);
        if (ord == NULL)
            return -1;
        if (pass == 0 && snap != NULL) {
            *snap = lcap_tmp_alloc(cc, 3 * n, sizeof(**snap), 0);
            if (*snap == NULL) {
                lcap_tmp_free(cc, ord);
                lcap_cc_error(cc, 0, "out of memory optimizing the filter");
                return -1;
            }
            for (size_t i = 0; i < n; i++) {
                (*snap)[3 * i] = ord[i];
                (*snap)[3 * i + 1] = ord[i]->jt;
                (*snap)[3 * i + 2] = ord[i]->jf;
            }
            *nsnap = n;
        }
        int changed = 0;
        if (one_pass(cc, t, cache, ord, n, root, &changed, walk_budget) < 0) {
            lcap_tmp_free(cc, ord);
            return -1;
        }
        /* under libpcap's rules (the verdict), its pullups too, between
         * its threading passes: a test they bring up is then decided */
        int pulled = !changed && walk_budget == 0 ? lcap_opt_pullup(cc, *root, MAX_PULLUPS) : 0;
        if (pulled < 0) {
            lcap_tmp_free(cc, ord);
            return -1;
        }
        changed += pulled;
        if (!changed) {
            *ord_out = ord;
            *n_out = n;
            return 0;
        }
        lcap_tmp_free(cc, ord);
        /* a pass over a big graph that changed almost nothing: another
         * would cost as much for as little */
        if (pass > 0 && (size_t)changed * 256 < n)
            break;
    }
    return 0;
}

/* The blocks in order: those given, or computed again. */
static lcap_block **order_of(lcap_cc *cc, lcap_block *root, lcap_block **ord, size_t *n)
{
    return ord != NULL ? ord : lcap_topo_order_tmp(cc, root, n, 0);
}

/* The verdict "rejects all packets" must come from libpcap's rules alone
 * (tests decided by the same test or a known equality), so that no
 * expression libpcap compiles is refused: the two-way looks of the walk only
 * remove more paths. When the program they give accepts something, so does
 * the one libpcap's rules give; when it accepts nothing, the edges are put
 * back as they were and the passes rerun under libpcap's rules for the
 * verdict (a program that matches nothing though libpcap's rules cannot
 * tell is then "ret #0"). 1 accepts some (*ord, *n: the blocks in order,
 * or NULL), 0 none, 2 none though libpcap's rules cannot tell, -1 error. */
static int thread_and_judge(lcap_cc *cc, vtab *t, lcap_block **root, lcap_block **reject, lcap_block ***ord,
                            size_t *n)
{
    lcap_block **snap = NULL, *root0 = *root;
    size_t nsnap = 0, nb = cc->nblocks > 0 ? (size_t)cc->nblocks : 1;
    int accepts = -1;
    bval *cache = lcap_tmp_alloc(cc, nb, sizeof(*cache), 0);
    if (cache == NULL) {
        lcap_cc_error(cc, 0, "out of memory optimizing the filter");
        return -1;
    }
    for (size_t i = 0; i < nb; i++)
        cache[i].nstmts = -1;
    if (thread_passes(cc, t, cache, root, WALK_BUDGET, &snap, &nsnap, ord, n) == 0 &&
        (*ord = order_of(cc, *root, *ord, n)) != NULL)
        accepts = accepts_some(*ord, *n, reject);
    if (accepts == 0) {
        lcap_block *strong = *reject;
        lcap_tmp_free(cc, *ord);
        *ord = NULL;
        for (size_t i = 0; i < nsnap; i++) {
            snap[3 * i]->jt = snap[3 * i + 1];
            snap[3 * i]->jf = snap[3 * i + 2];
        }
        *root = root0;
        accepts = -1;
        if (thread_passes(cc, t, cache, root, 0, NULL, NULL, ord, n) == 0 &&
            (*ord = order_of(cc, *root, *ord, n)) != NULL)
            accepts = accepts_some(*ord, *n, reject);
        lcap_tmp_free(cc, *ord);
        *ord = NULL;
        if (accepts > 0) {
            *reject = strong;
            accepts = 2;
        }
    }
    lcap_tmp_free(cc, snap);
    lcap_tmp_free(cc, cache);
    return accepts;
}

int lcap_optimize(lcap_cc *cc, lcap_block **root)
{
    vtab t;
    memset(&t, 0, sizeof(t));
    t.mem = &cc->arena;
    t.weak = cc->libpcap_weak;
    lcap_block *reject = NULL, **ord = NULL;
    size_t n = 0;
    int rc = 0, accepts = thread_and_judge(cc, &t, root, &reject, &ord, &n);
    if (accepts < 0)
        rc = -1;
    else if (accepts != 1 && reject != NULL)
        *root = reject;
    t.bigshift = 0; /* judged on the blocks left (below), as libpcap's last pass does */
    if (accepts == 1) {
        /* redundant loads out first (a reload of X in every test of a
         * chain would keep the tests from moving); again after chains
         * moved, or after a branch took in the last operation on A (and,
         * jeq #0 -> jset: A is then left as loaded, and a reload can go) */
        int again = ord == NULL ? -1 : lcap_opt_redundant(cc, &t, ord, n);
        int moved = again < 0 ? -1 : lcap_opt_chains(cc, &t, ord, n);
        rc = moved < 0 ? -1 : merge_blocks(cc, root, ord, n);
        lcap_tmp_free(cc, ord);
        for (int round = 0; round < 2 && (again > 0 || moved > 0) && rc == 0; round++) {
            moved = 0;
            ord = lcap_topo_order_tmp(cc, *root, &n, 0);
            again = ord == NULL ? -1 : lcap_opt_redundant(cc, &t, ord, n);
            rc = again < 0 ? -1 : merge_blocks(cc, root, ord, n);
            lcap_tmp_free(cc, ord);
        }
    }
    if (rc == 0 && t.bigshift && !cc->libpcap_noopt) {
        lcap_cc_error(cc, 0, "shift by more than 31 bits (the shift amount is a constant once optimized)");
        rc = -1;
    }
    if (rc < 0)
        return -1;
    return accepts == 0;
}
