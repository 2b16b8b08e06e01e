/* savefile_diff.c - differential test: every test savefile must read the same
 * through libcapture as through libpcap (open result, link facts, every packet,
 * and how the file ends).
 *
 * usage: savefile_diff pcap|pcapng|all [file...]
 * The selector picks files by their first four bytes, not their names. With no
 * files given, every file under $LCAP_TESTDATA/captures and
 * $LCAP_TESTDATA/conformance/savefiles is examined. Exit status 0 when all agree. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "testutil.h"

enum kind { K_OTHER, K_PCAP, K_PCAPNG };

struct totals {
    int examined, selected, other, agreed, mismatched, both_failed_open;
    int ended_error, sec_wraps, frac_wraps;
    long packets;
};

/* Print at most this many mismatching fields per file, then move on. */
#define MAX_REPORTS_PER_FILE 8

static enum kind classify(const char *path)
{
    static const uint8_t pcap_magics[][4] = {
        { 0xa1, 0xb2, 0xc3, 0xd4 }, { 0xd4, 0xc3, 0xb2, 0xa1 }, /* usec */
        { 0xa1, 0xb2, 0x3c, 0x4d }, { 0x4d, 0x3c, 0xb2, 0xa1 }, /* nsec */
        { 0xa1, 0xb2, 0xcd, 0x34 }, { 0x34, 0xcd, 0xb2, 0xa1 }, /* modified */
    };
    uint8_t m[4];
    FILE *f = fopen(path, "rb");
    size_t got;

    if (f == NULL)
        return K_OTHER;
    got = fread(m, 1, 4, f);
    fclose(f);
    if (got != 4)
        return K_OTHER;
    if (m[0] == 0x0a && m[1] == 0x0d && m[2] == 0x0d && m[3] == 0x0a)
        return K_PCAPNG;
    for (size_t i = 0; i < sizeof(pcap_magics) / sizeof(pcap_magics[0]); i++)
        if (memcmp(m, pcap_magics[i], 4) == 0)
            return K_PCAP;
    return K_OTHER;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Our error text must say something and point at the file or a position in it. */
static int message_ok(const char *msg, const char *path)
{
    if (msg == NULL || msg[0] == '\0')
        return 0;
    return strstr(msg, base_name(path)) != NULL || strstr(msg, "offset") != NULL;
}

#define REPORT(...)                                                     \
    do {                                                                \
        if (reports++ < MAX_REPORTS_PER_FILE) {                         \
            printf("MISMATCH %s: ", path);                              \
            printf(__VA_ARGS__);                                        \
            printf("\n");                                               \
        }                                                               \
    } while (0)

/* capture_loop() hands over what capture_next() gives: each packet its
 * callback sees is compared with the next one of a second reader. */
struct loop_check {
    capture_reader *other;
    long packets, bad;
};

static void loop_cb(void *user, const capture_pkthdr *h, const uint8_t *data)
{
    struct loop_check *lc = user;
    capture_pkthdr oh;
    const uint8_t *od;

    lc->packets++;
    if (capture_next(lc->other, &oh, &od) != 1 || oh.ts_sec != h->ts_sec ||
        oh.ts_nsec != h->ts_nsec || oh.caplen != h->caplen || oh.len != h->len ||
        memcmp(od, data, h->caplen) != 0)
        lc->bad++;
}

/* 0 when capture_loop and capture_next agree on every packet and the end. */
static int loop_agrees(const char *path)
{
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_open_offline(path, err);
    struct loop_check lc = { capture_open_offline(path, err), 0, 0 };
    capture_pkthdr h;
    const uint8_t *d;
    int bad = 1;

    if (r != NULL && lc.other != NULL) {
        int lrc = capture_loop(r, -1, loop_cb, &lc);
        int nrc = capture_next(lc.other, &h, &d);
        bad = lc.bad != 0 || (lrc == 0 ? nrc != CAPTURE_EOF : nrc != CAPTURE_ERROR) ||
              (lrc != 0 && strcmp(capture_geterr(r), capture_geterr(lc.other)) != 0);
    }
    capture_close(r);
    capture_close(lc.other);
    return bad;
}

/* Compares one file; returns the number of disagreements found. */
static int compare_file(const char *path, enum kind kind, struct totals *t)
{
    char perr[PCAP_ERRBUF_SIZE] = "", cerr[CAPTURE_ERRBUF_SIZE] = "";
    int reports = 0;
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
    capture_reader *r = capture_open_offline(path, cerr);

    if (p == NULL || r == NULL) {
        if (p == NULL && r == NULL) {
            t->both_failed_open++;
            if (!message_ok(cerr, path))
                REPORT("open: our error message does not name the file or offset: \"%s\"", cerr);
        } else if (p == NULL) {
            REPORT("open: libpcap fails (%s) but we open it", perr);
        } else {
            REPORT("open: libpcap opens it but we fail (%s)", cerr);
        }
        if (p)
            pcap_close(p);
        capture_close(r);
        return reports;
    }

    if (pcap_datalink(p) != capture_datalink(r))
        REPORT("datalink: ours %d, libpcap %d", capture_datalink(r), pcap_datalink(p));
    if (pcap_snapshot(p) != capture_snapshot(r))
        REPORT("snapshot: ours %d, libpcap %d", capture_snapshot(r), pcap_snapshot(p));

    for (long i = 0;; i++) {
        struct pcap_pkthdr *ph;
        const u_char *pd;
        capture_pkthdr ch;
        const uint8_t *cd;
        int prc = pcap_next_ex(p, &ph, &pd);
        int crc = capture_next(r, &ch, &cd);

        if (prc != 1 || crc != 1) {
            const char *pend = prc == 1 ? "a packet" : prc == PCAP_ERROR_BREAK ? "end of file" : "an error";
            const char *cend = crc == 1 ? "a packet" : crc == CAPTURE_EOF ? "end of file" : "an error";
            if (prc != crc || (prc != PCAP_ERROR_BREAK && prc != PCAP_ERROR))
                REPORT("packet %ld: ours gives %s (%s), libpcap %s (%s)", i, cend,
                       crc == CAPTURE_ERROR ? capture_geterr(r) : "-", pend,
                       prc == PCAP_ERROR ? pcap_geterr(p) : "-");
            if (crc == CAPTURE_ERROR) {
                t->ended_error++;
                if (!message_ok(capture_geterr(r), path))
                    REPORT("packet %ld: our error message does not name the file or offset: \"%s\"", i,
                           capture_geterr(r));
            }
            break;
        }
        t->packets++;

        /* libpcap reads a pcap record's seconds as signed 32 bits; we read
         * them unsigned (a documented difference), so compare modulo 2^32. */
        int64_t psec = (int64_t)ph->ts.tv_sec;
        if (kind == K_PCAP && psec < 0) {
            psec += (int64_t)1 << 32;
            t->sec_wraps++;
        }
        /* It also reads the sub-second field as signed in files of this
         * host's byte order; we read it unsigned (documented likewise). */
        __int128 psub = (__int128)ph->ts.tv_usec;
        if (kind == K_PCAP && psub < 0) {
            psub += (__int128)((int64_t)1 << 32) *
                    (capture_get_tstamp_precision(r) == CAPTURE_TSTAMP_PRECISION_NANO ? 1 : 1000);
            t->frac_wraps++;
        }
        __int128 ptotal = (__int128)psec * 1000000000 + psub;
        __int128 ctotal = (__int128)ch.ts_sec * 1000000000 + (__int128)ch.ts_nsec;
        if (ptotal != ctotal)
            REPORT("packet %ld: timestamp: ours %" PRId64 ".%09" PRIu32 ", libpcap %" PRId64 " s + %ld ns",
                   i, ch.ts_sec, ch.ts_nsec, (int64_t)ph->ts.tv_sec, (long)ph->ts.tv_usec);
        if (ch.ts_nsec >= 1000000000u)
            REPORT("packet %ld: timestamp: our ts_nsec %" PRIu32 " is not below 10^9", i, ch.ts_nsec);
        if (ph->caplen != ch.caplen)
            REPORT("packet %ld: caplen: ours %" PRIu32 ", libpcap %u", i, ch.caplen, ph->caplen);
        if (ph->len != ch.len)
            REPORT("packet %ld: len: ours %" PRIu32 ", libpcap %u", i, ch.len, ph->len);
        if (ph->caplen == ch.caplen && ch.caplen > 0 && memcmp(pd, cd, ch.caplen) != 0) {
            size_t at = 0;
            while (pd[at] == cd[at])
                at++;
            REPORT("packet %ld: bytes differ from byte %zu (ours 0x%02x, libpcap 0x%02x)", i, at,
                   cd[at], pd[at]);
        }
        if (reports >= MAX_REPORTS_PER_FILE)
            break; /* this file is hopeless; do not flood the log */
    }
    pcap_close(p);
    capture_close(r);
    if (loop_agrees(path))
        REPORT("capture_loop and capture_next disagree");
    if (reports > MAX_REPORTS_PER_FILE)
        printf("MISMATCH %s: ... %d more\n", path, reports - MAX_REPORTS_PER_FILE);
    return reports;
}

/* Appends the files of dir, sorted, to *list. */
static int add_dir(const char *dir, char ***list, size_t *n)
{
    if (lcap_test_list_dir(dir, list, n) < 0) {
        printf("FAIL cannot open directory %s\n", dir);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct totals t = { 0 };
    char **files = NULL;
    size_t n = 0;
    int want_pcap, want_pcapng;

    if (argc < 2 || (strcmp(argv[1], "pcap") != 0 && strcmp(argv[1], "pcapng") != 0 &&
                     strcmp(argv[1], "all") != 0)) {
        fprintf(stderr, "usage: %s pcap|pcapng|all [file...]\n", argv[0]);
        return 2;
    }
    want_pcap = strcmp(argv[1], "pcapng") != 0;
    want_pcapng = strcmp(argv[1], "pcap") != 0;

    if (argc > 2) {
        files = calloc((size_t)argc, sizeof(*files));
        if (files == NULL)
            return 2;
        for (int i = 2; i < argc; i++)
            files[n++] = strdup(argv[i]);
    } else {
        char dir[4096];
        if (lcap_test_data(dir, sizeof(dir), "captures") == NULL || add_dir(dir, &files, &n) < 0)
            return 1;
        if (lcap_test_data(dir, sizeof(dir), "conformance/savefiles") == NULL ||
            add_dir(dir, &files, &n) < 0)
            return 1;
    }

    for (size_t i = 0; i < n; i++) {
        enum kind k = classify(files[i]);
        t.examined++;
        if (k == K_OTHER) {
            t.other++;
        } else if ((k == K_PCAP && want_pcap) || (k == K_PCAPNG && want_pcapng)) {
            t.selected++;
            if (compare_file(files[i], k, &t) == 0)
                t.agreed++;
            else
                t.mismatched++;
        }
        free(files[i]);
    }
    free(files);

    printf("summary (%s): %d files examined, %d not savefiles, %d selected; %d agree, %d disagree; "
           "%ld packets compared, %d files both refuse to open, %d end in an error, "
           "%d timestamps compared modulo 2^32 seconds, %d with libpcap's negative sub-second field read unsigned\n",
           argv[1], t.examined, t.other, t.selected, t.agreed, t.mismatched, t.packets,
           t.both_failed_open, t.ended_error, t.sec_wraps, t.frac_wraps);
    if (t.selected == 0) {
        printf("FAIL no savefile was selected\n");
        return 1;
    }
    return t.mismatched == 0 ? 0 : 1;
}
