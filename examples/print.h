/* print.h - capsniff's packet printer: one line per packet in tcpdump -n -S's words, shared by its decoder files. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef CAPSNIFF_PRINT_H
#define CAPSNIFF_PRINT_H

#include <stdint.h>

#include "capture.h"

/* How a packet is printed. */
struct print_opts {
    int link_header; /* -e: the link-level header too, as tcpdump -e prints it */
    int snaplen;     /* the savefile's snapshot length (tcpdump flags records beyond it) */
};

/* Prints one packet (its time, then its decoded layers) and a newline on stdout. */
void print_packet(const struct print_opts *o, int dlt, const capture_pkthdr *h, const uint8_t *data);

/* 1 when -e shows a link-level header for dlt (Ethernet, BSD loopback, raw IP, Linux SLL). */
int print_link_header_shown(int dlt);

/* ---- for the decoder files (print_*.c) ---- */

/* A window on the packet: p[0..cap) was captured, and wire bytes existed. */
struct view {
    const uint8_t *p;
    uint32_t cap;  /* bytes present */
    uint32_t wire; /* bytes on the wire from p on */
};

static inline uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The view past its first n bytes (the caller has checked n <= v.cap). */
static inline struct view skip(struct view v, uint32_t n)
{
    struct view r = { v.p + n, v.cap - n, v.wire > n ? v.wire - n : 0 };
    return r;
}

/* A number-to-name row; tables end with a NULL name. */
struct name { unsigned val; const char *name; };

/* The name of val in t, or NULL. */
const char *name_of(const struct name *t, unsigned val);

/* Source and destination of an IP packet, as text, and what it carries. */
struct ipinfo {
    const char *ver; /* "IP ", "IP6 ", or "" after -e's link header */
    char src[46], dst[46];
    uint32_t paylen; /* transport bytes per the IP header */
    int shown;       /* the addresses are on the line already (IPv6 extension headers) */
    int jumbo;       /* an IPv6 jumbogram: a UDP length of 0 means "all of it" (RFC 2675) */
};

/* print_ip.c: "IP a > b: ", and "IP a.p > b.q: " (only "p > q: " once shown). */
void print_ip_head(const struct ipinfo *ip);
void print_ip_ports(const struct ipinfo *ip, uint16_t sport, uint16_t dport);

/* print_link.c: an EtherType's payload (v starts past the type field), and tcpdump's name for one ("Unknown"). */
const char *ethertype_name(uint16_t type);
void print_ethertype(const struct print_opts *o, uint16_t type, struct view v);

/* print_ip.c */
void print_ipv4(const struct print_opts *o, struct view v);
void print_ipv6(const struct print_opts *o, struct view v);
void print_arp(const struct print_opts *o, struct view v);

/* print_tcp.c, print_udp.c, print_icmp.c: v holds the transport header on. */
void print_tcp(const struct ipinfo *ip, struct view v);
void print_udp(const struct ipinfo *ip, struct view v);
void print_sctp(const struct ipinfo *ip, struct view v);
void print_dccp(const struct ipinfo *ip, struct view v);
void print_esp(const struct ipinfo *ip, struct view v);
void print_icmp(const struct ipinfo *ip, struct view v);
void print_icmp6(const struct ipinfo *ip, struct view v);
void print_igmp(const struct ipinfo *ip, struct view v);

#endif
