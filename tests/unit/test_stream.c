/* test_stream.c - unit tests of the savefile read window: it grows only as data arrives, so a lying length costs no memory. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "savefile/stream.h"
#include "testbuf.h"

/* The library is linked with -Wl,--wrap=malloc,--wrap=realloc: the largest
 * single request it makes while armed is recorded here. */
static size_t peak_request;
static int armed;

void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);

void *__wrap_malloc(size_t n)
{
    if (armed && n > peak_request)
        peak_request = n;
    return __real_malloc(n);
}

void *__wrap_realloc(void *p, size_t n)
{
    if (armed && n > peak_request)
        peak_request = n;
    return __real_realloc(p, n);
}

#define MIB (1024u * 1024u)

static void put32(lcap_test_buf *b, uint32_t v) { lcap_test_put(b, &v, 4); }
static void put16(lcap_test_buf *b, uint16_t v) { lcap_test_put(b, &v, 2); }

/* A stream of 232 bytes asked for 16 MiB: the window stays its first size. */
static void lying_length_window(void **state)
{
    (void)state;
    lcap_test_buf b = { 0 };
    for (int i = 0; i < 232; i++) {
        uint8_t c = (uint8_t)i;
        lcap_test_put(&b, &c, 1);
    }
    int saved;
    pid_t pid = lcap_test_feed_stdin(&b, 100, &saved);
    lcap_stream s;
    char err[CAPTURE_ERRBUF_SIZE];
    assert_int_equal(lcap_stream_open(&s, "-", err), 0);
    size_t first = s.cap, avail = 0;
    assert_null(lcap_stream_need(&s, 16 * MIB, &avail));
    assert_int_equal(avail, 232);
    assert_int_equal(s.err, 0);
    assert_true(s.eof);
    assert_int_equal(s.cap, first);
    assert_int_equal(s.buf[231], 231);
    lcap_stream_close(&s);
    lcap_test_restore_stdin(pid, saved);
}

/* A large record that does arrive, in small writes: the window reaches it by
 * doubling, and holds it whole and intact. */
static void big_record_arrives(void **state)
{
    (void)state;
    const size_t n = 3 * MIB + 5;
    lcap_test_buf b = { 0 };
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)(i * 7 + (i >> 12));
        lcap_test_put(&b, &c, 1);
    }
    int saved;
    pid_t pid = lcap_test_feed_stdin(&b, 4096, &saved);
    lcap_stream s;
    char err[CAPTURE_ERRBUF_SIZE];
    assert_int_equal(lcap_stream_open(&s, "-", err), 0);
    size_t avail = 0;
    const uint8_t *p = lcap_stream_need(&s, n, &avail);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)(i * 7 + (i >> 12)))
            fail_msg("byte %zu differs", i);
    assert_true(s.cap >= n);
    assert_true(s.cap <= 2 * n);
    lcap_stream_skip(&s, n);
    assert_null(lcap_stream_need(&s, 1, &avail));
    assert_int_equal(avail, 0);
    lcap_stream_close(&s);
    lcap_test_restore_stdin(pid, saved);
}

/* End to end: a 232-byte pcapng stream whose packet block declares 16 MiB is
 * reported truncated without any allocation near that size. */
static void pcapng_lying_block_on_stdin(void **state)
{
    (void)state;
    lcap_test_buf b = { 0 };
    put32(&b, 0x0a0d0d0au); /* section header */
    put32(&b, 28);
    put32(&b, 0x1a2b3c4du);
    put16(&b, 1);
    put16(&b, 0);
    put32(&b, 0xffffffffu);
    put32(&b, 0xffffffffu);
    put32(&b, 28);
    put32(&b, 1); /* interface description: Ethernet, snaplen 0 */
    put32(&b, 20);
    put16(&b, 1);
    put16(&b, 0);
    put32(&b, 0);
    put32(&b, 20);
    put32(&b, 6); /* enhanced packet block of 16 MiB */
    put32(&b, 16 * MIB);
    while (b.n < 232)
        put32(&b, 0);
    assert_int_equal(b.n, 232);

    int saved;
    pid_t pid = lcap_test_feed_stdin(&b, 232, &saved);
    char err[CAPTURE_ERRBUF_SIZE];
    peak_request = 0;
    armed = 1;
    capture_reader *r = capture_open_offline("-", err);
    assert_non_null(r);
    capture_pkthdr h;
    const uint8_t *data;
    assert_int_equal(capture_next(r, &h, &data), CAPTURE_ERROR);
    armed = 0;
    assert_non_null(strstr(capture_geterr(r), "truncated"));
    assert_non_null(strstr(capture_geterr(r), "16777216 bytes declared, 184 present"));
    capture_close(r);
    lcap_test_restore_stdin(pid, saved);
    if (peak_request >= MIB)
        fail_msg("the reader asked for %zu bytes at once", peak_request);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lying_length_window),
        cmocka_unit_test(big_record_arrives),
        cmocka_unit_test(pcapng_lying_block_on_stdin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
