/* dump.c - libcapture-pcap: writing savefiles through libcapture's dumper. */
#include <stdlib.h>

#include "handle.h"

pcap_dumper_t *pcap_dump_open(pcap_t *p, const char *fname)
{
    if (p == NULL)
        return NULL;
    pcap_dumper_t *pd = calloc(1, sizeof(*pd));
    if (pd == NULL)
        return NULL;
    pd->d = capture_dump_open(p->r, fname);
    if (pd->d == NULL) {
        lcap_pcap_seterr(p);
        free(pd);
        return NULL;
    }
    /* libcapture writes the precision of the reader; tv_usec holds the precision asked for. */
    pd->precision = p->precision;
    return pd;
}

void pcap_dump(unsigned char *user, const struct pcap_pkthdr *h, const unsigned char *sp)
{
    pcap_dumper_t *pd = (pcap_dumper_t *)user;
    capture_pkthdr ch;

    if (pd == NULL || h == NULL)
        return;
    ch.ts_sec = (int64_t)(uint32_t)h->ts.tv_sec; /* the file's field is 32 bits */
    ch.ts_nsec = pd->precision == PCAP_TSTAMP_PRECISION_NANO ? (uint32_t)h->ts.tv_usec
                                                             : (uint32_t)h->ts.tv_usec * 1000u;
    ch.caplen = h->caplen;
    ch.len = h->len;
    (void)capture_dump(pd->d, &ch, sp);
}

int pcap_dump_flush(pcap_dumper_t *pd)
{
    return pd != NULL && capture_dump_flush(pd->d) == 0 ? 0 : PCAP_ERROR;
}

long pcap_dump_ftell(pcap_dumper_t *pd)
{
    return pd != NULL ? (long)capture_dump_ftell(pd->d) : PCAP_ERROR;
}

void pcap_dump_close(pcap_dumper_t *pd)
{
    if (pd == NULL)
        return;
    (void)capture_dump_close(pd->d);
    free(pd);
}
