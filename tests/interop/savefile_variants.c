/* savefile_variants.c - a few test captures rewritten at test time (editcap
 * to pcapng, nanosecond, modified and plain pcap; tshark to pcapng; our
 * byte-swapping converter) must read through libcapture exactly like the
 * original, to the timestamp precision the variant keeps, and exactly as
 * libpcap reads the variant.
 *
 * usage: savefile_variants SWAP_SCRIPT   (LCAP_TESTDATA, LCAP_BUILD from the env) */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "testpkts.h"
#include "testutil.h"

/* Chosen for variety: pcapng in microseconds (many packets, statistics
 * blocks), pcapng in nanoseconds with an unusual DLT, packets cut by a
 * 20-byte snaplen, a nanosecond pcap of LINUX_SLL, a large microsecond pcap
 * and one of jumbo packets. */
static const char *const captures[] = {
    "of13_ericsson.pcapng", "vsock-1.pcapng", "msnlb2.pcapng",
    "tcp-handshake-nano.pcap", "afs.pcap", "huge-tipc-messages.pcap",
};

/* The whole file through libcapture; 0, or -1 (reported) if it does not read cleanly. */
static int read_ours(const char *path, lcap_test_pkts *cr)
{
    if (lcap_test_read_ours(path, cr) < 0) {
        FAIL("%s: libcapture cannot open it: %s", path, cr->err);
        return -1;
    }
    if (cr->end != CAPTURE_EOF)
        FAIL("%s: libcapture ends with %d after %zu packets: %s", path, cr->end, cr->n, cr->err);
    return cr->end == CAPTURE_EOF ? 0 : -1;
}

/* The same file through libpcap, with nanosecond timestamps. */
static int read_libpcap(const char *path, lcap_test_pkts *cr)
{
    if (lcap_test_read_libpcap(path, CAPTURE_TSTAMP_PRECISION_NANO, cr) < 0) {
        FAIL("%s: libpcap cannot open it: %s", path, cr->err);
        return -1;
    }
    if (cr->end != PCAP_ERROR_BREAK)
        FAIL("%s: libpcap ends with %d after %zu packets: %s", path, cr->end, cr->n, cr->err);
    return 0;
}

/* Packets equal; timestamps compared in units of gran nanoseconds. */
static void compare(const char *what, const lcap_test_pkts *a, const lcap_test_pkts *b,
                    uint32_t gran)
{
    int reported = 0;

    if (a->n != b->n)
        FAIL("%s: %zu packets against %zu", what, a->n, b->n);
    for (size_t i = 0; i < a->n && i < b->n && reported < 5; i++) {
        const capture_pkthdr *x = &a->p[i].h, *y = &b->p[i].h;
        if (x->ts_sec != y->ts_sec || x->ts_nsec / gran != y->ts_nsec / gran) {
            FAIL("%s: packet %zu: timestamp %lld.%09u against %lld.%09u (compared to %u ns)", what,
                 i, (long long)x->ts_sec, x->ts_nsec, (long long)y->ts_sec, y->ts_nsec, gran);
            reported++;
        } else if (x->caplen != y->caplen || x->len != y->len) {
            FAIL("%s: packet %zu: lengths %u/%u against %u/%u", what, i, x->caplen, x->len,
                 y->caplen, y->len);
            reported++;
        } else if (memcmp(a->p[i].data, b->p[i].data, x->caplen) != 0) {
            FAIL("%s: packet %zu: the bytes differ", what, i);
            reported++;
        }
    }
}

/* Runs argv with its output discarded; 0 when it exits with status 0. */
static int run(char *const argv[])
{
    pid_t pid = fork();
    int status;

    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

enum { V_EDITCAP, V_TSHARK, V_SWAP };

/* One way of rewriting a file: how, from which file (0 the original, else a
 * variant made before), and whether the byte order flips. */
static const struct variant {
    const char *suffix;
    int how;
    const char *format;
    int from; /* index into this table + 1, 0 for the original */
} variants[] = {
    { "ng.pcapng", V_EDITCAP, "pcapng", 0 },
    { "nsec.pcap", V_EDITCAP, "nsecpcap", 0 },
    { "mod.pcap", V_EDITCAP, "modpcap", 0 },
    { "usec.pcap", V_EDITCAP, "pcap", 0 },
    { "tshark.pcapng", V_TSHARK, NULL, 0 },
    { "swapped", V_SWAP, NULL, 0 },
    { "ng.swapped.pcapng", V_SWAP, NULL, 1 },
    { "nsec.swapped.pcap", V_SWAP, NULL, 2 },
    { "mod.swapped.pcap", V_SWAP, NULL, 3 },
};

static uint32_t granularity(int prec) { return prec == CAPTURE_TSTAMP_PRECISION_NANO ? 1 : 1000; }

static void check_capture(const char *dir, const char *swapper, const char *name)
{
    char orig[4096], made[sizeof(variants) / sizeof(variants[0])][4096];
    lcap_test_pkts base, ours, theirs;

    char rel[256];
    snprintf(rel, sizeof(rel), "captures/%s", name);
    if (lcap_test_data(orig, sizeof(orig), rel) == NULL) {
        FAIL("%s: the original is missing", name);
        return;
    }
    if (read_ours(orig, &base) < 0)
        return;
    if (base.n == 0)
        FAIL("%s: no packets: a useless original", name);
    /* Make every variant first: the byte swaps, some of them of other
     * variants, all in one run of the converter. */
    enum { NV = sizeof(variants) / sizeof(variants[0]) };
    char *swap_argv[3 + 2 * NV] = { "python3", (char *)swapper };
    int nswap = 2, made_ok[NV];
    for (size_t v = 0; v < NV; v++) {
        const struct variant *va = &variants[v];
        const char *src = va->from ? made[va->from - 1] : orig;
        char *out = made[v];

        snprintf(out, sizeof(made[v]), "%s/%s.%s", dir, name, va->suffix);
        made_ok[v] = 1;
        if (va->how == V_EDITCAP) {
            char *argv[] = { "editcap", "-F", (char *)va->format, (char *)src, out, NULL };
            made_ok[v] = run(argv) == 0;
        } else if (va->how == V_TSHARK) {
            char *argv[] = { "tshark", "-r", (char *)src, "-w", out, "-F", "pcapng", NULL };
            made_ok[v] = run(argv) == 0;
        } else {
            swap_argv[nswap++] = (char *)src;
            swap_argv[nswap++] = out;
        }
    }
    swap_argv[nswap] = NULL;
    int swapped_ok = run(swap_argv) == 0;
    for (size_t v = 0; v < NV; v++) {
        const struct variant *va = &variants[v];
        const char *src = va->from ? made[va->from - 1] : orig;
        const char *out = made[v];
        char what[4200];

        snprintf(what, sizeof(what), "%s as %s", name, va->suffix);
        if (!(va->how == V_SWAP ? swapped_ok : made_ok[v])) {
            FAIL("%s: the tool making it failed", what);
            continue;
        }
        if (read_ours(out, &ours) == 0) {
            uint32_t g = granularity(base.prec) > granularity(ours.prec) ? granularity(base.prec)
                                                                         : granularity(ours.prec);
            compare(what, &ours, &base, g);
            if (ours.dlt != base.dlt)
                FAIL("%s: DLT %d against the original's %d", what, ours.dlt, base.dlt);
            if (va->how == V_SWAP) {
                lcap_test_pkts src_read;
                if (read_ours(src, &src_read) == 0 && src_read.swapped == ours.swapped)
                    FAIL("%s: byte-swapped copy reports the same byte order as its source", what);
                lcap_test_pkts_free(&src_read);
            }
        }
        if (read_libpcap(out, &theirs) == 0) {
            compare(what, &ours, &theirs, 1); /* libpcap: to the nanosecond */
            if (ours.dlt != theirs.dlt || ours.snaplen != theirs.snaplen ||
                ours.swapped != theirs.swapped)
                FAIL("%s: DLT/snaplen/swapped %d/%d/%d, libpcap %d/%d/%d", what, ours.dlt,
                     ours.snaplen, ours.swapped, theirs.dlt, theirs.snaplen, theirs.swapped);
        }
        printf("%-28s %-18s %5zu packets\n", name, va->suffix, ours.n);
        lcap_test_pkts_free(&ours);
        lcap_test_pkts_free(&theirs);
    }
    for (size_t v = 0; v < NV; v++)
        unlink(made[v]);
    lcap_test_pkts_free(&base);
}

int main(int argc, char **argv)
{
    const char *build = getenv("LCAP_BUILD");
    char dir[4096];

    if (argc != 2) {
        fprintf(stderr, "usage: LCAP_TESTDATA=... %s SWAP_SCRIPT\n", argv[0]);
        return 2;
    }
    snprintf(dir, sizeof(dir), "%s/savefile-variants-XXXXXX", build ? build : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror(dir);
        return 2;
    }
    for (size_t i = 0; i < sizeof(captures) / sizeof(captures[0]); i++)
        check_capture(dir, argv[1], captures[i]);
    rmdir(dir);
    printf("%d failures\n", lcap_test_failures);
    return lcap_test_failures ? 1 : 0;
}
