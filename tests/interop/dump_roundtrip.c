/* dump_roundtrip.c - every test savefile read by libcapture, written through
 * capture_dump_open(reader), then read back by libcapture and by libpcap: the
 * same packets, link type (and FCS bits), snaplen and timestamp precision.
 *
 * usage: dump_roundtrip [file...]  (default: every file of $LCAP_TESTDATA/captures). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "testutil.h"

struct totals {
    int files, unopened, rewritten;
    long packets, refused;
};

static int refusable(const capture_pkthdr *h)
{
    return h->ts_sec < 0 || h->ts_sec > (int64_t)UINT32_MAX;
}

/* Writes every packet of in to out; returns the packets written, -1 on failure. */
static long rewrite(const char *path, const char *out, struct totals *t)
{
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_open_offline(path, err);
    if (r == NULL) {
        t->unopened++;
        return -1;
    }
    capture_dumper *d = capture_dump_open(r, out);
    if (d == NULL) {
        /* Only a link type with no LINKTYPE value may stop us. */
        if (strstr(capture_geterr(r), "LINKTYPE") == NULL)
            FAIL("%s: capture_dump_open: %s", path, capture_geterr(r));
        capture_close(r);
        return -1;
    }
    capture_pkthdr h;
    const uint8_t *data;
    long n = 0, refused = 0;
    while (capture_next(r, &h, &data) == 1) {
        int rc = capture_dump(d, &h, data);
        if (refusable(&h)) {
            if (rc != CAPTURE_ERROR)
                FAIL("%s: a timestamp of %" PRId64 " s was not refused", path, h.ts_sec);
            refused++;
        } else if (rc != 0) {
            FAIL("%s: capture_dump: %s", path, capture_dump_geterr(d));
        } else {
            n++;
        }
    }
    int rc = capture_dump_close_errbuf(d, err);
    if (rc != (refused ? CAPTURE_ERROR : 0))
        FAIL("%s: capture_dump_close returned %d: %s", path, rc, err);
    capture_close(r);
    t->refused += refused;
    return n;
}

/* Re-reads the original and compares it with both readers of our file. */
static void compare(const char *path, const char *out, long written, struct totals *t)
{
    char err[CAPTURE_ERRBUF_SIZE], eb[PCAP_ERRBUF_SIZE];
    capture_reader *a = capture_open_offline(path, err);
    capture_reader *b = capture_open_offline(out, err);
    if (a == NULL || b == NULL) {
        FAIL("%s: reopening: %s", path, err);
        capture_close(a);
        capture_close(b);
        return;
    }
    int nano = capture_get_tstamp_precision(a) == CAPTURE_TSTAMP_PRECISION_NANO;
    pcap_t *p = pcap_open_offline_with_tstamp_precision(
        out, nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO, eb);
    if (p == NULL) {
        FAIL("%s: libpcap cannot read our copy: %s", path, eb);
        goto done;
    }
    if (capture_datalink(a) != capture_datalink(b) || capture_datalink(a) != pcap_datalink(p))
        FAIL("%s: DLT %d, ours reads back %d, libpcap %d", path, capture_datalink(a),
             capture_datalink(b), pcap_datalink(p));
    if (capture_snapshot(a) != capture_snapshot(b) || capture_snapshot(a) != pcap_snapshot(p))
        FAIL("%s: snaplen %d, ours reads back %d, libpcap %d", path, capture_snapshot(a),
             capture_snapshot(b), pcap_snapshot(p));
    if ((capture_datalink_ext(a) & 0xf4000000u) != capture_datalink_ext(b))
        FAIL("%s: link-type bits %#x read back as %#x", path, capture_datalink_ext(a),
             capture_datalink_ext(b));
    if (capture_get_tstamp_precision(a) != capture_get_tstamp_precision(b))
        FAIL("%s: precision %d read back as %d", path, capture_get_tstamp_precision(a),
             capture_get_tstamp_precision(b));

    capture_pkthdr ha, hb;
    const uint8_t *da, *db;
    long i = 0;
    while (capture_next(a, &ha, &da) == 1) {
        if (refusable(&ha))
            continue;
        i++;
        if (capture_next(b, &hb, &db) != 1) {
            FAIL("%s: our copy ends before packet %ld: %s", path, i, capture_geterr(b));
            goto done;
        }
        uint32_t want_nsec = nano ? ha.ts_nsec : ha.ts_nsec / 1000 * 1000;
        if (ha.ts_sec != hb.ts_sec || want_nsec != hb.ts_nsec || ha.caplen != hb.caplen ||
            ha.len != hb.len || memcmp(da, db, ha.caplen) != 0) {
            FAIL("%s: packet %ld reads back differently", path, i);
            goto done;
        }
        struct pcap_pkthdr *ph;
        const u_char *pd;
        if (pcap_next_ex(p, &ph, &pd) != 1) {
            FAIL("%s: libpcap: our copy ends before packet %ld: %s", path, i, pcap_geterr(p));
            goto done;
        }
        /* libpcap reads the seconds field as signed, we as unsigned (to 2106). */
        if ((uint32_t)ph->ts.tv_sec != (uint32_t)ha.ts_sec ||
            (uint32_t)ph->ts.tv_usec != (nano ? ha.ts_nsec : ha.ts_nsec / 1000) ||
            ph->caplen != ha.caplen || ph->len != ha.len || memcmp(pd, da, ha.caplen) != 0) {
            FAIL("%s: libpcap reads packet %ld of our copy as %lld.%ld %u/%u, we read %" PRId64
                 ".%09u %u/%u", path, i, (long long)ph->ts.tv_sec, (long)ph->ts.tv_usec,
                 ph->caplen, ph->len, ha.ts_sec, ha.ts_nsec, ha.caplen, ha.len);
            goto done;
        }
    }
    if (i != written)
        FAIL("%s: wrote %ld packets, the second pass saw %ld", path, written, i);
    if (capture_next(b, &hb, &db) != CAPTURE_EOF)
        FAIL("%s: our copy has more than %ld packets or ends badly: %s", path, i, capture_geterr(b));
    struct pcap_pkthdr *ph;
    const u_char *pd;
    if (pcap_next_ex(p, &ph, &pd) != PCAP_ERROR_BREAK)
        FAIL("%s: libpcap: our copy does not end cleanly after %ld packets", path, i);
    t->packets += i;
    t->rewritten++;
done:
    if (p != NULL)
        pcap_close(p);
    capture_close(a);
    capture_close(b);
}

static void one(const char *path, const char *out, struct totals *t)
{
    t->files++;
    long n = rewrite(path, out, t);
    if (n >= 0)
        compare(path, out, n, t);
}

int main(int argc, char **argv)
{
    const char *build = getenv("LCAP_BUILD");
    char out[4096];
    struct totals t = { 0 };
    snprintf(out, sizeof out, "%s/dump_roundtrip.%ld.pcap", build ? build : "/tmp", (long)getpid());

    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            one(argv[i], out, &t);
    } else {
        char dir[4096];
        if (lcap_test_data(dir, sizeof dir, "captures") == NULL)
            return 1;
        char **paths = NULL;
        size_t n = 0;
        if (lcap_test_list_dir(dir, &paths, &n) < 0) {
            fprintf(stderr, "%s: cannot list\n", dir);
            lcap_test_free_list(paths, n);
            return 1;
        }
        for (size_t i = 0; i < n; i++)
            one(paths[i], out, &t);
        lcap_test_free_list(paths, n);
        if (t.rewritten < 700)
            FAIL("only %d files rewritten: the reader or the data set looks wrong", t.rewritten);
    }
    remove(out);
    printf("dump_roundtrip: %d files, %d rewritten and read back (%ld packets, %ld refused), %d not openable, %d mismatches\n",
           t.files, t.rewritten, t.packets, t.refused, t.unopened, lcap_test_failures);
    return lcap_test_failures == 0 ? 0 : 1;
}
