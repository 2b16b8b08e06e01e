/* names.h - the filter compiler's name resolution: hosts, ethers, networks,
 * services and protocols, through reentrant calls and bounded file parsers. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_FILTER_NAMES_H
#define LCAP_FILTER_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* Bits of lcap_names_port()'s *protos: the transports whose services entry
 * gives the name the port returned. */
#define LCAP_PROTO_TCP  1
#define LCAP_PROTO_UDP  2
#define LCAP_PROTO_SCTP 4

/* Every error text goes to err (CAPTURE_ERRBUF_SIZE bytes) and names the
 * database that was asked. All functions return 0 on success, -1 on error. */

/* Resolves name with getaddrinfo for family (AF_INET, AF_INET6 or AF_UNSPEC)
 * and calls each once per distinct address, in resolver order; addr holds 4
 * or 16 bytes in network byte order. */
int lcap_names_host(const char *name, int family,
                    void (*each)(void *ctx, int family, const uint8_t *addr),
                    void *ctx, char *err);

/* The MAC address of name in /etc/ethers (the first matching line). */
int lcap_names_ether(const char *name, uint8_t mac[6], char *err);

/* The network number of name (or an alias) in /etc/networks, in host byte
 * order as inet_network() gives it: "10.20" is 0x0a14, "10.20.0.0" 0x0a140000. */
int lcap_names_net(const char *name, uint32_t *net_host_order, char *err);

/* The port of a services name. libpcap's rule: TCP's entry wins, then UDP's,
 * then SCTP's; *protos has the bit of every transport that maps the name to
 * that same port. */
int lcap_names_port(const char *name, int *port, int *protos, char *err);

/* The number of a protocols name ("tcp" is 6). */
int lcap_names_proto(const char *name, int *proto, char *err);

/* What lcap_names_link_proto() found. */
#define LCAP_LINK_ETHERTYPE 1
#define LCAP_LINK_LLC       2

/* A link-level protocol name ("arp", "stp"): LCAP_LINK_* with *value its
 * Ethernet type or LLC SAP, or -1 when the name is not one (src/filter/link_names.c). */
int lcap_names_link_proto(const char *name, int *value);

/* The same lookups in a file of the given path (unit tests use their own). */
int lcap_names_ether_file(const char *path, const char *name, uint8_t mac[6], char *err);
int lcap_names_net_file(const char *path, const char *name, uint32_t *net, char *err);

/* Parses one /etc/ethers line of len bytes (no terminator needed, '#' starts
 * a comment): 1 with mac and the host name (*host, *hostlen, pointing into
 * line) set, 0 for a blank or comment line, -1 for a malformed one. */
int lcap_names_ethers_line(const char *line, size_t len, uint8_t mac[6],
                           const char **host, size_t *hostlen);

#endif
