/* dump_interop.c - interop test of the pcap writer: test captures read by
 * libpcap, written by capture_dump, then read back by libpcap and by tshark,
 * must give the same packets, timestamps, lengths, link type and snaplen.
 *
 * usage: dump_interop [capture...]  (default: a fixed set from $LCAP_TESTDATA/captures,
 * covering both byte orders, micro and nano files and several link types). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "testpkts.h"
#include "testutil.h"

static const char *const default_files[] = {
    "afs.pcap",                      /* Ethernet, 600 packets */
    "huge-tipc-messages.pcap",       /* Ethernet, large records */
    "tcp-handshake-nano.pcap",       /* Linux cooked, nanosecond magic */
    "LINKTYPE_RAW_ipv4.pcap",        /* LINKTYPE 101 = DLT_RAW 12 */
    "ipoib.pcap",                    /* big-endian file, IP over InfiniBand */
    "802_15_4_beacon.pcap",          /* big-endian, 802.15.4 */
    "ppp_ip_udp_dns.pcap",           /* PPP in HDLC framing, odd snaplen */
};

static int file_is_nano(const char *path)
{
    uint8_t m[4] = { 0 };
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    size_t got = fread(m, 1, 4, f);
    fclose(f);
    return got == 4 && ((m[0] == 0xa1 && m[1] == 0xb2 && m[2] == 0x3c && m[3] == 0x4d) ||
                        (m[0] == 0x4d && m[1] == 0x3c && m[2] == 0xb2 && m[3] == 0xa1));
}

/* Reads every packet libpcap gives for path at the given precision. */
static int load(const char *path, int precision, lcap_test_pkts *c)
{
    if (lcap_test_read_libpcap(path, precision, c) < 0) {
        FAIL("%s: libpcap cannot open it: %s", path, c->err);
        return -1;
    }
    if (c->end == PCAP_ERROR) /* a damaged tail: we compare what libpcap could read */
        fprintf(stderr, "%s: note: libpcap stopped early: %s\n", path, c->err);
    return 0;
}

static int write_ours(const lcap_test_pkts *c, const char *out)
{
    capture_reader *r = capture_open_dead_with_tstamp_precision(c->dlt, c->snaplen, c->prec);
    if (r == NULL) {
        FAIL("%s: capture_open_dead_with_tstamp_precision failed", out);
        return -1;
    }
    capture_dumper *d = capture_dump_open(r, out);
    if (d == NULL) {
        FAIL("%s: capture_dump_open: %s", out, capture_geterr(r));
        capture_close(r);
        return -1;
    }
    for (size_t i = 0; i < c->n; i++) {
        if (capture_dump(d, &c->p[i].h, c->p[i].data) != 0)
            FAIL("%s: capture_dump of packet %zu: %s", out, i + 1, capture_dump_geterr(d));
    }
    char err[CAPTURE_ERRBUF_SIZE];
    if (capture_dump_close_errbuf(d, err) != 0)
        FAIL("%s: capture_dump_close: %s", out, err);
    capture_close(r);
    return 0;
}

static void compare_libpcap(const char *name, const lcap_test_pkts *a, const lcap_test_pkts *b)
{
    if (a->dlt != b->dlt)
        FAIL("%s: DLT %d became %d", name, a->dlt, b->dlt);
    /* capture_open_dead() bounds snapshot lengths to 262144 (libpcap's
     * pcap_open_dead() does not), so a file claiming more comes back bounded. */
    int want = (a->snaplen > 0 && a->snaplen <= 262144) ? a->snaplen : 262144;
    if (want != b->snaplen)
        FAIL("%s: snaplen %d became %d", name, a->snaplen, b->snaplen);
    if (a->n != b->n) {
        FAIL("%s: %zu packets became %zu", name, a->n, b->n);
        return;
    }
    for (size_t i = 0; i < a->n; i++) {
        const capture_pkthdr *x = &a->p[i].h, *y = &b->p[i].h;
        if (x->ts_sec != y->ts_sec || x->ts_nsec != y->ts_nsec || x->caplen != y->caplen ||
            x->len != y->len || memcmp(a->p[i].data, b->p[i].data, x->caplen) != 0) {
            FAIL("%s: packet %zu differs: %" PRId64 ".%09u %u/%u vs %" PRId64 ".%09u %u/%u", name,
                 i + 1, x->ts_sec, x->ts_nsec, x->caplen, x->len, y->ts_sec, y->ts_nsec,
                 y->caplen, y->len);
            return;
        }
    }
}

/* tshark's view of our file must match what libpcap read from the original. */
static void compare_tshark(const char *name, const char *out, const lcap_test_pkts *a)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "tshark -r '%s' -T fields -e frame.time_epoch -e frame.len -e frame.cap_len 2>/dev/null",
             out);
    FILE *f = popen(cmd, "r");
    if (f == NULL) {
        FAIL("%s: cannot run tshark", name);
        return;
    }
    char line[256];
    size_t i = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (i >= a->n) {
            FAIL("%s: tshark reports more than %zu packets", name, a->n);
            break;
        }
        const capture_pkthdr *x = &a->p[i].h;
        char want[128];
        snprintf(want, sizeof want, "%" PRId64 ".%09u\t%u\t%u\n", x->ts_sec, x->ts_nsec, x->len,
                 x->caplen);
        if (strcmp(line, want) != 0) {
            FAIL("%s: packet %zu: tshark says \"%.*s\", expected \"%.*s\"", name, i + 1,
                 (int)strcspn(line, "\n"), line, (int)strcspn(want, "\n"), want);
            break;
        }
        i++;
    }
    int st = pclose(f);
    if (st != 0)
        FAIL("%s: tshark exited with status %d on our file", name, st);
    if (i != a->n)
        FAIL("%s: tshark read %zu of %zu packets", name, i, a->n);
}

int main(int argc, char **argv)
{
    const char *build = getenv("LCAP_BUILD");
    char out[4096];
    snprintf(out, sizeof out, "%s/dump_interop.%ld.pcap", build ? build : "/tmp", (long)getpid());
    size_t nfiles = argc > 1 ? (size_t)(argc - 1) : sizeof(default_files) / sizeof(default_files[0]);
    long packets = 0;

    for (size_t k = 0; k < nfiles; k++) {
        char path[4096];
        if (argc > 1)
            snprintf(path, sizeof path, "%s", argv[k + 1]);
        else {
            char rel[256];
            snprintf(rel, sizeof rel, "captures/%s", default_files[k]);
            if (lcap_test_data(path, sizeof path, rel) == NULL)
                return 1;
        }
        int prec = file_is_nano(path) ? CAPTURE_TSTAMP_PRECISION_NANO : CAPTURE_TSTAMP_PRECISION_MICRO;
        lcap_test_pkts orig, back;
        if (load(path, prec, &orig) < 0)
            continue;
        if (orig.n == 0)
            FAIL("%s: no packets: choose another file", path);
        if (write_ours(&orig, out) == 0 && load(out, prec, &back) == 0) {
            compare_libpcap(path, &orig, &back);
            lcap_test_pkts_free(&back);
            compare_tshark(path, out, &orig);
        }
        packets += (long)orig.n;
        lcap_test_pkts_free(&orig);
    }
    remove(out);
    printf("dump_interop: %zu files, %ld packets rewritten, %d mismatches\n", nfiles, packets,
           lcap_test_failures);
    return lcap_test_failures == 0 ? 0 : 1;
}
