/* test_filter_merge.c - the shortenings of opt_merge.c and of the generators that match libpcap
 * master's shorter programs (802.11 hosts, DECnet, pflog names, "byte | k"): each expression
 * compiled optimized and unoptimized and run over hand-made packets, both giving the answer
 * worked out from the header layouts, truncated packets included. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"

#define SNAP 262144

typedef struct pkt {
    uint8_t b[128];
    uint32_t n;
} pkt;

/* Both programs give want (0 or not) on p, truncated to caplen. */
static void expect(int dlt, const char *expr, const pkt *p, uint32_t caplen, int want)
{
    char err[CAPTURE_ERRBUF_SIZE];
    for (int opt = 1; opt >= 0; opt--) {
        capture_bpf *prog = capture_compile(dlt, SNAP, expr, opt, CAPTURE_NETMASK_UNKNOWN, err);
        if (prog == NULL)
            fail_msg("'%s': %s", expr, err);
        uint32_t r = capture_bpf_filter(prog, p->b, p->n, caplen);
        capture_bpf_free(prog);
        if ((r != 0) != want)
            fail_msg("'%s' (%s) on %u of %u bytes: %u, expected %s", expr, opt ? "optimized" : "unoptimized", caplen,
                     p->n, r, want ? "a match" : "none");
    }
}

static size_t insns(int dlt, const char *expr)
{
    char err[CAPTURE_ERRBUF_SIZE];
    capture_bpf *prog = capture_compile(dlt, SNAP, expr, 1, CAPTURE_NETMASK_UNKNOWN, err);
    if (prog == NULL)
        fail_msg("'%s': %s", expr, err);
    const struct capture_insn *ins;
    size_t n = capture_bpf_insns(prog, &ins);
    capture_bpf_free(prog);
    return n;
}

/* 802.3 + LLC: DSAP/SSAP at 14-15, control 16, NLPID 17, IS-IS header, PDU type at 21. */
static void iso_frame(pkt *p, unsigned saps, unsigned ctl, unsigned nlpid, unsigned pdu)
{
    memset(p, 0, sizeof(*p));
    p->b[12] = 0x00;
    p->b[13] = 0x40;
    p->b[14] = (uint8_t)(saps >> 8);
    p->b[15] = (uint8_t)saps;
    p->b[16] = (uint8_t)ctl;
    p->b[17] = (uint8_t)nlpid;
    p->b[18] = 27;
    p->b[19] = 1;
    p->b[21] = (uint8_t)pdu;
    p->n = 64;
}

static int in_set(unsigned v, const unsigned *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == v)
            return 1;
    return 0;
}

/* IS-IS PDU sets: the type is the low five bits (libpcap master), whatever the
 * other three; the LLC control byte between the SAPs and the NLPID is not tested. */
static void isis_pdu_sets(void **state)
{
    (void)state;
    static const unsigned l1[] = { 15, 17, 18, 24, 26 }, iih[] = { 15, 16, 17 }, lsp[] = { 18, 20 },
                          snp[] = { 24, 25, 26, 27 }, csnp[] = { 24, 25 }, psnp[] = { 26, 27 };
    static const struct {
        const char *expr;
        const unsigned *set;
        size_t n;
    } rows[] = {
        { "l1", l1, 5 },     { "iih", iih, 3 },   { "lsp", lsp, 2 },
        { "snp", snp, 4 },   { "csnp", csnp, 2 }, { "psnp", psnp, 2 },
        { "isis proto 0x18 or 0x19", csnp, 2 },   { "isis proto 0x11 or 0x0f or 0x10", iih, 3 },
    };
    pkt p;
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
        for (unsigned pdu = 0; pdu < 256; pdu++) {
            int in = in_set(pdu & 0x1f, rows[r].set, rows[r].n);
            iso_frame(&p, 0xfefe, pdu & 0x40 ? 0x03 : 0xa5, 0x83, pdu);
            expect(CAPTURE_DLT_EN10MB, rows[r].expr, &p, p.n, in);
            iso_frame(&p, 0xfefe, 0x03, 0x82, pdu);
            expect(CAPTURE_DLT_EN10MB, rows[r].expr, &p, p.n, 0);
            iso_frame(&p, 0xfeff, 0x03, 0x83, pdu);
            expect(CAPTURE_DLT_EN10MB, rows[r].expr, &p, p.n, 0);
        }
    /* the merged tests are fewer: one compare for the SAPs and the NLPID, one
     * for a cube of types, two for a range */
    assert_int_equal(insns(CAPTURE_DLT_EN10MB, "isis"), 7);
    assert_int_equal(insns(CAPTURE_DLT_EN10MB, "csnp"), 10);
    assert_int_equal(insns(CAPTURE_DLT_EN10MB, "snp"), 10);
    assert_int_equal(insns(CAPTURE_DLT_EN10MB, "iih"), 11);
}

/* The SAPs and NLPID in one word needs the packet up to the NLPID, as the two
 * loads do; where the SAPs alone decide (they differ, and the frame then
 * matches "not isis") the NLPID's byte need not be there. */
static void iso_truncated(void **state)
{
    (void)state;
    pkt p;
    for (uint32_t cap = 12; cap <= 22; cap++) {
        iso_frame(&p, 0xfefe, 0x03, 0x83, 24);
        expect(CAPTURE_DLT_EN10MB, "isis", &p, cap, cap >= 18);
        expect(CAPTURE_DLT_EN10MB, "not isis", &p, cap, 0);
        expect(CAPTURE_DLT_EN10MB, "csnp", &p, cap, cap >= 22);
        iso_frame(&p, 0xfeff, 0x03, 0x83, 24);
        expect(CAPTURE_DLT_EN10MB, "isis", &p, cap, 0);
        expect(CAPTURE_DLT_EN10MB, "not isis", &p, cap, cap >= 16);
    }
}

/* Tests that read A after the pair are left alone: A then holds the field, not
 * the merged word. */
static void a_read_after(void **state)
{
    (void)state;
    pkt p;
    iso_frame(&p, 0xfefe, 0x03, 0x83, 24);
    expect(CAPTURE_DLT_EN10MB, "ether[14:2] = 0xfefe and ether[17] = 0x83 and ether[17] < 0x90", &p, p.n, 1);
    expect(CAPTURE_DLT_EN10MB, "ether[17] = 0x83 and ether[14:2] = 0xfefe and ether[14:2] < 0xff00", &p, p.n, 1);
    expect(CAPTURE_DLT_EN10MB, "(isis proto 0x18 or isis proto 0x19) and ether[21] & 0x1f < 0x19", &p, p.n, 1);
    iso_frame(&p, 0xfefe, 0x03, 0x83, 25);
    expect(CAPTURE_DLT_EN10MB, "(isis proto 0x18 or isis proto 0x19) and ether[21] & 0x1f < 0x19", &p, p.n, 0);
}

/* Consecutive values (host chains) become range tests: every address in,
 * none around them. */
static void host_ranges(void **state)
{
    (void)state;
    char expr[40 * 24];
    size_t len = 0;
    for (int i = 10; i < 50; i++)
        len += (size_t)snprintf(expr + len, sizeof(expr) - len, "%shost 10.0.0.%d", i > 10 ? " or " : "", i);
    pkt p;
    for (int a = 0; a < 64; a++)
        for (int dst = 0; dst < 2; dst++) {
            memset(&p, 0, sizeof(p));
            p.b[12] = 0x08;
            p.b[14] = 0x45;
            p.b[23] = 17;
            uint8_t *at = p.b + (dst ? 30 : 26), *other = p.b + (dst ? 26 : 30);
            at[0] = 10;
            at[3] = (uint8_t)a;
            other[0] = 192;
            p.n = 64;
            expect(CAPTURE_DLT_EN10MB, expr, &p, p.n, a >= 10 && a < 50);
        }
    assert_true(insns(CAPTURE_DLT_EN10MB, expr) < 40);
}

/* "byte N | k", k not 0, is never 0: true wherever byte N is there. */
static void byte_or(void **state)
{
    (void)state;
    pkt p;
    memset(&p, 0, sizeof(p));
    p.n = 12;
    for (uint32_t cap = 0; cap <= 12; cap++) {
        expect(228 /* IPV4 */, "byte 8 | 5", &p, cap, cap >= 9);
        expect(228, "not byte 8 | 5", &p, cap, 0);
        expect(228, "byte 8 | 5 or byte 2 = 0", &p, cap, cap >= 9);
    }
    expect(228, "byte 8 | 0", &p, p.n, 0);
    assert_true(insns(228, "byte 8 | 5") <= 4);
}

/* 802.11 addresses, libpcap master's rules: control frames never match src
 * or dst; data frames place DA and SA by the DS bits; addr2 is in every frame
 * but CTS and ACK; ra and ta only on frames with the data bit. */
static void wlan_hosts(void **state)
{
    (void)state;
    static const uint8_t mac[6] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc };
    static const uint32_t off[5] = { 0, 4, 10, 16, 24 };
    pkt p;
    for (unsigned fc0 = 0; fc0 < 256; fc0 += 4) /* every type and subtype, version 0 */
        for (unsigned ds = 0; ds < 4; ds++)
            for (int addr = 1; addr <= 4; addr++) {
                memset(&p, 0, sizeof(p));
                p.b[0] = (uint8_t)fc0;
                p.b[1] = (uint8_t)ds;
                memcpy(p.b + off[addr], mac, 6);
                p.n = 40;
                int ctl = (fc0 & 0x04) != 0, data = (fc0 & 0x0c) == 0x08, databit = (fc0 & 0x08) != 0;
                int da = !data ? 1 : (ds & 1) ? 3 : 1;
                int sa = !data ? 2 : !(ds & 2) ? 2 : (ds & 1) ? 4 : 3;
                int dst = !ctl && addr == da, src = !ctl && addr == sa;
                int cts_ack = (fc0 & 0x0c) == 0x04 && ((fc0 & 0xf0) == 0xc0 || (fc0 & 0xf0) == 0xd0);
                int a2 = !cts_ack && addr == 2;
                expect(105, "wlan dst 12:34:56:78:9a:bc", &p, p.n, dst);
                expect(105, "wlan src 12:34:56:78:9a:bc", &p, p.n, src);
                expect(105, "wlan host 12:34:56:78:9a:bc", &p, p.n, src || dst);
                expect(105, "wlan src 12:34:56:78:9a:bc and wlan dst 12:34:56:78:9a:bc", &p, p.n, src && dst);
                expect(105, "wlan addr1 12:34:56:78:9a:bc", &p, p.n, addr == 1);
                expect(105, "wlan addr2 12:34:56:78:9a:bc", &p, p.n, a2);
                expect(105, "wlan addr3 12:34:56:78:9a:bc", &p, p.n, (fc0 & 0x0c) != 0x04 && addr == 3);
                expect(105, "wlan addr4 12:34:56:78:9a:bc", &p, p.n, ds == 3 && addr == 4);
                expect(105, "wlan ra 12:34:56:78:9a:bc", &p, p.n, databit && addr == 1);
                expect(105, "wlan ta 12:34:56:78:9a:bc", &p, p.n, databit && a2);
            }
    assert_int_equal(insns(105, "wlan host 12:34:56:78:9a:bc"), 34);
}

/* DECnet: the short header's flags and destination in one 32-bit load (libpcap
 * master), so the packet must hold the byte after the address. */
static void decnet_dst(void **state)
{
    (void)state;
    pkt p;
    memset(&p, 0, sizeof(p));
    p.b[12] = 0x60;
    p.b[13] = 0x03;
    p.b[16] = 0x02;   /* short header */
    p.b[17] = 0xfc;   /* 50.764: area 50 << 10 | 764 = 0xcafc, little-endian */
    p.b[18] = 0xca;
    p.n = 40;
    expect(CAPTURE_DLT_EN10MB, "decnet dst 50.764", &p, p.n, 1);
    expect(CAPTURE_DLT_EN10MB, "decnet dst 50.765", &p, p.n, 0);
    expect(CAPTURE_DLT_EN10MB, "decnet dst 50.764", &p, 20, 1);
    expect(CAPTURE_DLT_EN10MB, "decnet dst 50.764", &p, 19, 0);
    p.b[16] = 0x81;   /* a pad byte, then the short header */
    p.b[17] = 0x02;
    p.b[18] = 0xfc;
    p.b[19] = 0xca;
    expect(CAPTURE_DLT_EN10MB, "decnet dst 50.764", &p, p.n, 1);
    assert_int_equal(insns(CAPTURE_DLT_EN10MB, "decnet dst 50.764"), 20);
}

/* pflog names: the name's bytes, without its NUL (libpcap compares no more). */
static void pflog_names(void **state)
{
    (void)state;
    pkt p;
    memset(&p, 0, sizeof(p));
    memcpy(p.b + 4, "testname1", 9);
    memcpy(p.b + 20, "testruleset2x", 13);
    p.n = 64;
    expect(117, "on testname1", &p, p.n, 1);
    expect(117, "on testname", &p, p.n, 1);
    expect(117, "on testname2", &p, p.n, 0);
    expect(117, "ruleset testruleset2", &p, p.n, 1);
    expect(117, "ruleset testruleset3", &p, p.n, 0);
    assert_int_equal(insns(117, "ruleset testruleset2"), 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(isis_pdu_sets), cmocka_unit_test(iso_truncated), cmocka_unit_test(a_read_after),
        cmocka_unit_test(host_ranges),
        cmocka_unit_test(byte_or),       cmocka_unit_test(wlan_hosts),    cmocka_unit_test(decnet_dst),
        cmocka_unit_test(pflog_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
