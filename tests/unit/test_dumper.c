/* test_dumper.c - unit tests of the pcap writer: headers, records, ftell, refusals and write errors. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "reader.h"
#include "testbuf.h"

static char tmpdir[] = "/tmp/test_dumper.XXXXXX";

static int setup_dir(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *tmp_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static uint32_t u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint16_t u16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static capture_pkthdr mkhdr(int64_t sec, uint32_t nsec, uint32_t caplen, uint32_t len)
{
    capture_pkthdr h = { sec, nsec, caplen, len };
    return h;
}

static void header_micro(void **state)
{
    (void)state;
    capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, 1500);
    const char *path = tmp_path("micro.pcap");
    capture_dumper *d = capture_dump_open(r, path);
    assert_non_null(d);
    assert_int_equal(capture_dump_ftell(d), 24);
    assert_int_equal(capture_dump_close(d), 0);
    size_t n;
    uint8_t *b = lcap_test_slurp(path, &n);
    assert_int_equal(n, 24);
    assert_int_equal(u32(b), 0xa1b2c3d4u);
    assert_int_equal(u16(b + 4), 2);
    assert_int_equal(u16(b + 6), 4);
    assert_int_equal(u32(b + 8), 0);
    assert_int_equal(u32(b + 12), 0);
    assert_int_equal(u32(b + 16), 1500);
    assert_int_equal(u32(b + 20), 1);
    free(b);
    capture_close(r);
}

static void header_nano_and_linktype(void **state)
{
    (void)state;
    capture_reader *r = capture_open_dead_with_tstamp_precision(CAPTURE_DLT_RAW, 0,
                                                                CAPTURE_TSTAMP_PRECISION_NANO);
    const char *path = tmp_path("nano.pcap");
    capture_dumper *d = capture_dump_open(r, path);
    assert_non_null(d);
    capture_pkthdr h = mkhdr(1700000000, 123456789, 4, 60);
    const uint8_t data[4] = { 0x45, 0, 0, 60 };
    assert_int_equal(capture_dump(d, &h, data), 0);
    assert_int_equal(capture_dump_close(d), 0);
    size_t n;
    uint8_t *b = lcap_test_slurp(path, &n);
    assert_int_equal(n, 24 + 16 + 4);
    assert_int_equal(u32(b), 0xa1b23c4du);
    assert_int_equal(u32(b + 16), 262144); /* snaplen 0 means the largest */
    assert_int_equal(u32(b + 20), 101);    /* LINKTYPE_RAW, not DLT_RAW's 12 */
    assert_int_equal(u32(b + 24), 1700000000u);
    assert_int_equal(u32(b + 28), 123456789u);
    assert_int_equal(u32(b + 32), 4);
    assert_int_equal(u32(b + 36), 60);
    assert_memory_equal(b + 40, data, 4);
    free(b);
    capture_close(r);
}

/* The FCS-length bits of the reader's link-type field go to the file; the rest do not. */
static void fcs_bits_kept(void **state)
{
    (void)state;
    capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, 65535);
    r->linktype_ext = 0x24000000u | 0x08000000u; /* FCS of 4 bytes + a reserved bit */
    const char *path = tmp_path("fcs.pcap");
    capture_dumper *d = capture_dump_open(r, path);
    assert_non_null(d);
    assert_int_equal(capture_dump_close(d), 0);
    size_t n;
    uint8_t *b = lcap_test_slurp(path, &n);
    assert_int_equal(u32(b + 20), 0x24000001u);
    free(b);
    capture_close(r);
}

static void dlt_without_linktype(void **state)
{
    (void)state;
    capture_reader *r = capture_open_dead(13, 65535);
    assert_null(capture_dump_open(r, tmp_path("none.pcap")));
    assert_non_null(strstr(capture_geterr(r), "LINKTYPE"));
    capture_close(r);
}

static void micro_records_and_ftell(void **state)
{
    (void)state;
    capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, 65535);
    const char *path = tmp_path("records.pcap");
    capture_dumper *d = capture_dump_open(r, path);
    assert_non_null(d);
    uint8_t pkt[100];
    for (int i = 0; i < 100; i++)
        pkt[i] = (uint8_t)i;
    capture_pkthdr h1 = mkhdr(1, 999999999, 100, 1514);
    capture_pkthdr h2 = mkhdr(4294967295LL, 1000, 0, 0);
    assert_int_equal(capture_dump(d, &h1, pkt), 0);
    assert_int_equal(capture_dump_ftell(d), 24 + 16 + 100);
    assert_int_equal(capture_dump(d, &h2, pkt), 0);
    assert_int_equal(capture_dump_ftell(d), 24 + 16 + 100 + 16);
    assert_int_equal(capture_dump_flush(d), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 24 + 16 + 100 + 16);
    assert_string_equal(capture_dump_geterr(d), "");
    assert_int_equal(capture_dump_close(d), 0);
    size_t n;
    uint8_t *b = lcap_test_slurp(path, &n);
    assert_int_equal(u32(b + 24), 1);
    assert_int_equal(u32(b + 28), 999999); /* nanoseconds truncated to microseconds */
    assert_int_equal(u32(b + 32), 100);
    assert_int_equal(u32(b + 36), 1514);
    assert_memory_equal(b + 40, pkt, 100);
    assert_int_equal(u32(b + 140), 4294967295u);
    assert_int_equal(u32(b + 144), 1);
    assert_int_equal(u32(b + 148), 0);
    free(b);
    capture_close(r);
}

/* Many records across buffer boundaries and records larger than the buffer. */
static void big_and_many(void **state)
{
    (void)state;
    capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, 262144);
    const char *path = tmp_path("big.pcap");
    capture_dumper *d = capture_dump_open(r, path);
    assert_non_null(d);
    uint8_t *pkt = malloc(200000);
    assert_non_null(pkt);
    for (size_t i = 0; i < 200000; i++)
        pkt[i] = (uint8_t)(i * 7);
    int64_t expect = 24;
    for (uint32_t i = 0; i < 3000; i++) {
        uint32_t cap = (i % 50 == 49) ? 70000 + i : (i * 37) % 1600;
        capture_pkthdr h = mkhdr(i, i * 1000, cap, cap + 4);
        assert_int_equal(capture_dump(d, &h, pkt + (i % 100)), 0);
        expect += 16 + cap;
        assert_int_equal(capture_dump_ftell(d), expect);
    }
    assert_int_equal(capture_dump_close(d), 0);
    size_t n;
    uint8_t *b = lcap_test_slurp(path, &n);
    assert_int_equal((int64_t)n, expect);
    size_t off = 24;
    for (uint32_t i = 0; i < 3000; i++) {
        uint32_t cap = (i % 50 == 49) ? 70000 + i : (i * 37) % 1600;
        assert_int_equal(u32(b + off), i);
        assert_int_equal(u32(b + off + 4), i);
        assert_int_equal(u32(b + off + 8), cap);
        assert_int_equal(u32(b + off + 12), cap + 4);
        assert_memory_equal(b + off + 16, pkt + (i % 100), cap);
        off += 16 + cap;
    }
    free(b);
    free(pkt);
    capture_close(r);
}

/* A record longer than the snapshot length, or than 262144 bytes, would be
 * cut or refused by every reader: it is refused here, never written. */
static void caplen_refused(void **state)
{
    (void)state;
    static const struct {
        int snaplen;
        uint32_t ok, over;
    } cases[] = {
        { 100, 100, 101 },
        { 262144, 262144, 262145 },
        { 0, 262144, 262145 }, /* 0: the dead reader's 262144 */
    };
    uint8_t *data = calloc(1, 262145);
    assert_non_null(data);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, cases[i].snaplen);
        const char *path = tmp_path("caplen.pcap");
        capture_dumper *d = capture_dump_open(r, path);
        assert_non_null(d);
        capture_pkthdr over = mkhdr(1, 0, cases[i].over, cases[i].over);
        capture_pkthdr ok = mkhdr(2, 0, cases[i].ok, cases[i].ok + 10);
        assert_int_equal(capture_dump(d, &over, data), CAPTURE_ERROR);
        assert_non_null(strstr(capture_dump_geterr(d), "captured length"));
        assert_int_equal(capture_dump_ftell(d), 24);
        assert_int_equal(capture_dump(d, &ok, data), 0);
        char err[CAPTURE_ERRBUF_SIZE];
        assert_int_equal(capture_dump_close_errbuf(d, err), CAPTURE_ERROR);
        assert_non_null(strstr(err, "refused"));
        /* The file holds the good record alone, and reads back whole. */
        capture_reader *back = capture_open_offline(path, err);
        assert_non_null(back);
        capture_pkthdr h;
        const uint8_t *p;
        assert_int_equal(capture_next(back, &h, &p), 1);
        assert_int_equal(h.ts_sec, 2);
        assert_int_equal(h.caplen, cases[i].ok);
        assert_int_equal(capture_next(back, &h, &p), CAPTURE_EOF);
        capture_close(back);
        capture_close(r);
    }
    free(data);
}

/* capture_loop with capture_dump_handler copies a file as pcap_dump does. */
static void dump_handler_copies(void **state)
{
    (void)state;
    capture_reader *r = capture_open_dead_with_tstamp_precision(CAPTURE_DLT_EN10MB, 1500,
                                                                CAPTURE_TSTAMP_PRECISION_NANO);
    char p1[512];
    snprintf(p1, sizeof(p1), "%s", tmp_path("orig.pcap")); /* tmp_path's buffer is reused */
    capture_dumper *d = capture_dump_open(r, p1);
    assert_non_null(d);
    uint8_t pkt[1500 + 7];
    for (size_t i = 0; i < sizeof(pkt); i++)
        pkt[i] = (uint8_t)(i * 13);
    for (uint32_t i = 0; i < 500; i++) {
        capture_pkthdr h = mkhdr(1000 + i, i * 7, (i * 97) % 1500, 1500);
        assert_int_equal(capture_dump(d, &h, pkt + (i % 7)), 0);
    }
    assert_int_equal(capture_dump_close(d), 0);
    capture_close(r);

    char err[CAPTURE_ERRBUF_SIZE];
    r = capture_open_offline(p1, err);
    assert_non_null(r);
    char p2[512];
    snprintf(p2, sizeof(p2), "%s", tmp_path("copy.pcap"));
    d = capture_dump_open(r, p2);
    assert_non_null(d);
    assert_int_equal(capture_loop(r, -1, capture_dump_handler, d), 0);
    assert_int_equal(capture_dump_close(d), 0);
    capture_close(r);
    size_t n1, n2;
    uint8_t *b1 = lcap_test_slurp(p1, &n1), *b2 = lcap_test_slurp(p2, &n2);
    assert_true(n1 > 24 + 500 * 16);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b1);
    free(b2);
}

/* Timestamps outside the 32-bit field are refused, not wrapped. */
static void timestamp_refused(void **state)
{
    (void)state;
    capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, 65535);
    const char *path = tmp_path("ts.pcap");
    capture_dumper *d = capture_dump_open(r, path);
    assert_non_null(d);
    const uint8_t data[2] = { 1, 2 };
    capture_pkthdr big = mkhdr(4294967296LL, 0, 2, 2);
    capture_pkthdr neg = mkhdr(-1, 0, 2, 2);
    capture_pkthdr badns = mkhdr(5, 1000000000u, 2, 2);
    capture_pkthdr good = mkhdr(7, 0, 2, 2);
    assert_int_equal(capture_dump(d, &big, data), CAPTURE_ERROR);
    assert_non_null(strstr(capture_dump_geterr(d), "32-bit"));
    assert_non_null(strstr(capture_dump_geterr(d), "4294967296"));
    assert_int_equal(capture_dump(d, &neg, data), CAPTURE_ERROR);
    assert_int_equal(capture_dump(d, &badns, data), CAPTURE_ERROR);
    assert_int_equal(capture_dump_ftell(d), 24);
    assert_int_equal(capture_dump(d, &good, data), 0);
    char err[CAPTURE_ERRBUF_SIZE];
    assert_int_equal(capture_dump_close_errbuf(d, err), CAPTURE_ERROR);
    assert_non_null(strstr(err, "refused"));
    size_t n;
    uint8_t *b = lcap_test_slurp(path, &n);
    assert_int_equal(n, 24 + 16 + 2);
    assert_int_equal(u32(b + 24), 7);
    free(b);
    capture_close(r);
}

/* A full device: open works, the loss shows at flush, later dumps and close. */
static void dev_full_flush(void **state)
{
    (void)state;
    capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, 65535);
    capture_dumper *d = capture_dump_open(r, "/dev/full");
    assert_non_null(d);
    uint8_t pkt[60] = { 0 };
    capture_pkthdr h = mkhdr(1, 0, 60, 60);
    assert_int_equal(capture_dump(d, &h, pkt), 0); /* still in the buffer */
    assert_int_equal(capture_dump_flush(d), CAPTURE_ERROR);
    assert_non_null(strstr(capture_dump_geterr(d), "No space left on device"));
    assert_non_null(strstr(capture_dump_geterr(d), "/dev/full"));
    assert_int_equal(capture_dump(d, &h, pkt), CAPTURE_ERROR);
    assert_int_equal(capture_dump_flush(d), CAPTURE_ERROR);
    assert_int_equal(capture_dump_ftell(d), CAPTURE_ERROR);
    char err[CAPTURE_ERRBUF_SIZE];
    assert_int_equal(capture_dump_close_errbuf(d, err), CAPTURE_ERROR);
    assert_non_null(strstr(err, "No space left on device"));
    capture_close(r);
}

static void dev_full_dump_and_close(void **state)
{
    (void)state;
    capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, 65535);
    /* Enough records to overflow the buffer: a dump itself reports the loss. */
    capture_dumper *d = capture_dump_open(r, "/dev/full");
    assert_non_null(d);
    uint8_t pkt[1500] = { 0 };
    capture_pkthdr h = mkhdr(1, 0, 1500, 1500);
    int rc = 0, i;
    for (i = 0; i < 1000 && rc == 0; i++)
        rc = capture_dump(d, &h, pkt);
    assert_int_equal(rc, CAPTURE_ERROR);
    assert_true(i < 1000);
    assert_non_null(strstr(capture_dump_geterr(d), "No space left on device"));
    assert_int_equal(capture_dump_close(d), CAPTURE_ERROR);
    /* Nothing but the header, and only close to notice. */
    d = capture_dump_open(r, "/dev/full");
    assert_non_null(d);
    char err[CAPTURE_ERRBUF_SIZE];
    assert_int_equal(capture_dump_close_errbuf(d, err), CAPTURE_ERROR);
    assert_non_null(strstr(err, "No space left on device"));
    capture_close(r);
}

static void missing_directory(void **state)
{
    (void)state;
    capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, 65535);
    const char *path = tmp_path("no/such/dir/out.pcap");
    assert_null(capture_dump_open(r, path));
    assert_non_null(strstr(capture_geterr(r), "No such file or directory"));
    assert_non_null(strstr(capture_geterr(r), "no/such/dir/out.pcap"));
    assert_null(capture_dump_open(r, NULL));
    capture_close(r);
    assert_int_equal(capture_dump_close(NULL), 0);
}

/* "-" writes to file descriptor 1 and leaves it open. */
static void to_stdout(void **state)
{
    (void)state;
    const char *path = tmp_path("stdout.pcap");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
    close(fd);

    capture_reader *r = capture_open_dead(CAPTURE_DLT_LINUX_SLL, 9000);
    capture_dumper *d = capture_dump_open(r, "-");
    int opened = d != NULL;
    int rc1 = -5, rc2 = -5, still_open = 0;
    if (d != NULL) {
        capture_pkthdr h = mkhdr(100, 5000, 3, 3);
        rc1 = capture_dump(d, &h, (const uint8_t *)"abc");
        rc2 = capture_dump_close(d);
        still_open = fcntl(STDOUT_FILENO, F_GETFD) != -1;
    }
    dup2(saved, STDOUT_FILENO);
    close(saved);
    capture_close(r);

    assert_true(opened);
    assert_int_equal(rc1, 0);
    assert_int_equal(rc2, 0);
    assert_true(still_open);
    size_t n;
    uint8_t *b = lcap_test_slurp(path, &n);
    assert_int_equal(n, 24 + 16 + 3);
    assert_int_equal(u32(b), 0xa1b2c3d4u);
    assert_int_equal(u32(b + 16), 9000);
    assert_int_equal(u32(b + 20), 113);
    assert_int_equal(u32(b + 24), 100);
    assert_int_equal(u32(b + 28), 5);
    assert_memory_equal(b + 40, "abc", 3);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_micro),
        cmocka_unit_test(header_nano_and_linktype),
        cmocka_unit_test(fcs_bits_kept),
        cmocka_unit_test(dlt_without_linktype),
        cmocka_unit_test(micro_records_and_ftell),
        cmocka_unit_test(big_and_many),
        cmocka_unit_test(timestamp_refused),
        cmocka_unit_test(caplen_refused),
        cmocka_unit_test(dump_handler_copies),
        cmocka_unit_test(dev_full_flush),
        cmocka_unit_test(dev_full_dump_and_close),
        cmocka_unit_test(missing_directory),
        cmocka_unit_test(to_stdout),
    };
    return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
