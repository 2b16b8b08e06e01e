/* dump.c - libcapture-pcap: writing pcap savefiles through stdio, as libpcap's dumper does (records written as given). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"

void lcap_pcap_file_header(pcap_t *p, struct pcap_file_header *h)
{
    *h = (struct pcap_file_header){
        .magic = p->precision == PCAP_TSTAMP_PRECISION_NANO ? LCAP_PCAP_MAGIC_NSEC : LCAP_PCAP_MAGIC_USEC,
        .version_major = PCAP_VERSION_MAJOR,
        .version_minor = PCAP_VERSION_MINOR,
        .snaplen = (bpf_u_int32)capture_snapshot(p->r),
        .linktype = (bpf_u_int32)capture_dlt_to_linktype(capture_datalink(p->r)) |
                    capture_datalink_ext(p->r),
    };
}

pcap_dumper_t *lcap_pcap_dump_wrap(FILE *fp, int owns)
{
    pcap_dumper_t *pd = calloc(1, sizeof(*pd));
    if (pd != NULL) {
        pd->fp = fp;
        pd->owns = owns;
    }
    return pd;
}

/* Writes the file header for p to fp and wraps fp; NULL with p's errbuf set. */
static pcap_dumper_t *start(pcap_t *p, FILE *fp, const char *name, int owns)
{
    int linktype = capture_dlt_to_linktype(capture_datalink(p->r));
    if (linktype < 0) {
        snprintf(p->errbuf, sizeof p->errbuf, "%s: link-type %d isn't supported in savefiles", name,
                 capture_datalink(p->r));
        return NULL;
    }
    struct pcap_file_header h;
    lcap_pcap_file_header(p, &h);
    if (fwrite(&h, sizeof h, 1, fp) != 1) {
        snprintf(p->errbuf, sizeof p->errbuf, "%s: can't write the savefile header", name);
        return NULL;
    }
    pcap_dumper_t *pd = lcap_pcap_dump_wrap(fp, owns);
    if (pd == NULL)
        snprintf(p->errbuf, sizeof p->errbuf, "%s: out of memory", name);
    return pd;
}

pcap_dumper_t *pcap_dump_open(pcap_t *p, const char *fname)
{
    if (p == NULL)
        return NULL;
    if (fname == NULL) {
        snprintf(p->errbuf, sizeof p->errbuf, "A null pointer was supplied as the file name");
        return NULL;
    }
    int is_stdout = strcmp(fname, "-") == 0;
    FILE *fp = is_stdout ? stdout : fopen(fname, "wb");
    if (fp == NULL) {
        snprintf(p->errbuf, sizeof p->errbuf, "%s: %s", fname, strerror(errno));
        return NULL;
    }
    pcap_dumper_t *pd = start(p, fp, fname, !is_stdout);
    if (pd == NULL && !is_stdout)
        fclose(fp);
    return pd;
}

pcap_dumper_t *pcap_dump_fopen(pcap_t *p, FILE *fp)
{
    if (p == NULL || fp == NULL)
        return NULL;
    return start(p, fp, "stream", 1);
}

void pcap_dump(unsigned char *user, const struct pcap_pkthdr *h, const unsigned char *sp)
{
    pcap_dumper_t *pd = (pcap_dumper_t *)user;

    if (pd == NULL || h == NULL || (sp == NULL && h->caplen > 0))
        return;
    /* The record's fields are 32 bits, as libpcap writes them: larger values are cut. */
    uint32_t rec[4] = { (uint32_t)h->ts.tv_sec, (uint32_t)h->ts.tv_usec, h->caplen, h->len };
    if (fwrite(rec, sizeof rec, 1, pd->fp) != 1)
        return;
    (void)fwrite(sp, 1, h->caplen, pd->fp);
}

int pcap_dump_flush(pcap_dumper_t *pd)
{
    return pd != NULL && fflush(pd->fp) == 0 ? 0 : PCAP_ERROR;
}

long pcap_dump_ftell(pcap_dumper_t *pd)
{
    return pd != NULL ? ftell(pd->fp) : PCAP_ERROR;
}

int64_t pcap_dump_ftell64(pcap_dumper_t *pd)
{
    return pd != NULL ? (int64_t)ftello(pd->fp) : PCAP_ERROR;
}

FILE *pcap_dump_file(pcap_dumper_t *pd)
{
    return pd != NULL ? pd->fp : NULL;
}

void pcap_dump_close(pcap_dumper_t *pd)
{
    if (pd == NULL)
        return;
    if (pd->owns)
        fclose(pd->fp);
    else
        fflush(pd->fp);
    free(pd);
}
