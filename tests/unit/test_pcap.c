/* test_pcap.c - the classic pcap savefile reader over files crafted here:
 * formats, byte orders, link-type bits, snapshot rules, damage, standard
 * input, and the dispatch/loop/next/breakloop contract on savefiles. */
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
#include "dlt.h"
#include "testbuf.h"

#define USEC 0xa1b2c3d4u
#define NSEC 0xa1b23c4du
#define MODIFIED 0xa1b2cd34u

/* ------------------------------------------------------------------ */
/* Building savefiles                                                  */
/* ------------------------------------------------------------------ */

typedef lcap_test_buf fb;

static void put_int(fb *b, uint32_t v, unsigned width)
{
    uint8_t x[4];
    for (unsigned i = 0; i < width; i++)
        x[i] = (uint8_t)(b->be ? v >> (8 * (width - 1 - i)) : v >> (8 * i));
    lcap_test_put(b, x, width);
}

static void file_hdr(fb *b, uint32_t magic, unsigned major, unsigned minor, uint32_t snaplen,
                     uint32_t linktype)
{
    b->modified = magic == MODIFIED;
    put_int(b, magic, 4);
    put_int(b, major, 2);
    put_int(b, minor, 2);
    put_int(b, 0, 4);
    put_int(b, 0, 4);
    put_int(b, snaplen, 4);
    put_int(b, linktype, 4);
}

/* Byte i of a packet's data: a pattern that also identifies the packet. */
static uint8_t pat(uint32_t seed, size_t i) { return (uint8_t)(seed * 31 + i * 7); }

/* A record header and `present` data bytes (not necessarily caplen). */
static void record_part(fb *b, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len,
                        size_t present, uint32_t seed)
{
    put_int(b, sec, 4);
    put_int(b, frac, 4);
    put_int(b, caplen, 4);
    put_int(b, len, 4);
    if (b->modified) {
        put_int(b, 3, 4); /* ifindex */
        put_int(b, 0x0800, 2);
        put_int(b, 0, 1);
        put_int(b, 0, 1);
    }
    for (size_t i = 0; i < present; i++) {
        uint8_t c = pat(seed, i);
        lcap_test_put(b, &c, 1);
    }
}

static void record(fb *b, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len, uint32_t seed)
{
    record_part(b, sec, frac, caplen, len, caplen, seed);
}

/* Writes the file (see lcap_test_save) and empties b for the next one. */
static char *save(fb *b)
{
    char *path = lcap_test_save(b);
    lcap_test_buf_free(b);
    return path;
}

static void expect_packet(capture_reader *r, int64_t sec, uint32_t nsec, uint32_t caplen,
                          uint32_t len, uint32_t seed)
{
    capture_pkthdr h;
    const uint8_t *d;
    int rc = capture_next(r, &h, &d);
    if (rc != 1)
        fail_msg("expected a packet, got %d (%s)", rc, capture_geterr(r));
    assert_int_equal(h.ts_sec, sec);
    assert_int_equal(h.ts_nsec, nsec);
    assert_int_equal(h.caplen, caplen);
    assert_int_equal(h.len, len);
    for (uint32_t i = 0; i < caplen; i++)
        assert_int_equal(d[i], pat(seed, i));
}

static int host_is_be(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 0;
}

/* ------------------------------------------------------------------ */
/* Formats                                                             */
/* ------------------------------------------------------------------ */

static void test_magics_and_byte_orders(void **state)
{
    (void)state;
    for (int nano = 0; nano <= 1; nano++) {
        for (int be = 0; be <= 1; be++) {
            fb b = { .be = be };
            uint32_t mul = nano ? 1 : 1000;
            file_hdr(&b, nano ? NSEC : USEC, 2, 4, 65535, 1);
            for (uint32_t i = 0; i < 3; i++)
                record(&b, 1700000000 + i, (nano ? 999999990 : 999990) + i, 60 + i, 100 + i, i);
            char *path = save(&b);
            capture_reader *r = lcap_test_open_ok(path);
            int major, minor, swapped;
            assert_int_equal(capture_file_version(r, &major, &minor, &swapped), 0);
            assert_int_equal(major, 2);
            assert_int_equal(minor, 4);
            assert_int_equal(swapped, be != host_is_be());
            assert_int_equal(capture_get_tstamp_precision(r),
                             nano ? CAPTURE_TSTAMP_PRECISION_NANO : CAPTURE_TSTAMP_PRECISION_MICRO);
            assert_int_equal(capture_datalink(r), CAPTURE_DLT_EN10MB);
            assert_int_equal(capture_datalink_ext(r), 0);
            assert_int_equal(capture_snapshot(r), 65535);
            for (uint32_t i = 0; i < 3; i++)
                expect_packet(r, 1700000000 + i, ((nano ? 999999990 : 999990) + i) * mul, 60 + i,
                              100 + i, i);
            lcap_test_expect_eof(r);
            capture_close(r);
            lcap_test_unsave(path);
        }
    }
}

static void test_modified_format(void **state)
{
    (void)state;
    for (int be = 0; be <= 1; be++) {
        fb b = { .be = be };
        file_hdr(&b, MODIFIED, 2, 4, 1500, 1);
        record(&b, 10, 20, 40, 60, 1);
        record(&b, 11, 21, 1514, 1514, 2); /* the cooked-mode allowance */
        char *path = save(&b);
        capture_reader *r = lcap_test_open_ok(path);
        assert_int_equal(capture_snapshot(r), 1514);
        assert_int_equal(capture_get_tstamp_precision(r), CAPTURE_TSTAMP_PRECISION_MICRO);
        expect_packet(r, 10, 20000, 40, 60, 1);
        expect_packet(r, 11, 21000, 1514, 1514, 2);
        lcap_test_expect_eof(r);
        capture_close(r);
        lcap_test_unsave(path);
    }
    /* Only Ethernet gets the extra 14 bytes, and never past INT_MAX. */
    fb b = { 0 };
    file_hdr(&b, MODIFIED, 2, 4, 1500, 113);
    record(&b, 1, 2, 30, 30, 5);
    char *path = save(&b);
    capture_reader *r = lcap_test_open_ok(path);
    assert_int_equal(capture_snapshot(r), 1500);
    assert_int_equal(capture_datalink(r), CAPTURE_DLT_LINUX_SLL);
    expect_packet(r, 1, 2000, 30, 30, 5);
    lcap_test_expect_eof(r);
    capture_close(r);
    lcap_test_unsave(path);
    file_hdr(&b, MODIFIED, 2, 4, 0x7ffffff5u, 1);
    path = save(&b);
    r = lcap_test_open_ok(path);
    assert_int_equal(capture_snapshot(r), 0x7fffffff);
    capture_close(r);
    lcap_test_unsave(path);
}

static void test_linktype_field(void **state)
{
    (void)state;
    static const struct {
        uint32_t field;
        int dlt;
        uint32_t ext;
    } cases[] = {
        { 1u | 0x04000000u | 0x20000000u, CAPTURE_DLT_EN10MB, 0x24000000u }, /* FCS of 2 words */
        { 105u | 0xfc000000u, CAPTURE_DLT_IEEE802_11, 0xfc000000u },
        { 101u, CAPTURE_DLT_RAW, 0 }, /* LINKTYPE_RAW is DLT_RAW (12) */
        { 0, CAPTURE_DLT_NULL, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fb b = { .be = (int)(i & 1) };
        file_hdr(&b, USEC, 2, 4, 128, cases[i].field);
        record(&b, 1, 0, 8, 8, 0);
        char *path = save(&b);
        capture_reader *r = lcap_test_open_ok(path);
        assert_int_equal(capture_datalink(r), cases[i].dlt);
        assert_int_equal(capture_datalink_ext(r), cases[i].ext);
        expect_packet(r, 1, 0, 8, 8, 0);
        capture_close(r);
        lcap_test_unsave(path);
    }
    /* libpcap 1.10.3 makes no check on bits 16..25: they belong to the
     * LINKTYPE value, which is then mapped like any other. */
    fb b = { 0 };
    file_hdr(&b, USEC, 2, 4, 128, 0x02000001u);
    char *path = save(&b);
    capture_reader *r = lcap_test_open_ok(path);
    assert_int_equal(capture_datalink(r), lcap_linktype_to_dlt(0x02000001));
    assert_int_equal(capture_datalink_ext(r), 0);
    lcap_test_expect_eof(r);
    capture_close(r);
    lcap_test_unsave(path);
}

static void test_snaplen_rules(void **state)
{
    (void)state;
    static const struct {
        uint32_t snaplen, linktype;
        int expect;
    } cases[] = {
        { 0, 1, 262144 },           /* zero: the DLT's maximum */
        { 0xffffffffu, 1, 262144 }, /* negative as an int: likewise */
        { 0x80000000u, 1, 262144 },
        { 300000, 1, 300000 },      /* big but positive: kept, as libpcap does */
        { 0x7fffffffu, 1, 0x7fffffff },
        { 1, 1, 1 },
        { 0, 231, -1 },             /* D-Bus has its own maximum */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fb b = { 0 };
        file_hdr(&b, USEC, 2, 4, cases[i].snaplen, cases[i].linktype);
        char *path = save(&b);
        capture_reader *r = lcap_test_open_ok(path);
        int want = cases[i].expect >= 0 ? cases[i].expect
                                        : (int)lcap_max_snaplen_for_dlt((int)cases[i].linktype);
        assert_int_equal(capture_snapshot(r), want);
        lcap_test_expect_eof(r);
        capture_close(r);
        lcap_test_unsave(path);
    }
    assert_true(lcap_max_snaplen_for_dlt(231) > 262144);
}

/* A record longer than the snapshot length is cut to it; the rest of the
 * record is skipped and the next record reads normally. */
static void test_caplen_over_snaplen(void **state)
{
    (void)state;
    for (int be = 0; be <= 1; be++) {
        fb b = { .be = be };
        file_hdr(&b, USEC, 2, 4, 10, 1);
        record(&b, 1, 1, 20, 25, 1);
        record(&b, 2, 2, 4, 4, 2);
        record(&b, 3, 3, 10, 10, 3);
        char *path = save(&b);
        capture_reader *r = lcap_test_open_ok(path);
        expect_packet(r, 1, 1000, 10, 25, 1);
        expect_packet(r, 2, 2000, 4, 4, 2);
        expect_packet(r, 3, 3000, 10, 10, 3);
        lcap_test_expect_eof(r);
        capture_close(r);
        lcap_test_unsave(path);
    }
}

static void test_caplen_over_max(void **state)
{
    (void)state;
    /* 24 + 2 * (16 + 4): the bad record starts at byte 64. */
    fb b = { 0 };
    file_hdr(&b, USEC, 2, 4, 10, 1);
    record(&b, 1, 0, 4, 4, 1);
    record(&b, 2, 0, 4, 4, 2);
    record_part(&b, 3, 0, 300000, 300000, 100, 3);
    char *path = save(&b);
    capture_reader *r = lcap_test_open_ok(path);
    expect_packet(r, 1, 0, 4, 4, 1);
    expect_packet(r, 2, 0, 4, 4, 2);
    lcap_test_expect_error(r, path, "offset 64: captured length 300000 is bigger than the snapshot length 10");
    capture_close(r);
    lcap_test_unsave(path);

    /* Within a (huge) snapshot length but beyond what the DLT allows. */
    file_hdr(&b, USEC, 2, 4, 1000000, 1);
    record(&b, 1, 0, 4, 4, 1);
    record_part(&b, 3, 0, 300000, 60, 0, 3);
    path = save(&b);
    r = lcap_test_open_ok(path);
    assert_int_equal(capture_snapshot(r), 1000000);
    expect_packet(r, 1, 0, 4, 4, 1);
    lcap_test_expect_error(r, path, "offset 44: captured length 300000 is bigger than the maximum 262144 for link type 1");
    capture_close(r);
    lcap_test_unsave(path);

    /* An absurd length is refused without trying to read or allocate it. */
    b.be = 1;
    file_hdr(&b, NSEC, 2, 4, 0, 1);
    record_part(&b, 3, 0, 0xffffffffu, 60, 0, 3);
    path = save(&b);
    r = lcap_test_open_ok(path);
    lcap_test_expect_error(r, path, "offset 24: captured length 4294967295 is bigger than the snapshot length 262144");
    capture_close(r);
    lcap_test_unsave(path);
}

/* ------------------------------------------------------------------ */
/* Damage                                                              */
/* ------------------------------------------------------------------ */

static void test_truncated_file_header(void **state)
{
    (void)state;
    for (size_t keep = 4; keep < 24; keep += 5) {
        fb b = { 0 };
        file_hdr(&b, NSEC, 2, 4, 65535, 1);
        b.n = keep;
        char *path = save(&b);
        char needle[64];
        snprintf(needle, sizeof(needle), "truncated pcap file header at offset 0: %zu of its 24 bytes", keep);
        lcap_test_open_fails(path, needle);
        lcap_test_unsave(path);
    }
}

static void test_truncated_records(void **state)
{
    (void)state;
    fb b = { .be = 1 };
    /* Header only: a valid, empty savefile. */
    file_hdr(&b, USEC, 2, 4, 65535, 1);
    char *path = save(&b);
    capture_reader *r = lcap_test_open_ok(path);
    lcap_test_expect_eof(r);
    capture_close(r);
    lcap_test_unsave(path);

    /* A cut record header after two packets. */
    file_hdr(&b, USEC, 2, 4, 65535, 1);
    record(&b, 1, 0, 4, 4, 1);
    record(&b, 2, 0, 4, 4, 2);
    record(&b, 3, 0, 4, 4, 3);
    b.n -= 4 + 9;
    path = save(&b);
    r = lcap_test_open_ok(path);
    expect_packet(r, 1, 0, 4, 4, 1);
    expect_packet(r, 2, 0, 4, 4, 2);
    lcap_test_expect_error(r, path, "truncated record header at offset 64: 7 of its 16 bytes present");
    capture_close(r);
    lcap_test_unsave(path);

    /* A record whose data is cut. */
    file_hdr(&b, USEC, 2, 4, 65535, 1);
    record(&b, 1, 0, 4, 4, 1);
    record(&b, 2, 0, 4, 4, 2);
    record_part(&b, 3, 0, 98, 98, 40, 3);
    path = save(&b);
    r = lcap_test_open_ok(path);
    expect_packet(r, 1, 0, 4, 4, 1);
    expect_packet(r, 2, 0, 4, 4, 2);
    lcap_test_expect_error(r, path, "truncated record at offset 64: header says 98 captured bytes, only 40 present");
    capture_close(r);
    lcap_test_unsave(path);

    /* Cut inside a record longer than the snapshot length. */
    file_hdr(&b, USEC, 2, 4, 10, 1);
    record_part(&b, 3, 0, 98, 98, 50, 3);
    path = save(&b);
    r = lcap_test_open_ok(path);
    lcap_test_expect_error(r, path, "truncated record at offset 24: header says 98 captured bytes, only 50 present");
    capture_close(r);
    lcap_test_unsave(path);

    /* The modified format's longer header, cut. */
    file_hdr(&b, MODIFIED, 2, 4, 100, 1);
    record(&b, 1, 0, 4, 4, 1);
    b.n -= 4 + 2;
    path = save(&b);
    r = lcap_test_open_ok(path);
    lcap_test_expect_error(r, path, "truncated record header at offset 24: 22 of its 24 bytes present");
    capture_close(r);
    lcap_test_unsave(path);
}

static void test_versions(void **state)
{
    (void)state;
    static const struct {
        unsigned major, minor;
        const char *needle;
    } bad[] = {
        { 1, 0, "archaic pcap savefile format version 1.0" },
        { 0, 9, "archaic" },
        { 2, 5, "unsupported pcap savefile version 2.5" },
        { 3, 0, "unsupported pcap savefile version 3.0" },
        { 543, 1, "unsupported pcap savefile version 543.1" },
        { 65535, 65535, "unsupported pcap savefile version 65535.65535" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fb b = { .be = (int)(i & 1) };
        file_hdr(&b, USEC, bad[i].major, bad[i].minor, 65535, 1);
        record(&b, 1, 0, 4, 4, 1);
        char *path = save(&b);
        lcap_test_open_fails(path, bad[i].needle);
        lcap_test_unsave(path);
    }

    /* Before 2.3 (and in DG/UX's 543.0) caplen and len sit the other way
     * round; in 2.3 files they are swapped only where caplen > len. */
    static const struct {
        unsigned major, minor;
        int always;
    } quirky[] = { { 2, 0, 1 }, { 2, 2, 1 }, { 543, 0, 1 }, { 2, 3, 0 } };
    for (size_t i = 0; i < sizeof(quirky) / sizeof(quirky[0]); i++) {
        fb b = { .be = (int)(i & 1) };
        file_hdr(&b, USEC, quirky[i].major, quirky[i].minor, 65535, 1);
        /* fields as written: first "caplen", then "len" */
        record_part(&b, 1, 0, 60, 6, 6, 1); /* len 60, caplen 6 in every case */
        if (quirky[i].always)
            record_part(&b, 2, 0, 80, 8, 8, 2);
        else
            record_part(&b, 2, 0, 8, 80, 8, 2); /* already in order: kept */
        char *path = save(&b);
        capture_reader *r = lcap_test_open_ok(path);
        int major, minor;
        assert_int_equal(capture_file_version(r, &major, &minor, NULL), 0);
        assert_int_equal(major, (int)quirky[i].major);
        assert_int_equal(minor, (int)quirky[i].minor);
        expect_packet(r, 1, 0, 6, 60, 1);
        expect_packet(r, 2, 0, 8, 80, 2);
        lcap_test_expect_eof(r);
        capture_close(r);
        lcap_test_unsave(path);
    }
}

/* ------------------------------------------------------------------ */
/* Timestamps                                                          */
/* ------------------------------------------------------------------ */

static void test_timestamps(void **state)
{
    (void)state;
    static const struct {
        uint32_t magic;
        int be; /* 1: the other byte order than this host's */
        uint32_t sec, frac;
        int64_t want_sec;
        uint32_t want_nsec;
    } cases[] = {
        { USEC, 0, 0xffffffffu, 999999, 4294967295LL, 999999000 }, /* seconds are unsigned */
        { USEC, 0, 5, 1000000, 6, 0 },                             /* carried */
        { USEC, 0, 5, 2500000, 7, 500000000 },
        /* Sub-second fields are unsigned in either byte order. */
        { USEC, 0, 5, 0xffffffffu, 4299, 967295000 },
        { USEC, 1, 5, 0xffffffffu, 4299, 967295000 },
        { USEC, 0, 0, 0xffffffffu, 4294, 967295000 },
        { USEC, 1, 0, 0xffffffffu, 4294, 967295000 },
        { USEC, 0, 0xffffffffu, 0xffffffffu, 4294971589LL, 967295000 },
        { USEC, 1, 0xffffffffu, 0xffffffffu, 4294971589LL, 967295000 },
        { USEC, 0, 0, 0, 0, 0 },
        { NSEC, 0, 5, 1999999999, 6, 999999999 },
        { NSEC, 0, 0, 0x80000000u, 2, 147483648 },
        { NSEC, 1, 0, 0x80000000u, 2, 147483648 },
        { NSEC, 0, 0, 0xffffffffu, 4, 294967295 },
        { NSEC, 1, 0, 0xffffffffu, 4, 294967295 },
        { NSEC, 0, 0xffffffffu, 0xffffffffu, 4294967299LL, 294967295 },
        { NSEC, 1, 0xffffffffu, 0xffffffffu, 4294967299LL, 294967295 },
        { NSEC, 0, 0xffffffffu, 999999999, 4294967295LL, 999999999 },
        { NSEC, 0, 7, 999999999, 7, 999999999 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fb b = { .be = cases[i].be ? !host_is_be() : host_is_be() };
        file_hdr(&b, cases[i].magic, 2, 4, 65535, 1);
        record(&b, cases[i].sec, cases[i].frac, 2, 2, 0);
        char *path = save(&b);
        capture_reader *r = lcap_test_open_ok(path);
        expect_packet(r, cases[i].want_sec, cases[i].want_nsec, 2, 2, 0);
        capture_close(r);
        lcap_test_unsave(path);
    }
}

/* ------------------------------------------------------------------ */
/* Pseudo-headers in the writer's byte order                           */
/* ------------------------------------------------------------------ */

static void read_one(fb *b, const uint8_t *data, uint32_t n, uint8_t *out)
{
    put_int(b, 1, 4);
    put_int(b, 0, 4);
    put_int(b, n, 4);
    put_int(b, n, 4);
    lcap_test_put(b, data, n);
    char *path = save(b);
    capture_reader *r = lcap_test_open_ok(path);
    capture_pkthdr h;
    const uint8_t *d;
    assert_int_equal(capture_next(r, &h, &d), 1);
    assert_int_equal(h.caplen, n);
    memcpy(out, d, n);
    capture_close(r);
    lcap_test_unsave(path);
}

static void test_pseudo_headers(void **state)
{
    uint8_t in[80], out[80];
    (void)state;
    for (unsigned i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)i;

    /* SocketCAN in LINUX_SLL: protocol 0x000c at 14, CAN ID at 16. */
    in[14] = 0x00;
    in[15] = 0x0c;
    for (int swapped = 0; swapped <= 1; swapped++) {
        fb b = { .be = swapped ? !host_is_be() : host_is_be() };
        file_hdr(&b, USEC, 2, 4, 65535, 113);
        read_one(&b, in, 24, out);
        static const uint8_t want_swapped[4] = { 19, 18, 17, 16 };
        assert_memory_equal(out + 16, swapped ? want_swapped : in + 16, 4);
        assert_memory_equal(out, in, 16);
        assert_memory_equal(out + 20, in + 20, 4);
    }
    /* Too short for the whole CAN ID: untouched. */
    {
        fb b = { .be = !host_is_be() };
        file_hdr(&b, USEC, 2, 4, 65535, 113);
        read_one(&b, in, 19, out);
        assert_memory_equal(out, in, 19);
    }
    /* LINUX_SLL2: protocol at 0, CAN ID at 20. */
    {
        uint8_t in2[24];
        memcpy(in2, in, sizeof(in2));
        in2[0] = 0x00;
        in2[1] = 0x0d;
        fb b = { .be = !host_is_be() };
        file_hdr(&b, USEC, 2, 4, 65535, 276);
        read_one(&b, in2, 24, out);
        static const uint8_t want[4] = { 23, 22, 21, 20 };
        assert_memory_equal(out + 20, want, 4);
        assert_memory_equal(out, in2, 20);
    }
    /* USB_LINUX: id (8 bytes) and bus id (2) swapped, single-byte fields kept. */
    {
        for (unsigned i = 0; i < sizeof(in); i++)
            in[i] = (uint8_t)i;
        in[9] = 2; /* control transfer: the setup bytes at 40 stay as they are */
        fb b = { .be = !host_is_be() };
        file_hdr(&b, USEC, 2, 4, 65535, 189);
        read_one(&b, in, 48, out);
        static const uint8_t id[8] = { 7, 6, 5, 4, 3, 2, 1, 0 };
        static const uint8_t bus[2] = { 13, 12 };
        static const uint8_t ts_sec[8] = { 23, 22, 21, 20, 19, 18, 17, 16 };
        static const uint8_t urb_len[4] = { 35, 34, 33, 32 };
        assert_memory_equal(out, id, 8);
        assert_memory_equal(out + 8, in + 8, 4);
        assert_memory_equal(out + 12, bus, 2);
        assert_memory_equal(out + 16, ts_sec, 8);
        assert_memory_equal(out + 32, urb_len, 4);
        assert_memory_equal(out + 40, in + 40, 8);
    }
    /* USB_LINUX_MMAPPED, isochronous, one descriptor after the 64 bytes. */
    {
        for (unsigned i = 0; i < sizeof(in); i++)
            in[i] = (uint8_t)i;
        in[9] = 0;
        fb b = { .be = !host_is_be() };
        /* ndesc = 1 in the file's byte order */
        static const uint8_t one_be[4] = { 0, 0, 0, 1 }, one_le[4] = { 1, 0, 0, 0 };
        const uint8_t *ndesc = b.be ? one_be : one_le;
        memcpy(in + 60, ndesc, 4);
        file_hdr(&b, USEC, 2, 4, 65535, 220);
        read_one(&b, in, 80, out);
        static const uint8_t err_count[4] = { 43, 42, 41, 40 };
        static const uint8_t xfer[4] = { 59, 58, 57, 56 };
        static const uint8_t d_len[4] = { 75, 74, 73, 72 };
        assert_memory_equal(out + 40, err_count, 4);
        assert_memory_equal(out + 56, xfer, 4);
        assert_int_equal(out[60] + out[61] + out[62] + out[63], 1);
        assert_memory_equal(out + 72, d_len, 4);
        assert_memory_equal(out + 76, in + 76, 4); /* descriptor padding */
    }
    /* NFLOG: TLV length and type swapped, TLV by TLV. */
    {
        uint8_t nf[16] = { 2, 0, 0, 1 };
        fb b = { .be = !host_is_be() };
        /* one TLV of length 8, type 9, in the file's byte order, then one
         * whose length runs past the data: swapped, then the walk stops. */
        uint8_t l8[2], t9[2], l99[2];
        l8[0] = b.be ? 0 : 8, l8[1] = b.be ? 8 : 0;
        t9[0] = b.be ? 0 : 9, t9[1] = b.be ? 9 : 0;
        l99[0] = b.be ? 0 : 99, l99[1] = b.be ? 99 : 0;
        memcpy(nf + 4, l8, 2);
        memcpy(nf + 6, t9, 2);
        memcpy(nf + 12, l99, 2);
        file_hdr(&b, USEC, 2, 4, 65535, 239);
        read_one(&b, nf, 16, out);
        uint16_t v;
        memcpy(&v, out + 4, 2);
        assert_int_equal(v, 8);
        memcpy(&v, out + 6, 2);
        assert_int_equal(v, 9);
        memcpy(&v, out + 12, 2);
        assert_int_equal(v, 99);
        assert_memory_equal(out, nf, 4);
    }
}

/* ------------------------------------------------------------------ */
/* Standard input and large files                                      */
/* ------------------------------------------------------------------ */

static void test_stdin(void **state)
{
    (void)state;
    fb b = { .be = 1 };
    const uint32_t n = 3000; /* ~1.2 MB: many refills of the window through a pipe */
    file_hdr(&b, NSEC, 2, 4, 1000, 1);
    for (uint32_t i = 0; i < n; i++)
        record(&b, i, i, 100 + i % 300, 1000, i);
    int saved;
    pid_t pid = lcap_test_feed_stdin(&b, 1000, &saved);
    capture_reader *r = lcap_test_open_ok("-");
    assert_int_equal(capture_get_tstamp_precision(r), CAPTURE_TSTAMP_PRECISION_NANO);
    for (uint32_t i = 0; i < n; i++)
        expect_packet(r, i, i, 100 + i % 300, 1000, i);
    lcap_test_expect_eof(r);
    capture_close(r);
    lcap_test_restore_stdin(pid, saved);

    /* Damage seen through a pipe is reported the same way. */
    file_hdr(&b, USEC, 2, 4, 1000, 1);
    record(&b, 1, 0, 4, 4, 1);
    record_part(&b, 2, 0, 98, 98, 40, 2);
    pid = lcap_test_feed_stdin(&b, 1000, &saved);
    r = lcap_test_open_ok("-");
    expect_packet(r, 1, 0, 4, 4, 1);
    lcap_test_expect_error(r, "-", "truncated record at offset 44: header says 98 captured bytes, only 40 present");
    capture_close(r);
    lcap_test_restore_stdin(pid, saved);

    /* A truncated header on stdin names "-". */
    file_hdr(&b, USEC, 2, 4, 1000, 1);
    b.n = 12;
    pid = lcap_test_feed_stdin(&b, 1000, &saved);
    lcap_test_open_fails("-", "truncated pcap file header");
    lcap_test_restore_stdin(pid, saved);
}

/* Records far bigger than the window's first allocation, mixed with small ones. */
static void test_large_records(void **state)
{
    (void)state;
    fb b = { 0 };
    file_hdr(&b, USEC, 2, 4, 0, 1);
    record(&b, 1, 0, 10, 10, 1);
    record(&b, 2, 0, 262144, 262144, 2);
    record(&b, 3, 0, 200000, 300000, 3);
    record(&b, 4, 0, 10, 10, 4);
    char *path = save(&b);
    capture_reader *r = lcap_test_open_ok(path);
    expect_packet(r, 1, 0, 10, 10, 1);
    expect_packet(r, 2, 0, 262144, 262144, 2);
    expect_packet(r, 3, 0, 200000, 300000, 3);
    expect_packet(r, 4, 0, 10, 10, 4);
    lcap_test_expect_eof(r);
    capture_close(r);
    lcap_test_unsave(path);
}

/* ------------------------------------------------------------------ */
/* The reader contract on a savefile                                   */
/* ------------------------------------------------------------------ */

struct counter {
    capture_reader *r;
    int seen;
    int break_at; /* call capture_breakloop on this packet (1-based), 0 never */
    uint32_t next_sec;
};

static void count_cb(void *user, const capture_pkthdr *h, const uint8_t *d)
{
    struct counter *c = user;
    (void)d;
    assert_int_equal(h->ts_sec, c->next_sec);
    c->next_sec++;
    c->seen++;
    if (c->seen == c->break_at)
        capture_breakloop(c->r);
}

static char *ten_packets(void)
{
    fb b = { 0 };
    file_hdr(&b, USEC, 2, 4, 65535, 1);
    for (uint32_t i = 0; i < 10; i++)
        record(&b, i, 0, 4, 4, i);
    return save(&b);
}

/* A callback that takes the following packet itself with capture_next. */
static void next_inside_cb(void *user, const capture_pkthdr *h, const uint8_t *d)
{
    struct counter *c = user;
    capture_pkthdr h2;
    const uint8_t *d2;
    (void)d;
    assert_int_equal(h->ts_sec, c->next_sec);
    c->seen++;
    int rc = capture_next(c->r, &h2, &d2);
    if (rc == 1) {
        assert_int_equal(h2.ts_sec, c->next_sec + 1);
        assert_int_equal(d2[0], pat(h2.ts_sec, 0));
        c->seen++;
    } else {
        assert_int_equal(rc, CAPTURE_EOF);
    }
    c->next_sec += 2;
}

/* Packets handed over in runs (lcap_source_ops.run) stay in file order when
 * the callback reads from the same reader. */
static void test_next_inside_loop(void **state)
{
    (void)state;
    char *path = ten_packets();
    struct counter c = { 0 };
    c.r = lcap_test_open_ok(path);
    assert_int_equal(capture_loop(c.r, -1, next_inside_cb, &c), 0);
    assert_int_equal(c.seen, 10);
    assert_int_equal(c.next_sec, 10);
    capture_close(c.r);
    lcap_test_unsave(path);
}

static void test_dispatch_loop_next(void **state)
{
    (void)state;
    char *path = ten_packets();
    struct counter c = { 0 };
    capture_pkthdr h;
    const uint8_t *d;

    c.r = lcap_test_open_ok(path);
    assert_int_equal(capture_dispatch(c.r, 3, count_cb, &c), 3);
    assert_int_equal(capture_dispatch(c.r, -1, count_cb, &c), 7);
    assert_int_equal(capture_dispatch(c.r, -1, count_cb, &c), 0);
    assert_int_equal(capture_next(c.r, &h, &d), CAPTURE_EOF);
    assert_int_equal(c.seen, 10);
    capture_close(c.r);

    memset(&c, 0, sizeof(c));
    c.r = lcap_test_open_ok(path);
    assert_int_equal(capture_loop(c.r, 4, count_cb, &c), 0);
    assert_int_equal(c.seen, 4);
    assert_int_equal(capture_next(c.r, &h, &d), 1);
    assert_int_equal(h.ts_sec, 4);
    c.next_sec = 5;
    assert_int_equal(capture_loop(c.r, 0, count_cb, &c), 0);
    assert_int_equal(c.seen, 9);
    assert_int_equal(capture_loop(c.r, -1, count_cb, &c), 0);
    assert_int_equal(capture_loop(c.r, 5, count_cb, &c), 0); /* ended before the count */
    capture_close(c.r);

    /* A break from the callback: loop reports it, dispatch returns what it
     * delivered and reports the break on the next call. */
    memset(&c, 0, sizeof(c));
    c.r = lcap_test_open_ok(path);
    c.break_at = 2;
    assert_int_equal(capture_loop(c.r, -1, count_cb, &c), CAPTURE_ERROR_BREAK);
    assert_int_equal(c.seen, 2);
    c.break_at = 0;
    assert_int_equal(capture_loop(c.r, -1, count_cb, &c), 0);
    assert_int_equal(c.seen, 10);
    capture_close(c.r);

    memset(&c, 0, sizeof(c));
    c.r = lcap_test_open_ok(path);
    c.break_at = 2;
    assert_int_equal(capture_dispatch(c.r, -1, count_cb, &c), 2);
    assert_int_equal(capture_dispatch(c.r, -1, count_cb, &c), CAPTURE_ERROR_BREAK);
    assert_int_equal(capture_dispatch(c.r, -1, count_cb, &c), 8);
    /* A break set between calls does not stop capture_next. */
    capture_breakloop(c.r);
    assert_int_equal(capture_next(c.r, &h, &d), CAPTURE_EOF);
    assert_int_equal(capture_loop(c.r, -1, count_cb, &c), CAPTURE_ERROR_BREAK);
    capture_close(c.r);
    lcap_test_unsave(path);

    /* An error mid-file: loop and dispatch return CAPTURE_ERROR after
     * delivering everything before the damage. */
    fb b = { 0 };
    file_hdr(&b, USEC, 2, 4, 65535, 1);
    for (uint32_t i = 0; i < 3; i++)
        record(&b, i, 0, 4, 4, i);
    record_part(&b, 3, 0, 50, 50, 10, 3);
    path = save(&b);
    memset(&c, 0, sizeof(c));
    c.r = lcap_test_open_ok(path);
    assert_int_equal(capture_loop(c.r, -1, count_cb, &c), CAPTURE_ERROR);
    assert_int_equal(c.seen, 3);
    assert_non_null(strstr(capture_geterr(c.r), "offset 84"));
    capture_close(c.r);
    memset(&c, 0, sizeof(c));
    c.r = lcap_test_open_ok(path);
    assert_int_equal(capture_dispatch(c.r, 2, count_cb, &c), 2);
    assert_int_equal(capture_dispatch(c.r, 0, count_cb, &c), CAPTURE_ERROR);
    assert_int_equal(c.seen, 3);
    capture_close(c.r);
    lcap_test_unsave(path);
}

static void test_savefile_facts(void **state)
{
    (void)state;
    char *path = ten_packets();
    capture_reader *r = lcap_test_open_ok(path);
    capture_stat st;
    assert_int_equal(capture_stats(r, &st), CAPTURE_ERROR);
    assert_non_null(strstr(capture_geterr(r), "savefile"));
    assert_int_equal(capture_getnonblock(r), 0);
    assert_int_equal(capture_setnonblock(r, 1), 0);
    int major = 0, minor = 0, swapped = -1;
    assert_int_equal(capture_file_version(r, &major, &minor, &swapped), 0);
    assert_int_equal(major, 2);
    assert_int_equal(minor, 4);
    assert_int_equal(swapped, host_is_be());
    capture_close(r);
    lcap_test_unsave(path);
}

/* ------------------------------------------------------------------ */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_magics_and_byte_orders),
        cmocka_unit_test(test_modified_format),
        cmocka_unit_test(test_linktype_field),
        cmocka_unit_test(test_snaplen_rules),
        cmocka_unit_test(test_caplen_over_snaplen),
        cmocka_unit_test(test_caplen_over_max),
        cmocka_unit_test(test_truncated_file_header),
        cmocka_unit_test(test_truncated_records),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_pseudo_headers),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_large_records),
        cmocka_unit_test(test_dispatch_loop_next),
        cmocka_unit_test(test_next_inside_loop),
        cmocka_unit_test(test_savefile_facts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
