/* print_link.c - capsniff's link layers: the packet's time and record checks, Ethernet (802.1Q tags, 802.3/LLC/SNAP), BSD loopback, raw IP and Linux cooked. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>

#include "print.h"

const char *name_of(const struct name *t, unsigned val)
{
    for (; t->name != NULL; t++)
        if (t->val == val)
            return t->name;
    return NULL;
}

/* EtherTypes: tcpdump's names, the decoder of those capsniff decodes, and
 * which ones are VLAN tag protocol ids (an 802.1Q tag follows). */
#define TAG 1
static const struct {
    uint16_t type;
    const char *name;
    void (*print)(const struct print_opts *o, struct view v);
    int tag;
} ethertypes[] = {
    { 0x0800, "IPv4", print_ipv4, 0 }, { 0x86dd, "IPv6", print_ipv6, 0 },
    { 0x0806, "ARP", print_arp, 0 }, { 0x8035, "Reverse ARP", print_arp, 0 },
    { 0x8100, "802.1Q", NULL, TAG }, { 0x88a8, "802.1Q-QinQ", NULL, TAG },
    { 0x9100, "802.1Q-9100", NULL, TAG }, { 0x9200, "802.1Q-9200", NULL, TAG },
    { 0x88cc, "LLDP", NULL, 0 }, { 0x888e, "EAPOL", NULL, 0 }, { 0x8847, "MPLS unicast", NULL, 0 },
    { 0x8848, "MPLS multicast", NULL, 0 }, { 0x8863, "PPPoE D", NULL, 0 },
    { 0x8864, "PPPoE S", NULL, 0 }, { 0x88f7, "PTP", NULL, 0 }, { 0x8809, "Slow Protocols", NULL, 0 },
    { 0x9000, "Loopback", NULL, 0 },
};
#define N_ETHERTYPES (sizeof ethertypes / sizeof ethertypes[0])

static int ethertype_row(uint16_t type)
{
    for (size_t i = 0; i < N_ETHERTYPES; i++)
        if (ethertypes[i].type == type)
            return (int)i;
    return -1;
}

const char *ethertype_name(uint16_t type)
{
    int i = ethertype_row(type);
    return i >= 0 ? ethertypes[i].name : "Unknown";
}

static void (*ethertype_printer(uint16_t type))(const struct print_opts *, struct view)
{
    int i = ethertype_row(type);
    return i >= 0 ? ethertypes[i].print : NULL;
}

static int is_vlan_tag(uint16_t type)
{
    int i = ethertype_row(type);
    return i >= 0 && ethertypes[i].tag;
}

/* 802.2 service access points (the low bit is individual/group, command/response). */
static const struct name saps[] = {
    { 0x00, "Null" }, { 0x06, "IP" }, { 0x42, "STP" }, { 0xaa, "SNAP" }, { 0xe0, "IPX" },
    { 0xf0, "NetBeui" }, { 0xfe, "OSI" }, { 0xff, "Global" }, { 0, NULL },
};

/* SNAP organisation codes, and the protocol ids of Cisco's. */
static const struct name ouis[] = { { 0x000000, "Ethernet" }, { 0x00000c, "Cisco" }, { 0, NULL } };
static const struct name cisco_pids[] = {
    { 0x2000, "CDP" }, { 0x2003, "VTP" }, { 0x2004, "DTP" }, { 0x010b, "PVST" }, { 0x0111, "UDLD" },
    { 0, NULL },
};

static const char *or_unknown(const char *name) { return name != NULL ? name : "Unknown"; }

/* Timestamps as HH:MM:SS.uuuuuu of the UTC day (tcpdump's default form). */
static void print_time(const capture_pkthdr *h)
{
    int64_t day = h->ts_sec % 86400;
    if (day < 0)
        day += 86400;
    printf("%02d:%02d:%02d.%06u ", (int)(day / 3600), (int)(day / 60 % 60), (int)(day % 60),
           h->ts_nsec / 1000);
}

/* A record tcpdump refuses to decode: it says why instead of the time. Returns 1 if so. */
static int invalid_header(const struct print_opts *o, const capture_pkthdr *h)
{
    const char *sep = "[Invalid header:";
    int bad = 0;
    if (h->caplen == 0) {
        printf("%s caplen==0", sep);
        sep = ",";
        bad = 1;
    }
    if (h->len == 0) {
        printf("%s len==0", sep);
        sep = ",";
        bad = 1;
    } else if (h->len < h->caplen) {
        printf("%s len(%u) < caplen(%u)", sep, h->len, h->caplen);
        sep = ",";
        bad = 1;
    }
    if (o->snaplen > 0 && h->caplen > (uint32_t)o->snaplen) {
        printf("%s caplen(%u) > snapshot_length(%d)", sep, h->caplen, o->snaplen);
        bad = 1;
    }
    if (bad)
        printf("]\n");
    return bad;
}

void print_ethertype(const struct print_opts *o, uint16_t type, struct view v)
{
    void (*print)(const struct print_opts *, struct view) = ethertype_printer(type);
    if (print != NULL)
        print(o, v);
    else if (o->link_header)
        printf("\n"); /* -e has said all capsniff knows of it */
    else
        printf("ethertype %s (0x%04x), length %u\n", ethertype_name(type), type, v.wire);
}

static void print_mac_pair(const uint8_t *p)
{
    printf("%02x:%02x:%02x:%02x:%02x:%02x > %02x:%02x:%02x:%02x:%02x:%02x, ", p[6], p[7], p[8],
           p[9], p[10], p[11], p[0], p[1], p[2], p[3], p[4], p[5]);
}

/* An 802.2 LLC frame of an 802.3 length field: its SAPs and control field,
 * then the SNAP header; a SNAP header with a zero OUI carries an EtherType. */
static void print_llc(const struct print_opts *o, uint16_t llc_len, int tagged, struct view v)
{
    /* A length field past the frame's end counts only what the frame holds. */
    if (llc_len > v.wire)
        llc_len = (uint16_t)v.wire;
    /* tcpdump -e names a tagged 802.3 frame without its length, and runs the words together. */
    char what[32];
    if (tagged && o->link_header)
        snprintf(what, sizeof what, "802.3");
    else
        snprintf(what, sizeof what, "802.3, length %u: ", llc_len);
    if (v.cap > llc_len)
        v.cap = llc_len;
    if (v.wire > llc_len)
        v.wire = llc_len;
    if (v.cap < 3) {
        printf("%s[|llc]\n", what);
        return;
    }
    uint8_t dsap = v.p[0], ssap = v.p[1];
    uint32_t hlen = (v.p[2] & 3) == 3 ? 3 : 4; /* U frames have a one-byte control field */
    if (hlen > v.cap) {
        printf("%s[|llc]\n", what);
        return;
    }
    if (dsap == 0xaa && ssap == 0xaa && v.p[2] == 0x03 && v.cap >= 8 && be16(v.p + 3) == 0 &&
        v.p[5] == 0 && !o->link_header) {
        print_ethertype(o, be16(v.p + 6), skip(v, 8)); /* RFC 1042: an Ethernet frame in disguise */
        return;
    }
    printf("%sLLC, dsap %s (0x%02x) %s, ssap %s (0x%02x) %s, ", what,
           or_unknown(name_of(saps, dsap & 0xfe)), dsap & 0xfe, dsap & 1 ? "Group" : "Individual",
           or_unknown(name_of(saps, ssap & 0xfe)), ssap & 0xfe, ssap & 1 ? "Response" : "Command");
    if (hlen == 3)
        printf("ctrl 0x%02x", v.p[2]);
    else
        printf("ctrl 0x%04x", (unsigned)(v.p[2] | v.p[3] << 8));
    if (dsap != 0xaa || ssap != 0xaa || hlen != 3) {
        printf("\n");
        return;
    }
    if (v.cap < 8) {
        printf(": [|snap]\n");
        return;
    }
    uint32_t oui = (uint32_t)v.p[3] << 16 | (uint32_t)v.p[4] << 8 | v.p[5];
    uint16_t pid = be16(v.p + 6);
    struct view rest = skip(v, 8);
    if (oui == 0) {
        printf(": oui Ethernet (0x000000), ethertype %s (0x%04x), length %u: ",
               ethertype_name(pid), pid, rest.wire);
        print_ethertype(o, pid, rest);
        return;
    }
    printf(": oui %s (0x%06x), pid %s (0x%04x), length %u\n", or_unknown(name_of(ouis, oui)), oui,
           or_unknown(oui == 0x00000c ? name_of(cisco_pids, pid) : NULL), pid, rest.wire);
}

static void print_ether(const struct print_opts *o, struct view v)
{
    if (v.cap < 14) {
        printf(" [|ether]\n");
        return;
    }
    uint16_t type = be16(v.p + 12);
    if (o->link_header) {
        print_mac_pair(v.p);
        if (type > 1500)
            printf("ethertype %s (0x%04x), length %u", ethertype_name(type), type, v.wire);
    }
    const char *sep = ": "; /* -e's words before what follows the link header */
    struct view rest = skip(v, 14);
    /* 802.1Q and 802.1ad tags, a few deep: only -e shows them, as tcpdump does. */
    for (int tags = 0; tags < 4 && is_vlan_tag(type); tags++) {
        if (rest.cap < 4) {
            printf("%s[|vlan]\n", o->link_header ? sep : "");
            return;
        }
        uint16_t tci = be16(rest.p);
        type = be16(rest.p + 2);
        rest = skip(rest, 4);
        if (o->link_header) {
            printf("%svlan %u, p %u%s", sep, tci & 0x0fff, tci >> 13, tci & 0x1000 ? ", DEI" : "");
            if (type > 1500)
                printf(", ethertype %s (0x%04x)", ethertype_name(type), type);
            sep = ", ";
        }
    }
    int tagged = rest.p != v.p + 14;
    if (type <= 1500) {
        if (o->link_header && tagged)
            printf("%s", sep);
        print_llc(o, type, tagged, rest);
        return;
    }
    if (o->link_header && ethertype_printer(type) != NULL)
        printf("%s", sep);
    print_ethertype(o, type, rest);
}

/* BSD loopback address families; -e names them as tcpdump does. */
static const struct name families[] = {
    { 2, "IPv4" }, { 10, "IPv6" }, { 24, "IPv6" }, { 28, "IPv6" }, { 30, "IPv6" }, { 0, NULL },
};

/* BSD loopback: a 4-byte address family, in host order (NULL) or network order (LOOP). */
static void print_loopback(const struct print_opts *o, struct view v, int network_order)
{
    if (v.cap < 4) {
        printf(" [|null]\n");
        return;
    }
    uint32_t af = network_order ? be32(v.p) : (uint32_t)v.p[0] | (uint32_t)v.p[1] << 8 |
                                                  (uint32_t)v.p[2] << 16 | (uint32_t)v.p[3] << 24;
    /* A file written on a host of the other byte order. */
    if ((af & 0xffff) == 0 && af != 0)
        af = (af >> 24) | ((af >> 8) & 0xff00);
    const char *name = name_of(families, af);
    struct view rest = skip(v, 4);
    if (o->link_header)
        printf("AF %s (%u), length %u%s", or_unknown(name), af, v.wire, name != NULL ? ": " : "\n");
    if (name == NULL) {
        if (!o->link_header)
            printf("loopback, address family %u, length %u\n", af, v.wire);
    } else if (af == 2) {
        print_ipv4(o, rest);
    } else {
        print_ipv6(o, rest);
    }
}

static void print_raw(const struct print_opts *o, struct view v)
{
    if (v.cap < 1) {
        printf(" [|ip]\n");
        return;
    }
    if (o->link_header)
        printf("ip: ");
    unsigned version = v.p[0] >> 4;
    if (version == 4)
        print_ipv4(o, v);
    else if (version == 6)
        print_ipv6(o, v);
    else
        printf("unknown ip %u\n", version);
}

/* Linux cooked capture v1: packet type, hardware address, protocol. */
static const struct name sll_types[] = {
    { 0, "In" }, { 1, "B" }, { 2, "M" }, { 3, "P" }, { 4, "Out" }, { 0, NULL },
};

static void print_sll(const struct print_opts *o, struct view v)
{
    if (v.cap < 16) {
        printf(" [|sll]\n");
        return;
    }
    uint16_t type = be16(v.p + 14);
    if (o->link_header) {
        const char *dir = name_of(sll_types, be16(v.p));
        printf("%3s ", dir != NULL ? dir : "?");
        unsigned halen = be16(v.p + 4);
        if (halen > 8) /* more than the header holds: not shown */
            halen = 0;
        for (unsigned i = 0; i < halen; i++)
            printf(i ? ":%02x" : "%02x", v.p[6 + i]);
        if (halen != 0)
            printf(" ");
        printf("ethertype %s (0x%04x), length %u", ethertype_name(type), type, v.wire);
        if (ethertype_printer(type) != NULL)
            printf(": ");
    }
    print_ethertype(o, type, skip(v, 16));
}

static void print_sll2(const struct print_opts *o, struct view v)
{
    if (v.cap < 20)
        printf(" [|sll2]\n");
    else
        print_ethertype(o, be16(v.p), skip(v, 20));
}

static void print_ether_dlt(const struct print_opts *o, struct view v) { print_ether(o, v); }
static void print_null(const struct print_opts *o, struct view v) { print_loopback(o, v, 0); }
static void print_loop(const struct print_opts *o, struct view v) { print_loopback(o, v, 1); }

/* The link types decoded, and whether -e shows their header as tcpdump -e does. */
static const struct {
    int dlt;
    void (*print)(const struct print_opts *o, struct view v);
    int shows_header;
} link_types[] = {
    { CAPTURE_DLT_EN10MB, print_ether_dlt, 1 }, { CAPTURE_DLT_NULL, print_null, 1 },
    { CAPTURE_DLT_LOOP, print_loop, 1 }, { CAPTURE_DLT_RAW, print_raw, 1 },
    { CAPTURE_DLT_IPV4, print_raw, 1 }, { CAPTURE_DLT_IPV6, print_raw, 1 },
    { CAPTURE_DLT_LINUX_SLL, print_sll, 1 }, { CAPTURE_DLT_LINUX_SLL2, print_sll2, 0 },
};

int print_link_header_shown(int dlt)
{
    for (size_t i = 0; i < sizeof link_types / sizeof link_types[0]; i++)
        if (link_types[i].dlt == dlt)
            return link_types[i].shows_header;
    return 0;
}

void print_packet(const struct print_opts *opts, int dlt, const capture_pkthdr *h, const uint8_t *data)
{
    struct view v = { data, h->caplen, h->len };
    if (invalid_header(opts, h))
        return;
    /* -e shows the link header where capsniff knows tcpdump's form of it; the layers above
     * then drop their names ("IP ", "ARP, "), as tcpdump -e does. */
    struct print_opts eo = *opts;
    eo.link_header = opts->link_header && print_link_header_shown(dlt);
    print_time(h);
    for (size_t i = 0; i < sizeof link_types / sizeof link_types[0]; i++)
        if (link_types[i].dlt == dlt) {
            link_types[i].print(&eo, v);
            return;
        }
    const char *name = capture_datalink_val_to_name(dlt);
    printf("link-type %s (%d), length %u\n", name ? name : "unknown", dlt, h->len);
}
