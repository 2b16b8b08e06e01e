/* reader.h - the private shape of capture_reader, shared by the reader and
 * the sources (whose interface is source.h). */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_READER_H
#define LCAP_READER_H

#include <stdatomic.h>

#include "capture.h"
#include "compat.h"
#include "source.h"

/* libpcap's bound for snapshot lengths given by callers. */
#define LCAP_MAXIMUM_SNAPLEN 262144

/* What capture_create() and the capture_set_*() calls ask of a live source. */
typedef struct lcap_live_opts {
    char device[64];     /* interface name (IFNAMSIZ on every BSD is 16) */
    int promisc;
    int to_ms;           /* read timeout; 0 blocks until the buffer fills */
    int buffer_size;     /* 0: the source's default */
    int immediate;
    int protocol;        /* link-level protocol to capture (host order), 0: all */
} lcap_live_opts;

struct capture_reader {
    const lcap_source_ops *ops;
    void *src;                   /* the source's own state */
    int linktype;                /* DLT */
    uint32_t linktype_ext;       /* upper bits of the savefile link-type field */
    int snaplen;
    int tstamp_precision;        /* CAPTURE_TSTAMP_PRECISION_* */
    int version_major, version_minor, swapped; /* savefile format facts */
    int is_savefile;
    int activated;               /* savefiles and dead handles: from the start */
    /* LCAP_COMPILE_* that filters of this live capture compile with, as its
     * source found it at activation (Linux: the kernel's VLAN metadata). */
    unsigned compile_flags;
    /* Set by capture_breakloop() (a signal handler or another thread), read
     * between every two packets; lock-free, so async-signal-safe. */
    atomic_int break_loop;
    /* Written by capture_breakloop() to wake a source blocked in fill();
     * -1 when the source does not block. */
    int wake_rd, wake_wr;
    capture_bpf *filter;         /* userland filter, NULL if none (or the source filters) */
    lcap_live_opts opts;
    uint32_t net, netmask;       /* of the capture interface (IPv4, host order), 0 if unknown */
    /* The last pcap record whose sub-second field was out of range, as the
     * file has it, keyed by the carried timestamp (capture_raw_ts). */
    int raw_ts_set;
    uint32_t raw_ts_sec, raw_ts_frac;
    int64_t raw_ts_key_sec;
    uint32_t raw_ts_key_nsec;
    char errbuf[CAPTURE_ERRBUF_SIZE];
};

/* Allocates a zeroed reader; NULL when out of memory. */
capture_reader *lcap_reader_new(void);

/* The pipe capture_breakloop() writes to wake a blocked fill(); the source's
 * activate calls it. 0, or CAPTURE_ERROR with r->errbuf set. */
int lcap_reader_wake_open(capture_reader *r);
/* Empties the wake pipe once a break has been seen. */
void lcap_reader_wake_drain(capture_reader *r);
/* CAPTURE_ERROR with the one message for an operation a source leaves NULL. */
int lcap_reader_unsupported(capture_reader *r, const char *what);
/* 0, or CAPTURE_ERROR_NOT_ACTIVATED with the message. */
int lcap_reader_activated(capture_reader *r);

#endif
