/* pcap.c - the classic pcap savefile source: checks the file header at open,
 * then parses each record in place in the read window (no copies). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <limits.h>
#include <stdlib.h>

#include "../dlt.h"
#include "pcap_format.h"
#include "pseudohdr.h"
#include "savefile.h"

static const lcap_pcap_magic magics[] = {
    { LCAP_PCAP_MAGIC_USEC, 1000000u, 1000u, LCAP_PCAP_REC_HDR_LEN, 0 },
    { LCAP_PCAP_MAGIC_NSEC, 1000000000u, 1u, LCAP_PCAP_REC_HDR_LEN, 1 },
    { LCAP_PCAP_MAGIC_MODIFIED, 1000000u, 1000u, LCAP_PCAP_REC_HDR_LEN_MODIFIED, 0 },
};

const lcap_pcap_magic *lcap_pcap_magic_find(uint32_t first4, int *swapped)
{
    for (int sw = 0; sw < 2; sw++)
        for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
            if (magics[i].magic == (sw ? lcap_bswap32(first4) : first4)) {
                *swapped = sw;
                return &magics[i];
            }
    return NULL;
}

int lcap_pcap_probe(const uint8_t *first)
{
    int sw;
    return lcap_pcap_magic_find(lcap_rd32(first, 0), &sw) != NULL;
}

/* Versions before 2.3 (and DG/UX's 543.0) wrote caplen and len the other
 * way round; 2.3 files exist in both orders. */
enum len_order { LEN_NORMAL, LEN_MAYBE_SWAPPED, LEN_SWAPPED };

struct pcap_src {
    lcap_stream s;
    uint32_t fast_caplen;  /* records up to this caplen take the fast path */
    uint32_t snaplen;      /* longer records are cut to this many bytes */
    uint32_t max_caplen;   /* longer records are an error (DLT's bound) */
    uint32_t frac_limit;   /* sub-second fields below this are in range */
    uint32_t frac_mul;     /* sub-second unit to nanoseconds */
    uint32_t hdr_len;      /* record header size */
    enum len_order len_order;
    int swapped;
    int fix_pseudo;        /* swapped file of a DLT with host-order fields */
    int dlt;
};

/* Timestamp from the file's unsigned seconds and unsigned sub-second field,
 * as capture.h documents (libpcap 1.10.3 reads the sub-second field as a
 * signed number in files of this host's byte order). An out-of-range
 * sub-second value keeps the instant it denotes, carried into whole seconds
 * so that ts_nsec < 10^9. */
static LCAP_INLINE_ALWAYS void set_ts(capture_reader *r, capture_pkthdr *h,
                                      const struct pcap_src *ps, uint32_t sec, uint32_t frac)
{
    if (LCAP_LIKELY(frac < ps->frac_limit)) {
        h->ts_sec = sec;
        h->ts_nsec = frac * ps->frac_mul;
        return;
    }
    uint64_t ns = (uint64_t)frac * ps->frac_mul;
    h->ts_sec = (int64_t)sec + (int64_t)(ns / 1000000000u);
    h->ts_nsec = (uint32_t)(ns % 1000000000u);
    /* Kept for capture_raw_ts(): libpcap's API shows the fields uncarried. */
    r->raw_ts_set = 1;
    r->raw_ts_sec = sec;
    r->raw_ts_frac = frac;
    r->raw_ts_key_sec = h->ts_sec;
    r->raw_ts_key_nsec = h->ts_nsec;
}

/* Every read error names the file, as open errors do. */
static int rec_fail(capture_reader *r, const struct pcap_src *ps)
{
    lcap_stream_name_error(&ps->s, r->errbuf);
    return CAPTURE_ERROR;
}

/* Every record, whatever its shape or damage. The fast paths fall back here
 * for anything unusual, so this one alone defines the behaviour. */
static int next_general(capture_reader *r, capture_pkthdr *h, const uint8_t **data)
{
    struct pcap_src *ps = r->src;
    lcap_stream *s = &ps->s;
    const int sw = ps->swapped;
    const uint32_t hl = ps->hdr_len;
    uint64_t off = lcap_stream_offset(s);
    size_t avail = 0;
    const uint8_t *p = lcap_stream_need(s, hl, &avail);

    if (p == NULL) {
        if (lcap_stream_ended(s, avail))
            return CAPTURE_EOF;
        lcap_stream_short(s, r->errbuf, "record header", off, "%zu of its %u bytes present", avail, hl);
        return rec_fail(r, ps);
    }
    uint32_t sec = lcap_rd32(p, sw), frac = lcap_rd32(p + 4, sw);
    uint32_t caplen = lcap_rd32(p + 8, sw), len = lcap_rd32(p + 12, sw);
    if (ps->len_order == LEN_SWAPPED || (ps->len_order == LEN_MAYBE_SWAPPED && caplen > len)) {
        uint32_t t = caplen;
        caplen = len;
        len = t;
    }
    if (caplen > ps->max_caplen) {
        /* Damaged or hostile: refuse before asking the window for it. */
        if (caplen > ps->snaplen)
            lcap_errf(r->errbuf,
                      "invalid record at offset %llu: captured length %u is bigger than the snapshot length %u",
                      (unsigned long long)off, caplen, ps->snaplen);
        else
            lcap_errf(r->errbuf,
                      "invalid record at offset %llu: captured length %u is bigger than the maximum %u for link type %d",
                      (unsigned long long)off, caplen, ps->max_caplen, r->linktype);
        return rec_fail(r, ps);
    }
    p = lcap_stream_need(s, (size_t)hl + caplen, &avail);
    if (p == NULL) {
        lcap_stream_short(s, r->errbuf, "record", off, "header says %u captured bytes, only %zu present",
                          caplen, avail - hl);
        return rec_fail(r, ps);
    }
    /* A record longer than the snapshot length is cut to it, as libpcap
     * does, so callers never see more than capture_snapshot() bytes. */
    uint32_t keep = caplen > ps->snaplen ? ps->snaplen : caplen;
    set_ts(r, h, ps, sec, frac);
    h->caplen = keep;
    h->len = len;
    if (ps->fix_pseudo)
        lcap_swap_pseudo_headers(ps->dlt, keep, len, (uint8_t *)(uintptr_t)(p + hl));
    *data = p + hl;
    lcap_stream_skip(s, (size_t)hl + caplen);
    return 1;
}

/* The common case: a whole 16-byte-header record already in the window,
 * within the snapshot length. The byte order is a compile-time constant. */
static LCAP_INLINE_ALWAYS int next_fast(capture_reader *r, capture_pkthdr *h, const uint8_t **data,
                                        const int sw)
{
    struct pcap_src *ps = r->src;
    lcap_stream *s = &ps->s;
    size_t have = s->end - s->pos;

    if (LCAP_LIKELY(have >= LCAP_PCAP_REC_HDR_LEN)) {
        const uint8_t *p = s->buf + s->pos;
        uint32_t caplen = lcap_rd32(p + 8, sw);
        if (LCAP_LIKELY(caplen <= ps->fast_caplen && have - LCAP_PCAP_REC_HDR_LEN >= caplen)) {
            set_ts(r, h, ps, lcap_rd32(p, sw), lcap_rd32(p + 4, sw));
            h->caplen = caplen;
            h->len = lcap_rd32(p + 12, sw);
            *data = p + LCAP_PCAP_REC_HDR_LEN;
            s->pos += LCAP_PCAP_REC_HDR_LEN + (size_t)caplen;
            return 1;
        }
    }
    return next_general(r, h, data);
}

static int next_native(capture_reader *r, capture_pkthdr *h, const uint8_t **data)
{
    return next_fast(r, h, data, 0);
}

static int next_swapped(capture_reader *r, capture_pkthdr *h, const uint8_t **data)
{
    return next_fast(r, h, data, 1);
}

/* lcap_source_ops.run: next_fast's records handed to cb in one loop. The
 * byte order and the timestamp unit are compile-time constants, so that
 * what must live across the callbacks fits the callee-saved registers. */
static LCAP_INLINE_ALWAYS int run_fast(capture_reader *r, int max, capture_handler cb, void *user,
                                       const int sw, const int nsec)
{
    struct pcap_src *ps = r->src;
    const uint32_t fast_caplen = ps->fast_caplen; /* fixed at open */
    const uint32_t frac_limit = nsec ? 1000000000u : 1000000u, frac_mul = nsec ? 1u : 1000u;
    int left = max;

    while (left > 0 && !r->break_loop) {
        lcap_stream *s = &ps->s;
        size_t have = s->end - s->pos;
        if (have < LCAP_PCAP_REC_HDR_LEN)
            break;
        const uint8_t *p = s->buf + s->pos;
        uint32_t caplen = lcap_rd32(p + 8, sw);
        if (caplen > fast_caplen || have - LCAP_PCAP_REC_HDR_LEN < caplen)
            break;
        capture_pkthdr h;
        uint32_t frac = lcap_rd32(p + 4, sw);
        if (LCAP_LIKELY(frac < frac_limit)) {
            h.ts_sec = lcap_rd32(p, sw);
            h.ts_nsec = frac * frac_mul;
        } else {
            set_ts(r, &h, ps, lcap_rd32(p, sw), frac);
        }
        h.caplen = caplen;
        h.len = lcap_rd32(p + 12, sw);
        /* The cursor moves first: cb may call capture_next() on r. */
        s->pos += LCAP_PCAP_REC_HDR_LEN + (size_t)caplen;
        cb(user, &h, p + LCAP_PCAP_REC_HDR_LEN);
        left--;
    }
    return max - left;
}

/* The four variants of run_fast, and of the ops naming them. */
#define PCAP_RUN(name, sw, nsec)                                                        \
    static int name(capture_reader *r, int max, capture_handler cb, void *user)         \
    {                                                                                   \
        return run_fast(r, max, cb, user, sw, nsec);                                    \
    }
PCAP_RUN(run_native_usec, 0, 0)
PCAP_RUN(run_native_nsec, 0, 1)
PCAP_RUN(run_swapped_usec, 1, 0)
PCAP_RUN(run_swapped_nsec, 1, 1)

static void pcap_close_src(capture_reader *r)
{
    struct pcap_src *ps = r->src;
    if (ps == NULL)
        return;
    lcap_stream_close(&ps->s);
    free(ps);
    r->src = NULL;
}

/* Indexed [swapped][nanosecond]. */
static const lcap_source_ops ops_fast[2][2] = {
    { { .kind = "pcap", .next = next_native, .close = pcap_close_src, .run = run_native_usec },
      { .kind = "pcap", .next = next_native, .close = pcap_close_src, .run = run_native_nsec } },
    { { .kind = "pcap", .next = next_swapped, .close = pcap_close_src, .run = run_swapped_usec },
      { .kind = "pcap", .next = next_swapped, .close = pcap_close_src, .run = run_swapped_nsec } },
};
static const lcap_source_ops ops_general = { .kind = "pcap", .next = next_general, .close = pcap_close_src };

int lcap_pcap_open(capture_reader *r, lcap_stream *s, char *errbuf)
{
    size_t avail = 0;
    const uint8_t *p = lcap_stream_need(s, LCAP_PCAP_FILE_HDR_LEN, &avail);

    if (p == NULL)
        return lcap_stream_short(s, errbuf, "pcap file header", 0, "%zu of its %d bytes present",
                                 avail, LCAP_PCAP_FILE_HDR_LEN);
    int sw = 0;
    const lcap_pcap_magic *m = lcap_pcap_magic_find(lcap_rd32(p, 0), &sw);
    if (m == NULL) {
        lcap_errf(errbuf, "not a pcap savefile (magic number 0x%08x)", lcap_rd32(p, 0));
        return -1;
    }
    unsigned major = lcap_rd16(p + 4, sw), minor = lcap_rd16(p + 6, sw);
    uint32_t snaplen = lcap_rd32(p + 16, sw), ltfield = lcap_rd32(p + 20, sw);

    if (major < 2) {
        lcap_errf(errbuf, "archaic pcap savefile format version %u.%u is not supported", major, minor);
        return -1;
    }
    if (!((major == 2 && minor <= 4) || (major == 543 && minor == 0))) {
        lcap_errf(errbuf, "unsupported pcap savefile version %u.%u (2.0 to 2.4 and 543.0 are known)",
                  major, minor);
        return -1;
    }

    struct pcap_src *ps = calloc(1, sizeof(*ps));
    if (ps == NULL) {
        lcap_errf(errbuf, "out of memory for the pcap reader");
        return -1;
    }
    int dlt = lcap_linktype_to_dlt((int)(ltfield & LCAP_PCAP_LT_TYPE_MASK));
    uint32_t max_caplen = lcap_max_snaplen_for_dlt(dlt);
    /* libpcap replaces only a zero or negative snapshot length. */
    if (snaplen == 0 || snaplen > INT_MAX)
        snaplen = max_caplen;
    if (m->magic == LCAP_PCAP_MAGIC_MODIFIED && dlt == CAPTURE_DLT_EN10MB) {
        /* Such captures may have been taken in cooked mode, with a fake
         * 14-byte Ethernet header added after the snapshot cut. */
        snaplen = snaplen <= INT_MAX - 14 ? snaplen + 14 : INT_MAX;
    }

    ps->s = *s;
    ps->snaplen = snaplen;
    ps->max_caplen = max_caplen;
    ps->fast_caplen = snaplen < max_caplen ? snaplen : max_caplen;
    ps->frac_limit = m->frac_limit;
    ps->frac_mul = m->frac_mul;
    ps->hdr_len = m->rec_hdr_len;
    ps->len_order = (major == 2 && minor < 3) || major == 543 ? LEN_SWAPPED
                    : (major == 2 && minor == 3)              ? LEN_MAYBE_SWAPPED
                                                              : LEN_NORMAL;
    ps->swapped = sw;
    ps->fix_pseudo = sw && lcap_dlt_has_host_order_fields(dlt);
    ps->dlt = dlt;
    lcap_stream_skip(&ps->s, LCAP_PCAP_FILE_HDR_LEN);

    r->src = ps;
    if (ps->hdr_len != LCAP_PCAP_REC_HDR_LEN || ps->len_order != LEN_NORMAL || ps->fix_pseudo)
        r->ops = &ops_general;
    else
        r->ops = &ops_fast[sw][m->nsec];
    r->linktype = dlt;
    r->linktype_ext = ltfield & LCAP_PCAP_LT_EXT_MASK;
    r->snaplen = (int)snaplen;
    r->tstamp_precision = m->nsec ? CAPTURE_TSTAMP_PRECISION_NANO : CAPTURE_TSTAMP_PRECISION_MICRO;
    r->version_major = (int)major;
    r->version_minor = (int)minor;
    r->swapped = sw;
    return 0;
}
