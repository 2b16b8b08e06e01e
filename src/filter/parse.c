/* parse.c - recursive-descent parser of the pcap-filter language into the tree of ast.h, with
 * libpcap's precedence (and/or equal, left-associative; not tighter) and qualifier inheritance. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>

#include "filter/ast.h"
#include "filter/lex.h"
#include "bpf/insn.h"

#define MAX_DEPTH 3000

typedef struct parser {
    lcap_cc *cc;
    lcap_token *toks;
    size_t n, i;
} parser;

static const struct {
    enum lcap_tok t;
    int q;
    const char *s;
} pquals[] = {
#define PQ_ROW(t, q, s) { T_##t, q, s },
    LCAP_PROTO_QUALS(PQ_ROW)
#undef PQ_ROW
};

const char *lcap_qproto_name(int qproto)
{
    for (size_t i = 0; i < sizeof(pquals) / sizeof(pquals[0]); i++)
        if (pquals[i].q == qproto)
            return pquals[i].s;
    return "";
}

/* Token -> protocol qualifier (0: none), from the same list: the parser
 * asks for every word. */
static const uint8_t qproto_of[T_COUNT] = {
#define PQ_TOK(t, q, s) [T_##t] = q,
    LCAP_PROTO_QUALS(PQ_TOK)
#undef PQ_TOK
};

static int tok_qproto(enum lcap_tok t)
{
    return (unsigned)t < T_COUNT && qproto_of[t] != 0 ? qproto_of[t] : -1;
}

static const lcap_token *cur(parser *p) { return &p->toks[p->i]; }
static const lcap_token *peek(parser *p, size_t k)
{
    return &p->toks[p->i + k < p->n ? p->i + k : p->n - 1];
}
static enum lcap_tok kind(parser *p) { return p->toks[p->i].kind; }
static void advance(parser *p)
{
    if (p->i + 1 < p->n)
        p->i++;
}

static void *syntax(parser *p, const char *expected)
{
    char what[64];
    const lcap_token *t = cur(p);
    lcap_tok_describe(t, what, sizeof(what));
    return lcap_cc_error(p->cc, 0, "syntax error at %s (column %d): expected %s", what, t->col, expected);
}

static lcap_node *mk(parser *p, enum lcap_nkind k, int col)
{
    lcap_node *n = lcap_cc_scratch(p->cc, sizeof(*n));
    if (n != NULL) {
        n->kind = k;
        n->col = col;
        n->masklen = -1;
    }
    return n;
}

static const char *tokstr(parser *p, const lcap_token *t)
{
    char *s = lcap_cc_scratch(p->cc, (size_t)t->len + 1);
    if (s != NULL)
        memcpy(s, t->text, (size_t)t->len);
    return s;
}

static int is_rel(enum lcap_tok t)
{
    return t == T_EQ || t == T_NE || t == T_LT || t == T_LE || t == T_GT || t == T_GE;
}

static int rel_of(enum lcap_tok t)
{
    switch (t) {
    case T_EQ: return R_EQ;
    case T_NE: return R_NE;
    case T_LT: return R_LT;
    case T_LE: return R_LE;
    case T_GT: return R_GT;
    default: return R_GE;
    }
}

static int is_dir(enum lcap_tok t)
{
    return t == T_SRC || t == T_DST || (t >= T_ADDR1 && t <= T_TA);
}

static int is_aqual(enum lcap_tok t)
{
    return t == T_HOST || t == T_NET || t == T_PORT || t == T_PORTRANGE || t == T_GATEWAY ||
           t == T_PROTO || t == T_PROTOCHAIN;
}

/* ---- arithmetic ---- */

static lcap_arith *parse_arith(parser *p);

static lcap_arith *mka(parser *p, enum lcap_akind k, int col)
{
    lcap_arith *a = lcap_cc_scratch(p->cc, sizeof(*a));
    if (a != NULL) {
        a->kind = k;
        a->col = col;
    }
    return a;
}

static lcap_arith *parse_aprimary(parser *p);

/* A primary and what '^' or '%' after it takes. libpcap's grammar gives
 * '^' and '%' no precedence (master's grammar.y.in, as 1.10.3's), so yacc
 * shifts them: each takes the primary just before it and everything after
 * it ("2 * 3 ^ 1 + 1" is 2 * (3 ^ (1 + 1)), "-4 % 3" is -(4 % 3)). */
static lcap_arith *parse_apostfix(parser *p)
{
    lcap_arith *a = parse_aprimary(p);
    if (a == NULL || (kind(p) != T_CARET && kind(p) != T_PERCENT))
        return a;
    if (++p->cc->depth > MAX_DEPTH)
        return lcap_cc_error(p->cc, cur(p)->col, "expression nested too deeply");
    lcap_arith *b = mka(p, A_BIN, cur(p)->col);
    if (b == NULL)
        return NULL;
    b->op = kind(p) == T_CARET ? LCAP_BPF_XOR : LCAP_BPF_MOD;
    advance(p);
    b->l = a;
    if ((b->r = parse_arith(p)) == NULL)
        return NULL;
    p->cc->depth--;
    return b;
}

static lcap_arith *parse_aprimary(parser *p)
{
    const lcap_token *t = cur(p);
    lcap_arith *a;
    int q;

    if (++p->cc->depth > MAX_DEPTH)
        return lcap_cc_error(p->cc, t->col, "expression nested too deeply");
    switch (t->kind) {
    case T_NUM:
        a = mka(p, A_NUM, t->col);
        if (a != NULL)
            a->num = t->num;
        advance(p);
        break;
    case T_LEN:
        a = mka(p, A_LEN, t->col);
        advance(p);
        break;
    case T_MINUS:
        advance(p);
        a = mka(p, A_NEG, t->col);
        if (a != NULL && (a->l = parse_apostfix(p)) == NULL)
            a = NULL;
        break;
    case T_LPAREN:
        advance(p);
        a = parse_arith(p);
        if (a != NULL && kind(p) != T_RPAREN)
            a = syntax(p, "')'");
        else
            advance(p);
        break;
    default:
        q = tok_qproto(t->kind);
        if (q < 0 || peek(p, 1)->kind != T_LBRACK) {
            a = syntax(p, "a number, 'len', '(' or proto[index]");
            break;
        }
        advance(p);
        advance(p);
        a = mka(p, A_LOAD, t->col);
        if (a == NULL || (a->l = parse_arith(p)) == NULL) {
            a = NULL;
            break;
        }
        a->proto = q;
        a->size = 1;
        if (kind(p) == T_COLON) {
            advance(p);
            if (kind(p) != T_NUM) {
                a = syntax(p, "a size (1, 2 or 4)");
                break;
            }
            if (cur(p)->num != 1 && cur(p)->num != 2 && cur(p)->num != 4) {
                a = lcap_cc_error(p->cc, 0, "data size must be 1, 2 or 4, not %u (column %d)",
                                  cur(p)->num, cur(p)->col);
                break;
            }
            a->size = (int)cur(p)->num;
            advance(p);
        }
        if (kind(p) != T_RBRACK) {
            a = syntax(p, "']'");
            break;
        }
        advance(p);
        break;
    }
    p->cc->depth--;
    return a;
}

/* Binary operators by precedence level, lowest first ('^' and '%': parse_apostfix). */
static int binop(enum lcap_tok t, int level)
{
    static const struct {
        enum lcap_tok t;
        int level, op;
    } ops[] = {
        { T_PIPE, 0, LCAP_BPF_OR },   { T_AMP, 1, LCAP_BPF_AND },   { T_LSH, 2, LCAP_BPF_LSH },
        { T_RSH, 2, LCAP_BPF_RSH },   { T_PLUS, 3, LCAP_BPF_ADD },  { T_MINUS, 3, LCAP_BPF_SUB },
        { T_STAR, 4, LCAP_BPF_MUL },  { T_SLASH, 4, LCAP_BPF_DIV },
    };
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (ops[i].t == t && ops[i].level == level)
            return ops[i].op;
    return -1;
}

static int is_arith_op(enum lcap_tok t)
{
    for (int level = 0; level <= 4; level++)
        if (binop(t, level) >= 0)
            return 1;
    return t == T_CARET || t == T_PERCENT;
}

static lcap_arith *parse_alevel(parser *p, int level)
{
    if (level > 4)
        return parse_apostfix(p);
    lcap_arith *l = parse_alevel(p, level + 1);
    while (l != NULL) {
        int op = binop(kind(p), level);
        if (op < 0)
            break;
        lcap_arith *b = mka(p, A_BIN, cur(p)->col);
        advance(p);
        if (b == NULL)
            return NULL;
        b->op = op;
        b->l = l;
        if ((b->r = parse_alevel(p, level + 1)) == NULL)
            return NULL;
        l = b;
    }
    return l;
}

static lcap_arith *parse_arith(parser *p) { return parse_alevel(p, 0); }

static int can_start_arith(parser *p)
{
    enum lcap_tok t = kind(p);
    return t == T_NUM || t == T_LPAREN || t == T_MINUS || t == T_LEN ||
           (tok_qproto(t) >= 0 && peek(p, 1)->kind == T_LBRACK);
}

/* arth relop arth, tried without recording errors: NULL (position restored)
 * when the tokens are not a relation. */
static lcap_node *try_relation(parser *p)
{
    size_t save = p->i;
    int depth = p->cc->depth;
    int col = cur(p)->col;

    p->cc->speculating++;
    lcap_arith *a0 = parse_arith(p), *a1 = NULL;
    int rel = -1;
    if (a0 != NULL && !p->cc->spec_failed && is_rel(kind(p))) {
        rel = rel_of(kind(p));
        advance(p);
        a1 = parse_arith(p);
    }
    p->cc->speculating--;
    int ok = a1 != NULL && !p->cc->spec_failed;
    if (p->cc->speculating == 0)
        p->cc->spec_failed = 0;
    p->cc->depth = depth;
    if (!ok) {
        p->i = save;
        return NULL;
    }
    lcap_node *n = mk(p, N_REL, col);
    if (n != NULL) {
        n->a0 = a0;
        n->a1 = a1;
        n->rel = rel;
    }
    return n;
}

/* After try_relation failed on tokens that start an arithmetic
 * expression: parse them again recording errors, so that the first one is
 * reported where it is (in the right operand too: "len >", "1 ="). */
static void *relation_error(parser *p)
{
    static const char relop[] = "a relational operator ('=', '!=', '<', '<=', '>', '>=')";
    if (parse_arith(p) == NULL || p->cc->error)
        return NULL;
    if (!is_rel(kind(p)))
        return syntax(p, relop);
    advance(p);
    if (parse_arith(p) == NULL || p->cc->error)
        return NULL;
    return syntax(p, relop);
}

/* ---- names and addresses after qualifiers ---- */

/* A keyword where a name could be ("ip proto tcp"), so not and/or/not. */
static int is_keyword(enum lcap_tok t)
{
    return t >= T_DST && t != T_AND && t != T_OR && t != T_NOT;
}

static lcap_node *parse_nid(parser *p, lcap_qual q)
{
    const lcap_token *t = cur(p);
    lcap_node *n;

    if (q.err) {
        enum lcap_tok prev = p->i > 0 ? p->toks[p->i - 1].kind : T_EOF;
        if (prev == T_AND || prev == T_OR)
            return lcap_cc_error(p->cc, 0,
                                 "syntax error at '%.*s' (column %d): a name or address here needs a qualifier "
                                 "('host', 'net', 'port'...): the term before it passes none on",
                                 t->len, t->text, t->col);
        return lcap_cc_error(p->cc, 0,
                             "syntax error at '%.*s' (column %d): expected a qualifier ('host', 'net', 'port'...) "
                             "before a name or address", t->len, t->text, t->col);
    }
    switch (t->kind) {
    case T_ID:
        n = mk(p, N_ID, t->col);
        if (n != NULL)
            n->s = tokstr(p, t);
        advance(p);
        break;
    case T_NUM:
        n = mk(p, N_NUM, t->col);
        if (n != NULL) {
            n->num = t->num;
            n->s = tokstr(p, t);
        }
        advance(p);
        break;
    case T_HID:
    case T_HID6:
        n = mk(p, t->kind == T_HID ? N_HID : N_HID6, t->col);
        if (n == NULL)
            return NULL;
        n->s = tokstr(p, t);
        memcpy(n->addr, t->addr, 16);
        advance(p);
        if (kind(p) == T_SLASH) {
            advance(p);
            if (kind(p) != T_NUM)
                return syntax(p, "a prefix length");
            n->masklen = cur(p)->num > 1000 ? 1000 : (int)cur(p)->num;
            advance(p);
        } else if (kind(p) == T_NETMASK && n->kind == N_HID) {
            advance(p);
            if (kind(p) != T_HID)
                return syntax(p, "a dotted netmask");
            n->has_mask = 1;
            n->mask = tokstr(p, cur(p));
            advance(p);
        }
        break;
    case T_EID:
    case T_AID:
        n = mk(p, t->kind == T_EID ? N_EID : N_AID, t->col);
        if (n != NULL) {
            memcpy(n->addr, t->addr, 16);
            n->s = tokstr(p, t);
        }
        advance(p);
        break;
    default:
        if (is_keyword(t->kind)) {
            /* "ip proto tcp": the name is a keyword too */
            char hint[128];
            snprintf(hint, sizeof(hint), "a name, a number or an address ('%.*s' is a keyword: write '\\%.*s' "
                     "for the name)", t->len, t->text, t->len, t->text);
            return syntax(p, hint);
        }
        return syntax(p, "a name, a number or an address");
    }
    if (n != NULL)
        n->q = q;
    return n;
}

static lcap_node *mkbin(parser *p, enum lcap_nkind k, int col, lcap_node *l, lcap_node *r)
{
    if (l == NULL || r == NULL)
        return NULL;
    lcap_node *n = mk(p, k, col);
    if (n != NULL) {
        n->l = l;
        n->r = r;
    }
    return n;
}

/* What an operand is, for what may follow it inside parentheses (libpcap's
 * grammar): a term; a nid (a name or an address, or "not" and an id); a
 * pnum (a number, or one in parentheses); or a parenthesized list of ids. */
enum elem { EL_TERM, EL_NID, EL_PNUM, EL_GROUP };

/* pnum: NUM | '(' pnum ')' */
static int at_pnum(parser *p)
{
    size_t k = 0;
    while (peek(p, k)->kind == T_LPAREN)
        k++;
    if (peek(p, k)->kind != T_NUM)
        return 0;
    for (size_t j = 1; j <= k; j++)
        if (peek(p, k + j)->kind != T_RPAREN)
            return 0;
    return 1;
}

static lcap_node *parse_pnum(parser *p, lcap_qual q)
{
    size_t k = 0;
    for (; kind(p) == T_LPAREN; k++)
        advance(p);
    lcap_node *n = parse_nid(p, q);
    for (; n != NULL && k > 0; k--)
        advance(p);
    return n;
}

static lcap_node *parse_group(parser *p, lcap_qual qin, int terms, int first, const lcap_token *list,
                              enum elem *el);

/* id: nid | pnum | '(' pid ')', where nid takes "not id" and pid is a
 * nid or pnum, then (and|or id)*. first: the id opens a group; list: the
 * first element of the parenthesized list after and/or this id is in
 * (NULL elsewhere), for the message when a term comes instead. */
static lcap_node *parse_id(parser *p, lcap_qual q, int first, const lcap_token *list, enum elem *el)
{
    const lcap_token *t = cur(p);
    lcap_node *n = NULL;

    if (++p->cc->depth > MAX_DEPTH)
        return lcap_cc_error(p->cc, t->col, "expression nested too deeply");
    *el = EL_NID;
    if (t->kind == T_NOT) {
        advance(p);
        enum elem x_el;
        lcap_node *x = parse_id(p, q, 0, list, &x_el);
        if (x != NULL && (n = mk(p, N_NOT, t->col)) != NULL)
            n->l = x;
    } else if (at_pnum(p)) {
        *el = EL_PNUM;
        n = parse_pnum(p, q);
    } else if (t->kind == T_LPAREN) {
        n = parse_group(p, q, 0, first, list, el);
    } else if (list != NULL && is_keyword(t->kind)) {
        char what[64];
        lcap_tok_describe(t, what, sizeof(what));
        n = lcap_cc_error(p->cc, 0, "syntax error at %s (column %d): expected a name, a number or an address: the "
                          "list in parentheses began with a bare one (column %d); qualify it ('host', 'port'...) to "
                          "mix in other primitives", what, t->col, list->col);
    } else {
        n = parse_nid(p, q);
    }
    p->cc->depth--;
    return n;
}

/* ---- terms ---- */

/* Optional number after vlan, mpls, pppoes, geneve, vxlan: a pnum. */
static void opt_pnum(parser *p, lcap_node *n)
{
    size_t k = 0;
    if (!at_pnum(p))
        return;
    for (; kind(p) == T_LPAREN; k++)
        advance(p);
    n->has_num = 1;
    n->num = cur(p)->num;
    for (advance(p); k > 0; k--)
        advance(p);
}

static lcap_node *parse_head_id(parser *p, int pq, lcap_qual *qout)
{
    lcap_qual q = { (uint8_t)pq, 0, 0, 0 };
    enum lcap_tok t = kind(p);

    if (is_dir(t)) {
        switch (t) {
        case T_SRC:
        case T_DST:
            q.dir = t == T_SRC ? Q_SRC : Q_DST;
            if ((peek(p, 1)->kind == T_OR || peek(p, 1)->kind == T_AND) &&
                (peek(p, 2)->kind == (t == T_SRC ? T_DST : T_SRC))) {
                q.dir = peek(p, 1)->kind == T_OR ? Q_OR : Q_AND;
                advance(p);
                advance(p);
            }
            break;
        default:
            q.dir = (uint8_t)(Q_ADDR1 + (t - T_ADDR1));
            break;
        }
        advance(p);
        t = kind(p);
    }
    if (is_aqual(t)) {
        static const struct {
            enum lcap_tok t;
            int a;
        } aq[] = {
            { T_HOST, Q_HOST },   { T_NET, Q_NET },     { T_PORT, Q_PORT },
            { T_PORTRANGE, Q_PORTRANGE }, { T_GATEWAY, Q_GATEWAY }, { T_PROTO, Q_PROTO },
            { T_PROTOCHAIN, Q_PROTOCHAIN },
        };
        for (size_t i = 0; i < sizeof(aq) / sizeof(aq[0]); i++)
            if (aq[i].t == t)
                q.addr = (uint8_t)aq[i].a;
        if (q.dir != 0 && (t == T_PROTO || t == T_PROTOCHAIN || t == T_GATEWAY))
            return syntax(p, "'host', 'net', 'port', 'portrange' or a name after a direction");
        advance(p);
    }
    *qout = q;
    enum elem el;
    return parse_id(p, q, 0, NULL, &el);
}

static lcap_node *parse_value_list(parser *p, enum lcap_nkind k, int op, int col);

/* atmvalue / mtp3value: NUM | relop NUM | '(' NUM (or NUM)* ')' */
static lcap_node *parse_field_value(parser *p, enum lcap_nkind k, int op, int col)
{
    lcap_node *n = mk(p, k, col);
    if (n == NULL)
        return NULL;
    n->op = op;
    n->rel = R_EQ;
    if (is_rel(kind(p))) {
        n->rel = rel_of(kind(p));
        advance(p);
    } else if (kind(p) == T_LPAREN) {
        advance(p);
        return parse_value_list(p, k, op, col);
    }
    if (kind(p) != T_NUM)
        return syntax(p, "a number");
    n->num = cur(p)->num;
    n->s = tokstr(p, cur(p));
    advance(p);
    return n;
}

static lcap_node *parse_value_list(parser *p, enum lcap_nkind k, int op, int col)
{
    lcap_node *n = NULL;
    for (;;) {
        if (kind(p) != T_NUM)
            return syntax(p, "a number");
        lcap_node *v = mk(p, k, cur(p)->col);
        if (v == NULL)
            return NULL;
        v->op = op;
        v->rel = R_EQ;
        v->num = cur(p)->num;
        v->s = tokstr(p, cur(p));
        advance(p);
        n = n == NULL ? v : mkbin(p, N_OR, col, n, v);
        if (n == NULL)
            return NULL;
        if (kind(p) == T_OR) {
            advance(p);
            continue;
        }
        if (kind(p) != T_RPAREN)
            return syntax(p, "'or' or ')'");
        advance(p);
        return n;
    }
}

static lcap_node *parse_wlan(parser *p, int col)
{
    enum lcap_tok t = kind(p);
    lcap_node *n = mk(p, t == T_TYPE ? N_WLAN_TYPE : t == T_SUBTYPE ? N_WLAN_SUBTYPE : N_WLAN_DIR, col);
    if (n == NULL)
        return NULL;
    advance(p);
    if (kind(p) != T_NUM && kind(p) != T_ID)
        return syntax(p, t == T_DIR ? "a direction" : t == T_SUBTYPE ? "a frame subtype" : "a frame type");
    n->has_num = kind(p) == T_NUM;
    n->num = cur(p)->num;
    n->s = tokstr(p, cur(p));
    n->col = cur(p)->col;
    advance(p);
    if (t == T_TYPE && kind(p) == T_SUBTYPE) {
        advance(p);
        if (kind(p) != T_NUM && kind(p) != T_ID)
            return syntax(p, "a frame subtype");
        n->has_num2 = kind(p) == T_NUM;
        n->num2 = cur(p)->num;
        n->s2 = tokstr(p, cur(p));
        advance(p);
    }
    return n;
}

static lcap_node *parse_term(parser *p, lcap_qual qin, lcap_qual *qout);
static lcap_node *parse_expr_rest(parser *p, lcap_node *n, lcap_qual q, lcap_qual *qout);

/* A term, or (after and/or, inside parentheses) a bare id inheriting qin;
 * el says which; first: it opens a group. */
static lcap_node *parse_term_or_id(parser *p, lcap_qual qin, lcap_qual *qout, int first, enum elem *el)
{
    const lcap_token *t = cur(p);
    lcap_node *n = NULL;

    if (++p->cc->depth > MAX_DEPTH)
        return lcap_cc_error(p->cc, t->col, "expression nested too deeply");
    *el = EL_NID;
    *qout = qin;
    switch (t->kind) {
    case T_NOT: {
        /* "not id" is a nid, "not term" a term */
        advance(p);
        enum elem x_el;
        lcap_node *x = parse_term_or_id(p, qin, qout, 0, &x_el);
        if (x != NULL && (n = mk(p, N_NOT, t->col)) != NULL)
            n->l = x;
        *el = x_el == EL_TERM ? EL_TERM : EL_NID;
        break;
    }
    case T_ID:
    case T_HID:
    case T_HID6:
    case T_EID:
    case T_AID:
        n = parse_nid(p, qin);
        break;
    case T_NUM:
        if ((n = try_relation(p)) != NULL) {
            *qout = (lcap_qual){ 0, 0, 0, 1 };
            *el = EL_TERM;
            break;
        }
        /* a number and an operator: a relation gone wrong, not a bare id */
        if (is_rel(peek(p, 1)->kind) || is_arith_op(peek(p, 1)->kind)) {
            n = relation_error(p);
            break;
        }
        *el = EL_PNUM;
        n = parse_nid(p, qin);
        break;
    case T_LPAREN:
        if ((n = try_relation(p)) != NULL) {
            *qout = (lcap_qual){ 0, 0, 0, 1 };
            *el = EL_TERM;
            break;
        }
        if (at_pnum(p)) {
            *el = EL_PNUM;
            n = parse_pnum(p, qin);
            break;
        }
        /* what follows the group inherits what was in force before it, not
         * the group's last qualifiers (master's grammar: "paren expr ')'"
         * takes $1.q): "host a or (tcp) or b", and "(port 53) or 123" fails */
        n = parse_group(p, qin, 1, first, NULL, el);
        break;
    default:
        *el = EL_TERM;
        n = parse_term(p, qin, qout);
        break;
    }
    p->cc->depth--;
    return n;
}

/* '(' at the current token, not a pnum. libpcap's grammar has two groups
 * here: "paren expr ')'", whose first element is a term (then terms and
 * ids follow as after and/or), where terms (after and/or); and "paren pid
 * ')'": a nid or pnum first, then only ids. A group of ids cannot open a
 * group (first): neither rule starts so ("((a))", "((a) or b)"); that is
 * known, and said, once its first element is. */
static lcap_node *parse_group(parser *p, lcap_qual qin, int terms, int first, const lcap_token *list,
                              enum elem *el)
{
    lcap_qual q;
    enum elem first_el;
    const lcap_token *open = cur(p), *head;
    lcap_node *n;

    advance(p);
    head = cur(p);
    if (terms)
        n = parse_term_or_id(p, qin, &q, 1, &first_el);
    else
        n = parse_id(p, qin, 1, list, &first_el);
    if (n == NULL)
        return NULL;
    if (first && first_el != EL_TERM)
        return lcap_cc_error(p->cc, 0, "syntax error at '(' (column %d): a list of names, numbers or addresses in "
                             "parentheses cannot open a group: drop these parentheses", open->col);
    if (first_el == EL_TERM) {
        *el = EL_TERM;
        n = parse_expr_rest(p, n, q, &q);
    } else {
        *el = EL_GROUP;
        if (terms)
            for (list = head; list->kind == T_NOT; list++)
                ;
        while (n != NULL && (kind(p) == T_AND || kind(p) == T_OR)) {
            enum lcap_nkind k = kind(p) == T_AND ? N_AND : N_OR;
            int col = cur(p)->col;
            enum elem x_el;
            advance(p);
            n = mkbin(p, k, col, n, parse_id(p, qin, 0, list, &x_el));
        }
    }
    if (n != NULL) {
        if (kind(p) != T_RPAREN)
            n = syntax(p, "'and', 'or' or ')'");
        else
            advance(p);
    }
    return n;
}

static lcap_node *parse_term(parser *p, lcap_qual qin, lcap_qual *qout)
{
    const lcap_token *t = cur(p);
    int col = t->col;
    lcap_node *n;
    int pq = tok_qproto(t->kind);

    (void)qin;
    *qout = (lcap_qual){ 0, 0, 0, 1 };
    if (can_start_arith(p)) {
        if ((n = try_relation(p)) != NULL)
            return n;
        return relation_error(p); /* report the error at its place */
    }
    if (pq >= 0) {
        enum lcap_tok nx = peek(p, 1)->kind;
        if (is_dir(nx) || is_aqual(nx)) {
            advance(p);
            return parse_head_id(p, pq, qout);
        }
        if (nx == T_BROADCAST || nx == T_MULTICAST) {
            advance(p);
            n = mk(p, nx == T_BROADCAST ? N_BROADCAST : N_MULTICAST, col);
            if (n != NULL)
                n->q.proto = (uint8_t)pq;
            advance(p);
            return n;
        }
        if (pq == Q_LINK && (nx == T_TYPE || nx == T_SUBTYPE || nx == T_DIR)) {
            advance(p);
            return parse_wlan(p, col);
        }
        advance(p);
        n = mk(p, N_PROTO, col);
        if (n != NULL)
            n->q.proto = (uint8_t)pq;
        return n;
    }
    if (is_dir(t->kind) || is_aqual(t->kind))
        return parse_head_id(p, Q_DEFAULT, qout);

    switch (t->kind) {
    case T_BROADCAST:
    case T_MULTICAST:
        advance(p);
        return mk(p, t->kind == T_BROADCAST ? N_BROADCAST : N_MULTICAST, col);
    case T_LESS:
    case T_GREATER:
    case T_IFINDEX:
    case T_PF_RNR:
    case T_PF_SRNR:
        n = mk(p, t->kind == T_LESS ? N_LESS : t->kind == T_GREATER ? N_GREATER :
                  t->kind == T_IFINDEX ? N_IFINDEX : t->kind == T_PF_RNR ? N_PF_RNR : N_PF_SRNR, col);
        advance(p);
        if (kind(p) != T_NUM)
            return syntax(p, "a number");
        if (n != NULL) {
            n->num = cur(p)->num;
            n->has_num = 1;
        }
        advance(p);
        return n;
    case T_CBYTE: {
        n = mk(p, N_CBYTE, col);
        advance(p);
        if (kind(p) != T_NUM)
            return syntax(p, "a byte offset");
        if (n == NULL)
            return NULL;
        n->num = cur(p)->num;
        advance(p);
        static const struct {
            enum lcap_tok t;
            int op;
        } bops[] = { { T_AMP, '&' }, { T_PIPE, '|' }, { T_LT, '<' }, { T_GT, '>' }, { T_EQ, '=' } };
        n->op = 0;
        for (size_t i = 0; i < sizeof(bops) / sizeof(bops[0]); i++)
            if (kind(p) == bops[i].t)
                n->op = bops[i].op;
        if (n->op == 0)
            return syntax(p, "'&', '|', '<', '>' or '='");
        advance(p);
        if (kind(p) != T_NUM)
            return syntax(p, "a number");
        n->num2 = cur(p)->num;
        advance(p);
        return n;
    }
    case T_INBOUND:
    case T_OUTBOUND:
    case T_PPPOED:
        advance(p);
        return mk(p, t->kind == T_INBOUND ? N_INBOUND : t->kind == T_OUTBOUND ? N_OUTBOUND : N_PPPOED, col);
    case T_VLAN:
    case T_MPLS:
    case T_PPPOES:
    case T_GENEVE:
    case T_VXLAN:
        n = mk(p, t->kind == T_VLAN ? N_VLAN : t->kind == T_MPLS ? N_MPLS :
                  t->kind == T_PPPOES ? N_PPPOES : t->kind == T_GENEVE ? N_GENEVE : N_VXLAN, col);
        advance(p);
        if (n != NULL)
            opt_pnum(p, n);
        return n;
    case T_PF_IFNAME:
    case T_PF_RSET:
    case T_PF_REASON:
    case T_PF_ACTION:
        n = mk(p, t->kind == T_PF_IFNAME ? N_PF_IFNAME : t->kind == T_PF_RSET ? N_PF_RSET :
                  t->kind == T_PF_REASON ? N_PF_REASON : N_PF_ACTION, col);
        advance(p);
        if (kind(p) != T_ID && !(kind(p) == T_NUM && t->kind == T_PF_REASON))
            return syntax(p, t->kind == T_PF_REASON ? "a reason name or number" : "a name");
        if (n != NULL) {
            n->s = tokstr(p, cur(p));
            n->num = cur(p)->num;
            n->has_num = kind(p) == T_NUM;
            n->vcol = cur(p)->col;
        }
        advance(p);
        return n;
    case T_TYPE:
    case T_SUBTYPE:
    case T_DIR:
        return parse_wlan(p, col);
    case T_LLC:
        n = mk(p, N_LLC, col);
        advance(p);
        if (n != NULL && (kind(p) == T_ID || kind(p) == T_PF_RNR)) {
            n->s = tokstr(p, cur(p));
            n->col = cur(p)->col;
            advance(p);
        }
        return n;
    case T_LANE: case T_METAC: case T_BCC: case T_OAMF4EC: case T_OAMF4SC: case T_SC:
    case T_ILMIC: case T_OAM: case T_OAMF4: case T_CONNECTMSG: case T_METACONNECT:
        n = mk(p, N_ATM, col);
        if (n != NULL)
            n->op = (int)t->kind;
        advance(p);
        return n;
    case T_VPI:
    case T_VCI:
        advance(p);
        return parse_field_value(p, N_ATM_FIELD, (int)t->kind, col);
    case T_FISU: case T_LSSU: case T_MSU: case T_HFISU: case T_HLSSU: case T_HMSU:
        n = mk(p, N_MTP2, col);
        if (n != NULL)
            n->op = (int)t->kind;
        advance(p);
        return n;
    case T_SIO: case T_OPC: case T_DPC: case T_SLS: case T_HSIO: case T_HOPC: case T_HDPC: case T_HSLS:
        advance(p);
        return parse_field_value(p, N_MTP3_FIELD, (int)t->kind, col);
    default:
        return syntax(p, "a qualifier, an address or '('");
    }
}

/* The and/or operands after n, whose qualifiers are q. */
static lcap_node *parse_expr_rest(parser *p, lcap_node *n, lcap_qual q, lcap_qual *qout)
{
    while (n != NULL && (kind(p) == T_AND || kind(p) == T_OR)) {
        enum lcap_nkind k = kind(p) == T_AND ? N_AND : N_OR;
        int col = cur(p)->col;
        advance(p);
        lcap_qual q2;
        enum elem el;
        if (kind(p) == T_EOF)
            return syntax(p, "a term after 'and'/'or'");
        n = mkbin(p, k, col, n, parse_term_or_id(p, q, &q2, 0, &el));
        q = q2;
    }
    *qout = q;
    return n;
}

static lcap_node *parse_expr(parser *p, lcap_qual qin, lcap_qual *qout)
{
    lcap_qual q;
    enum elem el;
    lcap_node *n = parse_term_or_id(p, qin, &q, 0, &el);
    return parse_expr_rest(p, n, q, qout);
}

lcap_node *lcap_parse(lcap_cc *cc, int *empty)
{
    lcap_lexer lx = { cc, cc->text, 0 };
    parser p = { cc, NULL, 0, 0 };
    size_t cap = 16;

    *empty = 0;
    p.toks = lcap_cc_scratch(cc, cap * sizeof(*p.toks));
    if (p.toks == NULL)
        return NULL;
    for (;;) {
        lcap_token t = lcap_lex_next(&lx);
        if (t.kind == T_ERROR)
            return NULL;
        if (p.n == cap) {
            /* not zeroed: every slot is written before it is read */
            lcap_token *bigger = lcap_arena_alloc_raw(&cc->tmp, 2 * cap * sizeof(*p.toks));
            if (bigger == NULL)
                return lcap_cc_error(cc, 0, "out of memory compiling the filter");
            memcpy(bigger, p.toks, cap * sizeof(*p.toks));
            p.toks = bigger;
            cap *= 2;
        }
        p.toks[p.n++] = t;
        if (t.kind == T_EOF)
            break;
    }
    if (p.n == 1) {
        *empty = 1;
        return NULL;
    }
    lcap_qual q, qerr = { 0, 0, 0, 1 };
    lcap_node *n = parse_expr(&p, qerr, &q);
    if (n != NULL && kind(&p) != T_EOF) {
        /* "tcp prot 80": a name or number right after a protocol lacks its qualifier */
        enum lcap_tok t = kind(&p);
        if (p.i > 0 && tok_qproto(p.toks[p.i - 1].kind) >= 0 &&
            (t == T_ID || t == T_NUM || t == T_HID || t == T_HID6 || t == T_EID))
            return syntax(&p, "a qualifier ('host', 'net', 'port', 'src'...) after the protocol, 'and', 'or' "
                              "or end of expression");
        return syntax(&p, "'and', 'or' or end of expression");
    }
    return n;
}
