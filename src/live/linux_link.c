/* linux_link.c - link types of the native Linux source and the cooked
 * headers (DLT_LINUX_SLL, DLT_LINUX_SLL2) it builds, laid out as libpcap
 * lays them: every field in network byte order. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "live/linux_link.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <net/if_arp.h>
#include <stddef.h>
#include <string.h>

#include "capture.h"

/* As libpcap 1.10 offers them (pcap_list_datalinks): Ethernet also as
 * DOCSIS, loopback (fake Ethernet headers) only as Ethernet. */
static const lcap_linux_link links[] = {
    { ARPHRD_ETHER, 2, { CAPTURE_DLT_EN10MB, CAPTURE_DLT_DOCSIS }, 0, 0 },
    { ARPHRD_LOOPBACK, 1, { CAPTURE_DLT_EN10MB }, 0, 1 },
    { ARPHRD_NONE, 1, { CAPTURE_DLT_RAW }, 0, 0 },
    { ARPHRD_PPP, 1, { CAPTURE_DLT_RAW }, 0, 0 },
    { ARPHRD_IEEE80211, 1, { CAPTURE_DLT_IEEE802_11 }, 0, 0 },
};

const lcap_linux_link lcap_linux_link_any = {
    0, 2, { CAPTURE_DLT_LINUX_SLL, CAPTURE_DLT_LINUX_SLL2 }, 1, 0
};

const lcap_linux_link *lcap_linux_link_of(unsigned short arphrd)
{
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
        if (links[i].arphrd == arphrd)
            return &links[i];
    return NULL;
}

/* libpcap puts a tag back at the type field of Ethernet and SLL, and
 * nowhere else (not in SLL2, not in DOCSIS). */
static const struct { int dlt; lcap_linux_shape shape; } shapes[] = {
    { CAPTURE_DLT_EN10MB, { 0, 12 } },
    { CAPTURE_DLT_LINUX_SLL, { LCAP_SLL_LEN, LCAP_SLL_LEN - 2 } },
    { CAPTURE_DLT_LINUX_SLL2, { LCAP_SLL2_LEN, -1 } },
};

lcap_linux_shape lcap_linux_shape_of(int dlt)
{
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
        if (shapes[i].dlt == dlt)
            return shapes[i].shape;
    return (lcap_linux_shape){ 0, -1 };
}

static void put16(uint8_t *at, unsigned v) { at[0] = (uint8_t)(v >> 8), at[1] = (uint8_t)v; }

/* SLL: packet type, ARPHRD type, address length, 8 address bytes, protocol.
 * SLL2: protocol, 2 zero bytes, interface index (32 bits), ARPHRD type,
 * packet type (8 bits), address length (8 bits), 8 address bytes. The 8
 * address bytes are copied whatever the length, as libpcap copies them. */
void lcap_linux_cooked_header(uint8_t *at, int dlt, const struct sockaddr_ll *sll)
{
    if (dlt == CAPTURE_DLT_LINUX_SLL2) {
        memcpy(at, &sll->sll_protocol, 2); /* already in network order */
        put16(at + 2, 0);
        uint32_t ifindex = htonl((uint32_t)sll->sll_ifindex);
        memcpy(at + 4, &ifindex, 4);
        put16(at + 8, sll->sll_hatype);
        at[10] = sll->sll_pkttype;
        at[11] = sll->sll_halen;
        memcpy(at + 12, sll->sll_addr, 8);
        return;
    }
    put16(at, sll->sll_pkttype);
    put16(at + 2, sll->sll_hatype);
    put16(at + 4, sll->sll_halen);
    memcpy(at + 6, sll->sll_addr, 8);
    memcpy(at + 14, &sll->sll_protocol, 2);
}

/* The header fields a cooked program may read in the kernel: offset in the
 * header and the ancillary load that gives the same value. */
static const struct { int dlt; uint32_t at; uint32_t ancillary; } cooked_fields[] = {
    { CAPTURE_DLT_LINUX_SLL, 0, SKF_AD_PKTTYPE },
    { CAPTURE_DLT_LINUX_SLL, 14, SKF_AD_PROTOCOL },
    { CAPTURE_DLT_LINUX_SLL2, 0, SKF_AD_PROTOCOL },
    { CAPTURE_DLT_LINUX_SLL2, 4, SKF_AD_IFINDEX },
    { CAPTURE_DLT_LINUX_SLL2, 10, SKF_AD_PKTTYPE },
};

static int cooked_load(struct capture_insn *in, int dlt, uint32_t hdr)
{
    /* Ancillary and negative (SKF_NET_OFF, SKF_LL_OFF) offsets stay. */
    if ((int32_t)in->k < 0)
        return 0;
    if (in->k >= hdr) {
        in->k -= hdr;
        return 0;
    }
    for (size_t i = 0; i < sizeof(cooked_fields) / sizeof(cooked_fields[0]); i++)
        if (cooked_fields[i].dlt == dlt && cooked_fields[i].at == in->k) {
            in->k = (uint32_t)SKF_AD_OFF + cooked_fields[i].ancillary;
            return 0;
        }
    return -1;
}

int lcap_linux_cooked_program(struct capture_insn *insns, size_t n, int dlt)
{
    uint32_t hdr = (uint32_t)lcap_linux_shape_of(dlt).cooked_len;
    for (size_t i = 0; i < n; i++) {
        unsigned cls = BPF_CLASS(insns[i].code), mode = BPF_MODE(insns[i].code);
        if ((cls == BPF_LD || cls == BPF_LDX) &&
            (mode == BPF_ABS || mode == BPF_IND || mode == BPF_MSH) &&
            cooked_load(&insns[i], dlt, hdr) < 0)
            return -1;
    }
    return 0;
}
