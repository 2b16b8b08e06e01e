/* pcap/namedb.h - libcapture-pcap: libpcap's name-database lookups (hosts, networks, services, protocols, ethers). */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIBCAPTURE_PCAP_NAMEDB_H
#define LIBCAPTURE_PCAP_NAMEDB_H

#include <pcap/pcap.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One /etc/ethers entry (pcap_next_etherent). */
struct pcap_etherent {
    unsigned char addr[6];
    char name[122];
};
#ifndef PCAP_ETHERS_FILE
#define PCAP_ETHERS_FILE "/etc/ethers"
#endif

struct addrinfo;

PCAP_API struct pcap_etherent *pcap_next_etherent(FILE *fp);
PCAP_API unsigned char *pcap_ether_hostton(const char *name);
PCAP_API unsigned char *pcap_ether_aton(const char *s);

PCAP_API bpf_u_int32 **pcap_nametoaddr(const char *name);
PCAP_API struct addrinfo *pcap_nametoaddrinfo(const char *name);
PCAP_API bpf_u_int32 pcap_nametonetaddr(const char *name);

PCAP_API int pcap_nametoport(const char *name, int *port, int *proto);
PCAP_API int pcap_nametoportrange(const char *name, int *port1, int *port2, int *proto);
PCAP_API int pcap_nametoproto(const char *name);
PCAP_API int pcap_nametoeproto(const char *name);
PCAP_API int pcap_nametollc(const char *name);

/* Returned by the lookup functions for an unknown protocol or port. */
#define PROTO_UNDEF -1

#ifdef __cplusplus
}
#endif

#endif
