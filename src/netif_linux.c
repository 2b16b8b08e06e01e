/* netif_linux.c - Linux's part of the interface list: wireless from sysfs, link state from ethtool, AF_PACKET address sizes. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "live/linux_link.h"
#include "netif.h"

/* Listed after the interfaces that are up, before loopback, as libpcap lists it. */
const lcap_pseudo_dev lcap_netif_pseudo_devs[] = {
    { LCAP_LINUX_ANY, "Pseudo-device that captures on all interfaces",
      CAPTURE_IF_UP | CAPTURE_IF_RUNNING | CAPTURE_IF_CONNECTION_STATUS_NOT_APPLICABLE },
};
const size_t lcap_netif_n_pseudo_devs = sizeof lcap_netif_pseudo_devs / sizeof lcap_netif_pseudo_devs[0];

/* Interface types that are wireless though sysfs has no wireless/ for them. */
static const unsigned wireless_arphrd[] = {
    ARPHRD_IRDA, ARPHRD_IEEE80211, ARPHRD_IEEE80211_PRISM, ARPHRD_IEEE80211_RADIOTAP,
    ARPHRD_IEEE802154, 805 /* ARPHRD_IEEE802154_MONITOR */, 825 /* ARPHRD_6LOWPAN */,
};

static int is_wireless(const char *name)
{
    char path[128];
    struct stat st;
    snprintf(path, sizeof path, "/sys/class/net/%s/wireless", name);
    if (stat(path, &st) == 0)
        return 1;
    snprintf(path, sizeof path, "/sys/class/net/%s/type", name);
    FILE *f = fopen(path, "r");
    unsigned type = 0;
    int got = f != NULL && fscanf(f, "%u", &type) == 1;
    if (f != NULL)
        fclose(f);
    for (size_t i = 0; got && i < sizeof wireless_arphrd / sizeof wireless_arphrd[0]; i++)
        if (wireless_arphrd[i] == type)
            return 1;
    return 0;
}

/* As libpcap on Linux: loopback's status does not apply; otherwise the link
 * state from ethtool (connected or not), not applicable where the driver
 * has no answer, unknown if the device is gone. */
uint32_t lcap_netif_status(const char *name, uint32_t flags)
{
    if (flags & CAPTURE_IF_LOOPBACK)
        return flags | CAPTURE_IF_CONNECTION_STATUS_NOT_APPLICABLE;
    if (is_wireless(name))
        flags |= CAPTURE_IF_WIRELESS;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return flags;
    struct ethtool_value v = { .cmd = ETHTOOL_GLINK };
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    ifr.ifr_data = (char *)&v;
    if (ioctl(s, SIOCETHTOOL, &ifr) == 0)
        flags |= v.data ? CAPTURE_IF_CONNECTION_STATUS_CONNECTED
                        : CAPTURE_IF_CONNECTION_STATUS_DISCONNECTED;
    else if (errno == EOPNOTSUPP || errno == EINVAL)
        flags |= CAPTURE_IF_CONNECTION_STATUS_NOT_APPLICABLE;
    close(s);
    return flags;
}

size_t lcap_netif_sockaddr_len(const struct sockaddr *sa)
{
    switch (sa->sa_family) {
    case AF_INET: return sizeof(struct sockaddr_in);
    case AF_INET6: return sizeof(struct sockaddr_in6);
    case AF_PACKET: return sizeof(struct sockaddr_ll);
    default: return sizeof(struct sockaddr);
    }
}
