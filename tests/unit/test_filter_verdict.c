/* test_filter_verdict.c - "expression rejects all packets" exactly when libpcap 1.10.3 says it:
 * the expressions filter_diff found the earlier verdict wrong on, and one small expression for
 * each rule of libpcap's optimizer that decides a verdict (the model in src/filter/opt_pcap*.c). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "filter/filter.h"
#include "filter/opt_pcap.h"

/* What `tcpdump -y EN10MB -d EXPR` (libpcap 1.10.3) says of each, by hand:
 * compiles (0), "expression rejects all packets" (1), or its optimizer's
 * own error (2, the message given). */
typedef struct verdict_case {
    const char *expr;
    int verdict;
    const char *msg;
} verdict_case;

/* filter_diff -s 1 -S 60's disagreements of the earlier verdict (the seed),
 * and the scout's on seeds 61-155 that were verdicts */
static const verdict_case found[] = {
    { "vlan 4095 and src and dst host 255.255.255.255 and 224.0.0.5 or 10.0.0.1 || src and dst portrange 50-60 "
      "and src and dst port 65535 and ip6 src or dst host ff02::1 and not !udp port 8080", 0, NULL }, /* 8 */
    { "ether src 02-00-00-00-00-02 && 040 <= (0x80000000) >> 29 or mpls 1048575 || not port 6081 or link "
      "multicast && !not host 10.1.2.3 and mpls 17", 0, NULL }, /* 8 */
    { "src portrange 4000-7000 and src or dst port 0 or ether broadcast and igmp or vrrp && less 60 and mpls", 0,
      NULL }, /* 11 */
    { "(not decnet host 63.1023) or (len < 14) && mpls or ip[9] = 6 and ip[0] & 0xf = 5 and net 224.0.0.0/4 or "
      "tcp[tcpflags] & (tcp-syn|tcp-ack) != 0 or ip6 proto 132 and (mpls 1048575)", 0, NULL }, /* 14 */
    { "(udp port 53 and proto 0) and (not link[tcp[5:2]:1] == icmp6[12:2] - icmp[ip6[67:2]:1] % 040) or ---040 = "
      "0x1fff", 1, NULL }, /* 30 */
    { "not vlan 4095 and mpls or mpls 0 and not ip proto 0 and sctp port 443 and 4789 and mpls 0", 0, NULL }, /* 31 */
    { "(tcp[8] == tcp-urg && ip src net 10 and ip6) and (icmp-maskreq < icmp6[igmp[7:4]:2] || "
      "tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420) or 4294967295 << 31 == 0x1fff", 1, NULL }, /* 32 */
    { "sctp port 53 and mpls or src and dst host 10.0.0.2 or ip[4:2] & 0x0fff >= 100 and (mpls 100)", 0,
      NULL }, /* 34 */
    { "(ah) and ether proto 0x88cc || (icmp-echo) < 040 / 0xffffffff && (not dst 10.0.0.2)", 1, NULL }, /* 36 */
    { "((vlan 1 or icmp-redirect > ip[7:2])) and ip host 10.0.0.1 and ether proto \\atalk and ((rarp[8:4]) == "
      "0x45)", 0, NULL }, /* 52 */
    { "not ip6 src or dst net ::/0 and icmp6", 1, NULL }, /* 54 */
    { "mpls 100 && udp[4:1] >> 2 >> 13 <= 1500 and (mpls 1048575)", 0, NULL }, /* 56 */
    { "not not not (igrp[-5]) = icmp-redirect | -0xf + 0xf and rarp src or dst host 192.168.1.1 or 224.0.0.5 or "
      "not 10.1.2.3 and not host 2001:db8::1 || src or dst host 10.0.0.2 && ! 224.0.0.5 or not 255.255.255.255 && "
      "! 172.16.0.9 and 10.1.2.3 and 255.255.255.255 or 10.1.2.3 and 192.168.1.1 && host 224.0.0.5", 0, NULL }, /* 58 */
    { "mpls 17 and mpls && host 172.16.0.9 and 224.0.0.5 and (mpls 100)", 0, NULL }, /* 60 */
    { "tcp[19:2] ^ 20 > ip[icmpcode:4] && (vlan 10) and proto 51 or icmp-unreach + 0xffff < 8", 1, NULL }, /* 62 */
    { "not 0x80000000 / 4 << 28 == tcp-cwr ^ 017 or ip6 and udp and !udp src port 80 || udp[icmptype:2] <= "
      "tcp-ack - ip[3:4] and 0xffff & 8 < vrrp[len] and link host 00-11-22-33-44-55 and ip[0] | 0xffffffff = "
      "0xffffffff", 0, NULL }, /* 64 */
    /* libpcap's optimizer does not see the "| 0xffffffff" test always true
     * and reaches the shift by 51 behind it */
    { "llc dm or len > 0xf | -pim[9:2] - 0xf or ip[0] | 0xffffffff = 0xffffffff or (0xf) ^ ip[ip[4]:4] > "
      "ip[19:2] << 17 * 3", 2, "shift by more than 31 bits" }, /* 95 */
    /* libcapture's passes meet "ARP" and "RARP" into nothing known before
     * "lat" tests the type again; each path knows it (opt_nomatch.c) */
    { "ip[8] < 5 or (src or dst host 192.168.1.1 or 10.0.0.2) and lat", 1, NULL }, /* 108 */
};

/* One expression for each rule (the comment says which, and what the model
 * said with that rule taken out of it). */
static const verdict_case rules[] = {
    /* the peephole makes the second "[16] & 1 == 0" a jset on the byte
     * before the edge moves compare it with the first "== 1" (without the
     * "and #k; jeq #0" rewrite: rejects) */
    { "mpls and ip and mpls", 0, NULL },
    { "mpls 100 and ip and mpls 1048575", 0, NULL },
    /* identical blocks merged after the passes: both edges of the root then
     * reach one block, which goes to "ret #0" (without: compiles) */
    { "ether[0] = 1 and 2 << 30 <= 8 or 2 << 30 <= 8", 1, NULL },
    /* the root moves past blocks whose two edges meet (without: compiles) */
    { "2 > 5", 1, NULL },
    { "(3 == 1)", 1, NULL },
    /* a constant computed by arithmetic is known only in the second loop,
     * which moves no edge: the block it decides stays below the root
     * (folding in the first loop too: rejects) */
    { "ether[0] = 1 and 2 << 30 <= 8", 0, NULL },
    { "ether[12:2] = 0x8100 and mpls 16", 0, NULL },
    { "1 = sctp[10:4] & 0", 0, NULL },
    /* a test known past a join only if an edge dominating it made it (a
     * fact from one side of the join kept: rejects) */
    { "port 22 and ssh", 0, NULL },
    { "not pim and carp", 0, NULL },
    /* the same test again, or an equality known true against another
     * constant, on every path */
    { "ether[0] = 1 and ether[0] = 2", 1, NULL },
    { "ip and ether[1] = 1 and not ip", 1, NULL },
    /* the graph in libpcap's shape: every value of a relation through a
     * scratch word, the words taken round robin, so the two relations are
     * not the same statements (the shape libcapture optimizes: rejects) */
    { "(ah) and (ip[6:2] & 0x1fff = 0) and ip[6:2] & 0x1fff = 0", 0, NULL },
    /* the optimizer's own errors, on constants it folds */
    { "ip and ip[0] << (3 * 11) = 1", 2, "shift by more than 31 bits" },
    { "ip and ip[0] / (1 - 1) = 1", 2, "division by zero" },
    { "ip and ip[0] % (2 - 2) = 1", 2, "modulus by zero" },
};

static void check_model(const verdict_case *c)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    int v = lcap_compile_verdict(CAPTURE_DLT_EN10MB, c->expr, 0xffffff00u, 0, err);
    if (v != c->verdict)
        fail_msg("'%s': the model says %d (%s), libpcap %d", c->expr, v, err, c->verdict);
    if (c->msg != NULL && strstr(err, c->msg) == NULL)
        fail_msg("'%s': the model says '%s', libpcap '%s'", c->expr, err, c->msg);
}

/* Through the public entry point, which asks the model only when its own
 * optimizer finds that nothing matches. */
static void check_compile(const verdict_case *c)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    capture_bpf *p = capture_compile(CAPTURE_DLT_EN10MB, 262144, c->expr, 1, 0xffffff00u, err);
    if (c->verdict == 0 && p == NULL)
        fail_msg("'%s' refused (%s); libpcap compiles it", c->expr, err);
    if (c->verdict != 0 && p != NULL)
        fail_msg("'%s' compiled; libpcap refuses it", c->expr);
    if (c->verdict == 1 && strstr(err, "rejects all packets") == NULL)
        fail_msg("'%s': '%s', not 'rejects all packets'", c->expr, err);
    capture_bpf_free(p);
}

static void found_expressions(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(found) / sizeof(found[0]); i++) {
        check_model(&found[i]);
        check_compile(&found[i]);
    }
}

static void each_rule(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        check_model(&rules[i]);
}

/* Refused only as libpcap refuses: the public path on the rules' cases
 * whose program matches nothing (a compiled one returns 0 on every packet),
 * and on the shift. A divisor of zero found by folding is refused by
 * 1.10.3's optimizer only: libcapture compiles it as master does
 * (filter_diff's known difference "by zero"). */
static void public_path(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        if (rules[i].verdict == 1 || strstr(rules[i].expr, "<<") != NULL)
            check_compile(&rules[i]);
}

/* Past the model's bound (a graph of more than 4,000 blocks in libpcap's
 * shape: 400 host terms of 12) no verdict, so nothing is refused: the
 * program that matches nothing is returned. */
static void past_the_bound(void **state)
{
    (void)state;
    static char expr[400 * 24 + 16];
    size_t len = 0;
    expr[len++] = '(';
    for (int i = 0; i < 400; i++)
        len += (size_t)snprintf(expr + len, sizeof(expr) - len, "%shost 10.0.%d.%d", i ? " or " : "", i / 200,
                                i % 200 + 1);
    snprintf(expr + len, sizeof(expr) - len, ") and 1 = 2");
    char err[CAPTURE_ERRBUF_SIZE] = "";
    assert_int_equal(lcap_compile_verdict(CAPTURE_DLT_EN10MB, expr, 0, 0, err), LCAP_PM_UNKNOWN);
    capture_bpf *p = capture_compile(CAPTURE_DLT_EN10MB, 262144, expr, 1, 0, err);
    assert_non_null(p);
    assert_int_equal(capture_bpf_insns(p, NULL), 1); /* ret #0 */
    capture_bpf_free(p);
    /* 300 terms are within it: refused as libpcap refuses (tcpdump -d,
     * some seconds) */
    len = 0;
    expr[len++] = '(';
    for (int i = 0; i < 300; i++)
        len += (size_t)snprintf(expr + len, sizeof(expr) - len, "%shost 10.0.%d.%d", i ? " or " : "", i / 200,
                                i % 200 + 1);
    snprintf(expr + len, sizeof(expr) - len, ") and 1 = 2");
    assert_int_equal(lcap_compile_verdict(CAPTURE_DLT_EN10MB, expr, 0, 0, err), LCAP_PM_REJECTS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(found_expressions),
        cmocka_unit_test(each_rule),
        cmocka_unit_test(public_path),
        cmocka_unit_test(past_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
