/* opt_pullup.c - libpcap's and/or pullups, for the verdict's passes: a test of the value that an
 * and (or) chain's predecessors all tested is moved to the chain's top, where their facts decide it. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "filter/opt.h"

/* b->aval: the value number of A at the branch, or LCAP_PULL_FIXED for a
 * block that must not move (a store, or registers read from before it). */

static int is_branch(const lcap_block *b) { return !lcap_block_is_ret(b) && b->jt != b->jf; }

static int movable(const lcap_block *b) { return is_branch(b) && b->aval != LCAP_PULL_FIXED; }

/* A block the registers of whose predecessors do not matter. */
static int fresh(const lcap_block *b) { return lcap_block_is_ret(b) || b->aval != LCAP_PULL_FIXED; }

static lcap_block **along(lcap_block *b, int and) { return and ? &b->jt : &b->jf; }
static lcap_block *shared(const lcap_block *b, int and) { return and ? b->jf : b->jt; }

/* One pullup into the chain headed by b (and: through the true edges, every
 * false edge to the same place; or: the other way round), as libpcap's
 * and_pullup and or_pullup: b's predecessors all left A at one value val;
 * past b (and the tests of val right below it) comes the first test of val
 * further down the chain, which goes up in front of them. Only blocks with
 * one predecessor move, so no other path changes. 1 if done. */
static int pull_one(lcap_block **ord, size_t n, lcap_block *b, uint32_t val, int and)
{
    lcap_block *top = NULL, *d = b;
    for (;;) {
        if (!movable(d) || shared(d, and) != shared(b, and) || (d != b && d->npred != 1))
            return 0;
        if (d->aval != val)
            break;
        top = d;
        d = *along(d, and);
    }
    lcap_block *above = d, *s = *along(d, and);
    for (;;) {
        if (!movable(s) || shared(s, and) != shared(b, and) || s->npred != 1)
            return 0;
        if (s->aval == val)
            break;
        above = s;
        s = *along(s, and);
    }
    if (!fresh(*along(s, and)) || !fresh(shared(b, and)))
        return 0;
    if (top != NULL)
        *along(top, and) = s;
    for (size_t i = 0; top == NULL && i < n; i++) {
        if (lcap_block_is_ret(ord[i]))
            continue;
        if (ord[i]->jt == b)
            ord[i]->jt = s;
        if (ord[i]->jf == b)
            ord[i]->jf = s;
    }
    *along(above, and) = *along(s, and);
    *along(s, and) = d;
    return 1;
}

/* Up to max pullups on the graph from *root; the number made, or -1. */
int lcap_opt_pullup(lcap_cc *cc, lcap_block *root, int max)
{
    int made = 0;
    while (made < max) {
        size_t n;
        lcap_block **ord = lcap_topo_order_tmp(cc, root, &n, 0);
        if (ord == NULL)
            return -1;
        uint32_t *pval = lcap_tmp_alloc(cc, n, sizeof(*pval), 0);
        if (pval == NULL) {
            lcap_tmp_free(cc, ord);
            lcap_cc_error(cc, 0, "out of memory optimizing the filter");
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            ord[i]->order = (int)i;
            ord[i]->npred = 0;
            pval[i] = LCAP_PULL_FIXED;
        }
        /* pval: the value every predecessor (a test) left in A, or FIXED */
        for (size_t i = 0; i < n; i++) {
            lcap_block *p = ord[i];
            if (lcap_block_is_ret(p))
                continue;
            for (int e = 0; e < 2; e++) {
                lcap_block *s = e ? p->jf : p->jt;
                if (e && s == p->jt)
                    break;
                uint32_t v = movable(p) ? p->aval : LCAP_PULL_FIXED;
                pval[s->order] = s->npred++ == 0 || pval[s->order] == v ? v : LCAP_PULL_FIXED;
            }
        }
        int done = 0;
        for (size_t i = 1; i < n && !done; i++) {
            lcap_block *b = ord[i];
            if (pval[i] == LCAP_PULL_FIXED || !movable(b))
                continue;
            done = pull_one(ord, n, b, pval[i], 1) || pull_one(ord, n, b, pval[i], 0);
        }
        lcap_tmp_free(cc, pval);
        lcap_tmp_free(cc, ord);
        if (!done)
            break;
        made++;
    }
    return made;
}
