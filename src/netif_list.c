/* netif_list.c - capture_list_interfaces: every interface with its addresses and flags, in libpcap's order, and capture_lookupnet. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <ctype.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "capture.h"
#include "compat.h"
#include "netif.h"

void capture_free_interfaces(capture_if *list)
{
    while (list != NULL) {
        capture_if *next = list->next;
        for (capture_ifaddr *a = list->addresses, *an; a != NULL; a = an) {
            an = a->next;
            free(a->addr);
            free(a->netmask);
            free(a->broadaddr);
            free(a->dstaddr);
            free(a);
        }
        free(list->name);
        free(list->description);
        free(list);
        list = next;
    }
}

/* libpcap's "figure of merit" (lower lists first, equals in the OS's
 * order): down, not running, disconnected and loopback interfaces after,
 * pseudo-devices just before loopback. */
static uint32_t merit(const capture_if *d)
{
    uint32_t m = 0;
    for (size_t i = 0; i < lcap_netif_n_pseudo_devs; i++)
        if (strcmp(d->name, lcap_netif_pseudo_devs[i].name) == 0)
            m |= 0x08000000u;
    if (!(d->flags & CAPTURE_IF_RUNNING))
        m |= 0x80000000u;
    if (!(d->flags & CAPTURE_IF_UP))
        m |= 0x40000000u;
    if (!(d->flags & CAPTURE_IF_WIRELESS) &&
        (d->flags & CAPTURE_IF_CONNECTION_STATUS) == CAPTURE_IF_CONNECTION_STATUS_DISCONNECTED)
        m |= 0x20000000u;
    if (d->flags & CAPTURE_IF_LOOPBACK)
        m |= 0x10000000u;
    return m;
}

/* Puts d in merit order, after its equals. */
static void insert(capture_if **list, capture_if *d)
{
    uint32_t m = merit(d);
    capture_if **at = list;
    while (*at != NULL && merit(*at) <= m)
        at = &(*at)->next;
    d->next = *at;
    *at = d;
}

/* The interface called name (a logical "eth0:1" is eth0), added in merit
 * order after its equals when new; NULL when out of memory. */
static capture_if *find_or_add(capture_if **list, const char *ifa_name, unsigned ifa_flags)
{
    size_t n = strlen(ifa_name), i = n;
    while (i > 0 && isdigit((unsigned char)ifa_name[i - 1]))
        i--;
    if (i < n && i > 1 && ifa_name[i - 1] == ':')
        n = i - 1;
    for (capture_if *d = *list; d != NULL; d = d->next)
        if (strlen(d->name) == n && strncmp(d->name, ifa_name, n) == 0)
            return d;
    capture_if *d = calloc(1, sizeof(*d));
    if (d == NULL || (d->name = strndup(ifa_name, n)) == NULL) {
        free(d);
        return NULL;
    }
    d->flags = (ifa_flags & IFF_LOOPBACK ? CAPTURE_IF_LOOPBACK : 0) |
               (ifa_flags & IFF_UP ? CAPTURE_IF_UP : 0) |
               (ifa_flags & IFF_RUNNING ? CAPTURE_IF_RUNNING : 0);
    d->flags = lcap_netif_status(d->name, d->flags);
    insert(list, d);
    return d;
}

/* A copy of sa, NULL for none; *oom set when out of memory. Its own size
 * (lcap_netif_sockaddr_len), but at least at_least bytes and a struct
 * sockaddr, zero-filled: BSD netmasks may say fewer bytes than an address of
 * their family (the zeros are the mask's), and a reader may look at any
 * field of the family the copy names. */
static struct sockaddr *copy_sa(const struct sockaddr *sa, size_t at_least, int *oom)
{
    if (sa == NULL)
        return NULL;
    size_t len = lcap_netif_sockaddr_len(sa);
    size_t size = len > at_least ? len : at_least;
    struct sockaddr *c = calloc(1, size > sizeof(struct sockaddr) ? size : sizeof(struct sockaddr));
    if (c == NULL)
        *oom = 1;
    else
        memcpy(c, sa, len);
    return c;
}

static int add_address(capture_if *d, const struct ifaddrs *a)
{
    int oom = 0;
    capture_ifaddr *x = calloc(1, sizeof(*x));
    if (x == NULL)
        return -1;
    x->addr = copy_sa(a->ifa_addr, 0, &oom);
    /* As libpcap: the netmask as long as the address. */
    x->netmask = copy_sa(a->ifa_netmask, lcap_netif_sockaddr_len(a->ifa_addr), &oom);
    /* One field of getifaddrs serves both: which it is, the flags say. */
    if (a->ifa_flags & IFF_BROADCAST)
        x->broadaddr = copy_sa(a->ifa_broadaddr, 0, &oom);
    else if (a->ifa_flags & IFF_POINTOPOINT)
        x->dstaddr = copy_sa(a->ifa_dstaddr, 0, &oom);
    capture_ifaddr **end = &d->addresses;
    while (*end != NULL)
        end = &(*end)->next;
    *end = x;
    return oom ? -1 : 0;
}

int capture_list_interfaces(capture_if **list, char *errbuf)
{
    struct ifaddrs *all;
    capture_if *head = NULL;
    int n = 0;

    if (list == NULL) {
        lcap_errf(errbuf, "capture_list_interfaces needs somewhere to put the list (NULL given)");
        return CAPTURE_ERROR;
    }
    *list = NULL;
    if (getifaddrs(&all) < 0) {
        lcap_errf(errbuf, "cannot list the interfaces (getifaddrs): %s", LCAP_ERRTEXT(errno));
        return CAPTURE_ERROR;
    }
    for (struct ifaddrs *a = all; a != NULL; a = a->ifa_next) {
        if (a->ifa_name == NULL)
            continue;
        capture_if *d = find_or_add(&head, a->ifa_name, a->ifa_flags);
        if (d == NULL || (a->ifa_addr != NULL && add_address(d, a) < 0)) {
            freeifaddrs(all);
            capture_free_interfaces(head);
            lcap_errf(errbuf, "out of memory listing the interfaces");
            return CAPTURE_ERROR;
        }
    }
    freeifaddrs(all);
    for (size_t i = 0; i < lcap_netif_n_pseudo_devs; i++) {
        const lcap_pseudo_dev *pd = &lcap_netif_pseudo_devs[i];
        capture_if *d = calloc(1, sizeof(*d));
        if (d == NULL || (d->name = strdup(pd->name)) == NULL ||
            (d->description = strdup(pd->description)) == NULL) {
            if (d != NULL) {
                free(d->name);
                free(d);
            }
            capture_free_interfaces(head);
            lcap_errf(errbuf, "out of memory listing the interfaces");
            return CAPTURE_ERROR;
        }
        d->flags = pd->flags;
        insert(&head, d);
    }
    for (capture_if *d = head; d != NULL; d = d->next)
        n++;
    *list = head;
    return n;
}

int capture_lookupnet(const char *device, uint32_t *net, uint32_t *mask, char *errbuf)
{
    uint32_t a, m;
    if (device == NULL) {
        lcap_errf(errbuf, "capture_lookupnet needs a device name (NULL given)");
        return CAPTURE_ERROR;
    }
    int rc = lcap_netif_lookupnet(device, &a, &m, errbuf);
    if (net != NULL)
        *net = a;
    if (mask != NULL)
        *mask = m;
    return rc < 0 ? CAPTURE_ERROR : 0;
}
