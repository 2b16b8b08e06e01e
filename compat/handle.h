/* handle.h - libcapture-pcap's pcap_t and pcap_dumper_t: a libcapture reader or dumper plus libpcap's view of it. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_PCAP_HANDLE_H
#define LCAP_PCAP_HANDLE_H

#include <pcap/pcap.h>

#include "capture.h"

struct pcap {
    capture_reader *r;
    FILE *rfile;            /* a savefile's stream (pcap_file), closed by pcap_close */
    int precision;          /* requested: what ts.tv_usec holds (PCAP_TSTAMP_PRECISION_*) */
    int pcap_format;        /* a pcap (not pcapng) savefile: 32-bit signed seconds, as libpcap reads them */
    int activated;          /* savefiles and dead handles from the start; live ones by pcap_activate */
    int kind;               /* LCAP_PCAP_SAVEFILE, _DEAD or _LIVE */
    int rfmon;              /* monitor mode asked for (pcap_set_rfmon) */
    int nonblock;           /* non-blocking mode asked for before activation, set by pcap_activate */
    pcap_handler cb;        /* the running loop's callback and its argument */
    unsigned char *user;
    struct pcap_pkthdr hdr; /* what pcap_next/pcap_next_ex point at */
    char errbuf[PCAP_ERRBUF_SIZE];
};

struct pcap_dumper {
    FILE *fp;
    int owns;               /* fclose on pcap_dump_close (not for standard output) */
};

#define LCAP_PCAP_MAGIC_USEC 0xa1b2c3d4u
#define LCAP_PCAP_MAGIC_NSEC 0xa1b23c4du

/* The pcap file header a dumper on p starts with. */
void lcap_pcap_file_header(pcap_t *p, struct pcap_file_header *h);
/* A dumper writing to fp (closed by pcap_dump_close when owns); NULL when out of memory. */
pcap_dumper_t *lcap_pcap_dump_wrap(FILE *fp, int owns);

enum { LCAP_PCAP_SAVEFILE, LCAP_PCAP_DEAD, LCAP_PCAP_LIVE };

/* 0 for an activated handle; else PCAP_ERROR_NOT_ACTIVATED with libpcap's message in p->errbuf. */
int lcap_pcap_check_activated(pcap_t *p);

/* Whether pcap_init was called (pcap_lookupdev is then refused, as in libpcap). */
int lcap_pcap_initialized(void);

/* A new pcap_t over r (taking it), with the requested precision; NULL when out of memory. */
pcap_t *lcap_pcap_wrap(capture_reader *r, int precision);
/* libcapture's header as libpcap shows it on p. */
void lcap_pcap_hdr(pcap_t *p, const capture_pkthdr *in, struct pcap_pkthdr *out);
/* Copies libcapture's last error on p into p->errbuf. */
void lcap_pcap_seterr(pcap_t *p);

#endif
