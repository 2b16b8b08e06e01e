/* gen.h - code generation shared by the gen_*.c files: loads relative to protocol layers,
 * comparisons, and the per-family generators the tree walk (gen.c) calls. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_FILTER_GEN_H
#define LCAP_FILTER_GEN_H

#include <stdint.h>

#include "filter/ast.h"
#include "filter/ir.h"

/* What an offset is relative to. */
enum lcap_offrel {
    OR_PACKET,        /* the packet's first byte */
    OR_LINKHDR,       /* link-layer header */
    OR_PREVLINKHDR,   /* the outer link-layer header (after pppoes...) */
    OR_LLC,           /* 802.2 LLC header (link payload) */
    OR_PREVMPLSHDR,   /* the last MPLS label */
    OR_LINKTYPE,      /* the link-layer type field */
    OR_LINKPL,        /* network layer */
    OR_LINKPL_NOSNAP, /* network layer after LLC without SNAP */
    OR_TRAN_IPV4,     /* transport layer after IPv4 (header length from the packet) */
    OR_TRAN_IPV6,     /* transport layer after a fixed IPv6 header */
};

/* How a link type carries the network protocol ("ip", "arp"...). */
enum lcap_ltkind {
    LT_NONE,      /* no protocol field: only what the link carries */
    LT_ETHER,     /* Ethernet type/length, 802.2 LLC, SNAP */
    LT_LLC,       /* always 802.2 LLC (FDDI, Token Ring, IP over FC, ATM) */
    LT_WLAN,      /* 802.11: data frames then LLC */
    LT_SLL,       /* Linux cooked v1 */
    LT_SLL2,      /* Linux cooked v2 */
    LT_NULL,      /* BSD loopback, AF in host order of the writer */
    LT_LOOP,      /* OpenBSD loopback, AF in network order */
    LT_RAW,       /* raw IP: the version nibble */
    LT_IPV4,      /* IPv4 only */
    LT_IPV6,      /* IPv6 only */
    LT_PPP,       /* PPP protocol field */
    LT_PPP_BSDOS,
    LT_CHDLC,     /* Cisco HDLC: Ethernet types */
    LT_ARCNET,    /* ARCnet protocol IDs */
    LT_PFLOG,     /* pflog header AF */
    LT_SUNATM,
    LT_IPNET,
    LT_FRELAY,
    LT_LTALK,
    LT_IP1394,
    LT_MTP,       /* SS7: no network protocols */
    LT_PLAIN,     /* an Ethernet type field, nothing else */
    LT_JUNIPER,   /* a Juniper header: its magic alone */
};

/* How the link layer names hosts. */
enum lcap_hkind { H_NONE, H_ETHER, H_FDDI, H_TR, H_WLAN, H_ARCNET, H_IPFC, H_MSTP, H_SLL, H_SLL2, H_DSA };

/* How "inbound"/"outbound" is told. */
enum lcap_dkind { D_NONE, D_IPNET_DIR, D_JUNIPER, D_SLIP, D_SLL, D_SLL2, D_PFLOG, D_PPP_DIR, D_IPNET, D_ZERO_SLIP };

/* Variable-length headers before the link-layer header. */
enum lcap_vkind { V_NONE, V_RADIOTAP, V_PPI, V_AVS, V_PRISM };

typedef struct lcap_linkinfo {
    int dlt;
    const char *name;
    uint32_t off_linktype, off_linkpl, off_nl, off_nl_nosnap;
    uint8_t ltkind, hkind, dkind, vkind;
} lcap_linkinfo;

/* The row of the link type in force (the DLT's, or Ethernet after geneve,
 * PPP after pppoes, as libpcap's cstate->linktype). */
const lcap_linkinfo *lcap_cur_link(const lcap_cc *cc);
/* The row for a DLT, NULL when the compiler does not know it. */
const lcap_linkinfo *lcap_linkinfo_find(int dlt);
/* Sets up cc's offsets for its DLT. -1 (error set) if unsupported. */
int lcap_gen_init_link(lcap_cc *cc);

/* Loads and comparisons. */
lcap_stmt *lcap_gen_load(lcap_cc *cc, int offrel, uint32_t off, int size);
lcap_stmt *lcap_gen_loadx_iphdrlen(lcap_cc *cc);
/* The BPF size bits of a load of size bytes (1, 2 or 4). */
static inline uint16_t lcap_gen_bpf_size(int size)
{
    return size == 4 ? LCAP_BPF_W : size == 2 ? LCAP_BPF_H : LCAP_BPF_B;
}
/* (load & mask) op k, jop one of LCAP_BPF_JEQ/JGT/JGE/JSET; reverse negates. */
lcap_cond *lcap_gen_ncmp(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t mask, uint16_t jop,
                         int reverse, uint32_t k);
lcap_cond *lcap_gen_cmp(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t k);
lcap_cond *lcap_gen_mcmp(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t k, uint32_t mask);
lcap_cond *lcap_gen_cmp_gt(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t k);
lcap_cond *lcap_gen_cmp_ge(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t k);
lcap_cond *lcap_gen_cmp_lt(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t k);
lcap_cond *lcap_gen_cmp_le(lcap_cc *cc, int offrel, uint32_t off, int size, uint32_t k);
/* n bytes at off equal v. */
lcap_cond *lcap_gen_bcmp(lcap_cc *cc, int offrel, uint32_t off, uint32_t n, const uint8_t *v);
/* The absolute offset (constant plus variable part) of offrel, as statements
 * leaving it in X when variable (*var set), and its constant part in *k. */
int lcap_gen_offset(lcap_cc *cc, int offrel, uint32_t *k, int *var_reg);

/* gen_link.c */
lcap_cond *lcap_gen_linktype(lcap_cc *cc, uint32_t proto);
lcap_cond *lcap_gen_ether_linktype(lcap_cc *cc, uint32_t proto);
lcap_cond *lcap_gen_llc_linktype(lcap_cc *cc, uint32_t proto);
lcap_cond *lcap_gen_snap(lcap_cc *cc, uint32_t orgcode, uint32_t ptype);
lcap_cond *lcap_gen_link_host(lcap_cc *cc, const uint8_t *mac, int dir, int col);
lcap_cond *lcap_gen_link_arcnet(lcap_cc *cc, uint8_t addr, int dir, int col);
lcap_cond *lcap_gen_broadcast(lcap_cc *cc, int proto, int col);
lcap_cond *lcap_gen_multicast(lcap_cc *cc, int proto, int col);
lcap_cond *lcap_gen_inbound(lcap_cc *cc, int outbound, int col);
/* Computes the variable offsets used, then continues at next; returns the new head. */
lcap_block *lcap_gen_prologue(lcap_cc *cc, lcap_block *next);
/* PPI: the per-packet DLT must be 802.11 (NULL for other links). */
lcap_cond *lcap_gen_ppi_check(lcap_cc *cc);

/* gen_inet.c */
lcap_cond *lcap_gen_host4(lcap_cc *cc, uint32_t addr, uint32_t mask, int proto, int dir, int is_net, int col);
lcap_cond *lcap_gen_host6(lcap_cc *cc, const uint8_t *addr, const uint8_t *mask, int proto, int dir, int is_net,
                          int col);
lcap_cond *lcap_gen_port(lcap_cc *cc, uint32_t lo, uint32_t hi, int ipproto, int dir, int range);
/* Ports over IPv4 (v6 = 0) or IPv6 alone. */
lcap_cond *lcap_gen_port_family(lcap_cc *cc, int v6, uint32_t lo, uint32_t hi, int ipproto, int dir, int range);
lcap_cond *lcap_gen_proto(lcap_cc *cc, uint32_t v, int proto, int dir, int col);
lcap_cond *lcap_gen_protochain(lcap_cc *cc, uint32_t v, int proto, int col);
lcap_cond *lcap_gen_ip_or_ip6_proto(lcap_cc *cc, int ipproto);
lcap_cond *lcap_gen_ipfrag(lcap_cc *cc);
lcap_cond *lcap_gen_proto_abbrev(lcap_cc *cc, int proto, int col);
lcap_cond *lcap_gen_id(lcap_cc *cc, const lcap_node *n);
lcap_cond *lcap_gen_num(lcap_cc *cc, const lcap_node *n);
lcap_cond *lcap_gen_dotted(lcap_cc *cc, const lcap_node *n);
/* Whether n may be a term of lcap_gen_host4_chain; the chain of them. */
int lcap_host_chain_ok(const lcap_cc *cc, const lcap_node *n);
lcap_cond *lcap_gen_host4_chain(lcap_cc *cc, const lcap_node *const *leaf, size_t n);
lcap_cond *lcap_gen_ip6addr(lcap_cc *cc, const lcap_node *n);
lcap_cond *lcap_gen_ecode(lcap_cc *cc, const lcap_node *n);
/* For proto[...]: what the index is relative to (*offrel) and the check the
 * packet must pass first (NULL if none; errors set cc->error). */
/* "l op r" as libpcap generates it, every value through a scratch word
 * (gen_arith_pcap.c): the graph the verdict is judged on. */
lcap_cond *lcap_gen_relation_pcap(lcap_cc *cc, const lcap_arith *l, const lcap_arith *r, uint16_t jop, int reverse);
lcap_cond *lcap_gen_load_proto(lcap_cc *cc, int proto, int col, lcap_cond *idx_check, int *offrel);

/* gen_tunnel.c */
lcap_cond *lcap_gen_vlan(lcap_cc *cc, const lcap_node *n);
lcap_cond *lcap_gen_mpls(lcap_cc *cc, const lcap_node *n);
lcap_cond *lcap_gen_pppoed(lcap_cc *cc, const lcap_node *n);
lcap_cond *lcap_gen_pppoes(lcap_cc *cc, const lcap_node *n);
lcap_cond *lcap_gen_geneve(lcap_cc *cc, const lcap_node *n);
lcap_cond *lcap_gen_vxlan(lcap_cc *cc, const lcap_node *n);

/* gen_misc.c: 802.11, LLC, pflog, ATM, MTP2/3, ISO, DECnet, less/greater */
lcap_cond *lcap_gen_misc(lcap_cc *cc, const lcap_node *n);
lcap_cond *lcap_gen_dnhost(lcap_cc *cc, uint32_t addr, int dir, int col);
lcap_cond *lcap_gen_wlan_data_check(lcap_cc *cc);

/* Values used throughout. */
#define ETHERTYPE_IP      0x0800
#define ETHERTYPE_ARP     0x0806
#define ETHERTYPE_REVARP  0x8035
#define ETHERTYPE_IPV6    0x86dd
#define ETHERTYPE_8021Q   0x8100
#define ETHERTYPE_8021AD  0x88a8
#define ETHERTYPE_8021QINQ 0x9100
#define ETHERTYPE_MPLS    0x8847
#define ETHERTYPE_MPLS_MULTI 0x8848
#define ETHERTYPE_PPPOED  0x8863
#define ETHERTYPE_PPPOES  0x8864
#define ETHERTYPE_DN      0x6003
#define ETHERTYPE_LAT     0x6004
#define ETHERTYPE_SCA     0x6007
#define ETHERTYPE_MOPRC   0x6002
#define ETHERTYPE_MOPDL   0x6001
#define ETHERTYPE_ATALK   0x809b
#define ETHERTYPE_AARP    0x80f3
#define ETHERTYPE_IPX     0x8137
#define ETHERMTU          1500
#define LLCSAP_IP         0x06
#define LLCSAP_ISONS      0xfe
#define LLCSAP_NETBEUI    0xf0
#define LLCSAP_IPX        0xe0
#define LLCSAP_8021D      0x42
#define LLCSAP_SNAP       0xaa
#define IPPROTO_HOPOPTS_  0
#define IPPROTO_ICMP_     1
#define IPPROTO_IGMP_     2
#define IPPROTO_IPIP_     4
#define IPPROTO_TCP_      6
#define IPPROTO_IGRP_     9
#define IPPROTO_UDP_      17
#define IPPROTO_IPV6_     41
#define IPPROTO_ROUTING_  43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_ESP_      50
#define IPPROTO_AH_       51
#define IPPROTO_ICMPV6_   58
#define IPPROTO_NONE_     59
#define IPPROTO_DSTOPTS_  60
#define IPPROTO_PIM_      103
#define IPPROTO_VRRP_     112
#define IPPROTO_CARP_     112
#define IPPROTO_SCTP_     132
#define ISO8473_CLNP      0x81
#define ISO9542_ESIS      0x82
#define ISO10589_ISIS     0x83

/* Protocol "value" meaning any for port/proto tests. */
#define PROTO_UNDEF (-1)

#endif
