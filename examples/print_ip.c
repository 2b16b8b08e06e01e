/* print_ip.c - capsniff's network layer: IPv4, IPv6 with its extension headers, and ARP, in tcpdump -n's words. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "print.h"

/* The transports decoded, by IP protocol number. */
static const struct {
    uint8_t proto;
    void (*print)(const struct ipinfo *ip, struct view v);
} transports[] = {
    { 6, print_tcp }, { 17, print_udp }, { 132, print_sctp },
    { 33, print_dccp }, { 50, print_esp }, { 1, print_icmp }, { 58, print_icmp6 }, { 2, print_igmp },
};

void print_ip_head(const struct ipinfo *ip)
{
    if (!ip->shown)
        printf("%s%s > %s: ", ip->ver, ip->src, ip->dst);
}

void print_ip_ports(const struct ipinfo *ip, uint16_t sport, uint16_t dport)
{
    if (ip->shown)
        printf("%u > %u: ", sport, dport);
    else
        printf("%s%s.%u > %s.%u: ", ip->ver, ip->src, sport, ip->dst, dport);
}

static void print_transport(const struct ipinfo *ip, uint8_t proto, struct view v)
{
    for (size_t i = 0; i < sizeof transports / sizeof transports[0]; i++)
        if (transports[i].proto == proto) {
            transports[i].print(ip, v);
            return;
        }
    print_ip_head(ip);
    printf(" ip-proto-%u %u\n", proto, ip->paylen);
}

void print_ipv4(const struct print_opts *o, struct view v)
{
    struct ipinfo ip = { .ver = o->link_header ? "" : "IP " };
    unsigned version = v.cap >= 1 ? v.p[0] >> 4 : 4;
    if (version != 4) {
        if (version == 6)
            printf("IP6, wrong link-layer encapsulation (invalid)\n");
        else
            printf("IP%u (invalid)\n", version);
        return;
    }
    if (v.cap < 20) {
        printf("%s [|ip]\n", ip.ver);
        return;
    }
    uint32_t hlen = (uint32_t)(v.p[0] & 0x0f) * 4;
    uint32_t total = be16(v.p + 2);
    uint16_t frag = be16(v.p + 6);
    uint8_t proto = v.p[9];
    if (hlen < 20) {
        printf("%sbad-hlen %u\n", ip.ver, hlen);
        return;
    }
    if (total < hlen) {
        printf("%sbad-len %u\n", ip.ver, total);
        return;
    }
    printf("%s", ip.ver);
    ip.ver = "";
    /* Fewer bytes on the wire than the header claims: said, and lengths still follow the header. */
    if (v.wire < total)
        printf("truncated-ip - %u bytes missing! ", total - v.wire);
    inet_ntop(AF_INET, v.p + 12, ip.src, sizeof ip.src);
    inet_ntop(AF_INET, v.p + 16, ip.dst, sizeof ip.dst);
    ip.paylen = total - hlen;
    if ((frag & 0x1fff) != 0) {
        print_ip_head(&ip);
        printf("ip-proto-%u\n", proto);
        return;
    }
    if (hlen > v.cap) {
        print_ip_head(&ip);
        printf("[|ip]\n");
        return;
    }
    struct view t = skip(v, hlen);
    /* Trailing link padding is not transport data. */
    if (t.cap > ip.paylen)
        t.cap = ip.paylen;
    print_transport(&ip, proto, t);
}

/* IPv6 extension headers walked to the transport, tcpdump's word for each,
 * and how their length is counted: (p[1] + extra) * unit. Routing headers
 * are only named: tcpdump lists their addresses in forms of its own. */
static const struct {
    uint8_t next;
    const char *name, *cut; /* what is printed, and its truncation marker */
    uint8_t unit, extra;
    int stop;
} ext_headers[] = {
    { 0, "HBH ", " [|hbhopt]", 8, 1, 0 }, { 60, "DSTOPT ", " [|dstopt]", 8, 1, 0 },
    { 43, "RT6", " [|rt6]", 8, 1, 1 }, { 51, "AH", " [|ah]", 4, 2, 0 }, { 44, "frag", " [|frag]", 8, 0, 0 },
};

/* Walks the options of a hop-by-hop or destination header h of len bytes.
 * Returns -1 when one runs past the header, else 0 with the Jumbo Payload
 * length in *jumbo (0 if absent). */
static int walk_options(const uint8_t *h, uint32_t len, uint32_t *jumbo)
{
    *jumbo = 0;
    for (uint32_t i = 2; i < len;) {
        if (h[i] == 0) { /* Pad1 */
            i++;
            continue;
        }
        if (i + 2 > len || i + 2 + h[i + 1] > len)
            return -1;
        if (h[i] == 0xc2 && h[i + 1] == 4)
            *jumbo = be32(h + i + 2);
        i += 2u + h[i + 1];
    }
    return 0;
}

void print_ipv6(const struct print_opts *o, struct view v)
{
    struct ipinfo ip = { .ver = o->link_header ? "" : "IP6 " };
    if (v.cap < 40) {
        printf(" [|ip6]\n");
        return;
    }
    if ((v.p[0] >> 4) != 6) {
        printf("%sversion error: %u != 6\n", ip.ver, v.p[0] >> 4);
        return;
    }
    inet_ntop(AF_INET6, v.p + 8, ip.src, sizeof ip.src);
    inet_ntop(AF_INET6, v.p + 24, ip.dst, sizeof ip.dst);
    uint32_t paylen = be16(v.p + 4);
    uint8_t next = v.p[6];
    struct view t = skip(v, 40);
    int jumbo = paylen == 0 && next == 0; /* the length is in a hop-by-hop option */
    printf("%s", ip.ver);
    ip.ver = "";
    if (!jumbo && t.wire < paylen)
        printf("truncated-ip6 - %u bytes missing!", paylen - t.wire);
    /* Walk the extension headers to the transport; a bounded number of them. */
    for (int hops = 0; hops < 8; hops++) {
        size_t k = 0;
        while (k < sizeof ext_headers / sizeof ext_headers[0] && ext_headers[k].next != next)
            k++;
        if (k == sizeof ext_headers / sizeof ext_headers[0])
            break;
        print_ip_head(&ip);
        ip.shown = 1;
        uint32_t need = next == 44 ? 4 : next == 51 ? 12 : 2;
        if (t.cap < need) {
            printf("%s%s\n", ext_headers[k].name, ext_headers[k].cut);
            return;
        }
        uint32_t len = next == 44 ? 8 : ((uint32_t)t.p[1] + ext_headers[k].extra) * ext_headers[k].unit;
        if (next == 44) { /* fragment: the offset and the bytes after this header */
            uint16_t off = be16(t.p + 2) & 0xfff8;
            printf("frag (%u|%llu)", off, (unsigned long long)((uint64_t)paylen - 8));
            if (off != 0) {
                printf("\n");
                return;
            }
            printf(" ");
            if (t.cap < 8) {
                printf("\n");
                return;
            }
        } else if (next == 51) {
            printf("AH(spi=0x%08x,seq=0x%x", be32(t.p + 4), be32(t.p + 8));
            if (len > 12 && len <= t.cap) { /* the integrity check value */
                printf(",icv=0x");
                for (uint32_t i = 12; i < len; i++)
                    printf("%02x", t.p[i]);
            }
            printf("): ");
        } else {
            printf("%s", ext_headers[k].name);
        }
        if (ext_headers[k].stop) {
            printf("\n");
            return;
        }
        uint32_t jumbo_len = 0;
        if (len > t.cap || ((next == 0 || next == 60) && walk_options(t.p, len, &jumbo_len) < 0)) {
            printf("%s\n", ext_headers[k].cut);
            return;
        }
        if (hops == 0 && next == 0 && jumbo) {
            paylen = jumbo_len > 65535 ? jumbo_len : 0; /* RFC 2675: only for what 16 bits cannot say */
            ip.jumbo = 1;
            if (paylen == 0) {
                printf("[No valid Jumbo Payload Hop-by-Hop option found] (invalid)\n");
                return;
            }
            if (t.wire < paylen)
                printf("truncated-ip6 - %u bytes missing!", paylen - t.wire);
            if (t.cap > paylen)
                t.cap = paylen;
        }
        if (len > paylen) {
            printf("[|ip6]\n");
            return;
        }
        next = t.p[0];
        paylen -= len;
        t = skip(t, len);
    }
    ip.paylen = paylen;
    if (t.cap > paylen) /* trailing link padding is not transport data */
        t.cap = paylen;
    print_transport(&ip, next, t);
}

/* ARP operations by tcpdump's names. */
static const struct name arp_ops[] = {
    { 1, "Request" }, { 2, "Reply" }, { 3, "Reverse Request" }, { 4, "Reverse Reply" },
    { 8, "Inverse Request" }, { 9, "Inverse Reply" }, { 0, NULL },
};

/* A hardware address of n bytes, colon-separated. */
static void print_hwaddr(const uint8_t *m, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        printf(i ? ":%02x" : "%02x", m[i]);
}

static void print_ipaddr(const uint8_t *a)
{
    printf("%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

void print_arp(const struct print_opts *o, struct view v)
{
    /* Addresses of the lengths the header gives: sender hw, sender proto, target hw, target proto. */
    if (v.cap < 8) {
        printf(" [|arp]\n");
        return;
    }
    uint16_t htype = be16(v.p), ptype = be16(v.p + 2), op = be16(v.p + 6);
    unsigned hln = v.p[4], pln = v.p[5];
    if (htype == 19) { /* ATM ARP (RFC 2225): six addresses whose lengths follow the op */
        if (v.cap < 12 || 12u + (v.p[4] & 0x3f) + (v.p[5] & 0x3f) + v.p[8] + (v.p[9] & 0x3f) +
                                  (v.p[10] & 0x3f) + v.p[11] > v.cap)
            printf(" [|arp]\n");
        else
            printf("%sATM hardware, op %u, length %u\n", o->link_header ? "" : "ARP, ", op, v.wire);
        return;
    }
    const uint8_t *sha = v.p + 8, *spa = sha + hln, *tha = spa + pln, *tpa = tha + hln;
    if (8 + 2 * hln + 2 * pln > v.cap) {
        printf(" [|arp]\n");
        return;
    }
    if (!o->link_header)
        printf("ARP, ");
    if ((ptype != 0x0800 && ptype != 0x1000) || pln != 4 || hln == 0) {
        if (htype == 1)
            printf("Ethernet (len %u), ", hln);
        else
            printf("Unknown Hardware (%u) (len %u), ", htype, hln);
        const char *pname = ethertype_name(ptype);
        if (pname[0] == 'U')
            printf("Unknown Protocol (0x%04x) (len %u)", ptype, pln);
        else
            printf("%s (len %u)", pname, pln);
        printf(", length %u\n", v.wire);
        return;
    }
    const char *opname = name_of(arp_ops, op);
    if (opname == NULL) {
        printf("Unknown (%u)\n", op);
        return;
    }
    printf("%s ", opname);
    switch (op) {
    case 1: {
        printf("who-has ");
        print_ipaddr(tpa);
        int zero = 1;
        for (unsigned i = 0; i < hln; i++)
            zero &= tha[i] == 0;
        if (!zero) { /* a request that already names a target hardware address shows it */
            printf(" (");
            print_hwaddr(tha, hln);
            printf(")");
        }
        printf(" tell ");
        print_ipaddr(spa);
        break;
    }
    case 2:
        print_ipaddr(spa);
        printf(" is-at ");
        print_hwaddr(sha, hln);
        break;
    case 3: case 8:
        printf("who-is ");
        print_hwaddr(tha, hln);
        printf(" tell ");
        print_hwaddr(sha, hln);
        break;
    case 4:
        print_hwaddr(tha, hln);
        printf(" at ");
        print_ipaddr(tpa);
        break;
    case 9:
        print_hwaddr(sha, hln);
        printf(" at ");
        print_ipaddr(spa);
        break;
    }
    printf(", length %u\n", v.wire);
}
