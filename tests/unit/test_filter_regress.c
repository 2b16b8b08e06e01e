/* test_filter_regress.c - expressions for which libpcap's optimizer has
 * produced wrong programs, each compiled by capture_compile() optimized and
 * unoptimized and run over hand-made packets whose answers were worked out
 * by hand (from the header layouts, not from any compiler): mask-and-compare
 * range tests, constant folding with 0xffffffff, jset #0xffffffff, stacked
 * vlan tests, vxlan with an inner protocol, division by constant zero. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"

#define DLT_EN10MB 1
#define SNAPLEN 262144

typedef struct {
    uint8_t b[256];
    size_t n;
} pkt;

static void u8(pkt *p, unsigned v) { p->b[p->n++] = (uint8_t)v; }
static void u16(pkt *p, unsigned v) { u8(p, v >> 8); u8(p, v & 0xff); }
static void u32(pkt *p, uint32_t v) { u16(p, v >> 16); u16(p, v & 0xffff); }

static void ether(pkt *p, unsigned type)
{
    static const uint8_t dst[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
    static const uint8_t src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
    memcpy(p->b + p->n, dst, 6);
    memcpy(p->b + p->n + 6, src, 6);
    p->n += 12;
    u16(p, type);
}

/* IPv4 header (IHL 5) with the given TOS, identification and protocol;
 * 10.0.0.1 -> 10.0.0.2, total length set by fix_len(). */
static size_t ipv4(pkt *p, unsigned tos, unsigned id, unsigned proto)
{
    size_t at = p->n;
    u8(p, 0x45);
    u8(p, tos);
    u16(p, 0);
    u16(p, id);
    u16(p, 0);
    u8(p, 64);
    u8(p, proto);
    u16(p, 0);
    u32(p, 0x0a000001);
    u32(p, 0x0a000002);
    return at;
}

static void fix_len(pkt *p, size_t ip_at)
{
    unsigned len = (unsigned)(p->n - ip_at);
    p->b[ip_at + 2] = (uint8_t)(len >> 8);
    p->b[ip_at + 3] = (uint8_t)len;
}

static void udp(pkt *p, unsigned sport, unsigned dport)
{
    u16(p, sport);
    u16(p, dport);
    u16(p, 8);
    u16(p, 0);
}

static void arp_body(pkt *p)
{
    u16(p, 1);
    u16(p, 0x0800);
    u8(p, 6);
    u8(p, 4);
    u16(p, 1);
    for (int i = 0; i < 6; i++)
        u8(p, 0x02);
    u32(p, 0x0a000001);
    for (int i = 0; i < 6; i++)
        u8(p, 0);
    u32(p, 0x0a000002);
}

/* The packets of the table, by name. */
enum {
    ID_0F00, ID_0EFF, ID_FF00, ID_1000, ID_0FFF, ID_F0FF, ID_0064, ID_0063,
    TOS_0, TOS_4, ARP, IPV6,
    VLAN_100_IP, VLAN_200_IP, QINQ_100_200_IP, QINQ_200_100_IP, QINQ_100_200_ARP,
    VXLAN_ARP, VXLAN_IP, UDP53_ARPLIKE, VXLAN_ARP_V6,
    NPKTS
};

static pkt packets[NPKTS];

static void ip_udp(pkt *p, unsigned tos, unsigned id)
{
    ether(p, 0x0800);
    size_t at = ipv4(p, tos, id, 17);
    udp(p, 1024, 53);
    fix_len(p, at);
}

static void vlan_tag(pkt *p, unsigned tpid, unsigned vid)
{
    u16(p, tpid);
    u16(p, vid);
}

static void tagged(pkt *p, int tags, unsigned outer, unsigned inner, unsigned type)
{
    static const uint8_t macs[12] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0, 0, 0, 0, 0x02 };
    memcpy(p->b, macs, 12);
    p->n = 12;
    vlan_tag(p, tags == 2 ? 0x88a8 : 0x8100, outer);
    if (tags == 2)
        vlan_tag(p, 0x8100, inner);
    u16(p, type);
    if (type == 0x0806) {
        arp_body(p);
    } else {
        size_t at = ipv4(p, 0, 1, 17);
        udp(p, 1024, 53);
        fix_len(p, at);
    }
}

/* Ethernet/IPv4 (or IPv6)/UDP to dport, an 8-byte VXLAN header, then an
 * inner Ethernet frame of the given type. */
static void vxlan(pkt *p, unsigned dport, unsigned inner, int v6)
{
    size_t at = 0;
    if (v6) {
        ether(p, 0x86dd);
        u32(p, 0x60000000);
        u16(p, 0);   /* payload length, set below */
        u8(p, 17);
        u8(p, 64);
        for (int i = 0; i < 32; i++)
            u8(p, i == 15 || i == 31 ? 1 : 0);
    } else {
        ether(p, 0x0800);
        at = ipv4(p, 0, 7, 17);
    }
    size_t udp_at = p->n;
    udp(p, 40000, dport);
    u32(p, 0x08000000);   /* flags: VNI present */
    u32(p, 0x00000500);   /* VNI 5 */
    ether(p, inner);
    if (inner == 0x0806)
        arp_body(p);
    else {
        size_t in_at = ipv4(p, 0, 9, 6);
        fix_len(p, in_at);
    }
    unsigned ulen = (unsigned)(p->n - udp_at);
    p->b[udp_at + 4] = (uint8_t)(ulen >> 8);
    p->b[udp_at + 5] = (uint8_t)ulen;
    if (v6) {
        p->b[18] = (uint8_t)(ulen >> 8);
        p->b[19] = (uint8_t)ulen;
    } else {
        fix_len(p, at);
    }
}

static int setup(void **state)
{
    (void)state;
    static const unsigned ids[] = { 0x0f00, 0x0eff, 0xff00, 0x1000, 0x0fff, 0xf0ff, 0x0064, 0x0063 };
    memset(packets, 0, sizeof(packets));
    for (int i = ID_0F00; i <= ID_0063; i++)
        ip_udp(&packets[i], 0, ids[i - ID_0F00]);
    ip_udp(&packets[TOS_0], 0, 1);
    ip_udp(&packets[TOS_4], 4, 1);
    ether(&packets[ARP], 0x0806);
    arp_body(&packets[ARP]);
    pkt *v6 = &packets[IPV6];
    ether(v6, 0x86dd);
    u32(v6, 0x60000000);
    u16(v6, 8);
    u8(v6, 17);
    u8(v6, 64);
    for (int i = 0; i < 32; i++)
        u8(v6, 0x45);   /* bytes that would fool a test missing its ip check */
    udp(v6, 1024, 53);
    tagged(&packets[VLAN_100_IP], 1, 100, 0, 0x0800);
    tagged(&packets[VLAN_200_IP], 1, 200, 0, 0x0800);
    tagged(&packets[QINQ_100_200_IP], 2, 100, 200, 0x0800);
    tagged(&packets[QINQ_200_100_IP], 2, 200, 100, 0x0800);
    tagged(&packets[QINQ_100_200_ARP], 2, 100, 200, 0x0806);
    vxlan(&packets[VXLAN_ARP], 4789, 0x0806, 0);
    vxlan(&packets[VXLAN_IP], 4789, 0x0800, 0);
    vxlan(&packets[UDP53_ARPLIKE], 53, 0x0806, 0);
    vxlan(&packets[VXLAN_ARP_V6], 4789, 0x0806, 1);
    return 0;
}

/* One expression and the answer (1 accept, 0 reject) for each packet it is
 * tried on; -1 ends the list. */
struct row {
    const char *expr;
    struct { int pkt, accept; } want[12];
};

#define END { -1, 0 }

static const struct row rows[] = {
    /* Range tests on a masked field: ip[4:2] is the identification. */
    { "ip[4:2] & 0x0fff >= 0x0f00",
      { { ID_0F00, 1 }, { ID_0EFF, 0 }, { ID_FF00, 1 }, { ID_1000, 0 }, { ID_0FFF, 1 }, { ID_F0FF, 0 },
        { ARP, 0 }, { IPV6, 0 }, END } },
    { "ip[4:2] & 0x0fff >= 100",
      { { ID_0064, 1 }, { ID_0063, 0 }, { ID_1000, 0 }, { ID_F0FF, 1 }, { ID_0EFF, 1 }, END } },
    { "ip[4:2] & 0x0fff > 0x0ffe", { { ID_0FFF, 1 }, { ID_FF00, 0 }, { ID_1000, 0 }, END } },
    { "ip[4:2] & 0x0fff < 0x0100", { { ID_1000, 1 }, { ID_0063, 1 }, { ID_F0FF, 1 }, { ID_0EFF, 0 }, END } },
    { "ip[4:2] & 0x0fff <= 0x0063", { { ID_0063, 1 }, { ID_0064, 0 }, { ID_1000, 1 }, { ARP, 0 }, END } },
    { "ip[4:2] & 0xf000 = 0x1000", { { ID_1000, 1 }, { ID_0FFF, 0 }, { ID_F0FF, 0 }, END } },
    { "ip[4:2] & 0x0fff != 0x0f00", { { ID_0F00, 0 }, { ID_FF00, 0 }, { ID_0EFF, 1 }, { ARP, 0 }, END } },
    /* Constant folding where 0xffffffff wraps. */
    { "ip[0] & 0xffffffff = 0x45", { { TOS_0, 1 }, { ARP, 0 }, { IPV6, 0 }, END } },
    { "ip[0] | 0xffffffff = 0xffffffff", { { TOS_0, 1 }, { ARP, 0 }, END } },
    { "ip[0] + 0xffffffff = 0x44", { { TOS_0, 1 }, { ARP, 0 }, END } },
    { "ip[0] - 0xffffffff = 0x46", { { TOS_0, 1 }, END } },
    { "ip[0] * 0xffffffff = 0xffffffbb", { { TOS_0, 1 }, END } },
    { "-ip[0] = 0xffffffbb", { { TOS_0, 1 }, { ARP, 0 }, END } },
    { "0xffffffff + 1 = 0", { { TOS_0, 1 }, { ARP, 1 }, { IPV6, 1 }, END } },
    { "0xffffffff * 2 = 0xfffffffe and ip", { { TOS_0, 1 }, { ARP, 0 }, END } },
    { "0xffffffff >> 31 = 1 and arp", { { ARP, 1 }, { TOS_0, 0 }, END } },
    { "0xffffffff / 0xffffffff = 1 and not ip", { { ARP, 1 }, { TOS_0, 0 }, END } },
    { "ip[0] + 0xffffffff + 1 = 0x45", { { TOS_0, 1 }, END } },
    { "ip[1] & 0xffffffff = 0", { { TOS_0, 1 }, { TOS_4, 0 }, END } },
    /* x | 0xffffffff is 0xffffffff once x is known: a load of x that runs
     * past the packet still rejects it, as libpcap's program, which never
     * folds it, does (filter_diff -s 146). */
    { "link[ip[16:4]] | 0xffffffff = 0xffffffff", { { TOS_0, 0 }, { ARP, 0 }, END } },
    { "link[ip[1]] | 0xffffffff = 0xffffffff", { { TOS_0, 1 }, { TOS_4, 1 }, { ARP, 0 }, END } },
    /* jset #0xffffffff is not "always true": zero has no bit set. */
    { "ip[1] & 0xffffffff != 0", { { TOS_0, 0 }, { TOS_4, 1 }, { ARP, 0 }, END } },
    { "ip[1] & 0xffffffff = 0 or ip[1] & 0xffffffff != 0", { { TOS_0, 1 }, { TOS_4, 1 }, { ARP, 0 }, END } },
    { "not ip[1] & 0xffffffff != 0 and ip", { { TOS_0, 1 }, { TOS_4, 0 }, END } },
    { "ip[10:2] & 0xffffffff != 0", { { TOS_0, 0 }, END } },   /* the checksum is 0 here */
    /* Stacked vlan tests move the offsets twice; the second tag is at 16. */
    { "vlan 100 and vlan 200",
      { { QINQ_100_200_IP, 1 }, { QINQ_200_100_IP, 0 }, { VLAN_100_IP, 0 }, { VLAN_200_IP, 0 },
        { QINQ_100_200_ARP, 1 }, { TOS_0, 0 }, END } },
    { "vlan and vlan and ip",
      { { QINQ_100_200_IP, 1 }, { QINQ_200_100_IP, 1 }, { VLAN_100_IP, 0 }, { QINQ_100_200_ARP, 0 },
        { TOS_0, 0 }, END } },
    { "vlan and vlan and arp", { { QINQ_100_200_ARP, 1 }, { QINQ_100_200_IP, 0 }, { ARP, 0 }, END } },
    { "vlan 100 and ip", { { VLAN_100_IP, 1 }, { VLAN_200_IP, 0 }, { QINQ_100_200_IP, 0 }, { TOS_0, 0 }, END } },
    { "vlan 200 or vlan 100",   /* the second test looks at the inner tag */
      { { VLAN_200_IP, 1 }, { QINQ_200_100_IP, 1 }, { QINQ_100_200_IP, 0 }, { VLAN_100_IP, 0 }, END } },
    /* vxlan moves the offsets to the inner frame. */
    { "vxlan and arp",
      { { VXLAN_ARP, 1 }, { VXLAN_IP, 0 }, { UDP53_ARPLIKE, 0 }, { ARP, 0 }, { VXLAN_ARP_V6, 1 }, END } },
    { "vxlan 5 and ip", { { VXLAN_IP, 1 }, { VXLAN_ARP, 0 }, { TOS_0, 0 }, END } },
    { "vxlan 6 and arp", { { VXLAN_ARP, 0 }, { VXLAN_ARP_V6, 0 }, END } },
    /* An offset past 2^32 once the link header is added: the load fails (as
     * libpcap's x + k load does), never wraps to byte 13, 0xdd (issue 11, seed 42). */
    { "ip6[4294967295] = 0xdd", { { IPV6, 0 }, END } },
    /* Division by a divisor that folds to zero: refused, or a program that
     * accepts nothing (BPF rejects a packet on division by zero). */
    { "ip[0] / (1 - 1) = 0", { { TOS_0, 0 }, { ARP, 0 }, END } },
    { "ip[0] % (2 - 2) = 0", { { TOS_0, 0 }, { ARP, 0 }, END } },
    { "ip[0] / (ip[1] & 0) = 0", { { TOS_0, 0 }, { TOS_4, 0 }, END } },
    { "ip[0] / ip[1] = 0x11", { { TOS_0, 0 }, { TOS_4, 1 }, END } },   /* 0x45 / 4 = 0x11 */
    /* A first test whose outcome no longer matters still makes its loads,
     * as libpcap's opt_root keeps the old root's statements: one past every
     * packet rejects it (filter_diff -s 144). */
    { "link[0xffffffff:4] = 2 and 1 = 0 or udp", { { TOS_0, 0 }, { ARP, 0 }, END } },
    { "link[0:4] = 2 and 1 = 0 or udp", { { TOS_0, 1 }, { ARP, 0 }, END } },
    /* A shift by a computed X past 31 in a block libpcap's first pass steps
     * over (its two edges meet: ip6, then ip proto) is never judged there:
     * libpcap compiles it (filter_diff -s 13, 15, 30, 45, 60). */
    { "!-tcp-fin >> 1 >> 28 < ip6[12:2] << 17 ^ 0x0fff and ip proto 47 or udp",
      { { TOS_0, 1 }, { IPV6, 1 }, { ARP, 0 }, END } },
};

/* Expressions that must be refused with a message naming the problem. */
static const struct { const char *expr, *words; } refused[] = {
    { "1 / 0 = 1", "zero" },
    { "ip[0] / 0 = 0", "zero" },
    { "ip[0] % 0 = 0", "zero" },
    { "len / 0 > 0", "zero" },
    { "ip[0] << 40 > 0", "31" },   /* a literal shift amount, at generation */
};

static void run_row(const struct row *r, int optimize)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    capture_bpf *prog = capture_compile(DLT_EN10MB, SNAPLEN, r->expr, optimize, 0xffffff00, err);
    if (prog == NULL) {
        /* Only an expression that accepts nothing may be refused. */
        for (int i = 0; r->want[i].pkt >= 0; i++)
            if (r->want[i].accept)
                fail_msg("'%s' (optimize %d) refused: %s", r->expr, optimize, err);
        if (err[0] == '\0')
            fail_msg("'%s' (optimize %d) refused without a message", r->expr, optimize);
        return;
    }
    for (int i = 0; r->want[i].pkt >= 0; i++) {
        const pkt *p = &packets[r->want[i].pkt];
        uint32_t got = capture_bpf_filter(prog, p->b, (uint32_t)p->n, (uint32_t)p->n);
        if ((got != 0) != r->want[i].accept) {
            capture_bpf_free(prog);
            fail_msg("'%s' (optimize %d) on packet %d: got %u, want %s", r->expr, optimize,
                     r->want[i].pkt, got, r->want[i].accept ? "accept" : "reject");
        }
    }
    capture_bpf_free(prog);
}

static void test_rows(void **state)
{
    const struct row *r = *state;
    run_row(r, 0);
    run_row(r, 1);
}

static void test_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        for (int opt = 0; opt <= 1; opt++) {
            char err[CAPTURE_ERRBUF_SIZE] = "";
            capture_bpf *prog = capture_compile(DLT_EN10MB, SNAPLEN, refused[i].expr, opt, 0xffffff00, err);
            if (prog != NULL) {
                capture_bpf_free(prog);
                fail_msg("'%s' (optimize %d) compiled", refused[i].expr, opt);
            }
            if (strstr(err, refused[i].words) == NULL)
                fail_msg("'%s': message '%s' does not say '%s'", refused[i].expr, err, refused[i].words);
        }
    }
}

int main(void)
{
    enum { NROWS = sizeof(rows) / sizeof(rows[0]) };
    struct CMUnitTest tests[NROWS + 1];
    for (size_t i = 0; i < NROWS; i++)
        tests[i] = (struct CMUnitTest){ rows[i].expr, test_rows, NULL, NULL, (void *)&rows[i] };
    tests[NROWS] = (struct CMUnitTest){ "refused", test_refused, NULL, NULL, NULL };
    return _cmocka_run_group_tests("filter_regress", tests, NROWS + 1, setup, NULL);
}
