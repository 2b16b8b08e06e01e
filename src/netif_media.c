/* netif_media.c - an interface's wireless and connection flags from the media ioctl (SIOCGIFMEDIA), as libpcap reads them on the BSDs and macOS (meson picks it where <net/if_media.h> exists). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/if_media.h>
#include <unistd.h>

#include "capture.h"
#include "netif.h"

/* What the ioctl answers for an interface without media (loopback, tunnels;
 * EPERM: Apple's pktap asks for root before it says it has none). */
static const int no_media[] = { EOPNOTSUPP, EINVAL, ENOTTY, ENODEV, EPERM };

uint32_t lcap_netif_status(const char *name, uint32_t flags)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0)
        return flags;
    struct ifmediareq req;
    memset(&req, 0, sizeof req);
    snprintf(req.ifm_name, sizeof req.ifm_name, "%s", name);
    int rc = ioctl(s, SIOCGIFMEDIA, &req);
    int err = errno;
    close(s);
    if (rc < 0) {
        for (size_t i = 0; i < sizeof no_media / sizeof no_media[0]; i++)
            if (err == no_media[i])
                return flags | CAPTURE_IF_CONNECTION_STATUS_NOT_APPLICABLE;
        return flags; /* libpcap fails the whole list here; this one's status stays unknown */
    }
    if (IFM_TYPE(req.ifm_active) == IFM_IEEE80211)
        flags |= CAPTURE_IF_WIRELESS;
    if (req.ifm_status & IFM_AVALID)
        flags |= (req.ifm_status & IFM_ACTIVE) ? CAPTURE_IF_CONNECTION_STATUS_CONNECTED
                                               : CAPTURE_IF_CONNECTION_STATUS_DISCONNECTED;
    return flags;
}
