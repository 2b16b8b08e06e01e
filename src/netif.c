/* netif.c - interfaces: capture_findalldevs/freealldevs, capture_lookupdev and the
 * network and mask of a device, all through getifaddrs(3). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "netif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "capture.h"
#include "compat.h"

static int list_failed(char *errbuf)
{
    lcap_errf(errbuf, "cannot list the interfaces (getifaddrs): %s", LCAP_ERRTEXT(errno));
    return CAPTURE_ERROR;
}

/* True when names[0..n) already holds name. */
static int listed(char **names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

void capture_freealldevs(char **names)
{
    if (names == NULL)
        return;
    for (char **p = names; *p != NULL; p++)
        free(*p);
    free(names);
}

int capture_findalldevs(char ***names, char *errbuf)
{
    struct ifaddrs *all;
    int n = 0, cap = 8;

    if (names == NULL) {
        lcap_errf(errbuf, "capture_findalldevs needs somewhere to put the list (NULL given)");
        return CAPTURE_ERROR;
    }
    *names = NULL;
    if (getifaddrs(&all) < 0)
        return list_failed(errbuf);
    char **v = calloc((size_t)cap + 1, sizeof(*v));
    if (v == NULL)
        goto oom;
    /* getifaddrs gives one entry per address: each name once, in its order. */
    for (struct ifaddrs *a = all; a != NULL; a = a->ifa_next) {
        if (a->ifa_name == NULL || listed(v, n, a->ifa_name))
            continue;
        if (n == cap) {
            char **w = realloc(v, ((size_t)cap * 2 + 1) * sizeof(*v));
            if (w == NULL)
                goto oom;
            v = w;
            cap *= 2;
        }
        v[n] = strdup(a->ifa_name);
        if (v[n] == NULL)
            goto oom;
        v[++n] = NULL;
    }
    freeifaddrs(all);
    *names = v;
    return n;

oom:
    freeifaddrs(all);
    capture_freealldevs(v);
    lcap_errf(errbuf, "out of memory listing the interfaces");
    return CAPTURE_ERROR;
}

int capture_lookupdev(char *name, size_t namelen, char *errbuf)
{
    struct ifaddrs *all;
    const char *found = NULL;

    if (name == NULL || namelen == 0) {
        lcap_errf(errbuf, "capture_lookupdev needs a buffer for the name (NULL or empty given)");
        return CAPTURE_ERROR;
    }
    if (getifaddrs(&all) < 0)
        return list_failed(errbuf);
    for (struct ifaddrs *a = all; a != NULL && found == NULL; a = a->ifa_next)
        if (a->ifa_name != NULL && (a->ifa_flags & IFF_UP) && !(a->ifa_flags & IFF_LOOPBACK))
            found = a->ifa_name;
    if (found == NULL) {
        freeifaddrs(all);
        lcap_errf(errbuf, "no interface is up other than loopback");
        return CAPTURE_ERROR;
    }
    if (strlen(found) >= namelen) {
        lcap_errf(errbuf, "%s: the interface name does not fit in %zu bytes", found, namelen);
        freeifaddrs(all);
        return CAPTURE_ERROR;
    }
    memcpy(name, found, strlen(found) + 1);
    freeifaddrs(all);
    return 0;
}

int lcap_netif_lookupnet(const char *device, uint32_t *net, uint32_t *mask, char *errbuf)
{
    struct ifaddrs *all;

    *net = *mask = 0;
    if (getifaddrs(&all) < 0)
        return list_failed(errbuf);
    for (struct ifaddrs *a = all; a != NULL; a = a->ifa_next) {
        if (a->ifa_name == NULL || strcmp(a->ifa_name, device) != 0 || a->ifa_addr == NULL ||
            a->ifa_addr->sa_family != AF_INET || a->ifa_netmask == NULL)
            continue;
        uint32_t addr = ntohl(((const struct sockaddr_in *)(const void *)a->ifa_addr)->sin_addr.s_addr);
        *mask = ntohl(((const struct sockaddr_in *)(const void *)a->ifa_netmask)->sin_addr.s_addr);
        *net = addr & *mask;
        freeifaddrs(all);
        return 0;
    }
    freeifaddrs(all);
    lcap_errf(errbuf, "%s: no IPv4 address assigned", device);
    return CAPTURE_ERROR;
}
