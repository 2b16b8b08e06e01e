/* bpf_bench.c - speed of capture_bpf_filter() against libpcap's bpf_filter()
 * on typical compiled filters, both run in this process over the same packets.
 *
 * usage: bpf_bench [rounds [capture.pcap ...]]
 * Without files it takes every Ethernet pcap/pcapng file in
 * $LCAP_SHARED/captures (at most MAX_PKTS packets in all). Filters are
 * compiled by libpcap's pcap_compile() for DLT_EN10MB, optimizer on, as
 * tcpdump would. Prints ns per packet for each and the speed ratio.
 *
 * The packets lie back to back in one buffer, each after a small header, as
 * a BPF device's read buffer (or a savefile reader's window) hands them to
 * a filter: walked in order, so that what is measured is the filter, not
 * cache misses on thousands of separately allocated packets. */
#include <pcap/pcap.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

#define FOR_EACH_PKT(pk)                                                             \
    for (const struct pkt *pk = (const struct pkt *)(const void *)buf;              \
         (const uint8_t *)pk < buf + buf_used;                                       \
         pk = (const struct pkt *)(const void *)((const uint8_t *)pk +              \
                                                 PKT_ALIGN(sizeof(struct pkt) + pk->caplen)))

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

static void load_shared(void)
{
    const char *shared = getenv("LCAP_SHARED");
    char dir[4096], path[8192];
    snprintf(dir, sizeof(dir), "%s/captures", shared ? shared : "../shared");
    DIR *dp = opendir(dir);
    if (dp == NULL)
        return;
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

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    if (argc > 2)
        for (int i = 2; i < argc; i++)
            load(argv[i]);
    else
        load_shared();
    if (npkts == 0) {
        fprintf(stderr, "bpf_bench: no Ethernet packets found (set LCAP_SHARED or name files)\n");
        return 1;
    }
    printf("bpf_bench: %zu packets (%zu bytes in one buffer) from %d Ethernet captures, "
           "%d rounds, best round kept\n\n",
           npkts, buf_used, nfiles, rounds);
    printf("| filter | insns | accepted | libpcap ns/pkt | libcapture ns/pkt | speed-up |\n");
    printf("|---|---:|---:|---:|---:|---:|\n");

    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
    double sum_theirs = 0, sum_ours = 0;
    int status = 0;
    for (size_t f = 0; f < sizeof(exprs) / sizeof(exprs[0]); f++) {
        struct bpf_program bp;
        if (pcap_compile(dead, &bp, exprs[f], 1, PCAP_NETMASK_UNKNOWN) < 0) {
            fprintf(stderr, "bpf_bench: %s: %s\n", exprs[f], pcap_geterr(dead));
            return 1;
        }
        char err[CAPTURE_ERRBUF_SIZE];
        capture_bpf *ours = capture_bpf_from_insns((const struct capture_insn *)bp.bf_insns,
                                                   bp.bf_len, err);
        if (ours == NULL) {
            fprintf(stderr, "bpf_bench: %s: %s\n", exprs[f], err);
            return 1;
        }
        double best_theirs = 1e300, best_ours = 1e300;
        unsigned long acc_theirs = 0, acc_ours = 0;
        for (int r = 0; r < rounds; r++) {
            unsigned long a = 0;
            double t0 = now_ns();
            FOR_EACH_PKT(pk)
                a += bpf_filter(bp.bf_insns, pk->data, pk->len, pk->caplen) != 0;
            double t1 = now_ns();
            unsigned long b = 0;
            FOR_EACH_PKT(pk)
                b += capture_bpf_filter(ours, pk->data, pk->len, pk->caplen) != 0;
            double t2 = now_ns();
            if (t1 - t0 < best_theirs)
                best_theirs = t1 - t0;
            if (t2 - t1 < best_ours)
                best_ours = t2 - t1;
            acc_theirs = a;
            acc_ours = b;
        }
        if (acc_theirs != acc_ours) {
            fprintf(stderr, "bpf_bench: %s: libpcap accepts %lu packets, libcapture %lu\n",
                    exprs[f], acc_theirs, acc_ours);
            status = 1;
        }
        double nt = best_theirs / npkts, no = best_ours / npkts;
        sum_theirs += nt;
        sum_ours += no;
        printf("| `%s` | %u | %lu | %.2f | %.2f | %.2fx |\n", exprs[f], bp.bf_len, acc_ours, nt, no,
               nt / no);
        capture_bpf_free(ours);
        pcap_freecode(&bp);
    }
    printf("| **all 8 (mean)** | | | %.2f | %.2f | %.2fx |\n", sum_theirs / 8, sum_ours / 8,
           sum_theirs / sum_ours);
    pcap_close(dead);
    free(buf);
    return status;
}
