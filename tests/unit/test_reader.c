/* test_reader.c - reader-level behaviour that does not depend on a file format:
 * dead handles, open errors, unknown formats, option stubs of savefiles. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"
#include "testbuf.h"

/* Opening a file of these len bytes fails with needle, naming the file. */
static void open_fails_with(const void *data, size_t len, const char *needle)
{
    lcap_test_buf b = { 0 };
    lcap_test_put(&b, data, len);
    char *path = lcap_test_save(&b);
    lcap_test_open_fails(path, needle);
    lcap_test_unsave(path);
    lcap_test_buf_free(&b);
}

static void test_missing_file(void **state)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    (void)state;
    assert_null(capture_open_offline("/nonexistent/dir/x.pcap", err));
    assert_non_null(strstr(err, "/nonexistent/dir/x.pcap"));
    assert_non_null(strstr(err, "No such file or directory"));
    assert_null(capture_open_offline(NULL, err));
    assert_true(err[0] != '\0');
}

static void test_empty_and_short_files(void **state)
{
    (void)state;
    open_fails_with("", 0, "empty");
    open_fails_with("\xd4\xc3", 2, "truncated");
}

static void test_unknown_format(void **state)
{
    (void)state;
    open_fails_with("GIF89a....", 10, "unknown file format");
    open_fails_with("\x00\x00\x00\x00\x00\x00", 6, "0x00000000");
}

static void never_called(void *user, const capture_pkthdr *h, const uint8_t *d)
{
    (void)user;
    (void)h;
    (void)d;
    fail_msg("a dead handle delivered a packet");
}

static void test_dead_handle(void **state)
{
    capture_pkthdr h;
    const uint8_t *d;
    capture_stat st;
    (void)state;

    capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, 0);
    assert_non_null(r);
    assert_int_equal(capture_datalink(r), CAPTURE_DLT_EN10MB);
    assert_int_equal(capture_snapshot(r), 262144); /* 0 means the maximum */
    assert_int_equal(capture_get_tstamp_precision(r), CAPTURE_TSTAMP_PRECISION_MICRO);
    assert_int_equal(capture_next(r, &h, &d), CAPTURE_ERROR);
    assert_non_null(strstr(capture_geterr(r), "capture_open_dead"));
    assert_int_equal(capture_dispatch(r, 10, never_called, NULL), CAPTURE_ERROR);
    assert_int_equal(capture_stats(r, &st), CAPTURE_ERROR);
    assert_int_equal(capture_file_version(r, NULL, NULL, NULL), CAPTURE_ERROR);
    assert_int_equal(capture_getnonblock(r), 0);
    assert_int_equal(capture_setnonblock(r, 1), 0);
    assert_int_equal(capture_getnonblock(r), 0);
    capture_close(r);

    r = capture_open_dead(CAPTURE_DLT_RAW, 96);
    assert_int_equal(capture_snapshot(r), 96);
    capture_close(r);
    r = capture_open_dead_with_tstamp_precision(CAPTURE_DLT_RAW, 1 << 30, CAPTURE_TSTAMP_PRECISION_NANO);
    assert_int_equal(capture_snapshot(r), 262144);
    assert_int_equal(capture_get_tstamp_precision(r), CAPTURE_TSTAMP_PRECISION_NANO);
    capture_close(r);
    assert_null(capture_open_dead_with_tstamp_precision(CAPTURE_DLT_RAW, 0, 7));
    capture_close(NULL);
}

static void test_breakloop_before_dispatch(void **state)
{
    (void)state;
    capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, 0);
    capture_breakloop(r);
    assert_int_equal(capture_dispatch(r, -1, never_called, NULL), CAPTURE_ERROR_BREAK);
    /* The break is consumed: the next call reaches the source again. */
    assert_int_equal(capture_dispatch(r, -1, never_called, NULL), CAPTURE_ERROR);
    capture_breakloop(r);
    assert_int_equal(capture_loop(r, -1, never_called, NULL), CAPTURE_ERROR_BREAK);
    capture_close(r);
}

static void test_pkthdr_accessors(void **state)
{
    capture_pkthdr h = { 1700000000, 123456789, 60, 1514 };
    long sec, usec;
    (void)state;
    capture_pkthdr_getts(&h, &sec, &usec);
    assert_int_equal(sec, 1700000000);
    assert_int_equal(usec, 123456);
    assert_int_equal(capture_pkthdr_getcaplen(&h), 60);
    assert_int_equal(capture_pkthdr_getlen(&h), 1514);
}

/* capture_bpf_filter_pkthdr takes len and caplen from the header, in the
 * right places: "ld #pktlen" sees len, a load past caplen rejects. */
static void test_filter_pkthdr(void **state)
{
    (void)state;
    static const struct capture_insn pktlen[] = { { 0x80, 0, 0, 0 }, { 0x16, 0, 0, 0 } };
    static const struct capture_insn byte50[] = { { 0x30, 0, 0, 50 }, { 0x16, 0, 0, 0 } };
    uint8_t data[100];
    memset(data, 0x7f, sizeof(data));
    capture_pkthdr h = { 0, 0, 10, 99 };
    capture_bpf *a = capture_bpf_from_insns(pktlen, 2, NULL), *b = capture_bpf_from_insns(byte50, 2, NULL);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(capture_bpf_filter_pkthdr(a, &h, data), 99);
    assert_int_equal(capture_bpf_filter_pkthdr(b, &h, data), 0);
    h.caplen = 51;
    assert_int_equal(capture_bpf_filter_pkthdr(b, &h, data), 0x7f);
    capture_bpf_free(a);
    capture_bpf_free(b);
}

static void test_version(void **state)
{
    (void)state;
    assert_string_equal(capture_lib_version(), "libcapture 0.1.0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_empty_and_short_files),
        cmocka_unit_test(test_unknown_format),
        cmocka_unit_test(test_dead_handle),
        cmocka_unit_test(test_breakloop_before_dispatch),
        cmocka_unit_test(test_pkthdr_accessors),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_filter_pkthdr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
