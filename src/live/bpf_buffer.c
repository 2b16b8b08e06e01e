/* bpf_buffer.c - walks the bpf_hdr records of one read() buffer, checking every length against what remains. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "live/bpf_buffer.h"

#include <string.h>

#include "compat.h"

void lcap_bpf_walk_init(lcap_bpf_walk *w, const struct lcap_bpf_flavor *f, int xhdr,
                        enum lcap_bpf_ts_unit ts_unit, uint32_t snaplen, const uint8_t *buf,
                        size_t len)
{
    w->buf = buf;
    w->len = len;
    w->pos = 0;
    w->hdr = xhdr ? &f->xhdr : &f->hdr;
    w->ts_unit = ts_unit;
    w->wordalign = f->wordalign;
    w->snaplen = snaplen;
    w->records = 0;
}

/* A 4- or 8-byte field in host order (the kernel writes in its own),
 * 8-byte ones signed, 4-byte ones unsigned. */
static int64_t field(const uint8_t *p, unsigned width)
{
    return width == 8 ? (int64_t)lcap_rd64(p, 0) : (int64_t)lcap_rd32(p, 0);
}

/* The bytes of a header the walker reads: every field must lie inside them. */
static unsigned header_extent(const struct lcap_bpf_hdr_layout *l)
{
    unsigned end = l->hdrlen_off + 2u;
    unsigned ends[] = { l->sec_off + (unsigned)l->sec_width, l->frac_off + (unsigned)l->frac_width,
                        l->caplen_off + 4u, l->datalen_off + 4u };
    for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
        if (ends[i] > end)
            end = ends[i];
    return end;
}

/* Timestamp fraction to nanoseconds, carrying whole seconds out of it. */
static void set_time(capture_pkthdr *h, int64_t sec, uint64_t frac, enum lcap_bpf_ts_unit unit)
{
    uint64_t nsec, carry = 0;
    switch (unit) {
    case LCAP_BPF_TS_BINTIME: /* 1/2^64 s: the top 32 bits are enough for ns */
        nsec = ((frac >> 32) * 1000000000u) >> 32;
        break;
    case LCAP_BPF_TS_NANO:
        carry = frac / 1000000000u;
        nsec = frac % 1000000000u;
        break;
    default:
        carry = frac / 1000000u;
        nsec = (frac % 1000000u) * 1000u;
        break;
    }
    /* An out-of-range sub-second field carries into the seconds; a 64-bit
     * seconds field near the top saturates rather than overflows. */
    if (carry > (uint64_t)(INT64_MAX - (sec > 0 ? sec : 0)))
        sec = INT64_MAX;
    else
        sec += (int64_t)carry;
    h->ts_sec = sec;
    h->ts_nsec = (uint32_t)nsec;
}

int lcap_bpf_walk_next(lcap_bpf_walk *w, capture_pkthdr *h, const uint8_t **data, char *errbuf)
{
    const struct lcap_bpf_hdr_layout *l = w->hdr;
    size_t left = w->len - w->pos;

    if (left == 0)
        return 0;
    const uint8_t *p = w->buf + w->pos;
    unsigned need = header_extent(l);
    if (left < need) {
        lcap_errf(errbuf, "BPF buffer: record %u at byte %zu has %zu bytes left, fewer than its %u-byte header",
                  w->records, w->pos, left, need);
        goto bad;
    }
    uint32_t caplen = lcap_rd32(p + l->caplen_off, 0);
    uint32_t datalen = lcap_rd32(p + l->datalen_off, 0);
    uint16_t hdrlen = lcap_rd16(p + l->hdrlen_off, 0);
    if (hdrlen < need || hdrlen > left) {
        lcap_errf(errbuf, "BPF buffer: record %u at byte %zu: bh_hdrlen %u is outside %u..%zu",
                  w->records, w->pos, hdrlen, need, left);
        goto bad;
    }
    if (caplen > left - hdrlen) {
        lcap_errf(errbuf, "BPF buffer: record %u at byte %zu: bh_caplen %u runs past the %zu bytes read",
                  w->records, w->pos, caplen, left - hdrlen);
        goto bad;
    }
    if (caplen > datalen) {
        lcap_errf(errbuf, "BPF buffer: record %u at byte %zu: bh_caplen %u exceeds bh_datalen %u",
                  w->records, w->pos, caplen, datalen);
        goto bad;
    }
    /* 64-bit seconds are a signed time_t; 32-bit ones are read unsigned
     * (OpenBSD's u_int32, and a kernel never stamps macOS' int32 before 1970). */
    int64_t sec = field(p + l->sec_off, l->sec_width);
    uint64_t frac = (uint64_t)field(p + l->frac_off, l->frac_width);
    set_time(h, sec, frac, w->ts_unit);
    h->caplen = caplen < w->snaplen ? caplen : w->snaplen;
    h->len = datalen;
    *data = p + hdrlen;
    /* The next record starts aligned; padding may run past the end. */
    size_t step = ((size_t)hdrlen + caplen + w->wordalign - 1) & ~(size_t)(w->wordalign - 1);
    w->pos = step >= left ? w->len : w->pos + step;
    w->records++;
    return 1;

bad:
    lcap_bpf_walk_reset(w);
    return CAPTURE_ERROR;
}
