/* source.h - the interface every packet source (savefile, BPF device, dead
 * handle) implements for the reader; a NULL operation means "not supported". */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_SOURCE_H
#define LCAP_SOURCE_H

#include <stddef.h>

#include "capture.h"

/* What fill() reports about one read of the device. */
enum {
    LCAP_FILL_DATA = 1,     /* a buffer was read: next() walks it */
    LCAP_FILL_TIMEOUT = 0,  /* the read timeout expired with nothing read */
    LCAP_FILL_AGAIN = -100, /* non-blocking, nothing available */
    LCAP_FILL_BREAK = -101, /* woken by capture_breakloop() */
    /* CAPTURE_ERROR: r->errbuf says what failed */
};

/* What setfilter() answers. */
enum {
    LCAP_FILTER_KERNEL = 0,   /* installed where the packets are read */
    LCAP_FILTER_USERLAND = 1, /* declined (too long, not accepted): the reader filters */
    /* CAPTURE_ERROR: r->errbuf says what failed */
};

/* Sources are written with designated initializers; the reader answers an
 * operation left NULL with one message naming the source's kind. Sources
 * never see callbacks; they see a filter only through setfilter(). */
typedef struct lcap_source_ops {
    const char *kind; /* "pcap", "pcapng", "dead", "BPF device" for messages */
    /* Its setfilter() runs programs with each packet's metadata (Linux's
     * ancillary VLAN tag, lcap_bpf_aux), filtering all itself: programs may
     * load it (capture_compile_for() compiles `vlan` to read it where
     * activate sets r->compile_flags so). */
    int packet_aux;
    /* Opens what the options of capture_create() describe; 0, a positive
     * CAPTURE_WARNING_* or a negative CAPTURE_ERROR_* with r->errbuf set. */
    int (*activate)(capture_reader *r);
    /* Next record of what is buffered: 1 with *hdr and *data set (data valid
     * until the next call), 0 when the buffer is used up, CAPTURE_EOF at the
     * end of a savefile, CAPTURE_ERROR with r->errbuf filled. */
    int (*next)(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data);
    /* One blocking or timed read that refills the buffer (LCAP_FILL_*).
     * NULL for savefiles, whose next() reads on its own. */
    int (*fill)(capture_reader *r);
    int (*getfd)(capture_reader *r);
    int (*getnonblock)(capture_reader *r);
    int (*setnonblock)(capture_reader *r, int nonblock);
    int (*stats)(capture_reader *r, capture_stat *st);
    /* Installs prog where packets are read (LCAP_FILTER_*); prog stays the
     * caller's. A source that filters must also drop what it has buffered. */
    int (*setfilter)(capture_reader *r, const capture_bpf *prog);
    int (*inject)(capture_reader *r, const uint8_t *buf, size_t len);
    int (*setdirection)(capture_reader *r, int direction);
    /* The DLTs the device offers (*dlts: malloc'd); the count or CAPTURE_ERROR.
     * NULL: only r->linktype. */
    int (*datalinks)(capture_reader *r, int **dlts);
    /* Delivers packets as dlt from now on; the reader checked that
     * datalinks() offers it. NULL: only r->linktype. */
    int (*set_datalink)(capture_reader *r, int dlt);
    /* Frees r->src (also when activate failed half-way). */
    void (*close)(capture_reader *r);
    /* Optional, the speed of savefiles and rings: hands up to max packets
     * straight to cb, as next() would give them, while they take the
     * source's fast path and r->break_loop is clear; returns how many (0:
     * the next packet needs next(); a live source's next() may then find
     * the buffer used up). Used when there is no userland filter. */
    int (*run)(capture_reader *r, int max, capture_handler cb, void *user);
} lcap_source_ops;

/* The live source over /dev/bpf (src/live/bpfdev.c). */
extern const lcap_source_ops lcap_bpfdev_ops;
/* Whether this OS's BPF device can stamp with a CAPTURE_TSTAMP_PRECISION_*. */
int lcap_bpfdev_precision_supported(int precision);
/* The native Linux source: AF_PACKET with a TPACKET_V3 ring (src/live/linux_packet.c). */
extern const lcap_source_ops lcap_linux_packet_ops;

#endif
