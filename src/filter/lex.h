/* lex.h - tokens of the pcap-filter language: the keyword table (one X-macro list) and the scanner. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_FILTER_LEX_H
#define LCAP_FILTER_LEX_H

#include <stdint.h>

#include "filter/filter.h"

/* Keywords: spelling, token. Several spellings may share a token. Kept in
 * byte order of the spellings: the lexer finds a word by binary search (the
 * filter_parse test lexes every spelling, so a row out of order fails it). */
#define LCAP_KEYWORDS(X) \
    X("aarp", AARP) X("action", PF_ACTION) X("addr1", ADDR1) X("addr2", ADDR2) X("addr3", ADDR3) \
    X("addr4", ADDR4) X("address1", ADDR1) X("address2", ADDR2) X("address3", ADDR3) \
    X("address4", ADDR4) X("ah", AH) X("and", AND) X("arp", ARP) X("atalk", ATALK) X("bcc", BCC) \
    X("broadcast", BROADCAST) X("byte", CBYTE) X("carp", CARP) X("clnp", CLNP) \
    X("connectmsg", CONNECTMSG) X("csnp", CSNP) X("decnet", DECNET) X("dir", DIR) \
    X("direction", DIR) X("dpc", DPC) X("dst", DST) X("es-is", ESIS) X("esis", ESIS) X("esp", ESP) \
    X("ether", LINK) X("fddi", LINK) X("fisu", FISU) X("gateway", GATEWAY) X("geneve", GENEVE) \
    X("greater", GREATER) X("hdpc", HDPC) X("hfisu", HFISU) X("hlssu", HLSSU) X("hmsu", HMSU) \
    X("hopc", HOPC) X("host", HOST) X("hsio", HSIO) X("hsls", HSLS) X("icmp", ICMP) \
    X("icmp6", ICMPV6) X("ifindex", IFINDEX) X("ifname", PF_IFNAME) X("igmp", IGMP) X("igrp", IGRP) \
    X("iih", IIH) X("ilmic", ILMIC) X("inbound", INBOUND) X("ip", IP) X("ip6", IPV6) X("ipx", IPX) \
    X("is-is", ISIS) X("isis", ISIS) X("iso", ISO) X("l1", L1) X("l2", L2) X("lane", LANE) \
    X("lat", LAT) X("len", LEN) X("length", LEN) X("less", LESS) X("link", LINK) X("llc", LLC) \
    X("lsp", LSP) X("lssu", LSSU) X("lsu", LSSU) X("mask", NETMASK) X("metac", METAC) \
    X("metaconnect", METACONNECT) X("mopdl", MOPDL) X("moprc", MOPRC) X("mpls", MPLS) X("msu", MSU) \
    X("multicast", MULTICAST) X("net", NET) X("netbeui", NETBEUI) X("not", NOT) X("oam", OAM) \
    X("oamf4", OAMF4) X("oamf4ec", OAMF4EC) X("oamf4sc", OAMF4SC) X("on", PF_IFNAME) X("opc", OPC) \
    X("or", OR) X("outbound", OUTBOUND) X("pim", PIM) X("port", PORT) X("portrange", PORTRANGE) \
    X("ppp", LINK) X("pppoed", PPPOED) X("pppoes", PPPOES) X("proto", PROTO) \
    X("protochain", PROTOCHAIN) X("psnp", PSNP) X("ra", RA) X("radio", RADIO) X("rarp", RARP) \
    X("reason", PF_REASON) X("rnr", PF_RNR) X("rset", PF_RSET) X("rulenum", PF_RNR) \
    X("ruleset", PF_RSET) X("sc", SC) X("sca", SCA) X("sctp", SCTP) X("sio", SIO) X("slip", LINK) \
    X("sls", SLS) X("snp", SNP) X("src", SRC) X("srnr", PF_SRNR) X("stp", STP) \
    X("subrulenum", PF_SRNR) X("subtype", SUBTYPE) X("ta", TA) X("tcp", TCP) X("tr", LINK) \
    X("type", TYPE) X("udp", UDP) X("vci", VCI) X("vlan", VLAN) X("vpi", VPI) X("vrrp", VRRP) \
    X("vxlan", VXLAN) X("wlan", LINK)

/* Named constants the language spells as words (they scan as numbers):
 * spelling, value. In byte order of the spellings, as the keywords. */
#define LCAP_CONSTANTS(X) \
    X("icmp-echo", 8) X("icmp-echoreply", 0) X("icmp-ireq", 15) X("icmp-ireqreply", 16) \
    X("icmp-maskreply", 18) X("icmp-maskreq", 17) X("icmp-paramprob", 12) X("icmp-redirect", 5) \
    X("icmp-routeradvert", 9) X("icmp-routersolicit", 10) X("icmp-sourcequench", 4) \
    X("icmp-timxceed", 11) X("icmp-tstamp", 13) X("icmp-tstampreply", 14) X("icmp-unreach", 3) \
    X("icmp6-certpathadvert", 149) X("icmp6-certpathsolicit", 148) X("icmp6-destinationunreach", 1) \
    X("icmp6-echo", 128) X("icmp6-echoreply", 129) X("icmp6-homeagentdiscoveryreply", 145) \
    X("icmp6-homeagentdiscoveryrequest", 144) X("icmp6-ineighbordiscoveryadvert", 142) \
    X("icmp6-ineighbordiscoverysolicit", 141) X("icmp6-mobileprefixadvert", 147) \
    X("icmp6-mobileprefixsolicit", 146) X("icmp6-multicastlistenerdone", 132) \
    X("icmp6-multicastlistenerquery", 130) X("icmp6-multicastlistenerreportv1", 131) \
    X("icmp6-multicastlistenerreportv2", 143) X("icmp6-multicastrouteradvert", 151) \
    X("icmp6-multicastroutersolicit", 152) X("icmp6-multicastrouterterm", 153) \
    X("icmp6-neighboradvert", 136) X("icmp6-neighborsolicit", 135) \
    X("icmp6-nodeinformationquery", 139) X("icmp6-nodeinformationresponse", 140) \
    X("icmp6-packettoobig", 2) X("icmp6-parameterproblem", 4) X("icmp6-redirect", 137) \
    X("icmp6-routeradvert", 134) X("icmp6-routerrenum", 138) X("icmp6-routersolicit", 133) \
    X("icmp6-timeexceeded", 3) X("icmp6code", 1) X("icmp6type", 0) X("icmpcode", 1) X("icmptype", 0) \
    X("tcp-ack", 0x10) X("tcp-cwr", 0x80) X("tcp-ece", 0x40) X("tcp-fin", 0x01) X("tcp-push", 0x08) \
    X("tcp-rst", 0x04) X("tcp-syn", 0x02) X("tcp-urg", 0x20) X("tcpflags", 13)

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
    T_COUNT /* not a token: how many there are */
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
