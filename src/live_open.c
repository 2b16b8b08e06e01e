/* live_open.c - live readers: capture_create, the options set before capture_activate,
 * capture_activate with libpcap's return codes, and capture_open_live. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>

#include "netif.h"
#include "reader.h"

/* Which live source capture_create picks, first row that applies: the BPF
 * device when LCAP_BPF_FLAVOR names a flavour (the tests' emulated
 * /dev/bpf), else the system's own. One row per platform difference. */
static int any_precision(int precision)
{
    return precision == CAPTURE_TSTAMP_PRECISION_MICRO || precision == CAPTURE_TSTAMP_PRECISION_NANO;
}
static const struct live_source {
    const char *env;              /* applies when set and non-empty; NULL: always */
    const lcap_source_ops *ops;
    int (*precision_supported)(int precision);
    int protocol_choice;          /* can open for one link-level protocol (capture_set_protocol) */
} live_sources[] = {
    { "LCAP_BPF_FLAVOR", &lcap_bpfdev_ops, lcap_bpfdev_precision_supported, 0 },
#if defined(__linux__)
    { NULL, &lcap_linux_packet_ops, any_precision, 1 },
#else
    { NULL, &lcap_bpfdev_ops, lcap_bpfdev_precision_supported, 0 },
#endif
};

static const struct live_source *live_source(void)
{
    size_t i = 0;
    for (; live_sources[i].env != NULL; i++) {
        const char *v = getenv(live_sources[i].env);
        if (v != NULL && v[0] != '\0')
            break;
    }
    return &live_sources[i];
}

capture_reader *capture_create(const char *device, char *errbuf)
{
    char name[sizeof(((lcap_live_opts *)0)->device)], local[CAPTURE_ERRBUF_SIZE];

    if (errbuf == NULL)
        errbuf = local;
    if (device == NULL) {
        if (capture_lookupdev(name, sizeof(name), errbuf) < 0)
            return NULL;
        device = name;
    }
    if (strlen(device) >= sizeof(name) || device[0] == '\0') {
        lcap_errf(errbuf, "%s: not a valid interface name", device);
        return NULL;
    }
    capture_reader *r = lcap_reader_new();
    if (r == NULL) {
        lcap_errf(errbuf, "%s: out of memory", device);
        return NULL;
    }
    snprintf(r->opts.device, sizeof(r->opts.device), "%s", device);
    r->ops = live_source()->ops;
    r->activated = 0;
    r->snaplen = LCAP_MAXIMUM_SNAPLEN;
    return r;
}

/* Options may change only before capture_activate, as in libpcap. */
static int settable(capture_reader *r)
{
    if (r == NULL) /* capture.h's NULL rule */
        return CAPTURE_ERROR;
    if (r->activated) {
        lcap_errf(r->errbuf, "options can be set only before capture_activate");
        return CAPTURE_ERROR_ACTIVATED;
    }
    return 0;
}

int capture_set_snaplen(capture_reader *r, int snaplen)
{
    int rc = settable(r);
    if (rc == 0)
        r->snaplen = (snaplen <= 0 || snaplen > LCAP_MAXIMUM_SNAPLEN) ? LCAP_MAXIMUM_SNAPLEN
                                                                     : snaplen;
    return rc;
}

int capture_set_promisc(capture_reader *r, int promisc)
{
    int rc = settable(r);
    if (rc == 0)
        r->opts.promisc = promisc != 0;
    return rc;
}

int capture_set_timeout(capture_reader *r, int to_ms)
{
    int rc = settable(r);
    if (rc == 0)
        r->opts.to_ms = to_ms < 0 ? 0 : to_ms;
    return rc;
}

int capture_set_buffer_size(capture_reader *r, int bytes)
{
    int rc = settable(r);
    if (rc == 0)
        r->opts.buffer_size = bytes < 0 ? 0 : bytes;
    return rc;
}

int capture_set_immediate_mode(capture_reader *r, int on)
{
    int rc = settable(r);
    if (rc == 0)
        r->opts.immediate = on != 0;
    return rc;
}

int capture_set_tstamp_precision(capture_reader *r, int precision)
{
    int rc = settable(r);
    if (rc != 0)
        return rc;
    if (!live_source()->precision_supported(precision)) {
        lcap_errf(r->errbuf, "this OS's live source cannot stamp with precision %d", precision);
        return CAPTURE_ERROR_TSTAMP_PRECISION_NOTSUP;
    }
    r->tstamp_precision = precision;
    return 0;
}

int capture_set_protocol(capture_reader *r, int protocol)
{
    int rc = settable(r);
    if (rc != 0)
        return rc;
    if (protocol < 0 || protocol > 0xffff || (protocol != 0 && !live_source()->protocol_choice)) {
        lcap_errf(r->errbuf, "this OS's live source cannot capture protocol %d alone", protocol);
        return CAPTURE_ERROR;
    }
    r->opts.protocol = protocol;
    return 0;
}

int capture_activate(capture_reader *r)
{
    int rc = settable(r);

    if (rc != 0)
        return rc;
    if (r->ops->activate == NULL)
        return lcap_reader_unsupported(r, "activation");
    rc = r->ops->activate(r);
    if (rc < 0) {
        /* libpcap leaves a failed handle unactivated: free what was opened. */
        if (r->ops->close != NULL)
            r->ops->close(r);
        r->src = NULL;
        return rc;
    }
    r->activated = 1;
    /* Unknown addresses are not an error: getnet/getmask then say 0. */
    lcap_netif_lookupnet(r->opts.device, &r->net, &r->netmask, NULL);
    return rc;
}

capture_reader *capture_open_live(const char *device, int snaplen, int promisc, int to_ms,
                                  char *errbuf)
{
    capture_reader *r = capture_create(device, errbuf);
    if (r == NULL)
        return NULL;
    capture_set_snaplen(r, snaplen);
    capture_set_promisc(r, promisc);
    capture_set_timeout(r, to_ms);
    int rc = capture_activate(r);
    if (rc < 0) {
        /* The source's message already names the device. */
        lcap_errf(errbuf, "%s", r->errbuf);
        capture_close(r);
        return NULL;
    }
    if (errbuf != NULL)
        lcap_errf(errbuf, "%s", rc > 0 ? r->errbuf : "");
    return r;
}

