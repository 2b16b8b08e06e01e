/* ir.h - the compiler's intermediate form: blocks of statements ending in a two-way branch or a
 * return, and conditions under construction (a head block plus its dangling true/false exits). */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_FILTER_IR_H
#define LCAP_FILTER_IR_H

#include <stdint.h>

#include "bpf/insn.h"
#include "filter/filter.h"

typedef struct lcap_stmt {
    struct lcap_stmt *next;
    uint16_t code;
    uint32_t k;
} lcap_stmt;

typedef struct lcap_block {
    lcap_stmt *stmts;
    uint16_t code;              /* JMP|op|K or X: a branch; RET|K: a return */
    uint32_t k;
    struct lcap_block *jt, *jf; /* successors of a branch (NULL while dangling) */
    int id;
    /* scratch for the optimizer and emitter */
    int mark, order, pos, len, npred;
    int has_store;              /* writes a scratch word: never bypassed */
    void *facts;
} lcap_block;

static inline int lcap_block_is_ret(const lcap_block *b)
{
    return LCAP_BPF_CLASS(b->code) == LCAP_BPF_RET;
}

/* A dangling edge: the jt or jf slot of a block not yet pointed anywhere. */
typedef struct lcap_exit {
    lcap_block **slot;
    struct lcap_exit *next;
} lcap_exit;

typedef struct lcap_exits {
    lcap_exit *head, *tail;
} lcap_exits;

typedef struct lcap_cond {
    lcap_block *head;
    lcap_exits t, f;
    int konst;  /* 1 always true, 0 always false (no loads), -1 a real test */
} lcap_cond;

lcap_stmt *lcap_stmt_new(lcap_cc *cc, uint16_t code, uint32_t k);
/* a followed by b (either may be NULL). */
lcap_stmt *lcap_stmt_cat(lcap_stmt *a, lcap_stmt *b);

/* A condition of one block: stmts then "code #k" (code without class bits:
 * LCAP_BPF_JEQ/JGT/JGE/JSET, or'ed with LCAP_BPF_X to compare with X). */
lcap_cond *lcap_cond_jmp(lcap_cc *cc, lcap_stmt *stmts, uint16_t jop, uint32_t k);
lcap_cond *lcap_cond_true(lcap_cc *cc);
lcap_cond *lcap_cond_false(lcap_cc *cc);
lcap_block *lcap_block_ret(lcap_cc *cc, uint32_t k);
/* A bare block (successors set by the caller). */
lcap_block *lcap_block_new(lcap_cc *cc, lcap_stmt *stmts, uint16_t jop, uint32_t k);

/* A block that always continues to what follows (its exits are both true). */
lcap_cond *lcap_cond_always(lcap_cc *cc, lcap_stmt *stmts);
/* a's true exits to t, false ones to f; the result starts at a and ends with rest's exits. */
lcap_cond *lcap_then(lcap_cond *a, lcap_block *t, lcap_block *f, lcap_cond *rest);

/* A condition starting at head with no exits yet; exits are added one by one
 * (sense 1: a true exit, 0: a false one). */
lcap_cond *lcap_cond_from(lcap_cc *cc, lcap_block *head);
int lcap_cond_add_exit(lcap_cc *cc, lcap_cond *c, lcap_block **slot, int sense);

/* Combinators; they consume their arguments (NULL in, NULL out). */
lcap_cond *lcap_and(lcap_cond *a, lcap_cond *b);
lcap_cond *lcap_or(lcap_cond *a, lcap_cond *b);
lcap_cond *lcap_not(lcap_cond *a);
/* "c ? a : b": a when c holds, b when not, c tested once. */
lcap_cond *lcap_ite(lcap_cond *c, lcap_cond *a, lcap_cond *b);
/* Prepends statements to the condition's first block. */
void lcap_cond_prepend(lcap_cond *c, lcap_stmt *s);
/* Points the dangling exits at returns of accept and 0: the program's root. */
lcap_block *lcap_finish(lcap_cc *cc, lcap_cond *c, uint32_t accept);
/* Points the true exits at t and the false ones at f; returns the head. */
lcap_block *lcap_resolve(lcap_cond *c, lcap_block *t, lcap_block *f);

/* Blocks reachable from root, every edge going forward (reverse postorder of
 * a depth-first walk); rets_last moves returns to the end. malloc'ed, count in
 * *count; NULL with the error set when out of memory. The _tmp form takes it
 * from the temporaries instead (give it back with lcap_tmp_free). */
lcap_block **lcap_topo_order(lcap_cc *cc, lcap_block *root, size_t *count, int rets_last);
lcap_block **lcap_topo_order_tmp(lcap_cc *cc, lcap_block *root, size_t *count, int rets_last);
/* The number of blocks reachable from root in *count; 0, or -1 with the
 * error set when out of memory. */
int lcap_block_count(lcap_cc *cc, lcap_block *root, size_t *count);

/* The scratch words the statements of ord[0..n) name (bit k: M[k]), so
 * that a pass tracks those alone. */
uint32_t lcap_scratch_used(lcap_block *const *ord, size_t n);

/* The optimizer: simplifies the graph from *root in place. 0; 1 when the
 * program matches nothing (*root is then a return of 0: whether libpcap
 * would refuse the expression is judged apart, opt_pcap.h); -1 with the
 * error set. */
int lcap_optimize(lcap_cc *cc, lcap_block **root);
/* After lcap_optimize: 1 when no path of the (small) program from root
 * reaches an accepting return with its tests consistent (opt_nomatch.c),
 * 0 when one may, -1 with the error set. */
int lcap_opt_matches_nothing(lcap_cc *cc, lcap_block *root);
/* After lcap_optimize: equality tests of fields in one word, and chains of
 * equality tests of one value, merged into fewer tests (opt_merge.c). 0, or
 * -1 with the error set. */
int lcap_opt_merge(lcap_cc *cc, lcap_block *root);
/* Linearizes into instructions (long branches through "ja"), validated. */
int lcap_emit(lcap_cc *cc, lcap_block *root, struct capture_insn **out, size_t *n);

#endif
