/* test_bpf_buffer.c - unit tests of the BPF read-buffer walker: every flavour's
 * layout and alignment, timestamp units, snaplen, and each malformed record. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hostword.h"
#include "live/bpf_buffer.h"
#include "live/flavor.h"

typedef struct rec {
    int64_t sec;
    uint64_t frac;
    uint32_t caplen, datalen;
    unsigned linkhdr; /* what bh_hdrlen is computed for */
} rec;

/* Appends one record as flavour f's kernel lays it out; returns the new end. */
static size_t add(uint8_t *buf, size_t at, const struct lcap_bpf_flavor *f,
                  const struct lcap_bpf_hdr_layout *l, const rec *r)
{
    unsigned hdrlen = lcap_flavor_hdrlen(f, l, r->linkhdr);
    uint8_t *p = buf + at;
    memset(p, 0xee, hdrlen); /* padding must not matter */
    lcap_test_put_word(p + l->sec_off, l->sec_width, (uint64_t)r->sec);
    lcap_test_put_word(p + l->frac_off, l->frac_width, r->frac);
    lcap_test_put_word(p + l->caplen_off, 4, r->caplen);
    lcap_test_put_word(p + l->datalen_off, 4, r->datalen);
    lcap_test_put_word(p + l->hdrlen_off, 2, hdrlen);
    for (uint32_t i = 0; i < r->caplen; i++)
        p[hdrlen + i] = (uint8_t)(i + r->caplen);
    return at + lcap_flavor_align(f, hdrlen + r->caplen);
}

static uint8_t buf[1 << 16];

static void every_flavour_walks(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE];
    static const rec recs[] = {
        { 1700000000, 999999, 60, 60, 14 }, { 1700000001, 0, 1, 1514, 14 },
        { 5, 123456, 0, 0, 14 },            { 1700000002, 42, 1517, 9014, 14 },
        { 7, 1, 3, 3, 0 },
    };
    for (size_t fi = 0; fi < lcap_flavor_count(); fi++) {
        const struct lcap_bpf_flavor *f = lcap_flavor_at(fi);
        size_t end = 0;
        for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
            assert_int_equal(end % f->wordalign, 0);
            end = add(buf, end, f, &f->hdr, &recs[i]);
        }
        lcap_bpf_walk w;
        lcap_bpf_walk_init(&w, f, 0, f->ts_unit, 262144, buf, end);
        for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
            capture_pkthdr h;
            const uint8_t *d;
            assert_int_equal(lcap_bpf_walk_next(&w, &h, &d, err), 1);
            assert_int_equal(h.ts_sec, recs[i].sec);
            uint64_t ns = f->ts_unit == LCAP_BPF_TS_NANO ? recs[i].frac : recs[i].frac * 1000;
            assert_int_equal(h.ts_nsec, ns);
            assert_int_equal(h.caplen, recs[i].caplen);
            assert_int_equal(h.len, recs[i].datalen);
            for (uint32_t k = 0; k < h.caplen; k++)
                assert_int_equal(d[k], (uint8_t)(k + h.caplen));
        }
        capture_pkthdr h;
        const uint8_t *d;
        assert_int_equal(lcap_bpf_walk_next(&w, &h, &d, err), 0);
        assert_int_equal(lcap_bpf_walk_next(&w, &h, &d, err), 0);
    }
}

/* Ethernet records start the network header aligned: NetBSD's bh_hdrlen is
 * 34 (measured), FreeBSD's 26, macOS' 18. */
static void known_hdrlens(void **state)
{
    (void)state;
    assert_int_equal(lcap_flavor_hdrlen(lcap_flavor_by_name("netbsd"), &lcap_flavor_by_name("netbsd")->hdr, 14), 34);
    assert_int_equal(lcap_flavor_hdrlen(lcap_flavor_by_name("freebsd"), &lcap_flavor_by_name("freebsd")->hdr, 14), 26);
    assert_int_equal(lcap_flavor_hdrlen(lcap_flavor_by_name("macos"), &lcap_flavor_by_name("macos")->hdr, 14), 18);
}

static void snaplen_caps_caplen(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE];
    const struct lcap_bpf_flavor *f = lcap_flavor_by_name("netbsd");
    rec r = { 1, 2, 200, 300, 14 };
    size_t end = add(buf, 0, f, &f->hdr, &r);
    lcap_bpf_walk w;
    lcap_bpf_walk_init(&w, f, 0, f->ts_unit, 96, buf, end);
    capture_pkthdr h;
    const uint8_t *d;
    assert_int_equal(lcap_bpf_walk_next(&w, &h, &d, err), 1);
    assert_int_equal(h.caplen, 96);
    assert_int_equal(h.len, 300);
}

/* FreeBSD's bpf_xhdr with BPF_T_BINTIME: a 2^-64 fraction of a second. */
static void bintime_and_carry(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE];
    const struct lcap_bpf_flavor *f = lcap_flavor_by_name("freebsd");
    rec half = { 10, 1ull << 63, 4, 4, 14 };
    rec quarter = { 11, 1ull << 62, 4, 4, 14 };
    size_t end = add(buf, 0, f, &f->xhdr, &half);
    end = add(buf, end, f, &f->xhdr, &quarter);
    lcap_bpf_walk w;
    lcap_bpf_walk_init(&w, f, 1, LCAP_BPF_TS_BINTIME, 65535, buf, end);
    capture_pkthdr h;
    const uint8_t *d;
    assert_int_equal(lcap_bpf_walk_next(&w, &h, &d, err), 1);
    assert_int_equal(h.ts_sec, 10);
    assert_int_equal(h.ts_nsec, 500000000);
    assert_int_equal(lcap_bpf_walk_next(&w, &h, &d, err), 1);
    assert_int_equal(h.ts_nsec, 250000000);

    /* An out-of-range microsecond field carries into the seconds. */
    f = lcap_flavor_by_name("netbsd");
    rec over = { 10, 2500000, 4, 4, 14 };
    end = add(buf, 0, f, &f->hdr, &over);
    lcap_bpf_walk_init(&w, f, 0, LCAP_BPF_TS_MICRO, 65535, buf, end);
    assert_int_equal(lcap_bpf_walk_next(&w, &h, &d, err), 1);
    assert_int_equal(h.ts_sec, 12);
    assert_int_equal(h.ts_nsec, 500000000);
}

/* One bad record: error naming it, and the rest of the buffer is dropped. */
static void expect_bad(const struct lcap_bpf_flavor *f, size_t len, const char *needle)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    lcap_bpf_walk w;
    capture_pkthdr h;
    const uint8_t *d;
    lcap_bpf_walk_init(&w, f, 0, f->ts_unit, 65535, buf, len);
    int rc;
    while ((rc = lcap_bpf_walk_next(&w, &h, &d, err)) == 1)
        ;
    assert_int_equal(rc, CAPTURE_ERROR);
    assert_non_null(strstr(err, needle));
    assert_int_equal(lcap_bpf_walk_next(&w, &h, &d, err), 0);
}

static void malformed_records(void **state)
{
    (void)state;
    for (size_t fi = 0; fi < lcap_flavor_count(); fi++) {
        const struct lcap_bpf_flavor *f = lcap_flavor_at(fi);
        const struct lcap_bpf_hdr_layout *l = &f->hdr;
        rec r = { 1, 2, 20, 20, 14 };
        size_t one = add(buf, 0, f, l, &r);
        size_t two = add(buf, one, f, l, &r);

        /* A header cut short by the end of the read. */
        expect_bad(f, one + 10, "fewer than its");
        /* bh_hdrlen smaller than the header, or past the end. */
        lcap_test_put_word(buf + one + l->hdrlen_off, 2, 3);
        expect_bad(f, two, "bh_hdrlen 3");
        lcap_test_put_word(buf + one + l->hdrlen_off, 2, 60000);
        expect_bad(f, two, "bh_hdrlen 60000");
        add(buf, one, f, l, &r);
        /* bh_caplen past the bytes read. */
        lcap_test_put_word(buf + one + l->caplen_off, 4, 21 + (two - one));
        expect_bad(f, two, "runs past");
        add(buf, one, f, l, &r);
        /* bh_caplen over bh_datalen. */
        lcap_test_put_word(buf + one + l->datalen_off, 4, 19);
        expect_bad(f, two, "exceeds bh_datalen 19");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_flavour_walks),
        cmocka_unit_test(known_hdrlens),
        cmocka_unit_test(snaplen_caps_caplen),
        cmocka_unit_test(bintime_and_carry),
        cmocka_unit_test(malformed_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
