/* test_filter_errors.c - the compiler's messages for the mistakes tcpdump users make: each
 * names the token and its column and says what was expected, or which database or link type
 * refused it; and pcap-filter(7) forms refused, or compiled, on a link type as libpcap does. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"

/* expr must be refused on dlt with a message holding every one of the
 * NULL-terminated parts. */
static void refused(int dlt, const char *expr, ...)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    capture_bpf *p = capture_compile(dlt, 262144, expr, 1, CAPTURE_NETMASK_UNKNOWN, err);
    if (p != NULL) {
        capture_bpf_free(p);
        fail_msg("'%s' compiled", expr);
    }
    va_list ap;
    va_start(ap, expr);
    for (const char *part; (part = va_arg(ap, const char *)) != NULL;)
        if (strstr(err, part) == NULL)
            fail_msg("'%s': '%s' lacks '%s'", expr, err, part);
    va_end(ap);
}

#define EN CAPTURE_DLT_EN10MB

/* expr must be refused on EN10MB with exactly the message want. */
static void says(const char *expr, const char *want)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    capture_bpf *p = capture_compile(EN, 262144, expr, 1, CAPTURE_NETMASK_UNKNOWN, err);
    if (p != NULL) {
        capture_bpf_free(p);
        fail_msg("'%s' compiled", expr);
    }
    if (strcmp(err, want) != 0)
        fail_msg("'%s': '%s', not '%s'", expr, err, want);
}

/* A parenthesized list of bare ids (libpcap's "paren pid"): a term in it,
 * or a list opening a group, is refused as libpcap refuses it (filter_diff
 * seed 62; tests/interop/filter_paren_shapes.txt), naming the token. */
static void id_lists_in_parentheses(void **state)
{
    (void)state;
    static const char nested[] = "a list of names, numbers or addresses in parentheses cannot open a group: "
                                 "drop these parentheses";
    static const char term[] = "expected a name, a number or an address: the list in parentheses began with a "
                               "bare one (column %d); qualify it ('host', 'port'...) to mix in other primitives";
    char list[CAPTURE_ERRBUF_SIZE];
    char want[2 * CAPTURE_ERRBUF_SIZE];
    snprintf(want, sizeof(want), "syntax error at '(' (column 18): %s", nested);
    says("host 1.2.3.4 or ((5.6.7.8))", want);
    says("host 1.2.3.4 or ((5.6.7.8) or 1.1.1.1)", want);
    snprintf(want, sizeof(want), "syntax error at '(' (column 30): %s", nested);
    says("host 1.2.3.4 or (1.1.1.1 or ((5.6.7.8)))", want);
    snprintf(want, sizeof(want), "syntax error at '(' (column 7): %s", nested);
    says("port ((80 or 81))", want);
    snprintf(list, sizeof(list), term, 18);
    snprintf(want, sizeof(want), "syntax error at 'tcp' (column 29): %s", list);
    says("host 1.2.3.4 or (5.6.7.8 or tcp)", want);
    /* the list's first id, after its 'not' */
    snprintf(list, sizeof(list), term, 22);
    snprintf(want, sizeof(want), "syntax error at 'port' (column 33): %s", list);
    says("host 1.2.3.4 or (not 5.6.7.8 or port 80)", want);
    /* after a qualifier the list has no term to turn into: a keyword is a name */
    says("host (1.2.3.4 or tcp)", "syntax error at 'tcp' (column 18): expected a name, a number or an address "
                                  "('tcp' is a keyword: write '\\tcp' for the name)");
}

/* A relation whose right side is missing or wrong: the error is there, not
 * at the operator (which used to be called "expected a relational operator"). */
static void relation_right_side(void **state)
{
    (void)state;
    refused(EN, "len >", "end of expression", "column 6", "a number", NULL);
    refused(EN, "tcp[0:2] >", "end of expression", "column 11", NULL);
    refused(EN, "1 =", "end of expression", "column 4", NULL);
    refused(EN, "ip[0] = (1 +", "end of expression", "column 13", NULL);
    refused(EN, "tcp[tcpflags] = tcp-foo", "'tcp-foo'", "column 17", NULL);
    refused(EN, "icmp[icmptype] = icmp-foo", "'icmp-foo'", "column 18", NULL);
    refused(EN, "icmp6[icmp6type] != icmp6-foo", "'icmp6-foo'", "column 21", NULL);
    refused(EN, "len > foo", "'foo'", "column 7", NULL);
    refused(EN, "1 + = 2", "'='", "column 5", NULL);
    /* and a relation without an operator still says so */
    refused(EN, "tcp[tcpflags] & tcp-syn", "end of expression", "relational operator", NULL);
    refused(EN, "ip[0]", "end of expression", "relational operator", NULL);
}

/* A name right after a protocol ("tcp prot 80"): a qualifier was missing. */
static void name_after_protocol(void **state)
{
    (void)state;
    refused(EN, "tcp prot 80", "'prot'", "column 5", "qualifier", NULL);
    refused(EN, "udp 53", "'53'", "column 5", "qualifier", NULL);
    refused(EN, "tcp port 80 udp", "'udp'", "column 13", "'and', 'or'", NULL);
}

/* A keyword where a name was expected ("ip proto tcp"): say how to escape it. */
static void keyword_as_name(void **state)
{
    (void)state;
    refused(EN, "ip proto tcp", "'tcp'", "column 10", "'\\tcp'", NULL);
    refused(EN, "ether proto ip", "'ip'", "column 13", "'\\ip'", NULL);
    refused(EN, "src or", "'or'", "column 5", "a name, a number or an address", NULL);
    refused(EN, "ether", "'ether' alone", "column 1", NULL);
    refused(EN, "fddi", "'fddi' alone", NULL);
    refused(127, "subtype", "a frame subtype", NULL);
    refused(EN, "port 80,443", "','", "column 8", "'or'", NULL);
    /* a pflog name's errors point at the name, the link type's at the keyword */
    refused(117, "reason foo", "\"foo\"", "column 8", NULL);
    refused(117, "tcp or action foo", "\"foo\"", "column 15", NULL);
    refused(117, "ifname abcdefghijklmnopq", "too long", "column 8", NULL);
    refused(EN, "udp or reason match", "DLT EN10MB", "column 8", NULL);
}

/* Shell quoting left in the expression. */
static void quotes(void **state)
{
    (void)state;
    refused(EN, "'tcp'", "column 1", "quote", NULL);
    refused(EN, "tcp port \"80\"", "column 10", "quote", NULL);
}

/* The mistakes the issue lists keep their token, column and reason. */
static void typical_mistakes(void **state)
{
    (void)state;
    refused(EN, "host", "end of expression", "column 5", "a name, a number or an address", NULL);
    refused(EN, "port 99999", "99999", "65535", "column 6", NULL);
    refused(EN, "net 10.0.0.0/33", "<= 32", "column 5", NULL);
    refused(EN, "ether host 1:2:3", "'1:2:3'", "column 12", NULL);
    refused(EN, "src or", "'or'", "column 5", NULL);
    refused(EN, "(tcp", "end of expression", "')'", NULL);
    refused(EN, "tcp)", "')'", "column 4", NULL);
    refused(EN, "host foo.invalid", "unknown host 'foo.invalid'", NULL);
    refused(EN, "port nosuchport", "unknown port 'nosuchport'", NULL);
    refused(EN, "wlan addr1 00:11:22:33:44:55", "DLT EN10MB", NULL);
    refused(EN, "type mgt", "'type' is not valid on DLT EN10MB", NULL);
    refused(EN, "vlan 5000", "5000", "4095", NULL);
    refused(EN, "tcp and", "end of expression", "column 8", NULL);
    refused(EN, "tcp or or udp", "'or'", "column 8", NULL);
    refused(EN, "ip[0:3] = 1", "1, 2 or 4", "column 6", NULL);
    refused(EN, "ip[0] = 08", "non-octal", "column 9", NULL);
    /* a MAC or IPv6 address with a letter past 'f' is named whole, not cut at a colon */
    refused(EN, "ether host ff:ff:ff:ff:ff:gg", "'ff:ff:ff:ff:ff:gg'", "column 12", "MAC", NULL);
    refused(EN, "host fe80::1:zz", "'fe80::1:zz'", "column 6", "IPv6", NULL);
}

/* libpcap (1.10.3 and master, gen_load) indexes 'radio' only on radiotap,
 * AVS and Prism headers: PPI's header is not one (accept.jsonl has no
 * radio_index_PPI row, as it has link_index_PPI). */
static void radio_only_on_radio_headers(void **state)
{
    (void)state;
    refused(192, "radio[0] = 0", "'radio'", "DLT PPI", "column 1", NULL);
    refused(EN, "radio[0] = 0", "'radio'", "DLT EN10MB", NULL);
    int ok[] = { 127, 163, 119 }; /* IEEE802_11_RADIO, _AVS, PRISM_HEADER */
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char err[CAPTURE_ERRBUF_SIZE];
        capture_bpf *p = capture_compile(ok[i], 262144, "radio[0] = 0", 1, CAPTURE_NETMASK_UNKNOWN, err);
        if (p == NULL)
            fail_msg("radio[0] on DLT %d: %s", ok[i], err);
        capture_bpf_free(p);
    }
}

/* On the link types whose type field is compared as a plain EtherType
 * (libpcap's gen_linktype default case), an LLC SAP protocol ("iso",
 * "stp", "ipx", "netbeui") is compared there too, as 1.10.3 and master do
 * (gencode.c at 694879481a): never refused as matching nothing. */
static void sap_protocols_on_plain_type_fields(void **state)
{
    (void)state;
    static const struct { int dlt; const char *expr; uint32_t off, k; } rows[] = {
        { 138, "iso", 16, 0xfe }, { 138, "stp", 16, 0x42 }, { 138, "ipx", 16, 0xe0 },
        { 138, "netbeui", 16, 0xf0 }, { 99, "iso", 6, 0xfe },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char err[CAPTURE_ERRBUF_SIZE];
        capture_bpf *p = capture_compile(rows[i].dlt, 262144, rows[i].expr, 1, CAPTURE_NETMASK_UNKNOWN, err);
        if (p == NULL)
            fail_msg("'%s' on DLT %d: %s", rows[i].expr, rows[i].dlt, err);
        uint8_t pkt[64] = { 0 };
        pkt[rows[i].off] = (uint8_t)(rows[i].k >> 8);
        pkt[rows[i].off + 1] = (uint8_t)rows[i].k;
        assert_true(capture_bpf_filter(p, pkt, sizeof(pkt), sizeof(pkt)) != 0);
        pkt[rows[i].off + 1] ^= 1;
        assert_int_equal(capture_bpf_filter(p, pkt, sizeof(pkt), sizeof(pkt)), 0);
        capture_bpf_free(p);
    }
}

/* A tunnel's offset variable (geneve, vxlan) is read by the terms after it
 * also where the tunnel's code did not run: there libpcap's register is a
 * fresh one (0), never a temporary an earlier term used. protochain's walk
 * had left its last offset (968, past the packet) in the word geneve then
 * took, so 'not tcp' stopped on a load past caplen (filter_diff -s 6). */
static void tunnel_offset_not_a_reused_temporary(void **state)
{
    (void)state;
    /* IPv4 AH, truncated after its first two bytes: protochain follows it */
    static const uint8_t pkt[36] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x81, 0xbf, 0x00, 0xf9, 0x8a, 0x86,
                                     0x08, 0x00, 0x45, 0x00, 0x00, 0x16, 0x75, 0x43, 0x00, 0x00, 0x40, 0x33,
                                     0x00, 0x00, 0x81, 0xe7, 0x8e, 0xdd, 0x0a, 0x00, 0x00, 0x01, 0x01, 0xf0 };
    static const char *const exprs[] = { "ip protochain 6 and geneve 5 or not tcp",
                                         "ip protochain 6 and vxlan 5 or not tcp" };
    for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++)
        for (int opt = 0; opt <= 1; opt++) {
            char err[CAPTURE_ERRBUF_SIZE];
            capture_bpf *p = capture_compile(EN, 262144, exprs[i], opt, CAPTURE_NETMASK_UNKNOWN, err);
            if (p == NULL)
                fail_msg("'%s': %s", exprs[i], err);
            if (capture_bpf_filter(p, pkt, sizeof(pkt), sizeof(pkt)) == 0)
                fail_msg("'%s' (optimize %d) rejects a packet libpcap accepts", exprs[i], opt);
            capture_bpf_free(p);
        }
}

/* The SS7 fields where libpcap has their offsets (init_linktype, 1.10.3 and
 * master at 694879481a): MTP2, MTP2_WITH_PHDR and ERF (li 22, sio 23, sls
 * 27), not MTP3 ("'sio' supported only on SS7"; reject.jsonl fisu_MTP3). */
static void ss7_fields_where_libpcap_has_them(void **state)
{
    (void)state;
    refused(141, "sio 3", "'sio'", "DLT MTP3", NULL);
    refused(141, "hopc 1", "'hopc'", "DLT MTP3", NULL);
    refused(141, "fisu", "'fisu'", "DLT MTP3", NULL);
    static const struct { const char *expr; uint32_t off, v; } rows[] = {
        { "sio 3", 23, 3 }, { "fisu", 22, 0x40 }, { "hsls 2", 30, 0x20 }, { "lssu", 22, 1 },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char err[CAPTURE_ERRBUF_SIZE];
        capture_bpf *p = capture_compile(197, 262144, rows[i].expr, 1, CAPTURE_NETMASK_UNKNOWN, err);
        if (p == NULL)
            fail_msg("'%s' on DLT ERF: %s", rows[i].expr, err);
        uint8_t pkt[64] = { 0 };
        pkt[22] = 0x3f; /* li 63: no SU type but MSU */
        pkt[rows[i].off] = (uint8_t)rows[i].v;
        if (capture_bpf_filter(p, pkt, sizeof(pkt), sizeof(pkt)) == 0)
            fail_msg("'%s' on DLT ERF rejects its field at offset %u", rows[i].expr, rows[i].off);
        capture_bpf_free(p);
    }
}

/* DSA_TAG_BRCM_PREPEND is one of libpcap's link-layer-only types (reject.jsonl:
 * 'link proto', 'broadcast', 'vlan'... "not supported on DLT_DSA_TAG_BRCM_PREPEND"),
 * so link[] counts from the packet's first byte, the tag, as 1.10.3's. */
static void link_index_on_brcm_prepend(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE];
    capture_bpf *p = capture_compile(282, 262144, "link[0] = 0xaa", 1, CAPTURE_NETMASK_UNKNOWN, err);
    if (p == NULL)
        fail_msg("link[0] on DSA_TAG_BRCM_PREPEND: %s", err);
    uint8_t pkt[64] = { 0xaa, 0, 0, 0, 0x11 };
    assert_true(capture_bpf_filter(p, pkt, sizeof(pkt), sizeof(pkt)) != 0);
    pkt[0] = 0x11;
    assert_int_equal(capture_bpf_filter(p, pkt, sizeof(pkt), sizeof(pkt)), 0);
    capture_bpf_free(p);
}

/* A program accepts with the snapshot length it was compiled for, above
 * 262144 too (a savefile's: unsupported-link-type-dbus.pcap has 3090558,
 * which libpcap's programs for it return), 262144 only when it is <= 0. */
static void accepts_with_the_snaplen_given(void **state)
{
    (void)state;
    static const struct { int snaplen; uint32_t want; } rows[] = {
        { 3090558, 3090558 }, { 65535, 65535 }, { 0, 262144 }, { -1, 262144 },
    };
    uint8_t pkt[64] = { 0 };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char err[CAPTURE_ERRBUF_SIZE];
        capture_bpf *p = capture_compile(231, rows[i].snaplen, "len > 10", 1, CAPTURE_NETMASK_UNKNOWN, err);
        if (p == NULL)
            fail_msg("snaplen %d: %s", rows[i].snaplen, err);
        assert_int_equal(capture_bpf_filter(p, pkt, sizeof(pkt), sizeof(pkt)), rows[i].want);
        capture_bpf_free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(relation_right_side), cmocka_unit_test(name_after_protocol),
        cmocka_unit_test(quotes),              cmocka_unit_test(typical_mistakes),
        cmocka_unit_test(keyword_as_name),     cmocka_unit_test(tunnel_offset_not_a_reused_temporary),
        cmocka_unit_test(ss7_fields_where_libpcap_has_them), cmocka_unit_test(link_index_on_brcm_prepend),
        cmocka_unit_test(accepts_with_the_snaplen_given),
        cmocka_unit_test(radio_only_on_radio_headers), cmocka_unit_test(sap_protocols_on_plain_type_fields),
        cmocka_unit_test(id_lists_in_parentheses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
