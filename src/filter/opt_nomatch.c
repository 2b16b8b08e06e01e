/* opt_nomatch.c - whether an optimized program can accept a packet, path by path: the threading
 * passes meet facts where paths join and lose what each side knew ("the type is ARP" and "the
 * type is RARP"); following each path keeps it, for the question whether to ask libpcap's verdict. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include "filter/opt.h"

/* Small programs only, and a bounded walk: past either, "it may accept". */
#define NM_MAX_BLOCKS 128
#define NM_MAX_STEPS 2000
#define NM_MAX_DEPTH 256
#define NM_MAX_FACTS 48

typedef struct nm_fact {
    uint32_t v, opnd;
    uint16_t op;
    uint16_t yes;
} nm_fact;

typedef struct nm_walk {
    lcap_vtab *t;
    int steps;
    nm_fact f[NM_MAX_FACTS];
    int nf;
} nm_walk;

/* 1 true, 0 false, -1 unknown on this path. */
static int decide(const nm_walk *w, uint32_t a, uint16_t op, uint32_t opnd)
{
    uint32_t x = 0, k = 0;
    int kc = lcap_vn_is_const(w->t, opnd, &k);
    if (kc && lcap_vn_is_const(w->t, a, &x))
        return lcap_test_holds(op, x, k);
    for (int i = 0; i < w->nf; i++) {
        const nm_fact *f = &w->f[i];
        if (f->v != a)
            continue;
        if (f->op == op && f->opnd == opnd)
            return f->yes;
        if (kc && f->op == LCAP_BPF_JEQ && f->yes && lcap_vn_is_const(w->t, f->opnd, &x))
            return lcap_test_holds(op, x, k); /* a is x on this path */
    }
    return -1;
}

/* 1 when a return of nonzero is reached from b with registers r (or the
 * walk ran out: it may be). */
static int reaches_accept(nm_walk *w, const lcap_block *b, const uint32_t *r0, int depth)
{
    if (++w->steps > NM_MAX_STEPS || depth > NM_MAX_DEPTH || w->t->oom)
        return 1;
    if (lcap_block_is_ret(b))
        return b->k != 0 || LCAP_BPF_RVAL(b->code) != LCAP_BPF_K;
    uint32_t r[LCAP_VN_REGS];
    memcpy(r, r0, sizeof(r));
    for (const lcap_stmt *s = b->stmts; s != NULL; s = s->next)
        lcap_vn_step(w->t, r, s);
    if (b->jt == b->jf)
        return reaches_accept(w, b->jt, r, depth + 1);
    uint16_t op = (uint16_t)LCAP_BPF_OP(b->code);
    uint32_t a = r[LCAP_VN_A], opnd = LCAP_BPF_SRC(b->code) == LCAP_BPF_X ? r[LCAP_VN_X] : lcap_vn_const(w->t, b->k);
    int d = decide(w, a, op, opnd);
    for (int yes = 1; yes >= 0; yes--) {
        if (d >= 0 && d != yes)
            continue;
        int pushed = d < 0 && w->nf < NM_MAX_FACTS;
        if (pushed)
            w->f[w->nf++] = (nm_fact){ a, opnd, op, (uint16_t)yes };
        int got = reaches_accept(w, yes ? b->jt : b->jf, r, depth + 1);
        if (pushed)
            w->nf--;
        if (got)
            return 1;
    }
    return 0;
}

int lcap_opt_matches_nothing(lcap_cc *cc, lcap_block *root)
{
    size_t n;
    if (lcap_block_count(cc, root, &n) < 0)
        return -1;
    if (n > NM_MAX_BLOCKS)
        return 0;
    lcap_vtab t;
    memset(&t, 0, sizeof(t));
    t.mem = &cc->arena;
    nm_walk w = { .t = &t };
    uint32_t r[LCAP_VN_REGS];
    lcap_vn_unk_all(&t, r);
    return !reaches_accept(&w, root, r, 0);
}
