/* opt_redund.c - statements that change nothing or whose results nothing reads, and operations
 * whose result is known made loads of it: values flow forward across blocks (a register keeps
 * its value number where every path in agrees), then registers' liveness flows backward. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter/opt.h"

/* Where paths into a block disagree: a fresh unknown once the block is reached. */
#define CONFLICT 0xffffffffu

static int oom(lcap_cc *cc)
{
    lcap_cc_error(cc, 0, "out of memory optimizing the filter");
    return -1;
}

/* Forward: a statement whose register already holds the value it computes
 * goes (its loads ran on every path in, so dropping them changes no result). */

/* A load of a scratch word holding what the other register holds is a
 * move ("st M[k]; ldx M[k]" -> "st M[k]; tax"), and the store may then go. */
static void copy_as_move(lcap_stmt *s, const uint32_t *r)
{
    uint16_t c = s->code;
    if (LCAP_BPF_MODE(c) != LCAP_BPF_MEM || s->k >= LCAP_BPF_MEMWORDS)
        return;
    if (LCAP_BPF_CLASS(c) == LCAP_BPF_LDX && r[LCAP_VN_M(s->k)] == r[LCAP_VN_A]) {
        s->code = LCAP_BPF_MISC | LCAP_BPF_TAX;
        s->k = 0;
    } else if (LCAP_BPF_CLASS(c) == LCAP_BPF_LD && r[LCAP_VN_M(s->k)] == r[LCAP_VN_X]) {
        s->code = LCAP_BPF_MISC | LCAP_BPF_TXA;
        s->k = 0;
    }
}

int lcap_stmt_may_stop(const lcap_stmt *s, uint32_t bound)
{
    uint16_t c = s->code;
    if (lcap_stmt_may_fault(s))
        return 1;
    if (LCAP_BPF_CLASS(c) > LCAP_BPF_LDX)
        return 0;
    if (LCAP_BPF_MODE(c) == LCAP_BPF_IND)
        return 1;
    return lcap_stmt_extent(s) > bound;
}

/* A first run of statements that only computes again the A every path
 * brings ("ld [26]; and #0xffff0000" after the same test) goes as a whole:
 * it writes nothing else and loads only bytes every path has loaded. */
static lcap_stmt *drop_recomputed(lcap_vtab *t, lcap_stmt *first, const uint32_t *r, uint32_t bound)
{
    /* A statement alone is dropped by the statement-by-statement pass when
     * it leaves A as it was, and only then: that pass will see to it. */
    if (first == NULL || first->next == NULL || LCAP_BPF_CLASS(first->code) != LCAP_BPF_LD ||
        lcap_vn_is_unk(t, r[LCAP_VN_A]))
        return first;
    uint32_t tmp[LCAP_VN_REGS];
    memcpy(tmp, r, sizeof(tmp));
    lcap_stmt *cut = first;
    for (lcap_stmt *s = first; s != NULL; s = s->next) {
        uint32_t u, d;
        lcap_stmt_regs(s, &u, &d);
        if ((d & ~(1u << LCAP_VN_A)) || lcap_stmt_may_stop(s, bound))
            break;
        lcap_vn_step(t, tmp, s);
        if (tmp[LCAP_VN_A] == r[LCAP_VN_A] && !t->oom)
            cut = s->next;
    }
    return cut;
}

/* What X or a scratch word holds, when a constant, goes into the statement
 * ("ld #3; tax; ... and x" -> "and #3", "ld [x + 14]" -> "ld [17]",
 * "ld M[k]" -> "ld #c"), so that the constant's own statements may die.
 * Divisions by zero and shifts past 31 keep their X (they stop or differ). */
static void known_operand(const lcap_vtab *t, lcap_stmt *s, const uint32_t *r)
{
    uint16_t c = s->code;
    uint32_t x;
    int xk = lcap_vn_is_const(t, r[LCAP_VN_X], &x);
    if (LCAP_BPF_CLASS(c) == LCAP_BPF_ALU && LCAP_BPF_OP(c) != LCAP_BPF_NEG && LCAP_BPF_SRC(c) == LCAP_BPF_X && xk) {
        uint16_t op = LCAP_BPF_OP(c);
        if (((op == LCAP_BPF_DIV || op == LCAP_BPF_MOD) && x == 0) ||
            ((op == LCAP_BPF_LSH || op == LCAP_BPF_RSH) && x > 31))
            return;
        s->code = (uint16_t)(LCAP_BPF_ALU | op | LCAP_BPF_K);
        s->k = x;
    } else if (LCAP_BPF_CLASS(c) == LCAP_BPF_LD && LCAP_BPF_MODE(c) == LCAP_BPF_IND && xk && s->k <= UINT32_MAX - x) {
        s->code = (uint16_t)(LCAP_BPF_LD | LCAP_BPF_SIZE(c) | LCAP_BPF_ABS);
        s->k += x;
    } else if (LCAP_BPF_CLASS(c) <= LCAP_BPF_LDX && LCAP_BPF_MODE(c) == LCAP_BPF_MEM && s->k < LCAP_BPF_MEMWORDS &&
               lcap_vn_is_const(t, r[LCAP_VN_M(s->k)], &x)) {
        s->code = (uint16_t)(LCAP_BPF_CLASS(c) | LCAP_BPF_W | LCAP_BPF_IMM);
        s->k = x;
    }
}

/* An operation on A that leaves a known constant there becomes the load of
 * it ("ld #0; add #4" -> "ld #0; ld #4", the first then dead), as libpcap
 * folds the offset arithmetic of a Linux `vlan`'s case without the tag in
 * the packet. Not one that may stop the program, nor a shift by X (a shift
 * past 31 is judged, and may differ, on its own). */
static void known_result(const lcap_vtab *t, lcap_stmt *s, const uint32_t *r)
{
    uint16_t c = s->code, op = LCAP_BPF_OP(c);
    int shift = op == LCAP_BPF_LSH || op == LCAP_BPF_RSH;
    uint32_t v;
    if (LCAP_BPF_CLASS(c) != LCAP_BPF_ALU || lcap_stmt_may_fault(s) || !lcap_vn_is_const(t, r[LCAP_VN_A], &v) ||
        (shift && (LCAP_BPF_SRC(c) == LCAP_BPF_X || s->k > 31)))
        return;
    s->code = LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_IMM;
    s->k = v;
}

/* The registers the blocks use: A, X and the scratch words some statement
 * names, as indexes (LCAP_VN_*) in reg[]; their count. The flow below
 * carries those alone (most programs use no scratch word: 2 of 18). */
static int regs_in_use(lcap_block **ord, size_t n, int *reg)
{
    uint32_t m = lcap_scratch_used(ord, n);
    int nr = 0;
    reg[nr++] = LCAP_VN_A;
    reg[nr++] = LCAP_VN_X;
    for (int k = 0; k < LCAP_BPF_MEMWORDS; k++)
        if (m & 1u << k)
            reg[nr++] = LCAP_VN_M(k);
    return nr;
}

static int drop_unchanged(lcap_cc *cc, lcap_vtab *t, lcap_block **ord, size_t n, uint32_t *bound)
{
    int reg[LCAP_VN_REGS];
    int nr = regs_in_use(ord, n, reg);
    /* in[]: per block, the values of the registers in use where it starts */
    uint32_t *in = lcap_tmp_alloc(cc, n * (size_t)nr, sizeof(*in), 0);
    unsigned char *seen = lcap_tmp_alloc(cc, n, 1, 1);
    if (in == NULL || seen == NULL) {
        lcap_tmp_free(cc, in);
        lcap_tmp_free(cc, seen);
        return oom(cc);
    }
    for (size_t i = 0; i < n; i++)
        ord[i]->order = (int)i;
    seen[0] = 1;
    bound[0] = 0;
    for (int q = 0; q < nr; q++)
        in[q] = CONFLICT;
    /* registers no statement names keep one unknown throughout */
    uint32_t r[LCAP_VN_REGS];
    for (int k = 0; k < LCAP_VN_REGS; k++)
        r[k] = lcap_vn_unk(t);
    for (size_t i = 0; i < n && !t->oom; i++) {
        lcap_block *b = ord[i];
        if (lcap_block_is_ret(b) || !seen[i])
            continue;
        const uint32_t *row = &in[i * (size_t)nr];
        for (int q = 0; q < nr; q++)
            r[reg[q]] = row[q] == CONFLICT ? lcap_vn_unk(t) : row[q];
        uint32_t out = bound[i];
        b->stmts = drop_recomputed(t, b->stmts, r, bound[i]);
        for (lcap_stmt **sp = &b->stmts; *sp != NULL;) {
            /* so does such a run later in the block ("ld M[0]; add #4; st
             * M[0]; ld M[1]; add #4" when both words held the same) */
            if (sp != &b->stmts && (*sp = drop_recomputed(t, *sp, r, out)) == NULL)
                break;
            lcap_stmt *s = *sp;
            uint32_t ext = lcap_stmt_extent(s);
            if (ext > out)
                out = ext;
            if (!t->oom) {
                known_operand(t, s, r);
                copy_as_move(s, r);
            }
            /* what the register the statement writes held before it: A, X,
             * or the scratch word a store names */
            uint32_t a = r[LCAP_VN_A], x = r[LCAP_VN_X];
            int cls = LCAP_BPF_CLASS(s->code);
            uint32_t m = (cls == LCAP_BPF_ST || cls == LCAP_BPF_STX) && s->k < LCAP_BPF_MEMWORDS
                       ? r[LCAP_VN_M(s->k)] : 0;
            int w = lcap_vn_step(t, r, s);
            uint32_t before = w == LCAP_VN_A ? a : w == LCAP_VN_X ? x : m;
            if (w >= 0 && r[w] == before && !lcap_stmt_may_fault(s) && !t->oom) {
                *sp = s->next;
            } else {
                if (!t->oom)
                    known_result(t, s, r);
                sp = &s->next;
            }
        }
        uint32_t x;
        if (b->jt != b->jf && LCAP_BPF_SRC(b->code) == LCAP_BPF_X && !t->oom &&
            lcap_vn_is_const(t, r[LCAP_VN_X], &x)) {
            b->code = (uint16_t)(LCAP_BPF_JMP | LCAP_BPF_OP(b->code) | LCAP_BPF_K);
            b->k = x;
        }
        lcap_block *succ[2] = { b->jt, b->jf };
        for (int e = 0; e < (b->jt == b->jf ? 1 : 2); e++) {
            size_t j = (size_t)succ[e]->order;
            uint32_t *d = &in[j * (size_t)nr];
            if (!seen[j]) {
                for (int q = 0; q < nr; q++)
                    d[q] = r[reg[q]];
                seen[j] = 1;
                bound[j] = out;
            } else {
                if (out < bound[j])
                    bound[j] = out;
                for (int q = 0; q < nr; q++)
                    if (d[q] != r[reg[q]])
                        d[q] = CONFLICT;
            }
        }
    }
    lcap_tmp_free(cc, in);
    lcap_tmp_free(cc, seen);
    return t->oom ? oom(cc) : 0;
}

/* The last operation on A folded into the branch when nothing reads A after
 * it: "and #m; jeq #0" is "jset #m" with the exits swapped, "add #k; jeq #c"
 * is "jeq #c-k", "and #m; jset #n" is "jset #(m & n)", "and #bit; jeq #bit"
 * and "and #m; jgt #0" are "jset". 1 if done. */
static int fold_into_branch(lcap_block *b, const lcap_stmt *s)
{
    if (LCAP_BPF_CLASS(s->code) != LCAP_BPF_ALU || LCAP_BPF_SRC(s->code) != LCAP_BPF_K ||
        LCAP_BPF_SRC(b->code) != LCAP_BPF_K)
        return 0;
    uint16_t op = LCAP_BPF_OP(s->code), jop = LCAP_BPF_OP(b->code);
    if (op == LCAP_BPF_AND && jop == LCAP_BPF_JEQ && b->k == 0) {
        lcap_block *t = b->jt;
        b->jt = b->jf;
        b->jf = t;
        b->code = LCAP_BPF_JMP | LCAP_BPF_JSET | LCAP_BPF_K;
        b->k = s->k;
    } else if (op == LCAP_BPF_AND && ((jop == LCAP_BPF_JEQ && b->k == s->k && s->k != 0 && (s->k & (s->k - 1)) == 0) ||
                                      (jop == LCAP_BPF_JGT && b->k == 0))) {
        /* "and #bit; jeq #bit" and "and #m; jgt #0" test bits */
        b->code = LCAP_BPF_JMP | LCAP_BPF_JSET | LCAP_BPF_K;
        b->k = s->k;
    } else if (op == LCAP_BPF_AND && jop == LCAP_BPF_JSET) {
        b->k &= s->k;
    } else if (op == LCAP_BPF_ADD && jop == LCAP_BPF_JEQ) {
        b->k -= s->k;
    } else if (op == LCAP_BPF_SUB && jop == LCAP_BPF_JEQ) {
        b->k += s->k;
    } else {
        return 0;
    }
    return 1;
}

/* "A >= k, then not A > k" (a port range of one port) is "A == k": b's
 * branch and the next one's, when that one only tests the same A. */
static void merge_range(lcap_block *b)
{
    uint16_t jop = LCAP_BPF_OP(b->code);
    if (LCAP_BPF_SRC(b->code) != LCAP_BPF_K || (jop != LCAP_BPF_JGE && jop != LCAP_BPF_JGT) || b->jt == b->jf)
        return;
    /* jge k: the true side tests jgt k; jgt k: the false side tests jge k */
    lcap_block *s = jop == LCAP_BPF_JGE ? b->jt : b->jf;
    uint16_t want = jop == LCAP_BPF_JGE ? LCAP_BPF_JGT : LCAP_BPF_JGE;
    if (lcap_block_is_ret(s) || s->stmts != NULL || s->code != (LCAP_BPF_JMP | want | LCAP_BPF_K) || s->k != b->k ||
        s->jt == s->jf)
        return;
    if (jop == LCAP_BPF_JGE && s->jt == b->jf) {
        b->jt = s->jf;
    } else if (jop == LCAP_BPF_JGT && s->jf == b->jt) {
        b->jf = b->jt;
        b->jt = s->jt;
    } else {
        return;
    }
    b->code = LCAP_BPF_JMP | LCAP_BPF_JEQ | LCAP_BPF_K;
}

/* Backward: a statement whose register is read by nothing after it goes,
 * unless it can stop the program (a division by zero, a load that may run
 * past the packet's end). Dropping a load already covered by the block's
 * bound leaves the bound of the blocks after it as it was. */
static int drop_dead(lcap_cc *cc, lcap_block **ord, size_t n, const uint32_t *bound, int *folded)
{
    uint32_t *live = lcap_tmp_alloc(cc, n, sizeof(*live), 1);
    size_t scap = 16;
    lcap_stmt **stk = lcap_tmp_alloc(cc, scap, sizeof(*stk), 0);
    if (live == NULL || stk == NULL) {
        lcap_tmp_free(cc, live);
        lcap_tmp_free(cc, stk);
        return oom(cc);
    }
    for (size_t i = n; i-- > 0;) {
        lcap_block *b = ord[i];
        if (lcap_block_is_ret(b))
            continue;
        merge_range(b);
        uint32_t lout = live[b->jt->order] | live[b->jf->order];
        size_t ns = 0;
        for (lcap_stmt *s = b->stmts; s != NULL; s = s->next) {
            if (ns == scap) {
                lcap_stmt **s2 = lcap_tmp_realloc(cc, stk, 2 * scap, sizeof(*stk));
                if (s2 == NULL) {
                    lcap_tmp_free(cc, live);
                    lcap_tmp_free(cc, stk);
                    return oom(cc);
                }
                stk = s2;
                scap *= 2;
            }
            stk[ns++] = s;
        }
        while (ns > 0 && b->jt != b->jf && !(lout & 1u << LCAP_VN_A) && fold_into_branch(b, stk[ns - 1])) {
            ns--;
            *folded = 1;
        }
        uint32_t l = lout | lcap_branch_use(b);
        lcap_stmt *next = NULL; /* the kept statements, rebuilt from the end */
        while (ns-- > 0) {
            lcap_stmt *s = stk[ns];
            uint32_t u, d;
            lcap_stmt_regs(s, &u, &d);
            if (d != 0 && (d & l) == 0 && !lcap_stmt_may_stop(s, bound[i]))
                continue;
            l = (l & ~d) | u;
            s->next = next;
            next = s;
        }
        b->stmts = next;
        live[i] = l;
    }
    lcap_tmp_free(cc, live);
    lcap_tmp_free(cc, stk);
    return 0;
}

int lcap_opt_redundant(lcap_cc *cc, lcap_vtab *t, lcap_block **ord, size_t n)
{
    uint32_t *bound = lcap_tmp_alloc(cc, n, sizeof(*bound), 1);
    int rc = bound != NULL ? drop_unchanged(cc, t, ord, n, bound) : oom(cc);
    int folded = 0;
    if (rc == 0)
        rc = drop_dead(cc, ord, n, bound, &folded);
    lcap_tmp_free(cc, bound);
    return rc < 0 ? -1 : folded;
}
