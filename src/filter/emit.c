/* emit.c - linearization of the block graph into BPF instructions: topological order, returns
 * copied next to the branches that cannot reach them, "ja" trampolines for other branches
 * farther than 255, then the validator. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include "bpf/program.h"
#include "filter/ir.h"

/* Room left when a return is copied, so that the copy stays in reach of
 * the branches after it while later copies and trampolines push it on. */
#define COPY_SLACK 32
#define MAXJUMP 255

/* Layout of one block: statements, then the branch and its trampolines,
 * then the returns copied after it (its pool). */
typedef struct lay {
    size_t start;         /* index of the block's first instruction */
    size_t end;           /* index after the block and its pool */
    size_t nstmt;
    int tramp_t, tramp_f; /* a "ja" follows the branch for the true/false edge */
    int uncond;           /* both edges to one target: a "ja" (or nothing) */
    int pool;             /* first copy after this block, -1 none */
    int pool_tail;
} lay;

/* A copy of a return, placed in the pool of the block "after". */
typedef struct rcopy {
    lcap_block *ret;
    int next;
    size_t pos;
} rcopy;

typedef struct emitter {
    lcap_cc *cc;
    lcap_block **ord;
    size_t n;
    lay *L;
    rcopy *copies;
    size_t ncopies, capcopies;
    /* every place a return is found (its own and its copies), in layout
     * order, grouped by return: spots[first_spot[ret->order - nbranch]...] */
    size_t *spots, *spot_start, *spot_cur;
    size_t *pending;   /* per return: where this round's copy will land, about */
    size_t nrets, nbranch;
    size_t total;
} emitter;

static size_t stmt_count(const lcap_block *b)
{
    size_t n = 0;
    for (const lcap_stmt *s = b->stmts; s != NULL; s = s->next)
        n++;
    return n;
}

static int falls_through(const emitter *E, size_t i)
{
    return i + 1 < E->n && E->ord[i + 1] == E->ord[i]->jt && E->L[i].pool < 0;
}

/* Positions of blocks and copies; the places of each return, in order. */
static void place(emitter *E)
{
    size_t pc = 0;
    for (size_t i = 0; i < E->n; i++) {
        lay *l = &E->L[i];
        l->start = pc;
        pc += l->nstmt;
        if (lcap_block_is_ret(E->ord[i]))
            pc += 1;
        else if (l->uncond)
            pc += falls_through(E, i) ? 0 : 1;
        else
            pc += 1 + (size_t)l->tramp_t + (size_t)l->tramp_f;
        for (int c = l->pool; c >= 0; c = E->copies[c].next)
            E->copies[c].pos = pc++;
        l->end = pc;
    }
    E->total = pc;
    /* counting sort of the places by return, stable in layout order */
    memset(E->spot_start, 0, (E->nrets + 1) * sizeof(size_t));
    for (size_t r = 0; r < E->nrets; r++)
        E->spot_start[r + 1] = 1;
    for (size_t c = 0; c < E->ncopies; c++)
        E->spot_start[(size_t)E->copies[c].ret->order - E->nbranch + 1]++;
    for (size_t r = 0; r < E->nrets; r++)
        E->spot_start[r + 1] += E->spot_start[r];
    memcpy(E->spot_cur, E->spot_start, E->nrets * sizeof(size_t));
    for (size_t i = 0; i < E->n; i++) {
        if (lcap_block_is_ret(E->ord[i]))
            E->spots[E->spot_cur[i - E->nbranch]++] = E->L[i].start;
        for (int c = E->L[i].pool; c >= 0; c = E->copies[c].next)
            E->spots[E->spot_cur[(size_t)E->copies[c].ret->order - E->nbranch]++] = E->copies[c].pos;
    }
    memcpy(E->spot_cur, E->spot_start, E->nrets * sizeof(size_t));
}

static int add_copy(emitter *E, size_t after, lcap_block *ret)
{
    if (E->ncopies == E->capcopies) {
        size_t cap = E->capcopies ? 2 * E->capcopies : 16;
        rcopy *c = lcap_tmp_realloc(E->cc, E->copies, cap, sizeof(*c));
        if (c == NULL)
            return -1;
        E->copies = c;
        E->capcopies = cap;
    }
    int c = (int)E->ncopies++;
    E->copies[c] = (rcopy){ ret, -1, 0 };
    lay *l = &E->L[after];
    if (l->pool < 0)
        l->pool = c;
    else
        E->copies[l->pool_tail].next = c;
    l->pool_tail = c;
    return 0;
}

/* The first place of return r after pc within reach, or SIZE_MAX. Branches
 * are resolved in layout order, so each return's cursor only moves on. */
static size_t reach_ret(emitter *E, size_t r, size_t from)
{
    size_t *cur = &E->spot_cur[r], end = E->spot_start[r + 1];
    while (*cur < end && E->spots[*cur] < from)
        (*cur)++;
    return *cur < end && E->spots[*cur] - from <= MAXJUMP ? E->spots[*cur] : SIZE_MAX;
}

/* One round over the branches: what each edge jumps to. With grow set,
 * adds the copies and trampolines that are missing and returns 1 if any
 * was; without it, fills ins (the instructions are placed already). */
static int resolve(emitter *E, int grow, struct capture_insn *ins)
{
    int changed = 0;
    for (size_t r = 0; grow && r < E->nrets; r++)
        E->pending[r] = SIZE_MAX;
    size_t pool_at = 0; /* candidate block for a new copy: last one ending in reach */
    for (size_t i = 0; i < E->n; i++) {
        lcap_block *b = E->ord[i];
        lay *l = &E->L[i];
        if (lcap_block_is_ret(b) || l->uncond)
            continue;
        size_t br = l->start + l->nstmt, from = br + 1;
        size_t tramp_pc = from;
        size_t off[2];
        lcap_block *tgt[2] = { b->jt, b->jf };
        int *tramp[2] = { &l->tramp_t, &l->tramp_f };
        for (int e = 0; e < 2; e++) {
            lcap_block *t = tgt[e];
            size_t at = SIZE_MAX;
            if (lcap_block_is_ret(t) && !*tramp[e]) {
                size_t r = (size_t)t->order - E->nbranch;
                at = reach_ret(E, r, from);
                if (at == SIZE_MAX && grow && E->pending[r] != SIZE_MAX && E->pending[r] >= from &&
                    E->pending[r] - from <= MAXJUMP)
                    continue; /* a copy added this round will do */
                if (at == SIZE_MAX && grow) {
                    if (pool_at < i)
                        pool_at = i;
                    while (pool_at + 1 < E->n && E->L[pool_at + 1].end + COPY_SLACK <= from + MAXJUMP)
                        pool_at++;
                    if (E->L[pool_at].end >= from + MAXJUMP) {
                        *tramp[e] = 1; /* no room in reach: a trampoline */
                    } else if (add_copy(E, pool_at, t) < 0) {
                        return -1;
                    } else {
                        E->pending[r] = E->L[pool_at].end;
                    }
                    changed = 1;
                    continue;
                }
            } else if (!*tramp[e]) {
                at = E->L[t->pos].start;
                if (at - from > MAXJUMP) {
                    if (grow) {
                        *tramp[e] = 1;
                        changed = 1;
                    }
                    at = SIZE_MAX;
                }
            }
            if (*tramp[e]) {
                if (!grow)
                    ins[tramp_pc] = (struct capture_insn){ LCAP_BPF_JMP | LCAP_BPF_JA, 0, 0,
                                                           (uint32_t)(E->L[t->pos].start - tramp_pc - 1) };
                at = tramp_pc++;
            }
            off[e] = at == SIZE_MAX ? 0 : at - from;
            if (!grow && at == SIZE_MAX)
                return -1;
        }
        if (!grow)
            ins[br] = (struct capture_insn){ b->code, (uint8_t)off[0], (uint8_t)off[1], b->k };
    }
    return changed;
}

static int emit_oom(emitter *E)
{
    lcap_cc_error(E->cc, 0, "out of memory emitting the filter");
    return -1;
}

static void emitter_free(emitter *E)
{
    lcap_tmp_free(E->cc, E->ord);
    lcap_tmp_free(E->cc, E->L);
    lcap_tmp_free(E->cc, E->copies);
    lcap_tmp_free(E->cc, E->spots);
    lcap_tmp_free(E->cc, E->spot_start);
    lcap_tmp_free(E->cc, E->spot_cur);
    lcap_tmp_free(E->cc, E->pending);
}

int lcap_emit(lcap_cc *cc, lcap_block *root, struct capture_insn **out, size_t *nout)
{
    emitter E;
    memset(&E, 0, sizeof(E));
    E.cc = cc;
    E.ord = lcap_topo_order_tmp(cc, root, &E.n, 1);
    if (E.ord == NULL)
        return -1;
    E.L = lcap_tmp_alloc(cc, E.n, sizeof(*E.L), 1);
    if (E.L == NULL) {
        emitter_free(&E);
        return emit_oom(&E);
    }
    for (size_t i = 0; i < E.n; i++) {
        lcap_block *b = E.ord[i];
        b->pos = (int)i;
        b->order = (int)i;
        E.L[i].nstmt = stmt_count(b);
        E.L[i].uncond = !lcap_block_is_ret(b) && b->jt == b->jf;
        E.L[i].pool = -1;
        if (lcap_block_is_ret(b))
            E.nrets++;
    }
    E.nbranch = E.n - E.nrets;
    E.spot_start = lcap_tmp_alloc(cc, E.nrets + 1, sizeof(size_t), 1);
    E.spot_cur = lcap_tmp_alloc(cc, E.nrets + 1, sizeof(size_t), 1);
    E.pending = lcap_tmp_alloc(cc, E.nrets + 1, sizeof(size_t), 1);
    if (E.spot_start == NULL || E.spot_cur == NULL || E.pending == NULL) {
        emitter_free(&E);
        return emit_oom(&E);
    }
    /* Grow copies and trampolines until every branch reaches: they are only
     * ever added, one at most per edge, so this ends. */
    for (;;) {
        lcap_tmp_free(cc, E.spots);
        E.spots = lcap_tmp_alloc(cc, E.nrets + E.ncopies + 1, sizeof(size_t), 0);
        if (E.spots == NULL) {
            emitter_free(&E);
            return emit_oom(&E);
        }
        place(&E);
        /* copies and trampolines are only ever added: a program already
         * too long stays so, and need not be laid out to the end */
        if (E.total > LCAP_BPF_MAXINSNS)
            break;
        int rc = resolve(&E, 1, NULL);
        if (rc < 0) {
            emitter_free(&E);
            return emit_oom(&E);
        }
        if (rc == 0)
            break;
    }
    if (E.total > LCAP_BPF_MAXINSNS) {
        /* a lower bound: the layout stopped once past the limit */
        lcap_cc_error(cc, 0, "the filter needs at least %zu instructions, more than the %d a BPF program may have",
                      E.total, LCAP_BPF_MAXINSNS);
        emitter_free(&E);
        return -1;
    }
    struct capture_insn *ins = calloc(E.total ? E.total : 1, sizeof(*ins));
    if (ins == NULL) {
        emitter_free(&E);
        return emit_oom(&E);
    }
    for (size_t i = 0; i < E.n; i++) {
        lcap_block *b = E.ord[i];
        lay *l = &E.L[i];
        size_t pc = l->start;
        for (lcap_stmt *s = b->stmts; s != NULL; s = s->next)
            ins[pc++] = (struct capture_insn){ s->code, 0, 0, s->k };
        if (lcap_block_is_ret(b))
            ins[pc] = (struct capture_insn){ b->code, 0, 0, b->k };
        else if (l->uncond && !falls_through(&E, i))
            ins[pc] = (struct capture_insn){ LCAP_BPF_JMP | LCAP_BPF_JA, 0, 0,
                                             (uint32_t)(E.L[b->jt->pos].start - pc - 1) };
        for (int c = l->pool; c >= 0; c = E.copies[c].next)
            ins[E.copies[c].pos] = (struct capture_insn){ E.copies[c].ret->code, 0, 0, E.copies[c].ret->k };
    }
    memcpy(E.spot_cur, E.spot_start, E.nrets * sizeof(size_t));
    if (resolve(&E, 0, ins) < 0) {
        free(ins);
        emitter_free(&E);
        lcap_cc_error(cc, 0, "internal error: a branch of the filter does not reach its target");
        return -1;
    }
    size_t total = E.total;
    emitter_free(&E);
    char err[CAPTURE_ERRBUF_SIZE];
    if (lcap_bpf_validate(ins, total, err) < 0) {
        free(ins);
        lcap_cc_error(cc, 0, "internal error: the compiled filter is invalid: %s", err);
        return -1;
    }
    *out = ins;
    *nout = total;
    return 0;
}
