/* offline.c - libcapture-pcap: opening savefiles and dead handles, reading packets, closing. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"

pcap_t *lcap_pcap_wrap(capture_reader *r, int precision)
{
    pcap_t *p = calloc(1, sizeof(*p));
    int major = 0;

    if (p == NULL) {
        capture_close(r);
        return NULL;
    }
    p->r = r;
    p->precision = precision;
    p->activated = 1;
    p->kind = capture_file_version(r, NULL, NULL, NULL) == 0 ? LCAP_PCAP_SAVEFILE : LCAP_PCAP_DEAD;
    p->pcap_format = capture_file_version(r, &major, NULL, NULL) == 0 && major == 2;
    return p;
}

int lcap_pcap_check_activated(pcap_t *p)
{
    if (p->activated)
        return 0;
    snprintf(p->errbuf, sizeof p->errbuf, "This handle hasn't been activated yet");
    return PCAP_ERROR_NOT_ACTIVATED;
}

void lcap_pcap_seterr(pcap_t *p)
{
    snprintf(p->errbuf, sizeof p->errbuf, "%s", capture_geterr(p->r));
}

void lcap_pcap_hdr(pcap_t *p, const capture_pkthdr *in, struct pcap_pkthdr *out)
{
    int64_t sec = in->ts_sec;
    uint32_t raw_sec, raw_frac;

    out->caplen = in->caplen;
    out->len = in->len;
    if (p->pcap_format && capture_raw_ts(p->r, in, &raw_sec, &raw_frac)) {
        /* libpcap passes an out-of-range field through, read as signed 32 bits,
         * scaled between the file's unit and the requested one. */
        int file_nano = capture_get_tstamp_precision(p->r) == CAPTURE_TSTAMP_PRECISION_NANO;
        long frac = (int32_t)raw_frac;
        if (file_nano && p->precision == PCAP_TSTAMP_PRECISION_MICRO)
            frac /= 1000;
        else if (!file_nano && p->precision == PCAP_TSTAMP_PRECISION_NANO)
            frac *= 1000;
        out->ts.tv_sec = (time_t)(int32_t)raw_sec;
        out->ts.tv_usec = (suseconds_t)frac;
        return;
    }
    /* libpcap reads a pcap record's seconds as a signed 32-bit field. */
    if (p->pcap_format && sec > INT32_MAX && sec <= (int64_t)UINT32_MAX)
        sec = (int64_t)(int32_t)(uint32_t)sec;
    out->ts.tv_sec = (time_t)sec;
    out->ts.tv_usec = (suseconds_t)(p->precision == PCAP_TSTAMP_PRECISION_NANO ? in->ts_nsec
                                                                               : in->ts_nsec / 1000u);
}

static int precision_ok(unsigned int precision, char *errbuf)
{
    if (precision == PCAP_TSTAMP_PRECISION_MICRO || precision == PCAP_TSTAMP_PRECISION_NANO)
        return 1;
    if (errbuf != NULL)
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "unknown time stamp resolution %u", precision);
    return 0;
}

pcap_t *pcap_fopen_offline_with_tstamp_precision(FILE *fp, unsigned int precision, char *errbuf)
{
    if (!precision_ok(precision, errbuf))
        return NULL;
    if (fp == NULL) {
        if (errbuf != NULL)
            snprintf(errbuf, PCAP_ERRBUF_SIZE, "A null pointer was supplied as the file");
        return NULL;
    }
    /* libcapture reads the descriptor itself, from its current offset. */
    capture_reader *r = capture_open_offline_fd(fileno(fp), fp == stdin ? "standard input" : "stream",
                                                errbuf);
    if (r == NULL)
        return NULL;
    pcap_t *p = lcap_pcap_wrap(r, (int)precision);
    if (p == NULL && errbuf != NULL)
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
    if (p != NULL)
        p->rfile = fp;
    return p;
}

pcap_t *pcap_fopen_offline(FILE *fp, char *errbuf)
{
    return pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
}

pcap_t *pcap_open_offline_with_tstamp_precision(const char *fname, unsigned int precision,
                                                char *errbuf)
{
    if (fname == NULL) {
        if (errbuf != NULL)
            snprintf(errbuf, PCAP_ERRBUF_SIZE, "A null pointer was supplied as the file name");
        return NULL;
    }
    if (!precision_ok(precision, errbuf))
        return NULL;
    int is_stdin = strcmp(fname, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(fname, "rb");
    if (fp == NULL) {
        if (errbuf != NULL)
            snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", fname, strerror(errno));
        return NULL;
    }
    capture_reader *r = capture_open_offline_fd(fileno(fp), fname, errbuf);
    if (r == NULL) {
        if (!is_stdin)
            fclose(fp);
        return NULL;
    }
    pcap_t *p = lcap_pcap_wrap(r, (int)precision);
    if (p == NULL) {
        if (errbuf != NULL)
            snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
        if (!is_stdin)
            fclose(fp);
        return NULL;
    }
    p->rfile = fp;
    return p;
}

pcap_t *pcap_open_offline(const char *fname, char *errbuf)
{
    return pcap_open_offline_with_tstamp_precision(fname, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
}

FILE *pcap_file(pcap_t *p)
{
    return p != NULL ? p->rfile : NULL;
}

int pcap_fileno(pcap_t *p)
{
    if (p == NULL)
        return PCAP_ERROR;
    /* libpcap 1.10 gives -1 for savefiles too (its descriptor is for live captures). */
    return capture_getfd(p->r);
}

pcap_t *pcap_open_dead_with_tstamp_precision(int linktype, int snaplen, unsigned int precision)
{
    if (!precision_ok(precision, NULL))
        return NULL;
    capture_reader *r = capture_open_dead_with_tstamp_precision(linktype, snaplen, (int)precision);
    return r != NULL ? lcap_pcap_wrap(r, (int)precision) : NULL;
}

pcap_t *pcap_open_dead(int linktype, int snaplen)
{
    return pcap_open_dead_with_tstamp_precision(linktype, snaplen, PCAP_TSTAMP_PRECISION_MICRO);
}

void pcap_close(pcap_t *p)
{
    if (p == NULL)
        return;
    capture_close(p->r);
    /* As libpcap, the stream is closed even when the caller opened it (but not stdin). */
    if (p->rfile != NULL && p->rfile != stdin)
        fclose(p->rfile);
    free(p);
}

/* Turns libcapture's callback into the pcap_handler the loop was given. */
static void trampoline(void *user, const capture_pkthdr *hdr, const uint8_t *data)
{
    pcap_t *p = user;
    struct pcap_pkthdr h;

    lcap_pcap_hdr(p, hdr, &h);
    p->cb(p->user, &h, data);
}

static int run(pcap_t *p, int cnt, pcap_handler cb, unsigned char *user, int loop)
{
    if (p == NULL)
        return PCAP_ERROR;
    int rc = lcap_pcap_check_activated(p);
    if (rc != 0 || cb == NULL)
        return rc != 0 ? rc : PCAP_ERROR;
    p->cb = cb;
    p->user = user;
    rc = loop ? capture_loop(p->r, cnt, trampoline, p) : capture_dispatch(p->r, cnt, trampoline, p);
    if (rc == PCAP_ERROR)
        lcap_pcap_seterr(p);
    return rc;
}

int pcap_loop(pcap_t *p, int cnt, pcap_handler cb, unsigned char *user)
{
    return run(p, cnt, cb, user, 1);
}

int pcap_dispatch(pcap_t *p, int cnt, pcap_handler cb, unsigned char *user)
{
    return run(p, cnt, cb, user, 0);
}

int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **h, const unsigned char **data)
{
    capture_pkthdr ch;
    const uint8_t *d = NULL;

    if (p == NULL || h == NULL || data == NULL)
        return PCAP_ERROR;
    int rc = lcap_pcap_check_activated(p);
    if (rc != 0)
        return rc;
    rc = capture_next(p->r, &ch, &d);
    if (rc == 1) {
        lcap_pcap_hdr(p, &ch, &p->hdr);
        *h = &p->hdr;
        *data = d;
    } else if (rc == PCAP_ERROR) {
        lcap_pcap_seterr(p);
    }
    return rc; /* 1, 0 (live timeout), -2 (end of savefile) or -1, as libpcap's */
}

const unsigned char *pcap_next(pcap_t *p, struct pcap_pkthdr *h)
{
    struct pcap_pkthdr *ph;
    const unsigned char *data;

    if (h == NULL || pcap_next_ex(p, &ph, &data) != 1)
        return NULL;
    *h = *ph;
    return data;
}

void pcap_breakloop(pcap_t *p)
{
    if (p != NULL)
        capture_breakloop(p->r);
}
