/* test_live.c - the live suite, run against each live source in a network
 * namespace of its own: the BPF device source under the emulated /dev/bpf
 * (LD_PRELOAD=libbpfdev.so) for the flavour LCAP_BPF_FLAVOR names, or, with
 * LCAP_BPF_FLAVOR unset, the native Linux source (AF_PACKET ring). capsniff
 * capturing 10,000 UDP datagrams checked with libpcap, snaplen, kernel and
 * userland filters, timeouts, immediate and non-blocking modes, poll/select,
 * breakloop from a signal and a thread, statistics, faults, a vanishing
 * interface, sendpacket, direction, link types and the interface calls; on
 * the native source also the "any" device against libpcap, VLAN tags and
 * VLAN filters against libpcap (with and without the kernel's BPF
 * extensions: libfakesockopt.so preloaded), loopback, a filter changed under a full
 * ring and interface drop counts. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bpf/insn.h"
#include "bpf/program.h"
#include "capture.h"
#include "live/flavor.h"
#include "livenet.h"
#include "netif.h"
#include "reader.h"

#define UDP_PORT 7777
#define OTHER_PORT 8888
#define RUN_FRAMES 10000
/* capsniff's kernel buffer (-B, KiB). */
#define RUN_BUFFER_KIB 256

/* What a live source does, so that one list of cases serves every source:
 * the cases ask these rows, never the source's name. */
typedef struct source_facts {
    const char *name;
    int emulated;          /* the emulated BPF device: faults can be injected */
    /* How far the sender may run ahead of capsniff's file: less than the
     * kernel keeps (or it would drop), more than one of its buffers (so
     * that buffers fill). */
    long window_bytes;
    size_t kernel_max_insns; /* a longer program is run by the reader */
    /* Makes the kernel refuse the longer program: NULL where its length
     * alone does. Restored by the second call (on = 0). */
    void (*kernel_refuses)(int on);
    int nano;              /* nanosecond timestamps available */
    int sets_source_mac;   /* sendpacket: the kernel writes the source address */
    int direction[3];      /* capture_setdirection(d) works (CAPTURE_D_*) */
    int direction_seen[3]; /* and sends/receives are checked for d */
    int ndlt;              /* the link types LIVE_IF offers */
    int dlt[2];
    const char *perm_msg;  /* in the message of a permission failure */
    /* Statistics count only what the kernel filter passed (Linux), not all
     * the device received (BSD). */
    int recv_after_kernel_filter;
    /* A program the kernel refused is run by the reader (r->filter), not
     * by the source itself. */
    int reader_runs_refused;
} source_facts;

static const struct lcap_bpf_flavor *fl; /* emulated: the flavour */
static source_facts src;
static uint8_t frame[LIVE_MAX_FRAME + 4];

/* optmem_max is the namespace's own: a small one makes SO_ATTACH_FILTER
 * refuse a program with ENOMEM, as a tight kernel would (16 bytes: any
 * program, even the shortest, takes more of the socket's option memory). */
static void small_optmem(int on)
{
    static char saved[32];
    const char *path = "/proc/sys/net/core/optmem_max";
    FILE *f = fopen(path, on ? "r" : "w");
    assert_non_null(f);
    if (on) {
        assert_non_null(fgets(saved, sizeof saved, f));
        fclose(f);
        f = fopen(path, "w");
        assert_non_null(f);
        fputs("16", f);
    } else {
        fputs(saved, f);
    }
    fclose(f);
}

static void native_facts(void)
{
    src = (source_facts){
        .name = "native",
        .window_bytes = RUN_BUFFER_KIB * 1024 * 3 / 4,
        .kernel_max_insns = LCAP_BPF_KERNEL_MAXINSNS,
        .kernel_refuses = small_optmem,
        .nano = 1,
        .direction = { 1, 1, 1 },
        .direction_seen = { 1, 1, 1 },
        .ndlt = 2,
        .dlt = { CAPTURE_DLT_EN10MB, CAPTURE_DLT_DOCSIS },
        .perm_msg = "Operation not permitted",
        .recv_after_kernel_filter = 1,
    };
}

static void emulated_facts(void)
{
    static const enum lcap_bpf_dir as_flavour[] = { [CAPTURE_D_INOUT] = LCAP_BPF_DIR_INOUT,
                                                    [CAPTURE_D_IN] = LCAP_BPF_DIR_IN,
                                                    [CAPTURE_D_OUT] = LCAP_BPF_DIR_OUT };
    src = (source_facts){
        .name = fl->name,
        .emulated = 1,
        /* the device's store and hold buffers together hold twice -B */
        .window_bytes = RUN_BUFFER_KIB * 1024 * 3 / 2,
        .kernel_max_insns = LCAP_BPF_KERNEL_MAXINSNS,
        .nano = strcmp(fl->name, "freebsd") == 0 || strcmp(fl->name, "aix") == 0,
        .sets_source_mac = fl->req[LCAP_REQ_BIOCSHDRCMPLT] == 0,
        .ndlt = 2, /* DLT_DOCSIS added to a plain Ethernet's list, as libpcap does */
        .dlt = { CAPTURE_DLT_EN10MB, CAPTURE_DLT_DOCSIS },
        .perm_msg = fl->perm_hint,
        .reader_runs_refused = 1,
    };
    for (int d = CAPTURE_D_INOUT; d <= CAPTURE_D_OUT; d++)
        src.direction[d] = fl->dir_req != LCAP_REQ_COUNT && fl->dir_value[as_flavour[d]] >= 0;
    src.direction_seen[CAPTURE_D_IN] = src.direction[CAPTURE_D_IN];
}

/* ---- helpers ---- */

/* A reader on LIVE_IF with these options, activated (the code must be 0). */
static capture_reader *open_if(const char *ifname, int snaplen, int to_ms, int immediate)
{
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_create(ifname, err);
    assert_non_null(r);
    assert_int_equal(capture_set_snaplen(r, snaplen), 0);
    assert_int_equal(capture_set_timeout(r, to_ms), 0);
    assert_int_equal(capture_set_immediate_mode(r, immediate), 0);
    int rc = capture_activate(r);
    if (rc != 0)
        fail_msg("activate %s: %d %s", ifname, rc, capture_geterr(r));
    return r;
}

/* Sends frames first..first+n-1 of payload bytes each (0: the run's
 * livenet_payload_size), to port(i). */
static void send_frames(uint32_t first, uint32_t n, size_t payload, int alternate)
{
    int s = livenet_socket(LIVE_PEER);
    assert_true(s >= 0);
    for (uint32_t i = first; i < first + n; i++) {
        uint16_t port = alternate && (i % 2) ? OTHER_PORT : UDP_PORT;
        size_t len = livenet_frame(frame, i, payload ? payload : livenet_payload_size(i), port);
        assert_int_equal(livenet_send(s, frame, len), 0);
    }
    close(s);
}

#define GOT_SEQ 2000
typedef struct got {
    int n;
    uint32_t seq[GOT_SEQ];
    uint32_t caplen[64], len[64];
    int bad; /* bytes differing from the frame sent, or a bad timestamp */
} got;

static void collect(void *user, const capture_pkthdr *h, const uint8_t *d)
{
    got *g = user;
    uint8_t want[LIVE_MAX_FRAME];
    uint32_t seq = h->caplen >= 20 ? (uint32_t)(d[18] << 8 | d[19]) : 0xffffffffu;
    if (g->n < GOT_SEQ)
        g->seq[g->n] = seq;
    if (g->n < 64) {
        g->caplen[g->n] = h->caplen;
        g->len[g->n] = h->len;
    }
    size_t payload = h->len >= 42 ? h->len - 42 : 0;
    uint16_t port = h->caplen >= 38 ? (uint16_t)(d[36] << 8 | d[37]) : UDP_PORT;
    size_t wlen = livenet_frame(want, seq, payload, port);
    if (wlen != h->len || memcmp(want, d, h->caplen) != 0 || h->ts_nsec > 999999999u)
        g->bad++;
    g->n++;
}

/* Collects until n packets arrived (loop with a count). */
static void capture_n(capture_reader *r, got *g, int n)
{
    int rc = capture_loop(r, n, collect, g);
    if (rc != 0)
        fail_msg("loop: %d %s", rc, capture_geterr(r));
}

static const struct capture_insn port_filter[] = {
    { 0x28, 0, 0, 12 },        /* ldh [12] */
    { 0x15, 0, 3, 0x0800 },    /* jeq #0x800 */
    { 0x28, 0, 0, 36 },        /* ldh [36]: UDP destination port (IHL 5) */
    { 0x15, 0, 1, UDP_PORT },  /* jeq #7777 */
    { 0x06, 0, 0, 262144 },    /* ret #262144 */
    { 0x06, 0, 0, 0 },         /* ret #0 */
};

/* The same filter behind `pad` no-op loads (LCAP_BPF_KERNEL_MAXINSNS of them
 * make it longer than any BSD kernel takes). */
static capture_bpf *port_program(size_t pad)
{
    char err[CAPTURE_ERRBUF_SIZE];
    size_t n = pad + sizeof(port_filter) / sizeof(port_filter[0]);
    struct capture_insn *p = calloc(n, sizeof(*p));
    assert_non_null(p);
    for (size_t i = 0; i < pad; i++)
        p[i] = (struct capture_insn){ 0x01, 0, 0, 0 }; /* ldx #0 */
    memcpy(p + pad, port_filter, sizeof(port_filter));
    capture_bpf *prog = capture_bpf_from_insns(p, n, err);
    free(p);
    if (prog == NULL)
        fail_msg("%s", err);
    return prog;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Kills the test if a capture hangs. */
static void guard(unsigned seconds)
{
    signal(SIGALRM, SIG_DFL);
    alarm(seconds);
}

/* ---- capsniff: 10,000 datagrams ---- */

static void capsniff_ten_thousand(void **state)
{
    (void)state;
    const char *capsniff = getenv("LCAP_CAPSNIFF");
    assert_non_null(capsniff);
    char dir[] = "/tmp/lcap-live-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[128], count[16];
    snprintf(out, sizeof out, "%s/out.pcap", dir);
    snprintf(count, sizeof count, "%d", RUN_FRAMES);
    char buffer[16];
    snprintf(buffer, sizeof buffer, "%d", RUN_BUFFER_KIB);

    int errpipe[2];
    assert_int_equal(pipe(errpipe), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(errpipe[1], 2);
        close(errpipe[0]);
        /* As the issue writes it: capsniff -i IF -w out.pcap udp */
        execl(capsniff, capsniff, "-i", LIVE_IF, "-c", count, "-w", out, "-B", buffer, "udp",
              (char *)NULL);
        _exit(127);
    }
    close(errpipe[1]);
    /* Sending starts once capsniff says it listens. */
    char text[4096] = "";
    size_t have = 0;
    guard(60);
    while (strstr(text, "listening on") == NULL) {
        ssize_t n = read(errpipe[0], text + have, sizeof(text) - 1 - have);
        if (n <= 0)
            fail_msg("capsniff ended before listening: %.*s", (int)have, text);
        have += (size_t)n;
        text[have] = '\0';
    }
    int64_t t0 = livenet_now_ns();
    int s = livenet_socket(LIVE_PEER);
    assert_true(s >= 0);
    off_t written = 24; /* what out.pcap will hold once all sent so far is in */
    for (uint32_t i = 0; i < RUN_FRAMES; i++) {
        size_t len = livenet_frame(frame, i, livenet_payload_size(i), UDP_PORT);
        assert_int_equal(livenet_send(s, frame, len), 0);
        written += 16 + (off_t)len;
        /* Flow control on what capsniff has written (a count of bytes, no
         * timing), so the device's buffers cannot overflow. */
        struct stat st;
        while (stat(out, &st) == 0 && written - st.st_size > src.window_bytes)
            usleep(200);
    }
    close(s);
    int64_t t1 = livenet_now_ns();
    ssize_t n;
    while ((n = read(errpipe[0], text + have, sizeof(text) - 1 - have)) > 0) {
        have += (size_t)n;
        text[have] = '\0';
    }
    close(errpipe[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    alarm(0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("capsniff failed (%d): %s", status, text);
    char line[64];
    snprintf(line, sizeof line, "%d packets captured\n", RUN_FRAMES);
    assert_non_null(strstr(text, line));
    assert_non_null(strstr(text, "0 packets dropped by kernel\n"));

    /* libpcap reads back what capsniff wrote: every datagram once, in order. */
    char perr[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline_with_tstamp_precision(out, PCAP_TSTAMP_PRECISION_NANO, perr);
    if (p == NULL)
        fail_msg("libpcap: %s", perr);
    assert_int_equal(pcap_datalink(p), DLT_EN10MB);
    struct pcap_pkthdr *h;
    const u_char *d;
    uint8_t want[LIVE_MAX_FRAME];
    uint32_t i = 0;
    int64_t last = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
        size_t wlen = livenet_frame(want, i, livenet_payload_size(i), UDP_PORT);
        if (h->caplen != wlen || h->len != wlen || memcmp(d, want, wlen) != 0)
            fail_msg("packet %u: %u/%u bytes, want %zu, or other bytes", i, h->caplen, h->len, wlen);
        int64_t ts = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec; /* ns precision */
        /* Stamped on arrival: between the first send and the last, in order
         * (the device's clock is µs for most flavours: allow its truncation). */
        if (ts < t0 - 1000 || ts > t1 || ts < last)
            fail_msg("packet %u: timestamp %lld outside %lld..%lld or before %lld", i, (long long)ts,
                     (long long)t0, (long long)t1, (long long)last);
        last = ts;
        i++;
    }
    assert_int_equal(rc, PCAP_ERROR_BREAK);
    assert_int_equal(i, RUN_FRAMES);
    pcap_close(p);
    unlink(out);
    rmdir(dir);
}

/* ---- the library in-process ---- */

static void snaplen_truncates(void **state)
{
    (void)state;
    guard(20);
    capture_reader *r = open_if(LIVE_IF, 100, 100, 1);
    assert_int_equal(capture_snapshot(r), 100);
    assert_int_equal(capture_datalink(r), CAPTURE_DLT_EN10MB);
    send_frames(1, 5, 1000, 0);
    got g = { 0 };
    capture_n(r, &g, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(g.seq[i], (uint32_t)i + 1);
        assert_int_equal(g.caplen[i], 100);
        assert_int_equal(g.len[i], 1042);
    }
    assert_int_equal(g.bad, 0);
    capture_close(r);
}

/* A short program runs in the kernel; a long one the kernel refuses (over a
 * BSD kernel's 512 instructions; on Linux, over the socket's memory) is run
 * by the reader. Both keep the same packets. */
static void kernel_and_userland_filters(void **state)
{
    (void)state;
    guard(20);
    size_t pads[] = { 0, src.kernel_max_insns };
    for (size_t k = 0; k < 2; k++) {
        capture_reader *r = open_if(LIVE_IF, 0, 100, 1);
        capture_bpf *prog = port_program(pads[k]);
        if (k == 1 && src.kernel_refuses != NULL)
            src.kernel_refuses(1);
        int rc = capture_setfilter_bpf(r, prog);
        if (k == 1 && src.kernel_refuses != NULL)
            src.kernel_refuses(0);
        assert_int_equal(rc, 0);
        capture_bpf_free(prog);
        if (k == 0 || !src.reader_runs_refused)
            assert_null(r->filter); /* the kernel took it, or the source runs it */
        else
            assert_non_null(r->filter);
        send_frames(100, 10, 50, 1);
        got g = { 0 };
        capture_n(r, &g, 5);
        for (int i = 0; i < 5; i++)
            assert_int_equal(g.seq[i], 100u + 2 * (unsigned)i);
        assert_int_equal(g.bad, 0);
        /* Statistics count what the device received, before the filter;
         * on Linux, what passed a kernel filter. */
        capture_stat st;
        assert_int_equal(capture_stats(r, &st), 0);
        if (k == 0 && src.recv_after_kernel_filter)
            assert_true(st.recv >= 4 && st.recv <= 5);
        else
            assert_true(st.recv >= 9 && st.recv <= 10);
        assert_int_equal(st.drop, 0);
        capture_close(r);
    }
}

static void timeout_returns(void **state)
{
    (void)state;
    guard(20);
    capture_reader *r = open_if(LIVE_IF, 0, 300, 0);
    struct timespec t0;
    capture_pkthdr h;
    const uint8_t *d;
    got g = { 0 };
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(capture_dispatch(r, -1, collect, &g), 0);
    assert_int_equal(capture_next(r, &h, &d), 0);
    double took = seconds_since(&t0);
    assert_true(took < 3.0); /* two reads of a 300 ms timeout, never a hang */
    /* A packet waiting in the store buffer when the timeout expires is
     * delivered by that read (the buffer does not fill by itself). */
    send_frames(7, 1, 10, 0);
    assert_int_equal(capture_dispatch(r, -1, collect, &g), 1);
    assert_int_equal(g.n, 1);
    capture_close(r);
}

static void immediate_delivers_at_once(void **state)
{
    (void)state;
    guard(10); /* without immediate mode, this read would wait for a full buffer */
    capture_reader *r = open_if(LIVE_IF, 0, 0, 1);
    send_frames(42, 1, 20, 0);
    got g = { 0 };
    assert_int_equal(capture_dispatch(r, -1, collect, &g), 1);
    assert_int_equal(g.seq[0], 42);
    capture_close(r);
}

static void nonblocking_dispatch(void **state)
{
    (void)state;
    guard(10);
    capture_reader *r = open_if(LIVE_IF, 0, 0, 1);
    assert_int_equal(capture_getnonblock(r), 0);
    assert_int_equal(capture_setnonblock(r, 1), 0);
    assert_int_equal(capture_getnonblock(r), 1);
    got g = { 0 };
    for (int i = 0; i < 3; i++)
        assert_int_equal(capture_dispatch(r, -1, collect, &g), 0);
    capture_pkthdr h;
    const uint8_t *d;
    assert_int_equal(capture_next(r, &h, &d), 0);
    send_frames(5, 2, 20, 0);
    struct pollfd p = { capture_getfd(r), POLLIN, 0 };
    assert_int_equal(poll(&p, 1, 5000), 1);
    int n = 0;
    while (n < 2) {
        int rc = capture_dispatch(r, -1, collect, &g);
        assert_true(rc >= 0);
        n += rc;
    }
    assert_int_equal(g.n, 2);
    assert_int_equal(capture_setnonblock(r, 0), 0);
    assert_int_equal(capture_getnonblock(r), 0);
    capture_close(r);
}

static void select_and_poll(void **state)
{
    (void)state;
    guard(20);
    capture_reader *r = open_if(LIVE_IF, 0, 0, 1);
    int fd = capture_getfd(r);
    assert_true(fd >= 0);
    struct pollfd p = { fd, POLLIN, 0 };
    assert_int_equal(poll(&p, 1, 0), 0);
    send_frames(9, 3, 20, 0);
    assert_int_equal(poll(&p, 1, 5000), 1);
    assert_true(p.revents & POLLIN);
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    struct timeval tv = { 5, 0 };
    assert_int_equal(select(fd + 1, &set, NULL, NULL, &tv), 1);
    got g = { 0 };
    while (g.n < 3)
        assert_true(capture_dispatch(r, -1, collect, &g) >= 1);
    assert_int_equal(g.n, 3);
    capture_close(r);
}

static capture_reader *volatile signalled;
static void on_usr1(int sig)
{
    (void)sig;
    capture_breakloop(signalled);
}

struct later {
    pthread_t target;
    capture_reader *r;
    int by_signal;
};

static void *break_later(void *arg)
{
    struct later *l = arg;
    usleep(200 * 1000);
    if (l->by_signal)
        pthread_kill(l->target, SIGUSR1);
    else
        capture_breakloop(l->r);
    return NULL;
}

/* A loop blocked with no timeout and no traffic ends on capture_breakloop,
 * whether a signal handler (with or without SA_RESTART) or another thread
 * calls it. */
static void breakloop_wakes_a_blocked_loop(void **state)
{
    (void)state;
    for (int mode = 0; mode < 3; mode++) {
        guard(10);
        capture_reader *r = open_if(LIVE_IF, 0, 0, 0);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1;
        sa.sa_flags = mode == 1 ? SA_RESTART : 0;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, NULL);
        signalled = r;
        struct later l = { pthread_self(), r, mode < 2 };
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, break_later, &l), 0);
        got g = { 0 };
        assert_int_equal(capture_loop(r, -1, collect, &g), CAPTURE_ERROR_BREAK);
        pthread_join(t, NULL);
        /* The break is used up: the reader works on. */
        assert_int_equal(capture_setnonblock(r, 1), 0);
        assert_int_equal(capture_dispatch(r, -1, collect, &g), 0);
        signalled = NULL;
        capture_close(r);
    }
    signal(SIGUSR1, SIG_DFL);
}

static void statistics_count_what_was_sent(void **state)
{
    (void)state;
    guard(20);
    capture_reader *r = open_if(LIVE_IF, 0, 100, 1);
    capture_stat st;
    assert_int_equal(capture_stats(r, &st), 0);
    assert_int_equal(st.recv, 0);
    send_frames(300, 20, 100, 0);
    got g = { 0 };
    capture_n(r, &g, 20);
    assert_int_equal(capture_stats(r, &st), 0);
    assert_int_equal(st.recv, 20);
    assert_int_equal(st.drop, 0);
    assert_int_equal(st.ifdrop, 0);
    /* Counted since activation: a second read adds, it does not restart. */
    send_frames(320, 2, 100, 0);
    capture_n(r, &g, 2);
    assert_int_equal(capture_stats(r, &st), 0);
    assert_int_equal(st.recv, 22);
    capture_close(r);
}

/* One injected fault: what activate says, and the message. */
static const struct fault_row {
    const char *spec;
    int promisc;
    int rc;          /* capture_activate's code */
    const char *msg; /* in capture_geterr, NULL: nothing to check */
} activate_faults[] = {
    { "open:EACCES", 0, CAPTURE_ERROR_PERM_DENIED, "Permission denied" },
    { "open:EBUSY*1", 0, 0, NULL },
    { "open:EBUSY", 0, CAPTURE_ERROR, "busy" },
    { "open:ENOENT", 0, CAPTURE_ERROR, "no BPF device" },
    { "ioctl.BIOCVERSION:EINVAL", 0, CAPTURE_ERROR, "BIOCVERSION: Invalid argument" },
    { "ioctl.BIOCSETIF:ENXIO", 0, CAPTURE_ERROR_NO_SUCH_DEVICE, "no such device" },
    { "ioctl.BIOCSETIF:ENETDOWN", 0, CAPTURE_ERROR_IFACE_NOT_UP, "is down" },
    { "ioctl.BIOCSETIF:ENOBUFS*2", 0, 0, NULL }, /* the buffer shrinks until it fits */
    { "ioctl.BIOCSETIF:ENOBUFS", 0, CAPTURE_ERROR, "buffer size" },
    { "ioctl.BIOCPROMISC:EINVAL", 1, CAPTURE_WARNING_PROMISC_NOTSUP, "BIOCPROMISC" },
    { "ioctl.BIOCGDLT:EIO", 0, CAPTURE_ERROR, "BIOCGDLT" },
    { "ioctl.BIOCIMMEDIATE:EINVAL", 0, CAPTURE_ERROR, "BIOCIMMEDIATE" },
};

static capture_reader *with_fault(const char *spec, int promisc, int *rc)
{
    char err[CAPTURE_ERRBUF_SIZE];
    setenv("BPFDEV_FAULT", spec, 1);
    capture_reader *r = capture_create(LIVE_IF, err);
    assert_non_null(r);
    capture_set_timeout(r, 100);
    capture_set_immediate_mode(r, 1);
    capture_set_promisc(r, promisc);
    *rc = capture_activate(r);
    return r;
}

static void activation_faults(void **state)
{
    (void)state;
    guard(30);
    for (size_t i = 0; i < sizeof(activate_faults) / sizeof(activate_faults[0]); i++) {
        const struct fault_row *f = &activate_faults[i];
        int rc;
        capture_reader *r = with_fault(f->spec, f->promisc, &rc);
        if (rc != f->rc)
            fail_msg("%s: activate %d (%s), want %d", f->spec, rc, capture_geterr(r), f->rc);
        if (f->msg != NULL && strstr(capture_geterr(r), f->msg) == NULL)
            fail_msg("%s: message '%s' lacks '%s'", f->spec, capture_geterr(r), f->msg);
        if (f->rc == CAPTURE_ERROR_PERM_DENIED) /* the OS's way to get permission */
            assert_non_null(strstr(capture_geterr(r), src.perm_msg));
        if (f->rc >= 0) { /* activated: it captures */
            send_frames(500 + (uint32_t)i, 1, 10, 0);
            got g = { 0 };
            capture_n(r, &g, 1);
        } else {
            got g = { 0 };
            assert_int_equal(capture_dispatch(r, -1, collect, &g), CAPTURE_ERROR_NOT_ACTIVATED);
        }
        capture_close(r);
    }
    unsetenv("BPFDEV_FAULT");

    /* Read-only when only reading is allowed: capture works, sending not. */
    int rc;
    capture_reader *r = with_fault("open:EACCES*1", 0, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(capture_sendpacket(r, frame, livenet_frame(frame, 1, 10, UDP_PORT)), CAPTURE_ERROR);
    assert_non_null(strstr(capture_geterr(r), "read-only"));
    capture_close(r);
    unsetenv("BPFDEV_FAULT");
}

/* What activation says of real interfaces: one that does not exist, one
 * that is down; and, from a user without the privilege, permission denied. */
static void activation_errors(void **state)
{
    (void)state;
    guard(20);
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_create("nosuch0", err);
    assert_int_equal(capture_activate(r), CAPTURE_ERROR_NO_SUCH_DEVICE);
    capture_close(r);
    r = capture_create(LIVE_DOWN, err);
    assert_int_equal(capture_activate(r), CAPTURE_ERROR_IFACE_NOT_UP);
    capture_close(r);
    assert_null(capture_open_live("nosuch0", 0, 0, 100, err));
    assert_non_null(strstr(err, "nosuch0"));
    if (src.emulated)
        return; /* the emulated device's permissions are the fault rows' */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        r = capture_create(LIVE_IF, err);
        int rc = capture_activate(r);
        int said = strstr(capture_geterr(r), src.perm_msg) != NULL;
        capture_close(r);
        _exit(rc == CAPTURE_ERROR_PERM_DENIED && said ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Faults while reading: retried where the OS says so, else an error. */
static void read_faults(void **state)
{
    (void)state;
    static const struct { const char *spec; int ok; const char *msg; } rows[] = {
        { "read:EINTR*1", 1, NULL },
        { "poll:EINTR*1", 1, NULL },
        { "read:EIO", 0, "went away" },
        { "read:ENXIO", 0, "went away" },
        { "read:EFAULT*1", -1, "Bad address" }, /* -1: retried only where the OS fails so spuriously */
        { "read:ENOMEM", 0, "Cannot allocate memory" },
    };
    guard(30);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int rc;
        capture_reader *r = with_fault(rows[i].spec, 0, &rc);
        assert_int_equal(rc, 0);
        send_frames(600 + (uint32_t)i, 1, 10, 0);
        got g = { 0 };
        int ok = rows[i].ok < 0 ? fl->spurious_efault : rows[i].ok;
        rc = capture_loop(r, 1, collect, &g);
        if (ok) {
            if (rc != 0 || g.n != 1)
                fail_msg("%s: loop %d (%s), %d packets", rows[i].spec, rc, capture_geterr(r), g.n);
        } else {
            assert_int_equal(rc, CAPTURE_ERROR);
            if (strstr(capture_geterr(r), rows[i].msg) == NULL)
                fail_msg("%s: message '%s' lacks '%s'", rows[i].spec, capture_geterr(r), rows[i].msg);
        }
        capture_close(r);
    }
    /* BIOCSETF refused for the user's program (the snapshot program at
     * activation was the first BIOCSETF): the reader filters instead. */
    int rc;
    capture_reader *r = with_fault("ioctl.BIOCSETF:EINVAL*1@after=1", 0, &rc);
    assert_int_equal(rc, 0);
    capture_bpf *prog = port_program(0);
    assert_int_equal(capture_setfilter_bpf(r, prog), 0);
    assert_non_null(r->filter);
    capture_bpf_free(prog);
    send_frames(700, 4, 10, 1);
    got g = { 0 };
    capture_n(r, &g, 2);
    assert_int_equal(g.seq[0], 700);
    assert_int_equal(g.seq[1], 702);
    capture_close(r);
    /* Any other BIOCSETF failure is an error, and says so. */
    r = with_fault("ioctl.BIOCSETF:ENOMEM@after=1", 0, &rc);
    prog = port_program(0);
    assert_int_equal(capture_setfilter_bpf(r, prog), CAPTURE_ERROR);
    assert_non_null(strstr(capture_geterr(r), "BIOCSETF"));
    capture_bpf_free(prog);
    capture_close(r);
    unsetenv("BPFDEV_FAULT");
}

static void *delete_later(void *arg)
{
    (void)arg;
    usleep(300 * 1000);
    livenet_run("ip link del lvx0");
    return NULL;
}

/* The interface disappears under a running loop: an error, never a hang,
 * with a read timeout and (where the kernel says so itself) without. */
static void interface_deleted(void **state)
{
    (void)state;
    static const int timeouts[] = { 100, 0 };
    for (size_t k = 0; k < (src.emulated ? 1u : 2u); k++) {
        guard(20);
        assert_int_equal(livenet_run("ip link add lvx0 type veth peer name lvx1 && "
                                     "ip link set lvx0 up && ip link set lvx1 up"), 0);
        capture_reader *r = open_if("lvx0", 0, timeouts[k], 0);
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, delete_later, NULL), 0);
        got g = { 0 };
        assert_int_equal(capture_loop(r, -1, collect, &g), CAPTURE_ERROR);
        assert_non_null(strstr(capture_geterr(r), "went away"));
        assert_non_null(strstr(capture_geterr(r), "lvx0"));
        pthread_join(t, NULL);
        capture_close(r);
    }
}

static void sendpacket_reaches_peer(void **state)
{
    (void)state;
    guard(20);
    capture_reader *r = open_if(LIVE_IF, 0, 100, 1);
    int s = livenet_socket(LIVE_PEER);
    assert_true(s >= 0);
    struct timeval tv = { 5, 0 };
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t sizes[] = { 1, 500, 9000 };
    for (size_t i = 0; i < 3; i++) {
        uint8_t sent[LIVE_MAX_FRAME], recvd[LIVE_MAX_FRAME];
        size_t len = livenet_frame(sent, 800 + (uint32_t)i, sizes[i], UDP_PORT);
        assert_int_equal(capture_sendpacket(r, sent, len), 0);
        ssize_t n = recv(s, recvd, sizeof recvd, 0);
        assert_int_equal(n, (ssize_t)len);
        /* Without BIOCSHDRCMPLT (AIX) the kernel writes the interface's own
         * address as the source: LIVE_IF's, which the frame has as its
         * destination. */
        if (src.sets_source_mac)
            memcpy(sent + 6, sent, 6);
        assert_memory_equal(recvd, sent, len);
    }
    close(s);
    capture_close(r);
}

/* Each source's direction requests ("not supported" where it has none);
 * where they are checked, one frame leaves LIVE_IF and one arrives, and
 * each direction sees its own. */
static void direction(void **state)
{
    (void)state;
    guard(20);
    capture_reader *r = open_if(LIVE_IF, 0, 100, 1);
    for (int d = CAPTURE_D_INOUT; d <= CAPTURE_D_OUT; d++) {
        int rc = capture_setdirection(r, d);
        if (src.direction[d] ? rc != 0
                             : rc != CAPTURE_ERROR || strstr(capture_geterr(r), "not supported") == NULL)
            fail_msg("direction %d: %d (%s)", d, rc, capture_geterr(r));
    }
    capture_close(r);
    static const uint32_t first[] = { [CAPTURE_D_INOUT] = 900, [CAPTURE_D_IN] = 901,
                                      [CAPTURE_D_OUT] = 900 };
    static const int count[] = { [CAPTURE_D_INOUT] = 2, [CAPTURE_D_IN] = 1, [CAPTURE_D_OUT] = 1 };
    for (int d = CAPTURE_D_INOUT; d <= CAPTURE_D_OUT; d++) {
        if (!src.direction_seen[d])
            continue;
        r = open_if(LIVE_IF, 0, 100, 1);
        assert_int_equal(capture_setdirection(r, d), 0);
        /* Out through another socket: a packet socket never sees its own. */
        int s = livenet_socket(LIVE_IF);
        assert_true(s >= 0);
        assert_int_equal(livenet_send(s, frame, livenet_frame(frame, 900, 10, UDP_PORT)), 0);
        close(s);
        send_frames(901, 1, 10, 0);
        got g = { 0 };
        capture_n(r, &g, count[d]);
        usleep(50 * 1000);
        assert_int_equal(capture_setnonblock(r, 1), 0);
        while (capture_dispatch(r, -1, collect, &g) > 0)
            ;
        if (g.n != count[d] || g.seq[0] != first[d])
            fail_msg("direction %d: %d packets, first %u", d, g.n, g.seq[0]);
        assert_int_equal(g.bad, 0);
        capture_close(r);
    }
}

/* The link-type list (and switching among it), and nanosecond stamps where
 * the source has them. */
static void datalinks_and_precision(void **state)
{
    (void)state;
    guard(20);
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_create(LIVE_IF, err);
    int *dlts;
    assert_int_equal(capture_list_datalinks(r, &dlts), CAPTURE_ERROR_NOT_ACTIVATED);
    assert_int_equal(capture_set_datalink(r, CAPTURE_DLT_EN10MB), CAPTURE_ERROR_NOT_ACTIVATED);
    int rc = capture_set_tstamp_precision(r, CAPTURE_TSTAMP_PRECISION_NANO);
    assert_int_equal(rc, src.nano ? 0 : CAPTURE_ERROR_TSTAMP_PRECISION_NOTSUP);
    assert_int_equal(capture_set_tstamp_precision(r, CAPTURE_TSTAMP_PRECISION_MICRO), 0);
    assert_int_equal(capture_set_tstamp_precision(r, 7), CAPTURE_ERROR_TSTAMP_PRECISION_NOTSUP);
    if (src.nano)
        assert_int_equal(capture_set_tstamp_precision(r, CAPTURE_TSTAMP_PRECISION_NANO), 0);
    capture_set_timeout(r, 100);
    capture_set_immediate_mode(r, 1);
    assert_int_equal(capture_activate(r), 0);
    assert_int_equal(capture_list_datalinks(r, &dlts), src.ndlt);
    for (int i = 0; i < src.ndlt; i++)
        assert_int_equal(dlts[i], src.dlt[i]);
    capture_free_datalinks(dlts);
    assert_int_equal(capture_get_tstamp_precision(r), src.nano ? CAPTURE_TSTAMP_PRECISION_NANO
                                                               : CAPTURE_TSTAMP_PRECISION_MICRO);
    /* Each offered type can be chosen (the packets stay as they are: the
     * wire's bytes, named otherwise); others are refused. */
    for (int i = src.ndlt - 1; i >= 0; i--) {
        assert_int_equal(capture_set_datalink(r, src.dlt[i]), 0);
        assert_int_equal(capture_datalink(r), src.dlt[i]);
        send_frames(1100 + (uint32_t)i, 1, 10, 0);
        got g = { 0 };
        capture_n(r, &g, 1);
        assert_int_equal(g.seq[0], 1100 + (uint32_t)i);
        assert_int_equal(g.bad, 0);
    }
    assert_int_equal(capture_set_datalink(r, CAPTURE_DLT_LINUX_SLL2), CAPTURE_ERROR);
    assert_non_null(strstr(capture_geterr(r), "LINUX_SLL2 is not one of the DLTs"));
    assert_int_equal(capture_datalink(r), CAPTURE_DLT_EN10MB);
    /* Nanosecond stamps are not all whole microseconds (20 of them being so
     * by chance: one in 10^60); microsecond ones always are. */
    int64_t t0 = livenet_now_ns();
    send_frames(1000, 20, 10, 0);
    int64_t t1 = livenet_now_ns();
    int sub_us = 0;
    for (int i = 0; i < 20; i++) {
        capture_pkthdr h;
        const uint8_t *d;
        int got_one;
        while ((got_one = capture_next(r, &h, &d)) == 0)
            ;
        assert_int_equal(got_one, 1);
        int64_t ts = h.ts_sec * 1000000000 + h.ts_nsec;
        assert_true(ts >= t0 - 1000 && ts <= t1);
        sub_us += h.ts_nsec % 1000 != 0;
    }
    if (src.nano)
        assert_true(sub_us > 0);
    else
        assert_int_equal(sub_us, 0);
    capture_close(r);
}

/* ---- the BPF device source only ---- */

/* The emulated device's link header length for dlt. */
static size_t bpf_link_len(int dlt)
{
    return dlt == CAPTURE_DLT_NULL ? 4 : dlt == CAPTURE_DLT_IEEE802_11_RADIO ? 40 : 14;
}

/* What a frame sent as livenet_frame(seq) is in a record of dlt: its bytes
 * after the Ethernet header, behind the emulated device's header of that
 * type (tests/bpfdev/README.md, BPFDEV_DLTS); the header's length. */
static size_t bpf_link_header(int dlt, const uint8_t *eth, uint8_t *out)
{
    static const uint8_t radio[] = { 0, 0, 8, 0, 0, 0, 0, 0, 0x08, 0x02, 0, 0 };
    static const uint8_t snap[] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
    uint32_t af_inet = 2;
    switch (dlt) {
    case CAPTURE_DLT_NULL:
        memcpy(out, &af_inet, 4);
        return 4;
    case CAPTURE_DLT_IEEE802_11_RADIO:
        memset(out, 0, 40);
        memcpy(out, radio, sizeof radio);
        memcpy(out + 12, eth, 6);
        memcpy(out + 18, eth + 6, 6);
        memcpy(out + 24, eth + 6, 6);
        memcpy(out + 32, snap, sizeof snap);
        return 40;
    default: /* EN10MB and DOCSIS: the Ethernet frame itself */
        memcpy(out, eth, 14);
        return 14;
    }
}

typedef struct typed_got {
    int dlt, n, bad;
    uint32_t seq[8];
} typed_got;

static void collect_typed(void *user, const capture_pkthdr *h, const uint8_t *d)
{
    typed_got *g = user;
    uint8_t eth[LIVE_MAX_FRAME], want[LIVE_MAX_FRAME + 40];
    size_t hdr = bpf_link_len(g->dlt);
    uint32_t seq = h->caplen >= hdr + 6 ? (uint32_t)(d[hdr + 4] << 8 | d[hdr + 5]) : 0xffffffffu;
    size_t payload = h->len >= hdr + 28 ? h->len - hdr - 28 : 0;
    size_t elen = livenet_frame(eth, seq, payload, UDP_PORT);
    assert_int_equal(bpf_link_header(g->dlt, eth, want), hdr);
    memcpy(want + hdr, eth + 14, elen - 14);
    if (h->len != hdr + elen - 14 || h->caplen != h->len || memcmp(want, d, h->caplen) != 0)
        g->bad++;
    if (g->n < 8)
        g->seq[g->n] = seq;
    g->n++;
}

/* Up to `want` records in a bounded number of read timeouts. */
static void capture_typed(capture_reader *r, typed_got *g, int want)
{
    for (int tries = 0; g->n < want && tries < 30; tries++) {
        int rc = capture_dispatch(r, want - g->n, collect_typed, g);
        if (rc < 0)
            fail_msg("dispatch: %d %s", rc, capture_geterr(r));
    }
}

/* capture_set_datalink on /dev/bpf: the emulated device offers LIVE_IF also
 * as DLT_IEEE802_11_RADIO and DLT_NULL (BPFDEV_DLTS). The list is libpcap's
 * after activation (macOS leaves 802.11 out without monitor mode; AIX has no
 * list, so Ethernet and DOCSIS only); each type offered is set by BIOCSDLT,
 * delivers its records and takes a filter compiled for it (the same
 * expression compiled for Ethernet would match none of them); then back to
 * Ethernet; types not offered, and a device refusing BIOCSDLT, are errors
 * that leave the type as it was. */
static void bpf_set_datalink(void **state)
{
    (void)state;
    guard(60);
    setenv("BPFDEV_DLTS", LIVE_IF ":127:0", 1);
    int has_list = fl->req[LCAP_REQ_BIOCGDLTLIST] != 0;
    int want[3], nwant = 0;
    want[nwant++] = CAPTURE_DLT_EN10MB;
    if (!has_list)
        want[nwant++] = CAPTURE_DLT_DOCSIS;
    if (has_list && !fl->hide_80211)
        want[nwant++] = CAPTURE_DLT_IEEE802_11_RADIO;
    if (has_list)
        want[nwant++] = CAPTURE_DLT_NULL;
    capture_reader *r = open_if(LIVE_IF, 0, 100, 0); /* reads gather what 100 ms bring */
    int *dlts;
    assert_int_equal(capture_list_datalinks(r, &dlts), nwant);
    for (int i = 0; i < nwant; i++)
        assert_int_equal(dlts[i], want[i]);
    capture_free_datalinks(dlts);
    assert_int_equal(capture_datalink(r), CAPTURE_DLT_EN10MB);

    for (int i = nwant - 1; i >= 0; i--) {
        /* DOCSIS frames have no protocol tests (libpcap's compiler neither):
         * refused there, which shows the filter is compiled for the new type. */
        int docsis = want[i] == CAPTURE_DLT_DOCSIS;
        /* Ethernet to DOCSIS and back only renames the same frames. */
        int rename = docsis || capture_datalink(r) == CAPTURE_DLT_DOCSIS;
        if (!rename) {
            /* Two records read in the old type, one taken: the other must
             * not come out under the new one. */
            send_frames(1290 + (uint32_t)i, 2, 10, 0);
            got old = { 0 };
            while (old.n == 0)
                assert_true(capture_dispatch(r, 1, collect, &old) >= 0);
        }
        assert_int_equal(capture_set_datalink(r, want[i]), 0);
        assert_int_equal(capture_datalink(r), want[i]);
        if (!rename) {
            typed_got stale = { .dlt = want[i] };
            assert_int_equal(capture_dispatch(r, -1, collect_typed, &stale), 0);
        }
        if (docsis) {
            assert_int_equal(capture_setfilter(r, "udp dst port 7777"), CAPTURE_ERROR);
            assert_non_null(strstr(capture_geterr(r), "DOCSIS"));
        }
        assert_int_equal(capture_setfilter(r, docsis ? "" : "udp dst port 7777"), 0);
        uint32_t first = 1300 + 10 * (uint32_t)i;
        send_frames(first, docsis ? 3 : 6, 10 + (size_t)i, !docsis); /* odd ones to OTHER_PORT */
        typed_got g = { .dlt = want[i] };
        capture_typed(r, &g, 3);
        if (g.n != 3)
            fail_msg("%s: %d of 3 records", capture_datalink_val_to_name(want[i]), g.n);
        assert_int_equal(g.bad, 0);
        for (int k = 0; k < 3; k++)
            assert_int_equal(g.seq[k], first + (docsis ? 1u : 2u) * (uint32_t)k);
        assert_int_equal(capture_dispatch(r, -1, collect_typed, &g), 0); /* nothing for 8888 */
    }
    assert_int_equal(capture_datalink(r), CAPTURE_DLT_EN10MB);

    /* Not offered: refused, the type unchanged. */
    assert_int_equal(capture_set_datalink(r, CAPTURE_DLT_IEEE802_11), CAPTURE_ERROR);
    assert_non_null(strstr(capture_geterr(r), "IEEE802_11 is not one of the DLTs"));
    if (!has_list || fl->hide_80211) {
        int other = has_list ? CAPTURE_DLT_IEEE802_11_RADIO : CAPTURE_DLT_NULL;
        assert_int_equal(capture_set_datalink(r, other), CAPTURE_ERROR);
        assert_non_null(strstr(capture_geterr(r), "is not one of the DLTs"));
    }
    assert_int_equal(capture_datalink(r), CAPTURE_DLT_EN10MB);
    capture_close(r);

    if (has_list) {
        /* The device refuses BIOCSDLT: an error naming it, the type unchanged. */
        int rc;
        r = with_fault("ioctl.BIOCSDLT:EINVAL", 0, &rc);
        assert_int_equal(rc, 0);
        assert_int_equal(capture_set_datalink(r, CAPTURE_DLT_NULL), CAPTURE_ERROR);
        assert_non_null(strstr(capture_geterr(r), "BIOCSDLT"));
        assert_int_equal(capture_datalink(r), CAPTURE_DLT_EN10MB);
        capture_close(r);
        /* A list the device cannot give fails activation (EINVAL means none). */
        r = with_fault("ioctl.BIOCGDLTLIST:EIO", 0, &rc);
        assert_int_equal(rc, CAPTURE_ERROR);
        assert_non_null(strstr(capture_geterr(r), "BIOCGDLTLIST"));
        capture_close(r);
        r = with_fault("ioctl.BIOCGDLTLIST:EINVAL", 0, &rc);
        assert_int_equal(rc, 0);
        assert_int_equal(capture_list_datalinks(r, &dlts), 2);
        assert_int_equal(dlts[1], CAPTURE_DLT_DOCSIS);
        capture_free_datalinks(dlts);
        capture_close(r);
        unsetenv("BPFDEV_FAULT");
    }
    unsetenv("BPFDEV_DLTS");
}

static void interfaces(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE], name[64];
    char **names;
    int n = capture_findalldevs(&names, err);
    assert_true(n >= 4);
    int seen = 0;
    for (int i = 0; i < n; i++)
        seen |= (strcmp(names[i], "lo") == 0) | (strcmp(names[i], LIVE_IF) == 0) << 1 |
                (strcmp(names[i], LIVE_DOWN) == 0) << 2;
    assert_null(names[n]);
    capture_freealldevs(names);
    assert_int_equal(seen, 7);
    /* The first interface up that is not loopback: one of the pair. */
    assert_int_equal(capture_lookupdev(name, sizeof name, err), 0);
    assert_true(strcmp(name, LIVE_IF) == 0 || strcmp(name, LIVE_PEER) == 0);
    assert_int_equal(capture_lookupdev(name, 2, err), CAPTURE_ERROR);

    /* Network and mask of an interface with an address (the one left down,
     * so that no traffic crosses the pair). */
    uint32_t net, mask;
    assert_int_equal(lcap_netif_lookupnet(LIVE_DOWN, &net, &mask, err), CAPTURE_ERROR);
    assert_int_equal(livenet_run("ip addr add 10.77.1.9/20 dev " LIVE_DOWN), 0);
    assert_int_equal(lcap_netif_lookupnet(LIVE_DOWN, &net, &mask, err), 0);
    assert_int_equal(net, 0x0a4d0000u);
    assert_int_equal(mask, 0xfffff000u);
    /* A reader on an interface without IPv4 knows none. */
    capture_reader *r = open_if(LIVE_IF, 0, 100, 1);
    assert_int_equal(capture_getnet(r), 0);
    assert_int_equal(capture_getmask(r), 0);
    capture_close(r);
}

/* ---- the native source only ---- */

/* 2,000 datagrams of every size into a 64 MiB ring, read in-process: each
 * once, in order, with its bytes. */
static void ring_datagrams_in_order(void **state)
{
    (void)state;
    guard(60);
    static got g;
    memset(&g, 0, sizeof g);
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_create(LIVE_IF, err);
    assert_non_null(r);
    assert_int_equal(capture_set_timeout(r, 100), 0);
    assert_int_equal(capture_set_buffer_size(r, 64 * 1024 * 1024), 0);
    assert_int_equal(capture_activate(r), 0);
    send_frames(0, GOT_SEQ, 0, 0);
    assert_int_equal(capture_loop(r, GOT_SEQ, collect, &g), 0);
    assert_int_equal(g.n, GOT_SEQ);
    assert_int_equal(g.bad, 0);
    for (uint32_t i = 0; i < GOT_SEQ; i++)
        assert_int_equal(g.seq[i], i);
    assert_int_equal(capture_dispatch(r, -1, collect, &g), 0); /* nothing more */
    assert_int_equal(g.n, GOT_SEQ);
    capture_close(r);
}

/* Packets already in the ring when a kernel filter is attached were taken
 * under no filter: those the new one refuses must not come out. */
static void kernel_filter_recheck(void **state)
{
    (void)state;
    guard(20);
    got g = { 0 };
    capture_reader *r = open_if(LIVE_IF, 0, 100, 0);
    send_frames(100, 4, 50, 1);
    usleep(50 * 1000);
    capture_bpf *prog = port_program(0);
    assert_int_equal(capture_setfilter_bpf(r, prog), 0);
    assert_null(r->filter); /* in the kernel */
    capture_bpf_free(prog);
    send_frames(200, 10, 50, 1);
    capture_n(r, &g, 7);
    assert_int_equal(g.seq[0], 100);
    assert_int_equal(g.seq[1], 102);
    for (int i = 0; i < 5; i++)
        assert_int_equal(g.seq[2 + i], 200u + 2 * (unsigned)i);
    assert_int_equal(capture_dispatch(r, -1, collect, &g), 0);
    assert_int_equal(g.n, 7);
    assert_int_equal(g.bad, 0);
    capture_close(r);
}

/* A frame with 802.1Q tag `tci` (TPID 0x8100) made from frame seq. */
static size_t tagged_frame(uint8_t *out, uint32_t seq, uint16_t tci)
{
    uint8_t plain[LIVE_MAX_FRAME];
    size_t len = livenet_frame(plain, seq, 64, UDP_PORT);
    memcpy(out, plain, 12);
    out[12] = 0x81, out[13] = 0x00, out[14] = (uint8_t)(tci >> 8), out[15] = (uint8_t)tci;
    memcpy(out + 16, plain + 12, len - 12);
    return len + 4;
}

/* The kernel takes tags out of frames (even a priority tag, VID 0): they
 * are captured as sent. */
static void vlan_tag_put_back(void **state)
{
    (void)state;
    guard(20);
    static const uint16_t tcis[] = { 0x202a, 0x0000, 0xe001 };
    capture_reader *r = open_if(LIVE_IF, 0, 100, 1);
    int s = livenet_socket(LIVE_PEER);
    assert_true(s >= 0);
    for (size_t i = 0; i < sizeof(tcis) / sizeof(tcis[0]); i++) {
        uint8_t tagged[LIVE_MAX_FRAME + 4];
        size_t len = tagged_frame(tagged, 500 + (uint32_t)i, tcis[i]);
        assert_int_equal(livenet_send(s, tagged, len), 0);
        capture_pkthdr h;
        const uint8_t *d;
        int rc;
        while ((rc = capture_next(r, &h, &d)) == 0)
            ;
        assert_int_equal(rc, 1);
        assert_int_equal(h.len, len);
        assert_int_equal(h.caplen, len);
        assert_memory_equal(d, tagged, len);
    }
    close(s);
    capture_close(r);
}

/* Frames sent in order: untagged (tci < 0) or tagged; with `want` set,
 * the filter must keep them. The last one is wanted, so a frame let
 * through wrongly comes out before it and differs from what is expected. */
typedef struct vlan_frame { int tci, want; } vlan_frame;

static void vlan_filter_case(const char *filter, const vlan_frame *f, size_t nf)
{
    capture_reader *r = open_if(LIVE_IF, 0, 100, 1);
    assert_int_equal(capture_setfilter(r, filter), 0);
    assert_null(r->filter); /* the source filters */
    int s = livenet_socket(LIVE_PEER);
    assert_true(s >= 0);
    uint8_t sent[8][LIVE_MAX_FRAME + 4];
    size_t lens[8];
    assert_true(nf <= 8);
    for (size_t i = 0; i < nf; i++) {
        uint32_t seq = 700 + (uint32_t)i;
        lens[i] = f[i].tci < 0 ? livenet_frame(sent[i], seq, 64, UDP_PORT)
                               : tagged_frame(sent[i], seq, (uint16_t)f[i].tci);
        assert_int_equal(livenet_send(s, sent[i], lens[i]), 0);
    }
    close(s);
    for (size_t i = 0; i < nf; i++) {
        if (!f[i].want)
            continue;
        capture_pkthdr h;
        const uint8_t *d;
        int rc;
        while ((rc = capture_next(r, &h, &d)) == 0)
            ;
        assert_int_equal(rc, 1);
        assert_int_equal(h.len, lens[i]);
        assert_int_equal(h.caplen, lens[i]);
        assert_memory_equal(d, sent[i], lens[i]);
    }
    capture_close(r);
}

/* The kernel runs its filter on frames without their tag: `vlan` still
 * means the tag as captured (issue 9). */
static void vlan_kernel_filter(void **state)
{
    (void)state;
    guard(30);
    static const vlan_frame five[] = {
        { -1, 0 }, { 6, 0 }, { 5, 1 }, { -1, 0 }, { 0x2006, 0 }, { 0xa005, 1 },
    };
    vlan_filter_case("vlan 5", five, sizeof(five) / sizeof(five[0]));
    vlan_filter_case("vlan and udp", (const vlan_frame[]){ { -1, 0 }, { 6, 1 }, { -1, 0 }, { 5, 1 } },
                     4);
    static const vlan_frame untagged[] = {
        { 5, 0 }, { -1, 1 }, { 6, 0 }, { 0, 0 }, { -1, 1 },
    };
    vlan_filter_case("not vlan", untagged, sizeof(untagged) / sizeof(untagged[0]));
}

static void count_one(void *user, const capture_pkthdr *h, const uint8_t *d)
{
    (void)h, (void)d;
    ++*(int *)user;
}

/* On loopback each datagram is captured once, not once out and once in. */
static void loopback_once(void **state)
{
    (void)state;
    guard(20);
    capture_reader *r = open_if("lo", 0, 100, 1);
    assert_int_equal(capture_setfilter(r, "udp"), 0); /* not the ICMP answers */
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
    to.sin_addr.s_addr = htonl(0x7f000001);
    for (int i = 0; i < 3; i++)
        assert_int_equal(sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof to), 1);
    close(s);
    /* Read until the three came (a loaded machine may take several read
     * timeouts), then what else is there: nothing. */
    int n = 0;
    for (int timeouts = 0; n < 3 && timeouts < 50;) {
        int rc = capture_dispatch(r, -1, count_one, &n);
        assert_true(rc >= 0);
        timeouts += rc == 0;
    }
    usleep(50 * 1000);
    assert_int_equal(capture_setnonblock(r, 1), 0);
    while (capture_dispatch(r, -1, count_one, &n) > 0)
        ;
    assert_int_equal(n, 3);
    capture_close(r);
}

/* What a reader delivered, kept to compare with libpcap. */
#define ANY_MAX 64
typedef struct kept {
    int n;
    uint32_t caplen[ANY_MAX], len[ANY_MAX];
    uint8_t data[ANY_MAX][128];
} kept;

static void keep(kept *k, uint32_t caplen, uint32_t len, const uint8_t *d)
{
    if (k->n < ANY_MAX) {
        k->caplen[k->n] = caplen;
        k->len[k->n] = len;
        memcpy(k->data[k->n], d, caplen < 128 ? caplen : 128);
    }
    k->n++;
}

static void keep_lcap(void *user, const capture_pkthdr *h, const uint8_t *d)
{
    keep(user, h->caplen, h->len, d);
}

static void keep_pcap(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
    keep((kept *)user, h->caplen, h->len, d);
}

/* Puts a tag (tpid, tci) in front of the type field of the len-byte frame
 * in buf (room for 4 more bytes); the new length. */
static size_t push_tag(uint8_t *buf, size_t len, uint16_t tpid, uint16_t tci)
{
    memmove(buf + 16, buf + 12, len - 12);
    buf[12] = (uint8_t)(tpid >> 8), buf[13] = (uint8_t)tpid;
    buf[14] = (uint8_t)(tci >> 8), buf[15] = (uint8_t)tci;
    return len + 4;
}

/* The frames of vlan_filters_as_libpcap: tags the kernel takes out (802.1Q,
 * 802.1ad) and one it leaves in (0x9100), priority tags (VID 0), QinQ both
 * ways round, UDP and another protocol inside. Tags listed outermost first. */
static const struct vlan_row {
    int ntags;
    uint16_t tpid[2], tci[2];
    int not_udp; /* an Ethernet type other than IPv4 inside */
} vlan_rows[] = {
    { 0, { 0 }, { 0 }, 0 },
    { 1, { 0x8100 }, { 5 }, 0 },
    { 1, { 0x8100 }, { 6 }, 0 },
    { 1, { 0x8100 }, { 0xa000 }, 0 },          /* priority tag: PCP 5, VID 0 */
    { 1, { 0x8100 }, { 0xe005 }, 1 },          /* VID 5 with priority bits, not UDP */
    { 2, { 0x88a8, 0x8100 }, { 5, 6 }, 0 },    /* QinQ 5 then 6 */
    { 2, { 0x8100, 0x8100 }, { 6, 5 }, 0 },    /* QinQ 6 then 5 */
    { 1, { 0x9100 }, { 5 }, 0 },               /* left in the packet by the kernel */
    { 1, { 0x9100 }, { 0 }, 0 },
    { 2, { 0x9100, 0x8100 }, { 5, 6 }, 0 },
    { 0, { 0 }, { 0 }, 1 },
    { 1, { 0x88a8 }, { 0x2005 }, 0 },
};

/* VLAN filters on the native source against libpcap 1.10.3 capturing on
 * the same interface: the programs as libpcap's, and with the program in the kernel (which takes the
 * outer 802.1Q/802.1ad tag out before filtering: with the kernel's BPF
 * extensions, `vlan` reads it as metadata) and with the kernel refusing it
 * (run by the ring walk with the tag as metadata, as libpcap's userland
 * filter): the same packets, lengths and bytes, and both libraries'
 * filters where they were meant to be (SO_GET_FILTER's length: 0 when none
 * is attached). Without the extensions, `vlan` looks in the packet alone. */
static void vlan_filters_compared(int extensions)
{
    /* same: libcapture's optimizer lays the program out as libpcap's (the
     * others, laid out otherwise, are no longer than libpcap's); unopt: so
     * does its code generator (not for ether[...], generated otherwise as
     * in master). ether[...] and len see the packet as the kernel holds it,
     * the outer tag gone, as with libpcap. Without the extensions, every
     * optimized program is libpcap's. */
    static const struct { const char *filter; int same, unopt; } filters[] = {
        { "vlan", 1, 1 }, { "vlan 5", 1, 1 }, { "vlan and udp", 0, 1 }, { "not vlan", 1, 1 },
        { "udp and not vlan", 1, 1 }, { "vlan 5 and vlan 6", 1, 1 }, { "vlan 0", 1, 1 },
        { "vlan 5 and udp", 0, 1 }, { "vlan 6 or not udp", 0, 1 }, { "ether[12:2] = 0x800", 1, 0 },
        { "vlan and greater 80", 1, 1 },
    };
    for (size_t k = 0; k < 2 * sizeof(filters) / sizeof(filters[0]); k++) {
        const char *filter = filters[k / 2].filter;
        int userland = k % 2;
        guard(20);
        char err[PCAP_ERRBUF_SIZE];
        capture_reader *r = open_if(LIVE_IF, 0, 100, 1);
        pcap_t *p = pcap_create(LIVE_IF, err);
        assert_non_null(p);
        assert_int_equal(pcap_set_timeout(p, 100), 0);
        assert_int_equal(pcap_set_immediate_mode(p, 1), 0);
        assert_int_equal(pcap_activate(p), 0);
        struct bpf_program bp;
        /* Unoptimized, every program is libpcap's; optimized, those marked
         * same, and none longer than libpcap's. */
        for (int opt = 0; opt < 2; opt++) {
            assert_int_equal(pcap_compile(p, &bp, filter, opt, PCAP_NETMASK_UNKNOWN), 0);
            if (opt == 0 && !filters[k / 2].unopt) {
                pcap_freecode(&bp);
                continue;
            }
            capture_bpf *prog = capture_compile_for(r, filter, opt, CAPTURE_NETMASK_UNKNOWN, err);
            assert_non_null(prog);
            if (!extensions && lcap_bpf_validate_no_aux(prog, err) < 0)
                fail_msg("%s: the kernel has no BPF extensions, yet: %s", filter, err);
            const struct capture_insn *insns;
            size_t n = capture_bpf_insns(prog, &insns);
            if (opt == 1 && n > bp.bf_len)
                fail_msg("%s: libcapture's program (%zu instructions) is longer than libpcap's (%u)", filter, n,
                         bp.bf_len);
            if ((opt == 0 || filters[k / 2].same || !extensions) &&
                (n != bp.bf_len || memcmp(insns, bp.bf_insns, n * sizeof(*insns)) != 0))
                fail_msg("%s%s: libcapture's program (%zu instructions) is not libpcap's (%u)", filter,
                         opt ? "" : " (unoptimized)", n, bp.bf_len);
            capture_bpf_free(prog);
            if (opt == 0)
                pcap_freecode(&bp);
        }
        if (userland)
            src.kernel_refuses(1);
        int rc = pcap_setfilter(p, &bp), mine = capture_setfilter(r, filter);
        if (userland)
            src.kernel_refuses(0);
        pcap_freecode(&bp);
        assert_int_equal(rc, 0);
        if (mine != 0)
            fail_msg("%s: %s", filter, capture_geterr(r));
        assert_null(r->filter); /* the source filters */
        int fds[2] = { capture_getfd(r), pcap_fileno(p) };
        for (int i = 0; i < 2; i++) {
            socklen_t attached = 0;
            assert_int_equal(getsockopt(fds[i], SOL_SOCKET, SO_GET_FILTER, NULL, &attached), 0);
            if ((attached == 0) != userland)
                fail_msg("%s: %s's filter %s the kernel", filter, i ? "libpcap" : "libcapture",
                         userland ? "in" : "not in");
        }
        int s = livenet_socket(LIVE_PEER);
        assert_true(s >= 0);
        for (size_t i = 0; i < sizeof(vlan_rows) / sizeof(vlan_rows[0]); i++) {
            const struct vlan_row *v = &vlan_rows[i];
            uint8_t f[LIVE_MAX_FRAME + 8];
            size_t len = livenet_frame(f, 1300 + (uint32_t)i, 32, UDP_PORT);
            if (v->not_udp)
                f[12] = 0x88, f[13] = 0xb5; /* the local experimental type */
            for (int t = v->ntags - 1; t >= 0; t--)
                len = push_tag(f, len, v->tpid[t], v->tci[t]);
            assert_int_equal(livenet_send(s, f, len), 0);
        }
        close(s);
        usleep(150 * 1000);
        static kept ours, theirs;
        memset(&ours, 0, sizeof ours);
        memset(&theirs, 0, sizeof theirs);
        assert_int_equal(capture_setnonblock(r, 1), 0);
        assert_int_equal(pcap_setnonblock(p, 1, err), 0);
        for (int idle = 0; idle < 10; usleep(5000)) {
            int a = capture_dispatch(r, -1, keep_lcap, &ours);
            int b = pcap_dispatch(p, -1, keep_pcap, (u_char *)&theirs);
            assert_true(a >= 0 && b >= 0);
            idle = a == 0 && b == 0 ? idle + 1 : 0;
        }
        if (getenv("LIVE_DUMP") != NULL)
            fprintf(stderr, "%s%s: libcapture %d, libpcap %d\n", filter, userland ? " (userland)" : "",
                    ours.n, theirs.n);
        /* Each filter keeps some of the frames and drops others. */
        if (theirs.n == 0 || theirs.n >= (int)(sizeof(vlan_rows) / sizeof(vlan_rows[0])) || ours.n != theirs.n)
            fail_msg("%s%s: libcapture %d packets, libpcap %d", filter, userland ? " (userland)" : "", ours.n,
                     theirs.n);
        for (int i = 0; i < ours.n; i++)
            if (ours.caplen[i] != theirs.caplen[i] || ours.len[i] != theirs.len[i] ||
                memcmp(ours.data[i], theirs.data[i], ours.caplen[i] < 128 ? ours.caplen[i] : 128) != 0)
                fail_msg("%s%s: packet %d: %u/%u bytes, libpcap %u/%u, or other bytes", filter,
                         userland ? " (userland)" : "", i, ours.caplen[i], ours.len[i], theirs.caplen[i],
                         theirs.len[i]);
        pcap_close(p);
        capture_close(r);
    }
}

static void vlan_filters_as_libpcap(void **state)
{
    (void)state;
    vlan_filters_compared(1);
}

/* The kernel's answer to getsockopt(SO_BPF_EXTENSIONS) as the test says
 * (libfakesockopt.so, preloaded, reads LIVE_BPF_EXTENSIONS); 1 if it
 * failed, as the real kernel never does here. */
static int kernel_says_no_extensions(const char *says, int *v)
{
    assert_int_equal(setenv("LIVE_BPF_EXTENSIONS", says, 1), 0);
    int fd = socket(AF_PACKET, SOCK_RAW, 0);
    assert_true(fd >= 0);
    socklen_t l = sizeof(*v);
    int rc = getsockopt(fd, SOL_SOCKET, SO_BPF_EXTENSIONS, v, &l);
    close(fd);
    return rc < 0;
}

/* The kernel says it has no BPF extensions (the option fails, as before
 * Linux 3.14), to both libraries: `vlan` looks in the packet; and so when
 * it reports fewer than the VLAN tag's (SKF_AD_VLAN_TAG_PRESENT, 48). */
static void vlan_filters_without_extensions(void **state)
{
    (void)state;
    int v = 0;
    if (!kernel_says_no_extensions("none", &v))
        fail_msg("SO_BPF_EXTENSIONS answered %d: run with LD_PRELOAD=libfakesockopt.so", v);
    vlan_filters_compared(0);
    static const struct { const char *says; int metadata; } answers[] = { { "47", 0 }, { "48", 1 } };
    for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
        assert_false(kernel_says_no_extensions(answers[i].says, &v));
        capture_reader *r = open_if(LIVE_IF, 0, 100, 1);
        char err[CAPTURE_ERRBUF_SIZE];
        capture_bpf *prog = capture_compile_for(r, "vlan 5", 1, CAPTURE_NETMASK_UNKNOWN, err);
        assert_non_null(prog);
        if ((lcap_bpf_validate_no_aux(prog, err) < 0) != answers[i].metadata)
            fail_msg("SO_BPF_EXTENSIONS %s: `vlan 5` %s the metadata", answers[i].says,
                     answers[i].metadata ? "does not read" : "reads");
        capture_bpf_free(prog);
        capture_close(r);
    }
}

static int kernel_extensions_back(void **state)
{
    (void)state;
    return unsetenv("LIVE_BPF_EXTENSIONS");
}

/* Traffic every interface of the namespace sees: frames from the peer
 * (out of LIVE_PEER, into LIVE_IF), a tagged one, and loopback datagrams
 * (whose outgoing copies both libraries drop). */
static void any_traffic(void)
{
    send_frames(1200, 4, 30, 1);
    uint8_t tagged[LIVE_MAX_FRAME + 4];
    int s = livenet_socket(LIVE_PEER);
    assert_true(s >= 0);
    assert_int_equal(livenet_send(s, tagged, tagged_frame(tagged, 1210, 0x3007)), 0);
    close(s);
    s = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(UDP_PORT) };
    to.sin_addr.s_addr = htonl(0x7f000001);
    for (int i = 0; i < 2; i++)
        assert_int_equal(sendto(s, "loop", 4, 0, (struct sockaddr *)&to, sizeof to), 4);
    close(s);
}

/* The "any" device, SLL by default and SLL2 on request, with and without
 * a filter, against libpcap capturing the same traffic beside it: the same
 * packets in the same order, headers and bytes identical. */
static void any_device_as_libpcap(void **state)
{
    (void)state;
    static const struct { int dlt; const char *filter; } rows[] = {
        { CAPTURE_DLT_LINUX_SLL, NULL },
        { CAPTURE_DLT_LINUX_SLL2, NULL },
        { CAPTURE_DLT_LINUX_SLL, "udp port 7777" },
        { CAPTURE_DLT_LINUX_SLL2, "udp port 7777" },
    };
    for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
        guard(20);
        char err[PCAP_ERRBUF_SIZE];
        capture_reader *r = open_if("any", 0, 100, 1);
        assert_int_equal(capture_datalink(r), CAPTURE_DLT_LINUX_SLL);
        pcap_t *p = pcap_create("any", err);
        assert_non_null(p);
        /* Not in immediate mode: libpcap 1.10.3's "any" then hands out only
         * the first 8 packets of a burst. */
        pcap_set_timeout(p, 100);
        assert_int_equal(pcap_activate(p), 0);
        assert_int_equal(capture_set_datalink(r, rows[k].dlt), 0);
        assert_int_equal(pcap_set_datalink(p, rows[k].dlt), 0);
        assert_int_equal(capture_datalink(r), rows[k].dlt);
        if (rows[k].filter != NULL) {
            struct bpf_program bp;
            assert_int_equal(pcap_compile(p, &bp, rows[k].filter, 1, PCAP_NETMASK_UNKNOWN), 0);
            assert_int_equal(pcap_setfilter(p, &bp), 0);
            pcap_freecode(&bp);
            if (capture_setfilter(r, rows[k].filter) != 0)
                fail_msg("setfilter: %s", capture_geterr(r));
        }
        any_traffic();
        usleep(250 * 1000); /* past the block timeout */
        static kept mine, theirs;
        memset(&mine, 0, sizeof mine);
        memset(&theirs, 0, sizeof theirs);
        assert_int_equal(capture_setnonblock(r, 1), 0);
        assert_int_equal(pcap_setnonblock(p, 1, err), 0);
        /* A dispatch takes what is ready and may say 0 for a block holding
         * only dropped copies: read until several in a row find nothing. */
        for (int idle = 0; idle < 10; usleep(5000)) {
            int a = capture_dispatch(r, -1, keep_lcap, &mine);
            int b = pcap_dispatch(p, -1, keep_pcap, (u_char *)&theirs);
            if (getenv("LIVE_DUMP") != NULL)
                fprintf(stderr, "dispatch %d %d %s\n", a, b, b < 0 ? pcap_geterr(p) : "");
            assert_true(a >= 0 && b >= 0);
            idle = a == 0 && b == 0 ? idle + 1 : 0;
        }
        /* Peer frames in and out (4 + 1 tagged, each twice), 2 loopback
         * datagrams and the 2 ICMP errors they bring; with the filter, those
         * to the port: 2 frames each twice, the tagged one coming in (going
         * out, its tag is in the data, where "udp" does not look), and the
         * datagrams. */
        int want = rows[k].filter ? 2 * 2 + 1 + 2 : 2 * 5 + 2 + 2;
        if (getenv("LIVE_DUMP") != NULL)
            for (int i = 0; i < mine.n || i < theirs.n; i++)
                fprintf(stderr, "%2d: %4u %02x%02x%02x%02x %02x%02x | %4u %02x%02x%02x%02x %02x%02x\n", i,
                        mine.caplen[i], mine.data[i][0], mine.data[i][1], mine.data[i][2],
                        mine.data[i][3], mine.data[i][14], mine.data[i][15], theirs.caplen[i],
                        theirs.data[i][0], theirs.data[i][1], theirs.data[i][2], theirs.data[i][3],
                        theirs.data[i][14], theirs.data[i][15]);
        if (theirs.n != want || mine.n != theirs.n)
            fail_msg("%s %s: libcapture %d packets, libpcap %d, want %d",
                     capture_datalink_val_to_name(rows[k].dlt),
                     rows[k].filter ? rows[k].filter : "", mine.n, theirs.n, want);
        for (int i = 0; i < mine.n && i < ANY_MAX; i++) {
            if (mine.caplen[i] != theirs.caplen[i] || mine.len[i] != theirs.len[i] ||
                memcmp(mine.data[i], theirs.data[i], mine.caplen[i] < 128 ? mine.caplen[i] : 128) != 0)
                fail_msg("%s packet %d: %u/%u bytes, libpcap %u/%u, or other bytes",
                         capture_datalink_val_to_name(rows[k].dlt), i, mine.caplen[i], mine.len[i],
                         theirs.caplen[i], theirs.len[i]);
        }
        pcap_close(p);
        capture_close(r);
    }
}

/* What "any" refuses, as libpcap does: promiscuous mode (a message, not an
 * error), sending, link types it does not offer. */
static void any_device_limits(void **state)
{
    (void)state;
    guard(20);
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_create("any", err);
    assert_non_null(r);
    capture_set_promisc(r, 1);
    capture_set_timeout(r, 100);
    assert_int_equal(capture_activate(r), 0);
    assert_non_null(strstr(capture_geterr(r), "Promiscuous mode not supported"));
    int *dlts;
    assert_int_equal(capture_list_datalinks(r, &dlts), 2);
    assert_int_equal(dlts[0], CAPTURE_DLT_LINUX_SLL);
    assert_int_equal(dlts[1], CAPTURE_DLT_LINUX_SLL2);
    capture_free_datalinks(dlts);
    assert_int_equal(capture_set_datalink(r, CAPTURE_DLT_EN10MB), CAPTURE_ERROR);
    assert_int_equal(capture_sendpacket(r, frame, livenet_frame(frame, 1, 10, UDP_PORT)), CAPTURE_ERROR);
    assert_non_null(strstr(capture_geterr(r), "any"));
    capture_stat st;
    assert_int_equal(capture_stats(r, &st), 0);
    capture_close(r);
}

/* Writes `value` into the fake sysfs counter `name` of LIVE_IF. */
static void put_counter(const char *dir, const char *name, int value)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%d\n", value);
    fclose(f);
}

/* In promiscuous mode, capture_stats' ifdrop is the growth of the
 * interface's missed and FIFO error counts since activation, as libpcap
 * reports it (libpcap reads the same counters beside it; rx_dropped counts
 * for neither). veth never drops, so the counters are files of a tmpfs
 * laid over LIVE_IF's statistics (this test's own mount namespace). */
static void interface_drops(void **state)
{
    (void)state;
    guard(20);
    const char *dir = "/sys/class/net/" LIVE_IF "/statistics";
    char real[256];
    assert_non_null(realpath(dir, real));
    capture_reader *promisc = capture_create(LIVE_IF, NULL), *plain = capture_create(LIVE_IF, NULL);
    capture_set_promisc(promisc, 1);
    capture_set_timeout(promisc, 100);
    capture_set_timeout(plain, 100);
    assert_int_equal(mount("none", real, "tmpfs", 0, NULL), 0);
    put_counter(real, "rx_missed_errors", 40);
    put_counter(real, "rx_fifo_errors", 2);
    put_counter(real, "rx_dropped", 100);
    assert_int_equal(capture_activate(promisc), 0);
    assert_int_equal(capture_activate(plain), 0);
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(LIVE_IF, err);
    assert_non_null(p);
    pcap_set_promisc(p, 1);
    pcap_set_timeout(p, 100);
    assert_int_equal(pcap_activate(p), 0);
    static const struct { int missed, fifo, dropped; unsigned want; } steps[] = {
        { 40, 2, 100, 0 }, { 45, 4, 200, 7 }, { 46, 4, 300, 8 },
    };
    capture_stat st;
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        put_counter(real, "rx_missed_errors", steps[i].missed);
        put_counter(real, "rx_fifo_errors", steps[i].fifo);
        put_counter(real, "rx_dropped", steps[i].dropped);
        struct pcap_stat ps;
        assert_int_equal(pcap_stats(p, &ps), 0);
        assert_int_equal(capture_stats(promisc, &st), 0);
        if (st.ifdrop != steps[i].want || ps.ps_ifdrop != steps[i].want)
            fail_msg("step %zu: ifdrop %llu, libpcap %u, want %u", i,
                     (unsigned long long)st.ifdrop, ps.ps_ifdrop, steps[i].want);
    }
    pcap_close(p);
    assert_int_equal(capture_stats(plain, &st), 0);
    assert_int_equal(st.ifdrop, 0); /* libpcap reads them only when promiscuous */
    assert_int_equal(umount(real), 0);
    capture_close(promisc);
    capture_close(plain);
}

/* For the native source: a mount namespace of the test's own, with a sysfs
 * that shows the network namespace's interfaces. */
static int own_sysfs(void)
{
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("sysfs", "/sys", "sysfs", 0, NULL) != 0) {
        fprintf(stderr, "test_live: a sysfs of the test's own: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* Which sources run a case. */
enum { BOTH, NATIVE, EMULATED };

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_live needs root (network namespace, packet sockets)\n");
        return 77;
    }
    const char *flavour = getenv("LCAP_BPF_FLAVOR");
    int emulated = flavour != NULL && flavour[0] != '\0';
    if (emulated) {
        const char *pre = getenv("LD_PRELOAD");
        if (pre == NULL || strstr(pre, "bpfdev") == NULL) {
            fprintf(stderr, "test_live: a flavour needs LD_PRELOAD=libbpfdev.so\n");
            return 1;
        }
        fl = lcap_flavor_current();
        const char *dev_flavor = getenv("BPFDEV_FLAVOR");
        if (fl == NULL || dev_flavor == NULL || strcmp(dev_flavor, fl->name) != 0) {
            fprintf(stderr, "test_live: LCAP_BPF_FLAVOR and BPFDEV_FLAVOR must name the same flavour\n");
            return 1;
        }
        emulated_facts();
    } else {
        native_facts();
    }
    if (livenet_setup() < 0 || (!emulated && own_sysfs() < 0))
        return 1;
    static const struct { struct CMUnitTest test; int on; } cases[] = {
        { cmocka_unit_test(capsniff_ten_thousand), BOTH },
        { cmocka_unit_test(snaplen_truncates), BOTH },
        { cmocka_unit_test(kernel_and_userland_filters), BOTH },
        { cmocka_unit_test(timeout_returns), BOTH },
        { cmocka_unit_test(immediate_delivers_at_once), BOTH },
        { cmocka_unit_test(nonblocking_dispatch), BOTH },
        { cmocka_unit_test(select_and_poll), BOTH },
        { cmocka_unit_test(breakloop_wakes_a_blocked_loop), BOTH },
        { cmocka_unit_test(statistics_count_what_was_sent), BOTH },
        { cmocka_unit_test(activation_faults), EMULATED },
        { cmocka_unit_test(activation_errors), BOTH },
        { cmocka_unit_test(read_faults), EMULATED },
        { cmocka_unit_test(interface_deleted), BOTH },
        { cmocka_unit_test(sendpacket_reaches_peer), BOTH },
        { cmocka_unit_test(direction), BOTH },
        { cmocka_unit_test(datalinks_and_precision), BOTH },
        { cmocka_unit_test(interfaces), BOTH },
        { cmocka_unit_test(bpf_set_datalink), EMULATED },
        { cmocka_unit_test(ring_datagrams_in_order), NATIVE },
        { cmocka_unit_test(kernel_filter_recheck), NATIVE },
        { cmocka_unit_test(vlan_tag_put_back), NATIVE },
        { cmocka_unit_test(vlan_kernel_filter), NATIVE },
        { cmocka_unit_test(vlan_filters_as_libpcap), NATIVE },
        { cmocka_unit_test_teardown(vlan_filters_without_extensions, kernel_extensions_back), NATIVE },
        { cmocka_unit_test(loopback_once), NATIVE },
        { cmocka_unit_test(any_device_as_libpcap), NATIVE },
        { cmocka_unit_test(any_device_limits), NATIVE },
        { cmocka_unit_test(interface_drops), NATIVE },
    };
    struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0])];
    size_t n = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (cases[i].on == BOTH || cases[i].on == (emulated ? EMULATED : NATIVE))
            tests[n++] = cases[i].test;
    if (getenv("LIVE_ONLY") != NULL) /* one test by name, when debugging */
        cmocka_set_test_filter(getenv("LIVE_ONLY"));
    return _cmocka_run_group_tests(src.name, tests, n, NULL, NULL);
}
