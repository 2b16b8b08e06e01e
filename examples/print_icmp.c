/* print_icmp.c - capsniff's control messages: ICMP, ICMPv6 and IGMP, by tcpdump's names for their types. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "print.h"

static const struct name icmp4_types[] = {
    { 0, "echo reply" }, { 3, "dest unreachable" }, { 4, "source quench" }, { 5, "redirect" },
    { 8, "echo request" }, { 9, "router advertisement" }, { 10, "router solicitation" },
    { 11, "time exceeded" }, { 12, "parameter problem" }, { 13, "time stamp request" },
    { 14, "time stamp reply" }, { 15, "information request" }, { 16, "information reply" },
    { 17, "address mask request" }, { 18, "address mask reply" }, { 0, NULL },
};

static const struct name icmp6_types[] = {
    { 1, "destination unreachable" }, { 2, "packet too big" }, { 3, "time exceeded in-transit" },
    { 4, "parameter problem" }, { 128, "echo request" }, { 129, "echo reply" },
    { 130, "multicast listener query" }, { 131, "multicast listener report" },
    { 132, "multicast listener done" }, { 133, "router solicitation" },
    { 134, "router advertisement" }, { 135, "neighbor solicitation" },
    { 136, "neighbor advertisement" }, { 137, "redirect" }, { 138, "router renumbering" },
    { 139, "who-are-you request" }, { 140, "who-are-you reply" },
    { 141, "inverse neighbor solicitation" }, { 142, "inverse neighbor advertisement" },
    { 143, "multicast listener report v2" }, { 144, "ha discovery request" },
    { 145, "ha discovery reply" }, { 146, "mobile router solicitation" },
    { 147, "mobile router advertisement" }, { 148, "certification path solicitation" },
    { 149, "certification path advertisement" }, { 151, "multicast router advertisement" },
    { 152, "multicast router solicitation" }, { 153, "multicast router termination" },
    { 155, "RPL" }, { 200, "mtrace response" }, { 201, "mtrace message" }, { 0, NULL },
};

/* An ICMP destination unreachable names what could not be reached, from the
 * quoted header: the inner destination and, for ports, the inner transport. */
static void print_unreachable(uint8_t code, struct view v)
{
    if (v.cap < 8 + 20) {
        printf("[|icmp]");
        return;
    }
    const uint8_t *in = v.p + 8;
    char dst[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, in + 16, dst, sizeof dst);
    uint32_t ihl = (uint32_t)(in[0] & 0x0f) * 4;
    switch (code) {
    case 0:
        printf("net %s unreachable", dst);
        break;
    case 1:
        printf("host %s unreachable", dst);
        break;
    case 2:
        printf("%s protocol %u unreachable", dst, in[9]);
        break;
    case 3:
        if (ihl < 20 || v.cap < 8 + ihl + 4) {
            printf("[|icmp]");
            return;
        }
        if (in[9] == 6 || in[9] == 17)
            printf("%s %s port %u unreachable", dst, in[9] == 6 ? "tcp" : "udp", be16(in + ihl + 2));
        else
            printf("%s protocol %u port %u unreachable", dst, in[9], be16(in + ihl + 2));
        break;
    case 4:
        if (be16(v.p + 6) != 0)
            printf("%s unreachable - need to frag (mtu %u)", dst, be16(v.p + 6));
        else
            printf("%s unreachable - need to frag", dst);
        break;
    default:
        printf("dest unreachable");
    }
}

void print_icmp(const struct ipinfo *ip, struct view v)
{
    print_ip_head(ip);
    if (v.cap < 2) {
        printf(" [|icmp]\n");
        return;
    }
    uint8_t type = v.p[0], code = v.p[1];
    const char *name = name_of(icmp4_types, type);
    printf("ICMP ");
    if (type == 3)
        print_unreachable(code, v);
    else if (type == 13 && v.cap >= 8)
        printf("time stamp query id %u seq %u", be16(v.p + 4), be16(v.p + 6));
    else if (type == 11)
        printf(code == 1 ? "ip reassembly time exceeded" : "time exceeded in-transit");
    else if (name != NULL)
        printf("%s", name);
    else
        printf("type-#%u", type);
    if ((type == 0 || type == 8) && v.cap >= 8)
        printf(", id %u, seq %u", be16(v.p + 4), be16(v.p + 6));
    printf(", length %u\n", ip->paylen);
}

void print_icmp6(const struct ipinfo *ip, struct view v)
{
    print_ip_head(ip);
    if (ip->paylen == 0) {
        printf("ICMP6, length 0 (invalid)\n");
        return;
    }
    if (v.cap < 2) {
        printf(" [|icmp6]\n");
        return;
    }
    uint8_t type = v.p[0];
    const char *name = name_of(icmp6_types, type);
    if (type == 130 && ip->paylen >= 28 && v.cap >= 28) { /* MLDv2 queries are known by their length */
        char group[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, v.p + 8, group, sizeof group);
        if (be16(v.p + 26) != 0) { /* its sources: not decoded */
            printf("ICMP6, multicast listener query v2\n");
            return;
        }
        printf("ICMP6, multicast listener query v2 [gaddr %s], length %u\n", group, ip->paylen);
        return;
    }
    /* Types whose contents tcpdump writes right after the name: the line stops at the name. */
    if (type == 130 || type == 131 || type == 132 || type == 139 || type == 140) {
        printf("ICMP6, %s\n", name);
        return;
    }
    if (name != NULL)
        printf("ICMP6, %s", name);
    else
        printf("ICMP6, unknown icmp6 type (%u)", type);
    if ((type == 128 || type == 129) && v.cap >= 8)
        printf(", id %u, seq %u", be16(v.p + 4), be16(v.p + 6));
    if (type == 3) { /* time exceeded: in transit names the packet's destination */
        char dst[INET6_ADDRSTRLEN];
        if (v.p[1] == 0 && v.cap < 8 + 40) {
            printf("\n");
            return;
        }
        if (v.p[1] == 0)
            printf(" for %s", inet_ntop(AF_INET6, v.p + 8 + 24, dst, sizeof dst));
        else if (v.p[1] == 1)
            printf(" (reassembly)");
        else
            printf(", unknown code (%u)", v.p[1]);
    }
    if (type == 2 && v.cap >= 8)
        printf(", mtu %u", be32(v.p + 4));
    if (type == 143 && v.cap >= 8)
        printf(", %u group record(s)", be16(v.p + 6));
    /* Neighbour discovery names the address it is about. */
    if ((type == 135 || type == 136) && v.cap >= 24) {
        char tgt[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, v.p + 8, tgt, sizeof tgt);
        printf(type == 135 ? ", who has %s" : ", tgt is %s", tgt);
    }
    printf(", length %u\n", ip->paylen);
}

/* A duration as tcpdump writes one: years, weeks, days, hours, minutes, seconds. */
static void print_duration(uint32_t secs)
{
    static const struct { uint32_t unit; char c; } units[] = {
        { 31536000, 'y' }, { 604800, 'w' }, { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' },
    };
    if (secs == 0)
        printf("0s");
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (secs >= units[i].unit) {
            printf("%u%c", secs / units[i].unit, units[i].c);
            secs %= units[i].unit;
        }
}

static void print_igmp_query(struct view v, uint32_t len)
{
    char group[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, v.p + 4, group, sizeof group);
    uint32_t gaddr = be32(v.p + 4);
    uint8_t mrc = v.p[1];
    if (len == 8) {
        printf("igmp query v%d", mrc == 0 ? 1 : 2);
        if (mrc != 0 && mrc != 100)
            printf(" [max resp time %u]", mrc);
        if (gaddr != 0)
            printf(" [gaddr %s]", group);
        return;
    }
    printf("igmp query v3");
    if (len < 12 || v.cap < 12) {
        printf(" [|igmp]");
        return;
    }
    /* Version 3's max response code is in tenths of a second, large values in a float form. */
    uint32_t mrt = mrc < 128 ? mrc : (uint32_t)((mrc & 0x0f) | 0x10) << (((mrc & 0x70) >> 4) + 3);
    if (mrc != 100) {
        printf(" [max resp time ");
        if (mrt < 600)
            printf("%u.%us", mrt / 10, mrt % 10);
        else
            print_duration(mrt / 10);
        printf("]");
    }
    if (gaddr != 0)
        printf(" [gaddr %s%s", group, be16(v.p + 10) == 0 ? "]" : "");
}

/* IGMP messages that name a group, and the words for them. */
static const struct name igmp_group_msgs[] = {
    { 0x12, "igmp v1 report" }, { 0x16, "igmp v2 report" }, { 0x17, "igmp leave" }, { 0, NULL },
};

/* Messages carried in IGMP whose own decoders tcpdump runs: named only. */
static const struct name igmp_others[] = {
    { 0x13, "igmp dvmrp" }, { 0x14, "igmp pimv1" }, { 0x1e, "mresp" }, { 0x1f, "mtrace" }, { 0, NULL },
};

void print_igmp(const struct ipinfo *ip, struct view v)
{
    print_ip_head(ip);
    if (v.cap < 1) {
        printf(" [|igmp]\n");
        return;
    }
    const char *name = name_of(igmp_group_msgs, v.p[0]), *other = name_of(igmp_others, v.p[0]);
    if (other != NULL) {
        printf("%s\n", other);
        return;
    }
    if (v.cap < 8) {
        printf(" [|igmp]\n");
        return;
    }
    char group[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, v.p + 4, group, sizeof group);
    if (name != NULL)
        printf("%s %s", name, group);
    else if (v.p[0] == 0x11)
        print_igmp_query(v, ip->paylen);
    else if (v.p[0] == 0x22)
        printf("igmp v3 report, %u group record(s)", be16(v.p + 6));
    else
        printf("igmp-%u", v.p[0]);
    printf("\n");
}
