/* bpf_bench.c - speed of capture_bpf_filter() against libpcap's bpf_filter()
 * on typical compiled filters, both run in this process over the same packets.
 *
 * usage: bpf_bench [rounds [capture.pcap ...]]
 * Without files it takes every Ethernet pcap/pcapng file in
 * $LCAP_TESTDATA/captures, by default tests/data/captures (at most MAX_PKTS packets in all). Filters are
 * compiled by libpcap's pcap_compile() for DLT_EN10MB, optimizer on, as
 * tcpdump would. Prints ns per packet for each and the speed ratio.
 *
 * The packets lie back to back in one buffer, each after a small header, as
 * a BPF device's read buffer (or a savefile reader's window) hands them to
 * a filter, and are visited in order through an index: walking the buffer
 * itself (each header's length gives the next) would put a chain of
 * dependent loads under every call, a floor that hides the filters. Each
 * filter is measured in a process of its own (see run_alone()). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <pcap/pcap.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"

#define MAX_PKTS 200000

static const char *const exprs[] = {
    "tcp port 80",
    "ip host 10.0.0.1",
    "udp and port 53",
    "vlan and tcp",
    "ip6 and tcp",
    "icmp",
    "tcp[tcpflags] & tcp-syn != 0",
    "net 192.168.0.0/16",
};

/* A packet in the buffer: this header, the bytes, padding to 8 bytes. */
struct pkt {
    uint32_t caplen, len;
    uint8_t data[];
};

#define PKT_ALIGN(n) (((n) + 7) & ~(size_t)7)

static uint8_t *buf;
static size_t buf_used, buf_cap;
static size_t npkts;
static int nfiles;

static int append(const uint8_t *data, uint32_t caplen, uint32_t len)
{
    size_t need = PKT_ALIGN(sizeof(struct pkt) + caplen);
    if (buf_used + need > buf_cap) {
        size_t cap = buf_cap ? 2 * buf_cap : 1 << 20;
        while (cap < buf_used + need)
            cap *= 2;
        uint8_t *nb = realloc(buf, cap);
        if (nb == NULL)
            return -1;
        buf = nb;
        buf_cap = cap;
    }
    struct pkt *pk = (struct pkt *)(void *)(buf + buf_used);
    pk->caplen = caplen;
    pk->len = len;
    memcpy(pk->data, data, caplen);
    memset(pk->data + caplen, 0, need - sizeof(struct pkt) - caplen);
    buf_used += need;
    npkts++;
    return 0;
}

/* The index, made once all packets are in (the buffer may move until then). */
static const struct pkt **index_of;

static int index_packets(void)
{
    index_of = calloc(npkts, sizeof(*index_of));
    if (index_of == NULL)
        return -1;
    size_t i = 0;
    for (size_t at = 0; at < buf_used; i++) {
        index_of[i] = (const struct pkt *)(const void *)(buf + at);
        at += PKT_ALIGN(sizeof(struct pkt) + index_of[i]->caplen);
    }
    return 0;
}

#define FOR_EACH_PKT(pk) \
    for (size_t i_ = 0; i_ < npkts; i_++) \
        for (const struct pkt *pk = index_of[i_]; pk != NULL; pk = NULL)

static void load(const char *path)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, err);
    struct pcap_pkthdr *h;
    const u_char *d;

    if (p == NULL)
        return;
    if (pcap_datalink(p) != DLT_EN10MB) {
        pcap_close(p);
        return;
    }
    nfiles++;
    while (npkts < MAX_PKTS && pcap_next_ex(p, &h, &d) == 1)
        if (append(d, h->caplen, h->len) < 0)
            break;
    pcap_close(p);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_testdata(void)
{
    const char *data = getenv("LCAP_TESTDATA");
    char dir[4096], path[8192];
    snprintf(dir, sizeof(dir), "%s/captures", data ? data : LCAP_TESTDATA_DIR);
    DIR *dp = opendir(dir);
    if (dp == NULL) {
        fprintf(stderr, "bpf_bench: cannot open %s: %s\n", dir, strerror(errno));
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            char **nn = realloc(names, cap * sizeof(*names));
            if (nn == NULL)
                break;
            names = nn;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(dp);
    qsort(names, n, sizeof(*names), by_name);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        load(path);
        free(names[i]);
    }
    free(names);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define NEXPRS (sizeof(exprs) / sizeof(exprs[0]))

/* One filter: both programs, and every round's time of each and their
 * ratio (libpcap's time over ours, timed back to back). */
struct result {
    struct bpf_program theirs;
    capture_bpf *ours;
    double *t_theirs, *t_ours, *ratio;
    unsigned long acc_theirs, acc_ours;
};

static double time_theirs(struct result *r)
{
    unsigned long a = 0;
    double t0 = now_ns();
    FOR_EACH_PKT(pk)
        a += bpf_filter(r->theirs.bf_insns, pk->data, pk->len, pk->caplen) != 0;
    r->acc_theirs = a;
    return now_ns() - t0;
}

static double time_ours(struct result *r)
{
    unsigned long b = 0;
    double t0 = now_ns();
    FOR_EACH_PKT(pk)
        b += capture_bpf_filter(r->ours, pk->data, pk->len, pk->caplen) != 0;
    r->acc_ours = b;
    return now_ns() - t0;
}

/* Runs one filter for all rounds, as a capture runs its one filter over
 * every packet. Each round times both back to back, the order alternating,
 * so that a slow spell of this shared machine falls on both sides of that
 * round's ratio; the medians then ignore the spells. */
static void measure(struct result *r, int rounds)
{
    for (int round = 0; round < rounds; round++) {
        if (round % 2) {
            r->t_ours[round] = time_ours(r);
            r->t_theirs[round] = time_theirs(r);
        } else {
            r->t_theirs[round] = time_theirs(r);
            r->t_ours[round] = time_ours(r);
        }
        r->ratio[round] = r->t_theirs[round] / r->t_ours[round];
    }
}

/* Compiles expr both ways, measures it and prints its table row (named
 * name); adds the median ns/pkt of each to *theirs and *ours. Returns 0, or
 * 1 if the two accept different packets or the filter does not compile. */
static int run_filter(pcap_t *dead, const char *expr, const char *name, int rounds,
                      double *theirs, double *ours)
{
    struct result r = { 0 };
    char err[CAPTURE_ERRBUF_SIZE];
    int status = 1;
    if (pcap_compile(dead, &r.theirs, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
        fprintf(stderr, "bpf_bench: %s: %s\n", expr, pcap_geterr(dead));
        return 1;
    }
    r.ours = capture_bpf_from_insns((const struct capture_insn *)r.theirs.bf_insns,
                                    r.theirs.bf_len, err);
    r.t_theirs = calloc((size_t)rounds, sizeof(double));
    r.t_ours = calloc((size_t)rounds, sizeof(double));
    r.ratio = calloc((size_t)rounds, sizeof(double));
    if (r.ours == NULL || !r.t_theirs || !r.t_ours || !r.ratio) {
        fprintf(stderr, "bpf_bench: %s: %s\n", expr, r.ours ? "out of memory" : err);
        goto out;
    }
    measure(&r, rounds);
    if (r.acc_theirs != r.acc_ours) {
        fprintf(stderr, "bpf_bench: %s: libpcap accepts %lu packets, libcapture %lu\n", expr,
                r.acc_theirs, r.acc_ours);
        goto out;
    }
    double nt = median(r.t_theirs, rounds) / npkts, no = median(r.t_ours, rounds) / npkts;
    *theirs += nt;
    *ours += no;
    printf("| %s | %u | %lu | %.2f | %.2f | %.2fx |\n", name, r.theirs.bf_len, r.acc_ours, nt,
           no, median(r.ratio, rounds));
    status = 0;
out:
    capture_bpf_free(r.ours);
    pcap_freecode(&r.theirs);
    free(r.t_theirs);
    free(r.t_ours);
    free(r.ratio);
    return status;
}

/* run_filter() in a child process of its own, as a capture process runs
 * its one filter. In one process the programs run before a filter change its
 * time: `ip6 and tcp` took libcapture 3.2 ns a packet alone or after itself
 * but 3.7 after `tcp port 80`, and libpcap 4.6 and 4.1 (state left in the
 * host's branch predictors and in the heap). The child hands its two times
 * back through a pipe. */
static int run_alone(pcap_t *dead, const char *expr, const char *name, int rounds,
                     double *theirs, double *ours)
{
    int fds[2];
    fflush(stdout);
    if (pipe(fds) < 0)
        return run_filter(dead, expr, name, rounds, theirs, ours);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return run_filter(dead, expr, name, rounds, theirs, ours);
    }
    if (pid == 0) {
        double t[2] = { 0, 0 };
        int status = run_filter(dead, expr, name, rounds, &t[0], &t[1]);
        fflush(stdout);
        _exit(write(fds[1], t, sizeof(t)) == (ssize_t)sizeof(t) ? status : 1);
    }
    close(fds[1]);
    double t[2];
    ssize_t got = read(fds[0], t, sizeof(t));
    close(fds[0]);
    int wstatus;
    if (waitpid(pid, &wstatus, 0) < 0 || !WIFEXITED(wstatus) || got != (ssize_t)sizeof(t))
        return 1;
    *theirs += t[0];
    *ours += t[1];
    return WEXITSTATUS(wstatus);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    if (rounds < 1)
        rounds = 1;
    if (argc > 2)
        for (int i = 2; i < argc; i++)
            load(argv[i]);
    else
        load_testdata();
    if (npkts == 0) {
        fprintf(stderr, "bpf_bench: no Ethernet packets found (set LCAP_TESTDATA or name files)\n");
        return 1;
    }
    if (index_packets() < 0)
        return 1;
    printf("bpf_bench: %zu packets (%zu bytes in one buffer) from %d Ethernet captures, "
           "%d rounds a filter\n(ns/pkt: median round; speed-up: median over rounds of "
           "libpcap's time over ours, timed back to back)\n\n",
           npkts, buf_used, nfiles, rounds);
    printf("| filter | insns | accepted | libpcap ns/pkt | libcapture ns/pkt | speed-up |\n");
    printf("|---|---:|---:|---:|---:|---:|\n");

    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
    double sum_theirs = 0, sum_ours = 0, floor_theirs = 0, floor_ours = 0;
    int status = 0;
    char name[256];
    for (size_t f = 0; f < NEXPRS; f++) {
        snprintf(name, sizeof(name), "`%s`", exprs[f]);
        status |= run_alone(dead, exprs[f], name, rounds, &sum_theirs, &sum_ours);
    }
    /* The mix: all eight filters over all packets, from the median times. */
    printf("| **all %zu** | | | %.2f | %.2f | %.2fx |\n", NEXPRS, sum_theirs / NEXPRS,
           sum_ours / NEXPRS, sum_theirs / sum_ours);
    /* The empty filter, one "ret" instruction: what the call itself and this
     * loop cost, the floor under every row above, the same for both. */
    status |= run_alone(dead, "", "(empty filter: the cost of a call)", rounds, &floor_theirs,
                        &floor_ours);
    pcap_close(dead);
    free(index_of);
    free(buf);
    return status;
}
