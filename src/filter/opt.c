/* opt.c - the optimizer, first version: value numbering of each block's tests, facts known on
 * every edge (intersected where paths join), jump threading over tests those facts decide,
 * and whether the program then matches nothing (libpcap's verdict on that: opt_pcap.c). Bounded: a
 * fixed number of passes over a DAG. */
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
    int16_t n;
    uint8_t pad[2];
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

/* work: the count of facts looked at or copied (tests bound it). */
static inline void fset_add(unsigned long *work, fset *s, fact f)
{
    if (fset_may_have(s, test_bit(f.v, f.op, f.opnd))) {
        *work += (unsigned)s->n;
        for (int i = 0; i < s->n; i++)
            if (fact_same(&s->f[i], &f))
                return;
    }
    if (s->n == MAXFACTS) {
        *work += MAXFACTS;
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
        /* the oldest test known false, or the oldest */
        int drop = 0;
        for (int i = 0; i < s->n; i++)
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
static void fset_copy(unsigned long *work, fset *dst, const fset *src)
{
    *work += (unsigned)src->n;
    dst->n = src->n;
    dst->mask[0] = src->mask[0];
    dst->mask[1] = src->mask[1];
    if (src->n > 0)
        memcpy(dst->f, src->f, (size_t)src->n * sizeof(fact));
}

static void fset_meet(unsigned long *work, fset *dst, const fset *src)
{
    if (dst->n == 0 || (dst->n == src->n && memcmp(dst->f, src->f, (size_t)dst->n * sizeof(fact)) == 0))
        return;
    int k = 0;
    *work += (unsigned)dst->n;
    for (int i = 0; i < dst->n; i++) {
        const fact *f = &dst->f[i];
        if (!fset_may_have(src, test_bit(f->v, f->op, f->opnd)))
            continue;
        *work += (unsigned)src->n;
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

/* What the facts cannot change about the test "a op opnd": PRE_FACTS (they
 * decide it or not), or the outcome (1, 0, -1 unknown). */
enum { PRE_FACTS = 2 };

static int decide_pre(vtab *t, uint32_t a, uint16_t op, uint32_t opnd, uint32_t *kout)
{
    uint32_t x, k = 0;
    int kconst = is_const(t, opnd, &k);
    *kout = k;
    if (kconst && op == LCAP_BPF_JSET && k == 0)
        return 0;
    if (kconst && is_const(t, a, &x))
        return lcap_test_holds(op, x, k);
    if (a == opnd && op != LCAP_BPF_JSET) /* compared with itself */
        return op != LCAP_BPF_JGT;
    if (is_unk(t, a))
        return -1;
    return PRE_FACTS;
}

/* ---- the passes ---- */

/* What threading needs of a block, by block id: its values never change
 * (threading changes edges only), so they are worked out once. */
typedef struct binfo {
    uint32_t a;       /* value number of A at the branch */
    uint32_t opnd;    /* value number of the branch operand */
    uint32_t k;       /* the operand's value when constant */
    uint16_t op;
    uint8_t ready;    /* worked out */
    uint8_t stands_alone, has_store, has_stmts;
    int8_t pre;       /* decide_pre */
    uint8_t kconst;
} binfo;

/* 1 true, 0 false, -1 unknown: B's test under the facts s; *same set when
 * a fact of the very test decides it (adding the outcome then adds
 * nothing). */
static inline int decide(vtab *t, unsigned long *work, const fset *s, const binfo *B, int *same)
{
    if (B->pre != PRE_FACTS)
        return B->pre;
    uint32_t a = B->a, opnd = B->opnd, k = B->k;
    uint16_t op = B->op;
    int eq = B->kconst && op == LCAP_BPF_JEQ;
    /* neither the same test nor an equality of the value among the facts */
    if (!fset_may_have(s, test_bit(a, op, opnd)) && !(eq && fset_may_have(s, test_bit(a, 0, 0))))
        return -1;
    *work += (unsigned)s->n;
    /* the same test decides itself, and an equality known true decides
     * other equalities on the same value */
    for (int i = 0; i < s->n; i++) {
        const fact *f = &s->f[i];
        if (f->v != a)
            continue;
        if (f->op == op && f->opnd == opnd) {
            *same = 1;
            return f->yes;
        }
        uint32_t c;
        if (eq && f->op == LCAP_BPF_JEQ && f->yes && is_const(t, f->opnd, &c))
            return c == k;
    }
    return -1;
}

/* The threading passes' state: block facts and a pool of fact sets, so that
 * a set is handed on to the block an edge reaches rather than copied, and
 * the few in use stay in the cache. */
typedef struct threader {
    lcap_cc *cc;
    vtab *t;
    binfo *bi;      /* by block id */
    fset **in;      /* by block id: the facts on every edge in so far, NULL while unreached */
    fset *pool;     /* the newest chunk of sets, taken in order ... */
    fset **spare;   /* ... or from those given back (room for nb + 1) */
    size_t npool, poolcap, nspare;
    fset *chunks[40]; /* every chunk, each twice the last */
    int nchunks;
    unsigned long work; /* blocks visited, walk steps, facts looked at or copied */
    unsigned globals;
    /* blocks by their statements (and the registers their branch reads),
     * each one whose values a block with the same statements shares up to
     * its fresh unknowns: NULL, or a table of memo_cap slots */
    struct memo {
        const lcap_block *rep;
        uint32_t hash;
        uint32_t a, x;      /* rep's values of A and X */
        uint32_t ubase;     /* the first of the fresh unknowns rep's registers started with */
        uint8_t stands_alone, has_store, has_stmts;
    } *memo;
    /* On big graphs, the edges by block id (2 a block: true, false; RET_ID
     * for a return's), kept as the passes change them, so that the order of
     * the blocks is worked out again without chasing a pointer per block:
     * NULL, or nb of each */
    uint32_t *succ, *dfs_mark, *post;
    struct dfs_frame { uint32_t id, state; } *stack;
    lcap_block **byid;
    uint32_t dfs_gen;
    int all_ready; /* every block's binfo worked out */
    size_t memo_cap, memo_n;
} threader;

/* A fact set, NULL when out of memory (the pool grows by chunks: most
 * filters need a few sets, the 10,000-term chain a few dozen). */
static fset *set_take(threader *T)
{
    if (T->nspare > 0)
        return T->spare[--T->nspare];
    if (T->npool == T->poolcap) {
        size_t cap = T->poolcap == 0 ? 8 : 2 * T->poolcap;
        fset *c = T->nchunks < 40 ? lcap_tmp_alloc(T->cc, cap, sizeof(*c), 0) : NULL;
        if (c == NULL)
            return NULL;
        T->chunks[T->nchunks++] = T->pool = c;
        T->poolcap = cap;
        T->npool = 0;
    }
    return &T->pool[T->npool++];
}
static void set_give(threader *T, fset *s) { T->spare[T->nspare++] = s; }

static int is_uncond(const lcap_block *b) { return !lcap_block_is_ret(b) && b->jt == b->jf; }
static int is_branch(const lcap_block *b) { return !lcap_block_is_ret(b) && b->jt != b->jf; }

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

/* The statements (and what the branch reads) that make a block's values. */
static uint32_t stmts_hash(const lcap_block *b)
{
    uint32_t h = (lcap_block_is_ret(b) ? 0x9e3779b9u : lcap_branch_use(b)) * 2654435761u;
    for (const lcap_stmt *s = b->stmts; s != NULL; s = s->next)
        h = ((h ^ s->code) * 16777619u ^ s->k) * 2246822519u;
    return h ^ h >> 15;
}

/* The two statement lists are the same instructions, in the same order. */
static int stmt_lists_equal(const lcap_stmt *x, const lcap_stmt *y)
{
    for (; x != NULL && y != NULL; x = x->next, y = y->next)
        if (x->code != y->code || x->k != y->k)
            return 0;
    return x == NULL && y == NULL;
}

static int stmts_same(const lcap_block *a, const lcap_block *b)
{
    if (lcap_block_is_ret(a) != lcap_block_is_ret(b) ||
        (!lcap_block_is_ret(a) && lcap_branch_use(a) != lcap_branch_use(b)))
        return 0;
    return stmt_lists_equal(a->stmts, b->stmts);
}

/* Whether another evaluation of the same statements would give the same
 * values up to the fresh unknowns, making nothing new: the values this one
 * made (from number n0 on) are none of them made from an unknown. */
static int values_clean(const vtab *t, uint32_t n0)
{
    uint64_t dirty = 0;
    if (t->oom || t->n - n0 > 64)
        return 0;
    for (uint32_t i = n0; i < t->n; i++) {
        const lcap_vnode *v = &t->v[i];
        int nops = v->op == V_ALU ? 2 : v->op == V_NEG || v->op == V_LDI ? 1 : 0;
        for (int j = 0; j < nops; j++) {
            uint32_t o = j == 0 ? v->a : v->b;
            if (o >= LCAP_VN_UNK || (o >= n0 && o < i && (dirty >> (o - n0) & 1)))
                dirty |= (uint64_t)1 << (i - n0);
        }
    }
    return dirty == 0;
}

/* A value of block R's, as it is for a block evaluated from base on. */
static uint32_t shifted(uint32_t v, uint32_t rbase, uint32_t base) { return v >= LCAP_VN_UNK ? v - rbase + base : v; }

#define MEMO_MIN_BLOCKS 512 /* below, evaluating each block costs less than the table */
#define MEMO_MAX 4096       /* slots: half of them statement lists (the chains have a handful) */

static void block_info(threader *T, lcap_block *b)
{
    binfo *B = &T->bi[b->id];
    if (B->ready)
        return;
    vtab *t = T->t;
    bval bv;
    uint32_t base = LCAP_VN_UNK | (t->unk & 0x7fffffffu), n0 = t->n, unk0 = t->unk;
    /* a run of fresh unknowns without wrapping: values then shift with it */
    int runs = (t->unk & 0x7fffffffu) <= 0x7fffffffu - LCAP_VN_REGS;
    struct memo *slot = NULL;
    uint32_t h = 0;
    if (T->memo != NULL && runs) {
        h = stmts_hash(b);
        size_t j = h & (T->memo_cap - 1);
        while (T->memo[j].rep != NULL && !(T->memo[j].hash == h && stmts_same(T->memo[j].rep, b)))
            j = (j + 1) & (T->memo_cap - 1);
        slot = &T->memo[j];
    }
    if (slot != NULL && slot->rep != NULL) {
        /* the same statements as rep: its values, the unknowns shifted
         * (and as many drawn), then the branch's constant as eval_block
         * makes it */
        t->unk += LCAP_VN_REGS;
        bv.a = shifted(slot->a, slot->ubase, base);
        bv.x = shifted(slot->x, slot->ubase, base);
        bv.stands_alone = slot->stands_alone;
        bv.has_store = slot->has_store;
        bv.nstmts = slot->has_stmts;
        bv.kval = lcap_block_is_ret(b) ? 0 : vconst(t, b->k);
    } else {
        eval_block(t, b, T->globals, &bv);
        if (slot != NULL && t->unk == unk0 + LCAP_VN_REGS && T->memo_n < T->memo_cap / 2 && values_clean(t, n0)) {
            *slot = (struct memo){ b, h, bv.a, bv.x, base, (uint8_t)bv.stands_alone, (uint8_t)bv.has_store,
                                   bv.nstmts > 0 };
            T->memo_n++;
        }
    }
    B->ready = 1;
    B->a = bv.a;
    B->stands_alone = (uint8_t)bv.stands_alone;
    B->has_store = (uint8_t)bv.has_store;
    B->has_stmts = bv.nstmts > 0;
    B->op = (uint16_t)LCAP_BPF_OP(b->code);
    B->opnd = LCAP_BPF_SRC(b->code) == LCAP_BPF_X ? bv.x : bv.kval;
    if (!lcap_block_is_ret(b)) {
        B->pre = (int8_t)decide_pre(t, B->a, B->op, B->opnd, &B->k);
        B->kconst = is_const(t, B->opnd, &B->k);
    }
}

/* Where an edge with facts f into s ends up: over every test f decides,
 * and over a test it does not decide when both ways lead to the same
 * rejection (the test's loads then matter no more: running past the
 * packet's end rejects too). budget bounds those two-way looks. */
#define WALK_BUDGET 4

static int is_reject(const lcap_block *b) { return lcap_block_is_ret(b) && b->k == 0; }

static lcap_block *walk(threader *T, lcap_block *s, fset *f, int *budget)
{
    vtab *t = T->t;
    const binfo *bi = T->bi;
    unsigned long *work = &T->work;
    for (int hops = 0; hops < 64 && !lcap_block_is_ret(s); hops++) {
        (*work)++;
        const binfo *S = &bi[s->id];
        if (S->has_store)
            break;
        lcap_block *next;
        int branch = is_branch(s);
        int same = 0, d = branch ? decide(t, work, f, S, &same) : 1;
        if (d < 0) {
            /* worth a look only next to a rejection */
            if (*budget <= 0 || !(is_reject(s->jt) || is_reject(s->jf)))
                break;
            (*budget)--;
            fset ft, ff;
            fset_copy(work, &ft, f);
            fset_copy(work, &ff, f);
            fset_add(work, &ft, (fact){ S->a, S->opnd, S->op, 1 });
            fset_add(work, &ff, (fact){ S->a, S->opnd, S->op, 0 });
            lcap_block *a = walk(T, s->jt, &ft, budget);
            lcap_block *b = walk(T, s->jf, &ff, budget);
            if (a == b && is_reject(a))
                return a;
            break;
        }
        next = d ? s->jt : s->jf;
        if (S->has_stmts && !bi[next->id].stands_alone && !lcap_block_is_ret(next))
            break;
        if (branch && !same)
            fset_add(work, f, (fact){ S->a, S->opnd, S->op, (uint16_t)d });
        s = next;
    }
    return s;
}

/* The facts f (given up) reach s: the first edge in hands them on, later
 * ones keep what all agree on. */
static void reach(threader *T, lcap_block *s, fset *f)
{
    fset **in = &T->in[s->id];
    if (lcap_block_is_ret(s))
        set_give(T, f);
    else if (*in == NULL)
        *in = f;
    else {
        fset_meet(&T->work, *in, f);
        set_give(T, f);
    }
}

/* Threads the edge *slot of b, leaving with facts f (given up): 1 if it moved. */
static int thread_edge(threader *T, lcap_block **slot, fset *f)
{
    int budget = WALK_BUDGET;
    lcap_block *s = walk(T, *slot, f, &budget);
    int moved = s != *slot;
    *slot = s;
    reach(T, s, f);
    return moved;
}

#define RET_ID 0xffffffffu

static void note_edges(threader *T, lcap_block *b)
{
    uint32_t id = (uint32_t)b->id;
    T->byid[id] = b;
    T->succ[2 * id] = lcap_block_is_ret(b) ? RET_ID : (uint32_t)b->jt->id;
    T->succ[2 * id + 1] = lcap_block_is_ret(b) ? RET_ID : (uint32_t)b->jf->id;
}

/* The blocks reachable from root in the order lcap_topo_order_tmp gives
 * (the same depth-first walk, false edges first, over the edges noted);
 * NULL with the error set when out of memory. */
static lcap_block **order_by_ids(threader *T, const lcap_block *root, size_t *count)
{
    const uint32_t *succ = T->succ;
    uint32_t *mark = T->dfs_mark, *post = T->post, gen = ++T->dfs_gen;
    struct dfs_frame *stack = T->stack;
    size_t n = 0, sp = 0;
    uint32_t r = (uint32_t)root->id;
    mark[r] = gen;
    if (succ[2 * r] == RET_ID)
        post[n++] = r;
    else
        stack[sp++] = (struct dfs_frame){ r, 0 };
    while (sp > 0) {
        struct dfs_frame *f = &stack[sp - 1];
        if (f->state == 2) {
            post[n++] = f->id;
            sp--;
            continue;
        }
        uint32_t next = succ[2 * f->id + (f->state++ == 0)];
        if (mark[next] == gen)
            continue;
        mark[next] = gen;
        if (succ[2 * next] == RET_ID)
            post[n++] = next;
        else
            stack[sp++] = (struct dfs_frame){ next, 0 };
    }
    lcap_block **ord = lcap_tmp_alloc(T->cc, n, sizeof(*ord), 0);
    if (ord == NULL) {
        lcap_cc_error(T->cc, 0, "out of memory ordering the filter's blocks");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        ord[i] = T->byid[post[n - 1 - i]];
    *count = n;
    return ord;
}

static int one_pass(threader *T, lcap_block **ord, size_t n, lcap_block **root, int *changed)
{
    vtab *t = T->t;
    binfo *bi = T->bi;
    /* the first pass sees every block a later one may (threading only
     * takes blocks out of reach); the edges of a block are noted once it
     * is done with, a return's here */
    for (size_t i = 0; !T->all_ready && i < n; i++) {
        lcap_block *b = ord[i];
        block_info(T, b);
        if (T->succ != NULL && lcap_block_is_ret(b))
            note_edges(T, b);
    }
    T->all_ready = 1;
    if (t->oom) {
        lcap_cc_error(T->cc, 0, "out of memory optimizing the filter");
        return -1;
    }
    if (!lcap_block_is_ret(ord[0])) { /* the root, with no facts */
        fset *f0 = set_take(T);
        if (f0 == NULL)
            goto oom;
        f0->n = 0;
        f0->mask[0] = f0->mask[1] = 0;
        T->in[ord[0]->id] = f0;
    }
    for (size_t i = 0; i < n; i++) {
        lcap_block *b = ord[i];
        fset *in = T->in[b->id];
        if (lcap_block_is_ret(b) || in == NULL)
            continue; /* no longer reached: its facts would only weaken the meets */
        T->in[b->id] = NULL;
        T->work++;
        binfo *B = &bi[b->id];
        int branch = !is_uncond(b);
        if (branch) {
            int same = 0, d = decide(t, &T->work, in, B, &same);
            if (d >= 0) { /* fold: the test's outcome is known here */
                b->jt = b->jf = d ? b->jt : b->jf;
                branch = 0;
                (*changed)++;
            }
        }
        /* thread each edge over tests its facts decide; an edge to a
         * return goes nowhere else */
        if (branch) {
            if (!lcap_block_is_ret(b->jt)) {
                fset *f = set_take(T);
                if (f == NULL)
                    goto oom;
                fset_copy(&T->work, f, in);
                fset_add(&T->work, f, (fact){ B->a, B->opnd, B->op, 1 });
                *changed += thread_edge(T, &b->jt, f);
            }
            if (lcap_block_is_ret(b->jf)) {
                set_give(T, in);
            } else {
                fset_add(&T->work, in, (fact){ B->a, B->opnd, B->op, 0 });
                *changed += thread_edge(T, &b->jf, in);
            }
        } else {
            if (lcap_block_is_ret(b->jt))
                set_give(T, in);
            else
                *changed += thread_edge(T, &b->jt, in);
            b->jf = b->jt; /* both ways, or the block would test again */
        }
        if (T->succ != NULL)
            note_edges(T, b);
    }
    /* the root itself may be an unconditional block without effects */
    while (!lcap_block_is_ret(*root) && is_uncond(*root)) {
        binfo *R = &bi[(*root)->id];
        lcap_block *next = (*root)->jt;
        if (R->has_store || (R->has_stmts && !lcap_block_is_ret(next) && !bi[next->id].stands_alone))
            break;
        *root = next;
        (*changed)++;
    }
    return 0;
oom:
    lcap_cc_error(T->cc, 0, "out of memory optimizing the filter");
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
    return stmt_lists_equal(a->stmts, b->stmts);
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

/* Threading passes until nothing changes (a few at most). *ord gets the
 * blocks of the resulting graph in order (NULL if the passes ran out while
 * still changing it). */
static int thread_passes(threader *T, lcap_block **root, lcap_block ***ord_out, size_t *n_out)
{
    lcap_cc *cc = T->cc;
    *ord_out = NULL;
    for (int pass = 0; pass < MAX_PASSES; pass++) {
        size_t n;
        lcap_block **ord = pass > 0 && T->succ != NULL ? order_by_ids(T, *root, &n)
                                                       : lcap_topo_order_tmp(cc, *root, &n, 0);
        if (ord == NULL)
            return -1;
        int changed = 0;
        if (one_pass(T, ord, n, root, &changed) < 0) {
            lcap_tmp_free(cc, ord);
            return -1;
        }
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

static void free_threader(threader *T)
{
    lcap_cc *cc = T->cc;
    while (T->nchunks > 0)
        lcap_tmp_free(cc, T->chunks[--T->nchunks]);
    void *arrays[] = { T->stack, T->post, T->dfs_mark, T->byid, T->succ, T->memo, T->spare, T->in, T->bi };
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
        lcap_tmp_free(cc, arrays[i]);
}

/* Threading to a fixpoint. 1 accepts some (*ord, *n: the blocks in order,
 * or NULL), 0 none (*reject: a return of 0), -1 error. Whether libpcap
 * would say "rejects all packets" is not judged here (opt_pcap.c). */
static int thread_and_judge(lcap_cc *cc, vtab *t, lcap_block **root, lcap_block **reject, lcap_block ***ord,
                            size_t *n)
{
    size_t nb = cc->nblocks > 0 ? (size_t)cc->nblocks : 1;
    int accepts = -1;
    threader T = { .cc = cc, .t = t, .globals = global_regs(cc) };
    T.bi = lcap_tmp_alloc(cc, nb, sizeof(*T.bi), 1);
    T.in = lcap_tmp_alloc(cc, nb, sizeof(*T.in), 1);
    T.spare = lcap_tmp_alloc(cc, nb + 2, sizeof(*T.spare), 0);
    int big = nb >= MEMO_MIN_BLOCKS;
    if (big) {
        for (T.memo_cap = 1; T.memo_cap < nb && T.memo_cap < MEMO_MAX; T.memo_cap *= 2)
            ;
        T.memo = lcap_tmp_alloc(cc, T.memo_cap, sizeof(*T.memo), 1);
        T.succ = lcap_tmp_alloc(cc, 2 * nb, sizeof(*T.succ), 0);
        T.byid = lcap_tmp_alloc(cc, nb, sizeof(*T.byid), 0);
        T.dfs_mark = lcap_tmp_alloc(cc, nb, sizeof(*T.dfs_mark), 1);
        T.post = lcap_tmp_alloc(cc, nb, sizeof(*T.post), 0);
        T.stack = lcap_tmp_alloc(cc, nb, sizeof(*T.stack), 0);
    }
    if (T.bi == NULL || T.in == NULL || T.spare == NULL ||
        (big && (T.memo == NULL || T.succ == NULL || T.byid == NULL || T.dfs_mark == NULL || T.post == NULL ||
                 T.stack == NULL))) {
        free_threader(&T);
        lcap_cc_error(cc, 0, "out of memory optimizing the filter");
        return -1;
    }
    if (thread_passes(&T, root, ord, n) == 0 &&
        (*ord = *ord != NULL || T.succ == NULL ? order_of(cc, *root, *ord, n) : order_by_ids(&T, *root, n)) != NULL)
        accepts = accepts_some(*ord, *n, reject);
    if (accepts != 1) {
        lcap_tmp_free(cc, *ord);
        *ord = NULL;
    }
    cc->opt_work += T.work;
    free_threader(&T);
    return accepts;
}

/* When threading has moved the root past the first block, its statements
 * go with it in front of the new root's, as libpcap's opt_root does: a load
 * there that runs past the packet rejects it (filter_diff -s 144: the root's
 * 'ld [0xffffffff]'); the redundancy pass then drops those that cannot.
 * The old root stored nothing (threading keeps such a root), and the new one
 * reads nothing it left, or threading would have kept it too. */
static void keep_root_loads(lcap_block *root0, lcap_block *root)
{
    if (root0 == root || lcap_block_is_ret(root) || root0->stmts == NULL)
        return;
    lcap_stmt *last = NULL;
    int stops = 0;
    for (lcap_stmt *s = root0->stmts; s != NULL; s = s->next) {
        stops |= lcap_stmt_may_stop(s, 0);
        last = s;
    }
    if (!stops)
        return;
    last->next = root->stmts;
    root->stmts = root0->stmts;
    root0->stmts = NULL;
}

int lcap_optimize(lcap_cc *cc, lcap_block **root)
{
    vtab t;
    memset(&t, 0, sizeof(t));
    t.mem = &cc->arena;
    lcap_block *reject = NULL, **ord = NULL;
    size_t n = 0;
    lcap_block *root0 = *root;
    int rc = 0, accepts = thread_and_judge(cc, &t, root, &reject, &ord, &n);
    if (accepts == 1)
        keep_root_loads(root0, *root);
    if (accepts < 0)
        rc = -1;
    else if (accepts == 0 && reject != NULL)
        *root = reject;
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
    if (rc < 0)
        return -1;
    return accepts == 0;
}
