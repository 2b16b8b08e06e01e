/* gen_inet.c - IPv4/IPv6/ARP code: hosts and networks, ports and port ranges, "proto",
 * protocol abbreviations, proto[...] loads, and the qualifier dispatch of names and numbers. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter/gen.h"
#include "filter/names.h"

static const char *addr_kind_name(int addr)
{
    static const char *const names[] = { "host", "host", "net", "port", "gateway", "proto", "protochain",
                                         "portrange" };
    return addr >= 0 && addr <= Q_PORTRANGE ? names[addr] : "host";
}

/* The link type is tested once, before both address tests: libpcap tests
 * it before each ("(ip and src) or (ip and dst)"), and its optimizer and
 * ours then thread the second test away; generating it once gives the same
 * program from fewer blocks (a quarter fewer for "host", less work in every
 * pass after). */
static lcap_cond *addr4(lcap_cc *cc, uint32_t addr, uint32_t mask, int dir, uint32_t src_off, uint32_t dst_off)
{
    switch (dir) {
    case Q_SRC: return lcap_gen_mcmp(cc, OR_LINKPL, src_off, 4, addr, mask);
    case Q_DST: return lcap_gen_mcmp(cc, OR_LINKPL, dst_off, 4, addr, mask);
    case Q_AND:
        return lcap_and(addr4(cc, addr, mask, Q_SRC, src_off, dst_off), addr4(cc, addr, mask, Q_DST, src_off, dst_off));
    default:
        return lcap_or(addr4(cc, addr, mask, Q_SRC, src_off, dst_off), addr4(cc, addr, mask, Q_DST, src_off, dst_off));
    }
}

static int ip_dir_ok(lcap_cc *cc, int dir, int col)
{
    if (dir == Q_SRC || dir == Q_DST || dir == Q_AND || dir == Q_OR || dir == Q_DEFAULT)
        return 1;
    lcap_cc_error(cc, col, "'addr1'..'addr4', 'ra' and 'ta' qualify 802.11 MAC addresses, not IP ones");
    return 0;
}

static lcap_cond *hostop4(lcap_cc *cc, uint32_t addr, uint32_t mask, int dir, uint32_t ethertype,
                          uint32_t src_off, uint32_t dst_off, int col)
{
    if (!ip_dir_ok(cc, dir, col))
        return NULL;
    if (cc->libpcap_shape && dir != Q_SRC && dir != Q_DST) { /* libpcap 1.10.3's shape: the type in each */
        lcap_cond *s = hostop4(cc, addr, mask, Q_SRC, ethertype, src_off, dst_off, col);
        lcap_cond *d = hostop4(cc, addr, mask, Q_DST, ethertype, src_off, dst_off, col);
        return dir == Q_AND ? lcap_and(s, d) : lcap_or(s, d);
    }
    lcap_cond *lt = lcap_gen_linktype(cc, ethertype);
    return lcap_and(lt, addr4(cc, addr, mask, dir, src_off, dst_off));
}

lcap_cond *lcap_gen_host4(lcap_cc *cc, uint32_t addr, uint32_t mask, int proto, int dir, int is_net, int col)
{
    const char *what = is_net ? "net" : "host";
    switch (proto) {
    case Q_DEFAULT: {
        lcap_cond *b = lcap_gen_host4(cc, addr, mask, Q_IP, dir, is_net, col);
        if (cc->label_depth == 0) {
            b = lcap_or(b, lcap_gen_host4(cc, addr, mask, Q_ARP, dir, is_net, col));
            b = lcap_or(b, lcap_gen_host4(cc, addr, mask, Q_RARP, dir, is_net, col));
        }
        return b;
    }
    case Q_IP:
        return hostop4(cc, addr, mask, dir, ETHERTYPE_IP, 12, 16, col);
    case Q_ARP:
        return hostop4(cc, addr, mask, dir, ETHERTYPE_ARP, 14, 24, col);
    case Q_RARP:
        return hostop4(cc, addr, mask, dir, ETHERTYPE_REVARP, 14, 24, col);
    case Q_LINK:
        return lcap_cc_error(cc, col, "link-layer modifier applied to %s", what);
    default:
        return lcap_cc_error(cc, col, "'%s' modifier applied to %s", lcap_qproto_name(proto), what);
    }
}

/* As addr4, the link type tested once (hostop6). */
static lcap_cond *addr6(lcap_cc *cc, const uint8_t *a, const uint8_t *m, int dir, uint32_t src_off, uint32_t dst_off)
{
    uint32_t off;
    switch (dir) {
    case Q_SRC: off = src_off; break;
    case Q_DST: off = dst_off; break;
    case Q_AND:
        return lcap_and(addr6(cc, a, m, Q_SRC, src_off, dst_off), addr6(cc, a, m, Q_DST, src_off, dst_off));
    default:
        return lcap_or(addr6(cc, a, m, Q_SRC, src_off, dst_off), addr6(cc, a, m, Q_DST, src_off, dst_off));
    }
    lcap_cond *b = NULL;
    for (int i = 3; i >= 0; i--) {
        const uint8_t *p = a + 4 * i, *q = m + 4 * i;
        uint32_t w = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        uint32_t mw = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
        lcap_cond *c = lcap_gen_mcmp(cc, OR_LINKPL, off + 4 * (uint32_t)i, 4, w, mw);
        b = b == NULL ? c : lcap_and(c, b);
    }
    return b;
}

static lcap_cond *hostop6(lcap_cc *cc, const uint8_t *a, const uint8_t *m, int dir, uint32_t src_off,
                          uint32_t dst_off, int col)
{
    if (!ip_dir_ok(cc, dir, col))
        return NULL;
    if (cc->libpcap_shape && dir != Q_SRC && dir != Q_DST) {
        lcap_cond *s = hostop6(cc, a, m, Q_SRC, src_off, dst_off, col);
        lcap_cond *d = hostop6(cc, a, m, Q_DST, src_off, dst_off, col);
        return dir == Q_AND ? lcap_and(s, d) : lcap_or(s, d);
    }
    lcap_cond *lt = lcap_gen_linktype(cc, ETHERTYPE_IPV6);
    return lcap_and(lt, addr6(cc, a, m, dir, src_off, dst_off));
}

lcap_cond *lcap_gen_host6(lcap_cc *cc, const uint8_t *addr, const uint8_t *mask, int proto, int dir, int is_net,
                          int col)
{
    const char *what = is_net ? "net" : "host";
    switch (proto) {
    case Q_DEFAULT:
    case Q_IPV6:
        return hostop6(cc, addr, mask, dir, 8, 24, col);
    case Q_LINK:
        return lcap_cc_error(cc, col, "link-layer modifier applied to ip6 %s", what);
    default:
        return lcap_cc_error(cc, col, "'%s' modifier applied to ip6 %s", lcap_qproto_name(proto), what);
    }
}

/* ---- ports ---- */

lcap_cond *lcap_gen_ipfrag(lcap_cc *cc)
{
    return lcap_not(lcap_cond_jmp(cc, lcap_gen_load(cc, OR_LINKPL, 6, 2), LCAP_BPF_JSET, 0x1fff));
}

static lcap_cond *portatom(lcap_cc *cc, int offrel, uint32_t off, uint32_t lo, uint32_t hi, int range)
{
    if (!range)
        return lcap_gen_cmp(cc, offrel, off, 2, lo);
    if (lo > hi) {
        uint32_t t = lo;
        lo = hi;
        hi = t;
    }
    return lcap_and(lcap_gen_cmp_ge(cc, offrel, off, 2, lo), lcap_gen_cmp_le(cc, offrel, off, 2, hi));
}

static lcap_cond *portop(lcap_cc *cc, int v6, uint32_t lo, uint32_t hi, int ipproto, int dir, int range)
{
    int offrel = v6 ? OR_TRAN_IPV6 : OR_TRAN_IPV4;
    lcap_cond *b0 = lcap_gen_cmp(cc, OR_LINKPL, v6 ? 6 : 9, 1, (uint32_t)ipproto);
    if (!v6)
        b0 = lcap_and(b0, lcap_gen_ipfrag(cc));
    lcap_cond *b1;
    switch (dir) {
    case Q_SRC: b1 = portatom(cc, offrel, 0, lo, hi, range); break;
    case Q_DST: b1 = portatom(cc, offrel, 2, lo, hi, range); break;
    case Q_AND: b1 = lcap_and(portatom(cc, offrel, 0, lo, hi, range), portatom(cc, offrel, 2, lo, hi, range)); break;
    case Q_DEFAULT:
    case Q_OR: b1 = lcap_or(portatom(cc, offrel, 0, lo, hi, range), portatom(cc, offrel, 2, lo, hi, range)); break;
    default:
        return lcap_cc_error(cc, 0, "'addr1'..'addr4', 'ra' and 'ta' are not valid qualifiers for ports");
    }
    return lcap_and(b0, b1);
}

lcap_cond *lcap_gen_port_family(lcap_cc *cc, int v6, uint32_t lo, uint32_t hi, int ipproto, int dir, int range)
{
    lcap_cond *b0 = lcap_gen_linktype(cc, v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP);
    lcap_cond *b1;
    if (ipproto == PROTO_UNDEF && cc->libpcap_shape) { /* libpcap 1.10.3's order */
        b1 = portop(cc, v6, lo, hi, IPPROTO_SCTP_, dir, range);
        b1 = lcap_or(b1, portop(cc, v6, lo, hi, IPPROTO_TCP_, dir, range));
        b1 = lcap_or(b1, portop(cc, v6, lo, hi, IPPROTO_UDP_, dir, range));
    } else if (ipproto == PROTO_UNDEF) {
        b1 = lcap_or(portop(cc, v6, lo, hi, IPPROTO_TCP_, dir, range), portop(cc, v6, lo, hi, IPPROTO_UDP_, dir, range));
        b1 = lcap_or(b1, portop(cc, v6, lo, hi, IPPROTO_SCTP_, dir, range));
    } else {
        b1 = portop(cc, v6, lo, hi, ipproto, dir, range);
    }
    return lcap_and(b0, b1);
}

lcap_cond *lcap_gen_port(lcap_cc *cc, uint32_t lo, uint32_t hi, int ipproto, int dir, int range)
{
    lcap_cond *b6 = lcap_gen_port_family(cc, 1, lo, hi, ipproto, dir, range);
    return lcap_or(b6, lcap_gen_port_family(cc, 0, lo, hi, ipproto, dir, range));
}

/* The IP protocol number a port qualifier stands for. */
static int port_proto(lcap_cc *cc, int proto, int col)
{
    switch (proto) {
    case Q_UDP: return IPPROTO_UDP_;
    case Q_TCP: return IPPROTO_TCP_;
    case Q_SCTP: return IPPROTO_SCTP_;
    case Q_DEFAULT: return PROTO_UNDEF;
    default:
        lcap_cc_error(cc, col, "'%s' does not carry ports: use tcp, udp or sctp", lcap_qproto_name(proto));
        return -2;
    }
}

/* ---- proto ---- */

lcap_cond *lcap_gen_proto(lcap_cc *cc, uint32_t v, int proto, int dir, int col)
{
    if (dir != Q_DEFAULT)
        return lcap_cc_error(cc, col, "a direction cannot qualify 'proto'");
    switch (proto) {
    case Q_DEFAULT:
        return lcap_or(lcap_gen_proto(cc, v, Q_IP, dir, col), lcap_gen_proto(cc, v, Q_IPV6, dir, col));
    case Q_LINK: {
        int k = cc->link->ltkind;
        if (v > 65535)
            return lcap_cc_error(cc, col, "%s %u greater than maximum 65535",
                                 k == LT_PPP || k == LT_PPP_BSDOS ? "PPP protocol" : k == LT_CHDLC ? "HDLC protocol" : "EtherType", v);
        if ((k == LT_ETHER || k == LT_LLC || k == LT_SLL || k == LT_WLAN) && v > 255 && v <= ETHERMTU)
            return lcap_cc_error(cc, col, "LLC DSAP %u greater than maximum 255", v);
        return lcap_gen_linktype(cc, v);
    }
    case Q_IP:
        if (v > 255)
            return lcap_cc_error(cc, col, "IP protocol %u greater than maximum 255", v);
        return lcap_and(lcap_gen_linktype(cc, ETHERTYPE_IP), lcap_gen_cmp(cc, OR_LINKPL, 9, 1, v));
    case Q_IPV6: {
        if (v > 255)
            return lcap_cc_error(cc, col, "IPv6 next header %u greater than maximum 255", v);
        lcap_cond *b0 = lcap_gen_linktype(cc, ETHERTYPE_IPV6);
        lcap_cond *frag = lcap_and(lcap_gen_cmp(cc, OR_LINKPL, 6, 1, IPPROTO_FRAGMENT_),
                                   lcap_gen_cmp(cc, OR_LINKPL, 40, 1, v));
        lcap_cond *b1 = lcap_or(lcap_gen_cmp(cc, OR_LINKPL, 6, 1, v), frag);
        return lcap_and(b0, b1);
    }
    case Q_ISO:
        if (v > 255)
            return lcap_cc_error(cc, col, "ISO protocol %u greater than maximum 255", v);
        if (cc->linktype == 104)
            return lcap_and(lcap_gen_linktype(cc, LLCSAP_ISONS), lcap_gen_cmp(cc, OR_LINKPL_NOSNAP, 1, 1, v));
        if (cc->linktype == 107) /* Frame Relay: the NLPID is the protocol */
            return lcap_gen_cmp(cc, OR_LINKHDR, 2, 2, 0x0300 | v);
        return lcap_and(lcap_gen_linktype(cc, LLCSAP_ISONS), lcap_gen_cmp(cc, OR_LINKPL_NOSNAP, 0, 1, v));
    case Q_ISIS:
        if (v > 31)
            return lcap_cc_error(cc, col, "IS-IS PDU type %u greater than maximum 31", v);
        return lcap_and(lcap_gen_proto(cc, ISO10589_ISIS, Q_ISO, Q_DEFAULT, col),
                        lcap_gen_mcmp(cc, OR_LINKPL_NOSNAP, cc->linktype == 104 ? 5 : 4, 1, v, 0x1f));
    default:
        return lcap_cc_error(cc, col, "'%s proto' is not valid: '%s' does not encapsulate protocols by number",
                             lcap_qproto_name(proto), lcap_qproto_name(proto));
    }
}

lcap_cond *lcap_gen_ip_or_ip6_proto(lcap_cc *cc, int ipproto)
{
    return lcap_gen_proto(cc, (uint32_t)ipproto, Q_DEFAULT, Q_DEFAULT, 0);
}

static lcap_cond *isis_pdus(lcap_cc *cc, const uint8_t *types, size_t n)
{
    lcap_cond *b = NULL;
    /* PDU type: five bits, one byte further on Cisco HDLC (its fudge byte) */
    uint32_t off = cc->linktype == 104 ? 5 : 4;
    for (size_t i = 0; i < n; i++) {
        lcap_cond *c = lcap_gen_mcmp(cc, OR_LINKPL_NOSNAP, off, 1, types[i], 0x1f);
        b = b == NULL ? c : lcap_or(c, b);
    }
    return lcap_and(lcap_gen_proto(cc, ISO10589_ISIS, Q_ISO, Q_DEFAULT, 0), b);
}

lcap_cond *lcap_gen_proto_abbrev(lcap_cc *cc, int proto, int col)
{
    static const uint8_t l1[] = { 15, 17, 18, 24, 26 }, l2[] = { 16, 17, 20, 25, 27 }, iih[] = { 15, 16, 17 },
                         lsp[] = { 18, 20 }, snp[] = { 24, 25, 26, 27 }, csnp[] = { 24, 25 }, psnp[] = { 26, 27 };
    switch (proto) {
    case Q_SCTP: return lcap_gen_proto(cc, IPPROTO_SCTP_, Q_DEFAULT, Q_DEFAULT, col);
    case Q_TCP: return lcap_gen_proto(cc, IPPROTO_TCP_, Q_DEFAULT, Q_DEFAULT, col);
    case Q_UDP: return lcap_gen_proto(cc, IPPROTO_UDP_, Q_DEFAULT, Q_DEFAULT, col);
    case Q_ICMP: return lcap_gen_proto(cc, IPPROTO_ICMP_, Q_IP, Q_DEFAULT, col);
    case Q_IGMP: return lcap_gen_proto(cc, IPPROTO_IGMP_, Q_IP, Q_DEFAULT, col);
    case Q_IGRP: return lcap_gen_proto(cc, IPPROTO_IGRP_, Q_IP, Q_DEFAULT, col);
    case Q_PIM: return lcap_gen_proto(cc, IPPROTO_PIM_, Q_DEFAULT, Q_DEFAULT, col);
    case Q_VRRP: return lcap_gen_proto(cc, IPPROTO_VRRP_, Q_IP, Q_DEFAULT, col);
    case Q_CARP: return lcap_gen_proto(cc, IPPROTO_CARP_, Q_IP, Q_DEFAULT, col);
    case Q_IP: return lcap_gen_linktype(cc, ETHERTYPE_IP);
    case Q_ARP: return lcap_gen_linktype(cc, ETHERTYPE_ARP);
    case Q_RARP: return lcap_gen_linktype(cc, ETHERTYPE_REVARP);
    case Q_LINK: /* named as written: link, ether, fddi, tr, wlan */
        return lcap_cc_error(cc, col, "'%.*s' alone is not a filter: use it with host, proto, broadcast...",
                             col > 0 ? (int)strcspn(cc->text + col - 1, " \t\n()!&|") : 4,
                             col > 0 ? cc->text + col - 1 : "link");
    case Q_ATALK: return lcap_gen_linktype(cc, ETHERTYPE_ATALK);
    case Q_AARP: return lcap_gen_linktype(cc, ETHERTYPE_AARP);
    case Q_DECNET: return lcap_gen_linktype(cc, ETHERTYPE_DN);
    case Q_SCA: return lcap_gen_linktype(cc, ETHERTYPE_SCA);
    case Q_LAT: return lcap_gen_linktype(cc, ETHERTYPE_LAT);
    case Q_MOPDL: return lcap_gen_linktype(cc, ETHERTYPE_MOPDL);
    case Q_MOPRC: return lcap_gen_linktype(cc, ETHERTYPE_MOPRC);
    case Q_IPV6: return lcap_gen_linktype(cc, ETHERTYPE_IPV6);
    case Q_ICMPV6: return lcap_gen_proto(cc, IPPROTO_ICMPV6_, Q_IPV6, Q_DEFAULT, col);
    case Q_AH: return lcap_gen_proto(cc, IPPROTO_AH_, Q_DEFAULT, Q_DEFAULT, col);
    case Q_ESP: return lcap_gen_proto(cc, IPPROTO_ESP_, Q_DEFAULT, Q_DEFAULT, col);
    case Q_ISO: return lcap_gen_linktype(cc, LLCSAP_ISONS);
    case Q_ESIS: return lcap_gen_proto(cc, ISO9542_ESIS, Q_ISO, Q_DEFAULT, col);
    case Q_ISIS: return lcap_gen_proto(cc, ISO10589_ISIS, Q_ISO, Q_DEFAULT, col);
    case Q_CLNP: return lcap_gen_proto(cc, ISO8473_CLNP, Q_ISO, Q_DEFAULT, col);
    case Q_ISIS_L1: return isis_pdus(cc, l1, sizeof(l1));
    case Q_ISIS_L2: return isis_pdus(cc, l2, sizeof(l2));
    case Q_ISIS_IIH: return isis_pdus(cc, iih, sizeof(iih));
    case Q_ISIS_LSP: return isis_pdus(cc, lsp, sizeof(lsp));
    case Q_ISIS_SNP: return isis_pdus(cc, snp, sizeof(snp));
    case Q_ISIS_CSNP: return isis_pdus(cc, csnp, sizeof(csnp));
    case Q_ISIS_PSNP: return isis_pdus(cc, psnp, sizeof(psnp));
    case Q_STP: return lcap_gen_linktype(cc, LLCSAP_8021D);
    case Q_IPX: return lcap_gen_linktype(cc, LLCSAP_IPX);
    case Q_NETBEUI: return lcap_gen_linktype(cc, LLCSAP_NETBEUI);
    case Q_RADIO: return lcap_cc_error(cc, col, "'radio' is not a valid protocol type");
    default: return lcap_cc_error(cc, col, "unknown protocol qualifier");
    }
}

static lcap_cond *and_opt(lcap_cond *a, lcap_cond *b) { return a == NULL ? b : lcap_and(a, b); }

lcap_cond *lcap_gen_load_proto(lcap_cc *cc, int proto, int col, lcap_cond *idx_check, int *offrel)
{
    /* libpcap's order (gen_load): the index's checks, then the protocol's;
     * a transport load tests "ip" before all of them, so that the IPv6 arms
     * of "tcp" are dead code its optimizer (and ours) removes */
    switch (proto) {
    case Q_RADIO:
        /* libpcap's gen_load: radiotap, AVS and Prism only, not PPI */
        if (cc->link->vkind == V_NONE || cc->link->vkind == V_PPI)
            return lcap_cc_error(cc, col, "'radio' is not valid on DLT %s: only radiotap, AVS and Prism "
                                 "headers are indexed", cc->link->name);
        *offrel = OR_PACKET;
        return idx_check;
    case Q_LINK:
        *offrel = OR_LINKHDR;
        return idx_check;
    case Q_IP: case Q_ARP: case Q_RARP: case Q_ATALK: case Q_DECNET: case Q_SCA: case Q_LAT:
    case Q_MOPRC: case Q_MOPDL: case Q_IPV6:
        *offrel = OR_LINKPL;
        return and_opt(idx_check, lcap_gen_proto_abbrev(cc, proto, col));
    case Q_SCTP: case Q_TCP: case Q_UDP: case Q_ICMP: case Q_IGMP: case Q_IGRP: case Q_PIM:
    case Q_VRRP: case Q_CARP:
        *offrel = OR_TRAN_IPV4;
        return lcap_and(lcap_gen_linktype(cc, ETHERTYPE_IP),
                        and_opt(idx_check, lcap_and(lcap_gen_proto_abbrev(cc, proto, col), lcap_gen_ipfrag(cc))));
    case Q_ICMPV6:
        *offrel = OR_TRAN_IPV6;
        return lcap_and(and_opt(idx_check, lcap_gen_linktype(cc, ETHERTYPE_IPV6)),
                        lcap_gen_cmp(cc, OR_LINKPL, 6, 1, IPPROTO_ICMPV6_));
    default:
        return lcap_cc_error(cc, col, "'%s' does not support the index operation", lcap_qproto_name(proto));
    }
}

/* ---- names and numbers with their qualifiers ---- */

/* One part of a dotted number as strtoul(s, end, 0) reads it (0x hex,
 * leading-0 octal, else decimal), without its locale and errno work: the
 * addresses of a long chain are read in their thousands. Values past 255
 * stay past it; a part not starting with a digit is strtoul's. */
static unsigned long dotted_part(const char *s, char **end)
{
    if (*s < '0' || *s > '9')
        return strtoul(s, end, 0);
    unsigned base = 10;
    const char *p = s;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        ((p[2] >= '0' && p[2] <= '9') || (p[2] >= 'a' && p[2] <= 'f') || (p[2] >= 'A' && p[2] <= 'F'))) {
        base = 16;
        p += 2;
    } else if (p[0] == '0') {
        base = 8;
    }
    unsigned long v = 0;
    for (;; p++) {
        int d = *p >= '0' && *p <= '9' ? *p - '0'
              : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
              : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : 99;
        if ((unsigned)d >= base)
            break;
        v = v > 255 ? 256 : v * base + (unsigned)d;
    }
    *end = (char *)p;
    return v;
}

/* libpcap's dotted-number reading: each part a byte, "10.1" is 0x0a01 with 16 bits. */
static int atoin(const char *s, uint32_t *v)
{
    uint32_t n = 0;
    int len = 0;
    while (*s) {
        char *end;
        unsigned long part = dotted_part(s, &end);
        if (end == s || part > 255)
            return -1;
        n = n << 8 | (uint32_t)part;
        len += 8;
        s = end;
        if (*s == '.')
            s++;
        else if (*s != '\0')
            return -1;
    }
    *v = n;
    return len;
}

struct host_ctx {
    lcap_cc *cc;
    lcap_cond *b;
    int proto4, proto6, dir, col;
};

static void each_host(void *ctx, int family, const uint8_t *a)
{
    struct host_ctx *h = ctx;
    lcap_cond *c;
    if (h->cc->error)
        return;
    if (family == AF_INET) {
        if (h->proto4 == Q_IPV6)
            return;
        uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
        c = lcap_gen_host4(h->cc, v, 0xffffffffu, h->proto4, h->dir, 0, h->col);
    } else {
        if (h->proto6 == Q_IP)
            return;
        static const uint8_t all[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                         0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
        c = lcap_gen_host6(h->cc, a, all, h->proto6, h->dir, 0, h->col);
    }
    h->b = h->b == NULL ? c : lcap_or(h->b, c);
}

static int lookup_proto(lcap_cc *cc, const char *name, int proto, int col)
{
    char err[CAPTURE_ERRBUF_SIZE];
    int v;
    switch (proto) {
    case Q_DEFAULT:
    case Q_IP:
    case Q_IPV6:
        if (lcap_names_proto(name, &v, err) == 0)
            return v;
        lcap_cc_error(cc, col, "unknown ip proto '%s'", name);
        return -1;
    case Q_LINK:
        if (lcap_names_link_proto(name, &v) > 0)
            return v;
        lcap_cc_error(cc, col, "unknown ether proto '%s'", name);
        return -1;
    case Q_ISO:
        if (strcmp(name, "esis") == 0)
            return ISO9542_ESIS;
        if (strcmp(name, "isis") == 0)
            return ISO10589_ISIS;
        if (strcmp(name, "clnp") == 0)
            return ISO8473_CLNP;
        lcap_cc_error(cc, col, "unknown osi proto '%s'", name);
        return -1;
    default:
        lcap_cc_error(cc, col, "'%s proto %s': protocol names need ip, ip6, link or iso", lcap_qproto_name(proto),
                      name);
        return -1;
    }
}

static lcap_cond *gen_gateway(lcap_cc *cc, const lcap_node *n);

/* A port name or number: its number, and the one transport protocol the
 * services database lists it for (PROTO_UNDEF if several or a number). As
 * in libpcap, the qualifier is checked against that only afterwards, so
 * "sctp port domain" (tcp and udp) and "udp portrange ssh-domain" compile. */
static int port_lookup(lcap_cc *cc, const char *name, int col, int *port, int *realproto)
{
    char err[CAPTURE_ERRBUF_SIZE];
    int protos = 0;
    char *end;
    unsigned long v = strtoul(name, &end, 10);
    if (*name != '\0' && *end == '\0') {
        if (v > 65535) {
            lcap_cc_error(cc, col, "illegal port number %lu > 65535", v);
            return -1;
        }
        *port = (int)v;
        *realproto = PROTO_UNDEF;
        return 0;
    }
    if (lcap_names_port(name, port, &protos, err) < 0) {
        lcap_cc_error(cc, col, "unknown port '%s'", name);
        return -1;
    }
    int count = !!(protos & LCAP_PROTO_TCP) + !!(protos & LCAP_PROTO_UDP) + !!(protos & LCAP_PROTO_SCTP);
    if (count == 1)
        *realproto = protos & LCAP_PROTO_TCP ? IPPROTO_TCP_ : protos & LCAP_PROTO_UDP ? IPPROTO_UDP_ : IPPROTO_SCTP_;
    else
        *realproto = PROTO_UNDEF;
    return 0;
}

lcap_cond *lcap_gen_id(lcap_cc *cc, const lcap_node *n)
{
    const char *name = n->s;
    char err[CAPTURE_ERRBUF_SIZE];
    int proto = n->q.proto, dir = n->q.dir;

    switch (n->q.addr) {
    case Q_NET: {
        uint32_t addr, mask = 0xffffffffu;
        if (lcap_names_net(name, &addr, err) < 0)
            return lcap_cc_error(cc, n->col, "unknown network '%s'", name);
        while (addr != 0 && (addr & 0xff000000u) == 0) {
            addr <<= 8;
            mask <<= 8;
        }
        return lcap_gen_host4(cc, addr, mask, proto, dir, 1, n->col);
    }
    case Q_DEFAULT:
    case Q_HOST:
        if (proto == Q_LINK) {
            uint8_t mac[6];
            if (lcap_names_ether(name, mac, err) < 0)
                return lcap_cc_error(cc, n->col, "unknown ether host '%s'", name);
            return lcap_gen_link_host(cc, mac, dir, n->col);
        }
        if (proto == Q_DECNET)
            return lcap_cc_error(cc, n->col, "unknown decnet host name '%s'", name);
        {
            struct host_ctx h = { cc, NULL, proto, proto, dir, n->col };
            if (cc->off_linktype.k == LCAP_OFF_NONE && proto == Q_DEFAULT) {
                h.proto4 = Q_IP;
                h.proto6 = Q_IPV6;
            }
            int fam = proto == Q_IP || proto == Q_ARP || proto == Q_RARP ? AF_INET :
                      proto == Q_IPV6 ? AF_INET6 : AF_UNSPEC;
            if (lcap_names_host(name, fam, each_host, &h, err) < 0)
                return lcap_cc_error(cc, n->col, "unknown host '%s'", name);
            if (cc->error)
                return NULL;
            if (h.b == NULL)
                return lcap_cc_error(cc, n->col, "unknown host '%s'%s", name,
                                     proto == Q_DEFAULT ? "" : " for specified address family");
            return h.b;
        }
    case Q_PORT:
    case Q_PORTRANGE: {
        if (port_proto(cc, proto, n->col) == -2)
            return NULL;
        int lo, hi, rp;
        if (n->q.addr == Q_PORTRANGE) {
            const char *dash = strchr(name, '-');
            if (dash != NULL && dash != name) {
                char a[64];
                size_t l = (size_t)(dash - name);
                if (l >= sizeof(a))
                    return lcap_cc_error(cc, n->col, "unknown port in range '%s'", name);
                memcpy(a, name, l);
                a[l] = '\0';
                int rp2;
                if (port_lookup(cc, a, n->col, &lo, &rp) < 0 ||
                    port_lookup(cc, dash + 1, n->col, &hi, &rp2) < 0)
                    return NULL;
                if (rp != rp2)
                    rp = PROTO_UNDEF;
            } else {
                if (port_lookup(cc, name, n->col, &lo, &rp) < 0)
                    return NULL;
                hi = lo;
            }
        } else {
            if (port_lookup(cc, name, n->col, &lo, &rp) < 0)
                return NULL;
            hi = lo;
        }
        int pp = port_proto(cc, proto, n->col);
        if (pp != PROTO_UNDEF && rp != PROTO_UNDEF && rp != pp)
            return lcap_cc_error(cc, n->col, "port%s '%s' is %s", n->q.addr == Q_PORTRANGE ? " in range" : "", name,
                                 rp == IPPROTO_TCP_ ? "tcp" : rp == IPPROTO_UDP_ ? "udp" : "sctp");
        if (pp != PROTO_UNDEF)
            rp = pp;
        return lcap_gen_port(cc, (uint32_t)lo, (uint32_t)hi, rp, dir, n->q.addr == Q_PORTRANGE);
    }
    case Q_GATEWAY:
        return gen_gateway(cc, n);
    case Q_PROTO: {
        int v = lookup_proto(cc, name, proto, n->col);
        return v < 0 ? NULL : lcap_gen_proto(cc, (uint32_t)v, proto, dir, n->col);
    }
    case Q_PROTOCHAIN: {
        int v = lookup_proto(cc, name, proto, n->col);
        return v < 0 ? NULL : lcap_gen_protochain(cc, (uint32_t)v, proto, n->col);
    }
    default:
        return lcap_cc_error(cc, n->col, "'%s' cannot be used here", name);
    }
}

struct gw_ctx {
    int n;
    uint32_t addr[64];
};

static void each_gw(void *ctx, int family, const uint8_t *a)
{
    struct gw_ctx *g = ctx;
    if (family != AF_INET || g->n == 64)
        return;
    g->addr[g->n++] = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

/* gateway: a frame to or from the name's MAC address carrying IPv4, ARP or
 * RARP (or the one protocol asked for) whose addresses are none of the name's. */
static lcap_cond *gen_gateway(lcap_cc *cc, const lcap_node *n)
{
    char err[CAPTURE_ERRBUF_SIZE];
    uint8_t mac[6];
    int proto = n->q.proto;
    if (n->q.dir != Q_DEFAULT)
        return lcap_cc_error(cc, n->col, "a direction cannot qualify 'gateway'");
    if (proto != Q_DEFAULT && proto != Q_IP && proto != Q_ARP && proto != Q_RARP)
        return lcap_cc_error(cc, n->col, "illegal modifier of 'gateway'");
    switch (lcap_cur_link(cc)->hkind) {
    case H_ETHER: case H_FDDI: case H_TR: case H_WLAN: case H_IPFC:
        break;
    default:
        return lcap_cc_error(cc, n->col, "'gateway' is not valid on DLT %s: it needs MAC addresses",
                             lcap_cur_link(cc)->name);
    }
    if (lcap_names_ether(n->s, mac, err) < 0)
        return lcap_cc_error(cc, n->col, "unknown ether host '%s'", n->s);
    struct gw_ctx g = { 0, { 0 } };
    if (lcap_names_host(n->s, AF_INET, each_gw, &g, err) < 0 || g.n == 0)
        return lcap_cc_error(cc, n->col, "unknown host '%s' (gateway needs an IPv4 address)", n->s);
    static const struct {
        int q;
        uint32_t type, src, dst;
    } fam[] = { { Q_IP, ETHERTYPE_IP, 12, 16 }, { Q_ARP, ETHERTYPE_ARP, 14, 24 }, { Q_RARP, ETHERTYPE_REVARP, 14, 24 } };
    lcap_cond *b1 = NULL;
    for (size_t f = 0; f < 3; f++) {
        if (proto != Q_DEFAULT && proto != fam[f].q)
            continue;
        lcap_cond *any = NULL;
        for (int i = 0; i < g.n; i++) {
            lcap_cond *c = lcap_or(lcap_gen_cmp(cc, OR_LINKPL, fam[f].src, 4, g.addr[i]),
                                   lcap_gen_cmp(cc, OR_LINKPL, fam[f].dst, 4, g.addr[i]));
            any = any == NULL ? c : lcap_or(any, c);
        }
        lcap_cond *t = lcap_and(lcap_gen_linktype(cc, fam[f].type), lcap_not(any));
        b1 = b1 == NULL ? t : lcap_or(b1, t);
    }
    return lcap_and(lcap_gen_link_host(cc, mac, Q_OR, n->col), b1);
}

lcap_cond *lcap_gen_num(lcap_cc *cc, const lcap_node *n)
{
    uint32_t v = n->num;
    int proto = n->q.proto, dir = n->q.dir;
    switch (n->q.addr) {
    case Q_DEFAULT:
    case Q_HOST:
    case Q_NET:
        if (proto == Q_DECNET)
            return lcap_cc_error(cc, n->col, "invalid DECnet address '%s': it is area.node", n->s);
        if (proto == Q_LINK)
            return lcap_cc_error(cc, n->col, "illegal link layer address '%s': a MAC address has six bytes", n->s);
        {
            uint32_t mask = 0xffffffffu;
            if (n->q.addr == Q_NET) {
                while (v != 0 && (v & 0xff000000u) == 0) {
                    v <<= 8;
                    mask <<= 8;
                }
            }
            return lcap_gen_host4(cc, v, mask, proto, dir, n->q.addr == Q_NET, n->col);
        }
    case Q_PORT:
    case Q_PORTRANGE: {
        int pp = port_proto(cc, proto, n->col);
        if (pp == -2)
            return NULL;
        if (v > 65535)
            return lcap_cc_error(cc, n->col, "illegal port number %u > 65535", v);
        return lcap_gen_port(cc, v, v, pp, dir, n->q.addr == Q_PORTRANGE);
    }
    case Q_GATEWAY:
        return lcap_cc_error(cc, n->col, "'gateway' requires a name");
    case Q_PROTO:
        return lcap_gen_proto(cc, v, proto, dir, n->col);
    case Q_PROTOCHAIN:
        return lcap_gen_protochain(cc, v, proto, n->col);
    default:
        return lcap_cc_error(cc, n->col, "a number cannot be used here");
    }
}

/* decnet "area.node" address. */
static int atodn(const char *s, uint32_t *v)
{
    unsigned area, node;
    char extra;
    if (sscanf(s, "%u.%u%c", &area, &node, &extra) != 2 || area > 63 || node > 1023)
        return -1;
    *v = area << 10 | node;
    return 0;
}

/* ---- chains of host terms ---- */

/* An IPv4 host term of a chain (lcap_gen_host4_chain): "host 10.0.0.1",
 * "src 10.1" or "10.0.0.1" after one, without a mask or a protocol
 * qualifier. */
int lcap_host_chain_ok(const lcap_cc *cc, const lcap_node *n)
{
    /* Ethernet's type field, compared with the three types, is one test of
     * one field: at most one family matches a packet (see below) */
    return n->kind == N_HID && n->masklen < 0 && !n->has_mask && n->q.proto == Q_DEFAULT &&
           (n->q.addr == Q_DEFAULT || n->q.addr == Q_HOST) && n->q.dir <= Q_AND && !cc->libpcap_shape &&
           cc->linktype == cc->dlt && cc->link->ltkind == LT_ETHER && !cc->is_lane && cc->label_depth == 0;
}

/* "host A or host B or ..." (leaf[0..n) in order, each lcap_host_chain_ok)
 * as "ip ? (A's tests or B's ...) : (arp or rarp) and (A's tests ...)":
 * libpcap's form tests the link type again in every term, and only the
 * optimizer finds those tests decided (threading) and ARP's tests the same
 * as RARP's (merging). The tests run in the same order on every packet (one
 * family at most matches it, and a term's address tests come in the order
 * of the terms either way), the tests left out would only load the type
 * field again: every result, on short packets too, is the same, and the
 * optimizer gets the graph it would make, from under half the blocks. Not
 * in libpcap's shape (the graph the verdict "rejects all packets" is
 * judged on, compile.c). */
lcap_cond *lcap_gen_host4_chain(lcap_cc *cc, const lcap_node *const *leaf, size_t n)
{
    static const struct {
        uint32_t type, src, dst;
    } fam[] = { { ETHERTYPE_IP, 12, 16 }, { ETHERTYPE_ARP, 14, 24 }, { ETHERTYPE_REVARP, 14, 24 } };
    uint32_t *am = lcap_cc_scratch(cc, 2 * n * sizeof(*am)); /* address, mask; ... */
    if (am == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        /* as lcap_gen_dotted reads a host address */
        int len = atoin(leaf[i]->s, &am[2 * i]);
        if (len < 0)
            return lcap_cc_error(cc, leaf[i]->col, "invalid IPv4 address '%s'", leaf[i]->s);
        if (len < 32)
            am[2 * i] <<= 32 - len;
        am[2 * i + 1] = len >= 32 ? 0xffffffffu : 0xffffffffu << (32 - len);
    }
    /* the address tests of IPv4, and of ARP and RARP (one set: the same
     * fields of the same header) */
    lcap_cond *lt[3], *x[2];
    for (size_t f = 0; f < 3 && !cc->error; f++)
        lt[f] = lcap_gen_linktype(cc, fam[f].type);
    for (size_t f = 0; f < 2 && !cc->error; f++) {
        x[f] = NULL;
        for (size_t i = 0; i < n && !cc->error; i++) {
            lcap_cond *a = addr4(cc, am[2 * i], am[2 * i + 1], leaf[i]->q.dir, fam[f].src, fam[f].dst);
            x[f] = x[f] == NULL ? a : lcap_or(x[f], a);
        }
    }
    if (cc->error)
        return NULL;
    /* "ip ? (...) : (arp or rarp) and (...)": once a family matched, the
     * others cannot (and their tests would load the type field again,
     * which cannot stop the program): its address tests failing is the end,
     * as the optimizer's threading would find; ARP's and RARP's tests are
     * the ones the optimizer would merge */
    lcap_cond *b = lcap_ite(lt[0], x[0], lcap_and(lcap_or(lt[1], lt[2]), x[1]));
    return b;
}

lcap_cond *lcap_gen_dotted(lcap_cc *cc, const lcap_node *n)
{
    int proto = n->q.proto, dir = n->q.dir;
    uint32_t v, m;
    if (proto == Q_DECNET) {
        if (n->masklen >= 0 || n->has_mask)
            return lcap_cc_error(cc, n->col, "a mask is not valid for decnet addresses");
        if (n->q.addr != Q_DEFAULT && n->q.addr != Q_HOST && n->q.addr != Q_NET)
            return lcap_cc_error(cc, n->col, "decnet address '%s' used with '%s'", n->s, addr_kind_name(n->q.addr));
        if (atodn(n->s, &v) < 0)
            return lcap_cc_error(cc, n->col, "malformed decnet address '%s'", n->s);
        return lcap_gen_dnhost(cc, v, dir, n->col);
    }
    int len = atoin(n->s, &v);
    if (len < 0)
        return lcap_cc_error(cc, n->col, "invalid IPv4 address '%s'", n->s);
    if (len < 32)
        v <<= 32 - len;
    if (n->masklen >= 0 || n->has_mask) {
        if (n->has_mask) {
            int ml = atoin(n->mask, &m);
            if (ml < 0)
                return lcap_cc_error(cc, n->col, "invalid netmask '%s'", n->mask);
            if (ml < 32)
                m <<= 32 - ml;
            if (v & ~m)
                return lcap_cc_error(cc, n->col, "non-network bits set in \"%s mask %s\"", n->s, n->mask);
        } else {
            if (n->masklen > 32)
                return lcap_cc_error(cc, n->col, "mask length must be <= 32");
            m = n->masklen == 0 ? 0 : 0xffffffffu << (32 - n->masklen);
            if (v & ~m)
                return lcap_cc_error(cc, n->col, "non-network bits set in \"%s/%d\"", n->s, n->masklen);
        }
        if (n->q.addr != Q_NET)
            return lcap_cc_error(cc, n->col, "Mask syntax for networks only");
        if (proto == Q_LINK)
            return lcap_cc_error(cc, n->col, "illegal link layer address");
        return lcap_gen_host4(cc, v, m, proto, dir, 1, n->col);
    }
    switch (n->q.addr) {
    case Q_DEFAULT:
    case Q_HOST:
    case Q_NET:
        if (proto == Q_LINK)
            return lcap_cc_error(cc, n->col, "illegal link layer address '%s'", n->s);
        m = len >= 32 ? 0xffffffffu : 0xffffffffu << (32 - len);
        return lcap_gen_host4(cc, v, m, proto, dir, n->q.addr == Q_NET, n->col);
    default:
        return lcap_cc_error(cc, n->col, "the address '%s' cannot be used with '%s'", n->s, addr_kind_name(n->q.addr));
    }
}

lcap_cond *lcap_gen_ip6addr(lcap_cc *cc, const lcap_node *n)
{
    int ml = n->masklen < 0 ? 128 : n->masklen;
    uint8_t mask[16] = { 0 };
    if (ml > 128)
        return lcap_cc_error(cc, n->col, "mask length must be <= 128");
    for (int i = 0; i < ml; i++)
        mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
    for (int i = 0; i < 16; i++)
        if (n->addr[i] & ~mask[i])
            return lcap_cc_error(cc, n->col, "non-network bits set in \"%s/%d\"", n->s, ml);
    switch (n->q.addr) {
    case Q_DEFAULT:
    case Q_HOST:
        if (ml != 128)
            return lcap_cc_error(cc, n->col, "Mask syntax for networks only");
        /* fall through */
    case Q_NET:
        return lcap_gen_host6(cc, n->addr, mask, n->q.proto, n->q.dir, n->q.addr == Q_NET, n->col);
    default:
        return lcap_cc_error(cc, n->col, "invalid qualifier against IPv6 address");
    }
}

lcap_cond *lcap_gen_ecode(lcap_cc *cc, const lcap_node *n)
{
    if (n->q.addr != Q_DEFAULT && n->q.addr != Q_HOST)
        return lcap_cc_error(cc, n->col, "a MAC address is valid only with 'host' (or no address qualifier)");
    if (n->q.proto != Q_LINK)
        return lcap_cc_error(cc, n->col, "%s address '%s' needs the 'ether' or 'link' qualifier",
                             n->kind == N_AID ? "an ARCnet" : "a MAC", n->s);
    if (n->kind == N_AID)
        return lcap_gen_link_arcnet(cc, n->addr[0], n->q.dir, n->col);
    return lcap_gen_link_host(cc, n->addr, n->q.dir, n->col);
}
