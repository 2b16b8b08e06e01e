/* opt_pcap.h - a behavioural model of libpcap 1.10.3's optimizer, used only to decide whether an
 * expression is refused as "rejects all packets" (its verdict), on a private copy of the block graph. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_FILTER_OPT_PCAP_H
#define LCAP_FILTER_OPT_PCAP_H

#include <stdint.h>

#include "filter/ir.h"

/* What libpcap's optimizer would make of the graph from root (built in
 * libpcap's shape, unoptimized; it is not changed). */
enum {
    LCAP_PM_COMPILES = 0, /* its root is not "ret #0" */
    LCAP_PM_REJECTS = 1,  /* "expression rejects all packets" */
    LCAP_PM_ERROR = 2,    /* it stops with an error (division by zero...): *msg */
    LCAP_PM_UNKNOWN = 3,  /* too big, or ran past the model's bound: do not refuse */
};
/* One of LCAP_PM_*, or -1 when out of memory (error set in cc). */
int lcap_pcap_verdict(lcap_cc *cc, lcap_block *root, const char **msg);

/* ---- the model's state, shared by its files (opt_pcap*.c) ---- */

/* libpcap's registers as it numbers them: the scratch words, then A and X. */
#define PM_A LCAP_BPF_MEMWORDS
#define PM_X (LCAP_BPF_MEMWORDS + 1)
#define PM_ATOMS (LCAP_BPF_MEMWORDS + 2)
#define PM_AX PM_ATOMS /* "both A and X" as a use */
#define PM_NOP (-1)    /* a statement deleted in place */

typedef struct pm_stmt {
    int code;
    uint32_t k;
} pm_stmt;

struct pm_block;

typedef struct pm_edge {
    int id;
    int code;               /* the branch's opcode, negated on the false edge */
    struct pm_block *pred;
    struct pm_block *succ;  /* where it goes (jt or jf of pred) */
    struct pm_edge *next;   /* the next edge into succ (in-edge list) */
    uint32_t *edom;         /* edges on every path from the root to it, itself included */
} pm_edge;

typedef struct pm_block {
    int id;
    int code;               /* branch (JMP class) or return */
    uint32_t k;
    pm_stmt *s;
    int ns;                 /* statements (0 once cleared) */
    pm_edge et, ef;         /* true and false edges; succ NULL on a return */
    int level;
    struct pm_block *link;  /* next in its level's list */
    pm_edge *in;            /* edges into it */
    uint32_t *dom;          /* blocks on every path from the root to it */
    uint32_t val[PM_ATOMS]; /* value numbers on exit */
    uint32_t oval;          /* value number of the branch operand */
    uint32_t def, kill, in_use, out_use;
    unsigned mark;
    struct pm_block *rep;   /* the identical block it is merged into (itself if none) */
} pm_block;

#define PM_JT(b) ((b)->et.succ)
#define PM_JF(b) ((b)->ef.succ)

typedef struct pm_vnode {
    int code;
    uint32_t v0, v1;
    uint32_t val;
} pm_vnode;

typedef struct pm_state {
    lcap_cc *cc;
    int nb;
    pm_block **blocks;      /* by id */
    pm_edge **edges;        /* by id: true edges 0..nb, then false ones */
    pm_block **levels;      /* by level: the first of a list through link */
    pm_block *root;
    int nodewords, edgewords;
    unsigned markgen;
    int done, moved_other;  /* this pass changed something; something besides edges */
    const char *error;      /* the message libpcap's optimizer would stop with */
    /* value numbers: 0 unknown, then 1, 2, ... in order made */
    pm_vnode *vtab;         /* open addressing, vcap slots */
    uint32_t vcap, curval;
    uint8_t *is_const;      /* by value number, room for constcap */
    uint32_t *const_val;
    uint32_t constcap;
    int oom;
    pm_block **stack;       /* room for nb (graph walks) */
    int *state;
} pm_state;

/* opt_pcap_vn.c: value numbers and one block's statements. */
void lcap_pm_vn_reset(pm_state *st);
uint32_t lcap_pm_F(pm_state *st, int code, uint32_t v0, uint32_t v1);
void lcap_pm_opt_blk(pm_state *st, pm_block *b, int do_stmts);
void lcap_pm_local_ud(pm_block *b);

/* opt_pcap_flow.c: levels, dominators, edge dominators, uses, in-edges. */
int lcap_pm_find_levels(pm_state *st);
void lcap_pm_find_dom(pm_state *st);
void lcap_pm_find_edom(pm_state *st);
void lcap_pm_find_ud(pm_state *st);
void lcap_pm_find_inedges(pm_state *st);

/* opt_pcap_move.c: edge moves over decided tests, and/or pullups. */
void lcap_pm_opt_j(pm_state *st, pm_edge *ep);
void lcap_pm_or_pullup(pm_state *st, pm_block *b);
void lcap_pm_and_pullup(pm_state *st, pm_block *b);

static inline int pm_member(const uint32_t *set, int i) { return (int)(set[i / 32] >> (i % 32) & 1); }
static inline void pm_insert(uint32_t *set, int i) { set[i / 32] |= 1u << (i % 32); }

#endif
