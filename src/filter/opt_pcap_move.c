/* opt_pcap_move.c - the edge moves of libpcap 1.10.3's optimizer as modelled for the verdict:
 * an edge past a test an edge dominating it decides, past a block whose edges meet, and the
 * or/and pullups of a test of the value a chain's predecessors left in A. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "filter/opt_pcap.h"

/* A register succ's successors read holds another value after b than after
 * succ: b's edge cannot skip to succ. */
static int conflict(const pm_block *b, const pm_block *succ)
{
    uint32_t use = succ->out_use;
    for (int a = 0; use != 0 && a < PM_ATOMS; a++)
        if ((use >> a & 1) && b->val[a] != succ->val[a])
            return 1;
    return 0;
}

/* Where child's test goes when dom, an edge on every path to it, was
 * taken: the same opcode, the same A (an unknown A is "the same" too, as
 * in libpcap) and operand, or an equality known true against another
 * constant. NULL when it cannot tell. */
static pm_block *decided(pm_block *child, const pm_edge *dom)
{
    int code = dom->code, sense = 1;
    if (code < 0) {
        code = -code;
        sense = 0;
    }
    if (child->code != code || child->val[PM_A] != dom->pred->val[PM_A])
        return NULL;
    if (child->oval == dom->pred->oval)
        return sense ? PM_JT(child) : PM_JF(child);
    if (sense && code == (LCAP_BPF_JMP | LCAP_BPF_JEQ | LCAP_BPF_K))
        return PM_JF(child);
    return NULL;
}

void lcap_pm_opt_j(pm_state *st, pm_edge *ep)
{
    if (PM_JT(ep->succ) == NULL)
        return;
    if (PM_JT(ep->succ) == PM_JF(ep->succ) && !conflict(ep->pred, PM_JT(ep->succ))) {
        st->done = 0;
        st->moved_other = 1;
        ep->succ = PM_JT(ep->succ);
    }
again:
    /* the dominating edges in the order of their numbers, from the first
     * again after each move */
    for (int w = 0; w < st->edgewords; w++) {
        uint32_t bits = ep->edom[w];
        while (bits != 0) {
            int k = __builtin_ctz(bits);
            bits &= bits - 1;
            int id = w * 32 + k;
            if (id >= 2 * st->nb)
                continue;
            pm_block *to = decided(ep->succ, st->edges[id]);
            if (to != NULL && !conflict(ep->pred, to)) {
                st->done = 0;
                ep->succ = to;
                if (PM_JT(to) != NULL)
                    goto again;
                return;
            }
        }
    }
}

/* One pullup into the chain below b: and_chain follows true edges (every
 * false edge to where b's goes), otherwise false edges. */
static void pullup(pm_state *st, pm_block *b, int and_chain)
{
    pm_edge *ep = b->in;
    if (ep == NULL)
        return;
    uint32_t val = ep->pred->val[PM_A];
    for (ep = ep->next; ep != NULL; ep = ep->next)
        if (ep->pred->val[PM_A] != val)
            return;
#define ALONG(x) (and_chain ? &PM_JT(x) : &PM_JF(x))
#define SHARED(x) (and_chain ? PM_JF(x) : PM_JT(x))
    pm_block *p0 = b->in->pred;
    /* the edge of the first predecessor that reaches b (its false edge if
     * neither does any more: libpcap's choice) */
    pm_block **diff = PM_JT(p0) == b ? &PM_JT(p0) : &PM_JF(p0);
    int at_top = 1;
    for (;;) {
        if (*diff == NULL || SHARED(*diff) != SHARED(b) || !pm_member((*diff)->dom, b->id))
            return;
        if ((*diff)->val[PM_A] != val)
            break;
        diff = ALONG(*diff);
        at_top = 0;
    }
    pm_block **same = ALONG(*diff);
    for (;;) {
        if (*same == NULL || SHARED(*same) != SHARED(b) || !pm_member((*same)->dom, b->id))
            return;
        if ((*same)->val[PM_A] == val)
            break;
        same = ALONG(*same);
    }
    pm_block *pull = *same;
    *same = *ALONG(pull);
    *ALONG(pull) = *diff;
    if (at_top) {
        for (ep = b->in; ep != NULL; ep = ep->next) {
            if (PM_JT(ep->pred) == b)
                PM_JT(ep->pred) = pull;
            else
                PM_JF(ep->pred) = pull;
        }
    } else {
        *diff = pull;
    }
#undef ALONG
#undef SHARED
    st->done = 0;
}

void lcap_pm_or_pullup(pm_state *st, pm_block *b) { pullup(st, b, 0); }
void lcap_pm_and_pullup(pm_state *st, pm_block *b) { pullup(st, b, 1); }
