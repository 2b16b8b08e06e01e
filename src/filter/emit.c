/* emit.c - linearization of the block graph into BPF instructions: topological order, one
 * shared return per value, "ja" trampolines for branches farther than 255, then the validator. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include "bpf/program.h"
#include "filter/ir.h"

static size_t stmt_count(const lcap_block *b)
{
    size_t n = 0;
    for (const lcap_stmt *s = b->stmts; s != NULL; s = s->next)
        n++;
    return n;
}

/* Layout of one block: statements, then the branch and its trampolines. */
typedef struct lay {
    size_t start;      /* index of the block's first instruction */
    size_t nstmt;
    int tramp_t, tramp_f; /* a "ja" follows the branch for the true/false edge */
    int uncond;        /* both edges to one target: a "ja" (or nothing) */
} lay;

int lcap_emit(lcap_cc *cc, lcap_block *root, struct capture_insn **out, size_t *nout)
{
    size_t n;
    lcap_block **ord = lcap_topo_order_tmp(cc, root, &n, 1);
    if (ord == NULL)
        return -1;
    lay *L = lcap_tmp_alloc(cc, n, sizeof(*L), 1);
    if (L == NULL) {
        lcap_tmp_free(cc, ord);
        lcap_cc_error(cc, 0, "out of memory emitting the filter");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        ord[i]->pos = (int)i;
        L[i].nstmt = stmt_count(ord[i]);
        L[i].uncond = !lcap_block_is_ret(ord[i]) && ord[i]->jt == ord[i]->jf;
    }
    /* Grow trampolines until every branch reaches: lengths only grow, so this ends. */
    size_t total = 0;
    for (int changed = 1; changed;) {
        changed = 0;
        size_t pc = 0;
        for (size_t i = 0; i < n; i++) {
            L[i].start = pc;
            pc += L[i].nstmt;
            if (lcap_block_is_ret(ord[i]))
                pc += 1;
            else if (L[i].uncond)
                pc += (i + 1 < n && ord[i + 1] == ord[i]->jt) ? 0 : 1;
            else
                pc += 1 + (size_t)L[i].tramp_t + (size_t)L[i].tramp_f;
        }
        total = pc;
        for (size_t i = 0; i < n; i++) {
            lcap_block *b = ord[i];
            if (lcap_block_is_ret(b) || L[i].uncond)
                continue;
            size_t br = L[i].start + L[i].nstmt; /* pc of the branch */
            size_t after = br + 1 + (size_t)L[i].tramp_t + (size_t)L[i].tramp_f;
            size_t tt = L[b->jt->pos].start, tf = L[b->jf->pos].start;
            /* with a trampoline the branch targets it instead */
            if (!L[i].tramp_t && tt - (br + 1) > 255) {
                L[i].tramp_t = 1;
                changed = 1;
            }
            if (!L[i].tramp_f && tf - (br + 1) > 255) {
                L[i].tramp_f = 1;
                changed = 1;
            }
            (void)after;
        }
    }
    if (total > LCAP_BPF_MAXINSNS) {
        lcap_tmp_free(cc, L);
        lcap_tmp_free(cc, ord);
        lcap_cc_error(cc, 0, "the filter needs %zu instructions, more than the %d a BPF program may have", total,
                      LCAP_BPF_MAXINSNS);
        return -1;
    }
    struct capture_insn *ins = calloc(total ? total : 1, sizeof(*ins));
    if (ins == NULL) {
        lcap_tmp_free(cc, L);
        lcap_tmp_free(cc, ord);
        lcap_cc_error(cc, 0, "out of memory emitting the filter");
        return -1;
    }
    size_t pc = 0;
    for (size_t i = 0; i < n; i++) {
        lcap_block *b = ord[i];
        for (lcap_stmt *s = b->stmts; s != NULL; s = s->next)
            ins[pc++] = (struct capture_insn){ s->code, 0, 0, s->k };
        if (lcap_block_is_ret(b)) {
            ins[pc++] = (struct capture_insn){ b->code, 0, 0, b->k };
            continue;
        }
        if (L[i].uncond) {
            size_t t = L[b->jt->pos].start;
            if (!(i + 1 < n && ord[i + 1] == b->jt)) {
                ins[pc] = (struct capture_insn){ LCAP_BPF_JMP | LCAP_BPF_JA, 0, 0, (uint32_t)(t - pc - 1) };
                pc++;
            }
            continue;
        }
        size_t br = pc++;
        size_t tt = L[b->jt->pos].start, tf = L[b->jf->pos].start;
        size_t jt, jf;
        size_t next = br + 1;
        if (L[i].tramp_t) {
            ins[next] = (struct capture_insn){ LCAP_BPF_JMP | LCAP_BPF_JA, 0, 0, (uint32_t)(tt - next - 1) };
            jt = next - (br + 1);
            next++;
            pc++;
        } else {
            jt = tt - (br + 1);
        }
        if (L[i].tramp_f) {
            ins[next] = (struct capture_insn){ LCAP_BPF_JMP | LCAP_BPF_JA, 0, 0, (uint32_t)(tf - next - 1) };
            jf = next - (br + 1);
            pc++;
        } else {
            jf = tf - (br + 1);
        }
        ins[br] = (struct capture_insn){ b->code, (uint8_t)jt, (uint8_t)jf, b->k };
    }
    lcap_tmp_free(cc, L);
    lcap_tmp_free(cc, ord);
    char err[CAPTURE_ERRBUF_SIZE];
    if (lcap_bpf_validate(ins, pc, err) < 0) {
        free(ins);
        lcap_cc_error(cc, 0, "internal error: the compiled filter is invalid: %s", err);
        return -1;
    }
    *out = ins;
    *nout = pc;
    return 0;
}
