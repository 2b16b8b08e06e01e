/* linktypes.c - the link types the emulated device offers besides an interface's own (BPFDEV_DLTS), and each Ethernet frame rewritten as a record of one of them. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "bpfdev.h"

#include <stdlib.h>
#include <string.h>

#define ETHER_LEN 14
#define AF_INET_BSD 2 /* AF_INET: the same number on every BSD, macOS and AIX */

/* What a record of each producible type starts with in place of the
 * Ethernet header, and how long that link header is (the kernel aligns
 * records by it, as bpfattach2() is told on a BSD). */
static const struct produced {
    uint32_t dlt;
    unsigned linkhdr;
} produced[] = {
    { 0, 4 },    /* DLT_NULL: the address family, in host byte order */
    { 105, 24 }, /* DLT_IEEE802_11: a data frame from the DS, then LLC/SNAP */
    { 127, 32 }, /* DLT_IEEE802_11_RADIO: an 8-byte radiotap header first */
};

int bpfdev_linkhdr_of(uint32_t dlt)
{
    for (size_t i = 0; i < sizeof produced / sizeof produced[0]; i++)
        if (produced[i].dlt == dlt)
            return (int)produced[i].linkhdr;
    return -1;
}

/* The interface name ends a rule's first field; 1 when `rule` (up to `end`)
 * is for `ifname`. */
static int rule_names(const char *rule, const char *end, const char *ifname)
{
    const char *colon = memchr(rule, ':', (size_t)(end - rule));
    return colon != NULL && (size_t)(colon - rule) == strlen(ifname) &&
           memcmp(rule, ifname, (size_t)(colon - rule)) == 0;
}

void bpfdev_offer_dlts(struct bpfdev *d, const char *ifname)
{
    d->dlts[0] = (uint32_t)d->native_dlt;
    d->ndlt = 1;
    const char *env = getenv("BPFDEV_DLTS");
    if (env == NULL || d->native_linkhdr != ETHER_LEN)
        return; /* only Ethernet frames are rewritten */
    for (const char *rule = env; *rule != '\0';) {
        const char *end = strchr(rule, ',');
        if (end == NULL)
            end = rule + strlen(rule);
        if (rule_names(rule, end, ifname)) {
            const char *p = memchr(rule, ':', (size_t)(end - rule));
            while (p != NULL && p < end && d->ndlt < BPFDEV_MAX_DLTS) {
                char *next;
                unsigned long v = strtoul(p + 1, &next, 10);
                if (next != p + 1 && bpfdev_linkhdr_of((uint32_t)v) >= 0)
                    d->dlts[d->ndlt++] = (uint32_t)v;
                p = next < end && *next == ':' ? next : NULL;
            }
        }
        rule = *end == ',' ? end + 1 : end;
    }
}

size_t bpfdev_rewrite(uint32_t dlt, const uint8_t *eth, size_t caplen, size_t *wirelen, uint8_t *out)
{
    if (caplen < ETHER_LEN || *wirelen < ETHER_LEN)
        return 0;
    size_t body = caplen - ETHER_LEN;
    size_t hdr;
    if (dlt == 0) {
        if (eth[12] != 0x08 || eth[13] != 0x00)
            return 0; /* other families' numbers differ by OS: not played */
        uint32_t af = AF_INET_BSD;
        memcpy(out, &af, 4);
        hdr = 4;
    } else {
        /* Radiotap: version 0, pad, length 8 (little-endian), no fields. */
        static const uint8_t radiotap[8] = { 0, 0, 8, 0, 0, 0, 0, 0 };
        hdr = 0;
        if (dlt == 127) {
            memcpy(out, radiotap, sizeof radiotap);
            hdr = sizeof radiotap;
        }
        uint8_t *w = out + hdr;
        memset(w, 0, 24);
        w[0] = 0x08;              /* type data, subtype data */
        w[1] = 0x02;              /* from the DS: addr1 DA, addr2 BSSID, addr3 SA */
        memcpy(w + 4, eth, 6);    /* DA */
        memcpy(w + 10, eth + 6, 6); /* the sender as BSSID */
        memcpy(w + 16, eth + 6, 6); /* SA */
        static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
        memcpy(w + 24, snap, sizeof snap);
        memcpy(w + 30, eth + 12, 2); /* the EtherType */
        hdr += 32;
    }
    memcpy(out + hdr, eth + ETHER_LEN, body);
    *wirelen = *wirelen - ETHER_LEN + hdr;
    return hdr + body;
}
