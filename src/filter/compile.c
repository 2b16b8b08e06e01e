/* compile.c - capture_compile(): parse, generate, optimize, emit, validate; one state per call. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/program.h"
#include "filter/ast.h"
#include "filter/gen.h"
#include "filter/ir.h"
#include "filter/opt_pcap.h"

lcap_cond *lcap_gen_tree(lcap_cc *cc, const lcap_node *n);

#define DEFAULT_SNAPLEN 262144

enum { JUDGE_NO, JUDGE_VERDICT, JUDGE_SHAPE };
enum { JUDGE_NONE = 1, JUDGE_SHIFT = 2 };

/* One compilation. judge (JUDGE_VERDICT): instead of a program, the verdict of libpcap's
 * optimizer (opt_pcap.c, LCAP_PM_* in *rejects_all) on the graph generated
 * in libpcap's shape (proto[constant] as an indexed load, address chains
 * as libpcap writes them); the program is NULL then. JUDGE_SHAPE: that graph
 * as a program, unoptimized. Otherwise *rejects_all gets JUDGE_NONE when
 * the optimized program matches nothing, or'ed with JUDGE_SHIFT when a
 * shift amount is computed (libpcap's optimizer may refuse it). */
static capture_bpf *compile_once(int linktype, int snaplen, const char *filter, int optimize, uint32_t netmask,
                                 unsigned flags, int judge, int *rejects_all, char *errbuf)
{
    lcap_cc cc;
    /* The arenas' first chunks: most compiles need no other memory. */
    max_align_t first[LCAP_ARENA_FIRST / sizeof(max_align_t)], tmp_first[LCAP_TMP_FIRST / sizeof(max_align_t)];
    capture_bpf *prog = NULL;
    struct capture_insn *insns = NULL;
    size_t n = 0;
    int empty = 0;

    memset(&cc, 0, sizeof(cc));
    lcap_arena_init(&cc.arena, first, sizeof(first));
    lcap_arena_init(&cc.tmp, tmp_first, sizeof(tmp_first));
    cc.text = filter != NULL ? filter : "";
    cc.dlt = linktype;
    /* accepting returns the snapshot length as given, above 262144 too (a
     * savefile's; libpcap's ret #snaplen), the default only when unset */
    cc.snaplen = snaplen <= 0 ? DEFAULT_SNAPLEN : (uint32_t)snaplen;
    cc.netmask = netmask;
    if (judge == JUDGE_VERDICT)
        *rejects_all = -1; /* no verdict: the graph could not be built */
    cc.libpcap_shape = judge != JUDGE_NO;
    cc.savefile = (flags & LCAP_COMPILE_SAVEFILE) != 0;
    cc.linux_vlan = (flags & LCAP_COMPILE_LINUX_VLAN) != 0;
    if (judge != JUDGE_VERDICT)
        *rejects_all = 0;

    if (lcap_gen_init_link(&cc) < 0)
        goto out;
    lcap_node *tree = lcap_parse(&cc, &empty);
    if (cc.error)
        goto out;
    lcap_block *yes = lcap_block_ret(&cc, cc.snaplen), *no = lcap_block_ret(&cc, 0);
    lcap_block *root;
    if (empty) {
        root = yes;
    } else {
        lcap_cond *c = lcap_gen_tree(&cc, tree);
        if (cc.error || c == NULL)
            goto fail;
        root = lcap_resolve(c, yes, no);
        root = lcap_gen_prologue(&cc, root);
        lcap_cond *ppi = lcap_gen_ppi_check(&cc);
        if (ppi != NULL)
            root = lcap_resolve(ppi, root, no);
    }
    if (cc.error || root == NULL)
        goto fail;
    lcap_cc_scratch_end(&cc); /* the tree and the conditions: only blocks are left */
    if (judge == JUDGE_VERDICT) {
        const char *msg = NULL;
        /* libpcap does not optimize such expressions (its no_optimize), so
         * it never refuses them */
        int v = cc.libpcap_noopt ? LCAP_PM_COMPILES : lcap_pcap_verdict(&cc, root, &msg);
        if (v < 0)
            goto fail;
        *rejects_all = v;
        if (v == LCAP_PM_ERROR)
            lcap_cc_error(&cc, 0, "%s", msg);
        else if (v == LCAP_PM_REJECTS)
            lcap_cc_error(&cc, 0, "expression rejects all packets");
        goto out;
    }
    if (optimize && judge != JUDGE_SHAPE) {
        int none = lcap_optimize(&cc, &root);
        /* what the passes lost where paths join, path by path */
        if (none == 0 && !cc.libpcap_noopt)
            none = lcap_opt_matches_nothing(&cc, root);
        if (none < 0)
            goto fail;
        if (!cc.libpcap_noopt)
            *rejects_all = (none ? JUDGE_NONE : 0) | (cc.computed_shift ? JUDGE_SHIFT : 0);
        if (lcap_opt_merge(&cc, root) < 0)
            goto fail;
    }
    if (lcap_emit(&cc, root, &insns, &n) < 0)
        goto fail;
    prog = lcap_bpf_adopt(insns, n);
    if (prog == NULL)
        lcap_cc_error(&cc, 0, "out of memory");
    goto out;
fail:
    if (!cc.error)
        lcap_cc_error(&cc, 0, "out of memory compiling the filter");
out:
    if (prog == NULL && errbuf != NULL)
        memcpy(errbuf, cc.errbuf, CAPTURE_ERRBUF_SIZE);
    lcap_arena_free(&cc.arena);
    lcap_arena_free(&cc.tmp);
    return prog;
}

capture_bpf *lcap_compile(int linktype, int snaplen, const char *filter, int optimize, uint32_t netmask,
                          unsigned flags, char *errbuf)
{
    int judge, verdict;
    capture_bpf *prog = compile_once(linktype, snaplen, filter, optimize, netmask, flags, 0, &judge, errbuf);
    if (prog == NULL || !judge)
        return prog;
    /* The program matches nothing, or a shift amount is computed: refused
     * if and only if libpcap's optimizer would refuse it (opt_pcap.c): it
     * is weaker, and stops on errors of its own; otherwise the program
     * ("ret #0" when it matches nothing) is the answer. A zero divisor it
     * finds by folding is not refused, as master does not (filter_diff's
     * known difference "by zero"), unless the program matches nothing. */
    char why[CAPTURE_ERRBUF_SIZE];
    compile_once(linktype, snaplen, filter, optimize, netmask, flags, JUDGE_VERDICT, &verdict, why);
    int shift = verdict == LCAP_PM_ERROR && strstr(why, "shift") != NULL;
    if (shift)
        snprintf(why, sizeof(why), "shift by more than 31 bits (the shift amount is a constant once optimized)");
    if (shift || verdict == LCAP_PM_REJECTS || (judge & JUDGE_NONE && verdict == LCAP_PM_ERROR)) {
        if (errbuf != NULL)
            memcpy(errbuf, why, CAPTURE_ERRBUF_SIZE);
        capture_bpf_free(prog);
        return NULL;
    }
    return prog;
}

capture_bpf *lcap_compile_libpcap_shape(int linktype, int snaplen, const char *filter, uint32_t netmask,
                                       unsigned flags, char *errbuf)
{
    int unused;
    return compile_once(linktype, snaplen, filter, 0, netmask, flags, JUDGE_SHAPE, &unused, errbuf);
}

int lcap_compile_verdict(int linktype, const char *filter, uint32_t netmask, unsigned flags, char *errbuf)
{
    int v;
    compile_once(linktype, 0, filter, 1, netmask, flags, JUDGE_VERDICT, &v, errbuf);
    return v;
}

capture_bpf *capture_compile(int linktype, int snaplen, const char *filter, int optimize, uint32_t netmask,
                             char *errbuf)
{
    return lcap_compile(linktype, snaplen, filter, optimize, netmask, 0, errbuf);
}

capture_bpf *capture_compile_savefile(int linktype, int snaplen, const char *filter, int optimize, uint32_t netmask,
                                      char *errbuf)
{
    return lcap_compile(linktype, snaplen, filter, optimize, netmask, LCAP_COMPILE_SAVEFILE, errbuf);
}
