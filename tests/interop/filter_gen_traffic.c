/* filter_gen_traffic.c - the traffic half of the filter differential test's
 * generators: seeded Ethernet frames of every encapsulation the filter
 * language looks into, with addresses and ports from the shared pools, plus
 * truncated copies and noise. One random draw per expression at most, so
 * that every compiler makes the same packets from one seed. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <string.h>

#include "filter_gen.h"
#include "filter_gen_pools.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct pb {
    fg_packet *p;
    fg_rng *r;
    size_t n;   /* bytes written */
};

static void b8(struct pb *b, unsigned v)
{
    if (b->n < sizeof(b->p->data))
        b->p->data[b->n++] = (uint8_t)v;
}
static void b16(struct pb *b, unsigned v) { b8(b, v >> 8); b8(b, v); }
static void b32(struct pb *b, uint32_t v) { b16(b, v >> 16); b16(b, v & 0xffff); }
static void bytes(struct pb *b, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b8(b, s[i]);
}
static void put16_at(struct pb *b, size_t at, unsigned v)
{
    if (at + 2 <= sizeof(b->p->data)) {
        b->p->data[at] = (uint8_t)(v >> 8);
        b->p->data[at + 1] = (uint8_t)v;
    }
}

/* Random filler biased towards the values filters compare against. */
static void noise(struct pb *b, size_t n)
{
    static const uint8_t fav[] = { 0, 1, 2, 5, 6, 0x11, 0x45, 0x80, 0xff, 0x0f, 0xf0, 0x08, 0x86, 0xdd, 0x81 };
    for (size_t i = 0; i < n; i++)
        b8(b, fg_below(b->r, 3) ? fg_rand(b->r) & 0xff : fav[fg_below(b->r, N(fav))]);
}

#define CH(b, pct) (fg_below((b)->r, 100) < (pct))

static void mac(struct pb *b)
{
    if (CH(b, 75))
        bytes(b, fg_macs[fg_below(b->r, FG_NMACS)], 6);
    else
        noise(b, 6);
}

static void v4addr(struct pb *b)
{
    uint8_t a[4];
    if (CH(b, 85) && inet_pton(AF_INET, fg_v4[fg_below(b->r, N(fg_v4))], a) == 1)
        bytes(b, a, 4);
    else
        noise(b, 4);
}

static void v6addr(struct pb *b)
{
    uint8_t a[16];
    if (CH(b, 85) && inet_pton(AF_INET6, fg_v6[fg_below(b->r, N(fg_v6))], a) == 1)
        bytes(b, a, 16);
    else
        noise(b, 16);
}

static unsigned port(struct pb *b)
{
    return CH(b, 80) ? fg_port_nums[fg_below(b->r, N(fg_port_nums))] : fg_rand(b->r) & 0xffff;
}

static void ether_frame(struct pb *b);

/* A transport header and a little payload for IP protocol proto. */
static void transport(struct pb *b, unsigned proto, int depth)
{
    switch (proto) {
    case 6: {   /* TCP, sometimes with options */
        int opt = CH(b, 25) ? 1 + (int)fg_below(b->r, 3) : 0;
        b16(b, port(b));
        b16(b, port(b));
        b32(b, fg_rand(b->r));
        b32(b, fg_rand(b->r));
        b8(b, (unsigned)(5 + opt) << 4);
        if (CH(b, 50)) {
            unsigned flag = 0x02u << fg_below(b->r, 5);
            b8(b, flag | (CH(b, 40) ? 0x10 : 0));
        } else {
            b8(b, fg_rand(b->r) & 0xff);
        }
        b16(b, 1024);
        b32(b, 0);
        for (int i = 0; i < opt; i++)
            b32(b, 0x01010101);
        if (CH(b, 30)) {
            static const uint8_t get[] = { 'G', 'E', 'T', ' ' };
            bytes(b, get, 4);
        }
        noise(b, fg_below(b->r, 24));
        break;
    }
    case 17: {   /* UDP; VXLAN and Geneve carry another frame */
        unsigned sp = port(b), dp = port(b);
        int tunnel = depth == 0 && CH(b, 25);
        if (tunnel)
            dp = CH(b, 50) ? 4789 : 6081;
        b16(b, sp);
        b16(b, dp);
        size_t lenat = b->n;
        b16(b, 8);
        b16(b, 0);
        size_t start = b->n - 8;
        if (tunnel && dp == 4789) {
            b8(b, CH(b, 85) ? 0x08 : fg_rand(b->r));
            b8(b, 0); b8(b, 0); b8(b, 0);
            b32(b, (CH(b, 50) ? 5u : fg_below(b->r, 3) ? 0x123456u : fg_rand(b->r) & 0xffffff) << 8);
            ether_frame(b);
        } else if (tunnel) {
            unsigned optlen = CH(b, 70) ? 0 : 1 + fg_below(b->r, 2);
            b8(b, optlen);   /* version 0, option length in 4-byte words */
            b8(b, 0);
            b16(b, CH(b, 80) ? 0x6558 : 0x0800);
            b32(b, (CH(b, 50) ? 5u : 0x123456u) << 8);
            for (unsigned i = 0; i < optlen; i++)
                b32(b, fg_rand(b->r));
            ether_frame(b);
        } else {
            noise(b, fg_below(b->r, 24));
        }
        put16_at(b, lenat, (unsigned)(b->n - start));
        break;
    }
    case 1:      /* ICMP */
    case 58: {   /* ICMPv6 */
        static const uint8_t t4[] = { 0, 3, 4, 5, 8, 11, 17, 18 };
        static const uint8_t t6[] = { 1, 128, 129, 133, 134, 135, 136, 143 };
        b8(b, CH(b, 85) ? (proto == 1 ? t4[fg_below(b->r, N(t4))] : t6[fg_below(b->r, N(t6))]) : fg_rand(b->r));
        b8(b, fg_below(b->r, 4));
        b16(b, 0);
        noise(b, 4 + fg_below(b->r, 20));
        break;
    }
    case 132:   /* SCTP */
        b16(b, port(b));
        b16(b, port(b));
        b32(b, fg_rand(b->r));
        b32(b, 0);
        noise(b, fg_below(b->r, 16));
        break;
    default:
        noise(b, fg_below(b->r, 32));
        break;
    }
}

static unsigned ip_proto(struct pb *b)
{
    static const uint8_t protos[] = { 6, 6, 17, 17, 1, 132, 2, 47, 50, 51, 103, 112, 9, 58, 255, 0 };
    return protos[fg_below(b->r, N(protos))];
}

static void ipv4(struct pb *b, int depth)
{
    size_t start = b->n;
    int opts = CH(b, 20) ? 1 + (int)fg_below(b->r, 3) : 0;
    unsigned proto = ip_proto(b);
    unsigned frag = 0;
    if (CH(b, 15))
        if (CH(b, 50)) {
            frag = 0x2000;
        } else {
            frag = CH(b, 50) ? 0x2000u : 0;
            frag |= 1 + fg_below(b->r, 0x1fff);
        }
    else if (CH(b, 20))
        frag = 0x4000;   /* don't fragment */
    b8(b, 0x40u | (unsigned)(5 + opts));
    b8(b, 0);
    b16(b, 0);   /* total length, set below */
    b16(b, fg_rand(b->r) & 0xffff);
    b16(b, frag);
    b8(b, 64);
    b8(b, proto);
    b16(b, 0);
    v4addr(b);
    v4addr(b);
    for (int i = 0; i < opts; i++)
        b32(b, i == 0 && CH(b, 50) ? 0x94040000u : 0x01010101u);   /* router alert, NOPs */
    transport(b, proto, depth);
    put16_at(b, start + 2, (unsigned)(b->n - start));
}

static void ipv6(struct pb *b, int depth)
{
    size_t start = b->n;
    static const uint8_t exts[] = { 0, 43, 44, 60, 51 };
    unsigned next[10];
    unsigned n = CH(b, 40) ? 1 + fg_below(b->r, 4) : 0;
    for (unsigned i = 0; i < n; i++)
        next[i] = exts[fg_below(b->r, N(exts))];
    next[n] = ip_proto(b);
    b32(b, 0x60000000u | (fg_rand(b->r) & 0xfffff));
    b16(b, 0);
    b8(b, next[0]);
    b8(b, 64);
    v6addr(b);
    v6addr(b);
    for (unsigned i = 0; i < n; i++) {
        b8(b, next[i + 1]);
        if (next[i] == 51) {           /* AH: length in 4-byte words, minus 2 */
            b8(b, 2);
            noise(b, 14);
        } else if (next[i] == 44) {    /* fragment: offset 0 or not */
            b8(b, 0);
            b16(b, CH(b, 50) ? 1 : (1 + fg_below(b->r, 100)) << 3);
            b32(b, fg_rand(b->r));
        } else {
            unsigned len = fg_below(b->r, 2);
            b8(b, len);
            noise(b, 6 + 8 * len);
        }
    }
    transport(b, next[n], depth);
    put16_at(b, start + 4, (unsigned)(b->n - start - 40));
}

static void arp(struct pb *b)
{
    b16(b, 1);
    b16(b, 0x0800);
    b8(b, 6);
    b8(b, 4);
    b16(b, 1 + fg_below(b->r, 4));
    mac(b);
    v4addr(b);
    mac(b);
    v4addr(b);
}

/* The payload after an ethertype (or an LLC/SNAP one). */
static void l3(struct pb *b, unsigned type, int depth)
{
    switch (type) {
    case 0x0800: ipv4(b, depth); break;
    case 0x86dd: ipv6(b, depth); break;
    case 0x0806:
    case 0x8035: arp(b); break;
    default: noise(b, 8 + fg_below(b->r, 40)); break;
    }
}

static unsigned inner_type(struct pb *b)
{
    static const uint16_t types[] = { 0x0800, 0x0800, 0x86dd, 0x0806 };
    return types[fg_below(b->r, N(types))];
}

/* 802.3 with an LLC header: SNAP, STP, IPX, NetBEUI, ISO (CLNP, ES-IS, IS-IS). */
static void llc_frame(struct pb *b, size_t lenat, int depth)
{
    static const uint8_t saps[] = { 0xaa, 0x42, 0xe0, 0xf0, 0xfe, 0x06, 0x98 };
    static const uint8_t ctl[] = { 0x03, 0x03, 0x63, 0x43, 0x6f, 0xe3, 0xaf, 0x87, 0x0f, 0x01, 0x05, 0x09, 0x00, 0x02 };
    uint8_t sap = saps[fg_below(b->r, N(saps))];
    size_t start = b->n;
    b8(b, sap);
    b8(b, CH(b, 90) ? sap : fg_rand(b->r));
    uint8_t c = ctl[fg_below(b->r, N(ctl))];
    b8(b, c);
    if ((c & 3) != 3)
        b8(b, fg_rand(b->r));   /* I and S frames have a two-byte control field */
    if (sap == 0xaa) {
        b8(b, 0); b8(b, 0); b8(b, CH(b, 80) ? 0 : 0xf8);
        unsigned t = inner_type(b);
        b16(b, t);
        l3(b, t, depth);
    } else if (sap == 0xfe) {
        static const uint8_t nlpid[] = { 0x81, 0x82, 0x83, 0x83, 0x83 };
        static const uint8_t pdus[] = { 15, 16, 17, 18, 20, 24, 25, 26, 27, 3 };
        uint8_t id = nlpid[fg_below(b->r, N(nlpid))];
        b8(b, id);
        b8(b, 27);
        b8(b, 1);
        b8(b, 0);
        b8(b, id == 0x83 ? pdus[fg_below(b->r, N(pdus))] : fg_rand(b->r) & 0x1f);
        noise(b, 20);
    } else {
        noise(b, 10 + fg_below(b->r, 30));
    }
    put16_at(b, lenat, (unsigned)(b->n - start));
}

static void ether_frame(struct pb *b)
{
    static const uint16_t others[] = {
        0x809b, 0x80f3, 0x8137, 0x6003, 0x6004, 0x6001, 0x6002, 0x6007, 0x88cc, 0x8863,
    };
    int depth = b->n > 0;   /* an inner frame of a tunnel does not tunnel again */
    mac(b);
    mac(b);
    unsigned c = fg_below(b->r, 100);
    if (c < 10) {            /* 802.3 + LLC */
        size_t lenat = b->n;
        b16(b, 0);
        llc_frame(b, lenat, depth);
        return;
    }
    if (c < 22) {            /* VLAN, QinQ */
        int tags = CH(b, 35) ? 2 : 1;
        static const uint16_t ids[] = { 1, 10, 100, 4095, 0 };
        for (int i = 0; i < tags; i++) {
            b16(b, i == 0 && tags == 2 && CH(b, 60) ? 0x88a8 : 0x8100);
            unsigned pcp = fg_below(b->r, 8) << 13;
            b16(b, pcp | (CH(b, 80) ? ids[fg_below(b->r, N(ids))] : fg_rand(b->r) & 0xfff));
        }
        if (CH(b, 15)) {
            size_t lenat = b->n;
            b16(b, 0);
            llc_frame(b, lenat, depth);
            return;
        }
        unsigned t = CH(b, 85) ? inner_type(b) : 0x8847;
        b16(b, t);
        if (t == 0x8847) {
            b32(b, (16u << 12) | 0x100 | 64);
            ipv4(b, depth);
        } else {
            l3(b, t, depth);
        }
        return;
    }
    if (c < 30) {            /* MPLS label stack */
        static const uint32_t labels[] = { 16, 17, 100, 1048575, 0 };
        int n = 1 + (int)fg_below(b->r, 3);
        b16(b, CH(b, 85) ? 0x8847 : 0x8848);
        for (int i = 0; i < n; i++)
            b32(b, (labels[fg_below(b->r, N(labels))] << 12) | (i == n - 1 ? 0x100u : 0) | 64);
        if (CH(b, 70))
            ipv4(b, depth);
        else
            ipv6(b, depth);
        return;
    }
    if (c < 37) {            /* PPPoE session and discovery */
        int disc = CH(b, 25);
        b16(b, disc ? 0x8863 : 0x8864);
        b8(b, 0x11);
        b8(b, disc ? 0x09 : 0);
        b16(b, CH(b, 50) ? 1 : CH(b, 50) ? 0x1234 : fg_rand(b->r) & 0xffff);
        size_t lenat = b->n;
        b16(b, 0);
        size_t start = b->n;
        if (!disc) {
            int six = CH(b, 30);
            b16(b, six ? 0x0057 : 0x0021);
            if (six)
                ipv6(b, depth);
            else
                ipv4(b, depth);
        } else {
            noise(b, 12);
        }
        put16_at(b, lenat, (unsigned)(b->n - start));
        return;
    }
    if (c < 45) {
        unsigned t = others[fg_below(b->r, N(others))];
        b16(b, t);
        l3(b, t, depth);
        return;
    }
    unsigned t = c < 65 ? 0x0800 : c < 82 ? 0x86dd : c < 92 ? 0x0806 : c < 95 ? 0x8035 : 0x0800;
    b16(b, t);
    l3(b, t, depth);
}

size_t fg_traffic(fg_rng *r, fg_packet *pkts, size_t n)
{
    size_t i = 0;
    while (i < n) {
        fg_packet *p = &pkts[i];
        struct pb b = { p, r, 0 };
        memset(p, 0, sizeof(*p));
        if (fg_below(r, 100) < 3) {
            noise(&b, fg_below(r, 80));
            p->kind = "noise";
        } else {
            ether_frame(&b);
            p->kind = "frame";
        }
        p->caplen = p->len = (uint32_t)b.n;
        /* Some frames were captured with a short snapshot. */
        if (fg_below(r, 100) < 8 && p->len > 0) {
            p->caplen = fg_below(r, p->len);
            p->kind = "truncated";
        }
        i++;
        /* ... and a truncated copy of others. */
        if (i < n && fg_below(r, 100) < 12 && p->caplen > 1) {
            pkts[i] = *p;
            pkts[i].caplen = 1 + fg_below(r, p->caplen - 1);
            pkts[i].kind = "truncated copy";
            i++;
        }
    }
    return i;
}
