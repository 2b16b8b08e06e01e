/* test_pcapng.c - the pcapng reader on crafted files: byte orders, sections,
 * resolutions and offsets, packet block kinds, and every kind of damage. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"
#include "savefile/pcapng_block.h"
#include "testbuf.h"

/* ------------------------------------------------------------------ */
/* A little pcapng writer: a growable buffer and one function per block */
/* ------------------------------------------------------------------ */

typedef lcap_test_buf buf;

static void put8(buf *b, uint8_t v) { lcap_test_put(b, &v, 1); }

static void put16(buf *b, uint16_t v)
{
    uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    if (b->be) {
        x[0] = (uint8_t)(v >> 8);
        x[1] = (uint8_t)v;
    }
    lcap_test_put(b, x, 2);
}

static void put32(buf *b, uint32_t v)
{
    uint8_t x[4];
    for (int i = 0; i < 4; i++)
        x[b->be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
    lcap_test_put(b, x, 4);
}

static void put64(buf *b, uint64_t v)
{
    uint8_t x[8];
    for (int i = 0; i < 8; i++)
        x[b->be ? 7 - i : i] = (uint8_t)(v >> (8 * i));
    lcap_test_put(b, x, 8);
}

static void pad4(buf *b)
{
    while (b->n % 4)
        put8(b, 0);
}

/* Opens a block; block_end() fills in both lengths. */
static size_t block_begin(buf *b, uint32_t type)
{
    size_t at = b->n;
    put32(b, type);
    put32(b, 0);
    return at;
}

static void set32(buf *b, size_t at, uint32_t v)
{
    size_t save = b->n;
    b->n = at;
    put32(b, v);
    b->n = save;
}

static void block_end(buf *b, size_t at)
{
    pad4(b);
    uint32_t len = (uint32_t)(b->n - at + 4);
    set32(b, at + 4, len);
    put32(b, len);
}

static void shb_v(buf *b, uint16_t major, uint16_t minor)
{
    size_t at = block_begin(b, 0x0a0d0d0a);
    put32(b, 0x1a2b3c4d);
    put16(b, major);
    put16(b, minor);
    put64(b, UINT64_MAX);
    block_end(b, at);
}

static void shb(buf *b) { shb_v(b, 1, 0); }

/* An IDB; tsresol < 0 and no tsoffset (offset_set 0) mean no such option. */
static void idb_full(buf *b, uint16_t linktype, uint32_t snaplen, int tsresol, int offset_set,
                     int64_t offset)
{
    size_t at = block_begin(b, 1);
    put16(b, linktype);
    put16(b, 0);
    put32(b, snaplen);
    put16(b, 2); /* if_name, to be ignored */
    put16(b, 4);
    lcap_test_put(b, "eth0", 4);
    if (tsresol >= 0) {
        put16(b, 9);
        put16(b, 1);
        put8(b, (uint8_t)tsresol);
        pad4(b);
    }
    if (offset_set) {
        put16(b, 14);
        put16(b, 8);
        put64(b, (uint64_t)offset);
    }
    put32(b, 0); /* opt_endofopt */
    block_end(b, at);
}

static void idb(buf *b) { idb_full(b, 1, 0, -1, 0, 0); }

/* A packet whose bytes are seq, seq+1, ... so each one is recognisable. */
static void payload(buf *b, uint32_t caplen, uint8_t seq)
{
    for (uint32_t i = 0; i < caplen; i++)
        put8(b, (uint8_t)(seq + i));
    pad4(b);
}

static void epb_full(buf *b, uint32_t ifid, uint64_t ts, uint32_t caplen, uint32_t len, uint8_t seq)
{
    size_t at = block_begin(b, 6);
    put32(b, ifid);
    put32(b, (uint32_t)(ts >> 32));
    put32(b, (uint32_t)ts);
    put32(b, caplen);
    put32(b, len);
    payload(b, caplen, seq);
    put16(b, 1); /* opt_comment, to be ignored */
    put16(b, 3);
    lcap_test_put(b, "hi!", 3);
    pad4(b);
    put32(b, 0);
    block_end(b, at);
}

static void epb(buf *b, uint64_t ts, uint32_t caplen, uint8_t seq)
{
    epb_full(b, 0, ts, caplen, caplen + 10, seq);
}

static void spb(buf *b, uint32_t len, uint32_t present, uint8_t seq)
{
    size_t at = block_begin(b, 3);
    put32(b, len);
    payload(b, present, seq);
    block_end(b, at);
}

static void pb(buf *b, uint16_t ifid, uint64_t ts, uint32_t caplen, uint8_t seq)
{
    size_t at = block_begin(b, 2);
    put16(b, ifid);
    put16(b, 7); /* drops count, ignored */
    put32(b, (uint32_t)(ts >> 32));
    put32(b, (uint32_t)ts);
    put32(b, caplen);
    put32(b, caplen);
    payload(b, caplen, seq);
    block_end(b, at);
}

static void unknown_block(buf *b, uint32_t type, size_t body)
{
    size_t at = block_begin(b, type);
    for (size_t i = 0; i < body; i++)
        put8(b, 0x5a);
    block_end(b, at);
}

/* ------------------------------------------------------------------ */
/* Reading back                                                         */
/* ------------------------------------------------------------------ */

typedef struct got {
    int n;
    capture_pkthdr h[8];
    int ok[8];      /* the bytes were the expected seq run */
    int end;        /* CAPTURE_EOF or CAPTURE_ERROR */
    char err[CAPTURE_ERRBUF_SIZE];
    char open_err[CAPTURE_ERRBUF_SIZE];
    char path[64];  /* the file read, since removed */
    int dlt, snaplen, prec, major, minor, swapped;
    int prec_end;   /* precision once the whole file was read */
} got;

static int seq_ok(const uint8_t *d, uint32_t n, uint8_t seq)
{
    for (uint32_t i = 0; i < n; i++)
        if (d[i] != (uint8_t)(seq + i))
            return 0;
    return 1;
}

/* Reads the file; packet i must carry bytes seq[i]... */
static void read_reader(capture_reader *r, got *g, const uint8_t *seq)
{
    capture_pkthdr h;
    const uint8_t *d;
    int rc;

    g->dlt = capture_datalink(r);
    g->snaplen = capture_snapshot(r);
    g->prec = capture_get_tstamp_precision(r);
    assert_int_equal(capture_file_version(r, &g->major, &g->minor, &g->swapped), 0);
    while ((rc = capture_next(r, &h, &d)) == 1) {
        assert_true(g->n < 8);
        g->h[g->n] = h;
        g->ok[g->n] = seq ? seq_ok(d, h.caplen, seq[g->n]) : 1;
        g->n++;
    }
    g->end = rc;
    g->prec_end = capture_get_tstamp_precision(r);
    if (rc == CAPTURE_ERROR) {
        snprintf(g->err, sizeof(g->err), "%s", capture_geterr(r));
        /* The error sticks: asking again gives it again, never a packet. */
        assert_int_equal(capture_next(r, &h, &d), CAPTURE_ERROR);
        assert_string_equal(capture_geterr(r), g->err);
    } else {
        assert_int_equal(rc, CAPTURE_EOF);
        assert_int_equal(capture_next(r, &h, &d), CAPTURE_EOF);
    }
}

/* Returns 0 and fills *g, or -1 when the open failed (g->open_err says why). */
static int read_file(const buf *b, got *g, const uint8_t *seq)
{
    char *path = lcap_test_save(b);
    capture_reader *r;
    int rc = -1;

    memset(g, 0, sizeof(*g));
    snprintf(g->path, sizeof(g->path), "%s", path);
    r = capture_open_offline(path, g->open_err);
    if (r != NULL) {
        read_reader(r, g, seq);
        capture_close(r);
        rc = 0;
    }
    lcap_test_unsave(path);
    return rc;
}

static void open_fails(const buf *b, const char *needle)
{
    got g;
    assert_int_equal(read_file(b, &g, NULL), -1);
    if (strstr(g.open_err, needle) == NULL)
        fail_msg("open error \"%s\" lacks \"%s\"", g.open_err, needle);
}

/* n packets, then an error whose message holds needle and names the file
 * offset where the damaged block starts. */
static void ends_in_error(const buf *b, int n, const char *needle, size_t offset)
{
    got g;
    char where[64];
    assert_int_equal(read_file(b, &g, NULL), 0);
    assert_int_equal(g.n, n);
    assert_int_equal(g.end, CAPTURE_ERROR);
    snprintf(where, sizeof(where), "at offset %zu", offset);
    if (strstr(g.err, needle) == NULL || strstr(g.err, where) == NULL)
        fail_msg("error \"%s\" lacks \"%s\" / \"%s\"", g.err, needle, where);
    /* Read errors name the file, as open errors do. */
    if (!lcap_test_names_file(g.err, g.path))
        fail_msg("error \"%s\" does not start with the file's name", g.err);
}


static void assert_ts(const capture_pkthdr *h, int64_t sec, uint32_t nsec)
{
    if (h->ts_sec != sec || h->ts_nsec != nsec)
        fail_msg("timestamp %lld.%09u, expected %lld.%09u", (long long)h->ts_sec, h->ts_nsec,
                 (long long)sec, nsec);
}

/* ------------------------------------------------------------------ */
/* Tests                                                                */
/* ------------------------------------------------------------------ */

static void test_both_byte_orders(void **state)
{
    (void)state;
    for (int be = 0; be < 2; be++) {
        buf b = { .be = be };
        got g;
        const uint8_t seq[] = { 1, 2, 3 };
        shb(&b);
        idb_full(&b, 1, 1500, -1, 0, 0);
        epb(&b, 5000007, 60, 1);
        spb(&b, 70, 70, 2);
        pb(&b, 0, 6000008, 40, 3);
        assert_int_equal(read_file(&b, &g, seq), 0);
        assert_int_equal(g.n, 3);
        assert_int_equal(g.end, CAPTURE_EOF);
        assert_int_equal(g.dlt, 1);
        assert_int_equal(g.snaplen, 1500);
        assert_int_equal(g.major, 1);
        assert_int_equal(g.minor, 0);
        int host_be = *(const uint8_t *)&(uint16_t){ 1 } == 0;
        assert_int_equal(g.swapped, be != host_be);
        assert_int_equal(g.prec, CAPTURE_TSTAMP_PRECISION_MICRO);
        assert_ts(&g.h[0], 5, 7000);
        assert_int_equal(g.h[0].caplen, 60);
        assert_int_equal(g.h[0].len, 70);
        assert_ts(&g.h[1], 0, 0); /* simple packets have no timestamp */
        assert_int_equal(g.h[1].caplen, 70);
        assert_int_equal(g.h[1].len, 70);
        assert_ts(&g.h[2], 6, 8000);
        assert_int_equal(g.h[2].caplen, 40);
        for (int i = 0; i < 3; i++)
            assert_true(g.ok[i]);
        lcap_test_buf_free(&b);
    }
}

static void test_versions(void **state)
{
    buf b = { 0 };
    got g;
    (void)state;
    shb_v(&b, 1, 2);
    idb(&b);
    epb(&b, 1, 10, 0);
    assert_int_equal(read_file(&b, &g, NULL), 0);
    assert_int_equal(g.minor, 2);
    assert_int_equal(g.n, 1);
    lcap_test_buf_free(&b);

    shb_v(&b, 1, 1);
    idb(&b);
    open_fails(&b, "version 1.1");
    lcap_test_buf_free(&b);
    shb_v(&b, 2, 0);
    idb(&b);
    open_fails(&b, "version 2.0");
    lcap_test_buf_free(&b);
}

static void test_multi_section(void **state)
{
    buf b = { 0 };
    got g;
    const uint8_t seq[] = { 10, 20, 30, 40 };
    (void)state;
    shb(&b);
    idb_full(&b, 1, 0, 9, 0, 0); /* section 1: nanoseconds */
    epb(&b, 1000000001, 8, 10);
    shb_v(&b, 1, 2);
    idb_full(&b, 1, 0, 3, 0, 0); /* section 2: milliseconds, two interfaces */
    idb_full(&b, 1, 0, 6, 0, 0);
    epb(&b, 2003, 8, 20);
    epb_full(&b, 1, 3000004, 8, 8, 30);
    unknown_block(&b, 5, 40); /* statistics: skipped */
    unknown_block(&b, 0x12345678, 0);
    pb(&b, 1, 4000005, 8, 40);
    assert_int_equal(read_file(&b, &g, seq), 0);
    assert_int_equal(g.n, 4);
    assert_int_equal(g.end, CAPTURE_EOF);
    assert_int_equal(g.prec, CAPTURE_TSTAMP_PRECISION_NANO);
    assert_ts(&g.h[0], 1, 1);
    assert_ts(&g.h[1], 2, 3000000);
    assert_ts(&g.h[2], 3, 4000);
    assert_ts(&g.h[3], 4, 5000);
    for (int i = 0; i < 4; i++)
        assert_true(g.ok[i]);

    /* A new section forgets the interfaces of the previous one. */
    lcap_test_buf_free(&b);
    shb(&b);
    idb(&b);
    idb(&b);
    epb_full(&b, 1, 1, 8, 8, 0);
    shb(&b);
    idb(&b);
    size_t bad = b.n;
    epb_full(&b, 1, 1, 8, 8, 0);
    ends_in_error(&b, 1, "interface 1", bad);

    /* Sections may not change byte order (libpcap refuses them too). */
    lcap_test_buf_free(&b);
    shb(&b);
    idb(&b);
    epb(&b, 1, 8, 0);
    b.be = 1;
    bad = b.n;
    shb(&b);
    idb(&b);
    epb(&b, 1, 8, 0);
    ends_in_error(&b, 1, "byte order", bad);

    /* Nor carry a bad byte-order magic or another major version. */
    lcap_test_buf_free(&b);
    shb(&b);
    idb(&b);
    bad = b.n;
    shb_v(&b, 2, 0);
    idb(&b);
    epb(&b, 1, 8, 0);
    ends_in_error(&b, 0, "major version 2", bad);
    lcap_test_buf_free(&b);
}

/* One packet at ts through an interface with the given if_tsresol/if_tsoffset. */
static void one_ts(int tsresol, int offset_set, int64_t offset, uint64_t ts, int64_t sec,
                   uint32_t nsec, int prec)
{
    buf b = { 0 };
    got g;
    shb(&b);
    idb_full(&b, 1, 0, tsresol, offset_set, offset);
    epb(&b, ts, 4, 0);
    assert_int_equal(read_file(&b, &g, NULL), 0);
    assert_int_equal(g.n, 1);
    assert_ts(&g.h[0], sec, nsec);
    assert_int_equal(g.prec, prec);
    lcap_test_buf_free(&b);
}

static void test_resolutions(void **state)
{
    const int MICRO = CAPTURE_TSTAMP_PRECISION_MICRO, NANO = CAPTURE_TSTAMP_PRECISION_NANO;
    (void)state;
    one_ts(-1, 0, 0, 5000007, 5, 7000, MICRO);                /* default 10^-6 */
    one_ts(3, 0, 0, 5007, 5, 7000000, MICRO);                 /* 10^-3 */
    one_ts(6, 0, 0, 5999999, 5, 999999000, MICRO);            /* 10^-6 */
    one_ts(9, 0, 0, 5000000007u, 5, 7, NANO);                 /* 10^-9 */
    one_ts(0, 0, 0, 12345, 12345, 0, MICRO);                  /* whole seconds */
    one_ts(12, 0, 0, 5000000007999u, 5, 7, NANO);             /* 10^-12 truncates */
    one_ts(19, 0, 0, UINT64_MAX, 1, 844674407, NANO);         /* 10^-19 */
    one_ts(0x80 | 3, 0, 0, 8 * 5 + 7, 5, 875000000, MICRO);   /* 2^-3 */
    one_ts(0x80 | 10, 0, 0, 1024 * 5 + 1, 5, 976562, MICRO);  /* 2^-10 truncates */
    one_ts(0x80 | 30, 0, 0, (6ull << 30) - 1, 5, 999999999, NANO);
    one_ts(0x80 | 32, 0, 0, (7ull << 32) | 0x80000000u, 7, 500000000, NANO);
    /* Beyond 2^-34 libpcap's 64-bit product wraps; the exact value is given. */
    one_ts(0x80 | 35, 0, 0, (8ull << 35) - 1, 7, 999999999, NANO);
    one_ts(0x80 | 63, 0, 0, (1ull << 63) - 1, 0, 999999999, NANO);
    one_ts(0x80 | 63, 0, 0, UINT64_MAX, 1, 999999999, NANO);
    /* Offsets are whole seconds added with 64-bit wrap-around, as libpcap does. */
    one_ts(-1, 1, -100, 5000007, -95, 7000, MICRO);
    one_ts(-1, 1, 1000, 5000007, 1005, 7000, MICRO);
    one_ts(0, 1, INT64_MIN, UINT64_MAX, INT64_MAX, 0, MICRO);
    one_ts(0, 0, 0, UINT64_MAX, -1, 0, MICRO);
}

static void test_timestamp_function(void **state)
{
    lcap_ng_iface ifc;
    int64_t s;
    uint32_t ns;
    char err[CAPTURE_ERRBUF_SIZE];
    (void)state;
    /* Every binary resolution keeps nanoseconds below 10^9 at its largest fraction. */
    for (unsigned shift = 0; shift <= 63; shift++) {
        uint8_t opt[] = { 9, 0, 1, 0, (uint8_t)(0x80 | shift), 0, 0, 0 };
        assert_int_equal(lcap_ng_parse_idb_options(opt, sizeof(opt), 0, 0, &ifc, err), 0);
        lcap_ng_timestamp(&ifc, UINT64_MAX, &s, &ns);
        assert_true(ns < 1000000000u);
        uint64_t frac = shift ? (UINT64_MAX >> (64 - shift)) : 0;
        assert_int_equal(ns, shift <= 34 ? (frac * 1000000000u) >> shift : 999999999u);
    }
    for (unsigned e = 0; e <= 19; e++) {
        uint8_t opt[] = { 9, 0, 1, 0, (uint8_t)e, 0, 0, 0 };
        assert_int_equal(lcap_ng_parse_idb_options(opt, sizeof(opt), 0, 0, &ifc, err), 0);
        lcap_ng_timestamp(&ifc, UINT64_MAX, &s, &ns);
        assert_true(ns < 1000000000u);
    }
}

static void test_option_bounds(void **state)
{
    buf b = { 0 };
    (void)state;
    /* An option longer than what is left of its block. */
    shb(&b);
    size_t at = block_begin(&b, 1);
    put16(&b, 1);
    put16(&b, 0);
    put32(&b, 0);
    put16(&b, 2);
    put16(&b, 100);
    lcap_test_put(&b, "abcd", 4);
    block_end(&b, at);
    open_fails(&b, "claims 100 bytes");
    lcap_test_buf_free(&b);

    /* Two resolutions, a resolution of the wrong size, too fine ones. */
    shb(&b);
    at = block_begin(&b, 1);
    put32(&b, 1);
    put32(&b, 0);
    for (int i = 0; i < 2; i++) {
        put16(&b, 9);
        put16(&b, 1);
        put32(&b, 6);
    }
    block_end(&b, at);
    open_fails(&b, "second if_tsresol");
    lcap_test_buf_free(&b);

    shb(&b);
    at = block_begin(&b, 1);
    put32(&b, 1);
    put32(&b, 0);
    put16(&b, 14);
    put16(&b, 4);
    put32(&b, 6);
    block_end(&b, at);
    open_fails(&b, "if_tsoffset at offset 44 has length 4");
    lcap_test_buf_free(&b);

    shb(&b);
    idb_full(&b, 1, 0, 20, 0, 0);
    open_fails(&b, "10^-20");
    lcap_test_buf_free(&b);
    shb(&b);
    idb_full(&b, 1, 0, 0x80 | 64, 0, 0);
    open_fails(&b, "2^-64");
    lcap_test_buf_free(&b);

    /* Trailing bytes too few for an option header, and options past the
     * end-of-options marker, are ignored. */
    shb(&b);
    at = block_begin(&b, 1);
    put32(&b, 1);
    put32(&b, 0);
    put32(&b, 0);          /* opt_endofopt */
    put16(&b, 9);          /* ignored: after the end */
    put16(&b, 1);
    put32(&b, 9);
    block_end(&b, at);
    epb(&b, 5000007, 4, 0);
    got g;
    assert_int_equal(read_file(&b, &g, NULL), 0);
    assert_ts(&g.h[0], 5, 7000);
    lcap_test_buf_free(&b);

    /* A later interface with a bad option fails where it stands. */
    shb(&b);
    idb(&b);
    epb(&b, 1, 4, 0);
    size_t bad = b.n;
    idb_full(&b, 1, 0, 25, 0, 0);
    epb(&b, 1, 4, 0);
    ends_in_error(&b, 1, "10^-25", bad + 24); /* the option, after the if_name one */
    lcap_test_buf_free(&b);
}

static void test_unknown_blocks_skipped(void **state)
{
    buf b = { 0 };
    got g;
    const uint8_t seq[] = { 1, 2 };
    (void)state;
    shb(&b);
    unknown_block(&b, 4, 100);        /* name resolution, before the interface */
    shb(&b);                          /* a section header before it: skipped too */
    idb(&b);
    unknown_block(&b, 0x80000001, 0);
    epb(&b, 1, 16, 1);
    unknown_block(&b, 0xbad, 300000); /* larger than the read window's chunk */
    unknown_block(&b, 10, 4);
    epb(&b, 2, 16, 2);
    assert_int_equal(read_file(&b, &g, seq), 0);
    assert_int_equal(g.n, 2);
    assert_true(g.ok[0] && g.ok[1]);
    assert_int_equal(g.end, CAPTURE_EOF);
    lcap_test_buf_free(&b);
}

static void test_open_time_rules(void **state)
{
    buf b = { 0 };
    (void)state;
    shb(&b);
    open_fails(&b, "without an interface description block");
    epb(&b, 1, 4, 0);
    open_fails(&b, "enhanced packet block (type 0x00000006) at offset 28 comes before");
    lcap_test_buf_free(&b);
    shb(&b);
    spb(&b, 4, 4, 0);
    idb(&b);
    open_fails(&b, "simple packet block");
    lcap_test_buf_free(&b);

    /* First section header: length within 28..1 MiB, readable magic. */
    shb(&b);
    set32(&b, 4, 24);
    open_fails(&b, "length 24");
    lcap_test_buf_free(&b);
    shb(&b);
    set32(&b, 8, 0x11223344);
    open_fails(&b, "byte-order magic");
    lcap_test_buf_free(&b);
    shb(&b);
    b.n = 20;
    open_fails(&b, "20 present");
    lcap_test_buf_free(&b);
}

static void test_link_facts(void **state)
{
    buf b = { 0 };
    got g;
    (void)state;
    /* snaplen 0 and above INT_MAX become the DLT's maximum; others stay. */
    shb(&b);
    idb_full(&b, 1, 0xffffffffu, -1, 0, 0);
    epb(&b, 1, 4, 0);
    assert_int_equal(read_file(&b, &g, NULL), 0);
    assert_int_equal(g.snaplen, 262144);
    lcap_test_buf_free(&b);
    shb(&b);
    idb_full(&b, 1, 300000, -1, 0, 0);
    idb_full(&b, 1, 300000, -1, 0, 0);
    epb(&b, 1, 4, 0);
    assert_int_equal(read_file(&b, &g, NULL), 0);
    assert_int_equal(g.snaplen, 300000);
    assert_int_equal(g.n, 1);
    lcap_test_buf_free(&b);

    /* Later interfaces must match the first one's link type and snaplen. */
    shb(&b);
    idb(&b);
    epb(&b, 1, 4, 0);
    size_t bad = b.n;
    idb_full(&b, 105, 0, -1, 0, 0);
    epb(&b, 1, 4, 0);
    ends_in_error(&b, 1, "link type 105", bad);
    lcap_test_buf_free(&b);
    shb(&b);
    idb(&b);
    epb(&b, 1, 4, 0);
    bad = b.n;
    idb_full(&b, 1, 100, -1, 0, 0);
    ends_in_error(&b, 1, "snapshot length 100", bad);
    lcap_test_buf_free(&b);

    /* Precision becomes NANO once any interface read so far is finer than 1 us. */
    shb(&b);
    idb(&b);
    idb_full(&b, 1, 0, 0x80 | 20, 0, 0);
    epb_full(&b, 1, 1, 4, 4, 0);
    assert_int_equal(read_file(&b, &g, NULL), 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.prec, CAPTURE_TSTAMP_PRECISION_MICRO);
    assert_int_equal(g.prec_end, CAPTURE_TSTAMP_PRECISION_NANO);
    lcap_test_buf_free(&b);
}

static void test_lengths(void **state)
{
    buf b = { 0 };
    got g;
    (void)state;
    /* caplen above the snapshot length: an error, as in libpcap. */
    shb(&b);
    idb_full(&b, 1, 40, -1, 0, 0);
    epb(&b, 1, 40, 0);
    size_t bad = b.n;
    epb(&b, 1, 41, 0);
    ends_in_error(&b, 1, "captured length 41 exceeds the snapshot length 40", bad);
    lcap_test_buf_free(&b);

    /* ... but a simple packet is cut to it. */
    shb(&b);
    idb_full(&b, 1, 40, -1, 0, 0);
    spb(&b, 60, 60, 0);
    assert_int_equal(read_file(&b, &g, NULL), 0);
    assert_int_equal(g.h[0].caplen, 40);
    assert_int_equal(g.h[0].len, 60);
    lcap_test_buf_free(&b);

    /* caplen beyond the block's data. */
    shb(&b);
    idb(&b);
    bad = b.n;
    spb(&b, 100, 60, 0);
    ends_in_error(&b, 0, "captured length 100 runs past the 60 bytes", bad);
    lcap_test_buf_free(&b);

    /* Block too short for its fixed part. */
    shb(&b);
    idb(&b);
    bad = b.n;
    unknown_block(&b, 6, 8);
    ends_in_error(&b, 0, "enhanced packet block (type 0x00000006)", bad);
    lcap_test_buf_free(&b);
}

static void test_damage(void **state)
{
    buf b = { 0 };
    (void)state;
    /* Cut in a block header, a block body, a trailer. */
    static const size_t cuts[] = { 3, 30, 2 };
    for (int k = 0; k < 3; k++) {
        shb(&b);
        idb(&b);
        epb(&b, 1, 10, 0);
        epb(&b, 2, 10, 0);
        size_t third = b.n;
        epb(&b, 3, 10, 0);
        b.n = k == 2 ? b.n - cuts[k] : third + cuts[k];
        ends_in_error(&b, 2, k == 0 ? "3 of its 8 bytes" : "truncated", third);
        lcap_test_buf_free(&b);
    }

    /* Trailer that disagrees with the header. */
    shb(&b);
    idb(&b);
    epb(&b, 1, 10, 0);
    size_t bad = b.n;
    epb(&b, 2, 10, 0);
    set32(&b, b.n - 4, 12);
    ends_in_error(&b, 1, "trailing length 12 differs from the leading length 56", bad);
    lcap_test_buf_free(&b);

    /* Absurd lengths are refused before anything is allocated or read. */
    static const uint32_t absurd[] = { 0xfffffff0u, 16777220u, 8u, 13u };
    static const char *why[] = { "exceeds the maximum of 16777216", "exceeds the maximum",
                                 "less than the 12", "not a multiple of 4" };
    for (int k = 0; k < 4; k++) {
        shb(&b);
        idb(&b);
        epb(&b, 1, 10, 0);
        size_t at = b.n;
        epb(&b, 2, 10, 0);
        set32(&b, at + 4, absurd[k]);
        ends_in_error(&b, 1, why[k], at);
        lcap_test_buf_free(&b);
    }

    /* A packet block claiming megabytes the file does not hold. */
    shb(&b);
    idb(&b);
    epb(&b, 1, 10, 0);
    bad = b.n;
    epb(&b, 2, 10, 0);
    set32(&b, bad + 4, 10u * 1024u * 1024u);
    ends_in_error(&b, 1, "10485760 bytes declared, 56 present", bad);
    lcap_test_buf_free(&b);

    /* Interface out of range. */
    shb(&b);
    idb(&b);
    bad = b.n;
    epb_full(&b, 1, 1, 4, 4, 0);
    ends_in_error(&b, 0, "interface 1 has no interface description block", bad);
    lcap_test_buf_free(&b);
    shb(&b);
    idb(&b);
    bad = b.n;
    pb(&b, 9, 1, 4, 0);
    ends_in_error(&b, 0, "obsolete packet block (type 0x00000002)", bad);
    lcap_test_buf_free(&b);
}

static void test_largest_block(void **state)
{
    buf b = { 0 };
    got g;
    (void)state;
    /* A block of exactly the 16 MiB maximum is fine. */
    shb(&b);
    idb(&b);
    unknown_block(&b, 0x99, 16u * 1024u * 1024u - 12u);
    epb(&b, 1, 4, 0);
    assert_int_equal(read_file(&b, &g, NULL), 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.end, CAPTURE_EOF);
    lcap_test_buf_free(&b);
}

static void test_stdin_pipe(void **state)
{
    buf b = { 0 };
    int saved;
    got g;
    const uint8_t seq[] = { 3, 4, 5 };
    (void)state;
    shb(&b);
    idb(&b);
    epb(&b, 1000001, 100, 3);
    unknown_block(&b, 0x77, 200000); /* a pipe delivers it in pieces */
    epb(&b, 2000002, 1000, 4);
    spb(&b, 50, 50, 5);
    pid_t pid = lcap_test_feed_stdin(&b, 777, &saved);
    capture_reader *r = lcap_test_open_ok("-");
    memset(&g, 0, sizeof(g));
    read_reader(r, &g, seq);
    capture_close(r);
    lcap_test_restore_stdin(pid, saved);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.end, CAPTURE_EOF);
    assert_true(g.ok[0] && g.ok[1] && g.ok[2]);
    assert_ts(&g.h[1], 2, 2000);
    assert_int_equal(g.h[1].caplen, 1000);
    lcap_test_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_both_byte_orders),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_multi_section),
        cmocka_unit_test(test_resolutions),
        cmocka_unit_test(test_timestamp_function),
        cmocka_unit_test(test_option_bounds),
        cmocka_unit_test(test_unknown_blocks_skipped),
        cmocka_unit_test(test_open_time_rules),
        cmocka_unit_test(test_link_facts),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_damage),
        cmocka_unit_test(test_largest_block),
        cmocka_unit_test(test_stdin_pipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
