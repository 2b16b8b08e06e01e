/* savefile_bench.c - savefile read speed and memory of libcapture against
 * libpcap over the same large files, in the same run (see BENCHMARKS.md). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"

#define DEFAULT_PATH    "/tmp/lcap-bench10m.pcap"
#define DEFAULT_PACKETS 10000000ull
#define DEFAULT_ROUNDS  5
#define PKT_LEN         60
#define MAX_ROUNDS      50

/* A file variant to measure: how to make it and how libpcap should open it. */
typedef struct variant {
    const char *name;
    char path[4096];
    int nsec;       /* nanosecond pcap magic / libpcap opened for nanoseconds */
    int pcapng;     /* made from the microsecond pcap file by editcap */
} variant;

/* What a child reports about one read of a whole file. */
typedef struct result {
    uint64_t packets;
    uint64_t sum;         /* a byte and caplen of every packet: the work can't vanish */
    double wall;          /* seconds from open to close */
    double cpu;           /* user + system seconds in the same span */
    long hwm_before_kb;   /* VmHWM after setup, before opening the file */
    long hwm_after_kb;    /* VmHWM after closing it */
    long maxrss_kb;       /* the child's ru_maxrss, from wait4 */
    int ok;
} result;

/* The readers timed; "bare read()" reads the file through a window of the
 * size libcapture's stream uses and does nothing else: the floor. */
enum { LIB_CAPTURE, LIB_PCAP, LIB_BARE, NLIB };
static const char *const lib_names[] = { "libcapture", "libpcap", "bare read()" };

/* LCAP_STREAM_CHUNK of src/savefile/stream.c: the window a large file is
 * read through (-w changes the bare read's, to match a library built with
 * another). */
#define BARE_WINDOW (256u * 1024u)
static size_t bare_window = BARE_WINDOW;

static double now_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A line "Key:   N kB" of /proc/self/status, or -1. */
static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t kl = strlen(key);

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
            v = strtol(line + kl + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Writes n records of PKT_LEN bytes: Ethernet + IPv4 + UDP frames whose
 * addresses and ports vary, 1 us (or 1 ns + 1 us) apart. */
static int make_pcap(const char *path, uint64_t n, int nsec)
{
    char tmp[4200];
    uint8_t hdr[24], rec[16 + PKT_LEN];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.part", path);
    f = fopen(tmp, "wb");
    if (f == NULL) {
        fprintf(stderr, "savefile_bench: %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    put_le32(hdr, nsec ? 0xa1b23c4du : 0xa1b2c3d4u);
    hdr[4] = 2, hdr[5] = 0, hdr[6] = 4, hdr[7] = 0;  /* version 2.4 */
    memset(hdr + 8, 0, 8);                            /* thiszone, sigfigs */
    put_le32(hdr + 16, 262144);                       /* snaplen */
    put_le32(hdr + 20, 1);                            /* LINKTYPE_ETHERNET */
    fwrite(hdr, 1, sizeof(hdr), f);

    static const uint8_t frame[PKT_LEN] = {
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00,
        0x45, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
        10, 0, 0, 1, 10, 0, 0, 2, 0x30, 0x39, 0x00, 0x35, 0x00, 0x1a, 0x00, 0x00,
    };
    memcpy(rec + 16, frame, PKT_LEN);
    uint64_t t_sec = 1700000000, t_frac = 0;
    for (uint64_t i = 0; i < n; i++) {
        put_le32(rec, (uint32_t)t_sec);
        put_le32(rec + 4, (uint32_t)t_frac);
        put_le32(rec + 8, PKT_LEN);
        put_le32(rec + 12, PKT_LEN);
        rec[16 + 31] = (uint8_t)(i >> 16), rec[16 + 32] = (uint8_t)(i >> 8); /* varying dst */
        rec[16 + 33] = (uint8_t)i;
        rec[16 + 35] = (uint8_t)i;                                      /* and src port */
        if (fwrite(rec, 1, sizeof(rec), f) != sizeof(rec))
            break;
        t_frac += nsec ? 1001 : 1;
        if (t_frac >= (nsec ? 1000000000u : 1000000u)) {
            t_frac -= nsec ? 1000000000u : 1000000u;
            t_sec++;
        }
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "savefile_bench: writing %s failed\n", tmp);
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "savefile_bench: rename to %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int make_pcapng(const char *from, const char *path)
{
    char cmd[9000], tmp[4200];

    snprintf(tmp, sizeof(tmp), "%s.part", path);
    snprintf(cmd, sizeof(cmd), "editcap -F pcapng '%s' '%s'", from, tmp);
    if (system(cmd) != 0) {
        fprintf(stderr, "savefile_bench: '%s' failed; skipping pcapng\n", cmd);
        unlink(tmp);
        return -1;
    }
    return rename(tmp, path);
}

/* Makes the variant's file unless one of the right size (pcap) or any size
 * (pcapng, made from a checked pcap) is already there. */
static int ensure_file(const variant *v, const char *pcap_usec, uint64_t n)
{
    struct stat st;
    uint64_t want = 24 + n * (16 + PKT_LEN);

    if (stat(v->path, &st) == 0 && (v->pcapng ? st.st_size > 0 : (uint64_t)st.st_size == want))
        return 0;
    fprintf(stderr, "savefile_bench: writing %s (%" PRIu64 " packets)...\n", v->path, n);
    if (v->pcapng)
        return make_pcapng(pcap_usec, v->path);
    return make_pcap(v->path, n, v->nsec);
}

static void cap_cb(void *user, const capture_pkthdr *h, const uint8_t *data)
{
    result *res = user;
    res->packets++;
    res->sum += data[h->caplen / 2] + h->caplen;
}

static void pcap_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    result *res = (result *)(void *)user;
    res->packets++;
    res->sum += data[h->caplen / 2] + h->caplen;
}

/* One whole read in this process; fills everything but maxrss_kb. */
static void read_once(int lib, const variant *v, result *res)
{
    char errbuf[CAPTURE_ERRBUF_SIZE > PCAP_ERRBUF_SIZE ? CAPTURE_ERRBUF_SIZE : PCAP_ERRBUF_SIZE];

    memset(res, 0, sizeof(*res));
    res->hwm_before_kb = status_kb("VmHWM");
    double w0 = now_wall(), c0 = now_cpu();
    if (lib == LIB_CAPTURE) {
        capture_reader *r = capture_open_offline(v->path, errbuf);
        if (r == NULL) {
            fprintf(stderr, "savefile_bench: libcapture: %s\n", errbuf);
            return;
        }
        if (capture_loop(r, -1, cap_cb, res) != 0)
            fprintf(stderr, "savefile_bench: libcapture: %s\n", capture_geterr(r));
        else
            res->ok = 1;
        capture_close(r);
    } else if (lib == LIB_BARE) {
        uint8_t *window = malloc(bare_window);
        int fd = window != NULL ? open(v->path, O_RDONLY | O_CLOEXEC) : -1;
        if (fd < 0) {
            free(window);
            fprintf(stderr, "savefile_bench: %s: %s\n", v->path, strerror(errno));
            return;
        }
        (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL); /* as libcapture does */
        ssize_t got;
        while ((got = read(fd, window, bare_window)) > 0)
            res->sum += window[got / 2] + (uint64_t)got;
        res->ok = got == 0;
        close(fd);
        free(window);
    } else {
        pcap_t *p = pcap_open_offline_with_tstamp_precision(
            v->path, v->nsec ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO, errbuf);
        if (p == NULL) {
            fprintf(stderr, "savefile_bench: libpcap: %s\n", errbuf);
            return;
        }
        if (pcap_loop(p, -1, pcap_cb, (u_char *)(void *)res) < 0)
            fprintf(stderr, "savefile_bench: libpcap: %s\n", pcap_geterr(p));
        else
            res->ok = 1;
        pcap_close(p);
    }
    res->wall = now_wall() - w0;
    res->cpu = now_cpu() - c0;
    res->hwm_after_kb = status_kb("VmHWM");
}

/* The read in a fresh child, so its peak memory is its own. */
static int read_in_child(int lib, const variant *v, result *res)
{
    int fd[2];
    struct rusage ru;
    int status;

    if (pipe(fd) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(fd[0]);
        read_once(lib, v, res);
        ssize_t w = write(fd[1], res, sizeof(*res));
        _exit(w == (ssize_t)sizeof(*res) ? 0 : 1);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], res, sizeof(*res));
    close(fd[0]);
    if (wait4(pid, &status, 0, &ru) != pid || got != (ssize_t)sizeof(*res) || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return -1;
    res->maxrss_kb = ru.ru_maxrss;
    return res->ok ? 0 : -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* -l NAME: time only that reader (for perf stat / perf record of one library). */
static int only_lib = -1;

static int bench_one(const variant *v, int rounds, int lib)
{
    result res;
    double rates[MAX_ROUNDS];

    printf("\n== %s: %s, %s only\n", v->name, v->path, lib_names[lib]);
    for (int i = 0; i < rounds; i++) {
        if (read_in_child(lib, v, &res) != 0)
            return -1;
        rates[i] = res.packets / res.wall / 1e6;
        printf("round %d: %" PRIu64 " packets, %.3f s wall, %.3f s cpu, %.2f Mpkt/s wall\n", i + 1,
               res.packets, res.wall, res.cpu, rates[i]);
    }
    printf("summary %s: median Mpkt/s wall  %s %.2f\n", v->name, lib_names[lib],
           median(rates, rounds));
    return 0;
}

static int bench_variant(const variant *v, int rounds)
{
    if (only_lib >= 0)
        return bench_one(v, rounds, only_lib);

    result res[NLIB][MAX_ROUNDS];
    double wall_rate[NLIB][MAX_ROUNDS], cpu_rate[NLIB][MAX_ROUNDS], best[NLIB] = { 0 };
    double vs_bare[2][MAX_ROUNDS], cpu_vs_bare[2][MAX_ROUNDS]; /* per round, over the bare read's */
    struct stat st;

    stat(v->path, &st);
    printf("\n== %s: %s (%.0f MB)\n", v->name, v->path, st.st_size / 1e6);
    /* Untimed warm-up so every reader finds the file in the page cache. */
    for (int lib = 0; lib < NLIB; lib++)
        if (read_in_child(lib, v, &res[lib][0]) != 0) {
            fprintf(stderr, "savefile_bench: %s could not read %s\n", lib_names[lib], v->path);
            return -1;
        }
    if (res[0][0].packets != res[1][0].packets || res[0][0].sum != res[1][0].sum) {
        fprintf(stderr, "savefile_bench: the readers disagree: %" PRIu64 " vs %" PRIu64 " packets\n",
                res[0][0].packets, res[1][0].packets);
        return -1;
    }
    uint64_t packets = res[0][0].packets;
    printf("%-5s %-11s %12s %8s %8s %14s %14s %11s %11s\n", "round", "reader", "packets", "wall s",
           "cpu s", "Mpkt/s wall", "Mpkt/s cpu", "maxrss kB", "HWM grow kB");
    for (int i = 0; i < rounds; i++) {
        for (int k = 0; k < NLIB; k++) {
            int lib = (k + i) % NLIB; /* rotate who goes first */
            result *r = &res[lib][i];
            if (read_in_child(lib, v, r) != 0)
                return -1;
            if (lib == LIB_BARE)
                r->packets = packets; /* the same file's packets, for rates */
            wall_rate[lib][i] = r->packets / r->wall / 1e6;
            cpu_rate[lib][i] = r->packets / r->cpu / 1e6;
            if (wall_rate[lib][i] > best[lib])
                best[lib] = wall_rate[lib][i];
            printf("%-5d %-11s %12" PRIu64 " %8.3f %8.3f %14.2f %14.2f %11ld %11ld\n", i + 1,
                   lib_names[lib], r->packets, r->wall, r->cpu, wall_rate[lib][i], cpu_rate[lib][i],
                   r->maxrss_kb, r->hwm_after_kb - r->hwm_before_kb);
        }
        for (int lib = 0; lib < 2; lib++) {
            vs_bare[lib][i] = res[lib][i].wall / res[LIB_BARE][i].wall;
            cpu_vs_bare[lib][i] = res[lib][i].cpu / res[LIB_BARE][i].cpu;
        }
    }
    long grow[NLIB] = { 0 }, maxrss[NLIB] = { 0 };
    for (int lib = 0; lib < NLIB; lib++)
        for (int i = 0; i < rounds; i++) {
            long g = res[lib][i].hwm_after_kb - res[lib][i].hwm_before_kb;
            if (g > grow[lib])
                grow[lib] = g;
            if (res[lib][i].maxrss_kb > maxrss[lib])
                maxrss[lib] = res[lib][i].maxrss_kb;
        }
    double mw[NLIB], mc[NLIB];
    for (int lib = 0; lib < NLIB; lib++) {
        mw[lib] = median(wall_rate[lib], rounds);
        mc[lib] = median(cpu_rate[lib], rounds);
    }
    printf("summary %s: median Mpkt/s wall  libcapture %.2f  libpcap %.2f  ratio %.2fx"
           " (best %.2f / %.2f = %.2fx)\n",
           v->name, mw[0], mw[1], mw[0] / mw[1], best[0], best[1], best[0] / best[1]);
    printf("summary %s: median Mpkt/s cpu   libcapture %.2f  libpcap %.2f  ratio %.2fx\n", v->name,
           mc[0], mc[1], mc[0] / mc[1]);
    printf("summary %s: wall time over the bare read() of the same round (median)  libcapture %.2fx"
           "  libpcap %.2fx  (bare read %.0f MB/s)\n",
           v->name, median(vs_bare[0], rounds), median(vs_bare[1], rounds),
           st.st_size / 1e6 * mw[LIB_BARE] * 1e6 / (double)packets);
    printf("summary %s: cpu time over the bare read()'s of the same round (median)  libcapture %.2fx"
           "  libpcap %.2fx\n",
           v->name, median(cpu_vs_bare[0], rounds), median(cpu_vs_bare[1], rounds));
    printf("summary %s: peak RSS growth over the read (VmHWM)  libcapture %ld kB  libpcap %ld kB;"
           " child maxrss %ld / %ld kB\n",
           v->name, grow[0], grow[1], maxrss[0], maxrss[1]);
    return 0;
}

/* Whether the comma-separated list names word ("pcap" is in "pcapng" otherwise). */
static int has_word(const char *list, const char *word)
{
    size_t wl = strlen(word);

    for (const char *p = list; *p;) {
        size_t l = strcspn(p, ",");
        if (l == wl && strncmp(p, word, l) == 0)
            return 1;
        p += l + (p[l] == ',');
    }
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: savefile_bench [-n packets] [-r rounds] [-f pcap,nsec,pcapng]\n"
            "                      [-l libcapture|libpcap|bare] [-w KiB] [file.pcap]\n"
            "  makes file.pcap (default " DEFAULT_PATH ") with packets 60-byte records if it is\n"
            "  not there, and file-nsec.pcap / file.pcapng for the other formats, then reads\n"
            "  each with libcapture, libpcap and a bare read() of the file, rounds times in\n"
            "  rotating order (-w: the bare read's window, default 256 KiB as libcapture's;\n"
            "  -l: one reader only, no warm-up, for profiling).\n");
}

int main(int argc, char **argv)
{
    uint64_t n = DEFAULT_PACKETS;
    int rounds = DEFAULT_ROUNDS, opt, failed = 0;
    const char *formats = "pcap";
    char base[4096];

    while ((opt = getopt(argc, argv, "n:r:f:l:w:h")) != -1) {
        switch (opt) {
        case 'l':
            only_lib = strcmp(optarg, "libcapture") == 0 ? LIB_CAPTURE
                       : strcmp(optarg, "libpcap") == 0  ? LIB_PCAP
                       : strcmp(optarg, "bare") == 0     ? LIB_BARE
                                                         : -2;
            break;
        case 'n': n = strtoull(optarg, NULL, 10); break;
        case 'w': bare_window = strtoul(optarg, NULL, 10) * 1024; break;
        case 'r': rounds = atoi(optarg); break;
        case 'f': formats = optarg; break;
        default: usage(); return 2;
        }
    }
    if (rounds < 1 || rounds > MAX_ROUNDS || n == 0 || argc - optind > 1 || only_lib == -2 ||
        bare_window == 0) {
        usage();
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    snprintf(base, sizeof(base), "%s", optind < argc ? argv[optind] : DEFAULT_PATH);
    size_t bl = strlen(base);
    if (bl > 5 && strcmp(base + bl - 5, ".pcap") == 0)
        base[bl - 5] = '\0';

    variant all[3] = { { .name = "pcap" }, { .name = "nsec", .nsec = 1 }, { .name = "pcapng", .pcapng = 1 } };
    snprintf(all[0].path, sizeof(all[0].path), "%s.pcap", base);
    snprintf(all[1].path, sizeof(all[1].path), "%s-nsec.pcap", base);
    snprintf(all[2].path, sizeof(all[2].path), "%s.pcapng", base);

    printf("savefile_bench: %s vs libpcap %s; %" PRIu64 " packets of %d bytes, %d rounds\n",
           capture_lib_version(), pcap_lib_version(), n, PKT_LEN, rounds);
    for (int i = 0; i < 3; i++) {
        if (!has_word(formats, all[i].name))
            continue;
        if ((all[i].pcapng && ensure_file(&all[0], all[0].path, n) != 0) ||
            ensure_file(&all[i], all[0].path, n) != 0 || bench_variant(&all[i], rounds) != 0)
            failed = 1;
    }
    return failed;
}
