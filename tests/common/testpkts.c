/* testpkts.c - reading a whole savefile into memory through libcapture or libpcap (testpkts.h). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "testpkts.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lcap_test_pkts_add(lcap_test_pkts *l, const capture_pkthdr *h, const uint8_t *d)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->p = realloc(l->p, l->cap * sizeof(*l->p));
        if (l->p == NULL)
            abort();
    }
    lcap_test_pkt *p = &l->p[l->n++];
    p->h = *h;
    p->data = malloc(h->caplen ? h->caplen : 1);
    if (p->data == NULL)
        abort();
    memcpy(p->data, d, h->caplen);
}

void lcap_test_pkts_free(lcap_test_pkts *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->p[i].data);
    free(l->p);
    memset(l, 0, sizeof(*l));
}

int lcap_test_read_ours(const char *path, lcap_test_pkts *l)
{
    char err[CAPTURE_ERRBUF_SIZE];
    capture_pkthdr h;
    const uint8_t *d;
    int major, minor;

    memset(l, 0, sizeof(*l));
    capture_reader *r = capture_open_offline(path, err);
    if (r == NULL) {
        snprintf(l->err, sizeof(l->err), "%s", err);
        return -1;
    }
    while ((l->end = capture_next(r, &h, &d)) == 1)
        lcap_test_pkts_add(l, &h, d);
    if (l->end == CAPTURE_ERROR)
        snprintf(l->err, sizeof(l->err), "%s", capture_geterr(r));
    l->dlt = capture_datalink(r);
    l->snaplen = capture_snapshot(r);
    l->prec = capture_get_tstamp_precision(r);
    capture_file_version(r, &major, &minor, &l->swapped);
    capture_close(r);
    return 0;
}

int lcap_test_read_libpcap(const char *path, int precision, lcap_test_pkts *l)
{
    char err[PCAP_ERRBUF_SIZE];
    struct pcap_pkthdr *ph;
    const u_char *d;
    int nano = precision == CAPTURE_TSTAMP_PRECISION_NANO;

    memset(l, 0, sizeof(*l));
    pcap_t *p = pcap_open_offline_with_tstamp_precision(
        path, nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO, err);
    if (p == NULL) {
        snprintf(l->err, sizeof(l->err), "%s", err);
        return -1;
    }
    while ((l->end = pcap_next_ex(p, &ph, &d)) == 1) {
        capture_pkthdr h = { (int64_t)ph->ts.tv_sec, (uint32_t)ph->ts.tv_usec * (nano ? 1u : 1000u),
                             ph->caplen, ph->len };
        lcap_test_pkts_add(l, &h, d);
    }
    if (l->end == PCAP_ERROR)
        snprintf(l->err, sizeof(l->err), "%s", pcap_geterr(p));
    l->dlt = pcap_datalink(p);
    l->snaplen = pcap_snapshot(p);
    l->prec = precision;
    l->swapped = pcap_is_swapped(p);
    pcap_close(p);
    return 0;
}
