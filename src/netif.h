/* netif.h - what the library asks of the host's interfaces (getifaddrs). */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_NETIF_H
#define LCAP_NETIF_H

#include <stddef.h>
#include <stdint.h>

/* IPv4 network number and netmask of the first IPv4 address on device, host
 * byte order. 0, or -1 with errbuf set (both then 0) when it has none. */
int lcap_netif_lookupnet(const char *device, uint32_t *net, uint32_t *mask, char *errbuf);

struct sockaddr;
/* What the OS adds to an interface's CAPTURE_IF_* flags (wireless, connection
 * status), given those getifaddrs gave; one file per OS (netif_linux.c; on
 * the BPF systems netif_media.c, or netif_nomedia.c without the media ioctl). */
uint32_t lcap_netif_status(const char *name, uint32_t flags);
/* The devices the OS's live source captures on that are not interfaces
 * (Linux's "any"): name, description, CAPTURE_IF_* flags. */
typedef struct lcap_pseudo_dev {
    const char *name, *description;
    uint32_t flags;
} lcap_pseudo_dev;
extern const lcap_pseudo_dev lcap_netif_pseudo_devs[];
extern const size_t lcap_netif_n_pseudo_devs;
/* The size of a sockaddr of sa's family, as the OS lays it. */
size_t lcap_netif_sockaddr_len(const struct sockaddr *sa);

#endif
