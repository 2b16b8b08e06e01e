/* savefile_harness.c - reads fuzzed bytes as a savefile through the public API
 * and traps on anything a caller could not rely on. */
#include "savefile_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"

/* Trap rather than abort: libFuzzer and the replay driver both report it. */
#define CHECK(cond)                  \
    do {                             \
        if (!(cond))                 \
            __builtin_trap();        \
    } while (0)

/* What one pass over the file saw; two passes must agree exactly. */
typedef struct pass {
    capture_reader *r;
    uint64_t packets;
    uint64_t max_packets; /* more records than bytes allow means a reader loop */
    uint64_t hash;
    uint32_t sum;         /* every byte is read so ASan sees any overrun */
} pass;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static void see_packet(pass *ps, const capture_pkthdr *h, const uint8_t *data)
{
    int snap = capture_snapshot(ps->r);

    CHECK(h->ts_nsec < 1000000000u);
    CHECK(snap > 0);
    CHECK(h->caplen <= (uint32_t)snap);
    CHECK(data != NULL || h->caplen == 0);
    CHECK(++ps->packets <= ps->max_packets);
    for (uint32_t i = 0; i < h->caplen; i++)
        ps->sum += data[i];
    ps->hash = mix(ps->hash, &h->ts_sec, sizeof(h->ts_sec));
    ps->hash = mix(ps->hash, &h->ts_nsec, sizeof(h->ts_nsec));
    ps->hash = mix(ps->hash, &h->caplen, sizeof(h->caplen));
    ps->hash = mix(ps->hash, &h->len, sizeof(h->len));
    ps->hash = mix(ps->hash, data, h->caplen);
}

static void loop_cb(void *user, const capture_pkthdr *h, const uint8_t *data)
{
    see_packet(user, h, data);
}

/* An error message must be one non-empty line inside the buffer. */
static void check_msg(const char *msg)
{
    size_t n = strnlen(msg, CAPTURE_ERRBUF_SIZE);
    CHECK(n > 0 && n < CAPTURE_ERRBUF_SIZE);
    CHECK(memchr(msg, '\n', n) == NULL);
}

static void check_reader_facts(capture_reader *r)
{
    int major = -1, minor = -1, swapped = -1;
    int prec = capture_get_tstamp_precision(r);

    CHECK(capture_snapshot(r) > 0);
    CHECK(prec == CAPTURE_TSTAMP_PRECISION_MICRO || prec == CAPTURE_TSTAMP_PRECISION_NANO);
    CHECK(capture_file_version(r, &major, &minor, &swapped) == 0);
    CHECK(swapped == 0 || swapped == 1);
    (void)capture_datalink_val_to_name(capture_datalink(r));
    (void)capture_datalink_ext(r);
}

static int memfd = -1;

/* The input as a regular file: one memfd, rewritten for every input. */
static void put_in_memfd(const uint8_t *data, size_t size, char *path, size_t pathsz)
{
    if (memfd < 0) {
        memfd = memfd_create("lcap-fuzz", MFD_CLOEXEC);
        CHECK(memfd >= 0);
    }
    CHECK(ftruncate(memfd, 0) == 0);
    for (size_t done = 0; done < size;) {
        ssize_t w = pwrite(memfd, data + done, size - done, (off_t)done);
        CHECK(w > 0);
        done += (size_t)w;
    }
    snprintf(path, pathsz, "/proc/self/fd/%d", memfd);
}

/* Pass 1: capture_next from the file until end or error. Returns the final code. */
static int pass_next(pass *ps, const char *path, size_t size)
{
    char errbuf[CAPTURE_ERRBUF_SIZE];
    capture_pkthdr h;
    const uint8_t *data;
    int rc;

    memset(errbuf, 'x', sizeof(errbuf)); /* unterminated garbage must be overwritten */
    ps->r = capture_open_offline(path, errbuf);
    if (ps->r == NULL) {
        check_msg(errbuf);
        return 2; /* open failed */
    }
    check_reader_facts(ps->r);
    ps->max_packets = size / 12 + 1;
    while ((rc = capture_next(ps->r, &h, &data)) == 1)
        see_packet(ps, &h, data);
    CHECK(rc == CAPTURE_EOF || rc == CAPTURE_ERROR);
    if (rc == CAPTURE_ERROR)
        check_msg(capture_geterr(ps->r));
    else
        CHECK(capture_next(ps->r, &h, &data) == CAPTURE_EOF); /* end stays the end */
    capture_close(ps->r);
    return rc;
}

/* Pass 2: capture_loop over standard input fed from a pipe (the streamed path),
 * when the whole input fits in the pipe. Returns the final code, or 3 if skipped. */
static int pass_loop_stdin(pass *ps, const uint8_t *data, size_t size)
{
    char errbuf[CAPTURE_ERRBUF_SIZE];
    int p[2], saved, rc;

    CHECK(pipe2(p, O_CLOEXEC) == 0);
    if (size > 65536 && (fcntl(p[1], F_SETPIPE_SZ, (int)(size < 1048576 ? size : 1048576)) < 0 ||
                         (size_t)fcntl(p[1], F_GETPIPE_SZ) < size)) {
        close(p[0]);
        close(p[1]);
        return 3;
    }
    for (size_t done = 0; done < size;) {
        ssize_t w = write(p[1], data + done, size - done);
        CHECK(w > 0);
        done += (size_t)w;
    }
    close(p[1]);
    saved = dup(STDIN_FILENO);
    CHECK(dup2(p[0], STDIN_FILENO) == STDIN_FILENO);
    close(p[0]);

    ps->r = capture_open_offline("-", errbuf);
    if (ps->r == NULL) {
        check_msg(errbuf);
        rc = 2;
    } else {
        check_reader_facts(ps->r);
        ps->max_packets = size / 12 + 1;
        rc = capture_loop(ps->r, -1, loop_cb, ps);
        CHECK(rc == 0 || rc == CAPTURE_ERROR);
        if (rc == 0)
            rc = CAPTURE_EOF;
        else
            check_msg(capture_geterr(ps->r));
        capture_close(ps->r);
    }
    if (saved >= 0) {
        dup2(saved, STDIN_FILENO);
        close(saved);
    } else {
        close(STDIN_FILENO);
    }
    return rc;
}

void lcap_fuzz_savefile(const uint8_t *data, size_t size)
{
    static int once;
    char path[64];
    pass a = { .hash = 0xcbf29ce484222325ull }, b = a;

    if (!once) {
        signal(SIGPIPE, SIG_IGN);
        once = 1;
    }
    put_in_memfd(data, size, path, sizeof(path));
    int rc_a = pass_next(&a, path, size);
    int rc_b = pass_loop_stdin(&b, data, size);
    if (rc_b != 3) {
        /* Same bytes, same packets, however they are read. */
        CHECK(rc_a == rc_b);
        CHECK(a.packets == b.packets);
        CHECK(a.hash == b.hash);
        CHECK(a.sum == b.sum);
    }
}
