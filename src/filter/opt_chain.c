/* opt_chain.c - reordering of test chains: "t1 or t2 or ..." blocks that all go to one place when
 * true (or all to one place when false) are regrouped so that tests of one value sit together
 * (every src address test, then every dst one), and the value is then loaded once. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter/opt.h"

#define BIT(r) (1u << (r))

/* Per block: what reordering needs to know. */
typedef struct cinfo {
    uint32_t bound;   /* bytes every path in has loaded */
    uint32_t ext;     /* bytes the block's absolute loads need */
    uint32_t iext;    /* bytes past X its indexed loads need (X is one value along a chain) */
    int npred;
    int movable;      /* a pure test: writes only A, defines it before reading it */
    int head;         /* may start a chain: the same, or sets X too before its indexed loads */
    int classified;   /* movable, ext and key are set */
    int used;         /* already in a chain */
} cinfo;

static int oom(lcap_cc *cc)
{
    lcap_cc_error(cc, 0, "out of memory optimizing the filter");
    return -1;
}

static void classify(lcap_vtab *t, lcap_block *b, cinfo *ci)
{
    uint32_t defd = 0, ext = 0, iext = 0;
    int ok = !lcap_block_is_ret(b) && b->jt != b->jf, setx = 0, ind = 0;
    for (const lcap_stmt *s = b->stmts; ok && s != NULL; s = s->next) {
        uint32_t u, d;
        lcap_stmt_regs(s, &u, &d);
        if ((u & BIT(LCAP_VN_A) & ~defd) || (d & ~(BIT(LCAP_VN_A) | BIT(LCAP_VN_X))) || lcap_stmt_may_fault(s) ||
            LCAP_BPF_CLASS(s->code) == LCAP_BPF_ST || LCAP_BPF_CLASS(s->code) == LCAP_BPF_STX)
            ok = 0;
        if (d & BIT(LCAP_VN_X)) {
            setx = 1;
            if (ind)
                ok = 0; /* its indexed loads would not all use the X the chain sees */
        }
        defd |= d;
        if (LCAP_BPF_CLASS(s->code) == LCAP_BPF_LD && LCAP_BPF_MODE(s->code) == LCAP_BPF_IND) {
            ind = 1;
            uint32_t size = LCAP_BPF_SIZE(s->code) == LCAP_BPF_W ? 4 : LCAP_BPF_SIZE(s->code) == LCAP_BPF_H ? 2 : 1;
            uint32_t e = s->k > UINT32_MAX - size ? UINT32_MAX : s->k + size;
            if (e > iext)
                iext = e;
        } else {
            uint32_t e = lcap_stmt_extent(s);
            if (e > ext)
                ext = e;
        }
    }
    if (ok && !(defd & BIT(LCAP_VN_A)))
        ok = 0; /* tests the A it was given */
    ci->head = ok && !t->oom;
    ci->movable = ci->head && !setx;
    ci->classified = 1;
    ci->ext = ext;
    ci->iext = iext;
}

/* Key -> group index, open addressing. */
typedef struct gmap {
    uint32_t *keys;
    int *grp;
    size_t cap;
} gmap;

static int gmap_find(gmap *m, size_t cap, uint32_t key, int *ngroups)
{
    size_t h = (key * 2654435761u) & (cap - 1);
    while (m->grp[h] >= 0) {
        if (m->keys[h] == key)
            return m->grp[h];
        h = (h + 1) & (cap - 1);
    }
    m->keys[h] = key;
    m->grp[h] = (*ngroups)++;
    return m->grp[h];
}

/* The contents of a block, as they move between the blocks of a chain. */
typedef struct body {
    lcap_stmt *stmts;
    uint16_t code;
    uint32_t k;
} body;

/* Regroups chain[0..len) (linked through their false exits when or_sense,
 * else their true ones). A test moved before tests that came before it must
 * need no more bytes than the packet was known to hold where the first of
 * those ran (absolute loads, and indexed ones measured from X, which no test
 * of a chain changes), so that the program never stops on a short packet
 * where it used to answer. Returns 1 when the order changed. */
static int regroup(lcap_cc *cc, lcap_block **chain, size_t len, const cinfo *info, const uint32_t *key, uint32_t m, int *grp,
                   size_t *first, uint32_t *pmax, uint32_t *ipmax, gmap *map, body *scratch)
{
    int ngroups = 0;
    size_t cap = 1;
    while (cap < 2 * len)
        cap *= 2;
    for (size_t i = 0; i < cap; i++)
        map->grp[i] = -1;
    uint32_t p = m, ip = 0;
    for (size_t i = 0; i < len; i++) {
        const cinfo *ci = &info[chain[i]->order];
        int before = ngroups;
        grp[i] = gmap_find(map, cap, key[i], &ngroups);
        if (ngroups != before)
            first[grp[i]] = i;
        if (ci->ext > p)
            p = ci->ext;
        if (ci->iext > ip)
            ip = ci->iext;
        pmax[i] = p;
        ipmax[i] = ip;
    }
    if (ngroups < 2 || (size_t)ngroups == len)
        return 0;
    int sorted = 1;
    for (size_t i = 1; i < len; i++)
        if (grp[i] < grp[i - 1])
            sorted = 0;
    if (sorted)
        return 0;
    for (size_t i = 0; i < len; i++) {
        int g = grp[i];
        const cinfo *ci = &info[chain[i]->order];
        if (g + 1 < ngroups && first[g + 1] < i &&
            (ci->ext > pmax[first[g + 1]] || (ci->iext != 0 && ci->iext > ipmax[first[g + 1]])))
            return 0;
    }
    /* counting sort by group, stable: contents move, block objects and edges stay */
    size_t *start = first; /* reused: group start offsets */
    size_t *cnt = lcap_tmp_alloc(cc, (size_t)ngroups + 1, sizeof(*cnt), 1);
    if (cnt == NULL)
        return -1;
    for (size_t i = 0; i < len; i++)
        cnt[grp[i] + 1]++;
    for (int g = 0; g < ngroups; g++)
        cnt[g + 1] += cnt[g];
    for (int g = 0; g < ngroups; g++)
        start[g] = cnt[g];
    lcap_tmp_free(cc, cnt);
    for (size_t i = 0; i < len; i++) {
        body *d = &scratch[start[grp[i]]++];
        d->stmts = chain[i]->stmts;
        d->code = chain[i]->code;
        d->k = chain[i]->k;
    }
    for (size_t i = 0; i < len; i++) {
        chain[i]->stmts = scratch[i].stmts;
        chain[i]->code = scratch[i].code;
        chain[i]->k = scratch[i].k;
    }
    return 1;
}

/* The arrays regrouping needs, allocated when a first chain is found. */
typedef struct work {
    size_t cap;         /* the longest chain they hold */
    lcap_block **chain;
    int *grp;
    size_t *first;
    uint32_t *pmax, *ipmax, *key;
    body *scratch;
    gmap map;
} work;

static int work_alloc(lcap_cc *cc, work *w, size_t n)
{
    size_t mcap = 1;
    while (mcap < 2 * n)
        mcap *= 2;
    w->chain = lcap_tmp_alloc(cc, n, sizeof(*w->chain), 0);
    w->grp = lcap_tmp_alloc(cc, n, sizeof(*w->grp), 0);
    w->first = lcap_tmp_alloc(cc, n, sizeof(*w->first), 0);
    w->pmax = lcap_tmp_alloc(cc, n, sizeof(*w->pmax), 0);
    w->ipmax = lcap_tmp_alloc(cc, n, sizeof(*w->ipmax), 0);
    w->key = lcap_tmp_alloc(cc, n, sizeof(*w->key), 0);
    w->scratch = lcap_tmp_alloc(cc, n, sizeof(*w->scratch), 0);
    w->map = (gmap){ lcap_tmp_alloc(cc, mcap, sizeof(uint32_t), 0), lcap_tmp_alloc(cc, mcap, sizeof(int), 0), mcap };
    w->cap = n;
    return w->chain && w->grp && w->first && w->pmax && w->ipmax && w->key && w->scratch && w->map.keys && w->map.grp ? 0 : -1;
}

static void work_free(lcap_cc *cc, work *w)
{
    lcap_tmp_free(cc, w->chain);
    lcap_tmp_free(cc, w->grp);
    lcap_tmp_free(cc, w->first);
    lcap_tmp_free(cc, w->pmax);
    lcap_tmp_free(cc, w->ipmax);
    lcap_tmp_free(cc, w->key);
    lcap_tmp_free(cc, w->scratch);
    lcap_tmp_free(cc, w->map.keys);
    lcap_tmp_free(cc, w->map.grp);
}

/* Whether b starts at least a chain of 3 for the sense, by the shape of the
 * graph alone (before the blocks are looked into). */
static int chain_shape(const lcap_block *b, int or_sense, const cinfo *info)
{
    const lcap_block *exit = or_sense ? b->jt : b->jf, *c = b;
    for (int k = 0; k < 2; k++) {
        c = or_sense ? c->jf : c->jt;
        if (lcap_block_is_ret(c) || c->jt == c->jf || info[c->order].npred != 1 ||
            !lcap_same_exit(or_sense ? c->jt : c->jf, exit))
            return 0;
    }
    return 1;
}

/* The chain from b (its blocks in *len, into chain when not NULL): blocks
 * with b's exit for the sense and one predecessor each, each a pure test. */
static size_t chain_from(lcap_vtab *t, lcap_block *b, int or_sense, cinfo *info, lcap_block **chain)
{
    lcap_block *exit = or_sense ? b->jt : b->jf;
    size_t len = 1;
    if (chain != NULL)
        chain[0] = b;
    for (lcap_block *c = or_sense ? b->jf : b->jt;; c = or_sense ? c->jf : c->jt) {
        if (lcap_block_is_ret(c))
            break;
        cinfo *ci = &info[c->order];
        if (ci->used || ci->npred != 1 || !lcap_same_exit(or_sense ? c->jt : c->jf, exit))
            break;
        if (!ci->classified)
            classify(t, c, ci);
        if (!ci->movable)
            break;
        if (chain != NULL)
            chain[len] = c;
        len++;
    }
    return len;
}

int lcap_opt_chains(lcap_cc *cc, lcap_vtab *t, lcap_block **ord, size_t n)
{
    cinfo *info = lcap_tmp_alloc(cc, n, sizeof(*info), 1);
    work w;
    memset(&w, 0, sizeof(w));
    int rc = 0;
    if (info == NULL)
        return oom(cc);
    uint32_t r0[LCAP_VN_REGS];
    for (int r = 0; r < LCAP_VN_REGS; r++)
        r0[r] = lcap_vn_unk(t);
    for (size_t i = 0; i < n; i++)
        ord[i]->order = (int)i;
    for (size_t i = 0; i < n; i++) {
        lcap_block *b = ord[i];
        if (lcap_block_is_ret(b))
            continue;
        uint32_t out = info[i].bound;
        for (const lcap_stmt *s = b->stmts; s != NULL; s = s->next) {
            uint32_t e = lcap_stmt_extent(s);
            if (e > out)
                out = e;
        }
        lcap_block *succ[2] = { b->jt, b->jf };
        for (int e = 0; e < (b->jt == b->jf ? 1 : 2); e++) {
            cinfo *s = &info[succ[e]->order];
            if (s->npred++ == 0 || out < s->bound)
                s->bound = out;
        }
    }
    for (size_t i = 0; i < n; i++) {
        lcap_block *b = ord[i];
        if (lcap_block_is_ret(b) || b->jt == b->jf || info[i].used ||
            !(chain_shape(b, 1, info) || chain_shape(b, 0, info)))
            continue;
        if (!info[i].classified)
            classify(t, b, &info[i]);
        if (!info[i].head)
            continue;
        for (int or_sense = 1; or_sense >= 0; or_sense--) {
            size_t len = chain_from(t, b, or_sense, info, NULL);
            if (len < 3)
                continue;
            /* sized by the chain (a long program's chains are a part of it) */
            if (w.cap < len) {
                work_free(cc, &w);
                memset(&w, 0, sizeof(w));
                if (work_alloc(cc, &w, len) < 0) {
                    rc = oom(cc);
                    goto out;
                }
            }
            chain_from(t, b, or_sense, info, w.chain);
            lcap_block *last = w.chain[len - 1];
            /* taken either way: a chain's tail would fail as it does (and
             * looking at every tail would cost the square of its length) */
            for (size_t j = 0; j < len; j++)
                info[w.chain[j]->order].used = 1;
            if (!lcap_a_dead(or_sense ? b->jt : b->jf, 4) || !lcap_a_dead(or_sense ? last->jf : last->jt, 4))
                continue;
            /* what each test compares, with the X the first one leaves */
            /* r carried from test to test: X is the first one's, the
             * scratch words r0's (no test writes them), and A defined by
             * each test before it reads it */
            uint32_t r[LCAP_VN_REGS];
            memcpy(r, r0, sizeof(r));
            for (size_t j = 0; j < len; j++) {
                for (const lcap_stmt *st = w.chain[j]->stmts; st != NULL; st = st->next)
                    lcap_vn_step(t, r, st);
                w.key[j] = r[LCAP_VN_A];
            }
            if (t->oom) {
                rc = oom(cc);
                goto out;
            }
            int moved = regroup(cc, w.chain, len, info, w.key, info[i].bound, w.grp, w.first, w.pmax, w.ipmax,
                                &w.map, w.scratch);
            if (moved < 0) {
                rc = oom(cc);
                goto out;
            }
            rc |= moved;
            break;
        }
    }
out:
    lcap_tmp_free(cc, info);
    work_free(cc, &w);
    return rc;
}
