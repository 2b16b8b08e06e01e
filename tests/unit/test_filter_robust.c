/* test_filter_robust.c - the filter compiler on inputs built to break it:
 * 10,000 "host" alternatives, deep nesting of parentheses, "not" and
 * arithmetic (compiled or refused with a message, never a crash or a stack
 * overflow, also under ASan), and eight threads compiling at once, which
 * must give the programs one thread gives. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"

#define DLT_EN10MB 1
#define SNAPLEN 262144

/* Compiles expr both ways; each result is a validated program or an error
 * with a message. Returns how many of the two compiled. */
static int compile_or_refuse(const char *expr)
{
    int ok = 0;
    for (int opt = 0; opt <= 1; opt++) {
        char err[CAPTURE_ERRBUF_SIZE] = "";
        capture_bpf *prog = capture_compile(DLT_EN10MB, SNAPLEN, expr, opt, 0xffffff00, err);
        if (prog == NULL) {
            assert_true(err[0] != '\0');
            continue;
        }
        const struct capture_insn *insns;
        size_t n = capture_bpf_insns(prog, &insns);
        capture_bpf *again = capture_bpf_from_insns(insns, n, err);
        assert_non_null(again);
        capture_bpf_free(again);
        capture_bpf_free(prog);
        ok++;
    }
    return ok;
}

static char *repeat3(const char *head, const char *mid, const char *tail, int n)
{
    size_t lh = strlen(head), lm = strlen(mid), lt = strlen(tail);
    char *s = malloc((lh + lt) * (size_t)n + lm + 1);
    assert_non_null(s);
    char *p = s;
    for (int i = 0; i < n; i++, p += lh)
        memcpy(p, head, lh);
    memcpy(p, mid, lm);
    p += lm;
    for (int i = 0; i < n; i++, p += lt)
        memcpy(p, tail, lt);
    *p = '\0';
    return s;
}

static void test_host_alternatives(void **state)
{
    (void)state;
    size_t cap = 10000 * 24 + 1, n = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    for (int i = 0; i < 10000; i++)
        n += (size_t)snprintf(s + n, cap - n, "%shost 10.%d.%d.%d", i ? " or " : "", i >> 16, (i >> 8) & 255, i & 255);
    compile_or_refuse(s);
    /* The same with inherited qualifiers: "host a or b or c ...". */
    n = (size_t)snprintf(s, cap, "host 10.0.0.0");
    for (int i = 1; i < 10000; i++)
        n += (size_t)snprintf(s + n, cap - n, " or 10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
    compile_or_refuse(s);
    free(s);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    static const int depths[] = { 1000, 100000 };
    for (size_t i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
        int d = depths[i];
        char *s = repeat3("(", "tcp", ")", d);
        /* 1,000 levels are an ordinary expression: they must compile. */
        if (d <= 1000)
            assert_int_equal(compile_or_refuse(s), 2);
        else
            compile_or_refuse(s);
        free(s);
        s = repeat3("not ", "tcp", "", d);
        compile_or_refuse(s);
        free(s);
        s = repeat3("(1 + ", "ip[0]", ")", d);
        char *rel = malloc(strlen(s) + 8);
        assert_non_null(rel);
        sprintf(rel, "%s > 5", s);
        compile_or_refuse(rel);
        free(rel);
        free(s);
        s = repeat3("ip[", "0", "]", d);
        rel = malloc(strlen(s) + 8);
        assert_non_null(rel);
        sprintf(rel, "%s = 1", s);
        compile_or_refuse(rel);
        free(rel);
        free(s);
        s = repeat3("(", "", "", d);   /* unbalanced */
        assert_int_equal(compile_or_refuse(s), 0);
        free(s);
        s = repeat3("", "tcp", ")", d);
        assert_int_equal(compile_or_refuse(s), 0);
        free(s);
    }
}

/* Expressions of every kind, names included (the resolver must be reentrant). */
static const char *const exprs[] = {
    "tcp port 80", "host 10.0.0.1 and not port ssh", "udp port domain or tcp port http",
    "ip proto \\tcp", "ip6 and tcp", "net 192.168.0.0/16", "ether host 00:11:22:33:44:55",
    "tcp[tcpflags] & (tcp-syn|tcp-ack) != 0", "icmp[icmptype] == icmp-echo", "arp or rarp",
    "ip[4:2] & 0x0fff >= 100", "portrange 1000-2000", "greater 100 and less 1500",
    "ip broadcast or ip multicast", "ip6 net 2001:db8::/32", "port 80 or 443 or 8080",
    "host localhost", "(tcp or udp) and not (port 22 or port 53)",
};
#define NEXPR (sizeof(exprs) / sizeof(exprs[0]))
#define NTHREADS 8
#define ROUNDS 25

struct image {
    struct capture_insn *insns;
    size_t n;
};

static struct image reference[NEXPR][2];

static struct image compile_image(const char *expr, int opt)
{
    char err[CAPTURE_ERRBUF_SIZE];
    struct image im = { NULL, 0 };
    capture_bpf *prog = capture_compile(DLT_EN10MB, SNAPLEN, expr, opt, 0xffffff00, err);
    if (prog == NULL)
        return im;
    const struct capture_insn *insns;
    im.n = capture_bpf_insns(prog, &insns);
    im.insns = malloc(im.n * sizeof(*insns));
    if (im.insns != NULL)
        memcpy(im.insns, insns, im.n * sizeof(*insns));
    capture_bpf_free(prog);
    return im;
}

static void *thread_main(void *arg)
{
    long mismatches = 0, seed = (long)(intptr_t)arg;
    for (int r = 0; r < ROUNDS; r++) {
        for (size_t k = 0; k < NEXPR; k++) {
            size_t i = (k + (size_t)seed * 5 + (size_t)r) % NEXPR;   /* threads out of step */
            int opt = (r + seed) % 2;
            struct image im = compile_image(exprs[i], opt);
            const struct image *ref = &reference[i][opt];
            if (im.n != ref->n || (im.n && memcmp(im.insns, ref->insns, im.n * sizeof(*im.insns)) != 0))
                mismatches++;
            free(im.insns);
        }
    }
    return (void *)(intptr_t)mismatches;
}

static void test_threads(void **state)
{
    (void)state;
    int compiled = 0;
    for (size_t i = 0; i < NEXPR; i++)
        for (int opt = 0; opt <= 1; opt++) {
            reference[i][opt] = compile_image(exprs[i], opt);
            compiled += reference[i][opt].n > 0;
        }
    /* A test that compares nothing proves nothing. */
    assert_true(compiled >= (int)NEXPR);
    pthread_t t[NTHREADS];
    for (long i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, thread_main, (void *)(intptr_t)i), 0);
    long total = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *rv;
        assert_int_equal(pthread_join(t[i], &rv), 0);
        total += (long)(intptr_t)rv;
    }
    for (size_t i = 0; i < NEXPR; i++)
        for (int opt = 0; opt <= 1; opt++)
            free(reference[i][opt].insns);
    assert_int_equal(total, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_alternatives),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
