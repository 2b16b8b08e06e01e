/* reader.h - the private shape of capture_reader and the interface every
 * packet source (savefile, live device, dead handle) implements. */
#ifndef LCAP_READER_H
#define LCAP_READER_H

#include <signal.h>

#include "capture.h"
#include "compat.h"

/* What a packet source provides to the reader. Sources never see callbacks
 * or filters; the reader applies the filter to what next() returns. */
typedef struct lcap_source_ops {
    const char *kind; /* "pcap", "pcapng", "dead", ... for messages */
    /* Next packet: 1 with *hdr and *data set (data valid until the next call),
     * 0 when nothing is available yet, CAPTURE_EOF at the end of a savefile,
     * CAPTURE_ERROR with r->errbuf filled. */
    int (*next)(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data);
    /* Frees r->src. */
    void (*close)(capture_reader *r);
} lcap_source_ops;

struct capture_reader {
    const lcap_source_ops *ops;
    void *src;                   /* the source's own state */
    int linktype;                /* DLT */
    uint32_t linktype_ext;       /* upper bits of the savefile link-type field */
    int snaplen;
    int tstamp_precision;        /* CAPTURE_TSTAMP_PRECISION_* */
    int version_major, version_minor, swapped; /* savefile format facts */
    int is_savefile;
    volatile sig_atomic_t break_loop;
    capture_bpf *filter;         /* userland filter, NULL if none */
    uint32_t netmask;            /* of the capture interface, 0 if unknown */
    char errbuf[CAPTURE_ERRBUF_SIZE];
};

/* Allocates a zeroed reader; NULL when out of memory. */
capture_reader *lcap_reader_new(void);

/* Savefile sources: each takes ownership of *s (the stream positioned at the
 * file's first byte) and sets r->ops, r->src and the link facts. 0, or -1
 * with errbuf set (the stream is then closed). */
struct lcap_stream;
int lcap_pcap_open(capture_reader *r, struct lcap_stream *s, char *errbuf);
int lcap_pcapng_open(capture_reader *r, struct lcap_stream *s, char *errbuf);

/* First four bytes of each savefile format, as read on any host. */
#define LCAP_PCAP_MAGIC_USEC     0xa1b2c3d4u
#define LCAP_PCAP_MAGIC_NSEC     0xa1b23c4du
#define LCAP_PCAP_MAGIC_MODIFIED 0xa1b2cd34u /* Alexey Kuznetsov's patched format */
#define LCAP_PCAPNG_SHB_TYPE     0x0a0d0d0au

#endif
