/* devs.c - libcapture-pcap: the interface list (pcap_findalldevs), pcap_lookupdev and pcap_lookupnet. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "handle.h"

/* libcapture lays its list out as pcap_if_t and pcap_addr: it is handed over as it is. */
_Static_assert(sizeof(capture_if) == sizeof(pcap_if_t) && offsetof(capture_if, name) == offsetof(pcap_if_t, name) &&
                   offsetof(capture_if, description) == offsetof(pcap_if_t, description) &&
                   offsetof(capture_if, addresses) == offsetof(pcap_if_t, addresses) &&
                   offsetof(capture_if, flags) == offsetof(pcap_if_t, flags),
               "pcap_if_t layout");
_Static_assert(sizeof(capture_ifaddr) == sizeof(pcap_addr_t) &&
                   offsetof(capture_ifaddr, netmask) == offsetof(pcap_addr_t, netmask) &&
                   offsetof(capture_ifaddr, broadaddr) == offsetof(pcap_addr_t, broadaddr) &&
                   offsetof(capture_ifaddr, dstaddr) == offsetof(pcap_addr_t, dstaddr),
               "pcap_addr layout");
_Static_assert(CAPTURE_IF_LOOPBACK == PCAP_IF_LOOPBACK && CAPTURE_IF_UP == PCAP_IF_UP &&
                   CAPTURE_IF_RUNNING == PCAP_IF_RUNNING && CAPTURE_IF_WIRELESS == PCAP_IF_WIRELESS &&
                   CAPTURE_IF_CONNECTION_STATUS_NOT_APPLICABLE == PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE,
               "interface flags");

/* Only the interfaces themselves: libpcap's pseudo-devices ("any", nflog,
 * dbus, usbmon, bluetooth) are not listed, libcapture cannot capture on them. */
int pcap_findalldevs(pcap_if_t **alldevs, char *errbuf)
{
    capture_if *list;
    if (alldevs == NULL)
        return PCAP_ERROR;
    *alldevs = NULL;
    if (capture_list_interfaces(&list, errbuf) < 0)
        return PCAP_ERROR;
    *alldevs = (pcap_if_t *)(void *)list;
    return 0;
}

void pcap_freealldevs(pcap_if_t *alldevs)
{
    capture_free_interfaces((capture_if *)(void *)alldevs);
}

char *pcap_lookupdev(char *errbuf)
{
    static char device[64];
    pcap_if_t *all;

    if (lcap_pcap_initialized()) {
        if (errbuf != NULL)
            snprintf(errbuf, PCAP_ERRBUF_SIZE,
                     "pcap_lookupdev() is deprecated and is not supported in programs calling pcap_init()");
        return NULL;
    }
    if (pcap_findalldevs(&all, errbuf) < 0)
        return NULL;
    /* The best interface, unless even the best is loopback. */
    char *found = NULL;
    if (all != NULL && !(all->flags & PCAP_IF_LOOPBACK) && strlen(all->name) < sizeof device) {
        memcpy(device, all->name, strlen(all->name) + 1);
        found = device;
    } else if (errbuf != NULL) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "no suitable device found");
    }
    pcap_freealldevs(all);
    return found;
}

int pcap_lookupnet(const char *device, bpf_u_int32 *netp, bpf_u_int32 *maskp, char *errbuf)
{
    uint32_t net, mask;
    if (netp == NULL || maskp == NULL)
        return PCAP_ERROR;
    /* "any" (and no device) has no one network: 0 for both, as libpcap. */
    if (device == NULL || strcmp(device, "any") == 0) {
        *netp = *maskp = 0;
        return 0;
    }
    if (capture_lookupnet(device, &net, &mask, errbuf) < 0)
        return PCAP_ERROR;
    *netp = htonl(net); /* libpcap gives both in network byte order */
    *maskp = htonl(mask);
    return 0;
}
