/* bpf_image_diff.c - the disassembler against libpcap 1.10.3's bpf_image()/bpf_dump() and real tcpdump -d/-dd/-ddd. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "bpf/image.h"
#include "bpf/insn.h"
#include "bpf/opnames.h"
#include "capture.h"
#include "testrand.h"
#include "testutil.h"

static void compare_line(uint16_t code, uint8_t jt, uint8_t jf, uint32_t k, int pc)
{
    struct bpf_insn theirs = { code, jt, jf, k };
    struct capture_insn ours = { code, jt, jf, k };
    char line[LCAP_BPF_IMAGE_LINE];

    lcap_bpf_image_line(&ours, pc, line);
    const char *expect = bpf_image(&theirs, pc);
    if (strcmp(line, expect) != 0)
        fail_msg("code 0x%x jt %u jf %u k 0x%x pc %d: ours [%s], libpcap [%s]", code, jt, jf, k, pc,
                 line, expect);
}

/* Every one of the 65536 opcodes, with operands that exercise sign, width,
 * wrap-around of jump targets and Linux's ancillary offsets. */
static void test_every_opcode(void **state)
{
    static const struct {
        uint32_t k;
        uint8_t jt, jf;
        int pc;
    } fields[] = {
        { 0, 0, 0, 0 },
        { 15, 3, 4, 7 },
        { 0xfffffff1, 255, 0, 1000 },
        { 0x80000000, 0, 255, 65535 },
        { 0x7fffffff, 1, 2, 2 },
        { 0xffffffff, 128, 17, 999999 },
        { 0xfffff004, 9, 9, 12 },   /* [type] */
        { 0xfffff028, 0, 1, 13 },   /* [xor_x] */
        { 0xfffff040, 2, 0, 14 },   /* past the named words */
        { 0xabcdef, 77, 33, 100 },
    };
    (void)state;
    for (uint32_t code = 0; code < 0x10000; code++)
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
            compare_line((uint16_t)code, fields[i].jt, fields[i].jf, fields[i].k, fields[i].pc);
    /* Every offset around the ancillary area, for the three absolute loads. */
    static const uint16_t abs_loads[] = { 0x20, 0x28, 0x30, 0x40, 0xb1 };
    for (size_t i = 0; i < sizeof abs_loads / sizeof abs_loads[0]; i++)
        for (uint32_t k = 0xffffef00u; k != 0x00000100u; k++) /* wraps through 0 */
            compare_line(abs_loads[i], 0, 0, k, 5);
}

/* Runs bpf_dump() with its stdout sent to a temporary file; returns the text. */
static char *pcap_dump_text(const struct capture_insn *insns, size_t n, int option)
{
    struct bpf_program prog = { (u_int)n, (struct bpf_insn *)insns };
    FILE *tmp = tmpfile();
    int saved;
    long len;
    char *text;

    assert_non_null(tmp);
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDOUT_FILENO) >= 0);
    bpf_dump(&prog, option);
    fflush(stdout);
    assert_true(dup2(saved, STDOUT_FILENO) >= 0);
    close(saved);
    len = lseek(fileno(tmp), 0, SEEK_END);
    assert_true(len >= 0);
    text = calloc(1, (size_t)len + 1);
    assert_non_null(text);
    assert_int_equal(pread(fileno(tmp), text, (size_t)len, 0), len);
    fclose(tmp);
    return text;
}

static lcap_test_rng rng = { 0x9e3779b9u };
static uint32_t rnd(void) { return lcap_test_rand32(&rng); }

/* Whole programs, valid opcodes and junk alike, in the three formats. */
static void test_bpf_dump(void **state)
{
    static struct capture_insn prog[300];
    (void)state;
    for (int iter = 0; iter < 300; iter++) {
        size_t n = iter == 0 ? 0 : 1 + rnd() % (iter % 10 == 0 ? 300 : 30);
        for (size_t i = 0; i < n; i++) {
            uint32_t r = rnd();
            prog[i].code = r % 4 == 0 ? (uint16_t)rnd()
                                      : lcap_bpf_opnames[rnd() % lcap_bpf_opnames_count].code;
            prog[i].jt = (uint8_t)rnd();
            prog[i].jf = (uint8_t)rnd();
            prog[i].k = r % 3 == 0 ? rnd() % 64 : rnd();
        }
        for (int format = CAPTURE_BPF_IMAGE_TEXT; format <= CAPTURE_BPF_IMAGE_DECIMAL; format++) {
            char *ours = lcap_bpf_image(prog, n, format);
            char *theirs = pcap_dump_text(prog, n, format);
            assert_non_null(ours);
            assert_string_equal(ours, theirs);
            free(ours);
            free(theirs);
        }
    }
}

/* Filters whose programs cover every kind of operand tcpdump produces; a
 * leading "-O " compiles without the optimizer. */
static const char *const expressions[] = {
    "", "tcp port 80", "udp", "ip", "ip6", "arp or rarp", "host 10.0.0.1",
    "net 192.168.0.0/16", "ether host 00:11:22:33:44:55", "ether broadcast", "ether multicast",
    "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0", "ip[2:2] > 576", "icmp[icmptype] = icmp-echo",
    "portrange 1000-2000", "ip proto 47", "ip protochain 6", "ip6 protochain 17", "vlan 100",
    "vlan and tcp", "mpls 42", "pppoes 0x27", "greater 100", "less 60", "len * 2 > 300",
    "ip[0] & 0xf = 5", "ip[6] % 7 = 1", "ip[8] ^ 0xff = 0", "tcp[0:2] / 3 = 100",
    "tcp[2:2] - 4 = 20", "udp[4:2] << 1 = 40", "udp[4:2] >> 2 = 5", "ip[1] | 3 = 3",
    "ip[1] + ip[2] = 7", "not (tcp or udp)", "ip6 and icmp6", "ip multicast", "ip broadcast",
    "src port 53 and dst net 10.0.0.0/8", "decnet host 10.23", "-O tcp port 80 or udp port 53",
    "-O ip[2:2] * ip[0] = 10", "-O ip protochain 6", "-O vlan 10 and ip6",
    "ip[1] & 0x7f != 0", "ether proto \\ip", "iso proto \\isis", "atalk", "ipx",
};

/* Runs tcpdump -d, -dd or -ddd on expr (flag is "d", "dd" or "ddd"). */
static char *tcpdump_text(const char *flag, const char *expr)
{
    const char *opt = "";
    char cmd[1024], buf[4096], vrrp[4096] = "$LCAP_TESTDATA/conformance/savefiles/vrrp.pcap";
    size_t len = 0, cap = 1 << 16;
    char *out = malloc(cap);
    FILE *p;

    if (lcap_test_data(vrrp, sizeof vrrp, "conformance/savefiles/vrrp.pcap") == NULL)
        fail_msg("the test data file %s is missing", vrrp);
    assert_non_null(out);
    if (strncmp(expr, "-O ", 3) == 0) {
        opt = "-O ";
        expr += 3;
    }
    snprintf(cmd, sizeof cmd,
             "tcpdump %s-%s -r '%s' '%s' 2>/dev/null", opt, flag, vrrp, expr);
    p = popen(cmd, "r");
    assert_non_null(p);
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, p)) > 0) {
        while (len + got + 1 > cap) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
        memcpy(out + len, buf, got);
        len += got;
    }
    out[len] = '\0';
    if (pclose(p) != 0)
        fail_msg("%s failed", cmd);
    return out;
}

/* The program tcpdump -ddd prints, read back. */
static struct capture_insn *parse_decimal(const char *text, size_t *n)
{
    const char *p = text;
    int used;
    unsigned count;
    assert_int_equal(sscanf(p, "%u%n", &count, &used), 1);
    p += used;
    struct capture_insn *insns = calloc(count ? count : 1, sizeof *insns);
    assert_non_null(insns);
    for (unsigned i = 0; i < count; i++) {
        unsigned code, jt, jf;
        unsigned long k;
        assert_int_equal(sscanf(p, "%u %u %u %lu%n", &code, &jt, &jf, &k, &used), 4);
        p += used;
        insns[i] = (struct capture_insn){ (uint16_t)code, (uint8_t)jt, (uint8_t)jf, (uint32_t)k };
    }
    *n = count;
    return insns;
}

/* The fields -d text shows: libpcap leaves stray k values in tax, txa, ret a
 * and x-operand instructions, which no text can carry. */
static struct capture_insn shown(struct capture_insn in)
{
    const struct lcap_bpf_opname *op = lcap_bpf_opname(in.code);
    int cond = LCAP_BPF_CLASS(in.code) == LCAP_BPF_JMP && LCAP_BPF_OP(in.code) != LCAP_BPF_JA;

    if (op == NULL || op->pcap_unimp || op->operand == LCAP_OPND_NONE ||
        op->operand == LCAP_OPND_X || op->operand == LCAP_OPND_PKTLEN)
        in.k = 0;
    if (!cond)
        in.jt = in.jf = 0;
    return in;
}

static void test_tcpdump(void **state)
{
    static const char *const flags[] = { NULL, "d", "dd", "ddd" };
    int stray_fields = 0;
    (void)state;
    for (size_t e = 0; e < sizeof expressions / sizeof expressions[0]; e++) {
        char *decimal = tcpdump_text("ddd", expressions[e]);
        size_t n;
        struct capture_insn *insns = parse_decimal(decimal, &n);
        assert_true(n > 0);
        for (int format = CAPTURE_BPF_IMAGE_TEXT; format <= CAPTURE_BPF_IMAGE_DECIMAL; format++) {
            char *theirs = format == CAPTURE_BPF_IMAGE_DECIMAL
                               ? decimal
                               : tcpdump_text(flags[format], expressions[e]);
            char *ours = lcap_bpf_image(insns, n, format);
            assert_non_null(ours);
            if (strcmp(ours, theirs) != 0)
                fail_msg("tcpdump -%s '%s' differs:\n--- ours\n%s--- tcpdump\n%s", flags[format],
                         expressions[e], ours, theirs);
            if (format == CAPTURE_BPF_IMAGE_TEXT) {
                /* tcpdump's own text assembles back to the same program. */
                char err[CAPTURE_ERRBUF_SIZE] = "";
                struct capture_insn *back = NULL;
                size_t m = 0;
                if (lcap_bpf_assemble_flags(theirs, LCAP_BPF_ASM_BACKWARD_JA, &back, &m, err) != 0)
                    fail_msg("assembling tcpdump -d '%s': %s", expressions[e], err);
                assert_int_equal(m, n);
                int stray = 0;
                for (size_t i = 0; i < n; i++) {
                    struct capture_insn want = shown(insns[i]);
                    stray += memcmp(&want, &insns[i], sizeof want) != 0;
                    if (memcmp(&back[i], &want, sizeof want) != 0)
                        fail_msg("tcpdump -d '%s': instruction %zu {0x%x,%u,%u,0x%x} reads back as {0x%x,%u,%u,0x%x}",
                                 expressions[e], i, insns[i].code, insns[i].jt, insns[i].jf, insns[i].k,
                                 back[i].code, back[i].jt, back[i].jf, back[i].k);
                }
                stray_fields += stray;
                free(back);
            }
            free(ours);
            free(theirs);
        }
        free(insns);
    }
    /* The normalisation above is needed, so it is known to be exercised. */
    assert_true(stray_fields > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_opcode),
        cmocka_unit_test(test_bpf_dump),
        cmocka_unit_test(test_tcpdump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
