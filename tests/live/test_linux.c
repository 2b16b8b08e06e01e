/* test_linux.c - live capture through the native Linux source (AF_PACKET,
 * TPACKET_V3 ring) in a network namespace of its own: datagrams each seen
 * once in order with their bytes, snaplen, a kernel filter, timeouts,
 * non-blocking mode, breakloop from a thread, statistics, VLAN tags put
 * back, sendpacket, direction and a vanishing interface. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture.h"
#include "livenet.h"

#define UDP_PORT 7777
#define OTHER_PORT 8888
#define RUN_FRAMES 2000

static uint8_t frame[LIVE_MAX_FRAME + 4];

static capture_reader *open_if(const char *ifname, int snaplen, int to_ms, int bufsize)
{
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_create(ifname, err);
    assert_non_null(r);
    assert_int_equal(capture_set_snaplen(r, snaplen), 0);
    assert_int_equal(capture_set_timeout(r, to_ms), 0);
    if (bufsize > 0)
        assert_int_equal(capture_set_buffer_size(r, bufsize), 0);
    int rc = capture_activate(r);
    if (rc != 0)
        fail_msg("activate %s: %d %s", ifname, rc, capture_geterr(r));
    assert_int_equal(capture_datalink(r), CAPTURE_DLT_EN10MB);
    return r;
}

/* Frames first..first+n-1; payload 0 means livenet_payload_size(seq). */
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

typedef struct got {
    int n;
    uint32_t seq[RUN_FRAMES];
    uint32_t caplen[64], len[64];
    int bad;
} got;

static void collect(void *user, const capture_pkthdr *h, const uint8_t *d)
{
    got *g = user;
    uint8_t want[LIVE_MAX_FRAME];
    uint32_t seq = h->caplen >= 20 ? (uint32_t)(d[18] << 8 | d[19]) : 0xffffffffu;
    if (g->n < RUN_FRAMES)
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

static void guard(unsigned seconds)
{
    signal(SIGALRM, SIG_DFL);
    alarm(seconds);
}

static void datagrams_once_in_order(void **state)
{
    (void)state;
    guard(60);
    static got g;
    memset(&g, 0, sizeof g);
    capture_reader *r = open_if(LIVE_IF, 0, 100, 64 * 1024 * 1024);
    send_frames(0, RUN_FRAMES, 0, 0);
    assert_int_equal(capture_loop(r, RUN_FRAMES, collect, &g), 0);
    assert_int_equal(g.n, RUN_FRAMES);
    assert_int_equal(g.bad, 0);
    for (uint32_t i = 0; i < RUN_FRAMES; i++)
        assert_int_equal(g.seq[i], i);
    /* Nothing more: each was seen once. */
    assert_int_equal(capture_dispatch(r, -1, collect, &g), 0);
    assert_int_equal(g.n, RUN_FRAMES);
    capture_close(r);
}

static void snaplen_truncates(void **state)
{
    (void)state;
    guard(20);
    got g = { 0 };
    capture_reader *r = open_if(LIVE_IF, 100, 100, 0);
    send_frames(1, 5, 500, 0);
    assert_int_equal(capture_loop(r, 5, collect, &g), 0);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(g.caplen[i], 100);
        assert_int_equal(g.len[i], 542);
    }
    assert_int_equal(g.bad, 0);
    capture_close(r);
}

static const struct capture_insn port_filter[] = {
    { 0x28, 0, 0, 12 },       { 0x15, 0, 3, 0x0800 }, { 0x28, 0, 0, 36 },
    { 0x15, 0, 1, UDP_PORT }, { 0x06, 0, 0, 262144 }, { 0x06, 0, 0, 0 },
};

static void kernel_filter(void **state)
{
    (void)state;
    guard(20);
    char err[CAPTURE_ERRBUF_SIZE];
    got g = { 0 };
    capture_reader *r = open_if(LIVE_IF, 0, 100, 0);
    /* Sent before the filter: those it refuses (the odd ones) must not come
     * out after it; the even ones pass it. */
    send_frames(100, 4, 50, 1);
    usleep(50 * 1000);
    capture_bpf *prog = capture_bpf_from_insns(port_filter, 6, err);
    assert_non_null(prog);
    assert_int_equal(capture_setfilter_bpf(r, prog), 0);
    send_frames(200, 10, 50, 1);
    assert_int_equal(capture_loop(r, 7, collect, &g), 0);
    assert_int_equal(g.seq[0], 100);
    assert_int_equal(g.seq[1], 102);
    for (int i = 0; i < 5; i++)
        assert_int_equal(g.seq[2 + i], 200 + 2 * i);
    assert_int_equal(capture_dispatch(r, -1, collect, &g), 0);
    assert_int_equal(g.n, 7);
    assert_int_equal(g.bad, 0);
    capture_bpf_free(prog);
    capture_close(r);
}

static void timeout_and_nonblocking(void **state)
{
    (void)state;
    guard(20);
    got g = { 0 };
    capture_reader *r = open_if(LIVE_IF, 0, 100, 0);
    assert_int_equal(capture_dispatch(r, -1, collect, &g), 0); /* to_ms returns */
    assert_int_equal(capture_setnonblock(r, 1), 0);
    assert_int_equal(capture_getnonblock(r), 1);
    assert_int_equal(capture_dispatch(r, -1, collect, &g), 0);
    send_frames(300, 3, 20, 0);
    struct pollfd p = { capture_getfd(r), POLLIN, 0 };
    while (g.n < 3) {
        assert_true(poll(&p, 1, 5000) >= 0);
        assert_true(capture_dispatch(r, -1, collect, &g) >= 0);
    }
    assert_int_equal(g.n, 3);
    assert_int_equal(g.bad, 0);
    capture_close(r);
}

static void *break_later(void *arg)
{
    usleep(200 * 1000);
    capture_breakloop(arg);
    return NULL;
}

static void breakloop_from_thread(void **state)
{
    (void)state;
    guard(20);
    got g = { 0 };
    capture_reader *r = open_if(LIVE_IF, 0, 0, 0); /* blocks until a packet */
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, break_later, r), 0);
    assert_int_equal(capture_loop(r, -1, collect, &g), CAPTURE_ERROR_BREAK);
    pthread_join(t, NULL);
    capture_close(r);
}

static void statistics(void **state)
{
    (void)state;
    guard(20);
    got g = { 0 };
    capture_stat st;
    capture_reader *r = open_if(LIVE_IF, 0, 100, 0);
    send_frames(400, 7, 100, 0);
    assert_int_equal(capture_loop(r, 7, collect, &g), 0);
    assert_int_equal(capture_stats(r, &st), 0);
    assert_int_equal(st.recv, 7);
    assert_int_equal(st.drop, 0);
    send_frames(410, 2, 100, 0);
    assert_int_equal(capture_loop(r, 2, collect, &g), 0);
    assert_int_equal(capture_stats(r, &st), 0); /* summed, not reset */
    assert_int_equal(st.recv, 9);
    capture_close(r);
}

/* A tagged frame arrives with its tag taken out by the kernel: it must be
 * captured as sent. */
static void vlan_tag_put_back(void **state)
{
    (void)state;
    guard(20);
    uint8_t plain[LIVE_MAX_FRAME], tagged[LIVE_MAX_FRAME + 4];
    const uint8_t *d;
    capture_pkthdr h;
    capture_reader *r = open_if(LIVE_IF, 0, 100, 0);
    size_t len = livenet_frame(plain, 500, 64, UDP_PORT);
    memcpy(tagged, plain, 12);
    tagged[12] = 0x81, tagged[13] = 0x00, tagged[14] = 0x20, tagged[15] = 0x2a; /* prio 1, VID 42 */
    memcpy(tagged + 16, plain + 12, len - 12);
    int s = livenet_socket(LIVE_PEER);
    assert_true(s >= 0);
    assert_int_equal(livenet_send(s, tagged, len + 4), 0);
    close(s);
    int rc;
    while ((rc = capture_next(r, &h, &d)) == 0)
        ;
    assert_int_equal(rc, 1);
    assert_int_equal(h.len, len + 4);
    assert_int_equal(h.caplen, len + 4);
    assert_memory_equal(d, tagged, len + 4);
    capture_close(r);
}

static void sendpacket_reaches_peer(void **state)
{
    (void)state;
    guard(20);
    capture_reader *r = open_if(LIVE_IF, 0, 100, 0);
    int s = livenet_socket(LIVE_PEER);
    assert_true(s >= 0);
    struct timeval tv = { 5, 0 };
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    uint8_t sent[LIVE_MAX_FRAME], recvd[LIVE_MAX_FRAME];
    size_t len = livenet_frame(sent, 600, 300, UDP_PORT);
    assert_int_equal(capture_sendpacket(r, sent, (int)len), 0);
    assert_int_equal(recv(s, recvd, sizeof recvd, 0), (ssize_t)len);
    assert_memory_equal(recvd, sent, len);
    close(s);
    capture_close(r);
}

/* One frame arrives on LIVE_IF, one leaves it: each direction sees its own. */
static void direction(void **state)
{
    (void)state;
    guard(20);
    static const int dirs[] = { CAPTURE_D_IN, CAPTURE_D_OUT, CAPTURE_D_INOUT };
    static const uint32_t first[] = { 700, 701, 700 };
    static const int count[] = { 1, 1, 2 };
    for (int k = 0; k < 3; k++) {
        got g = { 0 };
        capture_reader *r = open_if(LIVE_IF, 0, 100, 0);
        assert_int_equal(capture_setdirection(r, dirs[k]), 0);
        send_frames(700, 1, 40, 0);
        int s = livenet_socket(LIVE_IF);
        assert_true(s >= 0);
        size_t len = livenet_frame(frame, 701, 40, UDP_PORT);
        assert_int_equal(livenet_send(s, frame, len), 0);
        close(s);
        assert_int_equal(capture_loop(r, count[k], collect, &g), 0);
        while (capture_dispatch(r, -1, collect, &g) > 0)
            ;
        assert_int_equal(g.n, count[k]);
        assert_int_equal(g.seq[0], first[k]);
        capture_close(r);
    }
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
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_create("lo", err);
    assert_non_null(r);
    assert_int_equal(capture_set_timeout(r, 100), 0);
    assert_int_equal(capture_activate(r), 0);
    assert_int_equal(capture_datalink(r), CAPTURE_DLT_EN10MB);
    assert_int_equal(capture_setfilter(r, "udp"), 0); /* not the ICMP answers */
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
    to.sin_addr.s_addr = htonl(0x7f000001);
    for (int i = 0; i < 3; i++)
        assert_int_equal(sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof to), 1);
    close(s);
    int n = 0, rc;
    while ((rc = capture_dispatch(r, -1, count_one, &n)) > 0)
        ;
    assert_true(rc >= 0);
    assert_int_equal(n, 3);
    capture_close(r);
}

static void *delete_later(void *arg)
{
    (void)arg;
    usleep(300 * 1000);
    livenet_run("ip link del lvx0");
    return NULL;
}

static void interface_deleted(void **state)
{
    (void)state;
    guard(20);
    assert_int_equal(livenet_run("ip link add lvx0 type veth peer name lvx1 && "
                                 "ip link set lvx0 up && ip link set lvx1 up"), 0);
    got g = { 0 };
    capture_reader *r = open_if("lvx0", 0, 0, 0); /* no timeout: the socket must say */
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, delete_later, NULL), 0);
    assert_int_equal(capture_loop(r, -1, collect, &g), CAPTURE_ERROR);
    assert_non_null(strstr(capture_geterr(r), "lvx0"));
    pthread_join(t, NULL);
    capture_close(r);
}

static void no_such_device(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_create("lvnone", err);
    assert_non_null(r);
    assert_int_equal(capture_activate(r), CAPTURE_ERROR_NO_SUCH_DEVICE);
    capture_close(r);
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_linux needs root (network namespace, packet sockets)\n");
        return 77;
    }
    if (getenv("LCAP_BPF_FLAVOR") != NULL && getenv("LCAP_BPF_FLAVOR")[0] != '\0') {
        fprintf(stderr, "test_linux tests the native source: unset LCAP_BPF_FLAVOR\n");
        return 1;
    }
    if (livenet_setup() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(datagrams_once_in_order),
        cmocka_unit_test(snaplen_truncates),
        cmocka_unit_test(kernel_filter),
        cmocka_unit_test(timeout_and_nonblocking),
        cmocka_unit_test(breakloop_from_thread),
        cmocka_unit_test(statistics),
        cmocka_unit_test(vlan_tag_put_back),
        cmocka_unit_test(sendpacket_reaches_peer),
        cmocka_unit_test(direction),
        cmocka_unit_test(loopback_once),
        cmocka_unit_test(interface_deleted),
        cmocka_unit_test(no_such_device),
    };
    if (getenv("LIVE_ONLY") != NULL)
        cmocka_set_test_filter(getenv("LIVE_ONLY"));
    return cmocka_run_group_tests_name("linux_packet", tests, NULL, NULL);
}
