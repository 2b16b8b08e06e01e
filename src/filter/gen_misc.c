/* gen_misc.c - 802.11 frame tests, LLC, DECnet hosts, SS7 MTP2/MTP3 fields and the pflog
 * keywords: the primitives tied to one family of link types. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include "filter/gen.h"
#include "filter/lex.h"

#define STM(code, k) lcap_stmt_new(cc, (uint16_t)(code), (uint32_t)(k))

/* ---- 802.11 ---- */

typedef struct tok {
    const char *s;
    uint32_t v;
} tok;

static const tok wlan_types[] = { { "mgt", 0x00 }, { "management", 0x00 }, { "ctl", 0x04 }, { "control", 0x04 },
                                  { "data", 0x08 } };
static const tok wlan_mgt[] = {
    { "assoc-req", 0x00 }, { "assocreq", 0x00 }, { "assoc-resp", 0x10 }, { "assocresp", 0x10 },
    { "reassoc-req", 0x20 }, { "reassocreq", 0x20 }, { "reassoc-resp", 0x30 }, { "reassocresp", 0x30 },
    { "probe-req", 0x40 }, { "probereq", 0x40 }, { "probe-resp", 0x50 }, { "proberesp", 0x50 },
    { "beacon", 0x80 }, { "atim", 0x90 }, { "disassoc", 0xa0 }, { "disassociation", 0xa0 },
    { "auth", 0xb0 }, { "authentication", 0xb0 }, { "deauth", 0xc0 }, { "deauthentication", 0xc0 },
};
static const tok wlan_ctl[] = {
    { "bar", 0x80 }, { "ba", 0x90 }, { "ps-poll", 0xa0 }, { "rts", 0xb0 }, { "cts", 0xc0 },
    { "ack", 0xd0 }, { "cf-end", 0xe0 }, { "cf-end-ack", 0xf0 },
};
static const tok wlan_data[] = {
    { "data", 0x00 }, { "data-cf-ack", 0x10 }, { "data-cf-poll", 0x20 }, { "data-cf-ack-poll", 0x30 },
    { "null", 0x40 }, { "cf-ack", 0x50 }, { "cf-poll", 0x60 }, { "cf-ack-poll", 0x70 },
    { "qos-data", 0x80 }, { "qos-data-cf-ack", 0x90 }, { "qos-data-cf-poll", 0xa0 },
    { "qos-data-cf-ack-poll", 0xb0 }, { "qos", 0xc0 }, { "qos-cf-poll", 0xe0 }, { "qos-cf-ack-poll", 0xf0 },
};
static const tok wlan_dirs[] = { { "nods", 0 }, { "tods", 1 }, { "fromds", 2 }, { "dstods", 3 } };

#define NTOK(a) (sizeof(a) / sizeof(a[0]))

static int find_tok(const tok *t, size_t n, const char *s, uint32_t *v)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].s, s) == 0) {
            *v = t[i].v;
            return 1;
        }
    return 0;
}

static int is_wlan(lcap_cc *cc) { return cc->link->ltkind == LT_WLAN; }

lcap_cond *lcap_gen_wlan_data_check(lcap_cc *cc)
{
    return lcap_gen_mcmp(cc, OR_LINKHDR, 0, 1, 0x08, 0x0c);
}

static lcap_cond *gen_wlan(lcap_cc *cc, const lcap_node *n)
{
    uint32_t type = 0, sub = 0;
    if (!is_wlan(cc))
        return lcap_cc_error(cc, n->col, "'%s' is not valid on DLT %s: 802.11 frame tests need 802.11 headers",
                             n->kind == N_WLAN_DIR ? "dir" : n->kind == N_WLAN_TYPE ? "type" : "subtype",
                             cc->link->name);
    switch (n->kind) {
    case N_WLAN_TYPE:
        if (n->has_num) {
            type = n->num;
            if (type & ~0x0cu)
                return lcap_cc_error(cc, n->col, "invalid 802.11 type value %u: the type is 0x0, 0x4, 0x8 or 0xc", type);
        }
        else if (!find_tok(wlan_types, NTOK(wlan_types), n->s, &type))
            return lcap_cc_error(cc, n->col, "unknown 802.11 type name '%s'", n->s);
        if (n->s2 == NULL)
            return lcap_gen_mcmp(cc, OR_LINKHDR, 0, 1, type, 0x0c);
        if (n->has_num2) {
            sub = n->num2;
            if (sub & ~0xf0u)
                return lcap_cc_error(cc, n->col, "invalid 802.11 subtype value %u: subtypes are multiples of 0x10", sub);
        }
        else {
            const tok *t = type == 0x00 ? wlan_mgt : type == 0x04 ? wlan_ctl : type == 0x08 ? wlan_data : NULL;
            size_t nt = type == 0x00 ? NTOK(wlan_mgt) : type == 0x04 ? NTOK(wlan_ctl) : NTOK(wlan_data);
            if (t == NULL || !find_tok(t, nt, n->s2, &sub))
                return lcap_cc_error(cc, n->col, "unknown 802.11 subtype name '%s' for that type", n->s2);
        }
        return lcap_gen_mcmp(cc, OR_LINKHDR, 0, 1, type | sub, 0xfc);
    case N_WLAN_SUBTYPE:
        if (n->has_num)
            return lcap_cc_error(cc, n->col, "a numeric subtype needs its type: 'type T subtype %u'", n->num);
        if (find_tok(wlan_mgt, NTOK(wlan_mgt), n->s, &sub))
            type = 0x00;
        else if (find_tok(wlan_ctl, NTOK(wlan_ctl), n->s, &sub))
            type = 0x04;
        else if (find_tok(wlan_data, NTOK(wlan_data), n->s, &sub))
            type = 0x08;
        else
            return lcap_cc_error(cc, n->col, "unknown 802.11 subtype name '%s'", n->s);
        return lcap_gen_mcmp(cc, OR_LINKHDR, 0, 1, type | sub, 0xfc);
    default: {
        uint32_t d;
        if (n->has_num) {
            d = n->num;
            if (d > 3)
                return lcap_cc_error(cc, n->col, "invalid 802.11 direction %u: 0 to 3", d);
        } else if (!find_tok(wlan_dirs, NTOK(wlan_dirs), n->s, &d))
            return lcap_cc_error(cc, n->col, "unknown 802.11 direction '%s'", n->s);
        return lcap_gen_mcmp(cc, OR_LINKHDR, 1, 1, d, 0x03);
    }
    }
}

/* 802.11 addresses by frame kind: data frames place SA/DA/BSSID by the DS
 * bits, management frames have DA at 4, SA at 10; control frames vary. */
static lcap_cond *wlan_addr(lcap_cc *cc, const uint8_t *mac, uint32_t off)
{
    return lcap_gen_bcmp(cc, OR_LINKHDR, off, 6, mac);
}

static lcap_cond *jset_fc(lcap_cc *cc, uint32_t off, uint32_t bits)
{
    return lcap_cond_jmp(cc, lcap_gen_load(cc, OR_LINKHDR, off, 1), LCAP_BPF_JSET, bits);
}

/* addr2: in every frame but CTS and ACK, the control frames without one */
static lcap_cond *wlan_addr2(lcap_cc *cc, const uint8_t *mac)
{
    lcap_cond *cts_ack = lcap_or(lcap_gen_mcmp(cc, OR_LINKHDR, 0, 1, 0xc0, 0xf0), lcap_gen_mcmp(cc, OR_LINKHDR, 0, 1, 0xd0, 0xf0));
    lcap_cond *none = lcap_and(lcap_gen_mcmp(cc, OR_LINKHDR, 0, 1, 0x04, 0x0c), cts_ack);
    return lcap_and(lcap_not(none), wlan_addr(cc, mac, 10));
}

lcap_cond *lcap_gen_wlan_host(lcap_cc *cc, const uint8_t *mac, int dir, int col)
{
    /* libpcap's shape, so that the optimizer shares the frame-control tests of the
     * src and dst halves: control frames never match (no SA/DA here), management
     * frames carry SA at 10 and DA at 4, data frames place them by the DS bits. */
    switch (dir) {
    case Q_SRC: {
        /* data frames: SA is addr2 (nods, tods), addr3 (fromds), addr4 (dstods) */
        lcap_cond *ds = lcap_or(lcap_and(jset_fc(cc, 1, 0x01), wlan_addr(cc, mac, 24)),
                                lcap_and(lcap_not(jset_fc(cc, 1, 0x01)), wlan_addr(cc, mac, 16)));
        lcap_cond *data = lcap_or(lcap_and(lcap_not(jset_fc(cc, 1, 0x02)), wlan_addr(cc, mac, 10)),
                                  lcap_and(jset_fc(cc, 1, 0x02), ds));
        lcap_cond *any = lcap_or(lcap_and(lcap_not(jset_fc(cc, 0, 0x08)), wlan_addr(cc, mac, 10)),
                                 lcap_and(jset_fc(cc, 0, 0x08), data));
        return lcap_and(lcap_not(jset_fc(cc, 0, 0x04)), any);
    }
    case Q_DST: {
        /* data frames: DA is addr1 (nods, fromds), addr3 (tods, dstods) */
        lcap_cond *data = lcap_or(lcap_and(lcap_not(jset_fc(cc, 1, 0x01)), wlan_addr(cc, mac, 4)),
                                  lcap_and(jset_fc(cc, 1, 0x01), wlan_addr(cc, mac, 16)));
        lcap_cond *any = lcap_or(lcap_and(lcap_not(jset_fc(cc, 0, 0x08)), wlan_addr(cc, mac, 4)),
                                 lcap_and(jset_fc(cc, 0, 0x08), data));
        return lcap_and(lcap_not(jset_fc(cc, 0, 0x04)), any);
    }
    case Q_AND:
        return lcap_and(lcap_gen_wlan_host(cc, mac, Q_SRC, col), lcap_gen_wlan_host(cc, mac, Q_DST, col));
    case Q_DEFAULT:
    case Q_OR:
        return lcap_or(lcap_gen_wlan_host(cc, mac, Q_SRC, col), lcap_gen_wlan_host(cc, mac, Q_DST, col));
    case Q_ADDR1: return wlan_addr(cc, mac, 4);
    case Q_ADDR2: return wlan_addr2(cc, mac);
    case Q_ADDR3: return lcap_and(lcap_not(lcap_gen_mcmp(cc, OR_LINKHDR, 0, 1, 0x04, 0x0c)), wlan_addr(cc, mac, 16));
    case Q_ADDR4: return lcap_and(lcap_gen_mcmp(cc, OR_LINKHDR, 1, 1, 0x03, 0x03), wlan_addr(cc, mac, 24));
    /* ra and ta: libpcap's rules, on frames with the data bit only */
    case Q_RA: return lcap_and(jset_fc(cc, 0, 0x08), wlan_addr(cc, mac, 4));
    default: /* Q_TA */
        return lcap_and(jset_fc(cc, 0, 0x08), wlan_addr2(cc, mac));
    }
}

lcap_cond *lcap_gen_wlan_multicast(lcap_cc *cc)
{
    /* the destination's group bit: not on control frames; addr3 on data frames to
     * the DS, addr1 otherwise */
    lcap_cond *tods = lcap_and(jset_fc(cc, 1, 0x01), jset_fc(cc, 16, 0x01));
    lcap_cond *data = lcap_and(jset_fc(cc, 0, 0x08), lcap_or(tods, lcap_and(lcap_not(jset_fc(cc, 1, 0x01)), jset_fc(cc, 4, 0x01))));
    lcap_cond *mgmt = lcap_and(lcap_not(jset_fc(cc, 0, 0x08)), jset_fc(cc, 4, 0x01));
    return lcap_and(lcap_not(jset_fc(cc, 0, 0x04)), lcap_or(data, mgmt));
}

/* ---- LLC ---- */

static lcap_cond *gen_llc_present(lcap_cc *cc, int col)
{
    /* the link type in force: Ethernet after geneve, PPP after pppoes */
    int lt = cc->linktype;
    switch (lt == 1 || lt == 281 || lt == 284 ? LT_ETHER : lcap_cur_link(cc)->ltkind) {
    case LT_ETHER:
        if (lt != 1 && lt != 281 && lt != 284)
            break;
        /* an 802.3 length and not Novell's raw 0xffff */
        return lcap_and(lcap_not(lcap_gen_cmp_gt(cc, OR_LINKTYPE, 0, 2, ETHERMTU)),
                        lcap_not(lcap_gen_cmp(cc, OR_LLC, 0, 2, 0xffff)));
    case LT_LLC:
        if (lt == 6 || lt == 10 || lt == 11)
            return lcap_cond_true(cc);
        break;
    case LT_WLAN:
        return lcap_gen_wlan_data_check(cc);
    case LT_SUNATM:
        if (!cc->is_lane)
            return lcap_gen_mcmp(cc, OR_PACKET, 0, 1, 2, 0x0f);
        break;
    default:
        break;
    }
    return lcap_cc_error(cc, col, "'llc' is not supported on DLT %s", lcap_cur_link(cc)->name);
}

static lcap_cond *gen_llc(lcap_cc *cc, const lcap_node *n)
{
    static const tok s_sub[] = { { "rr", 0x01 }, { "rnr", 0x05 }, { "rej", 0x09 } };
    static const tok u_sub[] = { { "ui", 0x03 }, { "ua", 0x63 }, { "disc", 0x43 }, { "dm", 0x0f },
                                 { "sabme", 0x6f }, { "test", 0xe3 }, { "xid", 0xaf }, { "frmr", 0x87 } };
    lcap_cond *b = gen_llc_present(cc, n->col);
    uint32_t v;
    if (b == NULL || n->s == NULL)
        return b;
    if (strcmp(n->s, "i") == 0)
        return lcap_and(b, lcap_not(lcap_cond_jmp(cc, lcap_gen_load(cc, OR_LLC, 2, 1), LCAP_BPF_JSET, 0x01)));
    if (strcmp(n->s, "s") == 0)
        return lcap_and(b, lcap_gen_mcmp(cc, OR_LLC, 2, 1, 0x01, 0x03));
    if (strcmp(n->s, "u") == 0)
        return lcap_and(b, lcap_gen_mcmp(cc, OR_LLC, 2, 1, 0x03, 0x03));
    if (find_tok(s_sub, NTOK(s_sub), n->s, &v))
        return lcap_and(b, lcap_gen_mcmp(cc, OR_LLC, 2, 1, v, 0x0f));
    if (find_tok(u_sub, NTOK(u_sub), n->s, &v))
        return lcap_and(b, lcap_gen_mcmp(cc, OR_LLC, 2, 1, v, 0xef));
    return lcap_cc_error(cc, n->col, "unknown 802.2 LLC subtype '%s'", n->s);
}

/* ---- DECnet ---- */

static uint32_t swap16(uint32_t v) { return (v & 0xff) << 8 | (v >> 8 & 0xff); }

/* flags (1 or 2 bytes at payload offset 2, masked) and an address at aoff: one 32-bit
 * compare when both lie in the 4 bytes from 2, as libpcap master does (so a packet
 * shorter than those 4 bytes fails as its program does). */
static lcap_cond *dn_flags_addr(lcap_cc *cc, uint32_t fsize, uint32_t flags, uint32_t fmask, uint32_t aoff, uint32_t a)
{
    if (aoff + 2 > 2 + 4)
        return lcap_and(lcap_gen_mcmp(cc, OR_LINKPL, 2, fsize, flags, fmask), lcap_gen_cmp(cc, OR_LINKPL, aoff, 2, a));
    uint32_t fshift = 8 * (4 - fsize), ashift = 8 * (2 + 4 - aoff - 2);
    return lcap_gen_mcmp(cc, OR_LINKPL, 2, 4, flags << fshift | a << ashift, fmask << fshift | 0xffffu << ashift);
}

static lcap_cond *dnhostop(lcap_cc *cc, uint32_t addr, int dir)
{
    uint32_t sh = dir == Q_DST ? 1 : 3, lh = dir == Q_DST ? 7 : 15, a = swap16(addr);
    lcap_cond *b1 = dn_flags_addr(cc, 2, 0x8106, 0xff07, 3 + lh, a);
    b1 = lcap_or(dn_flags_addr(cc, 1, 0x06, 0x07, 2 + lh, a), b1);
    b1 = lcap_or(dn_flags_addr(cc, 2, 0x8102, 0xff07, 3 + sh, a), b1);
    b1 = lcap_or(dn_flags_addr(cc, 1, 0x02, 0x07, 2 + sh, a), b1);
    return lcap_and(lcap_gen_linktype(cc, ETHERTYPE_DN), b1);
}

lcap_cond *lcap_gen_dnhost(lcap_cc *cc, uint32_t addr, int dir, int col)
{
    switch (dir) {
    case Q_SRC:
    case Q_DST:
        return dnhostop(cc, addr, dir);
    case Q_AND:
        return lcap_and(dnhostop(cc, addr, Q_SRC), dnhostop(cc, addr, Q_DST));
    case Q_DEFAULT:
    case Q_OR:
        return lcap_or(dnhostop(cc, addr, Q_SRC), dnhostop(cc, addr, Q_DST));
    default:
        return lcap_cc_error(cc, col, "'addr1'..'addr4', 'ra' and 'ta' are not valid for DECnet addresses");
    }
}

/* ---- SS7 ---- */

/* the link types libpcap gives SS7 field offsets: MTP2, MTP2_WITH_PHDR, ERF */
static int is_mtp(lcap_cc *cc) { return cc->dlt == 139 || cc->dlt == 140 || cc->dlt == 197; }

static const struct {
    uint16_t jop;
    int reverse;
} relops[] = {
    [R_EQ] = { LCAP_BPF_JEQ, 0 }, [R_NE] = { LCAP_BPF_JEQ, 1 }, [R_LT] = { LCAP_BPF_JGE, 1 },
    [R_LE] = { LCAP_BPF_JGT, 1 }, [R_GT] = { LCAP_BPF_JGT, 0 }, [R_GE] = { LCAP_BPF_JGE, 0 },
};

static lcap_cond *gen_mtp2(lcap_cc *cc, const lcap_node *n)
{
    const char *name = n->op == T_FISU ? "fisu" : n->op == T_LSSU ? "lssu" : n->op == T_MSU ? "msu" :
                       n->op == T_HFISU ? "hfisu" : n->op == T_HLSSU ? "hlssu" : "hmsu";
    if (!is_mtp(cc))
        return lcap_cc_error(cc, n->col, "'%s' is valid only on MTP2 link types (and ERF), not DLT %s", name,
                             cc->link->name);
    uint32_t li = cc->off_li, hsl = cc->off_li_hsl;
    switch (n->op) {
    case T_FISU: return lcap_gen_ncmp(cc, OR_PACKET, li, 1, 0x3f, LCAP_BPF_JEQ, 0, 0);
    case T_LSSU:
        return lcap_and(lcap_gen_ncmp(cc, OR_PACKET, li, 1, 0x3f, LCAP_BPF_JGT, 0, 0),
                        lcap_gen_ncmp(cc, OR_PACKET, li, 1, 0x3f, LCAP_BPF_JGT, 1, 2));
    case T_MSU: return lcap_gen_ncmp(cc, OR_PACKET, li, 1, 0x3f, LCAP_BPF_JGT, 0, 2);
    case T_HFISU: return lcap_gen_ncmp(cc, OR_PACKET, hsl, 2, 0xff80, LCAP_BPF_JEQ, 0, 0);
    case T_HLSSU:
        return lcap_and(lcap_gen_ncmp(cc, OR_PACKET, hsl, 2, 0xff80, LCAP_BPF_JGT, 0, 0),
                        lcap_gen_ncmp(cc, OR_PACKET, hsl, 2, 0xff80, LCAP_BPF_JGT, 1, 0x0100));
    default: return lcap_gen_ncmp(cc, OR_PACKET, hsl, 2, 0xff80, LCAP_BPF_JGT, 0, 0x0100);
    }
}

static lcap_cond *gen_mtp3(lcap_cc *cc, const lcap_node *n)
{
    int h = n->op == T_HSIO || n->op == T_HOPC || n->op == T_HDPC || n->op == T_HSLS;
    int f = h ? n->op - (T_HSIO - T_SIO) : n->op;
    const char *names[] = { "sio", "opc", "dpc", "sls" };
    const char *name = names[f - T_SIO];
    uint32_t v = n->num, add = h ? 3 : 0;
    uint16_t jop = relops[n->rel].jop;
    int rev = relops[n->rel].reverse;
    if (!is_mtp(cc))
        return lcap_cc_error(cc, n->col, "'%s%s' is valid only on SS7 link types, not DLT %s", h ? "h" : "", name,
                             cc->link->name);
    switch (f) {
    case T_SIO:
        if (v > 255)
            return lcap_cc_error(cc, n->col, "%ssio %u greater than maximum 255", h ? "h" : "", v);
        return lcap_gen_ncmp(cc, OR_PACKET, cc->off_sio + add, 1, 0xffffffffu, jop, rev, v);
    case T_OPC:
        if (v > 16383)
            return lcap_cc_error(cc, n->col, "%sopc %u greater than maximum 16383", h ? "h" : "", v);
        v = ((v & 0x3c00) >> 10) + ((v & 0x3fc) << 6) + ((v & 0x3) << 22);
        return lcap_gen_ncmp(cc, OR_PACKET, cc->off_opc + add, 4, 0x00c0ff0f, jop, rev, v);
    case T_DPC:
        if (v > 16383)
            return lcap_cc_error(cc, n->col, "%sdpc %u greater than maximum 16383", h ? "h" : "", v);
        v = ((v & 0xff) << 8) + ((v & 0x3f00) >> 8);
        return lcap_gen_ncmp(cc, OR_PACKET, cc->off_dpc + add, 2, 0x0000ff3f, jop, rev, v);
    default:
        if (v > 15)
            return lcap_cc_error(cc, n->col, "%ssls %u greater than maximum 15", h ? "h" : "", v);
        return lcap_gen_ncmp(cc, OR_PACKET, cc->off_sls + add, 1, 0xf0, jop, rev, v << 4);
    }
}

/* ---- pflog ---- */

static lcap_cond *gen_pflog(lcap_cc *cc, const lcap_node *n)
{
    static const tok reasons[] = { { "match", 0 }, { "bad-offset", 1 }, { "fragment", 2 }, { "short", 3 },
                                   { "normalize", 4 }, { "memory", 5 }, { "bad-timestamp", 6 }, { "congestion", 7 },
                                   { "ip-option", 8 }, { "proto-cksum", 9 }, { "state-mismatch", 10 },
                                   { "state-insert", 11 }, { "state-limit", 12 }, { "src-limit", 13 },
                                   { "synproxy", 14 }, { "map-failed", 15 }, { "state-locked", 15 },
                                   { "translate", 15 }, { "dummynet", 15 }, { "no-route", 16 } };
    static const tok actions[] = { { "pass", 0 }, { "accept", 0 }, { "block", 1 }, { "drop", 1 }, { "scrub", 2 },
                                   { "noscrub", 3 }, { "nat", 4 }, { "nonat", 5 }, { "binat", 6 }, { "nobinat", 7 },
                                   { "rdr", 8 }, { "nordr", 9 }, { "synproxy-drop", 10 }, { "defer", 11 },
                                   { "dummynet", 11 }, { "match", 12 }, { "nodummynet", 12 }, { "divert", 13 },
                                   { "nat64", 13 }, { "rt", 14 }, { "nonat64", 14 }, { "afrt", 15 } };
    if (cc->dlt != 117)
        return lcap_cc_error(cc, n->col, "pflog keywords are valid only on DLT PFLOG, not DLT %s", cc->link->name);
    uint32_t v;
    size_t len;
    switch (n->kind) {
    case N_PF_IFNAME:
    case N_PF_RSET: {
        uint8_t buf[16] = { 0 };
        len = strlen(n->s);
        if (len >= 16)
            return lcap_cc_error(cc, n->vcol, "%s name \"%s\" too long", n->kind == N_PF_IFNAME ? "interface" : "ruleset",
                                 n->s);
        memcpy(buf, n->s, len);
        /* the name's bytes without its NUL, as libpcap compares (4 at a time) */
        if (len == 0)
            return lcap_cond_true(cc);
        return lcap_gen_bcmp(cc, OR_LINKHDR, n->kind == N_PF_IFNAME ? 4 : 20, (uint32_t)len, buf);
    }
    case N_PF_RNR:
        return lcap_gen_cmp(cc, OR_LINKHDR, 36, 4, n->num);
    case N_PF_SRNR:
        return lcap_gen_cmp(cc, OR_LINKHDR, 40, 4, n->num);
    case N_PF_REASON:
        if (n->has_num)
            v = n->num;
        else if (!find_tok(reasons, NTOK(reasons), n->s, &v))
            return lcap_cc_error(cc, n->vcol, "unknown PF reason \"%s\"", n->s);
        return lcap_gen_cmp(cc, OR_LINKHDR, 3, 1, v);
    default:
        if (!find_tok(actions, NTOK(actions), n->s, &v))
            return lcap_cc_error(cc, n->vcol, "unknown PF action \"%s\"", n->s);
        return lcap_gen_cmp(cc, OR_LINKHDR, 2, 1, v);
    }
}

/* ---- SunATM ---- */

static lcap_cond *vpi_vci(lcap_cc *cc, uint32_t vpi, uint32_t vci)
{
    return lcap_and(lcap_gen_cmp(cc, OR_PACKET, 1, 1, vpi), lcap_gen_cmp(cc, OR_PACKET, 2, 2, vci));
}

static lcap_cond *msg_types(lcap_cc *cc, const uint8_t *t, size_t n)
{
    lcap_cond *b = NULL;
    for (size_t i = 0; i < n; i++) {
        lcap_cond *c = lcap_gen_cmp(cc, OR_PACKET, 9, 1, t[i]);
        b = b == NULL ? c : lcap_or(c, b);
    }
    return b;
}

static lcap_cond *gen_atm(lcap_cc *cc, const lcap_node *n)
{
    if (cc->dlt != 123)
        return lcap_cc_error(cc, n->col, "ATM keywords are valid only on DLT SUNATM, not DLT %s", cc->link->name);
    if (n->kind == N_ATM_FIELD) {
        int vpi = n->op == T_VPI;
        if (n->num > (vpi ? 255u : 65535u))
            return lcap_cc_error(cc, n->col, "%s %u greater than maximum %u", vpi ? "VPI" : "VCI", n->num, vpi ? 255 : 65535);
        return lcap_gen_ncmp(cc, OR_PACKET, vpi ? 1 : 2, vpi ? 1 : 2, 0xffffffffu, relops[n->rel].jop,
                             relops[n->rel].reverse, n->num);
    }
    static const uint8_t connect[] = { 0x02, 0x05, 0x07, 0x0f, 0x4d, 0x5a };
    static const uint8_t metaconnect[] = { 0x02, 0x05, 0x07, 0x4d, 0x5a };
    switch (n->op) {
    case T_METAC: return vpi_vci(cc, 0, 1);
    case T_BCC: return vpi_vci(cc, 0, 2);
    case T_OAMF4SC: return vpi_vci(cc, 0, 3);
    case T_OAMF4EC: return vpi_vci(cc, 0, 4);
    case T_SC: return vpi_vci(cc, 0, 5);
    case T_ILMIC: return vpi_vci(cc, 0, 16);
    case T_OAM:
    case T_OAMF4:
        return lcap_and(lcap_gen_cmp(cc, OR_PACKET, 1, 1, 0),
                        lcap_or(lcap_gen_cmp(cc, OR_PACKET, 2, 2, 3), lcap_gen_cmp(cc, OR_PACKET, 2, 2, 4)));
    case T_CONNECTMSG:
        return lcap_and(vpi_vci(cc, 0, 5), msg_types(cc, connect, sizeof(connect)));
    case T_METACONNECT:
        return lcap_and(vpi_vci(cc, 0, 1), msg_types(cc, metaconnect, sizeof(metaconnect)));
    default: { /* lane: what follows is Ethernet after the 2-byte LE header */
        lcap_cond *b = lcap_gen_mcmp(cc, OR_PACKET, 0, 1, 1, 0x0f);
        cc->is_lane = 1;
        cc->linktype = 1;
        cc->off_linkhdr = (lcap_off){ 6, 0, -1 };
        cc->off_linktype = (lcap_off){ 18, 0, -1 };
        cc->off_linkpl = (lcap_off){ 20, 0, -1 };
        cc->off_nl = 0;
        cc->off_nl_nosnap = 3;
        return b;
    }
    }
}

lcap_cond *lcap_gen_misc(lcap_cc *cc, const lcap_node *n)
{
    switch (n->kind) {
    case N_WLAN_TYPE:
    case N_WLAN_SUBTYPE:
    case N_WLAN_DIR:
        return gen_wlan(cc, n);
    case N_LLC:
        return gen_llc(cc, n);
    case N_MTP2:
        return gen_mtp2(cc, n);
    case N_MTP3_FIELD:
        return gen_mtp3(cc, n);
    case N_PF_IFNAME:
    case N_PF_RSET:
    case N_PF_RNR:
    case N_PF_SRNR:
    case N_PF_REASON:
    case N_PF_ACTION:
        return gen_pflog(cc, n);
    case N_IFINDEX:
        if (cc->dlt != 276)
            return lcap_cc_error(cc, n->col, "'ifindex' is valid only on DLT LINUX_SLL2, not DLT %s", cc->link->name);
        return lcap_gen_cmp(cc, OR_LINKHDR, 4, 4, n->num);
    case N_ATM:
    case N_ATM_FIELD:
        return gen_atm(cc, n);
    default:
        return lcap_cc_error(cc, n->col, "this primitive is not supported");
    }
}

/* ---- protochain: a forward-only walk of the header chain ---- */

/* How deep the walk goes. libpcap loops with a backward jump, which BSD
 * kernels refuse; this walk is unrolled, one copy per header, and a packet
 * with more extension and AH headers before the protocol than the copies
 * does not match. A copy costs PC_COST instructions; the walks of one
 * expression share PC_BUDGET of them, each getting PC_MAX copies while the
 * budget lasts and never fewer than PC_MIN, so the program stays within the
 * 4,096 instructions userland runs (it is too long for a BSD kernel's 512,
 * as libpcap's looping one is refused there: it runs in userland). */
#define PC_MAX 128
#define PC_MIN 8
#define PC_BUDGET 3000
#define PC_COST(v6) ((v6) ? 22 : 10) /* with the trampolines of far branches */

static int protochain_depth(lcap_cc *cc, int v6)
{
    int left = PC_BUDGET - cc->protochain_spent;
    int d = left / PC_COST(v6);
    d = d > PC_MAX ? PC_MAX : d < PC_MIN ? PC_MIN : d;
    cc->protochain_spent += d * PC_COST(v6);
    return d;
}

static lcap_cond *protochain_family(lcap_cc *cc, uint32_t v, int v6)
{
    uint32_t nl, reg;
    int var;
    if (lcap_gen_offset(cc, OR_LINKPL, &nl, &var) < 0)
        return NULL;
    if (var >= 0)
        return lcap_cc_error(cc, 0, "'protochain' is not supported with variable-length link-layer headers");
    int r = lcap_cc_alloc_reg(cc);
    if (r < 0)
        return NULL;
    reg = (uint32_t)r;
    int depth = protochain_depth(cc, v6);
    lcap_block **T = lcap_cc_alloc(cc, (size_t)(depth + 1) * sizeof(*T));
    if (T == NULL)
        return NULL;
    for (int i = 0; i <= depth; i++)
        if ((T[i] = lcap_block_new(cc, NULL, LCAP_BPF_JEQ, v)) == NULL)
            return NULL;
    /* A = the first next-protocol field, X = the first header's offset */
    T[0]->stmts = lcap_stmt_cat(STM(LCAP_BPF_LD | LCAP_BPF_ABS | LCAP_BPF_B, nl + (v6 ? 6 : 9)),
                                v6 ? STM(LCAP_BPF_LDX | LCAP_BPF_IMM, 40) : STM(LCAP_BPF_LDX | LCAP_BPF_MSH | LCAP_BPF_B, nl));
    lcap_cond *c = lcap_cond_from(cc, T[0]);
    static const uint32_t ext[] = { IPPROTO_HOPOPTS_, IPPROTO_DSTOPTS_, IPPROTO_ROUTING_, IPPROTO_FRAGMENT_ };
    for (int i = 0; i < depth; i++) {
        lcap_cond_add_exit(cc, c, &T[i]->jt, 1);
        /* an extension header: X += (length + 1) * 8, A = its next header
         * (the new X waits in a scratch word while the old one reads it) */
        lcap_stmt *se = STM(LCAP_BPF_LD | LCAP_BPF_IND | LCAP_BPF_B, nl + 1);
        lcap_stmt_cat(se, STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, 1));
        lcap_stmt_cat(se, STM(LCAP_BPF_ALU | LCAP_BPF_LSH | LCAP_BPF_K, 3));
        lcap_stmt_cat(se, STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_X, 0));
        lcap_stmt_cat(se, STM(LCAP_BPF_ST, reg));
        lcap_stmt_cat(se, STM(LCAP_BPF_LD | LCAP_BPF_IND | LCAP_BPF_B, nl));
        lcap_stmt_cat(se, STM(LCAP_BPF_LDX | LCAP_BPF_MEM, reg));
        /* AH: X = (length + 2) * 4, not added to the old X: libpcap master
         * does so (accept.jsonl ip_protochain, ip6_protochain: "ldb [x + 0],
         * st, txa, add #1, tax, ldb [x + 0], add #2, mul #4, tax"; issue
         * 1521 shows the same in master's tcpdump -d), and its results are
         * the ones to give */
        lcap_stmt *sa = STM(LCAP_BPF_LD | LCAP_BPF_IND | LCAP_BPF_B, nl + 1);
        lcap_stmt_cat(sa, STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, 2));
        lcap_stmt_cat(sa, STM(LCAP_BPF_ALU | LCAP_BPF_LSH | LCAP_BPF_K, 2));
        lcap_stmt_cat(sa, STM(LCAP_BPF_ST, reg));
        lcap_stmt_cat(sa, STM(LCAP_BPF_LD | LCAP_BPF_IND | LCAP_BPF_B, nl));
        lcap_stmt_cat(sa, STM(LCAP_BPF_LDX | LCAP_BPF_MEM, reg));
        lcap_block *E = lcap_block_new(cc, se, LCAP_BPF_JA, 0), *AH = lcap_block_new(cc, sa, LCAP_BPF_JA, 0);
        lcap_block *cah = lcap_block_new(cc, NULL, LCAP_BPF_JEQ, IPPROTO_AH_);
        if (E == NULL || AH == NULL || cah == NULL)
            return NULL;
        E->jt = E->jf = T[i + 1];
        AH->jt = AH->jf = T[i + 1];
        cah->jt = AH;
        lcap_cond_add_exit(cc, c, &cah->jf, 0);
        lcap_block *next = cah;
        if (v6) {
            for (int k = 3; k >= 0; k--) {
                lcap_block *x = lcap_block_new(cc, NULL, LCAP_BPF_JEQ, ext[k]);
                if (x == NULL)
                    return NULL;
                x->jt = E;
                x->jf = next;
                next = x;
            }
        }
        T[i]->jf = next;
    }
    lcap_cond_add_exit(cc, c, &T[depth]->jt, 1);
    lcap_cond_add_exit(cc, c, &T[depth]->jf, 0);
    lcap_cc_free_reg(cc, r);
    return lcap_and(lcap_gen_linktype(cc, v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP), c);
}

lcap_cond *lcap_gen_protochain(lcap_cc *cc, uint32_t v, int proto, int col)
{
    if (v > 255)
        return lcap_cc_error(cc, col, "protocol %u greater than maximum 255", v);
    cc->libpcap_noopt = 1;
    switch (proto) {
    case Q_DEFAULT:
    {   /* the IPv6 walk first: it gets the budget before the IPv4 one (AH alone) */
        lcap_cond *b6 = protochain_family(cc, v, 1);
        return lcap_or(protochain_family(cc, v, 0), b6);
    }
    case Q_IP:
        return protochain_family(cc, v, 0);
    case Q_IPV6:
        return protochain_family(cc, v, 1);
    default:
        return lcap_cc_error(cc, col, "'protochain' needs 'ip' or 'ip6' before it");
    }
}
