/* savefile_harness.c - reads fuzzed bytes as a savefile through the public API
 * in four ways (next, loop from a pipe, filtered dispatch, a dumped copy) and
 * traps on anything a caller could not rely on. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "savefile_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"

/* Says which invariant broke (the optimiser merges trap sites, so a stack
 * alone can point at the wrong line), then traps for libFuzzer or the replay. */
static __attribute__((noinline, noreturn)) void check_failed(const char *what, int line)
{
    fprintf(stderr, "savefile_harness.c:%d: invariant broken: %s\n", line, what);
    __builtin_trap();
}

#define CHECK(cond)                          \
    do {                                     \
        if (!(cond))                         \
            check_failed(#cond, __LINE__);   \
    } while (0)

#define HASH_SEED 0xcbf29ce484222325ull

/* What one pass over the file saw; the passes must agree exactly. */
typedef struct pass {
    capture_reader *r;
    uint64_t packets;
    uint64_t max_packets; /* more records than bytes allow means a reader loop */
    uint64_t hash;
    uint32_t sum;         /* every byte is read so ASan sees any overrun */
    /* Pass 1 only: what the even-first-byte filter of pass 3 must deliver. */
    uint64_t accepted, accepted_hash;
    /* Pass 1 only: what the dumper was given and must give back. */
    capture_dumper *d;
    int dump_nano;
    int dump_ok;          /* a copy was written and can be read back */
    uint64_t dumped, dumped_hash;
} pass;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t hash_packet(uint64_t hash, const capture_pkthdr *h, const uint8_t *data)
{
    hash = mix(hash, &h->ts_sec, sizeof(h->ts_sec));
    hash = mix(hash, &h->ts_nsec, sizeof(h->ts_nsec));
    hash = mix(hash, &h->caplen, sizeof(h->caplen));
    hash = mix(hash, &h->len, sizeof(h->len));
    return mix(hash, data, h->caplen);
}

/* Pass 3's filter: ldb [0]; jset #1 -> reject; accept. Packets with no byte
 * or an odd first byte are rejected. */
static const struct capture_insn even_first_byte[] = {
    { 0x30, 0, 0, 0 },      /* ldb [0] */
    { 0x45, 0, 1, 1 },      /* jset #1, jt 2, jf 3 */
    { 0x06, 0, 0, 0 },      /* ret #0 */
    { 0x06, 0, 0, 262144 }, /* ret #262144 */
};

static int even_first(const capture_pkthdr *h, const uint8_t *data)
{
    return h->caplen >= 1 && (data[0] & 1) == 0;
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
    ps->hash = hash_packet(ps->hash, h, data);
    if (even_first(h, data)) {
        ps->accepted++;
        ps->accepted_hash = hash_packet(ps->accepted_hash, h, data);
    }
    if (ps->d != NULL && capture_dump(ps->d, h, data) == 0) {
        /* The copy comes back at the precision the dumper writes. */
        capture_pkthdr t = *h;
        if (!ps->dump_nano)
            t.ts_nsec -= t.ts_nsec % 1000;
        ps->dumped++;
        ps->dumped_hash = hash_packet(ps->dumped_hash, &t, data);
    }
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

static int memfd = -1, dump_memfd = -1;

/* The input as a regular file: one memfd, rewritten for every input. */
static void put_in_memfd(const uint8_t *data, size_t size, char *path, size_t pathsz)
{
    if (memfd < 0) {
        memfd = memfd_create("lcap-fuzz", MFD_CLOEXEC);
        dump_memfd = memfd_create("lcap-fuzz-dump", MFD_CLOEXEC);
        CHECK(memfd >= 0 && dump_memfd >= 0);
    }
    CHECK(ftruncate(memfd, 0) == 0);
    for (size_t done = 0; done < size;) {
        ssize_t w = pwrite(memfd, data + done, size - done, (off_t)done);
        CHECK(w > 0);
        done += (size_t)w;
    }
    snprintf(path, pathsz, "/proc/self/fd/%d", memfd);
}

/* Pass 1: capture_next from the file until end or error, writing every
 * packet to a pcap file with capture_dump. Returns the final code. */
static int pass_next(pass *ps, const char *path, size_t size, const char *dump_path)
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
    ps->dump_nano = capture_get_tstamp_precision(ps->r) == CAPTURE_TSTAMP_PRECISION_NANO;
    ps->d = capture_dump_open(ps->r, dump_path);
    if (ps->d == NULL)
        check_msg(capture_geterr(ps->r)); /* a DLT with no LINKTYPE to write */
    while ((rc = capture_next(ps->r, &h, &data)) == 1)
        see_packet(ps, &h, data);
    CHECK(rc == CAPTURE_EOF || rc == CAPTURE_ERROR);
    if (rc == CAPTURE_ERROR)
        check_msg(capture_geterr(ps->r));
    else
        CHECK(capture_next(ps->r, &h, &data) == CAPTURE_EOF); /* end stays the end */
    if (ps->d != NULL) {
        int refused = ps->dumped != ps->packets;
        CHECK(capture_dump_close(ps->d) == (refused ? CAPTURE_ERROR : 0));
        ps->d = NULL;
        ps->dump_ok = 1;
    }
    capture_close(ps->r);
    return rc;
}

/* Pass 4: the file pass 1 wrote holds exactly the packets it was given. */
static void pass_dumped(const pass *a, const char *dump_path)
{
    char errbuf[CAPTURE_ERRBUF_SIZE];
    capture_pkthdr h;
    const uint8_t *data;
    pass c = { .hash = HASH_SEED };
    int rc;

    c.r = capture_open_offline(dump_path, errbuf);
    CHECK(c.r != NULL);
    c.max_packets = a->dumped;
    while ((rc = capture_next(c.r, &h, &data)) == 1)
        see_packet(&c, &h, data);
    CHECK(rc == CAPTURE_EOF);
    CHECK(c.packets == a->dumped);
    CHECK(c.hash == a->dumped_hash);
    capture_close(c.r);
}

static void dispatch_cb(void *user, const capture_pkthdr *h, const uint8_t *data)
{
    pass *ps = user;
    CHECK(even_first(h, data)); /* the filter let nothing else through */
    see_packet(ps, h, data);
}

/* Pass 3: capture_dispatch in small batches from the file, through a filter.
 * Returns the final code as pass 1 reports it. */
static int pass_dispatch(pass *ps, const char *path, size_t size, int batch)
{
    static capture_bpf *prog;
    char errbuf[CAPTURE_ERRBUF_SIZE];
    int n;

    if (prog == NULL) {
        prog = capture_bpf_from_insns(even_first_byte,
                                      sizeof(even_first_byte) / sizeof(even_first_byte[0]), errbuf);
        CHECK(prog != NULL);
    }
    ps->r = capture_open_offline(path, errbuf);
    if (ps->r == NULL)
        return 2;
    CHECK(capture_setfilter_bpf(ps->r, prog) == 0);
    ps->max_packets = size / 12 + 1;
    while ((n = capture_dispatch(ps->r, batch, dispatch_cb, ps)) > 0)
        CHECK(n <= batch);
    CHECK(n == 0 || n == CAPTURE_ERROR);
    capture_close(ps->r);
    return n == 0 ? CAPTURE_EOF : CAPTURE_ERROR;
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
    char path[64], dump_path[64];
    pass a = { .hash = HASH_SEED, .accepted_hash = HASH_SEED, .dumped_hash = HASH_SEED };
    pass b = { .hash = HASH_SEED }, c = b;

    if (!once) {
        signal(SIGPIPE, SIG_IGN);
        once = 1;
    }
    put_in_memfd(data, size, path, sizeof(path));
    snprintf(dump_path, sizeof(dump_path), "/proc/self/fd/%d", dump_memfd);
    int rc_a = pass_next(&a, path, size, dump_path);
    if (rc_a == 2)
        return; /* not a savefile: nothing more to compare */
    if (a.dump_ok)
        pass_dumped(&a, dump_path);

    /* Same bytes, same packets, however they are read. */
    int rc_b = pass_loop_stdin(&b, data, size);
    if (rc_b != 3) {
        CHECK(rc_a == rc_b);
        CHECK(a.packets == b.packets);
        CHECK(a.hash == b.hash);
        CHECK(a.sum == b.sum);
    }
    int rc_c = pass_dispatch(&c, path, size, 1 + (int)(size % 5));
    CHECK(rc_c == rc_a);
    CHECK(c.packets == a.accepted);
    CHECK(c.hash == a.accepted_hash);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcap_fuzz_savefile(data, size);
    return 0;
}
