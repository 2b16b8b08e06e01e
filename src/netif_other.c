/* netif_other.c - the interface list's OS part where nothing more is known (BSDs, macOS, AIX): no link state, sizes from sa_len. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <sys/socket.h>

#include "netif.h"

/* The BPF device captures on interfaces only. */
const lcap_pseudo_dev lcap_netif_pseudo_devs[1];
const size_t lcap_netif_n_pseudo_devs = 0;

uint32_t lcap_netif_status(const char *name, uint32_t flags)
{
    (void)name;
    return flags; /* connection status unknown */
}

size_t lcap_netif_sockaddr_len(const struct sockaddr *sa)
{
    return sa->sa_len; /* every BSD-derived sockaddr carries its length */
}
