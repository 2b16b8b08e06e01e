/* gen_tunnel.c - vlan, mpls, pppoed/pppoes, geneve and vxlan: tests that also move the
 * offsets of everything after them (across "or" and parentheses), as libpcap does. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "bpf/opnames.h"
#include "filter/gen.h"

#define STM(code, k) lcap_stmt_new(cc, (uint16_t)(code), (uint32_t)(k))
/* ldb of the Linux ancillary word at offset (libpcap 1.10.3 loads both so). */
#define ANC_LOAD(offset) STM(LCAP_BPF_LD | LCAP_BPF_ABS | LCAP_BPF_B, LCAP_BPF_ANC_BASE + (offset))

static int vlan_link(lcap_cc *cc)
{
    int k = lcap_linkinfo_find(cc->linktype) != NULL ? lcap_linkinfo_find(cc->linktype)->ltkind : LT_NONE;
    return (k == LT_ETHER || k == LT_WLAN) && cc->linktype != 192;
}

/* Makes offset o variable (its scratch word in *slot, shared as
 * lcap_gen_offset shares it) and returns the statements adding 4 to it. */
static lcap_stmt *vlan_shift(lcap_cc *cc, lcap_off *o, int *slot)
{
    if (o->reg < 0) {
        if (*slot < 0 && (*slot = lcap_cc_alloc_reg(cc)) < 0)
            return NULL;
        o->reg = *slot;
    }
    o->var = 1;
    lcap_stmt *s = STM(LCAP_BPF_LD | LCAP_BPF_MEM, o->reg);
    lcap_stmt_cat(s, STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, 4));
    return lcap_stmt_cat(s, STM(LCAP_BPF_ST, o->reg));
}

/* The outer `vlan` of a live Linux capture, as libpcap compiles it there:
 * the kernel has taken the tag out, so the tag is there (its metadata) or
 * in the packet (a second one, or a capture that kept it). In the packet
 * the offsets of what follows move by 4, at run time: they become variable
 * (0 from the start, plus 4 when the packet holds the tag), their constant
 * parts staying as they are. */
static lcap_cond *linux_vlan(lcap_cc *cc, lcap_cond *tpid, const lcap_node *n)
{
    lcap_stmt *vid_load = n->has_num ? lcap_gen_load(cc, OR_LINKPL, 0, 2) : NULL;
    /* The payload's scratch word first, as libpcap allocates them. */
    lcap_stmt *shift = vlan_shift(cc, &cc->off_linkpl, &cc->vlpl_reg);
    shift = lcap_stmt_cat(shift, vlan_shift(cc, &cc->off_linktype, &cc->vlhdr_reg));
    if (cc->error || tpid == NULL || shift == NULL)
        return NULL;
    cc->vloff_needed = cc->vlan_vloffset = 1;
    lcap_cond_prepend(tpid, shift);
    lcap_cond *b = lcap_or(lcap_cond_jmp(cc, ANC_LOAD(LCAP_BPF_ANC_VLAN_TAG_PRESENT), LCAP_BPF_JEQ, 1), tpid);
    if (!n->has_num)
        return b;
    /* The ID from the metadata or from the packet, then one test of it. */
    lcap_cond *vid = lcap_cond_jmp(cc, STM(LCAP_BPF_ALU | LCAP_BPF_AND | LCAP_BPF_K, 0x0fff), LCAP_BPF_JEQ, n->num);
    lcap_block *meta = lcap_block_new(cc, ANC_LOAD(LCAP_BPF_ANC_VLAN_TAG), LCAP_BPF_JA, 0);
    lcap_block *pkt = lcap_block_new(cc, vid_load, LCAP_BPF_JA, 0);
    if (vid == NULL || meta == NULL || pkt == NULL)
        return NULL;
    meta->jt = meta->jf = pkt->jt = pkt->jf = vid->head;
    lcap_cond *present = lcap_cond_jmp(cc, ANC_LOAD(LCAP_BPF_ANC_VLAN_TAG_PRESENT), LCAP_BPF_JEQ, 1);
    return lcap_and(b, lcap_then(present, meta, pkt, vid));
}

lcap_cond *lcap_gen_vlan(lcap_cc *cc, const lcap_node *n)
{
    if (cc->label_depth > 0)
        return lcap_cc_error(cc, n->col, "no VLAN match after MPLS");
    if (!vlan_link(cc))
        return lcap_cc_error(cc, n->col, "'vlan' is not valid on DLT %s", cc->link->name);
    if (n->has_num && n->num > 4095)
        return lcap_cc_error(cc, n->col, "VLAN tag %u greater than maximum 4095", n->num);
    lcap_cond *b = lcap_or(lcap_or(lcap_gen_linktype(cc, ETHERTYPE_8021Q), lcap_gen_linktype(cc, ETHERTYPE_8021AD)),
                           lcap_gen_linktype(cc, ETHERTYPE_8021QINQ));
    /* Only the outermost tag, on an Ethernet header where the capture starts
     * (libpcap's rule: EN10MB and the netANALYZER types). */
    if (cc->linux_vlan && cc->vlan_depth == 0 && cc->linktype == cc->dlt && !cc->off_linkhdr.var &&
        (cc->dlt == 1 || cc->dlt == 240 || cc->dlt == 241)) {
        cc->vlan_depth++;
        return linux_vlan(cc, b, n);
    }
    if (n->has_num)
        b = lcap_and(b, lcap_gen_mcmp(cc, OR_LINKPL, 0, 2, n->num, 0x0fff));
    /* what follows is inside the tag */
    cc->off_linkpl.k += 4;
    if (cc->off_linktype.k != LCAP_OFF_NONE)
        cc->off_linktype.k += 4;
    cc->vlan_depth++;
    return b;
}

lcap_cond *lcap_gen_mpls(lcap_cc *cc, const lcap_node *n)
{
    lcap_cond *b;
    if (cc->label_depth > 0) {
        b = lcap_gen_mcmp(cc, OR_PREVMPLSHDR, 2, 1, 0, 0x01); /* not the bottom of the stack */
    } else {
        switch (cc->linktype) {
        case 1: case 104: case 240: case 241: case 281: case 282: case 284: case 285:
            b = lcap_gen_linktype(cc, ETHERTYPE_MPLS);
            break;
        case 9:
            b = lcap_gen_linktype(cc, 0x0281);
            break;
        default:
            return lcap_cc_error(cc, n->col, "'mpls' is not valid on DLT %s", cc->link->name);
        }
    }
    if (n->has_num) {
        if (n->num > 0xfffff)
            return lcap_cc_error(cc, n->col, "MPLS label %u greater than maximum %u", n->num, 0xfffff);
        b = lcap_and(b, lcap_gen_mcmp(cc, OR_LINKPL, 0, 4, n->num << 12, 0xfffff000));
    }
    cc->off_nl_nosnap += 4;
    cc->off_nl += 4;
    cc->label_depth++;
    return b;
}

lcap_cond *lcap_gen_pppoed(lcap_cc *cc, const lcap_node *n)
{
    (void)n;
    return lcap_gen_linktype(cc, ETHERTYPE_PPPOED);
}

lcap_cond *lcap_gen_pppoes(lcap_cc *cc, const lcap_node *n)
{
    lcap_cond *b = lcap_gen_linktype(cc, ETHERTYPE_PPPOES);
    if (n->has_num) {
        if (n->num > 0xffff)
            return lcap_cc_error(cc, n->col, "PPPoE session number %u greater than maximum %u", n->num, 0xffff);
        b = lcap_and(b, lcap_gen_mcmp(cc, OR_LINKPL, 2, 2, n->num, 0xffff));
    }
    /* the rest is PPP: its protocol field 6 bytes into the PPPoE header */
    cc->prevlinktype = cc->linktype;
    cc->off_prevlinkhdr = cc->off_linkhdr;
    cc->linktype = 9;
    cc->off_linkhdr = (lcap_off){ cc->off_linkpl.k + cc->off_nl + 6, cc->off_linkpl.var, cc->off_linkpl.reg };
    cc->off_linktype = cc->off_linkhdr;
    cc->off_linkpl.k = cc->off_linkhdr.k + 2;
    cc->off_nl = 0;
    cc->off_nl_nosnap = 0;
    return b;
}

/* Both tunnel checks end with A = X = the IP header length: 4*IHL or 40. */
static lcap_cond *iphl_v4(lcap_cc *cc)
{
    lcap_stmt *s = lcap_stmt_cat(lcap_gen_loadx_iphdrlen(cc), STM(LCAP_BPF_MISC | LCAP_BPF_TXA, 0));
    return lcap_cond_jmp(cc, s, LCAP_BPF_JEQ | LCAP_BPF_X, 0);
}

static lcap_cond *iphl_v6(lcap_cc *cc)
{
    lcap_stmt *s;
    if (cc->off_linkpl.var) { /* the variable part of the payload offset, plus 40 */
        uint32_t k;
        int reg;
        if (lcap_gen_offset(cc, OR_LINKPL, &k, &reg) < 0)
            return NULL;
        s = lcap_stmt_cat(STM(LCAP_BPF_LD | LCAP_BPF_MEM, reg), STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, 40));
    } else {
        s = STM(LCAP_BPF_LD | LCAP_BPF_IMM, 40);
    }
    s = lcap_stmt_cat(s, STM(LCAP_BPF_MISC | LCAP_BPF_TAX, 0));
    return lcap_cond_jmp(cc, s, LCAP_BPF_JEQ | LCAP_BPF_X, 0);
}

static int new_var(lcap_cc *cc, lcap_off *o)
{
    int r = lcap_cc_alloc_fresh_reg(cc);
    if (r < 0)
        return -1;
    *o = (lcap_off){ 0, 1, r };
    return r;
}

static lcap_cond *tunnel_check(lcap_cc *cc, int v6, uint32_t port, uint32_t vni, int has_vni, int geneve)
{
    int offrel = v6 ? OR_TRAN_IPV6 : OR_TRAN_IPV4;
    lcap_cond *b = lcap_gen_port_family(cc, v6, port, port, IPPROTO_UDP_, Q_DST, 0);
    if (geneve)
        b = lcap_and(b, lcap_gen_mcmp(cc, offrel, 8, 1, 0, 0xc0)); /* version 0 */
    else
        b = lcap_and(b, lcap_gen_cmp(cc, offrel, 8, 1, 0x08)); /* the I flag */
    if (has_vni)
        b = lcap_and(b, lcap_gen_mcmp(cc, offrel, 12, 4, vni << 8, 0xffffff00));
    return lcap_and(b, v6 ? iphl_v6(cc) : iphl_v4(cc));
}

lcap_cond *lcap_gen_vxlan(lcap_cc *cc, const lcap_node *n)
{
    if (n->has_num && n->num > 0xffffff)
        return lcap_cc_error(cc, n->col, "VXLAN VNI %u greater than maximum %u", n->num, 0xffffff);
    lcap_cond *b = lcap_or(tunnel_check(cc, 0, 4789, n->num, n->has_num, 0), tunnel_check(cc, 1, 4789, n->num, n->has_num, 0));
    if (b == NULL)
        return NULL;
    /* A = IP header length: the inner Ethernet header follows UDP (8) and VXLAN (8) */
    uint32_t base = cc->off_linkpl.k + cc->off_nl + 8;
    lcap_off hdr, type, pl;
    if (new_var(cc, &hdr) < 0 || new_var(cc, &type) < 0 || new_var(cc, &pl) < 0)
        return NULL;
    lcap_stmt *s = STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, base);
    lcap_stmt_cat(s, STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, 8));
    lcap_stmt_cat(s, STM(LCAP_BPF_ST, hdr.reg));
    lcap_stmt_cat(s, STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, 12));
    lcap_stmt_cat(s, STM(LCAP_BPF_ST, type.reg));
    lcap_stmt_cat(s, STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, 2));
    lcap_stmt_cat(s, STM(LCAP_BPF_MISC | LCAP_BPF_TAX, 0));
    lcap_stmt_cat(s, STM(LCAP_BPF_STX, pl.reg));
    b = lcap_and(b, lcap_cond_always(cc, s));
    cc->prevlinktype = cc->linktype;
    cc->off_prevlinkhdr = cc->off_linkhdr;
    cc->linktype = 1;
    cc->off_linkhdr = hdr;
    cc->off_linktype = type;
    cc->off_linkpl = pl;
    cc->off_nl = 0;
    cc->off_nl_nosnap = 3;
    cc->is_vxlan = 1;
    cc->is_geneve = 0;
    return b;
}

lcap_cond *lcap_gen_geneve(lcap_cc *cc, const lcap_node *n)
{
    if (n->has_num && n->num > 0xffffff)
        return lcap_cc_error(cc, n->col, "Geneve VNI %u greater than maximum %u", n->num, 0xffffff);
    lcap_cond *b = lcap_or(tunnel_check(cc, 0, 6081, n->num, n->has_num, 1), tunnel_check(cc, 1, 6081, n->num, n->has_num, 1));
    if (b == NULL)
        return NULL;
    lcap_off hdr, type, pl;
    if (new_var(cc, &type) < 0 || new_var(cc, &hdr) < 0 || new_var(cc, &pl) < 0)
        return NULL;
    uint32_t base = cc->off_linkpl.k + cc->off_nl + 8;
    /* X = the Geneve header; its protocol field (2 on) stands for the type;
     * the payload starts after 8 bytes and the options (low 6 bits of byte 0, in words) */
    lcap_stmt *s = STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, base);
    lcap_stmt_cat(s, STM(LCAP_BPF_MISC | LCAP_BPF_TAX, 0));
    lcap_stmt_cat(s, STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, 2));
    lcap_stmt_cat(s, STM(LCAP_BPF_ST, type.reg));
    lcap_stmt_cat(s, STM(LCAP_BPF_LD | LCAP_BPF_IND | LCAP_BPF_B, 0));
    lcap_stmt_cat(s, STM(LCAP_BPF_ALU | LCAP_BPF_AND | LCAP_BPF_K, 0x3f));
    lcap_stmt_cat(s, STM(LCAP_BPF_ALU | LCAP_BPF_MUL | LCAP_BPF_K, 4));
    lcap_stmt_cat(s, STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, 8));
    lcap_stmt_cat(s, STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_X, 0));
    lcap_stmt_cat(s, STM(LCAP_BPF_ST, hdr.reg));
    lcap_stmt_cat(s, STM(LCAP_BPF_LD | LCAP_BPF_IND | LCAP_BPF_H, 2));
    lcap_stmt_cat(s, STM(LCAP_BPF_LDX | LCAP_BPF_MEM, hdr.reg));
    lcap_cond *teb = lcap_cond_jmp(cc, s, LCAP_BPF_JEQ, 0x6558);
    /* Ethernet inside: its type field 12 on, its payload 14 on */
    lcap_stmt *s2 = STM(LCAP_BPF_MISC | LCAP_BPF_TXA, 0);
    lcap_stmt_cat(s2, STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, 12));
    lcap_stmt_cat(s2, STM(LCAP_BPF_ST, type.reg));
    lcap_stmt_cat(s2, STM(LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_K, 2));
    lcap_stmt_cat(s2, STM(LCAP_BPF_MISC | LCAP_BPF_TAX, 0));
    lcap_cond *last = lcap_cond_always(cc, STM(LCAP_BPF_STX, pl.reg));
    lcap_block *eth = lcap_block_new(cc, s2, LCAP_BPF_JA, 0);
    if (teb == NULL || last == NULL || eth == NULL)
        return NULL;
    eth->jt = eth->jf = last->head;
    b = lcap_and(b, lcap_then(teb, eth, last->head, last));
    cc->prevlinktype = cc->linktype;
    cc->off_prevlinkhdr = cc->off_linkhdr;
    cc->linktype = 1;
    cc->off_linkhdr = hdr;
    cc->off_linktype = type;
    cc->off_linkpl = pl;
    cc->off_nl = 0;
    /* off_nl_nosnap stays: libpcap's Geneve code keeps the 802.2 offset of
     * the link type before it (3 on Ethernet, as the inner frame's) */
    cc->is_geneve = 1;
    cc->libpcap_noopt = 1;
    return b;
}
