/* compile_bench.c - speed, program length and memory of capture_compile()
 * against libpcap's pcap_compile(), both in this process: every expression
 * of accept.jsonl (median time per expression for each library), then
 * "host A or host B or ..." chains of 300, 1,000 and 10,000 terms (every
 * third address, so none fold into ranges), each
 * compiled in a child process of its own so its peak memory can be read.
 *
 * usage: compile_bench [-r ROUNDS] [-x MAX_PCAP_CHAIN] [-l capture|pcap] [-n] [-o FILE] [accept.jsonl]
 * Without a file it reads $LCAP_SOURCE/tests/data/conformance/accept.jsonl.
 * libpcap compiles chains only up to MAX_PCAP_CHAIN terms (default 300:
 * its optimizer is cubic there; 1,000 terms take it over a minute).
 * -l compiles the expressions with one library only and skips the chains
 * (for an instruction count under callgrind); -n skips the chains; -o writes
 * each expression's medians (ns), their ratio and its program lengths to FILE. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <pcap/pcap.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"

#define SNAPLEN_DEFAULT 262144

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One JSON string starting at the opening quote *p; returns a malloc'd copy
 * (escapes decoded, \u only below 0x80) and moves *p past it. */
static char *json_string(const char **p)
{
    const char *s = *p + 1;
    size_t cap = strlen(s) + 1, n = 0;
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
    while (*s && *s != '"') {
        char c = *s++;
        if (c == '\\') {
            c = *s++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'u': {
                unsigned v = 0;
                for (int i = 0; i < 4 && *s; i++, s++)
                    v = v * 16 + (unsigned)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
                c = (char)(v < 0x80 ? v : '?');
                break;
            }
            default: break;   /* \" \\ \/ */
            }
        }
        out[n++] = c;
    }
    out[n] = '\0';
    *p = *s ? s + 1 : s;
    return out;
}

/* The string value of "key" in line, or NULL. */
static char *json_field(const char *line, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\": \"", key);
    const char *p = strstr(line, pat);
    if (p == NULL)
        return NULL;
    p += strlen(pat) - 1;
    return json_string(&p);
}

struct expr {
    char *text;
    int dlt, snaplen;
    uint32_t netmask;
};

static size_t load_exprs(const char *path, struct expr **out)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    size_t n = 0, cap = 0, lcap = 0;
    char *line = NULL;
    struct expr *v = NULL;
    while (getline(&line, &lcap, f) > 0) {
        /* Rows needing the name files or Linux extensions are left out. */
        if (strstr(line, "\"skip\"") || strstr(line, "\"linuxext\""))
            continue;
        char *dlt = json_field(line, "DLT"), *nm = json_field(line, "netmask");
        const char *snap = strstr(line, "\"snaplen\": ");
        const char *a = strstr(line, "\"aliases\": [");
        int dltv = dlt ? pcap_datalink_name_to_val(dlt) : -1;
        uint32_t mask = PCAP_NETMASK_UNKNOWN;
        struct in_addr ia;
        if (nm && inet_pton(AF_INET, nm, &ia) == 1)
            mask = ntohl(ia.s_addr);
        free(dlt);
        free(nm);
        if (a == NULL || dltv < 0)
            continue;
        a += strlen("\"aliases\": [");
        while (*a == ' ' || *a == '"' || *a == ',') {
            if (*a != '"') {
                a++;
                continue;
            }
            char *text = json_string(&a);
            if (text == NULL || strcmp(text, "_enumerate_bpf_image") == 0) {
                free(text);
                continue;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                v = realloc(v, cap * sizeof(*v));
                if (v == NULL)
                    exit(2);
            }
            v[n++] = (struct expr){ text, dltv, snap ? atoi(snap + 11) : SNAPLEN_DEFAULT, mask };
        }
    }
    free(line);
    fclose(f);
    *out = v;
    return n;
}

/* Nanoseconds for one compile, and the program length (0 if refused). */
static double time_pcap(const struct expr *e, size_t *len)
{
    pcap_t *p = pcap_open_dead(e->dlt, e->snaplen);
    struct bpf_program bp;
    double t0 = now_ns();
    int rc = pcap_compile(p, &bp, e->text, 1, e->netmask);
    double t = now_ns() - t0;
    *len = rc == 0 ? bp.bf_len : 0;
    if (rc == 0)
        pcap_freecode(&bp);
    pcap_close(p);
    return t;
}

static double time_capture(const struct expr *e, size_t *len)
{
    char err[CAPTURE_ERRBUF_SIZE];
    const struct capture_insn *ins;
    double t0 = now_ns();
    capture_bpf *b = capture_compile(e->dlt, e->snaplen, e->text, 1, e->netmask, err);
    double t = now_ns() - t0;
    *len = b ? capture_bpf_insns(b, &ins) : 0;
    capture_bpf_free(b);
    return t;
}

/* Each expression compiled with one library only: what callgrind counts. */
static void one_library(const char *path, int rounds, int pcap)
{
    struct expr *ex;
    size_t n = load_exprs(path, &ex), ok = 0, len;
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < n; i++) {
            (void)(pcap ? time_pcap(&ex[i], &len) : time_capture(&ex[i], &len));
            ok += len > 0;
        }
    printf("%s: %zu compiles of %zu expressions, %zu accepted\n", pcap ? "libpcap" : "libcapture",
           n * (size_t)rounds, n, ok);
    for (size_t i = 0; i < n; i++)
        free(ex[i].text);
    free(ex);
}

static void accept_vectors(const char *path, int rounds, const char *out)
{
    FILE *of = out != NULL ? fopen(out, "w") : NULL;
    if (out != NULL && of == NULL) {
        perror(out);
        exit(2);
    }
    struct expr *ex;
    size_t n = load_exprs(path, &ex);
    double *mp = calloc(n, sizeof(double)), *mc = calloc(n, sizeof(double));
    double *tp = calloc((size_t)rounds, sizeof(double)), *tc = calloc((size_t)rounds, sizeof(double));
    double *ratio = calloc(n, sizeof(double));
    size_t both = 0, only_pcap = 0, only_cap = 0, longer = 0, shorter = 0;
    unsigned long len_pcap = 0, len_cap = 0;
    double sum_p = 0, sum_c = 0;
    if (!mp || !mc || !tp || !tc || !ratio)
        exit(2);
    for (size_t i = 0; i < n; i++) {
        size_t lp = 0, lc = 0;
        for (int r = 0; r < rounds; r++) {
            /* Alternate the order so that a slow spell hits both. */
            if (r % 2) {
                tp[r] = time_pcap(&ex[i], &lp);
                tc[r] = time_capture(&ex[i], &lc);
            } else {
                tc[r] = time_capture(&ex[i], &lc);
                tp[r] = time_pcap(&ex[i], &lp);
            }
        }
        if (lp && lc) {
            mp[both] = median(tp, (size_t)rounds);
            mc[both] = median(tc, (size_t)rounds);
            ratio[both] = mc[both] / mp[both];
            if (of != NULL) {
                fprintf(of, "%.3f\t%.0f\t%.0f\t%zu\t%zu\t%d\t", ratio[both], mp[both], mc[both], lp, lc, ex[i].dlt);
                for (const char *c = ex[i].text; *c; c++) /* one line per expression */
                    fputc(*c == '\n' || *c == '\t' ? ' ' : *c, of);
                fputc('\n', of);
            }
            sum_p += mp[both];
            sum_c += mc[both];
            len_pcap += lp;
            len_cap += lc;
            longer += lc > lp;
            shorter += lc < lp;
            both++;
        } else {
            only_pcap += lp && !lc;
            only_cap += lc && !lp;
        }
    }
    printf("accept.jsonl: %zu expressions, %zu compiled by both (%zu by libpcap only, %zu by libcapture only), %d rounds each\n",
           n, both, only_pcap, only_cap, rounds);
    double rmed = median(ratio, both);
    printf("  median per expression: libpcap %.1f us, libcapture %.1f us; median of per-expression ratios %.3f\n",
           median(mp, both) / 1e3, median(mc, both) / 1e3, rmed);
    printf("  total of medians: libpcap %.1f ms, libcapture %.1f ms (ratio %.3f)\n", sum_p / 1e6, sum_c / 1e6,
           sum_p > 0 ? sum_c / sum_p : 0);
    printf("  optimized program length: libpcap %lu insns, libcapture %lu insns in all; libcapture longer for %zu, shorter for %zu expressions\n",
           len_pcap, len_cap, longer, shorter);
    if (of != NULL)
        fclose(of);
    for (size_t i = 0; i < n; i++)
        free(ex[i].text);
    free(ex);
    free(mp);
    free(mc);
    free(tp);
    free(tc);
    free(ratio);
}

/* Every third address: consecutive ones would fold into range tests (opt_merge.c),
 * which is not the work this chain is here to measure. */
static char *host_chain(int terms)
{
    size_t cap = (size_t)terms * 32 + 1, n = 0;
    char *s = malloc(cap);
    if (s == NULL)
        exit(2);
    for (int i = 0; i < terms; i++) {
        int a = 3 * i;
        n += (size_t)snprintf(s + n, cap - n, "%shost 10.%d.%d.%d", i ? " or " : "",
                              (a >> 16) & 255, (a >> 8) & 255, a & 255);
    }
    return s;
}

struct chain_result {
    double ns;
    unsigned long len;
    int ok;
};

/* Compiles the chain in a child; *rss_kb gets the child's peak RSS. */
static struct chain_result run_chain(int terms, int pcap, long *rss_kb)
{
    int fd[2];
    struct chain_result res = { 0, 0, 0 };
    if (pipe(fd) < 0)
        exit(2);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        struct expr e = { host_chain(terms), 1, SNAPLEN_DEFAULT, PCAP_NETMASK_UNKNOWN };
        size_t len;
        res.ns = pcap ? time_pcap(&e, &len) : time_capture(&e, &len);
        res.len = len;
        res.ok = len > 0;
        if (!res.ok && !pcap) {
            char err[CAPTURE_ERRBUF_SIZE];
            capture_bpf_free(capture_compile(e.dlt, e.snaplen, e.text, 1, e.netmask, err));
            printf("  libcapture refuses %d terms: %s\n", terms, err);
            fflush(stdout);
        }
        if (write(fd[1], &res, sizeof(res)) != (ssize_t)sizeof(res))
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    if (read(fd[0], &res, sizeof(res)) != (ssize_t)sizeof(res))
        res.ok = 0;
    close(fd[0]);
    int st;
    struct rusage ru;
    wait4(pid, &st, 0, &ru);
    *rss_kb = ru.ru_maxrss;
    return res;
}

int main(int argc, char **argv)
{
    int rounds = 5, max_pcap_chain = 300, chains_too = 1;
    const char *only = NULL, *out = NULL;
    const char *path = NULL;
    char def[4096];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (strcmp(argv[i], "-x") == 0 && i + 1 < argc)
            max_pcap_chain = atoi(argv[++i]);
        else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "-n") == 0)
            chains_too = 0;
        else
            path = argv[i];
    }
    if (rounds < 1)
        rounds = 1;
    if (path == NULL) {
        const char *src = getenv("LCAP_SOURCE");
        snprintf(def, sizeof(def), "%s/tests/data/conformance/accept.jsonl", src ? src : ".");
        path = def;
    }
    printf("compile_bench: %s\n", capture_lib_version());
    printf("  libpcap: %s\n", pcap_lib_version());
    if (only != NULL) {
        one_library(path, rounds, strcmp(only, "pcap") == 0);
        return 0;
    }
    accept_vectors(path, rounds, out);
    if (!chains_too)
        return 0;

    static const int chains[] = { 300, 1000, 10000 };
    double pcap300 = 0;
    for (size_t i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
        long rss_c, rss_p;
        struct chain_result c = run_chain(chains[i], 0, &rss_c);
        printf("host chain of %5d terms: libcapture %10.2f ms, %6lu insns, peak RSS %6ld KiB%s\n", chains[i],
               c.ns / 1e6, c.len, rss_c, c.ok ? "" : " (refused)");
        if (chains[i] <= max_pcap_chain) {
            struct chain_result p = run_chain(chains[i], 1, &rss_p);
            printf("                          libpcap    %10.2f ms, %6lu insns, peak RSS %6ld KiB; libcapture/libpcap time %.4f\n",
                   p.ns / 1e6, p.len, rss_p, p.ns > 0 ? c.ns / p.ns : 0);
            if (chains[i] == 300)
                pcap300 = p.ns;
        } else if (pcap300 > 0) {
            printf("                          libcapture time / libpcap's for 300 terms: %.4f\n", c.ns / pcap300);
        }
    }
    return 0;
}
