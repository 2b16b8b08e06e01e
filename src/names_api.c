/* names_api.c - the public face of the filter compiler's name lookups (capture_name_to_*), for libcapture-pcap's pcap_nameto*. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "capture.h"
#include "filter/names.h"

_Static_assert(LCAP_PROTO_TCP == CAPTURE_TRANSPORT_TCP && LCAP_PROTO_UDP == CAPTURE_TRANSPORT_UDP &&
                   LCAP_PROTO_SCTP == CAPTURE_TRANSPORT_SCTP, "transport bits");
_Static_assert(LCAP_LINK_ETHERTYPE == CAPTURE_LINK_ETHERTYPE && LCAP_LINK_LLC == CAPTURE_LINK_LLC,
               "link protocol kinds");

int capture_name_to_port(const char *name, int *port, int *transports, char *errbuf)
{
    int p, t;
    if (lcap_names_port(name, &p, &t, errbuf) < 0)
        return CAPTURE_ERROR;
    if (port != NULL)
        *port = p;
    if (transports != NULL)
        *transports = t;
    return 0;
}

int capture_name_to_proto(const char *name, char *errbuf)
{
    int v;
    return lcap_names_proto(name, &v, errbuf) < 0 ? CAPTURE_ERROR : v;
}

int capture_name_to_net(const char *name, uint32_t *net, char *errbuf)
{
    uint32_t v;
    if (name == NULL || lcap_names_net(name, &v, errbuf) < 0)
        return CAPTURE_ERROR;
    if (net != NULL)
        *net = v;
    return 0;
}

int capture_name_to_ether(const char *name, uint8_t mac[6], char *errbuf)
{
    if (name == NULL || mac == NULL)
        return CAPTURE_ERROR;
    return lcap_names_ether(name, mac, errbuf) < 0 ? CAPTURE_ERROR : 0;
}

int capture_name_to_link_proto(const char *name, int *value)
{
    int v, kind = lcap_names_link_proto(name, &v);
    if (kind < 0)
        return CAPTURE_ERROR;
    if (value != NULL)
        *value = v;
    return kind;
}

int capture_parse_ethers_line(const char *line, size_t len, uint8_t mac[6], const char **host,
                              size_t *hostlen)
{
    if (line == NULL || mac == NULL || host == NULL || hostlen == NULL)
        return CAPTURE_ERROR;
    int rc = lcap_names_ethers_line(line, len, mac, host, hostlen);
    return rc < 0 ? CAPTURE_ERROR : rc;
}
