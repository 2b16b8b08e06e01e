/* lex.c - the scanner of the pcap-filter language: names, numbers, addresses, keywords, operators. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "filter/lex.h"

/* Keywords and named constants, each a spelling with its length (so that a
 * comparison needs no strlen) and its token or value, in byte order of the
 * spellings as lex.h lists them: a word is found by binary search. */
typedef struct word {
    const char *s;
    size_t n;
    uint32_t v;
} word;

static const word keywords[] = {
#define KW_ROW(s, t) { s, sizeof(s) - 1, T_##t },
    LCAP_KEYWORDS(KW_ROW)
#undef KW_ROW
};

static const word constants[] = {
#define C_ROW(s, v) { s, sizeof(s) - 1, v },
    LCAP_CONSTANTS(C_ROW)
#undef C_ROW
};

static const word *find_word(const word *w, size_t count, const char *s, size_t n)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        /* most probes differ in the first byte: no call for those */
        int c = (unsigned char)w[mid].s[0] - (unsigned char)s[0];
        if (c == 0)
            c = memcmp(w[mid].s, s, w[mid].n < n ? w[mid].n : n);
        if (c == 0)
            c = (w[mid].n > n) - (w[mid].n < n);
        if (c == 0)
            return &w[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const struct {
    enum lcap_tok t;
    const char *s;
} puncts[] = {
#define P_ROW(t, s) { T_##t, s },
    LCAP_PUNCT(P_ROW)
#undef P_ROW
};

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A number as libpcap reads one: 0x hex, leading-0 octal, else decimal.
 * 1 if s[0..n) is one, 0 if not a number, -1 (error recorded) if it overflows. */
static int parse_number(lcap_cc *cc, const char *s, size_t n, int col, uint32_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    unsigned base = 10;

    if (n == 0)
        return 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (s[0] == '0' && n > 1) {
        base = 8;
        i = 1;
    }
    for (size_t j = i; j < n; j++) {
        int d = base == 16 ? hexval((unsigned char)s[j]) : (isdigit((unsigned char)s[j]) ? s[j] - '0' : -1);
        if (d < 0)
            return 0;
        if (base == 8 && d > 7) {
            lcap_cc_error(cc, col, "number %.*s contains non-octal digit", (int)n, s);
            return -1;
        }
    }
    for (; i < n; i++) {
        v = v * base + (uint64_t)hexval((unsigned char)s[i]);
        if (v > 0xffffffffu) {
            lcap_cc_error(cc, col, "number %.*s overflows 32 bits", (int)n, s);
            return -1;
        }
    }
    *out = (uint32_t)v;
    return 1;
}

/* Groups of 1-2 hex digits separated by sep, exactly six: a MAC address. */
static int parse_mac_groups(const char *s, size_t n, char sep, uint8_t mac[6])
{
    int g = 0, digits = 0;
    unsigned v = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == sep) {
            if (digits == 0 || g >= 6)
                return 0;
            mac[g++] = (uint8_t)v;
            v = 0;
            digits = 0;
            continue;
        }
        int d = hexval((unsigned char)s[i]);
        if (d < 0 || ++digits > 2)
            return 0;
        v = v * 16 + (unsigned)d;
    }
    return g == 6;
}

/* xxxx.xxxx.xxxx: three groups of four hex digits. */
static int parse_mac_dotted4(const char *s, size_t n, uint8_t mac[6])
{
    if (n != 14 || s[4] != '.' || s[9] != '.')
        return 0;
    int b = 0;
    for (size_t i = 0; i < n; i += 2) {
        if (s[i] == '.')
            i++;
        int h = hexval((unsigned char)s[i]), l = hexval((unsigned char)s[i + 1]);
        if (h < 0 || l < 0)
            return 0;
        mac[b++] = (uint8_t)(h * 16 + l);
    }
    return b == 6;
}

/* twelve hex digits in a row */
static int parse_mac_plain(const char *s, size_t n, uint8_t mac[6])
{
    if (n != 12)
        return 0;
    for (size_t i = 0; i < 12; i += 2) {
        int h = hexval((unsigned char)s[i]), l = hexval((unsigned char)s[i + 1]);
        if (h < 0 || l < 0)
            return 0;
        mac[i / 2] = (uint8_t)(h * 16 + l);
    }
    return 1;
}

static int parse_mac(const char *s, size_t n, uint8_t mac[6])
{
    if (n == 0 || hexval((unsigned char)s[0]) < 0) /* every form starts with a hex digit */
        return 0;
    /* a form with separators has a known number of them: only that one is tried */
    size_t colons = 0, dashes = 0, dots = 0;
    for (size_t i = 0; i < n; i++) {
        colons += s[i] == ':';
        dashes += s[i] == '-';
        dots += s[i] == '.';
    }
    return parse_mac_plain(s, n, mac) || (colons == 5 && parse_mac_groups(s, n, ':', mac)) ||
           (dashes == 5 && parse_mac_groups(s, n, '-', mac)) || (dots == 5 && parse_mac_groups(s, n, '.', mac)) ||
           (dots == 2 && parse_mac_dotted4(s, n, mac));
}

/* N.N, N.N.N or N.N.N.N with N a number. */
static int is_dotted(const char *s, size_t n)
{
    int parts = 1;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (i == start)
                return 0;
            for (size_t j = start; j < i; j++)
                if (!isxdigit((unsigned char)s[j]) && !(j == start + 1 && (s[j] == 'x' || s[j] == 'X')))
                    return 0;
            if (!isdigit((unsigned char)s[start]))
                return 0;
            if (i < n)
                parts++;
            start = i + 1;
        }
    }
    return parts >= 2 && parts <= 4;
}

/* The bytes of names, numbers and addresses: ASCII letters and digits, '-',
 * '_' and '.' (as libpcap's scanner, whatever the locale). A table: the
 * scanner asks for every byte of every word. */
static const unsigned char name_chars[256] = {
    ['-'] = 1, ['.'] = 1, ['_'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1,
    ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

static int is_name_char(int c)
{
    return name_chars[c];
}

lcap_token lcap_lex_next(lcap_lexer *lx)
{
    const char *s = lx->s;
    size_t p = lx->pos;
    lcap_token t;

    memset(&t, 0, sizeof(t));
    while (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r')
        p++;
    t.col = (int)p + 1;
    t.text = s + p;
    if (s[p] == '\0') {
        t.kind = T_EOF;
        lx->pos = p;
        return t;
    }
    unsigned char c = (unsigned char)s[p];

    if (c == '\\') { /* a keyword or anything else used as a name */
        size_t q = p + 1;
        while (s[q] != '\0' && !strchr(" \t\n\r!()", s[q]))
            q++;
        t.kind = q > p + 1 ? T_ID : T_ERROR;
        t.text = s + p + 1;
        t.len = (int)(q - p - 1);
        if (t.kind == T_ERROR)
            lcap_cc_error(lx->cc, t.col, "'\\' must be followed by a name");
        lx->pos = q;
        return t;
    }
    if (c == '$') {
        size_t q = p + 1;
        while (isxdigit((unsigned char)s[q]))
            q++;
        t.len = (int)(q - p);
        if (q == p + 1 || q - p - 1 > 2) {
            t.kind = T_ERROR;
            lcap_cc_error(lx->cc, t.col, "invalid ARCnet address '%.*s'", t.len + (s[q] != 0), s + p);
        } else {
            t.kind = T_AID;
            unsigned v = 0;
            for (size_t i = p + 1; i < q; i++)
                v = v * 16 + (unsigned)hexval((unsigned char)s[i]);
            t.addr[0] = (uint8_t)v;
            t.num = v;
        }
        lx->pos = q;
        return t;
    }
    if ((name_chars[c] && c != '-' && c != '.' && c != '_') || c == ':') {
        /* Addresses with colons first: IPv6 or a MAC address. */
        size_t q = p;
        int colon = 0;
        for (; is_name_char((unsigned char)s[q]) || s[q] == ':'; q++)
            colon |= s[q] == ':';
        size_t n = q - p;
        if (colon && n < 64) {
            char buf[64];
            memcpy(buf, s + p, n);
            buf[n] = '\0';
            if (parse_mac(buf, n, t.addr)) {
                t.kind = T_EID;
            } else if (inet_pton(AF_INET6, buf, t.addr) == 1) {
                t.kind = T_HID6;
            }
            if (t.kind != T_EOF) {
                t.len = (int)n;
                lx->pos = q;
                return t;
            }
            size_t colons = 0, addrish = 1;
            for (size_t i = 0; i < n; i++) {
                colons += buf[i] == ':';
                addrish &= isalnum((unsigned char)buf[i]) || buf[i] == ':' || buf[i] == '.'; /* no name has colons */
            }
            if (addrish && colons >= 2) {
                t.kind = T_ERROR;
                t.len = (int)n;
                lcap_cc_error(lx->cc, t.col, "'%s' is neither a MAC address nor an IPv6 address", buf);
                lx->pos = q;
                return t;
            }
        }
        if (c == ':') {
            t.kind = T_COLON;
            t.len = 1;
            lx->pos = p + 1;
            return t;
        }
        q = p;
        while (is_name_char((unsigned char)s[q]))
            q++;
        while (q > p + 1 && (s[q - 1] == '-' || s[q - 1] == '_'))
            q--;
        n = q - p;
        t.len = (int)n;
        lx->pos = q;
        if (n == 12 && parse_mac_plain(s + p, n, t.addr)) {
            t.kind = T_EID;
            return t;
        }
        int r = parse_number(lx->cc, s + p, n, t.col, &t.num);
        if (r < 0) {
            t.kind = T_ERROR;
            return t;
        }
        if (r > 0) {
            t.kind = T_NUM;
            return t;
        }
        /* A dotted number (hex digits and dots) can only be the MAC form
         * xxxx.xxxx.xxxx, which it then is; the other forms need other
         * separators, more dots or none. */
        int dotted = is_dotted(s + p, n);
        if (dotted ? parse_mac_dotted4(s + p, n, t.addr) : parse_mac(s + p, n, t.addr)) {
            t.kind = T_EID;
            return t;
        }
        if (dotted) {
            t.kind = T_HID;
            return t;
        }
        const word *w = find_word(keywords, sizeof(keywords) / sizeof(keywords[0]), s + p, n);
        if (w != NULL) {
            t.kind = (enum lcap_tok)w->v;
            return t;
        }
        w = find_word(constants, sizeof(constants) / sizeof(constants[0]), s + p, n);
        if (w != NULL) {
            t.kind = T_NUM;
            t.num = w->v;
            return t;
        }
        t.kind = T_ID;
        return t;
    }
    /* Operators: two-character spellings before one-character ones. */
    static const struct {
        const char *s;
        enum lcap_tok t;
    } ops2[] = {
        { "&&", T_AND }, { "||", T_OR }, { "==", T_EQ }, { "!=", T_NE },
        { "<=", T_LE },  { ">=", T_GE }, { "<<", T_LSH }, { ">>", T_RSH },
    };
    for (size_t i = 0; i < sizeof(ops2) / sizeof(ops2[0]); i++) {
        if (s[p] == ops2[i].s[0] && s[p + 1] == ops2[i].s[1]) {
            t.kind = ops2[i].t;
            t.len = 2;
            lx->pos = p + 2;
            return t;
        }
    }
    if (c == '!') {
        t.kind = T_NOT;
        t.len = 1;
        lx->pos = p + 1;
        return t;
    }
    for (size_t i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++) {
        if (puncts[i].s[1] == '\0' && (unsigned char)puncts[i].s[0] == c) {
            t.kind = puncts[i].t;
            t.len = 1;
            lx->pos = p + 1;
            return t;
        }
    }
    t.kind = T_ERROR;
    t.len = 1;
    if (c == '\'' || c == '"') /* shell quoting pasted into a program's string */
        lcap_cc_error(lx->cc, t.col, "unexpected quote %c: the filter language has no quotes "
                      "(they belong to the shell)", c);
    else if (c == ',') /* "port 80,443" */
        lcap_cc_error(lx->cc, t.col, "unexpected character ',': alternatives are written with 'or' (port 80 or 443)");
    else if (isprint(c))
        lcap_cc_error(lx->cc, t.col, "unexpected character '%c'", c);
    else
        lcap_cc_error(lx->cc, t.col, "unexpected byte 0x%02x", c);
    lx->pos = p + 1;
    return t;
}

void lcap_tok_describe(const lcap_token *t, char *out, size_t n)
{
    if (t->kind == T_EOF)
        snprintf(out, n, "end of expression");
    else
        snprintf(out, n, "'%.*s'", t->len > 40 ? 40 : t->len, t->text);
}
