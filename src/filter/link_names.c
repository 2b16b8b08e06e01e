/* link_names.c - the names of link-level protocols ("link proto NAME"): Ethernet types and LLC SAPs, one table for the compiler and capture_name_to_link_proto. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include "filter/gen.h"
#include "filter/names.h"

static const struct {
    const char *name;
    int value;
    int kind; /* LCAP_LINK_ETHERTYPE or LCAP_LINK_LLC */
} link_protos[] = {
    { "aarp", ETHERTYPE_AARP, LCAP_LINK_ETHERTYPE },     { "arp", ETHERTYPE_ARP, LCAP_LINK_ETHERTYPE },
    { "atalk", ETHERTYPE_ATALK, LCAP_LINK_ETHERTYPE },   { "decnet", ETHERTYPE_DN, LCAP_LINK_ETHERTYPE },
    { "ip", ETHERTYPE_IP, LCAP_LINK_ETHERTYPE },         { "ip6", ETHERTYPE_IPV6, LCAP_LINK_ETHERTYPE },
    { "lat", ETHERTYPE_LAT, LCAP_LINK_ETHERTYPE },       { "loopback", 0x9000, LCAP_LINK_ETHERTYPE },
    { "mopdl", ETHERTYPE_MOPDL, LCAP_LINK_ETHERTYPE },   { "moprc", ETHERTYPE_MOPRC, LCAP_LINK_ETHERTYPE },
    { "rarp", ETHERTYPE_REVARP, LCAP_LINK_ETHERTYPE },   { "sca", ETHERTYPE_SCA, LCAP_LINK_ETHERTYPE },
    { "pup", 0x0200, LCAP_LINK_ETHERTYPE },              { "sprite", 0x0500, LCAP_LINK_ETHERTYPE },
    { "lldp", 0x88cc, LCAP_LINK_ETHERTYPE },             { "slow", 0x8809, LCAP_LINK_ETHERTYPE },
    { "iso", LLCSAP_ISONS, LCAP_LINK_LLC },              { "stp", LLCSAP_8021D, LCAP_LINK_LLC },
    { "ipx", LLCSAP_IPX, LCAP_LINK_LLC },                { "netbeui", LLCSAP_NETBEUI, LCAP_LINK_LLC },
};

int lcap_names_link_proto(const char *name, int *value)
{
    for (size_t i = 0; name != NULL && i < sizeof(link_protos) / sizeof(link_protos[0]); i++)
        if (strcmp(link_protos[i].name, name) == 0) {
            *value = link_protos[i].value;
            return link_protos[i].kind;
        }
    return -1;
}
