/* asm.c - assembler: reads tcpdump -d text (libpcap's or with "; comments") back into instructions. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/image.h"
#include "bpf/insn.h"
#include "bpf/opnames.h"
#include "compat.h"

/* The operand forms the text can hold, before they are matched to an opcode. */
enum form { F_NONE, F_IMM, F_PKTLEN, F_ABS, F_IND, F_MEM, F_MSH, F_X, F_A, F_NUM };

static const char *const form_names[] = {
    "", "#k", "#pktlen", "[k]", "[x + k]", "M[k]", "4*([k]&0xf)", "x", "a", "a number",
};

/* One line of text being read: [start, end) with comment and line break cut off. */
struct cursor {
    const char *start, *p, *end;
    unsigned line;
    char *errbuf;
};

static unsigned column(const struct cursor *c) { return (unsigned)(c->p - c->start) + 1; }

/* Copies the word at p into tok for messages, made printable and short. */
static void token_at(const struct cursor *c, char *tok, size_t len)
{
    size_t i = 0;
    const char *q = c->p;

    while (q < c->end && *q != ' ' && *q != '\t' && i + 1 < len) {
        tok[i++] = isprint((unsigned char)*q) ? *q : '?';
        q++;
    }
    if (i == 0 && len > 0) {
        snprintf(tok, len, "end of line");
        return;
    }
    tok[i] = '\0';
}

static int fail(const struct cursor *c, const char *what)
{
    char tok[25];

    token_at(c, tok, sizeof tok);
    lcap_errf(c->errbuf, "line %u, column %u: %s, found '%s'", c->line, column(c), what, tok);
    return -1;
}

static void skip_ws(struct cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

static int at_end(const struct cursor *c) { return c->p >= c->end; }

/* Consumes the literal s if the text starts with it. */
static int accept(struct cursor *c, const char *s)
{
    size_t len = strlen(s);

    if ((size_t)(c->end - c->p) < len || memcmp(c->p, s, len) != 0)
        return 0;
    c->p += len;
    return 1;
}

static int expect(struct cursor *c, const char *s)
{
    char what[40];

    if (accept(c, s))
        return 0;
    snprintf(what, sizeof what, "expected '%s'", s);
    return fail(c, what);
}

static int ends_word(const struct cursor *c)
{
    return at_end(c) || *c->p == ' ' || *c->p == '\t';
}

/* Reads a decimal or 0x-hexadecimal number, optionally negative, into *v:
 * anything outside [-2^31, 2^32 - 1] does not fit a 32-bit field. */
static int number(struct cursor *c, int64_t *v)
{
    const char *begin = c->p;
    int neg = accept(c, "-");
    int hex = accept(c, "0x") || accept(c, "0X");
    uint64_t mag = 0;
    int digits = 0;

    for (; c->p < c->end; c->p++) {
        int d;
        char ch = *c->p;

        if (ch >= '0' && ch <= '9')
            d = ch - '0';
        else if (hex && ch >= 'a' && ch <= 'f')
            d = ch - 'a' + 10;
        else if (hex && ch >= 'A' && ch <= 'F')
            d = ch - 'A' + 10;
        else
            break;
        mag = mag * (hex ? 16u : 10u) + (uint64_t)d;
        digits++;
        if (mag > (neg ? 0x80000000u : 0xffffffffu)) {
            c->p = begin;
            return fail(c, "number does not fit in 32 bits");
        }
    }
    if (digits == 0) {
        c->p = begin;
        return fail(c, "expected a number");
    }
    *v = neg ? -(int64_t)mag : (int64_t)mag;
    return 0;
}

/* Reads the operand after the mnemonic into its form and value. */
static int operand(struct cursor *c, enum form *f, int64_t *v)
{
    *v = 0;
    if (at_end(c) || (c->end - c->p >= 2 && memcmp(c->p, "jt", 2) == 0)) {
        *f = F_NONE;
        return 0;
    }
    if (accept(c, "#")) {
        if (accept(c, "pktlen")) {
            *f = F_PKTLEN;
            return 0;
        }
        *f = F_IMM;
        return number(c, v);
    }
    if (accept(c, "[")) {
        skip_ws(c);
        if (accept(c, "x")) {
            skip_ws(c);
            if (expect(c, "+") < 0)
                return -1;
            skip_ws(c);
            *f = F_IND;
        } else {
            *f = F_ABS;
            /* A Linux ancillary word by name, as libpcap prints it there. */
            for (size_t i = 0; i < lcap_bpf_ancillaries_count; i++) {
                const char *name = lcap_bpf_ancillaries[i].name;
                size_t len = strlen(name);
                if ((size_t)(c->end - c->p) > len && memcmp(c->p, name, len) == 0 &&
                    c->p[len] == ']') {
                    c->p += len + 1;
                    *v = (int64_t)(LCAP_BPF_ANC_BASE + lcap_bpf_ancillaries[i].offset);
                    return 0;
                }
            }
        }
        if (number(c, v) < 0)
            return -1;
        skip_ws(c);
        return expect(c, "]");
    }
    if (accept(c, "M[")) {
        *f = F_MEM;
        if (number(c, v) < 0)
            return -1;
        return expect(c, "]");
    }
    if (accept(c, "4*([")) {
        *f = F_MSH;
        if (number(c, v) < 0)
            return -1;
        return expect(c, "]&0xf)");
    }
    if ((*c->p == 'x' || *c->p == 'a') && (c->p + 1 == c->end || c->p[1] == ' ' || c->p[1] == '\t')) {
        *f = *c->p == 'x' ? F_X : F_A;
        c->p++;
        return 0;
    }
    if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) {
        *f = F_NUM;
        return number(c, v);
    }
    return fail(c, "expected an operand (#k, [k], [x + k], M[k], 4*([k]&0xf), x or a line number)");
}

static int form_fits(const struct lcap_bpf_opname *op, enum form f)
{
    switch (op->operand) {
    case LCAP_OPND_IMM_HEX:
    case LCAP_OPND_IMM_DEC: return f == F_IMM;
    case LCAP_OPND_ABS:     return f == F_ABS;
    case LCAP_OPND_IND:     return f == F_IND;
    case LCAP_OPND_MEM:     return f == F_MEM;
    case LCAP_OPND_MSH:     return f == F_MSH;
    case LCAP_OPND_PKTLEN:  return f == F_PKTLEN;
    case LCAP_OPND_X:       return f == F_X;
    case LCAP_OPND_JA:      return f == F_NUM;
    case LCAP_OPND_NONE:
        return f == F_NONE || (f == F_A && op->code == (LCAP_BPF_RET | LCAP_BPF_A));
    }
    return 0;
}

/* Turns the absolute target line of instruction pc into an offset, or fails. */
static int target(struct cursor *c, const char *what, size_t pc, size_t n, int64_t max_off,
                  int backward, int64_t *off)
{
    const char *at = c->p;
    int64_t t;
    char msg[120];

    if (number(c, &t) < 0)
        return -1;
    c->p = at;
    if (t <= (int64_t)pc && !(backward && t >= 0)) {
        snprintf(msg, sizeof msg, "%s target %lld is not after instruction %zu (backward jump)", what,
                 (long long)t, pc);
        return fail(c, msg);
    }
    if (t >= (int64_t)n) {
        snprintf(msg, sizeof msg, "%s target %lld is past the last instruction %zu", what,
                 (long long)t, n - 1);
        return fail(c, msg);
    }
    *off = t - (int64_t)pc - 1; /* negative only for a backward ja */
    if (*off > max_off) {
        snprintf(msg, sizeof msg, "%s target %lld is %lld instructions ahead, more than %lld", what,
                 (long long)t, (long long)*off, (long long)max_off);
        return fail(c, msg);
    }
    (void)number(c, &t);
    return 0;
}

/* "jt N" then "jf M" after a conditional jump's operand. */
static int branches(struct cursor *c, size_t pc, size_t n, struct capture_insn *in)
{
    int64_t off;

    skip_ws(c);
    if (expect(c, "jt") < 0)
        return -1;
    skip_ws(c);
    if (target(c, "jt", pc, n, 255, 0, &off) < 0)
        return -1;
    in->jt = (uint8_t)off;
    skip_ws(c);
    if (expect(c, "jf") < 0)
        return -1;
    skip_ws(c);
    if (target(c, "jf", pc, n, 255, 0, &off) < 0)
        return -1;
    in->jf = (uint8_t)off;
    return 0;
}

/* The instruction on one line: "(pc) mnemonic operand [jt N jf M]". */
static int parse_line(struct cursor *c, size_t pc, size_t n, int backward, struct capture_insn *in)
{
    char mnemonic[8], what[96];
    size_t len = 0;
    const char *name_at;
    enum form f = F_NONE;
    int64_t v, label;
    const struct lcap_bpf_opname *op = NULL;

    memset(in, 0, sizeof *in);
    skip_ws(c);
    if (expect(c, "(") < 0)
        return -1;
    const char *label_at = c->p;
    if ((!at_end(c) && *c->p == '-') || number(c, &label) < 0 || label != (int64_t)pc) {
        c->p = label_at;
        snprintf(what, sizeof what, "expected instruction number %03zu", pc);
        return fail(c, what);
    }
    if (expect(c, ")") < 0)
        return -1;
    skip_ws(c);
    name_at = c->p;
    while (c->p < c->end && *c->p >= 'a' && *c->p <= 'z' && len + 1 < sizeof mnemonic)
        mnemonic[len++] = *c->p++;
    mnemonic[len] = '\0';
    if (len == 0 || !ends_word(c)) {
        c->p = name_at;
        return fail(c, "expected a mnemonic");
    }
    skip_ws(c);
    const char *opnd_at = c->p;
    if (operand(c, &f, &v) < 0)
        return -1;

    if (strcmp(mnemonic, "unimp") == 0) {
        /* What libpcap prints for opcodes it does not know: keep the code. */
        if (f != F_NUM || v < 0 || v > 0xffff) {
            c->p = opnd_at;
            return fail(c, "'unimp' takes an opcode from 0x0 to 0xffff");
        }
        /* Only for what libpcap cannot name, so that each opcode has one spelling. */
        const struct lcap_bpf_opname *named = lcap_bpf_opname((uint16_t)v);
        if (named != NULL && !named->pcap_unimp) {
            c->p = opnd_at;
            snprintf(what, sizeof what, "opcode 0x%x is '%s': write it by name", (unsigned)v,
                     named->name);
            return fail(c, what);
        }
        in->code = (uint16_t)v;
    } else {
        int known = 0;
        for (size_t i = 0; i < lcap_bpf_opnames_count; i++) {
            if (strcmp(lcap_bpf_opnames[i].name, mnemonic) != 0)
                continue;
            known = 1;
            if (form_fits(&lcap_bpf_opnames[i], f)) {
                op = &lcap_bpf_opnames[i];
                break;
            }
        }
        if (!known) {
            c->p = name_at;
            return fail(c, "unknown mnemonic");
        }
        if (op == NULL) {
            c->p = opnd_at;
            if (f == F_NONE)
                snprintf(what, sizeof what, "'%s' needs an operand", mnemonic);
            else
                snprintf(what, sizeof what, "'%s' does not take operand %s", mnemonic, form_names[f]);
            return fail(c, what);
        }
        in->code = op->code;
        if (op->operand == LCAP_OPND_JA) {
            int64_t off;
            c->p = opnd_at;
            if (target(c, "ja", pc, n, 0xffffffffLL, backward, &off) < 0)
                return -1;
            in->k = (uint32_t)off;
        } else {
            in->k = (uint32_t)v;
        }
    }
    if (LCAP_BPF_IS_COND_JUMP(in->code) && branches(c, pc, n, in) < 0)
        return -1;
    skip_ws(c);
    if (!at_end(c))
        return fail(c, "expected the end of the instruction");
    return 0;
}

/* Finds the next line at *text: sets the cursor to its content without
 * comment, trailing blanks or line break, and moves *text past it. */
static void next_line(const char **text, struct cursor *c)
{
    const char *s = *text, *e = s;

    while (*e != '\0' && *e != '\n')
        e++;
    *text = *e == '\n' ? e + 1 : e;
    c->start = c->p = s;
    c->end = memchr(s, ';', (size_t)(e - s));
    if (c->end == NULL)
        c->end = e;
    while (c->end > s && (c->end[-1] == ' ' || c->end[-1] == '\t' || c->end[-1] == '\r'))
        c->end--;
}

static int blank(struct cursor *c)
{
    const char *p = c->p;

    skip_ws(c);
    int empty = at_end(c);
    c->p = p;
    return empty;
}

int lcap_bpf_assemble(const char *text, struct capture_insn **out, size_t *n, char *errbuf)
{
    return lcap_bpf_assemble_flags(text, 0, out, n, errbuf);
}

int lcap_bpf_assemble_flags(const char *text, unsigned flags, struct capture_insn **out, size_t *n,
                            char *errbuf)
{
    struct cursor c = { .errbuf = errbuf };
    const char *s;
    size_t count = 0, pc = 0;
    struct capture_insn *insns;

    *out = NULL;
    *n = 0;
    if (text == NULL) {
        lcap_errf(errbuf, "no text to assemble");
        return -1;
    }
    /* First pass: count instructions, so jump targets can be range-checked
     * on the line that holds them and the array is allocated once. */
    for (s = text; *s != '\0';) {
        next_line(&s, &c);
        if (!blank(&c) && ++count > LCAP_BPF_ASM_MAXINSNS) {
            lcap_errf(errbuf, "more than %d instructions", LCAP_BPF_ASM_MAXINSNS);
            return -1;
        }
    }
    if (count == 0) {
        lcap_errf(errbuf, "no instructions in the text");
        return -1;
    }
    insns = calloc(count, sizeof *insns);
    if (insns == NULL) {
        lcap_errf(errbuf, "out of memory for %zu instructions", count);
        return -1;
    }
    c.line = 0;
    for (s = text; *s != '\0';) {
        next_line(&s, &c);
        c.line++;
        if (blank(&c))
            continue;
        if (parse_line(&c, pc, count, (flags & LCAP_BPF_ASM_BACKWARD_JA) != 0, &insns[pc]) < 0) {
            free(insns);
            return -1;
        }
        pc++;
    }
    *out = insns;
    *n = count;
    return 0;
}
