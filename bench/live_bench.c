/* live_bench.c - live capture speed on Linux: a child floods a veth pair in
 * a network namespace of its own with 64-byte frames for a fixed time while
 * libcapture, then libpcap, capture on the far end (default and 64 MiB
 * buffers); prints the reader's CPU time per captured packet and its drops. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "livenet.h"

typedef struct run {
    long captured;
    long drops;
    long dispatches; /* calls that delivered packets: how often the reader woke */
    double cpu_s, sys_s;
} run;

static void count_lcap(void *user, const capture_pkthdr *h, const uint8_t *d)
{
    (void)h, (void)d;
    ++*(long *)user;
}

static void count_pcap(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
    (void)h, (void)d;
    ++*(long *)user;
}

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* The part of the process's CPU time spent in the kernel. */
static double sys_now(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

/* The flood: 64-byte frames from LIVE_PEER for `seconds`, or `limit` of
 * them when limit > 0; the count sent goes back through fd. */
static pid_t flood(int seconds, long limit, int fd)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    uint8_t frame[128];
    size_t len = livenet_frame(frame, 1, 64 - 42, 7777);
    int s = livenet_socket(LIVE_PEER);
    struct timespec t0, t;
    long sent = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        for (int i = 0; i < 256; i++)
            if (livenet_send(s, frame, len) == 0)
                sent++;
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (limit > 0 ? sent < limit : t.tv_sec - t0.tv_sec < seconds);
    if (write(fd, &sent, sizeof sent) != (ssize_t)sizeof sent)
        _exit(1);
    _exit(0);
}

/* Frames sent before a drain row reads: fewer than a 64 MiB ring holds. */
#define DRAIN_FRAMES 300000

/* Captures until the flood has ended and the buffer is drained. A drain
 * (limit > 0) reads only once the flood of `limit` frames has ended and
 * the ring's last block has timed out: the reader's CPU per packet with no
 * sender beside it, which the shared machine's noise disturbs least. */
static int measure(int use_pcap, int bufsize, int seconds, long limit, run *out, long *sent)
{
    char err[PCAP_ERRBUF_SIZE > CAPTURE_ERRBUF_SIZE ? PCAP_ERRBUF_SIZE : CAPTURE_ERRBUF_SIZE];
    capture_reader *r = NULL;
    pcap_t *p = NULL;
    if (use_pcap) {
        p = pcap_create(LIVE_IF, err);
        if (p == NULL || pcap_set_timeout(p, 100) || (bufsize && pcap_set_buffer_size(p, bufsize)) ||
            pcap_activate(p) < 0) {
            fprintf(stderr, "libpcap: %s\n", p ? pcap_geterr(p) : err);
            return -1;
        }
    } else {
        r = capture_create(LIVE_IF, err);
        if (r == NULL || capture_set_timeout(r, 100) ||
            (bufsize && capture_set_buffer_size(r, bufsize)) || capture_activate(r) < 0) {
            fprintf(stderr, "libcapture: %s\n", r ? capture_geterr(r) : err);
            return -1;
        }
    }
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    memset(out, 0, sizeof(*out));
    pid_t child = flood(seconds, limit, fds[1]);
    int done = 0, idle = 0;
    if (limit > 0) {
        waitpid(child, NULL, 0);
        done = 1;
        usleep(300 * 1000); /* three block timeouts */
    }
    double c0 = cpu_now(), s0 = sys_now();
    /* Both non-blocking behind the same poll, so both wait alike. */
    if (use_pcap ? pcap_setnonblock(p, 1, err) : capture_setnonblock(r, 1))
        return -1;
    struct pollfd pfd = { use_pcap ? pcap_get_selectable_fd(p) : capture_getfd(r), POLLIN, 0 };
    while (idle < 3) {
        int ready = poll(&pfd, 1, 100);
        int n = use_pcap ? pcap_dispatch(p, -1, count_pcap, (u_char *)&out->captured)
                         : capture_dispatch(r, -1, count_lcap, &out->captured);
        if (n < 0)
            break;
        out->dispatches += n > 0;
        if (!done && waitpid(child, NULL, WNOHANG) == child)
            done = 1;
        idle = done && (ready == 0 || limit > 0) && n == 0 ? idle + 1 : 0;
    }
    out->cpu_s = cpu_now() - c0;
    out->sys_s = sys_now() - s0;
    if (!done)
        waitpid(child, NULL, 0);
    if (read(fds[0], sent, sizeof *sent) != (ssize_t)sizeof *sent)
        *sent = 0;
    close(fds[0]);
    close(fds[1]);
    if (use_pcap) {
        struct pcap_stat st;
        if (pcap_stats(p, &st) == 0)
            out->drops = st.ps_drop;
        pcap_close(p);
    } else {
        capture_stat st;
        if (capture_stats(r, &st) == 0)
            out->drops = (long)st.drop;
        capture_close(r);
    }
    return 0;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The machine is shared and noisy: each row is `rounds` runs, the two
 * libraries taking turns first, summed; the median of the rounds' CPU per
 * packet is shown beside the sums. */
#define MAX_ROUNDS 32

int main(int argc, char **argv)
{
    int seconds = argc > 1 ? atoi(argv[1]) : 3;
    int rounds = argc > 2 ? atoi(argv[2]) : 1;
    if (seconds <= 0 || rounds <= 0 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "usage: live_bench [seconds [rounds (1..%d)]]\n", MAX_ROUNDS);
        return 1;
    }
    if (geteuid() != 0) {
        fprintf(stderr, "live_bench needs root (network namespace, packet sockets)\n");
        return 1;
    }
    if (livenet_setup() < 0)
        return 1;
    static const struct { const char *name; int bytes; long limit; } rows[] = {
        { "default", 0, 0 },
        { "64MiB", 64 * 1024 * 1024, 0 },
        { "drain", 64 * 1024 * 1024, DRAIN_FRAMES },
    };
    printf("%-10s %-8s %10s %10s %8s %12s %8s %9s %8s\n", "reader", "buffer", "sent", "captured",
           "drops", "ns CPU/pkt", "of: sys", "pkt/wake", "median");
    for (size_t b = 0; b < sizeof(rows) / sizeof(rows[0]); b++) {
        run sum[2];
        long sent[2] = { 0, 0 };
        double per_round[2][MAX_ROUNDS];
        memset(sum, 0, sizeof(sum));
        for (int k = 0; k < rounds; k++)
            for (int turn = 0; turn < 2; turn++) {
                int lib = (k + turn) % 2;
                run rr;
                long s = 0;
                if (measure(lib, rows[b].bytes, seconds, rows[b].limit, &rr, &s) < 0)
                    return 1;
                sum[lib].captured += rr.captured;
                sum[lib].drops += rr.drops;
                sum[lib].dispatches += rr.dispatches;
                sum[lib].cpu_s += rr.cpu_s;
                sum[lib].sys_s += rr.sys_s;
                sent[lib] += s;
                per_round[lib][k] = rr.captured ? rr.cpu_s * 1e9 / (double)rr.captured : 0.0;
            }
        for (int lib = 0; lib < 2; lib++) {
            run *rr = &sum[lib];
            double per = rr->captured ? 1e9 / (double)rr->captured : 0.0;
            qsort(per_round[lib], (size_t)rounds, sizeof(double), by_value);
            printf("%-10s %-8s %10ld %10ld %8ld %12.1f %8.1f %9.1f %8.1f\n",
                   lib ? "libpcap" : "libcapture", rows[b].name, sent[lib],
                   rr->captured, rr->drops, rr->cpu_s * per, rr->sys_s * per,
                   rr->dispatches ? (double)rr->captured / (double)rr->dispatches : 0.0,
                   per_round[lib][rounds / 2]);
        }
    }
    return 0;
}
