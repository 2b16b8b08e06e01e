/* netif_nomedia.c - an interface's connection flags where there is no media ioctl (AIX): as libpcap there, loopback's status does not apply and the others' is unknown. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "capture.h"
#include "netif.h"

uint32_t lcap_netif_status(const char *name, uint32_t flags)
{
    (void)name;
    if (flags & CAPTURE_IF_LOOPBACK)
        flags |= CAPTURE_IF_CONNECTION_STATUS_NOT_APPLICABLE;
    return flags;
}
