/* bpf_buffer.h - a pure walker over the records of one BPF read() buffer, laid out as a flavour says. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_BPF_BUFFER_H
#define LCAP_BPF_BUFFER_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "live/flavor.h"

/* One buffer being walked. Nothing here reads outside buf[0..len). */
typedef struct lcap_bpf_walk {
    const uint8_t *buf;
    size_t len, pos;
    const struct lcap_bpf_hdr_layout *hdr; /* the flavour's hdr or xhdr */
    enum lcap_bpf_ts_unit ts_unit;
    uint8_t wordalign;                     /* BPF_WORDALIGN, a power of two */
    uint32_t snaplen;                      /* caplen is never reported above it */
    uint32_t records;                      /* walked so far, for messages */
} lcap_bpf_walk;

/* Starts walking len bytes of buf with flavour f's layout (its bpf_xhdr when
 * xhdr is set) and timestamp unit ts_unit. */
void lcap_bpf_walk_init(lcap_bpf_walk *w, const struct lcap_bpf_flavor *f, int xhdr,
                        enum lcap_bpf_ts_unit ts_unit, uint32_t snaplen, const uint8_t *buf,
                        size_t len);

/* Next record: 1 with *h and *data set (data points into buf), 0 at the end
 * of the buffer, CAPTURE_ERROR with errbuf set when a record's header or
 * lengths do not fit what remains (the rest of the buffer is then dropped). */
int lcap_bpf_walk_next(lcap_bpf_walk *w, capture_pkthdr *h, const uint8_t **data, char *errbuf);

/* Forgets what is left of the buffer. */
static inline void lcap_bpf_walk_reset(lcap_bpf_walk *w)
{
    w->buf = NULL;
    w->len = w->pos = 0;
}

#endif
