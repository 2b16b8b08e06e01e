/* pcap.c - the classic pcap savefile source: checks the file header at open,
 * then parses each record in place in the read window (no copies). */
#include <limits.h>
#include <stdlib.h>

#include "../dlt.h"
#include "../reader.h"
#include "pseudohdr.h"
#include "stream.h"

#define FILE_HDR_LEN 24
#define REC_HDR_LEN 16
#define REC_HDR_LEN_MODIFIED 24 /* + ifindex, protocol, pkt_type, pad */

/* Link-type field of the file header: low 26 bits the LINKTYPE, the rest
 * extra facts such as the FCS length. */
#define LT_TYPE_MASK 0x03ffffffu
#define LT_EXT_MASK  0xfc000000u

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

/* Timestamp from the file's unsigned seconds and sub-second field. libpcap
 * 1.10.3 hands out-of-range sub-second values through unchanged, reading
 * them as signed 32-bit numbers in files of this host's byte order and as
 * unsigned ones in byte-swapped files; we keep the instant it denotes but
 * carry whole seconds so ts_nsec < 10^9. */
static LCAP_INLINE_ALWAYS void set_ts(capture_pkthdr *h, const struct pcap_src *ps, uint32_t sec,
                                      uint32_t frac)
{
    if (LCAP_LIKELY(frac < ps->frac_limit)) {
        h->ts_sec = sec;
        h->ts_nsec = frac * ps->frac_mul;
        return;
    }
    int64_t f = ps->swapped ? (int64_t)frac : (int64_t)(int32_t)frac;
    int64_t total = (int64_t)sec * 1000000000 + f * ps->frac_mul;
    int64_t s = total / 1000000000, ns = total % 1000000000;
    if (ns < 0) {
        ns += 1000000000;
        s--;
    }
    h->ts_sec = s;
    h->ts_nsec = (uint32_t)ns;
}

static void read_error(capture_reader *r, const lcap_stream *s, uint64_t off)
{
    lcap_errf(r->errbuf, "error reading the pcap savefile at byte offset %llu: %s",
              (unsigned long long)off, strerror(s->err));
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
        if (s->err) {
            read_error(r, s, off);
            return CAPTURE_ERROR;
        }
        if (avail == 0)
            return CAPTURE_EOF;
        lcap_errf(r->errbuf,
                  "truncated record header at byte offset %llu: %zu of its %u bytes present",
                  (unsigned long long)off, avail, hl);
        return CAPTURE_ERROR;
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
                      "invalid record at byte offset %llu: captured length %u is bigger than the snapshot length %u",
                      (unsigned long long)off, caplen, ps->snaplen);
        else
            lcap_errf(r->errbuf,
                      "invalid record at byte offset %llu: captured length %u is bigger than the maximum %u for link type %d",
                      (unsigned long long)off, caplen, ps->max_caplen, r->linktype);
        return CAPTURE_ERROR;
    }
    p = lcap_stream_need(s, (size_t)hl + caplen, &avail);
    if (p == NULL) {
        if (s->err) {
            read_error(r, s, off);
            return CAPTURE_ERROR;
        }
        lcap_errf(r->errbuf,
                  "truncated record at byte offset %llu: header says %u captured bytes, only %zu present",
                  (unsigned long long)off, caplen, avail - hl);
        return CAPTURE_ERROR;
    }
    /* A record longer than the snapshot length is cut to it, as libpcap
     * does, so callers never see more than capture_snapshot() bytes. */
    uint32_t keep = caplen > ps->snaplen ? ps->snaplen : caplen;
    set_ts(h, ps, sec, frac);
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

    if (LCAP_LIKELY(have >= REC_HDR_LEN)) {
        const uint8_t *p = s->buf + s->pos;
        uint32_t caplen = lcap_rd32(p + 8, sw);
        if (LCAP_LIKELY(caplen <= ps->fast_caplen && have - REC_HDR_LEN >= caplen)) {
            set_ts(h, ps, lcap_rd32(p, sw), lcap_rd32(p + 4, sw));
            h->caplen = caplen;
            h->len = lcap_rd32(p + 12, sw);
            *data = p + REC_HDR_LEN;
            s->pos += REC_HDR_LEN + (size_t)caplen;
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

static void pcap_close_src(capture_reader *r)
{
    struct pcap_src *ps = r->src;
    if (ps == NULL)
        return;
    lcap_stream_close(&ps->s);
    free(ps);
    r->src = NULL;
}

static const lcap_source_ops ops_native = { .kind = "pcap", .next = next_native, .close = pcap_close_src };
static const lcap_source_ops ops_swapped = { .kind = "pcap", .next = next_swapped, .close = pcap_close_src };
static const lcap_source_ops ops_general = { .kind = "pcap", .next = next_general, .close = pcap_close_src };

static int fail(lcap_stream *s)
{
    lcap_stream_close(s);
    return -1;
}

int lcap_pcap_open(capture_reader *r, struct lcap_stream *s, char *errbuf)
{
    size_t avail = 0;
    const uint8_t *p = lcap_stream_need(s, FILE_HDR_LEN, &avail);

    if (p == NULL) {
        if (s->err)
            lcap_errf(errbuf, "error reading the pcap file header: %s", strerror(s->err));
        else
            lcap_errf(errbuf, "truncated pcap file header: %zu of its %d bytes present", avail,
                      FILE_HDR_LEN);
        return fail(s);
    }
    uint32_t magic = lcap_rd32(p, 0);
    int sw = 0;
    if (magic != LCAP_PCAP_MAGIC_USEC && magic != LCAP_PCAP_MAGIC_NSEC &&
        magic != LCAP_PCAP_MAGIC_MODIFIED) {
        magic = lcap_bswap32(magic);
        sw = 1;
        if (magic != LCAP_PCAP_MAGIC_USEC && magic != LCAP_PCAP_MAGIC_NSEC &&
            magic != LCAP_PCAP_MAGIC_MODIFIED) {
            lcap_errf(errbuf, "not a pcap savefile (magic number 0x%08x)", lcap_rd32(p, 0));
            return fail(s);
        }
    }
    unsigned major = lcap_rd16(p + 4, sw), minor = lcap_rd16(p + 6, sw);
    uint32_t snaplen = lcap_rd32(p + 16, sw), ltfield = lcap_rd32(p + 20, sw);

    if (major < 2) {
        lcap_errf(errbuf, "archaic pcap savefile format version %u.%u is not supported", major, minor);
        return fail(s);
    }
    if (!((major == 2 && minor <= 4) || (major == 543 && minor == 0))) {
        lcap_errf(errbuf, "unsupported pcap savefile version %u.%u (2.0 to 2.4 and 543.0 are known)",
                  major, minor);
        return fail(s);
    }

    struct pcap_src *ps = calloc(1, sizeof(*ps));
    if (ps == NULL) {
        lcap_errf(errbuf, "out of memory for the pcap reader");
        return fail(s);
    }
    int dlt = lcap_linktype_to_dlt((int)(ltfield & LT_TYPE_MASK));
    uint32_t max_caplen = lcap_max_snaplen_for_dlt(dlt);
    /* libpcap replaces only a zero or negative snapshot length. */
    if (snaplen == 0 || snaplen > INT_MAX)
        snaplen = max_caplen;
    if (magic == LCAP_PCAP_MAGIC_MODIFIED && dlt == CAPTURE_DLT_EN10MB) {
        /* Such captures may have been taken in cooked mode, with a fake
         * 14-byte Ethernet header added after the snapshot cut. */
        snaplen = snaplen <= INT_MAX - 14 ? snaplen + 14 : INT_MAX;
    }

    ps->s = *s;
    ps->snaplen = snaplen;
    ps->max_caplen = max_caplen;
    ps->fast_caplen = snaplen < max_caplen ? snaplen : max_caplen;
    ps->frac_limit = magic == LCAP_PCAP_MAGIC_NSEC ? 1000000000u : 1000000u;
    ps->frac_mul = magic == LCAP_PCAP_MAGIC_NSEC ? 1u : 1000u;
    ps->hdr_len = magic == LCAP_PCAP_MAGIC_MODIFIED ? REC_HDR_LEN_MODIFIED : REC_HDR_LEN;
    ps->len_order = (major == 2 && minor < 3) || major == 543 ? LEN_SWAPPED
                    : (major == 2 && minor == 3)              ? LEN_MAYBE_SWAPPED
                                                              : LEN_NORMAL;
    ps->swapped = sw;
    ps->fix_pseudo = sw && lcap_dlt_has_host_order_fields(dlt);
    ps->dlt = dlt;
    lcap_stream_skip(&ps->s, FILE_HDR_LEN);

    r->src = ps;
    if (ps->hdr_len != REC_HDR_LEN || ps->len_order != LEN_NORMAL || ps->fix_pseudo)
        r->ops = &ops_general;
    else
        r->ops = sw ? &ops_swapped : &ops_native;
    r->linktype = dlt;
    r->linktype_ext = ltfield & LT_EXT_MASK;
    r->snaplen = (int)snaplen;
    r->tstamp_precision = magic == LCAP_PCAP_MAGIC_NSEC ? CAPTURE_TSTAMP_PRECISION_NANO
                                                        : CAPTURE_TSTAMP_PRECISION_MICRO;
    r->version_major = (int)major;
    r->version_minor = (int)minor;
    r->swapped = sw;
    return 0;
}
