/* test_bpf_image.c - opcode table, disassembler formats, assembler round trips and error messages. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpf/image.h"
#include "bpf/insn.h"
#include "bpf/opnames.h"
#include "testrand.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* A tiny JSON reader: just enough for the rows of accept.jsonl.       */
/* ------------------------------------------------------------------ */

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    return p;
}

/* Decodes the string at p (at its opening quote) into a malloc'ed buffer if
 * out is given; returns the position after the closing quote. */
static const char *json_string(const char *p, char **out)
{
    size_t cap = strlen(p) + 1, len = 0;
    char *s = out ? malloc(cap) : NULL;

    assert_true(*p == '"');
    for (p++; *p != '"'; p++) {
        char ch = *p;
        assert_true(ch != '\0');
        if (ch == '\\') {
            p++;
            switch (*p) {
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            case 'r': ch = '\r'; break;
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            case 'u': {
                unsigned v = 0;
                assert_int_equal(sscanf(p + 1, "%4x", &v), 1);
                p += 4;
                ch = v < 0x80 ? (char)v : '?'; /* programs are ASCII */
                break;
            }
            default: ch = *p; break; /* \" \\ \/ */
            }
        }
        if (s)
            s[len++] = ch;
    }
    if (s) {
        s[len] = '\0';
        *out = s;
    }
    return p + 1;
}

static const char *json_skip(const char *p)
{
    p = json_ws(p);
    if (*p == '"')
        return json_string(p, NULL);
    if (*p == '[' || *p == '{') {
        char close = *p == '[' ? ']' : '}';
        p = json_ws(p + 1);
        while (*p != close) {
            if (close == '}') {
                p = json_ws(json_string(p, NULL));
                assert_true(*p == ':');
                p++;
            }
            p = json_ws(json_skip(p));
            if (*p == ',')
                p = json_ws(p + 1);
            else
                assert_true(*p == close);
        }
        return p + 1;
    }
    while (*p != ',' && *p != '}' && *p != ']' && *p != '\0')
        p++;
    return p;
}

/* The string value of key in the object on line, malloc'ed, or NULL when the
 * key is absent or not a string (null). */
static char *json_get(const char *line, const char *key)
{
    const char *p = json_ws(line);
    char *result = NULL;

    assert_true(*p == '{');
    p = json_ws(p + 1);
    while (*p != '}') {
        char *k;
        p = json_ws(json_string(p, &k));
        assert_true(*p == ':');
        p = json_ws(p + 1);
        if (strcmp(k, key) == 0 && *p == '"' && result == NULL)
            p = json_string(p, &result);
        else
            p = json_skip(p);
        free(k);
        p = json_ws(p);
        if (*p == ',')
            p = json_ws(p + 1);
        else
            assert_true(*p == '}');
    }
    return result;
}

/* libpcap's accept.jsonl from the test data; a missing file fails the test by its name. */
static FILE *open_accept(void)
{
    char path[4096] = "$LCAP_TESTDATA/conformance/accept.jsonl";
    FILE *f = NULL;
    if (lcap_test_data(path, sizeof path, "conformance/accept.jsonl") == NULL ||
        (f = fopen(path, "r")) == NULL)
        fail_msg("cannot read the test data file %s: %s", path, strerror(errno));
    return f;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static struct capture_insn *assemble_flags_ok(const char *text, unsigned flags, size_t *n)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    struct capture_insn *insns = NULL;
    int rc = lcap_bpf_assemble_flags(text, flags, &insns, n, err);
    if (rc != 0)
        fail_msg("assembling failed: %s\n--- text:\n%s", err, text);
    assert_non_null(insns);
    return insns;
}

static struct capture_insn *assemble_ok(const char *text, size_t *n)
{
    return assemble_flags_ok(text, 0, n);
}

static void assemble_fails(const char *text, const char *message)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    struct capture_insn *insns = (struct capture_insn *)&err;
    size_t n = 99;
    assert_int_equal(lcap_bpf_assemble(text, &insns, &n, err), -1);
    assert_null(insns);
    assert_int_equal(n, 0);
    if (strstr(err, message) == NULL)
        fail_msg("error for [%s] is [%s], expected it to contain [%s]", text, err, message);
}

static void rtrim(char *s)
{
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        s[--len] = '\0';
}

/* Disassembles then reassembles insns and checks nothing changed. */
static void round_trip_flags(const struct capture_insn *insns, size_t n, unsigned flags)
{
    char *text = lcap_bpf_image(insns, n, CAPTURE_BPF_IMAGE_TEXT);
    size_t m;
    assert_non_null(text);
    struct capture_insn *back = assemble_flags_ok(text, flags, &m);
    assert_int_equal(m, n);
    for (size_t i = 0; i < n; i++)
        if (memcmp(&back[i], &insns[i], sizeof *insns) != 0)
            fail_msg("instruction %zu changed: {0x%x,%u,%u,0x%x} became {0x%x,%u,%u,0x%x}\n%s", i,
                     insns[i].code, insns[i].jt, insns[i].jf, insns[i].k, back[i].code, back[i].jt,
                     back[i].jf, back[i].k, text);
    free(back);
    free(text);
}

static void round_trip(const struct capture_insn *insns, size_t n)
{
    round_trip_flags(insns, n, 0);
}

/* ------------------------------------------------------------------ */
/* Opcode table                                                        */
/* ------------------------------------------------------------------ */

static void test_opnames_table(void **state)
{
    int found = 0;
    (void)state;
    assert_int_equal(lcap_bpf_opnames_count, 49);
    for (size_t i = 1; i < lcap_bpf_opnames_count; i++)
        assert_true(lcap_bpf_opnames[i - 1].code < lcap_bpf_opnames[i].code);
    for (unsigned code = 0; code < 0x10000; code++) {
        const struct lcap_bpf_opname *op = lcap_bpf_opname((uint16_t)code);
        if (op == NULL)
            continue;
        found++;
        assert_int_equal(op->code, code);
        assert_int_equal(op->cond_jump, LCAP_BPF_CLASS(code) == LCAP_BPF_JMP &&
                                            LCAP_BPF_OP(code) != LCAP_BPF_JA);
    }
    assert_int_equal(found, 49);
    assert_string_equal(lcap_bpf_opname(LCAP_BPF_ALU | LCAP_BPF_MOD | LCAP_BPF_K)->name, "mod");
    assert_string_equal(lcap_bpf_opname(LCAP_BPF_ALU | LCAP_BPF_XOR | LCAP_BPF_X)->name, "xor");
    assert_string_equal(lcap_bpf_opname(LCAP_BPF_LDX | LCAP_BPF_B | LCAP_BPF_MSH)->name, "ldxb");
    assert_null(lcap_bpf_opname(LCAP_BPF_RET | LCAP_BPF_X));
    assert_null(lcap_bpf_opname(0x105));
}

/* ------------------------------------------------------------------ */
/* Disassembler                                                        */
/* ------------------------------------------------------------------ */

static void test_image_lines(void **state)
{
    static const struct {
        struct capture_insn in;
        int pc;
        const char *line;
    } cases[] = {
        { { 0x28, 0, 0, 12 }, 0, "(000) ldh      [12]" },
        { { 0x15, 0, 8, 0x800 }, 1, "(001) jeq      #0x800           jt 2\tjf 10" },
        { { 0x06, 0, 0, 262144 }, 12, "(012) ret      #262144" },
        { { 0x16, 0, 0, 0 }, 3, "(003) ret      " },
        { { 0x07, 0, 0, 0 }, 3, "(003) tax      " },
        { { 0xb1, 0, 0, 14 }, 4, "(004) ldxb     4*([14]&0xf)" },
        { { 0x48, 0, 0, 16 }, 5, "(005) ldh      [x + 16]" },
        { { 0x04, 0, 0, 0xfffffff1 }, 6, "(006) add      #-15" },
        { { 0x54, 0, 0, 0xfffffff1 }, 6, "(006) and      #0xfffffff1" },
        { { 0x05, 0, 0, 0xffffffff }, 2, "(002) ja       2" },
        { { 0x81, 0, 0, 0 }, 7, "(007) unimp    0x81" },
        { { 0x0e, 0, 0, 0 }, 7, "(007) unimp    0xe" },
        { { 0x55, 3, 4, 0 }, 7, "(007) unimp    0x55             jt 11\tjf 12" },
        { { 0x115, 200, 255, 1 }, 0, "(000) unimp    0x115            jt 201\tjf 256" },
        { { 0x00, 0, 0, 0 }, 1000, "(1000) ld       #0x0" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char line[LCAP_BPF_IMAGE_LINE];
        lcap_bpf_image_line(&cases[i].in, cases[i].pc, line);
        assert_string_equal(line, cases[i].line);
    }
}

static void test_image_formats(void **state)
{
    static const struct capture_insn prog[] = {
        { 0x15, 1, 2, 0x800 }, { 0x6, 0, 0, 262144 }, { 0xffff, 0, 0, 0x80000000 },
    };
    char *s;
    (void)state;
    s = lcap_bpf_image(prog, 3, CAPTURE_BPF_IMAGE_TEXT);
    assert_string_equal(s, "(000) jeq      #0x800           jt 2\tjf 3\n"
                           "(001) ret      #262144\n"
                           "(002) unimp    0xffff\n");
    free(s);
    s = lcap_bpf_image(prog, 3, CAPTURE_BPF_IMAGE_C_ARRAY);
    assert_string_equal(s, "{ 0x15, 1, 2, 0x00000800 },\n"
                           "{ 0x6, 0, 0, 0x00040000 },\n"
                           "{ 0xffff, 0, 0, 0x80000000 },\n");
    free(s);
    s = lcap_bpf_image(prog, 3, CAPTURE_BPF_IMAGE_DECIMAL);
    assert_string_equal(s, "3\n21 1 2 2048\n6 0 0 262144\n65535 0 0 2147483648\n");
    free(s);
    s = lcap_bpf_image(prog, 0, CAPTURE_BPF_IMAGE_TEXT);
    assert_string_equal(s, "");
    free(s);
    s = lcap_bpf_image(NULL, 0, CAPTURE_BPF_IMAGE_DECIMAL);
    assert_string_equal(s, "0\n");
    free(s);
    assert_null(lcap_bpf_image(prog, 3, 0));
    assert_null(lcap_bpf_image(prog, 3, 4));
    assert_null(lcap_bpf_image(NULL, 3, 1));
}

/* ------------------------------------------------------------------ */
/* The listing of every opcode in accept.jsonl                          */
/* ------------------------------------------------------------------ */

static char *read_line(FILE *f)
{
    size_t cap = 0;
    char *line = NULL;
    if (getline(&line, &cap, f) < 0) {
        free(line);
        return NULL;
    }
    return line;
}

static void test_enumerate_listing(void **state)
{
    FILE *f = open_accept();
    char *row = NULL, *listing = NULL;
    (void)state;
    while (listing == NULL && (row = read_line(f)) != NULL) {
        if (strstr(row, "\"_enumerate_bpf_image\"") != NULL)
            listing = json_get(row, "unopt");
        free(row);
    }
    fclose(f);
    assert_non_null(listing);

    size_t n;
    struct capture_insn *insns = assemble_ok(listing, &n);
    assert_int_equal(n, 49);
    char *image = lcap_bpf_image(insns, n, CAPTURE_BPF_IMAGE_TEXT);
    assert_non_null(image);

    /* Each file line is exactly our line padded to 50 columns and followed
     * by "; 0x" and the opcode the assembler read from it. The one place
     * the listing (from a later libpcap) and 1.10.3 differ is ldx #pktlen,
     * which 1.10.3's bpf_image() calls "unimp 0x81". */
    char *save_file = NULL, *save_ours = NULL;
    char *fl = strtok_r(listing, "\n", &save_file);
    char *ol = strtok_r(image, "\n", &save_ours);
    int opcodes_seen[256] = { 0 };
    for (size_t i = 0; i < n; i++) {
        char ours[LCAP_BPF_IMAGE_LINE], expect[128];
        assert_non_null(fl);
        assert_non_null(ol);
        snprintf(ours, sizeof ours, "%s", ol);
        rtrim(ours);
        if (insns[i].code == (LCAP_BPF_LDX | LCAP_BPF_LEN)) {
            char alt[48];
            snprintf(alt, sizeof alt, "(%03zu) unimp    0x81", i);
            assert_string_equal(ours, alt);
            snprintf(ours, sizeof ours, "(%03zu) ldx      #pktlen", i);
        }
        snprintf(expect, sizeof expect, "%-50s; 0x%04x", ours, insns[i].code);
        assert_string_equal(fl, expect);
        assert_true(insns[i].code < 256);
        opcodes_seen[insns[i].code]++;
        fl = strtok_r(NULL, "\n", &save_file);
        ol = strtok_r(NULL, "\n", &save_ours);
    }
    assert_null(fl);
    assert_null(ol);
    /* The listing holds every valid opcode once. */
    for (size_t i = 0; i < lcap_bpf_opnames_count; i++)
        assert_int_equal(opcodes_seen[lcap_bpf_opnames[i].code], 1);
    free(image);
    free(insns);
    free(listing);
}

/* ------------------------------------------------------------------ */
/* Round trips                                                         */
/* ------------------------------------------------------------------ */

static lcap_test_rng rng = { 0x12345678u };
static uint32_t rnd(void) { return lcap_test_rand32(&rng); }

/* A random program whose every field survives the text: k only where it is
 * printed, jumps only forward and inside the program. */
static size_t random_program(struct capture_insn *prog, size_t max)
{
    size_t n = 1 + rnd() % max;
    for (size_t pc = 0; pc < n; pc++) {
        const struct lcap_bpf_opname *op = &lcap_bpf_opnames[rnd() % lcap_bpf_opnames_count];
        size_t left = n - 1 - pc; /* instructions after this one */
        struct capture_insn *in = &prog[pc];
        memset(in, 0, sizeof *in);
        if (left == 0 || (left == 1 && op->cond_jump)) {
            *in = LCAP_BPF_STMT(LCAP_BPF_RET | LCAP_BPF_K, rnd());
            continue;
        }
        in->code = op->code;
        switch (op->operand) {
        case LCAP_OPND_NONE:
        case LCAP_OPND_PKTLEN:
        case LCAP_OPND_X:
            break;
        case LCAP_OPND_JA:
            in->k = rnd() % (uint32_t)left;
            break;
        default:
            /* Small, large and negative values alike. */
            in->k = rnd() % 3 == 0 ? rnd() % 64 : rnd();
            break;
        }
        if (op->cond_jump) {
            size_t span = left < 256 ? left : 256;
            in->jt = (uint8_t)(rnd() % span);
            in->jf = (uint8_t)(rnd() % span);
        }
    }
    return n;
}

static void test_round_trip_random(void **state)
{
    static struct capture_insn prog[600];
    (void)state;
    for (int iter = 0; iter < 2000; iter++) {
        size_t n = random_program(prog, iter % 10 == 0 ? 600 : 40);
        round_trip(prog, n);
    }
}

/* Every expected program of accept.jsonl assembles, prints back as the same
 * text and reassembles to the same instructions. protochain programs loop
 * with a backward ja: the strict assembler refuses them, the flag takes them. */
static void test_round_trip_accept(void **state)
{
    static const char *const keys[] = { "opt", "unopt", "optunopt" };
    FILE *f = open_accept();
    char *row;
    int programs = 0, backward = 0;
    (void)state;
    while ((row = read_line(f)) != NULL) {
#ifndef __linux__
        /* Only libpcap on Linux prints ancillary loads by name. */
        if (strstr(row, "\"linuxext\"") != NULL) {
            free(row);
            continue;
        }
#endif
        for (size_t k = 0; k < 3; k++) {
            char *text = json_get(row, keys[k]);
            if (text == NULL)
                continue;
            if (strstr(text, "; 0x") != NULL) { /* the commented listing, tested above */
                free(text);
                continue;
            }
            size_t n, strict_n;
            struct capture_insn *strict = NULL;
            char err[CAPTURE_ERRBUF_SIZE] = "";
            struct capture_insn *insns = assemble_flags_ok(text, LCAP_BPF_ASM_BACKWARD_JA, &n);
            if (lcap_bpf_assemble(text, &strict, &strict_n, err) != 0) {
                assert_non_null(strstr(err, "(backward jump)"));
                assert_non_null(strstr(row, "protochain"));
                backward++;
            }
            free(strict);
            char *image = lcap_bpf_image(insns, n, CAPTURE_BPF_IMAGE_TEXT);
            /* Same text but for 1.10.3's trailing blanks after operand-less ops. */
            char *save_a = NULL, *save_b = NULL;
            char *a = strtok_r(text, "\n", &save_a), *b = strtok_r(image, "\n", &save_b);
            while (a != NULL || b != NULL) {
                assert_non_null(a);
                assert_non_null(b);
                rtrim(b);
                assert_string_equal(a, b);
                a = strtok_r(NULL, "\n", &save_a);
                b = strtok_r(NULL, "\n", &save_b);
            }
            round_trip_flags(insns, n, LCAP_BPF_ASM_BACKWARD_JA);
            programs++;
            free(image);
            free(insns);
            free(text);
        }
        free(row);
    }
    fclose(f);
    /* 892 rows: most carry one program, optunopt rows and opt+unopt rows two. */
    assert_true(programs > 1000);
    assert_true(backward > 0);
}

/* ------------------------------------------------------------------ */
/* Assembler input forms                                               */
/* ------------------------------------------------------------------ */

static void test_assemble_forms(void **state)
{
    size_t n;
    struct capture_insn *p;
    (void)state;

    /* Comments, blank lines, CRLF, tabs, "ret a", hex and decimal alike. */
    p = assemble_ok("\n(000) ld       #pktlen ; the length\r\n"
                    "   \n"
                    "; a whole-line comment\n"
                    "(001)\tjge\t#100\tjt 2\tjf 3\n"
                    "(002) ret      a\n"
                    "(003) ret      #0x10",
                    &n);
    assert_int_equal(n, 4);
    assert_int_equal(p[0].code, 0x80);
    assert_int_equal(p[1].code, 0x35);
    assert_int_equal(p[1].k, 100);
    assert_int_equal(p[1].jt, 0);
    assert_int_equal(p[1].jf, 1);
    assert_int_equal(p[2].code, 0x16);
    assert_int_equal(p[3].k, 16);
    free(p);

    p = assemble_ok("(000) ld [x+-4]\n(001) ldx #pktlen\n(002) st M[-1]\n(003) unimp 0xffff\n"
                    "(004) ja 6\n(005) ret #-2147483648\n(006) ret #4294967295\n",
                    &n);
    assert_int_equal(n, 7);
    assert_int_equal(p[0].code, 0x40);
    assert_int_equal(p[0].k, 0xfffffffc);
    assert_int_equal(p[1].code, 0x81);
    assert_int_equal(p[2].k, 0xffffffff);
    assert_int_equal(p[3].code, 0xffff);
    assert_int_equal(p[4].k, 1);
    assert_int_equal(p[5].k, 0x80000000);
    assert_int_equal(p[6].k, 0xffffffff);
    free(p);

    /* An unknown jump-class opcode keeps its branches. */
    p = assemble_ok("(000) unimp    0x55             jt 1\tjf 2\n(001) ret #0\n(002) ret #1\n", &n);
    assert_int_equal(p[0].code, 0x55);
    assert_int_equal(p[0].jt, 0);
    assert_int_equal(p[0].jf, 1);
    free(p);
}

static void test_assemble_errors(void **state)
{
    static char big[300 * 40];
    (void)state;

    assemble_fails("", "no instructions in the text");
    assemble_fails(" \n; only a comment\n", "no instructions in the text");
    assemble_fails("(000) foo #1", "line 1, column 7: unknown mnemonic, found 'foo'");
    assemble_fails("(000) ret #1\n\n(002) ret #1",
                   "line 3, column 2: expected instruction number 001, found '002)'");
    assemble_fails("ret #1", "line 1, column 1: expected '(', found 'ret'");
    assemble_fails("(000) ld", "line 1, column 9: 'ld' needs an operand, found 'end of line'");
    assemble_fails("(000) ld #0x100000000",
                   "line 1, column 11: number does not fit in 32 bits, found '0x100000000'");
    assemble_fails("(000) ld #4294967296", "number does not fit in 32 bits");
    assemble_fails("(000) ret #-2147483649", "number does not fit in 32 bits");
    assemble_fails("(000) ret #99999999999999999999999999", "number does not fit in 32 bits");
    assemble_fails("(000) ld #", "line 1, column 11: expected a number, found 'end of line'");
    assemble_fails("(000) ld x", "line 1, column 10: 'ld' does not take operand x, found 'x'");
    assemble_fails("(000) ret #1 junk",
                   "line 1, column 14: expected the end of the instruction, found 'junk'");
    assemble_fails("(000) ld [x - 1]", "line 1, column 13: expected '+', found '-'");
    assemble_fails("(000) ld M[3", "line 1, column 13: expected ']'");
    assemble_fails("(000) ldxb 4*([14]&0xe)", "expected ']&0xf)'");
    assemble_fails("(000) ld @", "line 1, column 10: expected an operand");
    assemble_fails("(000) unimp 0x10000", "'unimp' takes an opcode from 0x0 to 0xffff");
    assemble_fails("(000) unimp 5", "line 1, column 13: opcode 0x5 is 'ja': write it by name, found '5'");
    assemble_fails("(000) jeq #1\n(001) ret #0", "line 1, column 13: expected 'jt'");
    assemble_fails("(000) jeq #1 jt 1\n(001) ret #0", "line 1, column 18: expected 'jf'");
    assemble_fails("(000) jeq #1 jt 0 jf 1\n(001) ret #0",
                   "line 1, column 17: jt target 0 is not after instruction 0 (backward jump)");
    assemble_fails("(000) ret #0\n(001) jeq #1 jt 2 jf -5\n(002) ret #0",
                   "line 2, column 22: jf target -5 is not after instruction 1");
    assemble_fails("(000) jeq #1 jt 1 jf 2\n(001) ret #0",
                   "line 1, column 22: jf target 2 is past the last instruction 1");
    assemble_fails("(000) ja 0", "line 1, column 10: ja target 0 is not after instruction 0");
    assemble_fails("(000) ja 7\n(001) ret #0", "ja target 7 is past the last instruction 1");
    size_t n;
    struct capture_insn *p;
    char err[CAPTURE_ERRBUF_SIZE];
    assert_int_equal(lcap_bpf_assemble_flags("(000) ret #0\n(001) ja 0", LCAP_BPF_ASM_BACKWARD_JA,
                                             &p, &n, err), 0);
    assert_int_equal(p[1].k, 0xfffffffe);
    free(p);
    assert_int_equal(lcap_bpf_assemble_flags("(000) ret #0\n(001) ja -1", LCAP_BPF_ASM_BACKWARD_JA,
                                             &p, &n, err), -1);
    assert_string_equal(err, "line 2, column 10: ja target -1 is not after instruction 1 "
                             "(backward jump), found '-1'");
    assert_int_equal(lcap_bpf_assemble_flags("(000) ja 2\n(001) ret #0", LCAP_BPF_ASM_BACKWARD_JA,
                                             &p, &n, err), -1);
    assemble_fails("(000) ja 99999999999", "number does not fit in 32 bits");

    /* A conditional jump reaches at most 255 instructions ahead. */
    size_t used = (size_t)snprintf(big, sizeof big, "(000) jeq #1 jt 257 jf 1\n");
    for (int i = 1; i < 300; i++)
        used += (size_t)snprintf(big + used, sizeof big - used, "(%03d) ret #0\n", i);
    assemble_fails(big, "jt target 257 is 256 instructions ahead, more than 255");
    big[18] = '6'; /* jt 256: 255 ahead is fine */
    p = assemble_ok(big, &n);
    assert_int_equal(p[0].jt, 255);
    free(p);

    /* Hostile bytes are reported, printable. */
    assemble_fails("(000) \x01\xff", "line 1, column 7: expected a mnemonic, found '?" "?'");
    assemble_fails("(000) ldddddddddddddddddddd #1", "expected a mnemonic");
    assemble_fails(NULL, "no text to assemble");
}

static void test_assemble_too_many(void **state)
{
    size_t count = LCAP_BPF_ASM_MAXINSNS + 1, len = count * 2 + 1;
    char *text = malloc(len);
    (void)state;
    assert_non_null(text);
    for (size_t i = 0; i < count; i++)
        memcpy(text + 2 * i, "x\n", 2);
    text[len - 1] = '\0';
    assemble_fails(text, "more than 65536 instructions");
    free(text);
}

/* The public wrappers: text errors by line, program errors from the validator. */
static void test_public_api(void **state)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    const char *text = "(000) ldh      [12]\n"
                       "(001) jeq      #0x800           jt 2\tjf 3\n"
                       "(002) ret      #262144\n"
                       "(003) ret      #0\n";
    (void)state;
    capture_bpf *prog = capture_bpf_assemble(text, err);
    assert_non_null(prog);
    char *image = capture_bpf_image(prog, CAPTURE_BPF_IMAGE_TEXT);
    assert_string_equal(image, text);
    free(image);
    image = capture_bpf_image(prog, CAPTURE_BPF_IMAGE_DECIMAL);
    assert_string_equal(image, "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n");
    free(image);
    assert_null(capture_bpf_image(prog, 0));
    static const uint8_t ipv4[14] = { [12] = 0x08, [13] = 0x00 };
    assert_int_equal(capture_bpf_filter(prog, ipv4, 60, sizeof ipv4), 262144);
    capture_bpf_free(prog);
    assert_null(capture_bpf_image(NULL, CAPTURE_BPF_IMAGE_TEXT));

    assert_null(capture_bpf_assemble("(000) ret #0\n(001) bogus", err));
    assert_string_equal(err, "line 2, column 7: unknown mnemonic, found 'bogus'");
    err[0] = '\0';
    assert_null(capture_bpf_assemble("(000) ld #1\n", err)); /* no ret at the end */
    assert_non_null(strstr(err, "instruction 0"));
    err[0] = '\0';
    assert_null(capture_bpf_assemble("(000) ret #0\n(001) ja 0\n", err));
    assert_non_null(strstr(err, "backward jump"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opnames_table),
        cmocka_unit_test(test_image_lines),
        cmocka_unit_test(test_image_formats),
        cmocka_unit_test(test_enumerate_listing),
        cmocka_unit_test(test_round_trip_random),
        cmocka_unit_test(test_round_trip_accept),
        cmocka_unit_test(test_assemble_forms),
        cmocka_unit_test(test_assemble_errors),
        cmocka_unit_test(test_assemble_too_many),
        cmocka_unit_test(test_public_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
