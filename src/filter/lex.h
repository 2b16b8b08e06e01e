/* lex.h - tokens of the pcap-filter language: the keyword table (one X-macro list) and the scanner. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_FILTER_LEX_H
#define LCAP_FILTER_LEX_H

#include <stdint.h>

#include "filter/filter.h"

/* Keywords: spelling, token. Several spellings may share a token. */
#define LCAP_KEYWORDS(X) \
    X("dst", DST) X("src", SRC) \
    X("link", LINK) X("ether", LINK) X("ppp", LINK) X("slip", LINK) \
    X("fddi", LINK) X("tr", LINK) X("wlan", LINK) \
    X("arp", ARP) X("rarp", RARP) X("ip", IP) X("sctp", SCTP) X("tcp", TCP) \
    X("udp", UDP) X("icmp", ICMP) X("igmp", IGMP) X("igrp", IGRP) X("pim", PIM) \
    X("vrrp", VRRP) X("carp", CARP) X("radio", RADIO) X("ip6", IPV6) \
    X("icmp6", ICMPV6) X("ah", AH) X("esp", ESP) X("atalk", ATALK) \
    X("aarp", AARP) X("decnet", DECNET) X("lat", LAT) X("sca", SCA) \
    X("moprc", MOPRC) X("mopdl", MOPDL) X("iso", ISO) X("esis", ESIS) \
    X("es-is", ESIS) X("isis", ISIS) X("is-is", ISIS) X("l1", L1) X("l2", L2) \
    X("iih", IIH) X("lsp", LSP) X("snp", SNP) X("csnp", CSNP) X("psnp", PSNP) \
    X("clnp", CLNP) X("stp", STP) X("ipx", IPX) X("netbeui", NETBEUI) \
    X("host", HOST) X("net", NET) X("mask", NETMASK) X("port", PORT) \
    X("portrange", PORTRANGE) X("proto", PROTO) X("protochain", PROTOCHAIN) \
    X("gateway", GATEWAY) X("type", TYPE) X("subtype", SUBTYPE) \
    X("direction", DIR) X("dir", DIR) X("address1", ADDR1) X("addr1", ADDR1) \
    X("address2", ADDR2) X("addr2", ADDR2) X("address3", ADDR3) X("addr3", ADDR3) \
    X("address4", ADDR4) X("addr4", ADDR4) X("ra", RA) X("ta", TA) \
    X("less", LESS) X("greater", GREATER) X("byte", CBYTE) \
    X("broadcast", BROADCAST) X("multicast", MULTICAST) \
    X("and", AND) X("or", OR) X("not", NOT) X("len", LEN) X("length", LEN) \
    X("inbound", INBOUND) X("outbound", OUTBOUND) X("ifindex", IFINDEX) \
    X("vlan", VLAN) X("mpls", MPLS) X("pppoed", PPPOED) X("pppoes", PPPOES) \
    X("geneve", GENEVE) X("vxlan", VXLAN) X("lane", LANE) X("llc", LLC) \
    X("metac", METAC) X("bcc", BCC) X("oam", OAM) X("oamf4", OAMF4) \
    X("oamf4ec", OAMF4EC) X("oamf4sc", OAMF4SC) X("sc", SC) X("ilmic", ILMIC) \
    X("vpi", VPI) X("vci", VCI) X("connectmsg", CONNECTMSG) \
    X("metaconnect", METACONNECT) X("on", PF_IFNAME) X("ifname", PF_IFNAME) \
    X("rset", PF_RSET) X("ruleset", PF_RSET) X("rnr", PF_RNR) \
    X("rulenum", PF_RNR) X("srnr", PF_SRNR) X("subrulenum", PF_SRNR) \
    X("reason", PF_REASON) X("action", PF_ACTION) X("fisu", FISU) \
    X("lssu", LSSU) X("lsu", LSSU) X("msu", MSU) X("hfisu", HFISU) \
    X("hlssu", HLSSU) X("hmsu", HMSU) X("sio", SIO) X("opc", OPC) X("dpc", DPC) \
    X("sls", SLS) X("hsio", HSIO) X("hopc", HOPC) X("hdpc", HDPC) X("hsls", HSLS)

/* Punctuation: token, text as shown in messages. */
#define LCAP_PUNCT(X) \
    X(LPAREN, "(") X(RPAREN, ")") X(LBRACK, "[") X(RBRACK, "]") X(COLON, ":") \
    X(PLUS, "+") X(MINUS, "-") X(STAR, "*") X(SLASH, "/") X(PERCENT, "%") \
    X(AMP, "&") X(PIPE, "|") X(CARET, "^") X(LSH, "<<") X(RSH, ">>") \
    X(EQ, "=") X(NE, "!=") X(LT, "<") X(LE, "<=") X(GT, ">") X(GE, ">=")

enum lcap_tok {
    T_EOF,
    T_ERROR,
    T_ID,    /* a name (also "\name": a keyword spelled as a name) */
    T_NUM,   /* decimal, 0x hex or 0 octal number */
    T_HID,   /* dotted number: 10.1, 1.2.3.4 */
    T_HID6,  /* IPv6 address */
    T_EID,   /* MAC address */
    T_AID,   /* ARCnet address: $hex */
#define LCAP_TOKENUM_P(t, s) T_##t,
    LCAP_PUNCT(LCAP_TOKENUM_P)
#undef LCAP_TOKENUM_P
    /* keyword tokens; LCAP_KEYWORDS spells them */
    T_DST, T_SRC, T_LINK, T_ARP, T_RARP, T_IP, T_SCTP, T_TCP, T_UDP, T_ICMP,
    T_IGMP, T_IGRP, T_PIM, T_VRRP, T_CARP, T_RADIO, T_IPV6, T_ICMPV6, T_AH,
    T_ESP, T_ATALK, T_AARP, T_DECNET, T_LAT, T_SCA, T_MOPRC, T_MOPDL, T_ISO,
    T_ESIS, T_ISIS, T_L1, T_L2, T_IIH, T_LSP, T_SNP, T_CSNP, T_PSNP, T_CLNP,
    T_STP, T_IPX, T_NETBEUI, T_HOST, T_NET, T_NETMASK, T_PORT, T_PORTRANGE,
    T_PROTO, T_PROTOCHAIN, T_GATEWAY, T_TYPE, T_SUBTYPE, T_DIR, T_ADDR1,
    T_ADDR2, T_ADDR3, T_ADDR4, T_RA, T_TA, T_LESS, T_GREATER, T_CBYTE,
    T_BROADCAST, T_MULTICAST, T_AND, T_OR, T_NOT, T_LEN, T_INBOUND,
    T_OUTBOUND, T_IFINDEX, T_VLAN, T_MPLS, T_PPPOED, T_PPPOES, T_GENEVE,
    T_VXLAN, T_LANE, T_LLC, T_METAC, T_BCC, T_OAM, T_OAMF4, T_OAMF4EC,
    T_OAMF4SC, T_SC, T_ILMIC, T_VPI, T_VCI, T_CONNECTMSG, T_METACONNECT,
    T_PF_IFNAME, T_PF_RSET, T_PF_RNR, T_PF_SRNR, T_PF_REASON, T_PF_ACTION,
    T_FISU, T_LSSU, T_MSU, T_HFISU, T_HLSSU, T_HMSU, T_SIO, T_OPC, T_DPC,
    T_SLS, T_HSIO, T_HOPC, T_HDPC, T_HSLS,
};

typedef struct lcap_token {
    enum lcap_tok kind;
    int col;            /* 1-based column of its first character */
    int len;            /* characters in the text */
    const char *text;   /* into the expression, not terminated */
    uint32_t num;       /* T_NUM */
    uint8_t addr[16];   /* T_HID6 (16), T_EID (6), T_AID (1) */
} lcap_token;

typedef struct lcap_lexer {
    lcap_cc *cc;
    const char *s;
    size_t pos;
} lcap_lexer;

/* Scans the next token from lx->pos; T_ERROR with the error recorded. */
lcap_token lcap_lex_next(lcap_lexer *lx);
/* A token as shown in messages: its text, or "end of expression". */
void lcap_tok_describe(const lcap_token *t, char *out, size_t n);

#endif
