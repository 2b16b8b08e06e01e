/* opt_pcap.c - the verdict "rejects all packets" as libpcap 1.10.3 gives it: its optimizer's passes
 * run on a copy of the libpcap-shaped graph (edge moves to a fixpoint, then statement rewrites to
 * a fixpoint, identical blocks merged, the root moved past blocks whose edges meet), then its root. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include "filter/opt_pcap.h"

/* Bounds of the model (past them it gives no verdict, and nothing is
 * refused): the bit sets are quadratic in the blocks, and libpcap's loop
 * only stops by its own rules. */
#define PM_MAX_BLOCKS 4000
#define PM_MAX_PASSES 2000
/* libpcap gives up after this many passes in a row that only moved edges */
#define PM_EDGE_ONLY_PASSES 100

static int count_blocks(lcap_cc *cc, lcap_block *root)
{
    size_t n = 0;
    if (lcap_block_count(cc, root, &n) < 0)
        return -1;
    return n > PM_MAX_BLOCKS ? PM_MAX_BLOCKS + 1 : (int)n;
}

static void free_state(pm_state *st)
{
    if (st->blocks != NULL)
        for (int i = 0; i < st->nb; i++)
            if (st->blocks[i] != NULL)
                free(st->blocks[i]->s);
    free(st->blocks);
    free(st->edges);
    free(st->levels);
    free(st->stack);
    free(st->state);
    free(st->vtab);
    free(st->is_const);
    free(st->const_val);
}

/* The copy: blocks numbered as libpcap numbers them (depth first from the
 * root, true successor first, in the order first reached), which orders
 * the edges the edge moves try. */
static int copy_graph(pm_state *st, lcap_block *root, pm_block *mem, uint32_t *bits, lcap_block **src,
                      int *stk_state, lcap_block **stk)
{
    lcap_cc *cc = st->cc;
    int gen = ++cc->markgen, n = 0, sp = 0;
    /* preorder: a block gets its number when first reached */
    root->mark = gen;
    root->pos = n;
    src[n++] = root;
    stk[sp] = root;
    stk_state[sp++] = 0;
    while (sp > 0) {
        lcap_block *b = stk[sp - 1];
        if (lcap_block_is_ret(b) || stk_state[sp - 1] == 2) {
            sp--;
            continue;
        }
        lcap_block *c = stk_state[sp - 1]++ == 0 ? b->jt : b->jf;
        if (c->mark == gen)
            continue;
        c->mark = gen;
        c->pos = n;
        src[n++] = c;
        stk[sp] = c;
        stk_state[sp++] = 0;
    }
    if (n != st->nb)
        return -1;
    uint32_t *p = bits;
    for (int i = 0; i < n; i++) {
        lcap_block *b = src[i];
        pm_block *m = &mem[i];
        st->blocks[i] = m;
        m->id = i;
        m->code = b->code;
        m->k = b->k;
        for (const lcap_stmt *s = b->stmts; s != NULL; s = s->next)
            m->ns++;
        if (m->ns > 0) {
            m->s = malloc((size_t)m->ns * sizeof(*m->s));
            if (m->s == NULL)
                return -1;
            int j = 0;
            for (const lcap_stmt *s = b->stmts; s != NULL; s = s->next)
                m->s[j++] = (pm_stmt){ s->code, s->k };
        }
        m->dom = p;
        p += st->nodewords;
        m->et.edom = p;
        p += st->edgewords;
        m->ef.edom = p;
        p += st->edgewords;
        m->et.id = i;
        m->ef.id = st->nb + i;
        m->et.pred = m->ef.pred = m;
        st->edges[i] = &m->et;
        st->edges[st->nb + i] = &m->ef;
    }
    for (int i = 0; i < n; i++) {
        lcap_block *b = src[i];
        if (!lcap_block_is_ret(b)) {
            st->blocks[i]->et.succ = st->blocks[b->jt->pos];
            st->blocks[i]->ef.succ = st->blocks[b->jf->pos];
        }
    }
    st->root = st->blocks[0];
    return 0;
}

/* One pass of libpcap's loop: the flow facts, every block's values (and,
 * do_stmts, rewrites), then (not do_stmts) edge moves and pullups. */
static void one_pass(pm_state *st, int do_stmts)
{
    lcap_pm_find_levels(st);
    lcap_pm_find_dom(st);
    lcap_pm_find_ud(st);
    lcap_pm_find_edom(st);
    lcap_pm_vn_reset(st);
    int top = st->root->level;
    lcap_pm_find_inedges(st);
    for (int i = top; i >= 0; i--)
        for (pm_block *b = st->levels[i]; b != NULL; b = b->link)
            lcap_pm_opt_blk(st, b, do_stmts);
    if (do_stmts || st->error != NULL)
        return;
    for (int i = 1; i <= top; i++)
        for (pm_block *b = st->levels[i]; b != NULL; b = b->link) {
            lcap_pm_opt_j(st, &b->et);
            lcap_pm_opt_j(st, &b->ef);
        }
    lcap_pm_find_inedges(st);
    for (int i = 1; i <= top; i++)
        for (pm_block *b = st->levels[i]; b != NULL; b = b->link) {
            lcap_pm_or_pullup(st, b);
            lcap_pm_and_pullup(st, b);
        }
}

/* 0 at libpcap's fixpoint, 1 past the model's bound. */
static int run_loop(pm_state *st, int do_stmts, int *passes)
{
    int edge_only = 0;
    for (;;) {
        if (++*passes > PM_MAX_PASSES)
            return 1;
        st->done = 1;
        st->moved_other = 0;
        one_pass(st, do_stmts);
        if (st->error != NULL || st->oom || st->done)
            return 0;
        if (st->moved_other)
            edge_only = 0;
        else if (++edge_only >= PM_EDGE_ONLY_PASSES)
            return 0;
    }
}

static int same_stmts(const pm_block *a, const pm_block *b)
{
    int i = 0, j = 0;
    for (;;) {
        while (i < a->ns && a->s[i].code == PM_NOP)
            i++;
        while (j < b->ns && b->s[j].code == PM_NOP)
            j++;
        if (i == a->ns || j == b->ns)
            return i == a->ns && j == b->ns;
        if (a->s[i].code != b->s[j].code || a->s[i].k != b->s[j].k)
            return 0;
        i++;
        j++;
    }
}

static int same_block(const pm_block *a, const pm_block *b)
{
    return a->code == b->code && a->k == b->k && PM_JT(a) == PM_JT(b) && PM_JF(a) == PM_JF(b) && same_stmts(a, b);
}

static uint32_t block_hash(const pm_block *b)
{
    uint32_t h = (uint32_t)b->code * 2654435761u ^ b->k;
    h ^= (uint32_t)(PM_JT(b) != NULL ? PM_JT(b)->id + 1 : 0) * 2246822519u;
    h ^= (uint32_t)(PM_JF(b) != NULL ? PM_JF(b)->id + 1 : 0) * 3266489917u;
    for (int i = 0; i < b->ns; i++)
        if (b->s[i].code != PM_NOP)
            h = (h ^ (uint32_t)b->s[i].code) * 16777619u ^ b->s[i].k;
    return h ^ h >> 15;
}

/* libpcap merges identical blocks (the same statements, branch and
 * successors) until none are left: bottom up, each block's successors are
 * already the merged ones, so one pass reaches that. -1 out of memory. */
static int merge_identical(pm_state *st)
{
    int top = lcap_pm_find_levels(st);
    size_t cap = 1;
    while (cap < 2 * (size_t)st->nb)
        cap *= 2;
    pm_block **tab = calloc(cap, sizeof(*tab));
    if (tab == NULL)
        return -1;
    for (int i = 0; i <= top; i++)
        for (pm_block *b = st->levels[i]; b != NULL; b = b->link) {
            if (PM_JT(b) != NULL) {
                PM_JT(b) = PM_JT(b)->rep;
                PM_JF(b) = PM_JF(b)->rep;
            }
            size_t h = block_hash(b) & (cap - 1);
            while (tab[h] != NULL && !same_block(tab[h], b))
                h = (h + 1) & (cap - 1);
            if (tab[h] == NULL)
                tab[h] = b;
            b->rep = tab[h];
        }
    free(tab);
    return 0;
}

int lcap_pcap_verdict(lcap_cc *cc, lcap_block *root, const char **msg)
{
    pm_state st;
    memset(&st, 0, sizeof(st));
    st.cc = cc;
    *msg = NULL;
    int n = count_blocks(cc, root);
    if (n < 0)
        return -1;
    if (n > PM_MAX_BLOCKS)
        return LCAP_PM_UNKNOWN;
    st.nb = n;
    st.nodewords = n / 32 + 1;
    st.edgewords = 2 * n / 32 + 1;
    size_t words = (size_t)n * ((size_t)st.nodewords + 2 * (size_t)st.edgewords);
    pm_block *mem = calloc((size_t)n, sizeof(*mem));
    uint32_t *bits = calloc(words, sizeof(*bits));
    lcap_block **src = calloc((size_t)n, sizeof(*src)), **stk = calloc((size_t)n, sizeof(*stk));
    st.blocks = calloc((size_t)n, sizeof(*st.blocks));
    st.edges = calloc(2 * (size_t)n, sizeof(*st.edges));
    st.levels = calloc((size_t)n, sizeof(*st.levels));
    st.stack = calloc((size_t)n, sizeof(*st.stack));
    st.state = calloc((size_t)n, sizeof(*st.state));
    int rc = -1;
    if (mem == NULL || bits == NULL || src == NULL || stk == NULL || st.blocks == NULL || st.edges == NULL ||
        st.levels == NULL || st.stack == NULL || st.state == NULL ||
        copy_graph(&st, root, mem, bits, src, st.state, stk) < 0)
        goto out;
    int passes = 0;
    if (run_loop(&st, 0, &passes) || (st.error == NULL && !st.oom && run_loop(&st, 1, &passes))) {
        rc = LCAP_PM_UNKNOWN;
        goto out;
    }
    if (st.oom)
        goto out;
    if (st.error != NULL) {
        *msg = st.error;
        rc = LCAP_PM_ERROR;
        goto out;
    }
    if (merge_identical(&st) < 0)
        goto out;
    pm_block *r = st.root;
    while (LCAP_BPF_CLASS(r->code) == LCAP_BPF_JMP && PM_JT(r) == PM_JF(r))
        r = PM_JT(r);
    rc = r->code == (LCAP_BPF_RET | LCAP_BPF_K) && r->k == 0 ? LCAP_PM_REJECTS : LCAP_PM_COMPILES;
out:
    if (rc < 0)
        lcap_cc_error(cc, 0, "out of memory judging the filter");
    free_state(&st);
    free(mem);
    free(bits);
    free(src);
    free(stk);
    return rc;
}
