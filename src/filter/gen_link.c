/* gen_link.c - per-link-type code: the table of offsets and kinds, the protocol-type test,
 * link-layer hosts, broadcast/multicast and traffic direction. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "dlt.h"
#include "filter/gen.h"

#define NO LCAP_OFF_NONE
#define STM(code, k) lcap_stmt_new(cc, (uint16_t)(code), (uint32_t)(k))

/* One row per DLT: offsets of the type field, the payload and the network
 * layer behind LLC/SNAP, then how protocols, hosts and directions are told.
 * The Linux cooked headers have nosnap 0 as in libpcap master's
 * init_linktype ("no 802.2 LLC"), although 802.2 frames there carry the
 * LLC header: "isis" on them tests the DSAP byte for the NLPID, as libpcap
 * does (master gencode.c at 694879481a; filter_diff over LINUX_SLL). */
static const lcap_linkinfo links[] = {
    /* dlt  name                off_type off_pl nl nosnap  ltkind     hkind     dkind    vkind */
    { 0,   "NULL",                0,   4,  0, 0, LT_NULL,   H_NONE,   D_NONE,  V_NONE },
    { 1,   "EN10MB",             12,  14,  0, 3, LT_ETHER,  H_ETHER,  D_NONE,  V_NONE },
    { 6,   "IEEE802",            14,  14,  8, 3, LT_LLC,    H_TR,     D_NONE,  V_NONE },
    { 7,   "ARCNET",              2,   6,  0, 0, LT_ARCNET, H_ARCNET, D_NONE,  V_NONE },
    { 8,   "SLIP",               NO,  16,  0, 0, LT_RAW,    H_NONE,   D_SLIP,  V_NONE },
    { 9,   "PPP",                 2,   4,  0, 0, LT_PPP,    H_NONE,   D_NONE,  V_NONE },
    { 10,  "FDDI",               13,  13,  8, 3, LT_LLC,    H_FDDI,   D_NONE,  V_NONE },
    { 11,  "ATM_RFC1483",         0,   0,  8, 3, LT_LLC,    H_NONE,   D_NONE,  V_NONE },
    { 12,  "RAW",                NO,   0,  0, 0, LT_RAW,    H_NONE,   D_NONE,  V_NONE },
    { 15,  "SLIP_BSDOS",         NO,  24,  0, 0, LT_RAW,    H_NONE,   D_NONE,  V_NONE },
    { 16,  "PPP_BSDOS",           5,  24,  0, 0, LT_PPP_BSDOS, H_NONE, D_NONE, V_NONE },
    { 19,  "ATM_CLIP",            0,   0,  8, 3, LT_LLC,    H_NONE,   D_NONE,  V_NONE },
    { 50,  "PPP_SERIAL",          2,   4,  0, 0, LT_PPP,    H_NONE,   D_NONE,  V_NONE },
    { 51,  "PPP_ETHER",           6,   8,  0, 0, LT_PPP,    H_NONE,   D_NONE,  V_NONE },
    { 104, "C_HDLC",              2,   4,  0, 0, LT_CHDLC,  H_NONE,   D_NONE,  V_NONE },
    { 105, "IEEE802_11",         24,   0,  8, 3, LT_WLAN,   H_WLAN,   D_NONE,  V_NONE },
    { 108, "LOOP",                0,   4,  0, 0, LT_LOOP,   H_NONE,   D_NONE,  V_NONE },
    { 109, "ENC",                 0,  12,  0, 0, LT_NULL,   H_NONE,   D_NONE,  V_NONE },
    { 113, "LINUX_SLL",          14,  16,  0, 0, LT_SLL,    H_SLL,    D_SLL,   V_NONE },
    { 114, "LTALK",              NO,   0,  0, 0, LT_LTALK,  H_NONE,   D_NONE,  V_NONE },
    { 117, "PFLOG",               0,   0,  0, 0, LT_PFLOG,  H_NONE,   D_PFLOG, V_NONE },
    { 119, "PRISM_HEADER",       24,   0,  8, 3, LT_WLAN,   H_WLAN,   D_NONE,  V_PRISM },
    { 122, "IP_OVER_FC",         NO,  16,  8, 3, LT_LLC,    H_IPFC,   D_NONE,  V_NONE },
    { 127, "IEEE802_11_RADIO",   24,   0,  8, 3, LT_WLAN,   H_WLAN,   D_NONE,  V_RADIOTAP },
    { 129, "ARCNET_LINUX",        4,   8,  0, 0, LT_ARCNET, H_ARCNET, D_NONE,  V_NONE },
    { 139, "MTP2_WITH_PHDR",     NO,  NO,  0, 0, LT_MTP,    H_NONE,   D_NONE,  V_NONE },
    { 140, "MTP2",               NO,  NO,  0, 0, LT_MTP,    H_NONE,   D_NONE,  V_NONE },
    { 141, "MTP3",               NO,  NO,  0, 0, LT_MTP,    H_NONE,   D_NONE,  V_NONE },
    { 163, "IEEE802_11_RADIO_AVS", 24, 0,  8, 3, LT_WLAN,   H_WLAN,   D_NONE,  V_AVS },
    { 165, "BACNET_MS_TP",       NO,  NO,  0, 0, LT_NONE,   H_MSTP,   D_NONE,  V_NONE },
    { 166, "PPP_PPPD",            2,   4,  0, 0, LT_PPP,    H_NONE,   D_PPP_DIR, V_NONE },
    { 99,  "SYMANTEC_FIREWALL",   6,  44,  0, 0, LT_PLAIN,  H_NONE,   D_NONE,  V_NONE },
    { 107, "FRELAY",             NO,   0,  0, 0, LT_FRELAY, H_NONE,   D_NONE,  V_NONE },
    { 123, "SUNATM",              4,   4,  8, 3, LT_SUNATM, H_NONE,   D_NONE,  V_NONE },
    /* Juniper: libpcap master's init_linktype offsets. Where it has
     * OFFSET_NOT_SET (0xffffffff) for the payload and the network layer it
     * still compiles, and its loads land at their sum plus the field's
     * offset (ip[9] at 7): JNS stands for that sum, so the loads are its. */
#define JNS 0xfffffffeu
    { 130, "JUNIPER_MLPPP",       4,   4,  0, NO, LT_JUNIPER, H_NONE, D_JUNIPER, V_NONE },
    { 131, "JUNIPER_MLFR",        4,   4,  0, NO, LT_JUNIPER, H_NONE, D_JUNIPER, V_NONE },
    { 132, "JUNIPER_ES",          6,  JNS, 0, 0, LT_JUNIPER, H_NONE,  D_JUNIPER, V_NONE },
    { 133, "JUNIPER_GGSN",        6,  12,  0, NO, LT_JUNIPER, H_NONE, D_JUNIPER, V_NONE },
    { 134, "JUNIPER_MFR",         4,   4,  0, NO, LT_JUNIPER, H_NONE, D_JUNIPER, V_NONE },
    { 135, "JUNIPER_ATM2",        8,   8,  0, 10, LT_JUNIPER, H_NONE, D_JUNIPER, V_NONE },
    { 136, "JUNIPER_SERVICES",   12,  JNS, 0, 0, LT_JUNIPER, H_NONE,  D_JUNIPER, V_NONE },
    { 137, "JUNIPER_ATM1",        4,   4,  0, 10, LT_JUNIPER, H_NONE, D_JUNIPER, V_NONE },
    { 164, "JUNIPER_MONITOR",    12,  12,  0, NO, LT_JUNIPER, H_NONE, D_JUNIPER, V_NONE },
    { 167, "JUNIPER_PPPOE",      16,  14, 18, 21, LT_JUNIPER, H_NONE, D_JUNIPER, V_NONE },
    { 168, "JUNIPER_PPPOE_ATM",   4,   6,  0, NO, LT_JUNIPER, H_NONE, D_JUNIPER, V_NONE },
    { 178, "JUNIPER_ETHER",      16,  14, 18, 21, LT_JUNIPER, H_NONE, D_JUNIPER, V_NONE },
    { 179, "JUNIPER_PPP",         4,   4,  0, NO, LT_JUNIPER, H_NONE, D_JUNIPER, V_NONE },
    { 180, "JUNIPER_FRELAY",      4,   4,  0, NO, LT_JUNIPER, H_NONE, D_JUNIPER, V_NONE },
    { 181, "JUNIPER_CHDLC",       4,   4,  0, NO, LT_JUNIPER, H_NONE, D_JUNIPER, V_NONE },
    { 183, "JUNIPER_VP",         18,  JNS, 0, 0, LT_JUNIPER, H_NONE,  D_JUNIPER, V_NONE },
    { 194, "JUNIPER_ISM",         8,  JNS, 0, 0, LT_JUNIPER, H_NONE,  D_JUNIPER, V_NONE },
    { 200, "JUNIPER_ST",         18,  JNS, 0, 0, LT_JUNIPER, H_NONE,  D_JUNIPER, V_NONE },
    { 232, "JUNIPER_VS",          8,  JNS, 0, 0, LT_JUNIPER, H_NONE,  D_JUNIPER, V_NONE },
    { 233, "JUNIPER_SRX_E2E",     8,  JNS, 0, 0, LT_JUNIPER, H_NONE,  D_JUNIPER, V_NONE },
    { 234, "JUNIPER_FIBRECHANNEL", 8, JNS, 0, 0, LT_JUNIPER, H_NONE,  D_JUNIPER, V_NONE },
    { 238, "JUNIPER_ATM_CEMIC",   8,  JNS, 0, 0, LT_JUNIPER, H_NONE,  D_JUNIPER, V_NONE },
    { 138, "APPLE_IP_OVER_IEEE1394", 16, 18, 0, 0, LT_PLAIN, H_NONE,  D_NONE,  V_NONE },
    { 226, "IPNET",               1,  24,  0, 0, LT_IPNET,  H_NONE,   D_IPNET_DIR, V_NONE },
    { 192, "PPI",                24,   0,  8, 3, LT_WLAN,   H_WLAN,   D_NONE,  V_PPI },
    { 228, "IPV4",               NO,   0,  0, 0, LT_IPV4,   H_NONE,   D_NONE,  V_NONE },
    { 229, "IPV6",               NO,   0,  0, 0, LT_IPV6,   H_NONE,   D_NONE,  V_NONE },
    { 240, "NETANALYZER",        16,  18,  0, 3, LT_ETHER,  H_ETHER,  D_NONE,  V_NONE },
    { 241, "NETANALYZER_TRANSPARENT", 24, 26, 0, 3, LT_ETHER, H_ETHER, D_NONE, V_NONE },
    { 276, "LINUX_SLL2",          0,  20,  0, 0, LT_SLL2,   H_SLL2,   D_SLL2,  V_NONE },
    { 281, "DSA_TAG_BRCM",       16,  18,  0, 3, LT_ETHER,  H_ETHER,  D_NONE,  V_NONE },
    { 284, "DSA_TAG_DSA",        16,  18,  0, 3, LT_ETHER,  H_ETHER,  D_NONE,  V_NONE },
};

/* Where the link-layer header itself starts, for the few that are preceded by something fixed. */
static uint32_t linkhdr_offset(int dlt)
{
    static const struct {
        int dlt;
        uint32_t off;
    } pre[] = { { 240, 4 }, { 241, 12 }, { 119, 144 } }; /* not DSA_TAG_BRCM_PREPEND: link[] only, from the tag */
    for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
        if (pre[i].dlt == dlt)
            return pre[i].off;
    return 0;
}

const lcap_linkinfo *lcap_linkinfo_find(int dlt)
{
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
        if (links[i].dlt == dlt)
            return &links[i];
    return NULL;
}

const lcap_linkinfo *lcap_cur_link(const lcap_cc *cc)
{
    const lcap_linkinfo *li = cc->linktype == cc->dlt ? cc->link : lcap_linkinfo_find(cc->linktype);
    return li != NULL ? li : cc->link;
}

/* A link type without a row above that libpcap still compiles for (802.15.4,
 * NFLOG, vsock, the rest of the DLT list and every value of its pass-through
 * range): the empty expression, link[...] and lengths compile, anything
 * needing a protocol or an address is refused. The row lives in the compile's
 * arena, named for the messages. NULL for a value no savefile can carry. */
static const lcap_linkinfo *opaque_link(lcap_cc *cc)
{
    if (lcap_dlt_to_linktype(cc->dlt) < 0)
        return NULL;
    lcap_linkinfo *li = lcap_cc_alloc(cc, sizeof(*li));
    char *num = lcap_cc_alloc(cc, 16);
    if (li == NULL || num == NULL)
        return NULL;
    const char *name = capture_datalink_val_to_name(cc->dlt);
    if (name == NULL) {
        snprintf(num, 16, "%d", cc->dlt);
        name = num;
    }
    *li = (lcap_linkinfo){ cc->dlt, name, NO, NO, NO, NO, LT_NONE, H_NONE, D_NONE, V_NONE };
    return li;
}

int lcap_gen_init_link(lcap_cc *cc)
{
    const lcap_linkinfo *li = lcap_linkinfo_find(cc->dlt);
    if (li == NULL && (li = opaque_link(cc)) == NULL) {
        if (!cc->error)
            lcap_cc_error(cc, 0, "filters are not supported on link type %d", cc->dlt);
        return -1;
    }
    cc->link = li;
    cc->linktype = cc->prevlinktype = cc->dlt;
    uint32_t hdr = linkhdr_offset(cc->dlt);
    cc->off_linkhdr = (lcap_off){ hdr, 0, -1 };
    cc->off_prevlinkhdr = (lcap_off){ NO, 0, -1 };
    cc->off_linktype = (lcap_off){ li->off_linktype, 0, -1 };
    cc->off_linkpl = (lcap_off){ li->off_linkpl, 0, -1 };
    cc->off_nl = li->off_nl;
    cc->off_nl_nosnap = li->off_nl_nosnap;
    cc->vlhdr_reg = cc->vlpl_reg = -1;
    if (li->ltkind == LT_WLAN || li->ltkind == LT_PFLOG) {
        /* variable: the payload's offset is computed at program start */
        cc->off_linkpl.var = 1;
        cc->off_linkpl.k = 0;
    }
    if (li->vkind == V_RADIOTAP || li->vkind == V_PPI || li->vkind == V_AVS) {
        cc->off_linkhdr.var = 1;
        cc->off_linktype.var = 1;
    }
    /* MTP2 fields, after MTP2_WITH_PHDR's 4-byte pseudo-header or ERF's
     * 20-byte record header (libpcap's init_linktype; none on MTP3) */
    uint32_t mtp = cc->dlt == 139 ? 4 : cc->dlt == 197 ? 20 : 0;
    cc->off_li = 2 + mtp;
    cc->off_li_hsl = 4 + mtp;
    cc->off_sio = 3 + mtp;
    cc->off_opc = 4 + mtp;
    cc->off_dpc = 4 + mtp;
    cc->off_sls = 7 + mtp;
    return 0;
}

/* ---- the network protocol test ---- */

lcap_cond *lcap_gen_snap(lcap_cc *cc, uint32_t orgcode, uint32_t ptype)
{
    uint8_t snap[8] = { LLCSAP_SNAP, LLCSAP_SNAP, 0x03, (uint8_t)(orgcode >> 16), (uint8_t)(orgcode >> 8),
                        (uint8_t)orgcode, (uint8_t)(ptype >> 8), (uint8_t)ptype };
    return lcap_gen_bcmp(cc, OR_LLC, 0, 8, snap);
}

/* Ethernet length field (<= 1500): an 802.3 frame with LLC. */
static lcap_cond *gen_8023(lcap_cc *cc)
{
    return lcap_not(lcap_gen_cmp_gt(cc, OR_LINKTYPE, 0, 2, ETHERMTU));
}

lcap_cond *lcap_gen_ether_linktype(lcap_cc *cc, uint32_t proto)
{
    switch (proto) {
    case LLCSAP_ISONS:
    case LLCSAP_IP:
    case LLCSAP_NETBEUI:
        return lcap_and(gen_8023(cc), lcap_gen_cmp(cc, OR_LLC, 0, 2, proto << 8 | proto));
    case LLCSAP_IPX: {
        lcap_cond *b1 = lcap_or(lcap_gen_cmp(cc, OR_LLC, 0, 1, LLCSAP_IPX), lcap_gen_cmp(cc, OR_LLC, 0, 2, 0xffff));
        b1 = lcap_or(lcap_gen_snap(cc, 0, ETHERTYPE_IPX), b1);
        b1 = lcap_and(gen_8023(cc), b1);
        return lcap_or(lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, ETHERTYPE_IPX), b1);
    }
    case ETHERTYPE_ATALK:
    case ETHERTYPE_AARP: {
        lcap_cond *b0 = gen_8023(cc);
        lcap_cond *b1 = proto == ETHERTYPE_ATALK ? lcap_gen_snap(cc, 0x080007, ETHERTYPE_ATALK)
                                                 : lcap_gen_snap(cc, 0, ETHERTYPE_AARP);
        b1 = lcap_and(b0, b1);
        return lcap_or(lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, proto), b1);
    }
    default:
        if (proto <= ETHERMTU)
            return lcap_and(gen_8023(cc), lcap_gen_cmp(cc, OR_LINKTYPE, 2, 1, proto));
        return lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, proto);
    }
}

lcap_cond *lcap_gen_llc_linktype(lcap_cc *cc, uint32_t proto)
{
    switch (proto) {
    case LLCSAP_IP:
    case LLCSAP_ISONS:
    case LLCSAP_NETBEUI:
        return lcap_gen_cmp(cc, OR_LLC, 0, 2, proto << 8 | proto);
    case LLCSAP_IPX:
        return lcap_gen_cmp(cc, OR_LLC, 0, 1, LLCSAP_IPX);
    case ETHERTYPE_ATALK:
        return lcap_gen_snap(cc, 0x080007, ETHERTYPE_ATALK);
    default:
        if (proto <= ETHERMTU)
            return lcap_gen_cmp(cc, OR_LLC, 0, 1, proto);
        return lcap_gen_cmp(cc, OR_LLC, 6, 2, proto);
    }
}

#define LINUX_SLL_P_802_3 0x0001
#define LINUX_SLL_P_802_2 0x0004

static lcap_cond *gen_sll_linktype(lcap_cc *cc, uint32_t proto)
{
    switch (proto) {
    case LLCSAP_ISONS:
    case LLCSAP_IP:
    case LLCSAP_NETBEUI:
        return lcap_and(lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, LINUX_SLL_P_802_2),
                        lcap_gen_cmp(cc, OR_LLC, 0, 2, proto << 8 | proto));
    case LLCSAP_IPX: {
        lcap_cond *b1 = lcap_or(lcap_gen_cmp(cc, OR_LLC, 0, 1, LLCSAP_IPX), lcap_gen_snap(cc, 0, ETHERTYPE_IPX));
        b1 = lcap_and(lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, LINUX_SLL_P_802_2), b1);
        b1 = lcap_or(lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, LINUX_SLL_P_802_3), b1);
        return lcap_or(lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, ETHERTYPE_IPX), b1);
    }
    case ETHERTYPE_ATALK:
    case ETHERTYPE_AARP: {
        lcap_cond *b1 = proto == ETHERTYPE_ATALK ? lcap_gen_snap(cc, 0x080007, ETHERTYPE_ATALK)
                                                 : lcap_gen_snap(cc, 0, ETHERTYPE_AARP);
        b1 = lcap_and(lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, LINUX_SLL_P_802_2), b1);
        return lcap_or(lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, proto), b1);
    }
    default:
        if (proto <= ETHERMTU)
            return lcap_and(lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, LINUX_SLL_P_802_2),
                            lcap_gen_cmp(cc, OR_LLC, 0, 1, proto));
        return lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, proto);
    }
}

/* PPP protocol numbers for Ethernet types and SAPs. */
static uint32_t ppp_type(uint32_t proto)
{
    static const struct {
        uint32_t from, to;
    } map[] = {
        { ETHERTYPE_IP, 0x21 },    { ETHERTYPE_IPV6, 0x57 }, { ETHERTYPE_DN, 0x27 },
        { ETHERTYPE_ATALK, 0x29 }, { 0x0600, 0x25 },         { LLCSAP_ISONS, 0x23 },
        { LLCSAP_8021D, 0x31 },    { ETHERTYPE_IPX, 0x2b },  { LLCSAP_IPX, 0x2b },
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].from == proto)
            return map[i].to;
    return proto;
}

/* Address family values as a little- or big-endian writer stores them in a
 * BSD loopback header: libpcap compares with the host's byte order. */
static uint32_t host_order_af(uint32_t af)
{
    const uint16_t one = 1;
    if (*(const uint8_t *)&one)
        return (af & 0xff) << 24 | (af & 0xff00) << 8 | (af >> 8 & 0xff00) | af >> 24;
    return af;
}

#define HOST_AF_INET 2
#define HOST_AF_INET6 10

/* A savefile may come from any OS of either byte order: libpcap master then
 * takes every BSD's AF_INET6 (OpenBSD/NetBSD 24, FreeBSD 28, Darwin 30;
 * accept.jsonl link_proto_ip6_offline_*) and, for the NULL header, which
 * the writer put in its own order, both orders (link_proto_ip_offline_*). */
static const uint32_t savefile_af_inet6[] = { 30, 24, 28 };

static lcap_cond *savefile_af(lcap_cc *cc, uint32_t proto, int off, int size, int both_orders)
{
    uint32_t inet = HOST_AF_INET;
    const uint32_t *af = proto == ETHERTYPE_IP ? &inet : savefile_af_inet6;
    size_t n = proto == ETHERTYPE_IP ? 1 : sizeof(savefile_af_inet6) / sizeof(savefile_af_inet6[0]);
    lcap_cond *b = NULL;
    for (int order = 0; order < (both_orders ? 2 : 1); order++)
        for (size_t i = 0; i < n; i++) {
            uint32_t v = order ? (af[i] & 0xff) << 24 : af[i];
            lcap_cond *c = lcap_gen_cmp(cc, OR_LINKHDR, (uint32_t)off, size, v);
            b = b == NULL ? c : lcap_or(b, c);
        }
    return b;
}

static lcap_cond *gen_ip_version(lcap_cc *cc, int offrel, uint32_t v)
{
    return lcap_gen_mcmp(cc, offrel, 0, 1, v << 4, 0xf0);
}

static lcap_cond *gen_arcnet_linktype(lcap_cc *cc, uint32_t proto)
{
    switch (proto) {
    case ETHERTYPE_IPV6:
        return lcap_gen_cmp(cc, OR_LINKTYPE, 0, 1, 0xc4);
    case ETHERTYPE_IP:
        return lcap_gen_cmp(cc, OR_LINKTYPE, 0, 1, 212);
    case ETHERTYPE_ARP:
        return lcap_gen_cmp(cc, OR_LINKTYPE, 0, 1, 213);
    case ETHERTYPE_REVARP:
        return lcap_gen_cmp(cc, OR_LINKTYPE, 0, 1, 214);
    case ETHERTYPE_ATALK:
        return lcap_gen_cmp(cc, OR_LINKTYPE, 0, 1, 221);
    default:
        return lcap_cond_false(cc);
    }
}

lcap_cond *lcap_gen_linktype(lcap_cc *cc, uint32_t proto)
{
    const lcap_linkinfo *li = lcap_linkinfo_find(cc->linktype);
    int kind = li != NULL ? li->ltkind : LT_NONE;

    if (cc->linktype == cc->dlt)
        kind = cc->link->ltkind;
    if (cc->linktype == 9 && cc->dlt != 9)
        kind = LT_PPP; /* inside PPPoE */
    if (cc->is_lane) /* not a LANE control frame, then Ethernet */
        return lcap_and(lcap_not(lcap_gen_cmp(cc, OR_PACKET, 4, 2, 0xff00)), lcap_gen_ether_linktype(cc, proto));
    if (cc->label_depth > 0) {
        /* inside MPLS: the bottom-of-stack bit, then the IP version */
        if (proto != ETHERTYPE_IP && proto != ETHERTYPE_IPV6)
            return lcap_cc_error(cc, 0, "only ip and ip6 can be matched inside MPLS");
        return lcap_and(lcap_gen_mcmp(cc, OR_LINKPL, (uint32_t)-2, 1, 0x01, 0x01),
                        lcap_gen_mcmp(cc, OR_LINKPL, 0, 1, proto == ETHERTYPE_IP ? 0x40 : 0x60, 0xf0));
    }
    switch (kind) {
    case LT_ETHER: /* after geneve too, LLC SAPs and all (libpcap's gen_linktype, without the Ethernet-header check) */
        return lcap_gen_ether_linktype(cc, proto);
    case LT_LLC:
        return lcap_gen_llc_linktype(cc, proto);
    case LT_WLAN:
        return lcap_and(lcap_gen_wlan_data_check(cc), lcap_gen_llc_linktype(cc, proto));
    case LT_SLL:
        return gen_sll_linktype(cc, proto);
    case LT_SLL2:
        return gen_sll_linktype(cc, proto);
    case LT_CHDLC:
        return lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, proto == LLCSAP_ISONS ? 0xfefe : proto);
    case LT_PPP:
        return lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, ppp_type(proto));
    case LT_PPP_BSDOS:
        if (proto == ETHERTYPE_IP)
            return lcap_or(lcap_or(lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, 0x21), lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, 0x2d)),
                           lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, 0x2f));
        return lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, ppp_type(proto));
    case LT_NULL:
    case LT_LOOP: {
        uint32_t af;
        if (proto == ETHERTYPE_IP)
            af = HOST_AF_INET;
        else if (proto == ETHERTYPE_IPV6)
            af = HOST_AF_INET6;
        else
            return lcap_cond_false(cc);
        if (cc->savefile && kind == LT_NULL)
            return savefile_af(cc, proto, 0, 4, 1);
        return lcap_gen_cmp(cc, OR_LINKHDR, 0, 4, kind == LT_NULL ? host_order_af(af) : af);
    }
    case LT_PFLOG:
        if (proto == ETHERTYPE_IP)
            return lcap_gen_cmp(cc, OR_LINKHDR, 1, 1, HOST_AF_INET);
        if (proto == ETHERTYPE_IPV6)
            return cc->savefile ? savefile_af(cc, proto, 1, 1, 0) : lcap_gen_cmp(cc, OR_LINKHDR, 1, 1, HOST_AF_INET6);
        return lcap_cond_false(cc);
    case LT_RAW:
        if (proto == ETHERTYPE_IP)
            return gen_ip_version(cc, OR_LINKHDR, 4);
        if (proto == ETHERTYPE_IPV6)
            return gen_ip_version(cc, OR_LINKHDR, 6);
        return lcap_cond_false(cc);
    case LT_IPV4:
        return proto == ETHERTYPE_IP ? lcap_cond_true(cc) : lcap_cond_false(cc);
    case LT_IPV6:
        return proto == ETHERTYPE_IPV6 ? lcap_cond_true(cc) : lcap_cond_false(cc);
    case LT_ARCNET:
        return gen_arcnet_linktype(cc, proto);
    case LT_LTALK:
        return proto == ETHERTYPE_ATALK ? lcap_cond_true(cc) : lcap_cond_false(cc);
    case LT_PLAIN: /* libpcap's default case: the type field, LLC SAPs too (1.10.3 and master) */
        return lcap_gen_cmp(cc, OR_LINKTYPE, 0, 2, proto);
    case LT_SUNATM: /* LLC-encapsulated traffic */
        return lcap_and(lcap_gen_mcmp(cc, OR_PACKET, 0, 1, 2, 0x0f), lcap_gen_llc_linktype(cc, proto));
    case LT_IPNET:
        if (proto == ETHERTYPE_IP)
            return lcap_gen_cmp(cc, OR_LINKHDR, 1, 1, 2);
        if (proto == ETHERTYPE_IPV6)
            return lcap_gen_cmp(cc, OR_LINKHDR, 1, 1, 26);
        return lcap_cond_false(cc);
    case LT_JUNIPER: /* only the "MGC" magic of the Juniper header, whatever the protocol (libpcap's FIXME) */
        return lcap_gen_mcmp(cc, OR_LINKHDR, 0, 4, 0x4d474300, 0xffffff00);
    case LT_FRELAY: /* NLPID after the Q.922 address */
        if (proto == ETHERTYPE_IP)
            return lcap_gen_cmp(cc, OR_LINKHDR, 2, 2, 0x03cc);
        if (proto == ETHERTYPE_IPV6)
            return lcap_gen_cmp(cc, OR_LINKHDR, 2, 2, 0x038e);
        if (proto == LLCSAP_ISONS)
            return lcap_or(lcap_or(lcap_gen_cmp(cc, OR_LINKHDR, 2, 2, 0x0381), lcap_gen_cmp(cc, OR_LINKHDR, 2, 2, 0x0382)),
                           lcap_gen_cmp(cc, OR_LINKHDR, 2, 2, 0x0383));
        return lcap_cond_false(cc);
    default:
        return lcap_cc_error(cc, 0, "link-layer type filtering not implemented for DLT %s", cc->link->name);
    }
}

/* ---- link-layer hosts ---- */

static lcap_cond *dir_combine(lcap_cc *cc, int dir, lcap_cond *(*one)(lcap_cc *, const uint8_t *, int, int),
                              const uint8_t *a, int col)
{
    switch (dir) {
    case Q_SRC:
    case Q_DST:
        return one(cc, a, dir, col);
    case Q_AND:
        return lcap_and(one(cc, a, Q_SRC, col), one(cc, a, Q_DST, col));
    case Q_DEFAULT:
    case Q_OR:
        return lcap_or(one(cc, a, Q_SRC, col), one(cc, a, Q_DST, col));
    default:
        return lcap_cc_error(cc, col, "'addr1'..'addr4', 'ra' and 'ta' are only valid for 802.11, not DLT %s",
                             cc->link->name);
    }
}

static lcap_cond *mac_at(lcap_cc *cc, const uint8_t *mac, int dir, uint32_t src, uint32_t dst)
{
    return lcap_gen_bcmp(cc, OR_LINKHDR, dir == Q_SRC ? src : dst, 6, mac);
}

/* After geneve, MAC tests first ask whether the payload has an Ethernet
 * header at all: its header and payload offsets differ (libpcap's
 * gen_geneve_ll_check; 0 and 0 on a packet that is not Geneve). */
static lcap_cond *and_ll_check(lcap_cc *cc, lcap_cond *b)
{
    if (!cc->is_geneve || b == NULL)
        return b;
    lcap_stmt *s = STM(LCAP_BPF_LD | LCAP_BPF_MEM, (uint32_t)cc->off_linkhdr.reg);
    lcap_stmt_cat(s, STM(LCAP_BPF_LDX | LCAP_BPF_MEM, (uint32_t)cc->off_linkpl.reg));
    return lcap_and(lcap_not(lcap_cond_jmp(cc, s, LCAP_BPF_JEQ | LCAP_BPF_X, 0)), b);
}

static lcap_cond *one_ether(lcap_cc *cc, const uint8_t *mac, int dir, int col)
{
    (void)col;
    return mac_at(cc, mac, dir, 6, 0);
}
static lcap_cond *one_fddi(lcap_cc *cc, const uint8_t *mac, int dir, int col)
{
    (void)col;
    return mac_at(cc, mac, dir, 7, 1);
}
static lcap_cond *one_tr(lcap_cc *cc, const uint8_t *mac, int dir, int col)
{
    (void)col;
    return mac_at(cc, mac, dir, 8, 2);
}
static lcap_cond *one_ipfc(lcap_cc *cc, const uint8_t *mac, int dir, int col)
{
    (void)col;
    return mac_at(cc, mac, dir, 10, 2);
}
static lcap_cond *one_arcnet(lcap_cc *cc, const uint8_t *a, int dir, int col)
{
    (void)col;
    return lcap_gen_cmp(cc, OR_LINKHDR, dir == Q_SRC ? 0 : 1, 1, a[0]);
}
static lcap_cond *one_mstp(lcap_cc *cc, const uint8_t *a, int dir, int col)
{
    (void)col;
    return lcap_gen_cmp(cc, OR_LINKHDR, dir == Q_SRC ? 4 : 3, 1, a[0]);
}

lcap_cond *lcap_gen_wlan_host(lcap_cc *cc, const uint8_t *mac, int dir, int col);

static lcap_cond *not_lec(lcap_cc *cc) { return lcap_not(lcap_gen_cmp(cc, OR_PACKET, 4, 2, 0xff00)); }

lcap_cond *lcap_gen_link_host(lcap_cc *cc, const uint8_t *mac, int dir, int col)
{
    if (cc->is_lane)
        return lcap_and(not_lec(cc), dir_combine(cc, dir, one_ether, mac, col));
    switch (lcap_cur_link(cc)->hkind) {
    case H_ETHER:
        return and_ll_check(cc, dir_combine(cc, dir, one_ether, mac, col));
    case H_FDDI:
        return dir_combine(cc, dir, one_fddi, mac, col);
    case H_TR:
        return dir_combine(cc, dir, one_tr, mac, col);
    case H_IPFC:
        return dir_combine(cc, dir, one_ipfc, mac, col);
    case H_WLAN:
        return lcap_gen_wlan_host(cc, mac, dir, col);
    default:
        return lcap_cc_error(cc, col, "MAC address filters are not valid on DLT %s", lcap_cur_link(cc)->name);
    }
}

lcap_cond *lcap_gen_link_arcnet(lcap_cc *cc, uint8_t addr, int dir, int col)
{
    uint8_t a[1] = { addr };
    switch (cc->link->hkind) {
    case H_ARCNET:
        return dir_combine(cc, dir, one_arcnet, a, col);
    case H_MSTP:
        return dir_combine(cc, dir, one_mstp, a, col);
    default:
        return lcap_cc_error(cc, col, "'$' addresses are ARCnet or MS/TP addresses, not valid on DLT %s",
                             cc->link->name);
    }
}

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

lcap_cond *lcap_gen_broadcast(lcap_cc *cc, int proto, int col)
{
    uint8_t zero = 0, ff = 0xff;
    switch (proto) {
    case Q_DEFAULT:
    case Q_LINK:
        if (cc->is_lane)
            return lcap_and(not_lec(cc), one_ether(cc, bcast_mac, Q_DST, col));
        switch (lcap_cur_link(cc)->hkind) {
        case H_ETHER: return and_ll_check(cc, one_ether(cc, bcast_mac, Q_DST, col));
        case H_FDDI: return one_fddi(cc, bcast_mac, Q_DST, col);
        case H_TR: return one_tr(cc, bcast_mac, Q_DST, col);
        case H_IPFC: return one_ipfc(cc, bcast_mac, Q_DST, col);
        case H_WLAN: return lcap_gen_wlan_host(cc, bcast_mac, Q_DST, col);
        case H_ARCNET: return one_arcnet(cc, &zero, Q_DST, col);
        case H_MSTP: return one_mstp(cc, &ff, Q_DST, col);
        default: return lcap_cc_error(cc, col, "'broadcast' is not valid on DLT %s", lcap_cur_link(cc)->name);
        }
    case Q_IP: {
        if (cc->netmask == CAPTURE_NETMASK_UNKNOWN)
            return lcap_cc_error(cc, col, "netmask not known, so 'ip broadcast' not supported");
        uint32_t hm = ~cc->netmask;
        lcap_cond *b0 = lcap_gen_linktype(cc, ETHERTYPE_IP);
        lcap_cond *b2 = lcap_or(lcap_gen_mcmp(cc, OR_LINKPL, 16, 4, 0, hm), lcap_gen_mcmp(cc, OR_LINKPL, 16, 4, hm, hm));
        return lcap_and(b0, b2);
    }
    default:
        return lcap_cc_error(cc, col, "only link-layer/IP broadcast filters supported");
    }
}

static lcap_cond *mac_multicast(lcap_cc *cc, uint32_t off)
{
    return lcap_cond_jmp(cc, lcap_gen_load(cc, OR_LINKHDR, off, 1), LCAP_BPF_JSET, 1);
}

lcap_cond *lcap_gen_wlan_multicast(lcap_cc *cc);

lcap_cond *lcap_gen_multicast(lcap_cc *cc, int proto, int col)
{
    uint8_t zero = 0;
    switch (proto) {
    case Q_DEFAULT:
    case Q_LINK:
        if (cc->is_lane)
            return lcap_and(not_lec(cc), mac_multicast(cc, 0));
        switch (lcap_cur_link(cc)->hkind) {
        case H_ETHER: return and_ll_check(cc, mac_multicast(cc, 0));
        case H_FDDI: return mac_multicast(cc, 1);
        case H_TR: return mac_multicast(cc, 2);
        case H_IPFC: return mac_multicast(cc, 2);
        case H_WLAN: return lcap_gen_wlan_multicast(cc);
        case H_ARCNET: return one_arcnet(cc, &zero, Q_DST, col);
        default: return lcap_cc_error(cc, col, "'multicast' is not valid on DLT %s", lcap_cur_link(cc)->name);
        }
    case Q_IP:
        return lcap_and(lcap_gen_linktype(cc, ETHERTYPE_IP), lcap_gen_mcmp(cc, OR_LINKPL, 16, 1, 224, 0xf0));
    case Q_IPV6:
        return lcap_and(lcap_gen_linktype(cc, ETHERTYPE_IPV6), lcap_gen_cmp(cc, OR_LINKPL, 24, 1, 255));
    default:
        return lcap_cc_error(cc, col, "only link-layer/IP/IPv6 multicast filters supported");
    }
}

/* ---- direction ---- */

lcap_cond *lcap_gen_inbound(lcap_cc *cc, int outbound, int col)
{
    if (lcap_cur_link(cc)->dkind == D_JUNIPER) /* bit 0 of the flags byte after the magic set on inbound */
        return outbound ? lcap_not(lcap_cond_jmp(cc, lcap_gen_load(cc, OR_LINKHDR, 3, 1), LCAP_BPF_JSET, 1))
                        : lcap_gen_mcmp(cc, OR_LINKHDR, 3, 1, 1, 1);
    /* the link type in force: none after pppoes (PPP) or geneve (Ethernet) */
    switch (cc->linktype) {
    case 8: /* SLIP: first byte 0 received, 1 sent */
        return lcap_gen_cmp(cc, OR_LINKHDR, 0, 1, outbound ? 1 : 0);
    case 113: /* Linux cooked: packet type 4 = outgoing */
        return outbound ? lcap_gen_cmp(cc, OR_LINKHDR, 0, 2, 4) : lcap_not(lcap_gen_cmp(cc, OR_LINKHDR, 0, 2, 4));
    case 276:
        return outbound ? lcap_gen_cmp(cc, OR_LINKHDR, 10, 1, 4) : lcap_not(lcap_gen_cmp(cc, OR_LINKHDR, 10, 1, 4));
    case 117: /* pflog: dir byte at 60, PF_IN 1, PF_OUT 2 */
        return lcap_gen_cmp(cc, OR_LINKHDR, 60, 1, outbound ? 2 : 1);
    case 166: /* PPP_PPPD: direction byte, 0 incoming, 1 outgoing */
    case 204:
    case 205:
    case 206:
        return lcap_gen_cmp(cc, OR_LINKHDR, 0, 1, outbound ? 1 : 0);
    case 281: /* Broadcom tag: opcode in the top three bits, 0 towards the CPU */
        return outbound ? lcap_gen_mcmp(cc, OR_LINKHDR, 12, 1, 0x20, 0xe0) : lcap_gen_mcmp(cc, OR_LINKHDR, 12, 1, 0, 0xe0);
    case 226: /* ipnet: direction word, 1 outbound, 2 inbound */
        return lcap_gen_cmp(cc, OR_LINKHDR, 2, 2, outbound ? 1 : 2);
    case 284: /* Marvell DSA: mode in the top two bits, To_CPU 0, From_CPU 1 */
        return outbound ? lcap_gen_mcmp(cc, OR_LINKHDR, 12, 1, 0x40, 0xc0) : lcap_gen_mcmp(cc, OR_LINKHDR, 12, 1, 0, 0x40);
    default:
        return lcap_cc_error(cc, col, "'%s' is not valid on DLT %s: it carries no direction",
                             outbound ? "outbound" : "inbound", lcap_cur_link(cc)->name);
    }
}

/* ---- variable-length headers: computed once, before the filter proper ---- */


static lcap_stmt *stmts(lcap_cc *cc, const uint16_t *codes, const uint32_t *ks, size_t n)
{
    lcap_stmt *s = NULL;
    for (size_t i = 0; i < n; i++)
        s = lcap_stmt_cat(s, STM(codes[i], ks[i]));
    return s;
}

static lcap_block *blk(lcap_cc *cc, lcap_stmt *s, uint16_t jop, uint32_t k, lcap_block *jt, lcap_block *jf)
{
    lcap_block *b = lcap_block_new(cc, s, jop, k);
    if (b != NULL) {
        b->jt = jt;
        b->jf = jf;
    }
    return b;
}

lcap_block *lcap_gen_prologue(lcap_cc *cc, lcap_block *next)
{
    int h = cc->vlhdr_reg, p = cc->vlpl_reg;
    const lcap_linkinfo *li = cc->link;

    if (li->vkind == V_PRISM || (li->ltkind == LT_WLAN && p >= 0))
        cc->libpcap_noopt = 1;
    if (!cc->vloff_needed || (h < 0 && p < 0))
        return next;
    if (p >= 0 && h < 0 && li->vkind != V_NONE && li->vkind != V_PRISM) {
        if ((h = cc->vlhdr_reg = lcap_cc_alloc_reg(cc)) < 0)
            return NULL;
    }
    lcap_stmt *s = NULL;
    if (h >= 0 && li->vkind != V_NONE) {
        if (li->vkind == V_AVS) {
            s = lcap_stmt_cat(STM(LCAP_BPF_LD | LCAP_BPF_ABS | LCAP_BPF_W, 4), STM(LCAP_BPF_ST, h));
        } else { /* radiotap and PPI: little-endian length at offset 2 */
            static const uint16_t c[] = { LCAP_BPF_LD | LCAP_BPF_ABS | LCAP_BPF_B, LCAP_BPF_ALU | LCAP_BPF_LSH | LCAP_BPF_K,
                                          LCAP_BPF_MISC | LCAP_BPF_TAX, LCAP_BPF_LD | LCAP_BPF_ABS | LCAP_BPF_B,
                                          LCAP_BPF_ALU | LCAP_BPF_OR | LCAP_BPF_X, LCAP_BPF_ST };
            const uint32_t k[] = { 3, 8, 0, 2, 0, (uint32_t)h };
            s = stmts(cc, c, k, 6);
        }
    }
    if (li->ltkind == LT_PFLOG && p >= 0) {
        /* pflog: header length byte rounded up to 4 */
        static const uint16_t c[] = { LCAP_BPF_LD | LCAP_BPF_ABS | LCAP_BPF_B, LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K,
                                      LCAP_BPF_ALU | LCAP_BPF_AND | LCAP_BPF_K, LCAP_BPF_ST };
        const uint32_t k[] = { 0, 3, 0xfffffffc, (uint32_t)p };
        s = lcap_stmt_cat(s, stmts(cc, c, k, 4));
    }
    /* Linux `vlan`: no tag in the packet yet. As libpcap, the words the
     * offsets use at the end (pppoes and geneve may have moved them). */
    if (s == NULL && cc->vlan_vloffset)
        s = lcap_stmt_cat(STM(LCAP_BPF_LD | LCAP_BPF_IMM, 0),
                          lcap_stmt_cat(STM(LCAP_BPF_ST, cc->off_linkpl.reg >= 0 ? cc->off_linkpl.reg : p),
                                        STM(LCAP_BPF_ST, cc->off_linktype.reg >= 0 ? cc->off_linktype.reg : h)));
    if (p < 0 || li->ltkind != LT_WLAN)
        return blk(cc, s, LCAP_BPF_JA, 0, next, next);

    /* 802.11 header length: 24, +2 for QoS data, then radiotap's data padding */
    uint32_t pre = li->vkind == V_PRISM ? 144 : 0;
    s = lcap_stmt_cat(s, h >= 0 ? STM(LCAP_BPF_LDX | LCAP_BPF_MEM, h) : STM(LCAP_BPF_LDX | LCAP_BPF_IMM, pre));
    s = lcap_stmt_cat(s, STM(LCAP_BPF_MISC | LCAP_BPF_TXA, 0));
    s = lcap_stmt_cat(s, STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, 24));
    s = lcap_stmt_cat(s, STM(LCAP_BPF_ST, p));
    s = lcap_stmt_cat(s, STM(LCAP_BPF_LD | LCAP_BPF_IND | LCAP_BPF_B, 0));
    lcap_block *after = next;
    if (li->vkind == V_RADIOTAP) {
        static const uint16_t c3[] = { LCAP_BPF_LD | LCAP_BPF_MEM, LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K,
                                       LCAP_BPF_ALU | LCAP_BPF_AND | LCAP_BPF_K, LCAP_BPF_ST };
        const uint32_t k3[] = { (uint32_t)p, 3, 0xfffffffc, (uint32_t)p };
        lcap_block *round = blk(cc, stmts(cc, c3, k3, 4), LCAP_BPF_JA, 0, next, next);
        lcap_block *pad16 = blk(cc, STM(LCAP_BPF_LD | LCAP_BPF_ABS | LCAP_BPF_B, 16), LCAP_BPF_JSET, 0x20, round, next);
        lcap_block *pad8 = blk(cc, STM(LCAP_BPF_LD | LCAP_BPF_ABS | LCAP_BPF_B, 8), LCAP_BPF_JSET, 0x20, round, next);
        lcap_block *tsft = blk(cc, NULL, LCAP_BPF_JSET, 0x1000000, pad16, pad8);
        lcap_block *ext = blk(cc, NULL, LCAP_BPF_JSET, 0x80, next, tsft);
        after = blk(cc, STM(LCAP_BPF_LD | LCAP_BPF_ABS | LCAP_BPF_W, 4), LCAP_BPF_JSET, 0x2000000, ext, next);
    }
    static const uint16_t c2[] = { LCAP_BPF_LD | LCAP_BPF_MEM, LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, LCAP_BPF_ST };
    const uint32_t k2[] = { (uint32_t)p, 2, (uint32_t)p };
    lcap_block *add2 = blk(cc, stmts(cc, c2, k2, 3), LCAP_BPF_JA, 0, after, after);
    lcap_block *qos = blk(cc, NULL, LCAP_BPF_JSET, 0x80, add2, after);
    lcap_block *ctl = blk(cc, NULL, LCAP_BPF_JSET, 0x04, next, qos);
    return blk(cc, s, LCAP_BPF_JSET, 0x08, ctl, next);
}

lcap_cond *lcap_gen_ppi_check(lcap_cc *cc)
{
    if (cc->link->vkind != V_PPI)
        return NULL;
    return lcap_gen_cmp(cc, OR_PACKET, 4, 4, 0x69000000);
}
