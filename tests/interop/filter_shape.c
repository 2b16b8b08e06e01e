/* filter_shape.c - the graph the verdict "rejects all packets" is judged on (libcapture's
 * libpcap-shaped generation, unoptimized) against libpcap 1.10.3's unoptimized program: the same
 * blocks, shared alike, for grammar-generated expressions (or those given with -f). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/program.h"
#include "filter/filter.h"
#include "filter_gen.h"

typedef struct prog {
    const struct capture_insn *in;
    size_t n;
    int *peer; /* by pc of a block start: the other program's, -1 unset */
} prog;

static int is_cond(uint16_t code) { return LCAP_BPF_CLASS(code) == LCAP_BPF_JMP && LCAP_BPF_OP(code) != LCAP_BPF_JA; }

/* From pc, through "ja", to the block's branch or return; the statements
 * go to out (at most cap). The pc of the branch, or -1 if it runs off. */
static long walk(const prog *p, size_t pc, struct capture_insn *out, size_t cap, size_t *ns)
{
    *ns = 0;
    for (size_t steps = 0; pc < p->n && steps < p->n; steps++) {
        const struct capture_insn *i = &p->in[pc];
        if (LCAP_BPF_CLASS(i->code) == LCAP_BPF_JMP && LCAP_BPF_OP(i->code) == LCAP_BPF_JA) {
            pc += 1 + i->k;
            continue;
        }
        if (is_cond(i->code) || LCAP_BPF_CLASS(i->code) == LCAP_BPF_RET)
            return (long)pc;
        if (*ns < cap)
            out[*ns] = *i;
        (*ns)++;
        pc++;
    }
    return -1;
}

/* The blocks from a and b alike; sharing must match too (returns may be
 * copies). 0 alike, else 1 with why. */
static int same(prog *x, prog *y, size_t a, size_t b, int depth, char *why, size_t wcap)
{
    struct capture_insn sa[256], sb[256];
    size_t na, nb;
    long ea = walk(x, a, sa, 256, &na), eb = walk(y, b, sb, 256, &nb);
    if (ea < 0 || eb < 0 || depth > 10000) {
        snprintf(why, wcap, "bad program");
        return 1;
    }
    const struct capture_insn *ja = &x->in[ea], *jb = &y->in[eb];
    int ret = LCAP_BPF_CLASS(ja->code) == LCAP_BPF_RET;
    if (!ret) {
        if (x->peer[a] >= 0 || y->peer[b] >= 0) {
            if (x->peer[a] == (int)b && y->peer[b] == (int)a)
                return 0;
            snprintf(why, wcap, "libpcap's block at %zu shared differently (ours at %zu)", a, b);
            return 1;
        }
        x->peer[a] = (int)b;
        y->peer[b] = (int)a;
    }
    if (na != nb || ja->code != jb->code || ja->k != jb->k) {
        snprintf(why, wcap, "block at libpcap %zu / ours %zu: %zu vs %zu statements, branch %#x #%#x vs %#x #%#x",
                 a, b, na, nb, ja->code, ja->k, jb->code, jb->k);
        return 1;
    }
    for (size_t i = 0; i < na && i < 256; i++)
        if (sa[i].code != sb[i].code || sa[i].k != sb[i].k) {
            snprintf(why, wcap, "block at libpcap %zu / ours %zu: statement %zu %#x #%#x vs %#x #%#x", a, b, i,
                     sa[i].code, sa[i].k, sb[i].code, sb[i].k);
            return 1;
        }
    if (ret)
        return 0;
    return same(x, y, (size_t)ea + 1 + ja->jt, (size_t)eb + 1 + jb->jt, depth + 1, why, wcap) ||
           same(x, y, (size_t)ea + 1 + ja->jf, (size_t)eb + 1 + jb->jf, depth + 1, why, wcap);
}

#include "filter/opt_pcap.h"

/* -v: libpcap's optimizer's verdict against the model's (lcap_compile_verdict),
 * on every expression both compile unoptimized. 0 same, 1 differs, 2 not compared. */
static int compare_verdict(pcap_t *dead, const char *expr, int verbose)
{
    struct bpf_program bp;
    char err[CAPTURE_ERRBUF_SIZE];
    if (pcap_compile(dead, &bp, expr, 0, 0xffffff00u) < 0)
        return 2;
    pcap_freecode(&bp);
    int v = lcap_compile_verdict(CAPTURE_DLT_EN10MB, expr, 0xffffff00u, 0, err);
    if (v < 0 || v == LCAP_PM_UNKNOWN)
        return 2;
    int ok = pcap_compile(dead, &bp, expr, 1, 0xffffff00u) == 0;
    const char *msg = ok ? "" : pcap_geterr(dead);
    int pv = ok ? LCAP_PM_COMPILES : strstr(msg, "rejects all packets") != NULL ? LCAP_PM_REJECTS : LCAP_PM_ERROR;
    if (ok)
        pcap_freecode(&bp);
    if (pv == v) {
        if (v != LCAP_PM_COMPILES && verbose > 1)
            printf("verdict agrees: '%s': %d\n", expr, v);
        return 0;
    }
    if (verbose)
        printf("verdict differs: '%s': libpcap %d (%s), model %d (%s)\n", expr, pv, msg, v,
               v == LCAP_PM_COMPILES ? "" : err);
    return 1;
}

/* 0 same, 1 differs, 2 one side refused (not compared). */
static int compare(pcap_t *dead, const char *expr, int verbose)
{
    struct bpf_program bp;
    char err[CAPTURE_ERRBUF_SIZE];
    if (pcap_compile(dead, &bp, expr, 0, 0xffffff00u) < 0)
        return 2;
    capture_bpf *c = lcap_compile_libpcap_shape(CAPTURE_DLT_EN10MB, 262144, expr, 0xffffff00u, 0, err);
    if (c == NULL) {
        pcap_freecode(&bp);
        return 2;
    }
    prog x = { (const struct capture_insn *)bp.bf_insns, bp.bf_len, NULL };
    prog y = { NULL, 0, NULL };
    y.n = capture_bpf_insns(c, &y.in);
    x.peer = malloc(x.n * sizeof(int));
    y.peer = malloc(y.n * sizeof(int));
    int rc = 1;
    char why[256] = "";
    if (x.peer != NULL && y.peer != NULL) {
        memset(x.peer, 0xff, x.n * sizeof(int));
        memset(y.peer, 0xff, y.n * sizeof(int));
        rc = same(&x, &y, 0, 0, 0, why, sizeof(why));
    }
    if (rc && verbose)
        printf("differs: '%s': %s\n", expr, why);
    free(x.peer);
    free(y.peer);
    pcap_freecode(&bp);
    capture_bpf_free(c);
    return rc;
}

#define SHAPE_APART (1u << FG_protochain | 1u << FG_tunnel | 1u << FG_pppoe | 1u << FG_decnet | 1u << FG_iso | \
                     1u << FG_bcast_mcast)

int main(int argc, char **argv)
{
    unsigned long seed = 1, n = 2000;
    const char *file = NULL;
    int verbose = 1, verdicts = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            seed = strtoul(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            n = strtoul(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
            file = argv[++i];
        else if (strcmp(argv[i], "-q") == 0)
            verbose = 0;
        else if (strcmp(argv[i], "-v") == 0)
            verdicts = 1;
        else if (strcmp(argv[i], "-a") == 0)
            verbose = 2;
        else {
            fprintf(stderr, "usage: filter_shape [-v] [-s SEED] [-n N] [-f EXPR_FILE] [-q]\n");
            return 2;
        }
    }
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
    if (dead == NULL)
        return 2;
    unsigned long counts[3] = { 0, 0, 0 };
    char expr[4096];
    if (file != NULL) {
        FILE *f = fopen(file, "r");
        if (f == NULL)
            return 2;
        while (fgets(expr, sizeof(expr), f) != NULL) {
            expr[strcspn(expr, "\n")] = 0;
            counts[(verdicts ? compare_verdict : compare)(dead, expr, verbose)]++;
        }
        fclose(f);
    } else {
        fg_rng rng = { seed * 0x9E3779B97F4A7C15ULL | 1 };
        for (unsigned long e = 0; e < n; e++) {
            uint32_t used;
            fg_expression(&rng, expr, sizeof(expr), &used);
            /* the graphs are compared only where 1.10.3 generates as
             * master does (filter_diff's known differences aside) and
             * optimizes (not protochain, geneve) */
            if (!verdicts && (used & SHAPE_APART) != 0) {
                counts[2]++;
                continue;
            }
            counts[(verdicts ? compare_verdict : compare)(dead, expr, verbose)]++;
        }
    }
    printf("filter_shape: %lu the same %s, %lu differ, %lu refused by one side\n", counts[0],
           verdicts ? "verdict" : "graph", counts[1], counts[2]);
    pcap_close(dead);
    return counts[1] != 0;
}
