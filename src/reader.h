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
    /* Optional (NULL: none), the speed of savefiles: hands up to max packets
     * straight to cb, as next() would give them, while they take the
     * source's fast path and r->break_loop is clear; returns how many
     * (0: the next packet needs next()). Used when there is no filter. */
    int (*run)(capture_reader *r, int max, capture_handler cb, void *user);
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

#endif
