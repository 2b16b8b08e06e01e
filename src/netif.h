/* netif.h - what the library asks of the host's interfaces (getifaddrs). */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_NETIF_H
#define LCAP_NETIF_H

#include <stdint.h>

/* IPv4 network number and netmask of the first IPv4 address on device, host
 * byte order. 0, or -1 with errbuf set (both then 0) when it has none. */
int lcap_netif_lookupnet(const char *device, uint32_t *net, uint32_t *mask, char *errbuf);

#endif
