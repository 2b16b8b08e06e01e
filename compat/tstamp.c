/* tstamp.c - libcapture-pcap: time stamp type names and the types a handle offers (only the host's, as libpcap on Linux for devices without hardware stamping). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <strings.h>

#include "handle.h"

/* libpcap's time stamp types: value, name, description. */
static const struct {
    int type;
    const char *name, *description;
} tstamp_types[] = {
    { PCAP_TSTAMP_HOST, "host", "Host" },
    { PCAP_TSTAMP_HOST_LOWPREC, "host_lowprec", "Host, low precision" },
    { PCAP_TSTAMP_HOST_HIPREC, "host_hiprec", "Host, high precision" },
    { PCAP_TSTAMP_ADAPTER, "adapter", "Adapter" },
    { PCAP_TSTAMP_ADAPTER_UNSYNCED, "adapter_unsynced", "Adapter, not synced with system time" },
    { PCAP_TSTAMP_HOST_HIPREC_UNSYNCED, "host_hiprec_unsynced",
      "Host, high precision, not synced with system time" },
};
#define N_TSTAMP_TYPES (sizeof tstamp_types / sizeof tstamp_types[0])

int pcap_tstamp_type_name_to_val(const char *name)
{
    for (size_t i = 0; name != NULL && i < N_TSTAMP_TYPES; i++)
        if (strcasecmp(name, tstamp_types[i].name) == 0)
            return tstamp_types[i].type;
    return PCAP_ERROR;
}

const char *pcap_tstamp_type_val_to_name(int type)
{
    for (size_t i = 0; i < N_TSTAMP_TYPES; i++)
        if (tstamp_types[i].type == type)
            return tstamp_types[i].name;
    return NULL;
}

const char *pcap_tstamp_type_val_to_description(int type)
{
    for (size_t i = 0; i < N_TSTAMP_TYPES; i++)
        if (tstamp_types[i].type == type)
            return tstamp_types[i].description;
    return NULL;
}

/* libcapture stamps with the host's clock only; libpcap offers just that
 * type where a device cannot stamp every packet in hardware (veth, lo,
 * savefiles, most NICs' default), so the list is always that one. */
int pcap_list_tstamp_types(pcap_t *p, int **types)
{
    if (p == NULL || types == NULL)
        return PCAP_ERROR;
    *types = malloc(sizeof **types);
    if (*types == NULL) {
        snprintf(p->errbuf, sizeof p->errbuf, "malloc: out of memory");
        return PCAP_ERROR;
    }
    **types = PCAP_TSTAMP_HOST;
    return 1;
}

void pcap_free_tstamp_types(int *types)
{
    free(types);
}

int pcap_set_tstamp_type(pcap_t *p, int type)
{
    if (p == NULL)
        return PCAP_ERROR;
    if (p->activated)
        return PCAP_ERROR_ACTIVATED;
    /* Any other type is a warning, not an error: the capture goes on with host stamps. */
    return type == PCAP_TSTAMP_HOST ? 0 : PCAP_WARNING_TSTAMP_TYPE_NOTSUP;
}
