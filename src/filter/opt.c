/* opt.c - the optimizer, first version: value numbering of each block's tests, facts known on
 * every edge (intersected where paths join), jump threading over tests those facts decide,
 * and the "rejects all packets" verdict. Bounded: a fixed number of passes over a DAG. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include "filter/ir.h"

/* ---- value numbers: hash-consed symbolic values of A and X ---- */

/* V_FOLD: (weak) a constant computed by arithmetic, which libpcap's
 * optimizer knows only in its last pass */
enum { V_CONST, V_UNK, V_LD, V_LDI, V_MSH, V_LEN, V_ALU, V_NEG, V_GLOBAL, V_FOLD };

typedef struct vnode {
    uint8_t op, size;
    uint16_t alu;
    uint32_t a, b, k;
} vnode;

typedef struct vtab {
    vnode *v;
    uint32_t n, cap;
    uint32_t *hash; /* open addressing over indexes + 1 */
    uint32_t hcap;
    uint32_t unk;   /* next unknown */
    int oom;
    int bigshift;   /* a shift of an unknown A by a known X above 31 */
    int weak;       /* only what libpcap's optimizer finds (the refusal's second look) */
    int at_root;    /* weak: deciding a block libpcap's opt_root would reach */
} vtab;

static uint32_t vhash(const vnode *x)
{
    uint32_t h = x->op * 2654435761u ^ x->size * 40503u ^ x->alu * 97u;
    h = (h ^ x->a) * 2246822519u;
    h = (h ^ x->b) * 3266489917u;
    h = (h ^ x->k) * 668265263u;
    return h ^ h >> 15;
}

static int vgrow(vtab *t)
{
    uint32_t ncap = t->cap ? t->cap * 2 : 1024;
    vnode *nv = realloc(t->v, ncap * sizeof(*nv));
    if (nv == NULL)
        return -1;
    t->v = nv;
    t->cap = ncap;
    uint32_t nh = ncap * 2;
    uint32_t *h = calloc(nh, sizeof(*h));
    if (h == NULL)
        return -1;
    free(t->hash);
    t->hash = h;
    t->hcap = nh;
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->v[i].op == V_UNK)
            continue;
        uint32_t j = vhash(&t->v[i]) & (nh - 1);
        while (h[j])
            j = (j + 1) & (nh - 1);
        h[j] = i + 1;
    }
    return 0;
}

static uint32_t vget(vtab *t, uint8_t op, uint8_t size, uint16_t alu, uint32_t a, uint32_t b, uint32_t k)
{
    vnode x = { op, size, alu, a, b, k };
    if (t->oom)
        return 0;
    if (t->n + 1 >= t->cap && vgrow(t) < 0) {
        t->oom = 1;
        return 0;
    }
    if (op != V_UNK) {
        uint32_t j = vhash(&x) & (t->hcap - 1);
        while (t->hash[j]) {
            vnode *y = &t->v[t->hash[j] - 1];
            if (y->op == op && y->size == size && y->alu == alu && y->a == a && y->b == b && y->k == k)
                return t->hash[j] - 1;
            j = (j + 1) & (t->hcap - 1);
        }
        t->hash[j] = t->n + 1;
    }
    t->v[t->n] = x;
    return t->n++;
}

/* Unknown values (what a block finds in A, X or M at entry) are numbers
 * from UNK_BASE up, one fresh per use, kept out of the table. */
#define UNK_BASE 0x80000000u

static uint32_t vconst(vtab *t, uint32_t k) { return vget(t, V_CONST, 0, 0, 0, 0, k); }
static uint32_t vunk(vtab *t) { return UNK_BASE | (t->unk++ & 0x7fffffffu); }
static int is_unk(const vtab *t, uint32_t v) { return v >= UNK_BASE || t->oom; }

static int is_const(const vtab *t, uint32_t v, uint32_t *k)
{
    if (t->oom || v >= t->n || (t->v[v].op != V_CONST && t->v[v].op != V_FOLD))
        return 0;
    *k = t->v[v].k;
    return 1;
}

static int is_fold(const vtab *t, uint32_t v) { return !t->oom && v < t->n && t->v[v].op == V_FOLD; }

/* A constant computed from others: a V_FOLD when weak. */
static uint32_t vcomputed(vtab *t, uint32_t k) { return t->weak ? vget(t, V_FOLD, 0, 0, 0, 0, k) : vconst(t, k); }

static uint32_t valu(vtab *t, uint16_t op, uint32_t a, uint32_t b)
{
    uint32_t x, y;
    if (is_const(t, a, &x) && is_const(t, b, &y)) {
        switch (op) {
        case LCAP_BPF_ADD: return vcomputed(t, x + y);
        case LCAP_BPF_SUB: return vcomputed(t, x - y);
        case LCAP_BPF_MUL: return vcomputed(t, x * y);
        case LCAP_BPF_DIV: if (y) return vcomputed(t, x / y); break;
        case LCAP_BPF_MOD: if (y) return vcomputed(t, x % y); break;
        case LCAP_BPF_AND: return vcomputed(t, x & y);
        case LCAP_BPF_OR: return vcomputed(t, x | y);
        case LCAP_BPF_XOR: return vcomputed(t, x ^ y);
        case LCAP_BPF_LSH: return vcomputed(t, y < 32 ? x << y : 0);
        case LCAP_BPF_RSH: return vcomputed(t, y < 32 ? x >> y : 0);
        default: break;
        }
    }
    if (is_const(t, b, &y)) { /* identities and absorbing constants (weak: libpcap's, and 0, mul 0) */
        if ((op == LCAP_BPF_AND || op == LCAP_BPF_MUL) && y == 0)
            return vcomputed(t, 0);
        if (op == LCAP_BPF_OR && y == 0xffffffffu && !t->weak)
            return vcomputed(t, 0xffffffffu);
        if (((op == LCAP_BPF_ADD || op == LCAP_BPF_SUB || op == LCAP_BPF_OR || op == LCAP_BPF_XOR ||
              op == LCAP_BPF_LSH || op == LCAP_BPF_RSH) && y == 0) ||
            ((op == LCAP_BPF_MUL || op == LCAP_BPF_DIV) && y == 1) || (op == LCAP_BPF_AND && y == 0xffffffffu))
            return a;
    }
    return vget(t, V_ALU, 0, op, a, b, 0);
}

/* Symbolic execution of a block: the values of A and X at its branch, and
 * whether A and X are written before being read (the block stands alone). */
typedef struct bval {
    uint32_t a, x;
    int stands_alone;
    int has_store;
    int nstmts;
} bval;

static void eval_block(vtab *t, const lcap_block *b, unsigned globals, bval *out)
{
    uint32_t A = vunk(t), X = vunk(t), M[LCAP_BPF_MEMWORDS];
    uint32_t mknown = 0; /* M[i] set (else unknown, numbered on first read) */
    int adef = 0, xdef = 0, alone = 1, store = 0, n = 0;
    for (const lcap_stmt *s = b->stmts; s != NULL; s = s->next)
        if (LCAP_BPF_CLASS(s->code) == LCAP_BPF_ST || LCAP_BPF_CLASS(s->code) == LCAP_BPF_STX)
            store = 1;
    for (int i = 0; i < LCAP_BPF_MEMWORDS; i++)
        M[i] = 0;
#define READ_A() (alone &= adef)
#define READ_X() (alone &= xdef)
    for (const lcap_stmt *s = b->stmts; s != NULL; s = s->next, n++) {
        uint16_t c = s->code;
        uint32_t k = s->k;
        switch (LCAP_BPF_CLASS(c)) {
        case LCAP_BPF_LD:
        case LCAP_BPF_LDX: {
            uint32_t v;
            int isx = LCAP_BPF_CLASS(c) == LCAP_BPF_LDX;
            switch (LCAP_BPF_MODE(c)) {
            case LCAP_BPF_IMM: v = vconst(t, k); break;
            case LCAP_BPF_ABS: v = vget(t, V_LD, (uint8_t)LCAP_BPF_SIZE(c), 0, 0, 0, k); break;
            case LCAP_BPF_IND: READ_X(); v = vget(t, V_LDI, (uint8_t)LCAP_BPF_SIZE(c), 0, X, 0, k); break;
            case LCAP_BPF_MEM:
                if (k >= LCAP_BPF_MEMWORDS)
                    v = vunk(t);
                else {
                    if (!(mknown >> k & 1)) {
                        M[k] = (!store && (globals >> k & 1)) ? vget(t, V_GLOBAL, 0, 0, 0, 0, k) : vunk(t);
                        mknown |= 1u << k;
                    }
                    v = M[k];
                }
                break;
            case LCAP_BPF_LEN: v = vget(t, V_LEN, 0, 0, 0, 0, 0); break;
            case LCAP_BPF_MSH: v = vget(t, V_MSH, 0, 0, 0, 0, k); break;
            default: v = vunk(t); break;
            }
            if (isx) {
                X = v;
                xdef = 1;
            } else {
                A = v;
                adef = 1;
            }
            break;
        }
        case LCAP_BPF_ST:
            READ_A();
            if (k < LCAP_BPF_MEMWORDS) {
                M[k] = A;
                mknown |= 1u << k;
            }
            break;
        case LCAP_BPF_STX:
            READ_X();
            if (k < LCAP_BPF_MEMWORDS) {
                M[k] = X;
                mknown |= 1u << k;
            }
            break;
        case LCAP_BPF_ALU:
            READ_A();
            if (LCAP_BPF_OP(c) == LCAP_BPF_NEG) {
                uint32_t x;
                A = is_const(t, A, &x) ? vcomputed(t, (uint32_t)-x) : vget(t, V_NEG, 0, 0, A, 0, 0);
            } else if (LCAP_BPF_SRC(c) == LCAP_BPF_X) {
                READ_X();
                uint32_t y, x;
                /* libpcap's optimizer refuses this once it knows X (opt_stmt) */
                if ((LCAP_BPF_OP(c) == LCAP_BPF_LSH || LCAP_BPF_OP(c) == LCAP_BPF_RSH) && is_const(t, X, &y) &&
                    y > 31 && !is_const(t, A, &x))
                    t->bigshift = 1;
                A = valu(t, LCAP_BPF_OP(c), A, X);
            } else {
                A = valu(t, LCAP_BPF_OP(c), A, vconst(t, k));
            }
            break;
        case LCAP_BPF_MISC:
            if (LCAP_BPF_MISCOP(c) == LCAP_BPF_TAX) {
                READ_A();
                X = A;
                xdef = 1;
            } else {
                READ_X();
                A = X;
                adef = 1;
            }
            break;
        default:
            break;
        }
    }
    if (!lcap_block_is_ret(b) && !(b->jt != NULL && b->jt == b->jf)) {
        READ_A();
        if (LCAP_BPF_SRC(b->code) == LCAP_BPF_X)
            READ_X();
    }
#undef READ_A
#undef READ_X
    out->a = A;
    out->x = X;
    out->stands_alone = alone;
    out->has_store = store;
    out->nstmts = n;
}

/* ---- facts: "value op operand was true/false" ---- */

typedef struct fact {
    uint32_t v, opnd; /* value numbers */
    uint16_t op;      /* LCAP_BPF_JEQ/JGT/JGE/JSET */
    uint16_t yes;
} fact;

#define MAXFACTS 16

typedef struct fset {
    int n;      /* -1: not yet reached */
    fact f[MAXFACTS];
} fset;

static void fset_add(fset *s, fact f)
{
    for (int i = 0; i < s->n; i++)
        if (s->f[i].v == f.v && s->f[i].op == f.op && s->f[i].opnd == f.opnd && s->f[i].yes == f.yes)
            return;
    if (s->n == MAXFACTS) { /* drop the oldest */
        memmove(s->f, s->f + 1, (MAXFACTS - 1) * sizeof(fact));
        s->n--;
    }
    s->f[s->n++] = f;
}

static void fset_meet(fset *dst, const fset *src)
{
    if (dst->n < 0) {
        *dst = *src;
        return;
    }
    if (dst->n == 0 || (dst->n == src->n && memcmp(dst->f, src->f, (size_t)dst->n * sizeof(fact)) == 0))
        return;
    int k = 0;
    for (int i = 0; i < dst->n; i++) {
        for (int j = 0; j < src->n; j++) {
            if (memcmp(&dst->f[i], &src->f[j], sizeof(fact)) == 0) {
                dst->f[k++] = dst->f[i];
                break;
            }
        }
    }
    dst->n = k;
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

/* 1 true, 0 false, -1 unknown: the test "a op opnd" under the facts. */
static int decide(vtab *t, const fset *s, uint32_t a, uint16_t op, uint32_t opnd)
{
    uint32_t x, k = 0;
    int kconst = is_const(t, opnd, &k);
    if (kconst && op == LCAP_BPF_JSET && k == 0)
        return 0;
    /* weak: libpcap folds a test of a constant only in its last pass, whose
     * result reaches the root (and a refusal) only from the root down; it
     * never compares a value with itself */
    if (kconst && is_const(t, a, &x))
        return t->weak && !t->at_root && (is_fold(t, a) || is_fold(t, opnd)) ? -1 : eval_test(op, x, k);
    if (a == opnd && op != LCAP_BPF_JSET) /* compared with itself */
        return t->weak ? -1 : op != LCAP_BPF_JGT;
    if (is_unk(t, a))
        return -1;
    /* libpcap's rules, no stronger (so that an expression libpcap compiles is
     * never refused as matching nothing): the same test decides itself, and
     * an equality known true decides other equalities on the same value. */
    for (int i = 0; s != NULL && i < s->n; i++) {
        const fact *f = &s->f[i];
        if (f->v != a)
            continue;
        if (f->op == op && f->opnd == opnd)
            return f->yes;
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
    int chain;       /* reached from the root through decided blocks alone */
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

static int one_pass(lcap_cc *cc, vtab *t, lcap_block **root, int *changed)
{
    size_t n;
    lcap_block **ord = lcap_topo_order(cc, *root, &n, 0);
    if (ord == NULL)
        return -1;
    binfo *bi = calloc(n, sizeof(*bi));
    fset *in = malloc(n * sizeof(*in));
    if (bi == NULL || in == NULL) {
        free(ord);
        free(bi);
        free(in);
        lcap_cc_error(cc, 0, "out of memory optimizing the filter");
        return -1;
    }
    unsigned globals = global_regs(cc);
    for (size_t i = 0; i < n; i++) {
        lcap_block *b = ord[i];
        b->order = (int)i;
        in[i].n = -1;
        eval_block(t, b, globals, &bi[i].bv);
        bi[i].branch = !lcap_block_is_ret(b) && !is_uncond(b);
        if (bi[i].branch) {
            bi[i].op = (uint16_t)LCAP_BPF_OP(b->code);
            bi[i].opnd = LCAP_BPF_SRC(b->code) == LCAP_BPF_X ? bi[i].bv.x : vconst(t, b->k);
        }
    }
    if (t->oom)
        goto oom;
    in[0].n = 0;
    bi[0].chain = 1;
    for (size_t i = 0; i < n; i++) {
        lcap_block *b = ord[i];
        if (lcap_block_is_ret(b))
            continue;
        t->at_root = bi[i].chain;
        if (in[i].n < 0)
            in[i].n = 0;
        binfo *B = &bi[i];
        if (B->branch) {
            int d = decide(t, &in[i], B->bv.a, B->op, B->opnd);
            if (d >= 0) { /* fold: the test's outcome is known here */
                b->jt = b->jf = d ? b->jt : b->jf;
                B->branch = 0;
                *changed = 1;
            }
        }
        t->at_root = 0;
        /* thread each edge over tests its facts decide */
        for (int e = 0; e < 2; e++) {
            if (!B->branch && e == 1)
                break;
            lcap_block **slot = e == 0 ? &b->jt : &b->jf;
            fset f = in[i];
            if (B->branch)
                fset_add(&f, (fact){ B->bv.a, B->opnd, B->op, (uint16_t)(e == 0) });
            lcap_block *s = *slot;
            for (int hops = 0; hops < 64 && !lcap_block_is_ret(s); hops++) {
                binfo *S = &bi[s->order];
                if (S->bv.has_store)
                    break;
                lcap_block *next;
                int d = S->branch ? decide(t, &f, S->bv.a, S->op, S->opnd) : 1;
                if (d < 0)
                    break;
                next = d ? s->jt : s->jf;
                if (S->bv.nstmts > 0 && !bi[next->order].bv.stands_alone && !lcap_block_is_ret(next))
                    break;
                if (S->branch)
                    fset_add(&f, (fact){ S->bv.a, S->opnd, S->op, (uint16_t)d });
                s = next;
            }
            if (s != *slot) {
                *slot = s;
                *changed = 1;
            }
            if (!lcap_block_is_ret(s)) {
                fset_meet(&in[s->order], &f);
            }
            if (!B->branch)
                break;
        }
        /* a block without a live test (decided here, or unconditional) took
         * the threaded edge on jt alone: its jf, which the machine still
         * follows when the block's jump is a test, must not stay behind on
         * the old target, whose facts never heard of this edge */
        if (!B->branch) {
            b->jf = b->jt;
            if (bi[i].chain && !lcap_block_is_ret(b->jt))
                bi[b->jt->order].chain = 1;
        }
    }
    /* the root itself may be an unconditional block without effects */
    while (!lcap_block_is_ret(*root) && is_uncond(*root)) {
        binfo *R = &bi[(*root)->order];
        lcap_block *next = (*root)->jt;
        if (R->bv.has_store || (R->bv.nstmts > 0 && !lcap_block_is_ret(next) && !bi[next->order].bv.stands_alone))
            break;
        *root = next;
        *changed = 1;
    }
    free(ord);
    free(bi);
    free(in);
    return 0;
oom:
    free(ord);
    free(bi);
    free(in);
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

static int merge_blocks(lcap_cc *cc, lcap_block **root)
{
    size_t n;
    lcap_block **ord = lcap_topo_order(cc, *root, &n, 0);
    if (ord == NULL)
        return -1;
    size_t cap = 1;
    while (cap < 2 * n)
        cap *= 2;
    lcap_block **tab = calloc(cap, sizeof(*tab));
    if (tab == NULL) {
        free(ord);
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
    free(tab);
    free(ord);
    return 0;
}

/* Drops a block's first load of A when every predecessor leaves that very
 * value in A (the ethertype reloaded after an ethertype test). Last step:
 * the block no longer stands alone afterwards. */
static int drop_reloads(lcap_cc *cc, vtab *t, lcap_block *root)
{
    size_t n;
    lcap_block **ord = lcap_topo_order(cc, root, &n, 0);
    if (ord == NULL)
        return -1;
    uint32_t *exit_a = malloc(n * sizeof(*exit_a)), *in_a = malloc(n * sizeof(*in_a));
    int *seen = calloc(n, sizeof(*seen));
    if (exit_a == NULL || in_a == NULL || seen == NULL) {
        free(ord);
        free(exit_a);
        free(in_a);
        free(seen);
        lcap_cc_error(cc, 0, "out of memory optimizing the filter");
        return -1;
    }
    unsigned globals = global_regs(cc);
    for (size_t i = 0; i < n; i++) {
        ord[i]->order = (int)i;
        bval bv;
        eval_block(t, ord[i], globals, &bv);
        exit_a[i] = bv.a;
    }
    const uint32_t none = 0xffffffffu;
    seen[0] = 2;
    in_a[0] = none;
    for (size_t i = 0; i < n; i++) {
        lcap_block *b = ord[i];
        if (lcap_block_is_ret(b))
            continue;
        lcap_block *succ[2] = { b->jt, b->jf };
        for (int e = 0; e < (b->jt == b->jf ? 1 : 2); e++) {
            size_t j = (size_t)succ[e]->order;
            if (!seen[j]) {
                seen[j] = 1;
                in_a[j] = exit_a[i];
            } else if (in_a[j] != exit_a[i]) {
                in_a[j] = none;
            }
        }
    }
    for (size_t i = 1; i < n; i++) {
        lcap_block *b = ord[i];
        lcap_stmt *s = b->stmts;
        if (in_a[i] == none || s == NULL || LCAP_BPF_CLASS(s->code) != LCAP_BPF_LD || t->oom)
            continue;
        if (is_unk(t, in_a[i]))
            continue;
        uint32_t v;
        uint16_t m = LCAP_BPF_MODE(s->code);
        if (m == LCAP_BPF_ABS)
            v = vget(t, V_LD, (uint8_t)LCAP_BPF_SIZE(s->code), 0, 0, 0, s->k);
        else if (m == LCAP_BPF_IMM)
            v = vconst(t, s->k);
        else
            continue;
        if (v == in_a[i])
            b->stmts = s->next;
    }
    free(ord);
    free(exit_a);
    free(in_a);
    free(seen);
    return 0;
}

/* 1 if some return with a non-zero value is reachable. */
static int accepts_some(lcap_cc *cc, lcap_block *root, lcap_block **reject)
{
    size_t n;
    lcap_block **ord = lcap_topo_order(cc, root, &n, 0);
    int yes = 0;
    if (ord == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (lcap_block_is_ret(ord[i])) {
            if (ord[i]->k != 0)
                yes = 1;
            else
                *reject = ord[i];
        }
    }
    free(ord);
    return yes;
}

int lcap_optimize(lcap_cc *cc, lcap_block **root)
{
    vtab t;
    memset(&t, 0, sizeof(t));
    t.weak = cc->libpcap_weak;
    int rc = 0;
    for (int pass = 0; pass < 4; pass++) {
        int changed = 0;
        if (one_pass(cc, &t, root, &changed) < 0) {
            rc = -1;
            break;
        }
        if (!changed)
            break;
    }
    if (rc == 0 && merge_blocks(cc, root) < 0)
        rc = -1;
    t.bigshift = 0; /* judged on the blocks left, as libpcap's last pass does */
    if (rc == 0 && drop_reloads(cc, &t, *root) < 0)
        rc = -1;
    if (rc == 0 && t.bigshift && !cc->libpcap_noopt) {
        lcap_cc_error(cc, 0, "shift by more than 31 bits (the shift amount is a constant once optimized)");
        rc = -1;
    }
    free(t.v);
    free(t.hash);
    if (rc == 0) {
        lcap_block *reject = NULL;
        int a = accepts_some(cc, *root, &reject);
        if (a < 0)
            return -1;
        if (a == 0 && reject != NULL)
            *root = reject;
    }
    return rc;
}
