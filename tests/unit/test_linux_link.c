/* test_linux_link.c - the native Linux source's link layer: the SLL and SLL2
 * headers built from a sockaddr_ll, and cooked filters rewritten for the
 * kernel (offsets past the header moved back, header fields to ancillary
 * loads, anything else refused). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/filter.h>
#include <arpa/inet.h>
#include <net/if_arp.h>

#include "capture.h"
#include "live/linux_link.h"

static struct sockaddr_ll sample(void)
{
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_protocol = htons(0x0800);
    sll.sll_ifindex = 0x01020304;
    sll.sll_hatype = ARPHRD_ETHER;
    sll.sll_pkttype = PACKET_OUTGOING;
    sll.sll_halen = 6;
    memcpy(sll.sll_addr, "\x02\x11\x22\x33\x44\x55\x66\x77", 8);
    return sll;
}

static void sll_header(void **state)
{
    (void)state;
    struct sockaddr_ll sll = sample();
    uint8_t h[LCAP_SLL_LEN];
    lcap_linux_cooked_header(h, CAPTURE_DLT_LINUX_SLL, &sll);
    static const uint8_t want[LCAP_SLL_LEN] = { 0, 4, 0, 1, 0, 6, 0x02, 0x11, 0x22, 0x33,
                                                0x44, 0x55, 0x66, 0x77, 0x08, 0x00 };
    assert_memory_equal(h, want, sizeof want);
}

static void sll2_header(void **state)
{
    (void)state;
    struct sockaddr_ll sll = sample();
    uint8_t h[LCAP_SLL2_LEN];
    lcap_linux_cooked_header(h, CAPTURE_DLT_LINUX_SLL2, &sll);
    static const uint8_t want[LCAP_SLL2_LEN] = { 0x08, 0x00, 0, 0, 1, 2, 3, 4, 0, 1, 4, 6,
                                                 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 };
    assert_memory_equal(h, want, sizeof want);
}

static void shapes(void **state)
{
    (void)state;
    assert_int_equal(lcap_linux_shape_of(CAPTURE_DLT_EN10MB).vlan_offset, 12);
    assert_int_equal(lcap_linux_shape_of(CAPTURE_DLT_EN10MB).cooked_len, 0);
    assert_int_equal(lcap_linux_shape_of(CAPTURE_DLT_LINUX_SLL).vlan_offset, 14);
    assert_int_equal(lcap_linux_shape_of(CAPTURE_DLT_LINUX_SLL).cooked_len, 16);
    assert_int_equal(lcap_linux_shape_of(CAPTURE_DLT_LINUX_SLL2).vlan_offset, -1);
    assert_int_equal(lcap_linux_shape_of(CAPTURE_DLT_LINUX_SLL2).cooked_len, 20);
    assert_int_equal(lcap_linux_shape_of(CAPTURE_DLT_DOCSIS).vlan_offset, -1);
    const lcap_linux_link *eth = lcap_linux_link_of(ARPHRD_ETHER);
    assert_non_null(eth);
    assert_int_equal(eth->ndlt, 2);
    assert_int_equal(eth->dlt[1], CAPTURE_DLT_DOCSIS);
    assert_null(lcap_linux_link_of(1234) );
}

#define AD(x) ((uint32_t)SKF_AD_OFF + (x))

static void cooked_programs(void **state)
{
    (void)state;
    /* Each row: one load at k of a program for dlt, what k becomes (or -1: refused). */
    static const struct { int dlt; uint16_t code; uint32_t k; int64_t want; } rows[] = {
        { CAPTURE_DLT_LINUX_SLL, BPF_LD | BPF_H | BPF_ABS, 14, AD(SKF_AD_PROTOCOL) },
        { CAPTURE_DLT_LINUX_SLL, BPF_LD | BPF_H | BPF_ABS, 0, AD(SKF_AD_PKTTYPE) },
        { CAPTURE_DLT_LINUX_SLL, BPF_LD | BPF_B | BPF_ABS, 25, 9 },
        { CAPTURE_DLT_LINUX_SLL, BPF_LDX | BPF_B | BPF_MSH, 16, 0 },
        { CAPTURE_DLT_LINUX_SLL, BPF_LD | BPF_H | BPF_IND, 18, 2 },
        { CAPTURE_DLT_LINUX_SLL, BPF_LD | BPF_B | BPF_ABS, 6, -1 },
        { CAPTURE_DLT_LINUX_SLL, BPF_LD | BPF_W | BPF_ABS, AD(SKF_AD_VLAN_TAG), AD(SKF_AD_VLAN_TAG) },
        { CAPTURE_DLT_LINUX_SLL2, BPF_LD | BPF_H | BPF_ABS, 0, AD(SKF_AD_PROTOCOL) },
        { CAPTURE_DLT_LINUX_SLL2, BPF_LD | BPF_W | BPF_ABS, 4, AD(SKF_AD_IFINDEX) },
        { CAPTURE_DLT_LINUX_SLL2, BPF_LD | BPF_B | BPF_ABS, 10, AD(SKF_AD_PKTTYPE) },
        { CAPTURE_DLT_LINUX_SLL2, BPF_LD | BPF_B | BPF_ABS, 29, 9 },
        { CAPTURE_DLT_LINUX_SLL2, BPF_LD | BPF_H | BPF_ABS, 14, -1 },
        { CAPTURE_DLT_LINUX_SLL2, BPF_LD | BPF_IMM, 7, 7 }, /* not a packet load */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct capture_insn prog[2] = { { rows[i].code, 0, 0, rows[i].k }, { BPF_RET | BPF_K, 0, 0, 1 } };
        int rc = lcap_linux_cooked_program(prog, 2, rows[i].dlt);
        if (rows[i].want < 0) {
            assert_int_equal(rc, -1);
        } else {
            assert_int_equal(rc, 0);
            if (prog[0].k != (uint32_t)rows[i].want)
                fail_msg("row %zu: k %u, want %u", i, prog[0].k, (uint32_t)rows[i].want);
        }
        assert_int_equal(prog[1].k, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sll_header),
        cmocka_unit_test(sll2_header),
        cmocka_unit_test(shapes),
        cmocka_unit_test(cooked_programs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
