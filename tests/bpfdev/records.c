/* records.c - the store and hold buffers and the record each packet becomes, laid out as the flavour's bpf_hdr (or FreeBSD's bpf_xhdr). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "bpfdev.h"

#include <string.h>

/* The fraction of a second in the unit a header field holds. */
static uint64_t fraction(enum lcap_bpf_ts_unit unit, long ns)
{
    switch (unit) {
    case LCAP_BPF_TS_MICRO:
        return (uint64_t)ns / 1000;
    case LCAP_BPF_TS_NANO:
        return (uint64_t)ns;
    case LCAP_BPF_TS_BINTIME: {
        /* ns * 2^64 / 1e9 in two 32-bit halves (ns < 2^30). */
        uint64_t hi = ((uint64_t)ns << 32) / 1000000000u;
        uint64_t rem = ((uint64_t)ns << 32) % 1000000000u;
        return hi << 32 | (rem << 32) / 1000000000u;
    }
    }
    return 0;
}

/* Layout and unit of the records this descriptor writes now. */
static const struct lcap_bpf_hdr_layout *layout(const struct bpfdev *d, enum lcap_bpf_ts_unit *unit)
{
    uint32_t fmt = TSTAMP_FORMAT(d->tstamp);
    if (d->fl->xhdr.size != 0 && (fmt == 1 || fmt == 2)) {
        *unit = fmt == 1 ? LCAP_BPF_TS_NANO : LCAP_BPF_TS_BINTIME;
        return &d->fl->xhdr;
    }
    *unit = d->fl->ts_unit;
    return &d->fl->hdr;
}

void bpfdev_rotate(struct bpfdev *d)
{
    uint8_t *t = d->hbuf;
    d->hbuf = d->sbuf;
    d->hlen = d->slen;
    d->sbuf = t;
    d->slen = 0;
}

/* Stores one packet as catchpacket() does: the record at the aligned end of
 * the store buffer, rotating into an empty hold buffer, else dropping. */
void bpfdev_catch_packet(struct bpfdev *d, const uint8_t *pkt, size_t caplen, size_t wirelen,
                         const struct timespec *ts)
{
    enum lcap_bpf_ts_unit unit;
    const struct lcap_bpf_hdr_layout *l = layout(d, &unit);
    size_t hdrlen = lcap_flavor_hdrlen(d->fl, l, (unsigned)d->linkhdr);
    size_t totlen = hdrlen + caplen;
    if (totlen > d->blen)
        totlen = d->blen;
    size_t cur = lcap_flavor_align(d->fl, d->slen);
    if (cur + totlen > d->blen) {
        if (d->hlen != 0) {
            d->drop++;
            return;
        }
        bpfdev_rotate(d);
        cur = 0;
    }
    uint8_t *rec = d->sbuf + cur;
    memset(rec, 0, hdrlen);
    if (TSTAMP_FORMAT(d->tstamp) != 3) { /* BPF_T_NONE leaves it zero */
        lcap_test_put_word(rec + l->sec_off, l->sec_width, (uint64_t)ts->tv_sec);
        lcap_test_put_word(rec + l->frac_off, l->frac_width, fraction(unit, ts->tv_nsec));
    }
    lcap_test_put_word(rec + l->caplen_off, 4, totlen - hdrlen);
    lcap_test_put_word(rec + l->datalen_off, 4, wirelen);
    lcap_test_put_word(rec + l->hdrlen_off, 2, hdrlen);
    memcpy(rec + hdrlen, pkt, totlen - hdrlen);
    d->slen = cur + totlen;
    d->capt++;
}
