/* props.c - libcapture-pcap: handle properties, link-type names, version and status text. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>

#include "handle.h"

/* The activation check first, as libpcap makes it for every property. */
#define ACTIVATED_OR_RETURN(p)                      \
    do {                                            \
        if ((p) == NULL)                            \
            return PCAP_ERROR;                      \
        int not_activated_ = lcap_pcap_check_activated(p); \
        if (not_activated_ != 0)                    \
            return not_activated_;                  \
    } while (0)

int pcap_datalink(pcap_t *p)
{
    ACTIVATED_OR_RETURN(p);
    return capture_datalink(p->r);
}

int pcap_datalink_ext(pcap_t *p)
{
    ACTIVATED_OR_RETURN(p);
    return (int)capture_datalink_ext(p->r);
}

int pcap_snapshot(pcap_t *p)
{
    ACTIVATED_OR_RETURN(p);
    return capture_snapshot(p->r);
}

/* One field of the savefile's version; dead and live handles report 0, as libpcap's do. */
static int version_part(pcap_t *p, int which)
{
    int v[3] = { 0, 0, 0 };

    ACTIVATED_OR_RETURN(p);
    if (capture_file_version(p->r, &v[0], &v[1], &v[2]) < 0)
        return 0;
    return v[which];
}

int pcap_major_version(pcap_t *p) { return version_part(p, 0); }
int pcap_minor_version(pcap_t *p) { return version_part(p, 1); }
int pcap_is_swapped(pcap_t *p) { return version_part(p, 2); }

int pcap_get_tstamp_precision(pcap_t *p)
{
    return p != NULL ? p->precision : PCAP_ERROR;
}

int pcap_list_datalinks(pcap_t *p, int **dlts)
{
    if (dlts == NULL)
        return PCAP_ERROR;
    ACTIVATED_OR_RETURN(p);
    int n = capture_list_datalinks(p->r, dlts);
    if (n < 0)
        lcap_pcap_seterr(p);
    return n;
}

void pcap_free_datalinks(int *dlts)
{
    capture_free_datalinks(dlts);
}

int pcap_set_datalink(pcap_t *p, int dlt)
{
    if (p == NULL)
        return PCAP_ERROR;
    /* libpcap says only -1, also before activation. */
    if (capture_set_datalink(p->r, dlt) < 0) {
        lcap_pcap_seterr(p);
        return PCAP_ERROR;
    }
    return 0;
}

char *pcap_geterr(pcap_t *p)
{
    return p != NULL ? p->errbuf : NULL;
}

void pcap_perror(pcap_t *p, const char *prefix)
{
    fprintf(stderr, "%s: %s\n", prefix != NULL ? prefix : "", pcap_geterr(p));
}

int pcap_datalink_name_to_val(const char *name)
{
    return capture_datalink_name_to_val(name);
}

const char *pcap_datalink_val_to_name(int dlt)
{
    return capture_datalink_val_to_name(dlt);
}

const char *pcap_datalink_val_to_description(int dlt)
{
    return capture_datalink_val_to_description(dlt);
}

const char *pcap_datalink_val_to_description_or_dlt(int dlt)
{
    /* Thread-local, as libpcap's, so concurrent callers do not share a buffer. */
    static _Thread_local char buf[32];
    const char *d = capture_datalink_val_to_description(dlt);

    if (d != NULL)
        return d;
    snprintf(buf, sizeof buf, "DLT %d", dlt);
    return buf;
}

const char *pcap_lib_version(void)
{
    static char buf[64];

    if (buf[0] == '\0')
        snprintf(buf, sizeof buf, "libcapture-pcap (%s)", capture_lib_version());
    return buf;
}

const char *pcap_strerror(int errnum)
{
    return strerror(errnum);
}

/* libpcap's status codes and what they mean: one row each. */
static const struct {
    int code;
    const char *text;
} statuses[] = {
    { 0, "Success" },
    { PCAP_WARNING, "Generic warning" },
    { PCAP_WARNING_TSTAMP_TYPE_NOTSUP, "That type of time stamp is not supported by that device" },
    { PCAP_WARNING_PROMISC_NOTSUP, "That device doesn't support promiscuous mode" },
    { PCAP_ERROR, "Generic error" },
    { PCAP_ERROR_BREAK, "Loop terminated by pcap_breakloop" },
    { PCAP_ERROR_NOT_ACTIVATED, "The pcap_t has not been activated" },
    { PCAP_ERROR_ACTIVATED, "The setting can't be changed after the pcap_t is activated" },
    { PCAP_ERROR_NO_SUCH_DEVICE, "No such device exists" },
    { PCAP_ERROR_RFMON_NOTSUP, "That device doesn't support monitor mode" },
    { PCAP_ERROR_NOT_RFMON, "That operation is supported only in monitor mode" },
    { PCAP_ERROR_PERM_DENIED, "You don't have permission to perform this capture on that device" },
    { PCAP_ERROR_IFACE_NOT_UP, "That device is not up" },
    { PCAP_ERROR_CANTSET_TSTAMP_TYPE, "That device doesn't support setting the time stamp type" },
    { PCAP_ERROR_PROMISC_PERM_DENIED, "You don't have permission to capture in promiscuous mode" },
    { PCAP_ERROR_TSTAMP_PRECISION_NOTSUP, "That device doesn't support that time stamp precision" },
};

const char *pcap_statustostr(int status)
{
    static _Thread_local char buf[40];

    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].code == status)
            return statuses[i].text;
    snprintf(buf, sizeof buf, "Unknown error: %d", status);
    return buf;
}
