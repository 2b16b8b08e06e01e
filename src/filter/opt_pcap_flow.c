/* opt_pcap_flow.c - the flow facts libpcap 1.10.3's optimizer works from, as modelled for the
 * verdict: levels (and the order of each level's list), dominators, edge dominators, register uses. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include "filter/opt_pcap.h"

/* Levels: a return is 0, a branch one more than its higher successor. Each
 * level's list is in the order libpcap's recursive walk (true successor
 * first) finishes its blocks, newest first; the passes go through it in
 * that order, which decides which of two moves comes first. The walk is
 * iterative here (deep graphs). The height of the root, or -1. */
int lcap_pm_find_levels(pm_state *st)
{
    memset(st->levels, 0, (size_t)st->nb * sizeof(*st->levels));
    unsigned gen = ++st->markgen;
    int sp = 0;
    st->stack[sp] = st->root;
    st->state[sp++] = 0;
    st->root->mark = gen;
    st->root->link = NULL;
    while (sp > 0) {
        pm_block *b = st->stack[sp - 1];
        int *state = &st->state[sp - 1];
        if (PM_JT(b) != NULL && *state < 2) {
            pm_block *c = *state == 0 ? PM_JT(b) : PM_JF(b);
            (*state)++;
            if (c->mark != gen) {
                c->mark = gen;
                c->link = NULL;
                st->stack[sp] = c;
                st->state[sp++] = 0;
            }
            continue;
        }
        sp--;
        int level = 0;
        if (PM_JT(b) != NULL) {
            level = PM_JT(b)->level > PM_JF(b)->level ? PM_JT(b)->level : PM_JF(b)->level;
            level++;
        }
        b->level = level;
        b->link = st->levels[level];
        st->levels[level] = b;
    }
    return st->root->level;
}

void lcap_pm_find_dom(pm_state *st)
{
    for (int i = 0; i < st->nb; i++)
        memset(st->blocks[i]->dom, 0xff, (size_t)st->nodewords * sizeof(uint32_t));
    memset(st->root->dom, 0, (size_t)st->nodewords * sizeof(uint32_t));
    for (int level = st->root->level; level >= 0; level--)
        for (pm_block *b = st->levels[level]; b != NULL; b = b->link) {
            pm_insert(b->dom, b->id);
            if (PM_JT(b) == NULL)
                continue;
            for (int w = 0; w < st->nodewords; w++) {
                PM_JT(b)->dom[w] &= b->dom[w];
                PM_JF(b)->dom[w] &= b->dom[w];
            }
        }
}

static void edge_down(pm_state *st, pm_edge *e)
{
    pm_insert(e->edom, e->id);
    if (e->succ == NULL)
        return;
    for (int w = 0; w < st->edgewords; w++) {
        e->succ->et.edom[w] &= e->edom[w];
        e->succ->ef.edom[w] &= e->edom[w];
    }
}

void lcap_pm_find_edom(pm_state *st)
{
    for (int i = 0; i < 2 * st->nb; i++)
        memset(st->edges[i]->edom, 0xff, (size_t)st->edgewords * sizeof(uint32_t));
    memset(st->root->et.edom, 0, (size_t)st->edgewords * sizeof(uint32_t));
    memset(st->root->ef.edom, 0, (size_t)st->edgewords * sizeof(uint32_t));
    for (int level = st->root->level; level >= 0; level--)
        for (pm_block *b = st->levels[level]; b != NULL; b = b->link) {
            edge_down(st, &b->et);
            edge_down(st, &b->ef);
        }
}

/* What each block reads of what its predecessors left (in_use) and what its
 * successors read (out_use). */
void lcap_pm_find_ud(pm_state *st)
{
    int top = st->root->level;
    for (int i = top; i >= 0; i--)
        for (pm_block *b = st->levels[i]; b != NULL; b = b->link) {
            lcap_pm_local_ud(b);
            b->out_use = 0;
        }
    for (int i = 1; i <= top; i++)
        for (pm_block *b = st->levels[i]; b != NULL; b = b->link) {
            b->out_use |= PM_JT(b)->in_use | PM_JF(b)->in_use;
            b->in_use |= b->out_use & ~b->kill;
        }
}

/* The edges into each block, from the level lists as they are (after moves
 * within a pass, lists and levels are those of the pass's start). */
void lcap_pm_find_inedges(pm_state *st)
{
    for (int i = 0; i < st->nb; i++)
        st->blocks[i]->in = NULL;
    for (int level = st->root->level; level > 0; level--)
        for (pm_block *b = st->levels[level]; b != NULL; b = b->link) {
            b->et.next = PM_JT(b)->in;
            PM_JT(b)->in = &b->et;
            b->ef.next = PM_JF(b)->in;
            PM_JF(b)->in = &b->ef;
        }
}
