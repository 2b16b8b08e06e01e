/* test_filter_opt.c - the optimizer's threading passes do work linear in the blocks of long
 * "or" chains: a count of work (blocks visited, walk steps, facts looked at or copied), never a time. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "filter/ast.h"
#include "filter/filter.h"
#include "filter/gen.h"
#include "filter/ir.h"

/* gen.c's entry point, which only compile.c declares */
lcap_cond *lcap_gen_tree(lcap_cc *cc, const lcap_node *n);

/* Work per block the passes may do on the chains below. Measured (host,
 * port): 41.7 and 68.8 a block, for 1,000 and 3,000 terms alike. Looking at
 * every fact of a set for every test (the sets' filters off: 69 and 95) or
 * copying each set into the block it reaches rather than handing it on (54
 * and 82) goes past the bounds; a pass whose work grew faster than the
 * chain, more so. */
#define HOST_BOUND 50
#define PORT_BOUND 78

/* The optimizer's count of work on expr for DLT_EN10MB; *nblocks gets the
 * blocks generated. The expression must match something. */
static unsigned long work_of(const char *expr, int *nblocks)
{
    lcap_cc cc;
    /* first chunks for the arenas, as capture_compile gives them */
    max_align_t first[LCAP_ARENA_FIRST / sizeof(max_align_t)], tmp_first[LCAP_TMP_FIRST / sizeof(max_align_t)];
    int empty = 0;
    memset(&cc, 0, sizeof(cc));
    lcap_arena_init(&cc.arena, first, sizeof(first));
    lcap_arena_init(&cc.tmp, tmp_first, sizeof(tmp_first));
    cc.text = expr;
    cc.dlt = 1;
    cc.snaplen = 262144;
    cc.netmask = 0xffffffffu;
    assert_int_equal(lcap_gen_init_link(&cc), 0);
    lcap_node *tree = lcap_parse(&cc, &empty);
    assert_false(cc.error);
    lcap_block *yes = lcap_block_ret(&cc, cc.snaplen), *no = lcap_block_ret(&cc, 0);
    lcap_cond *c = lcap_gen_tree(&cc, tree);
    assert_non_null(c);
    lcap_block *root = lcap_gen_prologue(&cc, lcap_resolve(c, yes, no));
    assert_non_null(root);
    *nblocks = cc.nblocks;
    assert_int_equal(lcap_optimize(&cc, &root), 0);
    unsigned long work = cc.opt_work;
    lcap_arena_free(&cc.arena);
    lcap_arena_free(&cc.tmp);
    return work;
}

/* "host 10.0.0.0 or host 10.0.0.1 or ..." (ports: "port 1 or port 2 or ..."), n terms. */
static char *chain(int ports, int n)
{
    size_t cap = (size_t)n * 24 + 1, o = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    for (int i = 0; i < n; i++) {
        const char *or = i > 0 ? " or " : "";
        if (ports)
            o += (size_t)snprintf(s + o, cap - o, "%sport %d", or, i + 1);
        else
            o += (size_t)snprintf(s + o, cap - o, "%shost 10.0.%d.%d", or, (i >> 8) & 255, i & 255);
    }
    return s;
}

static void check(int ports, int n)
{
    char *expr = chain(ports, n);
    int nblocks = 0;
    unsigned long work = work_of(expr, &nblocks);
    print_message("%s chain of %d terms: %d blocks, work %lu (%.1f a block)\n", ports ? "port" : "host", n, nblocks,
                  work, (double)work / nblocks);
    unsigned long bound = ports ? PORT_BOUND : HOST_BOUND;
    if (work > bound * (unsigned long)nblocks)
        fail_msg("%s chain of %d terms: work %lu, more than %lu a block for %d blocks", ports ? "port" : "host", n,
                 work, bound, nblocks);
    free(expr);
}

static void host_chains_linear(void **state)
{
    (void)state;
    check(0, 1000);
    check(0, 3000);
}

static void port_chains_linear(void **state)
{
    (void)state;
    check(1, 1000);
    check(1, 3000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_chains_linear),
        cmocka_unit_test(port_chains_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
