/* netif_other.c - the interface list's OS part on the BPF systems (BSDs, macOS, AIX): no pseudo-devices, sockaddr sizes from their 4.4BSD length byte (link-level AF_LINK addresses included); the flags' part is netif_media.c or netif_nomedia.c. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <sys/types.h>
#include <sys/socket.h>
#include <net/if_dl.h>

#include "netif.h"

/* The BPF device captures on interfaces only. */
const lcap_pseudo_dev lcap_netif_pseudo_devs[1];
const size_t lcap_netif_n_pseudo_devs = 0;

/* Every 4.4BSD sockaddr starts with its own length (sa_len, which
 * sockaddr_dl calls sdl_len): an AF_LINK one runs past struct sockaddr with
 * the name and the link-level address, and a netmask may stop short of its
 * family's size (the address's size is kept for it, netif_list.c). */
size_t lcap_netif_sockaddr_len(const struct sockaddr *sa)
{
    const struct sockaddr_dl *head = (const void *)sa;
    return head->sdl_len;
}
