/* test_filter_parse.c - unit tests of the filter lexer and parser: tree shapes (precedence,
 * qualifier inheritance), error messages with token and column, nesting bounds. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpf/insn.h"
#include "filter/ast.h"
#include "filter/filter.h"
#include "filter/lex.h"

typedef struct parsed {
    lcap_cc cc;
    lcap_node *tree;
    int empty;
} parsed;

static parsed *parse(const char *text)
{
    parsed *p = calloc(1, sizeof(*p));
    assert_non_null(p);
    p->cc.text = text;
    p->tree = lcap_parse(&p->cc, &p->empty);
    return p;
}

static void done(parsed *p)
{
    lcap_arena_free(&p->cc.arena);
    lcap_arena_free(&p->cc.tmp); /* the tree's (scratch) */
    free(p);
}

/* The error of text, which must fail to parse. */
static void expect_error(const char *text, const char *part1, const char *part2)
{
    parsed *p = parse(text);
    if (p->tree != NULL || !p->cc.error)
        fail_msg("'%s' parsed", text);
    if (strstr(p->cc.errbuf, part1) == NULL || (part2 != NULL && strstr(p->cc.errbuf, part2) == NULL))
        fail_msg("'%s': message '%s' lacks '%s' / '%s'", text, p->cc.errbuf, part1, part2 ? part2 : "");
    done(p);
}

static void and_or_same_precedence_left_assoc(void **state)
{
    (void)state;
    parsed *p = parse("tcp or udp and icmp");
    assert_non_null(p->tree);
    /* ((tcp or udp) and icmp), not (tcp or (udp and icmp)) */
    assert_int_equal(p->tree->kind, N_AND);
    assert_int_equal(p->tree->l->kind, N_OR);
    assert_int_equal(p->tree->r->kind, N_PROTO);
    assert_int_equal(p->tree->r->q.proto, Q_ICMP);
    done(p);
    p = parse("tcp and udp or icmp");
    assert_int_equal(p->tree->kind, N_OR);
    assert_int_equal(p->tree->l->kind, N_AND);
    done(p);
}

static void not_binds_tighter(void **state)
{
    (void)state;
    parsed *p = parse("not tcp and udp");
    assert_int_equal(p->tree->kind, N_AND);
    assert_int_equal(p->tree->l->kind, N_NOT);
    assert_int_equal(p->tree->l->l->q.proto, Q_TCP);
    done(p);
    p = parse("! (tcp && udp) || icmp");
    assert_int_equal(p->tree->kind, N_OR);
    assert_int_equal(p->tree->l->kind, N_NOT);
    assert_int_equal(p->tree->l->l->kind, N_AND);
    done(p);
}

static void qualifiers_inherited(void **state)
{
    (void)state;
    parsed *p = parse("host 1.2.3.4 or 5.6.7.8");
    assert_int_equal(p->tree->kind, N_OR);
    assert_int_equal(p->tree->r->kind, N_HID);
    assert_int_equal(p->tree->r->q.addr, Q_HOST);
    assert_string_equal(p->tree->r->s, "5.6.7.8");
    done(p);
    p = parse("tcp dst port 80 or 443 and not 8080");
    const lcap_node *n = p->tree->r->l; /* and( or(80, 443), not 8080 ) */
    assert_int_equal(p->tree->kind, N_AND);
    assert_int_equal(n->kind, N_NUM);
    assert_int_equal(n->num, 8080);
    assert_int_equal(n->q.proto, Q_TCP);
    assert_int_equal(n->q.dir, Q_DST);
    assert_int_equal(n->q.addr, Q_PORT);
    done(p);
    p = parse("src or dst host (a or b)");
    assert_int_equal(p->tree->kind, N_OR);
    assert_int_equal(p->tree->l->q.dir, Q_OR);
    assert_int_equal(p->tree->r->q.addr, Q_HOST);
    done(p);
    /* after a parenthesized group the qualifiers in force before it pass
     * on, not its own (master's grammar.y.in: rterm "paren expr ')'" takes
     * $1.q, paren's saved $<blk>0): "(port 53) or 123" has none */
    p = parse("host 1.2.3.4 or (tcp) or 5.6.7.8");
    assert_int_equal(p->tree->r->kind, N_HID);
    assert_int_equal(p->tree->r->q.addr, Q_HOST);
    done(p);
    p = parse("tcp port 80 or (udp port 53 or 54) or 443");
    assert_int_equal(p->tree->r->q.proto, Q_TCP);
    assert_int_equal(p->tree->r->q.addr, Q_PORT);
    assert_int_equal(p->tree->l->r->r->q.proto, Q_UDP); /* 54 inside inherits udp port */
    done(p);
    expect_error("(port 53) or 123", "'123'", "qualifier");
}

/* Groups as libpcap's grammar has them: after and/or "paren expr ')'" (a
 * term first) or "paren pid ')'" (a bare id or pnum first, then ids only;
 * the ids inherit what was in force before the group); a list of ids
 * cannot open a group; a pnum is a number in any parentheses. */
static void id_groups_as_libpcap(void **state)
{
    (void)state;
    parsed *p = parse("tcp port 80 or ((81) or 82)");
    assert_int_equal(p->tree->r->kind, N_OR);
    assert_int_equal(p->tree->r->l->kind, N_NUM);
    assert_int_equal(p->tree->r->l->num, 81);
    assert_int_equal(p->tree->r->l->q.proto, Q_TCP);
    assert_int_equal(p->tree->r->r->q.addr, Q_PORT);
    done(p);
    p = parse("port 80 or (((81)))");
    assert_int_equal(p->tree->r->kind, N_NUM);
    assert_int_equal(p->tree->r->q.addr, Q_PORT);
    done(p);
    p = parse("host 1.2.3.4 or (not (5.6.7.8) or 1.1.1.1 or (2.2.2.2))");
    assert_int_equal(p->tree->r->l->l->kind, N_NOT);
    assert_int_equal(p->tree->r->l->l->l->q.addr, Q_HOST);
    assert_int_equal(p->tree->r->r->kind, N_HID);
    assert_int_equal(p->tree->r->r->q.addr, Q_HOST);
    done(p);
    /* a term first: then anything, names inheriting as after and/or */
    p = parse("host 1.2.3.4 or ((tcp) or 5.6.7.8)");
    assert_int_equal(p->tree->r->r->kind, N_HID);
    assert_int_equal(p->tree->r->r->q.addr, Q_HOST);
    done(p);
    expect_error("port 80 or ((81) = 81 or 82)", "'82'", "qualifier");
    expect_error("host 1.2.3.4 or ((5.6.7.8))", "at '(' (column 18)", "cannot open a group");
    expect_error("host ((1.2.3.4) or 5.6.7.8)", "at '(' (column 7)", "cannot open a group");
    expect_error("host 1.2.3.4 or not ((5.6.7.8))", "at '(' (column 22)", "cannot open a group");
    expect_error("host 1.2.3.4 or ((not 5.6.7.8))", "at '(' (column 18)", "cannot open a group");
    expect_error("host 1.2.3.4 or (5.6.7.8 and not udp)", "at 'udp' (column 34)", "began with a bare one");
    expect_error("port 80 or (81 or 82 = 82)", "at '=' (column 22)", "'and', 'or' or ')'");
}

static void addresses_and_numbers(void **state)
{
    (void)state;
    parsed *p = parse("net 10.1/16 or net 10.0.0.0 mask 255.0.0.0 or ip6 net fe80::/10");
    assert_int_equal(p->tree->l->l->masklen, 16);
    assert_int_equal(p->tree->l->r->has_mask, 1);
    assert_int_equal(p->tree->r->kind, N_HID6);
    assert_int_equal(p->tree->r->masklen, 10);
    done(p);
    p = parse("ether host 00:11:22:33:44:55 or ether host 0011.2233.4455 or ether host 00-11-22-33-44-55");
    assert_int_equal(p->tree->r->kind, N_EID);
    assert_int_equal(p->tree->r->addr[5], 0x55);
    assert_int_equal(p->tree->l->r->addr[1], 0x11);
    done(p);
    p = parse("tcp[tcpflags] & tcp-syn != 0 and icmp[icmptype] = icmp-echo and ip[0] = 0x45 and ip[1] = 010");
    const lcap_node *r = p->tree->r;
    assert_int_equal(r->kind, N_REL);
    assert_int_equal(r->a1->num, 8); /* octal */
    assert_int_equal(p->tree->l->l->l->a0->r->num, 2); /* tcp-syn */
    assert_int_equal(p->tree->l->l->l->a0->l->l->num, 13); /* tcpflags */
    done(p);
    p = parse("");
    assert_null(p->tree);
    assert_int_equal(p->empty, 1);
    assert_int_equal(p->cc.error, 0);
    done(p);
}

static void arithmetic_precedence(void **state)
{
    (void)state;
    parsed *p = parse("1 + 2 * 3 - -4 == ip[2:2] >> 1 | 5 & 6");
    const lcap_node *n = p->tree;
    assert_int_equal(n->kind, N_REL);
    /* (1 + (2*3)) - (-4) */
    assert_int_equal(n->a0->kind, A_BIN);
    assert_int_equal(n->a0->r->kind, A_NEG);
    assert_int_equal(n->a0->l->r->kind, A_BIN);
    /* '|' lowest: ((ip >> 1) | (5 & 6)) */
    assert_int_equal(n->a1->kind, A_BIN);
    assert_int_equal(n->a1->r->kind, A_BIN);
    assert_int_equal(n->a1->l->l->kind, A_LOAD);
    assert_int_equal(n->a1->l->l->size, 2);
    done(p);
    /* '^' and '%' have no precedence in libpcap's grammar: each takes the
     * primary before it and everything after it */
    p = parse("2 * 3 ^ 1 + 4 = 0");
    n = p->tree;
    assert_int_equal(n->a0->kind, A_BIN);
    assert_int_equal(n->a0->op, LCAP_BPF_MUL);
    assert_int_equal(n->a0->r->op, LCAP_BPF_XOR);
    assert_int_equal(n->a0->r->r->op, LCAP_BPF_ADD);
    done(p);
    p = parse("-4 % 3 * 2 = 0");
    n = p->tree;
    assert_int_equal(n->a0->kind, A_NEG);
    assert_int_equal(n->a0->l->op, LCAP_BPF_MOD);
    assert_int_equal(n->a0->l->r->op, LCAP_BPF_MUL);
    done(p);
}

static void syntax_errors_name_token_column(void **state)
{
    (void)state;
    expect_error("tcp port 80 prot 22", "'prot'", "column 13");
    expect_error("tcp and 80", "'80'", "column 9");
    expect_error("foo", "'foo'", "column 1");
    expect_error("(tcp", "end of expression", "')'");
    expect_error("ip[0", "']'", NULL);
    expect_error("ip @ 2", "'@'", "column 4");
    expect_error("tcp and", "end of expression", NULL);
    expect_error("ip[0:3] = 1", "size must be 1, 2 or 4", "column 6");
    expect_error("0x100000000 = 1", "overflows 32 bits", NULL);
    expect_error("ip[1] = 09", "non-octal", NULL);
    expect_error("ether host 1:2:3", "'1:2:3'", "neither a MAC");
    expect_error("ip[1] & 3", "relational operator", NULL);
    expect_error("src and", "'and'", "column 5");
    expect_error("host (1.2.3.4 or", "end of expression", NULL);
    expect_error("\\", "'\\'", NULL);
    expect_error("$", "ARCnet", NULL);
}

static void deep_nesting_bounded(void **state)
{
    (void)state;
    size_t n = 1000;
    char *s = malloc(2 * n + 4);
    assert_non_null(s);
    memset(s, '(', n);
    memcpy(s + n, "tcp", 3);
    memset(s + n + 3, ')', n);
    s[2 * n + 3] = '\0';
    parsed *p = parse(s);
    assert_non_null(p->tree);
    done(p);
    free(s);
    /* far deeper: refused with a message, without exhausting the stack */
    n = 100000;
    s = malloc(n + 8);
    assert_non_null(s);
    memset(s, '(', n);
    strcpy(s + n, "tcp");
    p = parse(s);
    assert_null(p->tree);
    assert_non_null(strstr(p->cc.errbuf, "nested too deeply"));
    done(p);
    free(s);
}

static void long_chains(void **state)
{
    (void)state;
    size_t n = 10000;
    char *s = malloc(n * 24 + 16);
    assert_non_null(s);
    size_t len = (size_t)sprintf(s, "host 10.0.0.0");
    for (size_t i = 1; i < n; i++)
        len += (size_t)sprintf(s + len, " or 10.%zu.%zu.%zu", i >> 16 & 255, i >> 8 & 255, i & 255);
    parsed *p = parse(s);
    assert_non_null(p->tree);
    size_t depth = 0;
    for (const lcap_node *m = p->tree; m->kind == N_OR; m = m->l)
        depth++;
    assert_int_equal(depth, n - 1);
    done(p);
    free(s);
}

/* Every keyword and named constant lexes as itself: the lexer finds words by
 * binary search, so lex.h must list them in byte order. */
static void every_keyword_and_constant_lexes(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        uint32_t v;
        int is_const;
    } words[] = {
#define K_ROW(s, t) { s, T_##t, 0 },
#define C_ROW(s, v) { s, v, 1 },
        LCAP_KEYWORDS(K_ROW) LCAP_CONSTANTS(C_ROW)
#undef K_ROW
#undef C_ROW
    };
    const char *prev = "";
    int prev_const = 0;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (words[i].is_const == prev_const && strcmp(prev, words[i].s) >= 0)
            fail_msg("lex.h: '%s' comes after '%s' (keep each list in byte order)", words[i].s, prev);
        prev = words[i].s;
        prev_const = words[i].is_const;
        lcap_cc cc;
        memset(&cc, 0, sizeof(cc));
        lcap_lexer lx = { &cc, words[i].s, 0 };
        lcap_token t = lcap_lex_next(&lx);
        if (words[i].is_const ? (t.kind != T_NUM || t.num != words[i].v) : t.kind != (enum lcap_tok)words[i].v)
            fail_msg("'%s' lexes as token %d (%u), not as itself", words[i].s, (int)t.kind, t.num);
        assert_int_equal(t.len, (int)strlen(words[i].s));
        lcap_arena_free(&cc.arena);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(and_or_same_precedence_left_assoc),
        cmocka_unit_test(not_binds_tighter),
        cmocka_unit_test(qualifiers_inherited),
        cmocka_unit_test(id_groups_as_libpcap),
        cmocka_unit_test(addresses_and_numbers),
        cmocka_unit_test(arithmetic_precedence),
        cmocka_unit_test(syntax_errors_name_token_column),
        cmocka_unit_test(deep_nesting_bounded),
        cmocka_unit_test(long_chains),
        cmocka_unit_test(every_keyword_and_constant_lexes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
