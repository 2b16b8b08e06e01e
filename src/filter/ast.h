/* ast.h - the syntax tree of a filter expression: qualifiers resolved by the parser, code generated from it. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_FILTER_AST_H
#define LCAP_FILTER_AST_H

#include <stdint.h>

#include "filter/filter.h"

/* Protocol qualifiers: token, qualifier, spelling in messages. */
#define LCAP_PROTO_QUALS(X) \
    X(LINK, Q_LINK, "link") X(IP, Q_IP, "ip") X(ARP, Q_ARP, "arp") \
    X(RARP, Q_RARP, "rarp") X(SCTP, Q_SCTP, "sctp") X(TCP, Q_TCP, "tcp") \
    X(UDP, Q_UDP, "udp") X(ICMP, Q_ICMP, "icmp") X(IGMP, Q_IGMP, "igmp") \
    X(IGRP, Q_IGRP, "igrp") X(ATALK, Q_ATALK, "atalk") X(DECNET, Q_DECNET, "decnet") \
    X(LAT, Q_LAT, "lat") X(SCA, Q_SCA, "sca") X(MOPRC, Q_MOPRC, "moprc") \
    X(MOPDL, Q_MOPDL, "mopdl") X(IPV6, Q_IPV6, "ip6") X(ICMPV6, Q_ICMPV6, "icmp6") \
    X(AH, Q_AH, "ah") X(ESP, Q_ESP, "esp") X(PIM, Q_PIM, "pim") X(VRRP, Q_VRRP, "vrrp") \
    X(AARP, Q_AARP, "aarp") X(ISO, Q_ISO, "iso") X(ESIS, Q_ESIS, "esis") \
    X(ISIS, Q_ISIS, "isis") X(CLNP, Q_CLNP, "clnp") X(STP, Q_STP, "stp") \
    X(IPX, Q_IPX, "ipx") X(NETBEUI, Q_NETBEUI, "netbeui") X(L1, Q_ISIS_L1, "l1") \
    X(L2, Q_ISIS_L2, "l2") X(IIH, Q_ISIS_IIH, "iih") X(SNP, Q_ISIS_SNP, "snp") \
    X(CSNP, Q_ISIS_CSNP, "csnp") X(PSNP, Q_ISIS_PSNP, "psnp") X(LSP, Q_ISIS_LSP, "lsp") \
    X(RADIO, Q_RADIO, "radio") X(CARP, Q_CARP, "carp")

enum lcap_qproto {
    Q_DEFAULT = 0,
#define LCAP_QP_ENUM(t, q, s) q,
    LCAP_PROTO_QUALS(LCAP_QP_ENUM)
#undef LCAP_QP_ENUM
    Q_PROTO_COUNT
};

/* Direction qualifiers (Q_DEFAULT = none). */
enum lcap_qdir { Q_SRC = 1, Q_DST, Q_OR, Q_AND, Q_ADDR1, Q_ADDR2, Q_ADDR3, Q_ADDR4, Q_RA, Q_TA };

/* Address kind qualifiers (Q_DEFAULT = none). */
enum lcap_qaddr { Q_HOST = 1, Q_NET, Q_PORT, Q_GATEWAY, Q_PROTO, Q_PROTOCHAIN, Q_PORTRANGE };

typedef struct lcap_qual {
    uint8_t proto, dir, addr;
    uint8_t err;   /* after a term that passes no qualifier on ("tcp", "len > 5") */
} lcap_qual;

/* The spelling of a protocol qualifier, for messages. */
const char *lcap_qproto_name(int qproto);

enum lcap_nkind {
    N_AND, N_OR, N_NOT,
    N_ID,        /* a name with its qualifiers: s */
    N_NUM,       /* a number with its qualifiers: num */
    N_HID,       /* dotted number: s, masklen (-1 none) or mask (has_mask) */
    N_HID6,      /* IPv6: addr, masklen (-1 none) */
    N_EID,       /* MAC: addr */
    N_AID,       /* ARCnet: addr[0] */
    N_PROTO,     /* a protocol name alone: q.proto */
    N_BROADCAST, N_MULTICAST, /* q.proto */
    N_LESS, N_GREATER,        /* num */
    N_CBYTE,                  /* byte num op num2 */
    N_INBOUND, N_OUTBOUND, N_IFINDEX,
    N_VLAN, N_MPLS, N_PPPOED, N_PPPOES, N_GENEVE, N_VXLAN, /* has_num, num */
    N_PF_IFNAME, N_PF_RSET, N_PF_RNR, N_PF_SRNR, N_PF_REASON, N_PF_ACTION,
    N_WLAN_TYPE,     /* s (type), s2 (subtype or NULL) / num, num2 */
    N_WLAN_SUBTYPE,  /* s */
    N_WLAN_DIR,      /* s or num */
    N_LLC,           /* s: subtype or NULL */
    N_ATM,           /* op: token of the ATM keyword */
    N_ATM_FIELD,     /* op: T_VPI/T_VCI, rel, num */
    N_MTP2,          /* op: token */
    N_MTP3_FIELD,    /* op: token, rel, num */
    N_REL,           /* a0 rel a1 */
};

enum lcap_rel { R_EQ, R_NE, R_LT, R_LE, R_GT, R_GE };

enum lcap_akind { A_NUM, A_LEN, A_LOAD, A_BIN, A_NEG };

typedef struct lcap_arith {
    enum lcap_akind kind;
    int col;
    int op;          /* A_BIN: BPF ALU operation */
    int proto;       /* A_LOAD: protocol qualifier */
    int size;        /* A_LOAD: 1, 2 or 4 */
    uint32_t num;
    struct lcap_arith *l, *r; /* A_LOAD: index in l */
} lcap_arith;

typedef struct lcap_node {
    enum lcap_nkind kind;
    int col;
    lcap_qual q;
    struct lcap_node *l, *r;
    const char *s, *s2;
    uint32_t num, num2;
    int has_num, has_num2;
    int op, rel;
    int masklen;         /* -1: none */
    int has_mask;
    const char *mask;    /* N_HID with "mask": the mask text */
    uint8_t addr[16];
    lcap_arith *a0, *a1;
    int vcol;            /* the value's column where col is its keyword's (pflog names) */
} lcap_node;

/* Parses the expression (cc->text) into a tree. *empty is set for an empty
 * expression (which accepts every packet). NULL with the error recorded. */
lcap_node *lcap_parse(lcap_cc *cc, int *empty);

#endif
