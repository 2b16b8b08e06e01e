/* pcapng.c - the pcapng savefile source: sections, interfaces and packet
 * blocks parsed in place in the read window, accepting what libpcap 1.10.3
 * accepts and reporting damage with its file offset and block type. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../dlt.h"
#include "pcapng_block.h"
#include "pseudohdr.h"
#include "savefile.h"

#define BLOCK_OVERHEAD  12u                  /* type, length, trailing length */
#define SHB_MIN_LEN     (BLOCK_OVERHEAD + LCAP_NG_SHB_FIXED)
#define SHB_MAX_LEN     (1024u * 1024u)      /* libpcap's bound on the first section header */
#define BLOCK_MAX       (16u * 1024u * 1024u) /* libpcap's bound on any later block... */
#define BLOCK_OPT_ROOM  131072u              /* ...or the largest packet plus this much of options */
#define SKIP_IN_WINDOW  65536u               /* larger skipped blocks are read past, not held */

typedef struct ng_state {
    lcap_stream s;
    int swap;
    int fix_pseudo;        /* other byte order and a DLT with host-order fields */
    uint32_t max_block;
    int regular;           /* the stream is a regular file: its size can be asked */
    lcap_ng_iface *ifaces; /* the current section's interfaces */
    uint32_t nif, capif;
    int failed;            /* an error was reported: every later call repeats it */
    int fast;              /* packets may take the fast path (no failure, no pseudo-header fix) */
    uint32_t snaplen;      /* r->snaplen, unsigned */
    char err[CAPTURE_ERRBUF_SIZE];
} ng_state;

/* The block at the cursor. */
typedef struct ng_block {
    uint32_t type, len;
    uint64_t off;
} ng_block;

static const struct {
    uint32_t type;
    const char *name;
} block_names[] = {
    { LCAP_NG_SHB, "section header" },
    { LCAP_NG_IDB, "interface description" },
    { LCAP_NG_PB, "obsolete packet" },
    { LCAP_NG_SPB, "simple packet" },
    { 4, "name resolution" },
    { 5, "interface statistics" },
    { LCAP_NG_EPB, "enhanced packet" },
    { 7, "IRIG timestamp" },
    { 8, "ARINC 429" },
    { 9, "systemd journal export" },
    { 10, "decryption secrets" },
    { 0x00000bad, "custom" },
    { 0x40000bad, "custom" },
};

/* Where each packet block keeps its fields, as offsets into the block after
 * its 8-byte header; NONE: the block has no such field. */
#define NONE 0xffu
typedef struct pkt_layout {
    uint32_t type;
    uint8_t fixed;       /* bytes before the packet data */
    uint8_t ifid_width;  /* 4, 2, or 0: always interface 0 */
    uint8_t ts_off;      /* high then low 32 bits; NONE: time zero */
    uint8_t caplen_off;  /* NONE: the original length cut to the snapshot length */
    uint8_t len_off;
} pkt_layout;

static const pkt_layout pkt_layouts[] = {
    { LCAP_NG_EPB, LCAP_NG_EPB_FIXED, 4, 4, 12, 16 },
    { LCAP_NG_PB, LCAP_NG_PB_FIXED, 2, 4, 12, 16 }, /* then a 16-bit drop count */
    { LCAP_NG_SPB, LCAP_NG_SPB_FIXED, 0, NONE, NONE, 0 },
};

/* The layout of a packet block type; NULL for the other blocks. */
static const pkt_layout *packet_layout(uint32_t type)
{
    for (size_t i = 0; i < sizeof(pkt_layouts) / sizeof(pkt_layouts[0]); i++)
        if (pkt_layouts[i].type == type)
            return &pkt_layouts[i];
    return NULL;
}

static const char *block_name(uint32_t type)
{
    for (size_t i = 0; i < sizeof(block_names) / sizeof(block_names[0]); i++)
        if (block_names[i].type == type)
            return block_names[i].name;
    return "unknown";
}

/* Prefix of every message about a block: where it starts and what it is. */
#define BLK_FMT "pcapng %s block (type 0x%08" PRIx32 ") at offset %" PRIu64
#define BLK_ARGS(b) block_name((b)->type), (b)->type, (b)->off

/* The snapshot length libpcap derives from an interface's snaplen field. */
static int adjust_snaplen(int dlt, uint32_t snaplen)
{
    if (snaplen == 0 || snaplen > INT_MAX)
        return (int)lcap_max_snaplen_for_dlt(dlt);
    return (int)snaplen;
}

/* The block's description ("pcapng enhanced packet block (type 0x00000006)"),
 * for the messages that say "at offset" after it. */
static const char *block_what(const ng_block *b, char *buf, size_t n)
{
    snprintf(buf, n, "pcapng %s block (type 0x%08" PRIx32 ")", block_name(b->type), b->type);
    return buf;
}

/* Reads the next block header and checks its length. 1 with *b set, 0 at a
 * clean end of file, -1 on error. check_order: a section header in the other
 * byte order is reported as such (its length would otherwise be nonsense). */
static int block_head(ng_state *st, ng_block *b, int check_order, char *errbuf)
{
    size_t avail = 0;
    const uint8_t *p = lcap_stream_need(&st->s, 8, &avail);

    b->off = lcap_stream_offset(&st->s);
    if (p == NULL) {
        if (lcap_stream_ended(&st->s, avail))
            return 0;
        return lcap_stream_short(&st->s, errbuf, "pcapng block header", b->off,
                                 "%zu of its 8 bytes present", avail);
    }
    b->type = lcap_rd32(p, st->swap);
    b->len = lcap_rd32(p + 4, st->swap);
    if (b->type == LCAP_NG_SHB && check_order) {
        p = lcap_stream_need(&st->s, 12, NULL);
        if (p != NULL && lcap_rd32(p + 8, st->swap) == lcap_bswap32(LCAP_NG_BYTE_ORDER_MAGIC)) {
            lcap_errf(errbuf, BLK_FMT ": this section is in the other byte order than the first; "
                      "a file must keep one byte order", BLK_ARGS(b));
            return -1;
        }
    }
    if (b->len < BLOCK_OVERHEAD) {
        lcap_errf(errbuf, BLK_FMT ": length %" PRIu32 " is less than the 12 bytes of a block's "
                  "header and trailer", BLK_ARGS(b), b->len);
        return -1;
    }
    if (b->len % 4 != 0) {
        lcap_errf(errbuf, BLK_FMT ": length %" PRIu32 " is not a multiple of 4", BLK_ARGS(b), b->len);
        return -1;
    }
    if (b->len > st->max_block) {
        lcap_errf(errbuf, BLK_FMT ": length %" PRIu32 " exceeds the maximum of %" PRIu32 " bytes",
                  BLK_ARGS(b), b->len, st->max_block);
        return -1;
    }
    return 1;
}

/* For a large block in a regular file, the file's size now: a block claiming
 * more than is left is reported cut without growing the window to hold it.
 * UINT64_MAX when not worth asking. */
static uint64_t big_block_room(ng_state *st, const ng_block *b)
{
    struct stat sb;

    if (!st->regular || b->len <= SKIP_IN_WINDOW || fstat(st->s.fd, &sb) != 0)
        return UINT64_MAX;
    return (uint64_t)sb.st_size;
}

/* Makes the whole block available at the cursor and checks its trailer. */
static const uint8_t *block_bytes(ng_state *st, const ng_block *b, int check_trailer, char *errbuf)
{
    size_t avail = 0;
    const uint8_t *p = NULL;

    uint64_t size = big_block_room(st, b);
    if (b->off + b->len > size)
        avail = b->off < size ? (size_t)(size - b->off) : 0;
    else
        p = lcap_stream_need(&st->s, b->len, &avail);
    if (p == NULL) {
        char what[96];
        lcap_stream_short(&st->s, errbuf, block_what(b, what, sizeof(what)), b->off,
                          "%" PRIu32 " bytes declared, %zu present", b->len, avail);
        return NULL;
    }
    uint32_t trailer = lcap_rd32(p + b->len - 4, st->swap);
    if (check_trailer && trailer != b->len) {
        lcap_errf(errbuf, BLK_FMT ": trailing length %" PRIu32 " differs from the leading length %"
                  PRIu32, BLK_ARGS(b), trailer, b->len);
        return NULL;
    }
    return p;
}

/* Passes over a block whose contents do not matter; a large one is read
 * past rather than held whole in the window. */
static int block_skip(ng_state *st, const ng_block *b, char *errbuf)
{
    if (b->len <= SKIP_IN_WINDOW) {
        if (block_bytes(st, b, 1, errbuf) == NULL)
            return -1;
        lcap_stream_skip(&st->s, b->len);
        return 0;
    }
    uint64_t done = lcap_stream_discard(&st->s, b->len - 4);
    size_t avail = 0;
    const uint8_t *p = done == b->len - 4 ? lcap_stream_need(&st->s, 4, &avail) : NULL;
    if (p == NULL) {
        char what[96];
        return lcap_stream_short(&st->s, errbuf, block_what(b, what, sizeof(what)), b->off,
                                 "%" PRIu32 " bytes declared, %" PRIu64 " present", b->len,
                                 done + avail);
    }
    uint32_t trailer = lcap_rd32(p, st->swap);
    if (trailer != b->len) {
        lcap_errf(errbuf, BLK_FMT ": trailing length %" PRIu32 " differs from the leading length %"
                  PRIu32, BLK_ARGS(b), trailer, b->len);
        return -1;
    }
    lcap_stream_skip(&st->s, 4);
    return 0;
}

static int too_short(const ng_block *b, uint32_t need, char *errbuf)
{
    lcap_errf(errbuf, BLK_FMT ": its %" PRIu32 " bytes cannot hold the %" PRIu32
              " bytes its type requires", BLK_ARGS(b), b->len, need);
    return -1;
}

/* An interface description block at p: checked against the first interface
 * (one reader has one link type and snapshot length) and added to the section. */
static int take_idb(capture_reader *r, ng_state *st, const ng_block *b, const uint8_t *p,
                    int first, char *errbuf)
{
    lcap_ng_iface ifc;

    if (b->len < BLOCK_OVERHEAD + LCAP_NG_IDB_FIXED)
        return too_short(b, BLOCK_OVERHEAD + LCAP_NG_IDB_FIXED, errbuf);
    uint16_t linktype = lcap_rd16(p + 8, st->swap);
    uint32_t snaplen = lcap_rd32(p + 12, st->swap);
    int dlt = lcap_linktype_to_dlt(linktype);
    if (!first) {
        /* libpcap 1.10.3 compares the raw LINKTYPE with the first interface's
         * DLT, refusing e.g. a second LINKTYPE_RAW interface; DLTs are compared
         * here, so such files read. */
        if (dlt != r->linktype) {
            lcap_errf(errbuf, BLK_FMT ": link type %u differs from the first interface's; a reader "
                      "has one link type", BLK_ARGS(b), linktype);
            return -1;
        }
        if (adjust_snaplen(dlt, snaplen) != r->snaplen) {
            lcap_errf(errbuf, BLK_FMT ": snapshot length %" PRIu32 " differs from the first "
                      "interface's %d", BLK_ARGS(b), snaplen, r->snaplen);
            return -1;
        }
    }
    if (lcap_ng_parse_idb_options(p + 8 + LCAP_NG_IDB_FIXED,
                                  b->len - BLOCK_OVERHEAD - LCAP_NG_IDB_FIXED, st->swap,
                                  b->off + 8 + LCAP_NG_IDB_FIXED, &ifc, errbuf) < 0)
        return -1;
    if (st->nif == st->capif) {
        /* Interfaces cost 40 bytes per block of at least 20 bytes read: the
         * file's size bounds this array. */
        uint32_t ncap = st->capif ? st->capif * 2 : 4;
        lcap_ng_iface *n = ncap > st->capif ? realloc(st->ifaces, (size_t)ncap * sizeof(*n)) : NULL;
        if (n == NULL) {
            lcap_errf(errbuf, BLK_FMT ": out of memory for interface %" PRIu32, BLK_ARGS(b), st->nif);
            return -1;
        }
        st->ifaces = n;
        st->capif = ncap;
    }
    st->ifaces[st->nif++] = ifc;
    if (first) {
        r->linktype = dlt;
        r->linktype_ext = 0;
        r->snaplen = adjust_snaplen(dlt, snaplen);
        uint32_t room = lcap_max_snaplen_for_dlt(dlt);
        if (room <= UINT32_MAX - BLOCK_OPT_ROOM - BLOCK_OVERHEAD - LCAP_NG_EPB_FIXED &&
            room + BLOCK_OPT_ROOM + BLOCK_OVERHEAD + LCAP_NG_EPB_FIXED > st->max_block)
            st->max_block = room + BLOCK_OPT_ROOM + BLOCK_OVERHEAD + LCAP_NG_EPB_FIXED;
    }
    if (lcap_ng_iface_is_nano(&ifc))
        r->tstamp_precision = CAPTURE_TSTAMP_PRECISION_NANO;
    return 0;
}

/* A section header after the first: same byte order and major version, and
 * a fresh set of interfaces. */
static int take_shb(ng_state *st, const ng_block *b, const uint8_t *p, char *errbuf)
{
    if (b->len < SHB_MIN_LEN)
        return too_short(b, SHB_MIN_LEN, errbuf);
    uint32_t magic = lcap_rd32(p + 8, st->swap);
    if (magic != LCAP_NG_BYTE_ORDER_MAGIC) {
        lcap_errf(errbuf, BLK_FMT ": bad byte-order magic 0x%08" PRIx32, BLK_ARGS(b), magic);
        return -1;
    }
    uint16_t major = lcap_rd16(p + 12, st->swap);
    if (major != 1) {
        lcap_errf(errbuf, BLK_FMT ": unsupported major version %u", BLK_ARGS(b), major);
        return -1;
    }
    st->nif = 0;
    return 0;
}

/* Every later call repeats the error, which names the file as open errors do. */
static int fail(capture_reader *r, ng_state *st)
{
    lcap_stream_name_error(&st->s, r->errbuf);
    st->failed = 1;
    st->fast = 0;
    memcpy(st->err, r->errbuf, sizeof(st->err));
    return CAPTURE_ERROR;
}

/* Every block, whatever its type or damage. The fast path falls back here for
 * anything unusual, so this one alone defines the behaviour. */
static int ng_next_general(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data)
{
    ng_state *st = r->src;
    ng_block b;

    if (LCAP_UNLIKELY(st->failed)) {
        memcpy(r->errbuf, st->err, sizeof(st->err));
        return CAPTURE_ERROR;
    }
    for (;;) {
        int rc = block_head(st, &b, 1, r->errbuf);
        if (rc <= 0)
            return rc == 0 ? CAPTURE_EOF : fail(r, st);
        const pkt_layout *lay = packet_layout(b.type);
        if (lay == NULL) {
            if (b.type == LCAP_NG_IDB || b.type == LCAP_NG_SHB) {
                const uint8_t *p = block_bytes(st, &b, 1, r->errbuf);
                if (p == NULL)
                    return fail(r, st);
                rc = b.type == LCAP_NG_IDB ? take_idb(r, st, &b, p, 0, r->errbuf)
                                           : take_shb(st, &b, p, r->errbuf);
                if (rc < 0)
                    return fail(r, st);
                lcap_stream_skip(&st->s, b.len);
            } else if (block_skip(st, &b, r->errbuf) < 0) {
                return fail(r, st);
            }
            continue;
        }

        const uint8_t *p = block_bytes(st, &b, 1, r->errbuf);
        if (p == NULL)
            return fail(r, st);
        const uint8_t *body = p + 8;
        uint32_t room = b.len - BLOCK_OVERHEAD, fixed = lay->fixed, ifid = 0, caplen, len;
        uint64_t ts = 0;
        if (room < fixed) {
            too_short(&b, BLOCK_OVERHEAD + fixed, r->errbuf);
            return fail(r, st);
        }
        if (lay->ifid_width == 4)
            ifid = lcap_rd32(body, st->swap);
        else if (lay->ifid_width == 2)
            ifid = lcap_rd16(body, st->swap);
        if (lay->ts_off != NONE)
            ts = (uint64_t)lcap_rd32(body + lay->ts_off, st->swap) << 32 |
                 lcap_rd32(body + lay->ts_off + 4, st->swap);
        len = lcap_rd32(body + lay->len_off, st->swap);
        if (lay->caplen_off != NONE)
            caplen = lcap_rd32(body + lay->caplen_off, st->swap);
        else /* no interface, no timestamp: interface 0 at its time zero */
            caplen = len < (uint32_t)r->snaplen ? len : (uint32_t)r->snaplen;
        if (LCAP_UNLIKELY(ifid >= st->nif)) {
            lcap_errf(r->errbuf, BLK_FMT ": interface %" PRIu32 " has no interface description "
                      "block in this section (%" PRIu32 " described)", BLK_ARGS(&b), ifid, st->nif);
            return fail(r, st);
        }
        if (LCAP_UNLIKELY(caplen > (uint32_t)r->snaplen)) {
            lcap_errf(r->errbuf, BLK_FMT ": captured length %" PRIu32 " exceeds the snapshot "
                      "length %d", BLK_ARGS(&b), caplen, r->snaplen);
            return fail(r, st);
        }
        if (LCAP_UNLIKELY(caplen > room - fixed)) {
            lcap_errf(r->errbuf, BLK_FMT ": captured length %" PRIu32 " runs past the %" PRIu32
                      " bytes of packet data the block holds", BLK_ARGS(&b), caplen, room - fixed);
            return fail(r, st);
        }
        lcap_ng_timestamp(&st->ifaces[ifid], ts, &hdr->ts_sec, &hdr->ts_nsec);
        hdr->caplen = caplen;
        hdr->len = len;
        *data = body + fixed;
        if (st->fix_pseudo) /* the window is ours: fix the packet where it lies */
            lcap_swap_pseudo_headers(r->linktype, caplen, len, st->s.buf + (*data - st->s.buf));
        lcap_stream_skip(&st->s, b.len);
        return 1;
    }
}

static void ng_close(capture_reader *r)
{
    ng_state *st = r->src;

    if (st == NULL)
        return;
    lcap_stream_close(&st->s);
    free(st->ifaces);
    free(st);
    r->src = NULL;
}

/* The common case: an enhanced packet block already whole in the window, of a
 * described interface, within the snapshot length; the byte order is a
 * compile-time constant. Each test is one the general path makes too. */
static LCAP_INLINE_ALWAYS int ng_next_fast(capture_reader *r, capture_pkthdr *hdr,
                                           const uint8_t **data, const int sw)
{
    ng_state *st = r->src;
    lcap_stream *s = &st->s;
    size_t have = s->end - s->pos;

    if (LCAP_LIKELY(have >= BLOCK_OVERHEAD + LCAP_NG_EPB_FIXED && st->fast)) {
        const uint8_t *p = s->buf + s->pos;
        uint32_t blen = lcap_rd32(p + 4, sw);
        if (LCAP_LIKELY(lcap_rd32(p, sw) == LCAP_NG_EPB && blen <= have &&
                        blen >= BLOCK_OVERHEAD + LCAP_NG_EPB_FIXED && blen % 4 == 0 &&
                        blen <= st->max_block && lcap_rd32(p + blen - 4, sw) == blen)) {
            uint32_t ifid = lcap_rd32(p + 8, sw), caplen = lcap_rd32(p + 20, sw);
            if (LCAP_LIKELY(ifid < st->nif && caplen <= st->snaplen &&
                            caplen <= blen - BLOCK_OVERHEAD - LCAP_NG_EPB_FIXED)) {
                uint64_t ts = (uint64_t)lcap_rd32(p + 12, sw) << 32 | lcap_rd32(p + 16, sw);
                lcap_ng_timestamp_fast(&st->ifaces[ifid], ts, &hdr->ts_sec, &hdr->ts_nsec);
                hdr->caplen = caplen;
                hdr->len = lcap_rd32(p + 24, sw);
                *data = p + 8 + LCAP_NG_EPB_FIXED;
                s->pos += blen;
                return 1;
            }
        }
    }
    return ng_next_general(r, hdr, data);
}

/* lcap_source_ops.run: ng_next_fast's blocks handed to cb in one loop. */
static LCAP_INLINE_ALWAYS int ng_run_fast(capture_reader *r, int max, capture_handler cb,
                                          void *user, const int sw)
{
    ng_state *st = r->src;
    lcap_stream *s = &st->s;
    capture_pkthdr h;
    int n = 0;

    while (n < max && !r->break_loop && st->fast) {
        size_t have = s->end - s->pos;
        if (have < BLOCK_OVERHEAD + LCAP_NG_EPB_FIXED)
            break;
        const uint8_t *p = s->buf + s->pos;
        uint32_t blen = lcap_rd32(p + 4, sw);
        if (lcap_rd32(p, sw) != LCAP_NG_EPB || blen > have ||
            blen < BLOCK_OVERHEAD + LCAP_NG_EPB_FIXED || blen % 4 != 0 || blen > st->max_block ||
            lcap_rd32(p + blen - 4, sw) != blen)
            break;
        uint32_t ifid = lcap_rd32(p + 8, sw), caplen = lcap_rd32(p + 20, sw);
        if (ifid >= st->nif || caplen > st->snaplen ||
            caplen > blen - BLOCK_OVERHEAD - LCAP_NG_EPB_FIXED)
            break;
        uint64_t ts = (uint64_t)lcap_rd32(p + 12, sw) << 32 | lcap_rd32(p + 16, sw);
        lcap_ng_timestamp_fast(&st->ifaces[ifid], ts, &h.ts_sec, &h.ts_nsec);
        h.caplen = caplen;
        h.len = lcap_rd32(p + 24, sw);
        /* The cursor moves first: cb may call capture_next() on r. */
        s->pos += blen;
        cb(user, &h, p + 8 + LCAP_NG_EPB_FIXED);
        n++;
    }
    return n;
}

static int ng_run_native(capture_reader *r, int max, capture_handler cb, void *user)
{
    return ng_run_fast(r, max, cb, user, 0);
}

static int ng_run_swapped(capture_reader *r, int max, capture_handler cb, void *user)
{
    return ng_run_fast(r, max, cb, user, 1);
}

static int ng_next_native(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data)
{
    return ng_next_fast(r, hdr, data, 0);
}

static int ng_next_swapped(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data)
{
    return ng_next_fast(r, hdr, data, 1);
}

static const lcap_source_ops ops_native = { .kind = "pcapng", .next = ng_next_native, .close = ng_close,
                                            .run = ng_run_native };
static const lcap_source_ops ops_swapped = { .kind = "pcapng", .next = ng_next_swapped, .close = ng_close,
                                             .run = ng_run_swapped };

/* The first section header: byte order, length within libpcap's bounds (its
 * trailer, like libpcap, unchecked) and a version libpcap reads. */
static int first_shb(capture_reader *r, ng_state *st, char *errbuf)
{
    size_t avail = 0;
    const uint8_t *p = lcap_stream_need(&st->s, 12, &avail);

    if (p == NULL)
        return lcap_stream_short(&st->s, errbuf, "pcapng section header block", 0,
                                 "%zu of its first 12 bytes present", avail);
    uint32_t magic = lcap_rd32(p + 8, 0);
    if (magic == LCAP_NG_BYTE_ORDER_MAGIC) {
        st->swap = 0;
    } else if (magic == lcap_bswap32(LCAP_NG_BYTE_ORDER_MAGIC)) {
        st->swap = 1;
    } else {
        lcap_errf(errbuf, "pcapng: byte-order magic at offset 8 is 0x%08" PRIx32
                  ", neither 0x1a2b3c4d nor its byte swap", magic);
        return -1;
    }
    uint32_t len = lcap_rd32(p + 4, st->swap);
    if (len < SHB_MIN_LEN || len > SHB_MAX_LEN) {
        lcap_errf(errbuf, "pcapng: section header block length %" PRIu32 " is outside %u..%u",
                  len, SHB_MIN_LEN, SHB_MAX_LEN);
        return -1;
    }
    p = lcap_stream_need(&st->s, len, &avail);
    if (p == NULL)
        return lcap_stream_short(&st->s, errbuf, "pcapng section header block", 0,
                                 "%" PRIu32 " bytes declared, %zu present", len, avail);
    uint16_t major = lcap_rd16(p + 12, st->swap), minor = lcap_rd16(p + 14, st->swap);
    if (major != 1 || (minor != 0 && minor != 2)) {
        lcap_errf(errbuf, "pcapng: unsupported version %u.%u in the section header block "
                  "(1.0 and 1.2 are read)", major, minor);
        return -1;
    }
    r->version_major = major;
    r->version_minor = minor;
    r->swapped = st->swap;
    lcap_stream_skip(&st->s, len);
    return 0;
}

/* Reads ahead to the first interface description block, as libpcap does, to
 * learn the link type and snapshot length; blocks before it (further section
 * headers included) are skipped unexamined, packets before it are an error. */
static int first_idb(capture_reader *r, ng_state *st, char *errbuf)
{
    ng_block b;

    for (;;) {
        int rc = block_head(st, &b, 0, errbuf);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            lcap_errf(errbuf, "pcapng: the file ends at offset %" PRIu64 " without an interface "
                      "description block", b.off);
            return -1;
        }
        if (packet_layout(b.type) != NULL) {
            lcap_errf(errbuf, BLK_FMT " comes before any interface description block", BLK_ARGS(&b));
            return -1;
        }
        if (b.type != LCAP_NG_IDB) {
            if (block_skip(st, &b, errbuf) < 0)
                return -1;
            continue;
        }
        const uint8_t *p = block_bytes(st, &b, 1, errbuf);
        if (p == NULL || take_idb(r, st, &b, p, 1, errbuf) < 0)
            return -1;
        lcap_stream_skip(&st->s, b.len);
        return 0;
    }
}

int lcap_pcapng_probe(const uint8_t *first)
{
    return lcap_rd32(first, 0) == LCAP_NG_SHB; /* the same in either byte order */
}

int lcap_pcapng_open(capture_reader *r, lcap_stream *s, char *errbuf)
{
    ng_state *st = calloc(1, sizeof(*st));

    if (st == NULL) {
        lcap_errf(errbuf, "pcapng: out of memory");
        return -1;
    }
    st->s = *s; /* the state owns the stream from here */
    st->max_block = BLOCK_MAX;
    struct stat sb;
    st->regular = fstat(st->s.fd, &sb) == 0 && S_ISREG(sb.st_mode);
    r->tstamp_precision = CAPTURE_TSTAMP_PRECISION_MICRO;
    if (first_shb(r, st, errbuf) < 0 || first_idb(r, st, errbuf) < 0) {
        *s = st->s; /* back to the caller, window and all */
        free(st->ifaces);
        free(st);
        return -1;
    }
    st->fix_pseudo = st->swap && lcap_dlt_has_host_order_fields(r->linktype);
    st->fast = !st->fix_pseudo;
    st->snaplen = (uint32_t)r->snaplen;
    r->ops = st->swap ? &ops_swapped : &ops_native;
    r->src = st;
    return 0;
}
