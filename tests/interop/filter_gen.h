/* filter_gen.h - seeded generators of filter expressions (a grammar of
 * pcap-filter(7)) and of Ethernet traffic for the filter differential test. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_FILTER_GEN_H
#define LCAP_FILTER_GEN_H

#include <stddef.h>
#include <stdint.h>

/* Deterministic random numbers (xorshift64*), one state per generator. */
typedef struct { uint64_t s; } fg_rng;
uint32_t fg_rand(fg_rng *r);
static inline uint32_t fg_below(fg_rng *r, uint32_t n) { return n ? fg_rand(r) % n : 0; }

/* Every primitive family of the expression grammar: X(id, weight). The id
 * names the family in the summary ("by primitive"). */
#define FG_PRIMITIVES(X) \
    X(host, 10)          \
    X(ether, 6)          \
    X(net, 6)            \
    X(port, 9)           \
    X(portrange, 4)      \
    X(proto, 5)          \
    X(protochain, 3)     \
    X(keyword, 10)       \
    X(iso, 3)            \
    X(llc, 3)            \
    X(size, 3)           \
    X(bcast_mcast, 3)    \
    X(arith, 14)         \
    X(vlan, 4)           \
    X(mpls, 3)           \
    X(pppoe, 3)          \
    X(tunnel, 3)         \
    X(decnet, 2)         \
    X(other_link, 2)     \
    X(bad_syntax, 2)

enum {
#define FG_ENUM(id, w) FG_##id,
    FG_PRIMITIVES(FG_ENUM)
#undef FG_ENUM
    FG_NPRIM
};
extern const char *const fg_prim_names[FG_NPRIM];

/* One expression of at most cap bytes into out (NUL-terminated); *used gets
 * the bit (1 << FG_x) of every primitive family it contains. */
void fg_expression(fg_rng *r, char *out, size_t cap, uint32_t *used);

/* One generated packet: bytes, bytes captured, bytes on the wire. */
typedef struct {
    uint8_t data[1600];
    uint32_t caplen, len;
    const char *kind;   /* what was built, for failure reports */
} fg_packet;

/* The traffic: n packets of every kind the generator knows (IPv4 with
 * options and fragments, IPv6 with extension headers, ARP, VLAN and QinQ,
 * MPLS, PPPoE, LLC/SNAP, ISO, VXLAN/Geneve, broadcast and multicast,
 * TCP/UDP/ICMP/SCTP/IGMP, truncated copies, noise). Returns the count. */
size_t fg_traffic(fg_rng *r, fg_packet *pkts, size_t n);

#endif
