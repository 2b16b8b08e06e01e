/* test_bpfdev.c - the emulated BPF device (LD_PRELOAD libbpfdev.so) checked against bpf(4), every flavour, in a private network namespace. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostword.h"
#include "live/bpf_abi.h"
#include "live/flavor.h"

/* The veth pair the device captures on (bd0; bd1 is the far end), and one
 * left down. Traffic never leaves the namespace the test makes. */
#define IF_CAP "bd0"
#define IF_PEER "bd1"
#define IF_DOWN "bd2"
#define ETHERTYPE_TEST 0x88b5 /* IEEE local experimental */
#define NFLAVORS 6

static const char *const flavors[NFLAVORS] = { "freebsd", "netbsd", "openbsd", "macos", "dragonfly", "aix" };
static uint8_t cap_mac[6];

/* ---- helpers ---- */

static void on_alarm(int sig) { (void)sig; }

/* SIGALRM without SA_RESTART: a read that would hang ends with EINTR. */
static void guard(unsigned seconds)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm(seconds);
}

/* Between guarded reads every test still runs under a long alarm, so that
 * a read that never returns fails the test instead of hanging it. */
#define TEST_GUARD_SECONDS 30
static void unguard(void)
{
    alarm(TEST_GUARD_SECONDS);
}

static int guard_test(void **state)
{
    (void)state;
    guard(TEST_GUARD_SECONDS);
    return 0;
}

static int unguard_test(void **state)
{
    (void)state;
    alarm(0);
    return 0;
}

static void run(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0) {
        fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
        exit(1);
    }
}

static const struct lcap_bpf_flavor *use_flavor(const char *name)
{
    setenv("BPFDEV_FLAVOR", name, 1);
    const struct lcap_bpf_flavor *fl = lcap_flavor_by_name(name);
    assert_non_null(fl);
    return fl;
}

static unsigned long rq(const struct lcap_bpf_flavor *fl, enum lcap_bpf_req r)
{
    return fl->req[r];
}

/* Opens the flavour's device: the cloning one, or the first numbered one. */
static int open_dev(const struct lcap_bpf_flavor *fl, int flags)
{
    if (fl->clone_path != NULL)
        return open(fl->clone_path, flags);
    char path[32];
    for (unsigned u = 0; u < fl->max_units; u++) {
        snprintf(path, sizeof path, fl->unit_fmt, u);
        int fd = open(path, flags);
        if (fd >= 0 || errno != EBUSY)
            return fd;
    }
    return -1;
}

static int set_uint(int fd, unsigned long req, unsigned v)
{
    return ioctl(fd, req, &v);
}

static int set_if(int fd, const struct lcap_bpf_flavor *fl, const char *name)
{
    struct lcap_ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.lifr_name, sizeof ifr.lifr_name, "%s", name);
    return ioctl(fd, rq(fl, LCAP_REQ_BIOCSETIF), &ifr);
}

static void set_timeout(int fd, const struct lcap_bpf_flavor *fl, long usec)
{
    uint8_t tv[16] = { 0 };
    int64_t sec = usec / 1000000;
    int32_t us = (int32_t)(usec % 1000000);
    memcpy(tv, &sec, 8);
    memcpy(tv + fl->tv_usec_off, &us, 4);
    assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCSRTIMEOUT), tv), 0);
}

/* A device bound to IF_CAP with a `blen`-byte buffer. */
static int open_bound(const struct lcap_bpf_flavor *fl, unsigned blen)
{
    int fd = open_dev(fl, O_RDWR);
    assert_true(fd >= 0);
    unsigned v = blen;
    assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCSBLEN), &v), 0);
    assert_int_equal(v, blen);
    assert_int_equal(set_if(fd, fl, IF_CAP), 0);
    return fd;
}

/* A raw socket on an interface, to send frames and receive injected ones. */
static int packet_socket(const char *ifname)
{
    int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    assert_true(s >= 0);
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                               .sll_ifindex = (int)if_nametoindex(ifname) };
    assert_int_equal(bind(s, (struct sockaddr *)&sll, sizeof sll), 0);
    return s;
}

/* A broadcast test frame of `len` bytes carrying `tag`; returns its length. */
static size_t frame(uint8_t *buf, size_t len, uint32_t tag)
{
    memset(buf, 0xff, 6);
    static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x42 };
    memcpy(buf + 6, src, 6);
    buf[12] = ETHERTYPE_TEST >> 8;
    buf[13] = ETHERTYPE_TEST & 0xff;
    memcpy(buf + 14, &tag, 4);
    for (size_t i = 18; i < len; i++)
        buf[i] = (uint8_t)(tag * 7 + i);
    return len;
}

static void send_frame(int s, size_t len, uint32_t tag)
{
    uint8_t buf[2048];
    frame(buf, len, tag);
    assert_int_equal(send(s, buf, len, 0), (ssize_t)len);
}

/* One parsed record. */
struct rec {
    uint64_t sec, frac;
    uint32_t caplen, datalen;
    uint16_t hdrlen;
    size_t off;
    uint8_t data[2048];
};

/* Walks one read() buffer with the flavour's layout; checks each record's
 * placement and bounds. Returns the number of records put in out[]. */
static int walk(const struct lcap_bpf_flavor *fl, const struct lcap_bpf_hdr_layout *l,
                const uint8_t *buf, size_t n, struct rec *out, int max)
{
    int count = 0;
    size_t off = 0;
    while (off < n && count < max) {
        assert_int_equal(off % fl->wordalign, 0);
        assert_true(off + l->size <= n);
        struct rec *r = &out[count++];
        r->off = off;
        r->sec = lcap_test_get_word(buf + off + l->sec_off, l->sec_width);
        r->frac = lcap_test_get_word(buf + off + l->frac_off, l->frac_width);
        memcpy(&r->caplen, buf + off + l->caplen_off, 4);
        memcpy(&r->datalen, buf + off + l->datalen_off, 4);
        memcpy(&r->hdrlen, buf + off + l->hdrlen_off, 2);
        assert_true(off + r->hdrlen + r->caplen <= n);
        assert_true(r->caplen <= sizeof r->data);
        memcpy(r->data, buf + off + r->hdrlen, r->caplen);
        off = lcap_flavor_align(fl, off + r->hdrlen + r->caplen);
    }
    return count;
}

/* Reads until `want` records arrived (read timeout 100 ms, bounded tries). */
static int collect_tries(int fd, const struct lcap_bpf_flavor *fl, const struct lcap_bpf_hdr_layout *l,
                         unsigned blen, struct rec *out, int want, int max_tries)
{
    uint8_t *buf = malloc(blen);
    assert_non_null(buf);
    int got = 0;
    for (int tries = 0; got < want && tries < max_tries; tries++) {
        ssize_t n = read(fd, buf, blen);
        assert_true(n >= 0);
        got += walk(fl, l, buf, (size_t)n, out + got, want - got);
    }
    free(buf);
    return got;
}

static int collect(int fd, const struct lcap_bpf_flavor *fl, const struct lcap_bpf_hdr_layout *l,
                   unsigned blen, struct rec *out, int want)
{
    return collect_tries(fd, fl, l, blen, out, want, 100);
}

static uint32_t tag_of(const struct rec *r)
{
    uint32_t t;
    memcpy(&t, r->data + 14, 4);
    return t;
}

/* Waits until FIONREAD shows at least `bytes` buffered (bounded). */
static int wait_buffered(int fd, const struct lcap_bpf_flavor *fl, int bytes)
{
    int n = 0;
    for (int i = 0; i < 2000; i++) {
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_FIONREAD), &n), 0);
        if (n >= bytes)
            break;
        struct timespec ms = { 0, 1000000 };
        nanosleep(&ms, NULL);
    }
    return n;
}

/* ---- tests ---- */

static void open_and_busy(void **state)
{
    (void)state;
    for (int i = 0; i < NFLAVORS; i++) {
        const struct lcap_bpf_flavor *fl = use_flavor(flavors[i]);
        int a = open("/dev/bpf0", O_RDWR);
        assert_true(a >= 0);
        errno = 0;
        assert_int_equal(open("/dev/bpf0", O_RDWR), -1);
        assert_int_equal(errno, EBUSY);
        char last[32];
        snprintf(last, sizeof last, "/dev/bpf%u", fl->max_units);
        assert_int_equal(open(last, O_RDWR), -1);
        assert_int_equal(errno, ENOENT);
        int b = open("/dev/bpf", O_RDWR);
        if (fl->clone_path != NULL) {
            /* The cloning device picks a free unit: now unit 1 is taken. */
            assert_true(b >= 0 && b != a);
            assert_int_equal(open("/dev/bpf1", O_RDWR), -1);
            assert_int_equal(errno, EBUSY);
            assert_int_equal(close(b), 0);
        } else {
            assert_int_equal(b, -1);
            assert_int_equal(errno, ENOENT);
        }
        assert_int_equal(close(a), 0);
        a = open("/dev/bpf0", O_RDWR);
        assert_true(a >= 0);
        close(a);
        /* Units other processes hold. */
        setenv("BPFDEV_BUSY", "0,1", 1);
        assert_int_equal(open("/dev/bpf0", O_RDWR), -1);
        assert_int_equal(errno, EBUSY);
        a = open("/dev/bpf2", O_RDWR);
        assert_true(a >= 0);
        close(a);
        unsetenv("BPFDEV_BUSY");
    }
    assert_int_equal(open("/dev/bpfx", O_RDONLY), -1);
    assert_int_equal(errno, ENOENT);
    setenv("BPFDEV_FLAVOR", "plan9", 1);
    assert_int_equal(open("/dev/bpf", O_RDWR), -1);
    assert_int_equal(errno, ENODEV);
    /* Without BPFDEV_FLAVOR the device plays the library's LCAP_BPF_FLAVOR:
     * macOS has no cloning device. */
    unsetenv("BPFDEV_FLAVOR");
    setenv("LCAP_BPF_FLAVOR", "macos", 1);
    assert_int_equal(open("/dev/bpf", O_RDWR), -1);
    assert_int_equal(errno, ENOENT);
    unsetenv("LCAP_BPF_FLAVOR");
    int fd = open("/dev/bpf", O_RDWR); /* netbsd */
    assert_true(fd >= 0);
    unsigned u;
    assert_int_equal(ioctl(fd, LCAP_BIOCGBLEN, &u), 0);
    assert_int_equal(u, LCAP_BPF_DFLTBUFSIZE);
    close(fd);
}

static void version_and_buffer_length(void **state)
{
    (void)state;
    for (int i = 0; i < NFLAVORS; i++) {
        const struct lcap_bpf_flavor *fl = use_flavor(flavors[i]);
        int fd = open_dev(fl, O_RDWR);
        assert_true(fd >= 0);
        struct lcap_bpf_version v = { 0, 0 };
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCVERSION), &v), 0);
        assert_int_equal(v.bv_major, 1);
        assert_int_equal(v.bv_minor, 1);
        unsigned blen = 0, dlt;
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGBLEN), &blen), 0);
        assert_int_equal(blen, fl->default_buf);
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGDLT), &dlt), -1);
        assert_int_equal(errno, EINVAL);
        /* BIOCSBLEN clamps and says what it set. */
        blen = 1u << 30;
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCSBLEN), &blen), 0);
        assert_int_equal(blen, fl->max_buf);
        blen = 1;
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCSBLEN), &blen), 0);
        assert_int_equal(blen, LCAP_BPF_MINBUFSIZE);
        /* The library's shrink loop: ENOBUFS from BIOCSETIF, halve, retry. */
        int tries = 0;
        for (blen = fl->max_buf;; blen /= 2, tries++) {
            unsigned b = blen;
            assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCSBLEN), &b), 0);
            if (set_if(fd, fl, IF_CAP) == 0)
                break;
            assert_int_equal(errno, ENOBUFS);
        }
        assert_true(tries >= 1);
        assert_int_equal(blen, 256 * 1024);
        unsigned b = 4096;
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCSBLEN), &b), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGBLEN), &b), 0);
        assert_int_equal(b, blen);
        /* read() takes exactly the buffer length. */
        char small[64];
        assert_int_equal(read(fd, small, sizeof small), -1);
        assert_int_equal(errno, fl->badlen_errno);
        /* Requests the flavour lacks are refused. */
        assert_int_equal(ioctl(fd, 0x4004ff01UL, &b), -1);
        assert_int_equal(errno, EINVAL);
        close(fd);
    }
    /* A larger allocation limit lets the kernel maximum through. */
    setenv("BPFDEV_MAXALLOC", "1048576", 1);
    const struct lcap_bpf_flavor *fl = use_flavor("netbsd");
    int fd = open_bound(fl, fl->max_buf);
    close(fd);
    unsetenv("BPFDEV_MAXALLOC");
}

/* Every flavour: records where its layout puts them, bytes, lengths, time. */
static void records_every_flavor(void **state)
{
    (void)state;
    int peer = packet_socket(IF_PEER);
    static struct rec recs[32];
    for (int i = 0; i < NFLAVORS; i++) {
        const struct lcap_bpf_flavor *fl = use_flavor(flavors[i]);
        /* FreeBSD also in its nanosecond and bintime bpf_xhdr forms. */
        int modes = fl->xhdr.size != 0 ? 3 : 1;
        for (int m = 0; m < modes; m++) {
            int fd = open_bound(fl, 8192);
            const struct lcap_bpf_hdr_layout *l = &fl->hdr;
            enum lcap_bpf_ts_unit unit = fl->ts_unit;
            if (m > 0) {
                unsigned v = m == 1 ? fl->tstamp_nano : fl->tstamp_bintime;
                assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCSTSTAMP), v), 0);
                l = &fl->xhdr;
                unit = m == 1 ? LCAP_BPF_TS_NANO : LCAP_BPF_TS_BINTIME;
            }
            assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCIMMEDIATE), 1), 0);
            set_timeout(fd, fl, 100000);
            struct timespec t0, t1;
            clock_gettime(CLOCK_REALTIME, &t0);
            for (uint32_t t = 0; t < 20; t++)
                send_frame(peer, 60 + t * 37 + (t & 1), t);
            int got = collect(fd, fl, l, 8192, recs, 20);
            clock_gettime(CLOCK_REALTIME, &t1);
            assert_int_equal(got, 20);
            unsigned expect_hdrlen = lcap_flavor_hdrlen(fl, l, ETHER_HDR_LEN);
            double lo = (double)t0.tv_sec + t0.tv_nsec / 1e9 - 1e-6;
            double hi = (double)t1.tv_sec + t1.tv_nsec / 1e9;
            for (int k = 0; k < 20; k++) {
                struct rec *r = &recs[k];
                size_t len = 60 + (size_t)k * 37 + ((unsigned)k & 1);
                uint8_t want[2048];
                frame(want, len, (uint32_t)k);
                assert_int_equal(r->hdrlen, expect_hdrlen);
                assert_int_equal((r->hdrlen + ETHER_HDR_LEN) % fl->wordalign, 0);
                assert_int_equal(r->caplen, len);
                assert_int_equal(r->datalen, len);
                assert_memory_equal(r->data, want, len);
                assert_int_equal(tag_of(r), k);
                double frac = unit == LCAP_BPF_TS_MICRO ? r->frac / 1e6
                            : unit == LCAP_BPF_TS_NANO ? r->frac / 1e9
                            : r->frac / 18446744073709551616.0;
                if (unit == LCAP_BPF_TS_MICRO)
                    assert_true(r->frac < 1000000);
                if (unit == LCAP_BPF_TS_NANO)
                    assert_true(r->frac < 1000000000);
                double ts = (double)r->sec + frac;
                assert_true(ts >= lo && ts <= hi);
            }
            close(fd);
        }
    }
    close(peer);
}

/* An 802.1Q frame is captured as sent: Linux takes the tag out of the frame
 * on receive, the device puts it back. */
static void vlan_tag_kept(void **state)
{
    (void)state;
    int peer = packet_socket(IF_PEER);
    const struct lcap_bpf_flavor *fl = use_flavor("freebsd");
    int fd = open_bound(fl, 4096);
    assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCIMMEDIATE), 1), 0);
    set_timeout(fd, fl, 50000);
    uint8_t f[120];
    frame(f, sizeof f, 0);
    memmove(f + 16, f + 12, sizeof f - 16);
    static const uint8_t tag[4] = { 0x81, 0x00, 0x20, 0x0a }; /* priority 1, VLAN 10 */
    memcpy(f + 12, tag, 4);
    assert_int_equal(send(peer, f, sizeof f, 0), (ssize_t)sizeof f);
    struct rec r;
    assert_int_equal(collect(fd, fl, &fl->hdr, 4096, &r, 1), 1);
    assert_int_equal(r.caplen, sizeof f);
    assert_int_equal(r.datalen, sizeof f);
    assert_memory_equal(r.data, f, sizeof f);
    close(fd);
    close(peer);
}

/* A big packet is cut to what the buffer holds; records may end unpadded. */
static void truncation_and_unpadded_end(void **state)
{
    (void)state;
    int peer = packet_socket(IF_PEER);
    const struct lcap_bpf_flavor *fl = use_flavor("netbsd");
    int fd = open_bound(fl, 256);
    assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCIMMEDIATE), 1), 0);
    send_frame(peer, 1000, 5);
    uint8_t buf[256];
    guard(5);
    ssize_t n = read(fd, buf, sizeof buf);
    unguard();
    assert_int_equal(n, 256);
    struct rec r;
    assert_int_equal(walk(fl, &fl->hdr, buf, (size_t)n, &r, 1), 1);
    assert_int_equal(r.caplen, 256 - 34);
    assert_int_equal(r.datalen, 1000);
    /* 61-byte frame: the buffer ends where the record does, not aligned. */
    send_frame(peer, 61, 6);
    guard(5);
    n = read(fd, buf, sizeof buf);
    unguard();
    assert_int_equal(n, 34 + 61);
    close(fd);
    close(peer);
}

static void read_timeout(void **state)
{
    (void)state;
    int peer = packet_socket(IF_PEER);
    for (int i = 0; i < NFLAVORS; i++) {
        const struct lcap_bpf_flavor *fl = use_flavor(flavors[i]);
        int fd = open_bound(fl, 4096);
        set_timeout(fd, fl, 20000);
        uint8_t tv[16];
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGRTIMEOUT), tv), 0);
        assert_int_equal(lcap_test_get_word(tv, 8), 0);
        assert_int_equal(lcap_test_get_word(tv + fl->tv_usec_off, 4), 20000);
        uint8_t buf[4096];
        guard(2);
        ssize_t n = read(fd, buf, sizeof buf);
        int e = errno;
        unguard();
        if (fl->always_immediate) {
            /* AIX ignores the timeout unless immediate mode is on. */
            assert_int_equal(n, -1);
            assert_int_equal(e, EINTR);
            assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCIMMEDIATE), 1), 0);
            guard(2);
            n = read(fd, buf, sizeof buf);
            unguard();
        }
        /* Idle: the timeout returns an empty buffer. */
        assert_int_equal(n, 0);
        /* One packet, far less than a buffer: the timeout delivers it. */
        send_frame(peer, 100, 1);
        struct rec r[2];
        int got = 0;
        guard(2);
        for (int tries = 0; got == 0 && tries < 50; tries++) {
            n = read(fd, buf, sizeof buf);
            assert_true(n >= 0);
            got = walk(fl, &fl->hdr, buf, (size_t)n, r, 2);
        }
        unguard();
        assert_int_equal(got, 1);
        assert_int_equal(r[0].caplen, 100);
        close(fd);
    }
    close(peer);
}

/* Without immediate mode and without a timeout, a read waits for a full
 * buffer; with it, one packet ends the read. */
static void immediate_mode(void **state)
{
    (void)state;
    int peer = packet_socket(IF_PEER);
    const struct lcap_bpf_flavor *fl = use_flavor("freebsd");
    int fd = open_bound(fl, 4096);
    uint8_t buf[4096];
    send_frame(peer, 100, 1);
    guard(1);
    assert_int_equal(read(fd, buf, sizeof buf), -1);
    assert_int_equal(errno, EINTR);
    unguard();
    assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCIMMEDIATE), 1), 0);
    guard(5);
    ssize_t n = read(fd, buf, sizeof buf);
    unguard();
    struct rec r;
    assert_true(n > 0);
    assert_int_equal(walk(fl, &fl->hdr, buf, (size_t)n, &r, 1), 1);
    assert_int_equal(tag_of(&r), 1);
    /* A full store buffer ends a read even without immediate mode. */
    assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCIMMEDIATE), 0), 0);
    for (uint32_t t = 0; t < 5; t++)
        send_frame(peer, 1000, 10 + t);
    guard(5);
    n = read(fd, buf, sizeof buf);
    unguard();
    struct rec rs[8];
    /* 1026-byte records at 1032-byte steps: three fit in 4096. */
    assert_int_equal(walk(fl, &fl->hdr, buf, (size_t)n, rs, 8), 3);
    assert_int_equal(tag_of(&rs[0]), 10);
    close(fd);
    close(peer);
}

static void nonblocking(void **state)
{
    (void)state;
    int peer = packet_socket(IF_PEER);
    const struct lcap_bpf_flavor *fl = use_flavor("openbsd");
    int fd = open_bound(fl, 4096);
    uint8_t buf[4096];
    int on = 1;
    assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_FIONBIO), &on), 0);
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    assert_int_equal(read(fd, buf, sizeof buf), -1);
    assert_int_equal(errno, EWOULDBLOCK);
    /* Buffered data is returned at once, immediate mode or not. */
    send_frame(peer, 80, 3);
    assert_true(wait_buffered(fd, fl, 80) >= 80);
    ssize_t n = read(fd, buf, sizeof buf);
    struct rec r;
    assert_int_equal(walk(fl, &fl->hdr, buf, (size_t)n, &r, 1), 1);
    assert_int_equal(tag_of(&r), 3);
    on = 0;
    assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_FIONBIO), &on), 0);
    assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
    close(fd);
    /* O_NONBLOCK at open, O_RDONLY reported as opened. */
    fd = open_dev(fl, O_RDONLY | O_NONBLOCK);
    assert_true(fd >= 0);
    assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
    assert_int_equal(set_if(fd, fl, IF_CAP), 0);
    assert_int_equal(read(fd, buf, fl->default_buf), -1);
    assert_int_equal(errno, EWOULDBLOCK);
    close(fd);
    close(peer);
}

#define INSN(c, t, f, kk) { .code = (c), .jt = (t), .jf = (f), .k = (kk) }

static int set_filter(int fd, const struct lcap_bpf_flavor *fl, struct lcap_bpf_insn *insns, unsigned n)
{
    struct lcap_bpf_program p = { n, insns };
    return ioctl(fd, rq(fl, LCAP_REQ_BIOCSETF), &p);
}

static void kernel_filter(void **state)
{
    (void)state;
    int peer = packet_socket(IF_PEER);
    const struct lcap_bpf_flavor *fl = use_flavor("macos");
    int fd = open_bound(fl, 8192);
    /* Flushed on install: what was buffered is gone. */
    send_frame(peer, 90, 1);
    assert_true(wait_buffered(fd, fl, 90) >= 90);
    /* ether proto 0x88b5 and the tag's first byte == 7: keep 40 bytes. */
    struct lcap_bpf_insn prog[] = {
        INSN(0x28, 0, 0, 12),            /* ldh [12] */
        INSN(0x15, 0, 3, ETHERTYPE_TEST), /* jeq #0x88b5 */
        INSN(0x30, 0, 0, 14),            /* ldb [14] */
        INSN(0x15, 0, 1, 7),             /* jeq #7 */
        INSN(0x06, 0, 0, 40),            /* ret #40 */
        INSN(0x06, 0, 0, 0),             /* ret #0 */
    };
    assert_int_equal(set_filter(fd, fl, prog, 6), 0);
    int n = -1;
    assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_FIONREAD), &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCIMMEDIATE), 1), 0);
    set_timeout(fd, fl, 50000);
    for (uint32_t t = 0; t < 10; t++)
        send_frame(peer, 300, t);
    send_frame(peer, 300, 7 + 256); /* same first byte, filtered in too */
    struct rec r[4];
    assert_int_equal(collect(fd, fl, &fl->hdr, 8192, r, 2), 2);
    assert_int_equal(tag_of(&r[0]), 7);
    assert_int_equal(r[0].caplen, 40);
    assert_int_equal(r[0].datalen, 300);
    assert_int_equal(tag_of(&r[1]), 7 + 256);
    /* Programs the kernel refuses. */
    static struct lcap_bpf_insn big[LCAP_BPF_MAXINSNS + 1];
    for (int i = 0; i < LCAP_BPF_MAXINSNS + 1; i++)
        big[i] = (struct lcap_bpf_insn)INSN(0x06, 0, 0, 65535);
    assert_int_equal(set_filter(fd, fl, big, LCAP_BPF_MAXINSNS + 1), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(set_filter(fd, fl, big, LCAP_BPF_MAXINSNS), 0);
    struct lcap_bpf_insn wild[] = { INSN(0x15, 5, 0, 0), INSN(0x06, 0, 0, 0) };
    assert_int_equal(set_filter(fd, fl, wild, 2), -1);
    assert_int_equal(errno, EINVAL);
    struct lcap_bpf_insn noret[] = { INSN(0x28, 0, 0, 12) };
    assert_int_equal(set_filter(fd, fl, noret, 1), -1);
    assert_int_equal(errno, EINVAL);
    /* No program at all: everything passes. */
    assert_int_equal(set_filter(fd, fl, NULL, 0), 0);
    send_frame(peer, 70, 99);
    assert_int_equal(collect(fd, fl, &fl->hdr, 8192, r, 1), 1);
    assert_int_equal(tag_of(&r[0]), 99);
    assert_int_equal(r[0].caplen, 70);
    close(fd);
    close(peer);
}

/* recv counts what the interface carried, drop what the buffers could not
 * hold; the filter's rejections are received, not dropped. */
static void statistics(void **state)
{
    (void)state;
    int peer = packet_socket(IF_PEER);
    for (int i = 0; i < NFLAVORS; i++) {
        const struct lcap_bpf_flavor *fl = use_flavor(flavors[i]);
        int fd = open_bound(fl, 1024);
        for (uint32_t t = 0; t < 30; t++)
            send_frame(peer, 200, t);
        uint8_t st[128];
        uint64_t recv = 0, drop = 0;
        for (int tries = 0; tries < 2000 && recv < 30; tries++) {
            assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGSTATS), st), 0);
            recv = lcap_test_get_word(st, fl->stat_width);
            drop = lcap_test_get_word(st + fl->stat_width, fl->stat_width);
            if (recv < 30) {
                struct timespec ms = { 0, 1000000 };
                nanosleep(&ms, NULL);
            }
        }
        /* 1024-byte buffers hold four 200-byte records each: store + hold. */
        size_t rec = lcap_flavor_hdrlen(fl, &fl->hdr, 14) + 200;
        unsigned per = (unsigned)((1024 - rec) / lcap_flavor_align(fl, rec) + 1);
        assert_int_equal(recv, 30);
        assert_int_equal(drop, 30 - 2 * per);
        if (fl->stat_size >= 3 * fl->stat_width)
            assert_int_equal(lcap_test_get_word(st + 2 * fl->stat_width, fl->stat_width), 2 * per);
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCFLUSH)), 0);
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGSTATS), st), 0);
        assert_int_equal(lcap_test_get_word(st, fl->stat_width), 0);
        assert_int_equal(lcap_test_get_word(st + fl->stat_width, fl->stat_width), 0);
        /* Rejected by the filter: received, neither captured nor dropped. */
        struct lcap_bpf_insn none[] = { INSN(0x06, 0, 0, 0) };
        assert_int_equal(set_filter(fd, fl, none, 1), 0);
        for (uint32_t t = 0; t < 5; t++)
            send_frame(peer, 200, t);
        recv = 0;
        for (int tries = 0; tries < 2000 && recv < 5; tries++) {
            assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGSTATS), st), 0);
            recv = lcap_test_get_word(st, fl->stat_width);
            if (recv < 5) {
                struct timespec ms = { 0, 1000000 };
                nanosleep(&ms, NULL);
            }
        }
        assert_int_equal(recv, 5);
        assert_int_equal(lcap_test_get_word(st + fl->stat_width, fl->stat_width), 0);
        close(fd);
    }
    close(peer);
}

/* A reader that keeps reading loses nothing, even with buffers far smaller
 * than the burst: read() returns each buffer as soon as it is full. */
static void reads_keep_up(void **state)
{
    (void)state;
    int peer = packet_socket(IF_PEER);
    const struct lcap_bpf_flavor *fl = use_flavor("openbsd");
    int fd = open_bound(fl, 1024);
    set_timeout(fd, fl, 50000);
    for (uint32_t t = 0; t < 30; t++)
        send_frame(peer, 200, t);
    static struct rec r[30];
    assert_int_equal(collect(fd, fl, &fl->hdr, 1024, r, 30), 30);
    for (int k = 0; k < 30; k++)
        assert_int_equal(tag_of(&r[k]), k);
    uint8_t st[8];
    assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGSTATS), st), 0);
    assert_int_equal(lcap_test_get_word(st, 4), 30);
    assert_int_equal(lcap_test_get_word(st + 4, 4), 0);
    close(fd);
    close(peer);
}

/* Receives one test frame on s, bounded wait; its length or -1. */
static ssize_t receive_test_frame(int s, uint8_t *buf, size_t len)
{
    for (int i = 0; i < 100; i++) {
        struct pollfd p = { s, POLLIN, 0 };
        if (poll(&p, 1, 50) <= 0)
            continue;
        ssize_t n = recv(s, buf, len, 0);
        if (n >= 14 && buf[12] == (ETHERTYPE_TEST >> 8) && buf[13] == (ETHERTYPE_TEST & 0xff))
            return n;
    }
    return -1;
}

static void injection(void **state)
{
    (void)state;
    int peer = packet_socket(IF_PEER);
    for (int i = 0; i < NFLAVORS; i++) {
        const struct lcap_bpf_flavor *fl = use_flavor(flavors[i]);
        int fd = open_bound(fl, 4096);
        uint8_t out[200], in[2048];
        frame(out, sizeof out, 1234);
        if (fl->req[LCAP_REQ_BIOCSHDRCMPLT] != 0) {
            /* The kernel writes the interface's own source address... */
            assert_int_equal(write(fd, out, sizeof out), (ssize_t)sizeof out);
            assert_int_equal(receive_test_frame(peer, in, sizeof in), (ssize_t)sizeof out);
            assert_memory_equal(in + 6, cap_mac, 6);
            assert_memory_equal(in + 12, out + 12, sizeof out - 12);
            assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCSHDRCMPLT), 1), 0);
        }
        /* ...unless the header is declared complete. */
        assert_int_equal(write(fd, out, sizeof out), (ssize_t)sizeof out);
        assert_int_equal(receive_test_frame(peer, in, sizeof in), (ssize_t)sizeof out);
        if (fl->req[LCAP_REQ_BIOCSHDRCMPLT] != 0)
            assert_memory_equal(in, out, sizeof out);
        uint8_t huge[1600];
        frame(huge, sizeof huge, 1);
        assert_int_equal(write(fd, huge, sizeof huge), -1);
        assert_int_equal(errno, EMSGSIZE);
        close(fd);
        fd = open_dev(fl, O_RDONLY);
        assert_int_equal(set_if(fd, fl, IF_CAP), 0);
        assert_int_equal(write(fd, out, sizeof out), -1);
        assert_int_equal(errno, EBADF);
        close(fd);
    }
    close(peer);
}

/* Incoming frames come from the peer, outgoing ones are sent on IF_CAP. */
static void direction(void **state)
{
    (void)state;
    int peer = packet_socket(IF_PEER);
    int self = packet_socket(IF_CAP);
    for (int i = 0; i < NFLAVORS; i++) {
        const struct lcap_bpf_flavor *fl = use_flavor(flavors[i]);
        for (int dir = 0; dir < LCAP_BPF_DIR_COUNT; dir++) {
            int fd = open_bound(fl, 8192);
            int v = fl->dir_value[dir];
            if (fl->dir_req == LCAP_REQ_COUNT) {
                /* No direction request on this OS (AIX): FreeBSD's is unknown. */
                unsigned u = 0;
                assert_int_equal(ioctl(fd, 0x80044277UL, &u), -1);
                assert_int_equal(errno, EINVAL);
                close(fd);
                break;
            }
            if (v < 0) {
                close(fd);
                continue;
            }
            assert_int_equal(set_uint(fd, fl->req[fl->dir_req], (unsigned)v), 0);
            assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCIMMEDIATE), 1), 0);
            set_timeout(fd, fl, 50000);
            send_frame(self, 100, 1); /* outgoing */
            send_frame(peer, 100, 2); /* incoming */
            send_frame(self, 100, 3);
            send_frame(peer, 100, 4);
            int want = dir == LCAP_BPF_DIR_INOUT ? 4 : 2;
            struct rec r[4];
            assert_int_equal(collect(fd, fl, &fl->hdr, 8192, r, want), want);
            for (int k = 0; k < want; k++) {
                uint32_t t = tag_of(&r[k]);
                if (dir == LCAP_BPF_DIR_IN)
                    assert_true(t == 2 || t == 4);
                if (dir == LCAP_BPF_DIR_OUT)
                    assert_true(t == 1 || t == 3);
            }
            /* Nothing more than that arrives. */
            assert_int_equal(collect_tries(fd, fl, &fl->hdr, 8192, r, 1, 2), 0);
            close(fd);
        }
    }
    /* Values out of range. */
    const struct lcap_bpf_flavor *fl = use_flavor("freebsd");
    int fd = open_bound(fl, 4096);
    assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCSDIRECTION), 3), -1);
    assert_int_equal(errno, EINVAL);
    close(fd);
    fl = use_flavor("openbsd");
    fd = open_bound(fl, 4096);
    assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCSDIRFILT), 4), -1);
    assert_int_equal(errno, EINVAL);
    close(fd);
    close(self);
    close(peer);
}

static void link_types(void **state)
{
    (void)state;
    for (int i = 0; i < NFLAVORS; i++) {
        const struct lcap_bpf_flavor *fl = use_flavor(flavors[i]);
        int fd = open_bound(fl, 4096);
        unsigned dlt = 0;
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGDLT), &dlt), 0);
        assert_int_equal(dlt, fl->dlt.reports_ift ? 6 /* IFT_ETHER */ : 1 /* DLT_EN10MB */);
        struct lcap_ifreq ifr;
        memset(&ifr, 0x55, sizeof ifr);
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGETIF), &ifr), 0);
        assert_string_equal(ifr.lifr_name, IF_CAP);
        if (fl->req[LCAP_REQ_BIOCGDLTLIST] == 0) {
            assert_int_equal(ioctl(fd, 0xc0104279UL, &ifr), -1);
            assert_int_equal(errno, EINVAL);
            close(fd);
            continue;
        }
        uint8_t arg[16] = { 0 };
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGDLTLIST), arg), 0);
        assert_int_equal(lcap_test_get_word(arg, 4), 1);
        unsigned list[4] = { 0, 0, 0, 0 };
        unsigned *lp = list;
        memcpy(arg + fl->dltlist_ptr_off, &lp, sizeof lp);
        unsigned zero = 0;
        memcpy(arg, &zero, 4);
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGDLTLIST), arg), -1);
        assert_int_equal(errno, ENOMEM);
        unsigned four = 4;
        memcpy(arg, &four, 4);
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGDLTLIST), arg), 0);
        assert_int_equal(lcap_test_get_word(arg, 4), 1);
        assert_int_equal(list[0], 1);
        assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCSDLT), 1), 0);
        assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCSDLT), 105), -1);
        assert_int_equal(errno, EINVAL);
        close(fd);
    }
}

/* An IPv4 frame (protocol `proto`, 20-byte header, no options) carrying `tag`. */
static size_t ip_frame(uint8_t *buf, uint8_t proto, uint32_t tag)
{
    memset(buf, 0, 64);
    memset(buf, 0xff, 6);
    static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x42 };
    memcpy(buf + 6, src, 6);
    buf[12] = 0x08;
    buf[14] = 0x45;
    buf[17] = 50; /* total length */
    buf[22] = 64;
    buf[23] = proto;
    memcpy(buf + 34, &tag, 4);
    return 64;
}

/* BPFDEV_DLTS offers more types on an interface: listed after its own,
 * chosen with BIOCSDLT, and the frames rewritten as records of that type;
 * the kept filter then runs on the rewritten record. Unknown numbers in the
 * variable and types not offered are refused. */
static void offered_link_types(void **state)
{
    (void)state;
    setenv("BPFDEV_DLTS", "bdx:105," IF_CAP ":127:0:999", 1);
    int peer = packet_socket(IF_PEER);
    for (int i = 0; i < NFLAVORS; i++) {
        const struct lcap_bpf_flavor *fl = use_flavor(flavors[i]);
        if (fl->req[LCAP_REQ_BIOCGDLTLIST] == 0)
            continue; /* AIX: no list, no BIOCSDLT (link_types) */
        int fd = open_bound(fl, 4096);
        set_timeout(fd, fl, 100000);
        unsigned list[8] = { 0 }, *lp = list, n = 8, dlt = 0;
        uint8_t arg[16] = { 0 };
        memcpy(arg, &n, 4);
        memcpy(arg + fl->dltlist_ptr_off, &lp, sizeof lp);
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGDLTLIST), arg), 0);
        assert_int_equal(lcap_test_get_word(arg, 4), 3);
        assert_int_equal(list[0], 1);
        assert_int_equal(list[1], 127);
        assert_int_equal(list[2], 0);
        assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCSDLT), 105), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCSDLT), 999), -1);

        /* DLT_NULL: the family in host order, then the IP packet; the
         * 4-byte link header sets bh_hdrlen. */
        assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCSDLT), 0), 0);
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGDLT), &dlt), 0);
        assert_int_equal(dlt, 0);
        uint8_t buf[64];
        size_t len = ip_frame(buf, 17, 0xd1700000u + (unsigned)i);
        assert_int_equal(send(peer, buf, len, 0), (ssize_t)len);
        struct rec r[2];
        assert_int_equal(collect(fd, fl, &fl->hdr, 4096, r, 1), 1);
        assert_int_equal(r[0].hdrlen, lcap_flavor_hdrlen(fl, &fl->hdr, 4));
        assert_int_equal(r[0].caplen, len - 14 + 4);
        assert_int_equal(r[0].datalen, len - 14 + 4);
        assert_int_equal(lcap_test_get_word(r[0].data, 4), 2);
        assert_memory_equal(r[0].data + 4, buf + 14, len - 14);
        /* A program for DLT_NULL records (the IP protocol at 4 + 9) runs on
         * them, keeping 20 bytes of UDP and nothing of TCP. */
        struct lcap_bpf_insn udp[] = { { 0x30, 0, 0, 13 }, { 0x15, 0, 1, 17 }, { 0x06, 0, 0, 20 },
                                     { 0x06, 0, 0, 0 } };
        struct lcap_bpf_program prog = { 4, udp };
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCSETF), &prog), 0);
        ip_frame(buf, 6, 1);
        assert_int_equal(send(peer, buf, len, 0), (ssize_t)len);
        ip_frame(buf, 17, 2);
        assert_int_equal(send(peer, buf, len, 0), (ssize_t)len);
        assert_int_equal(collect(fd, fl, &fl->hdr, 4096, r, 1), 1);
        assert_int_equal(r[0].caplen, 20);
        assert_int_equal(r[0].datalen, len - 14 + 4);
        assert_int_equal(collect_tries(fd, fl, &fl->hdr, 4096, r, 1, 3), 0);

        /* Radiotap + 802.11 data frame + LLC/SNAP with the EtherType; the
         * same program now reads other bytes and keeps nothing. */
        assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCSDLT), 127), 0);
        ip_frame(buf, 17, 3);
        assert_int_equal(send(peer, buf, len, 0), (ssize_t)len);
        assert_int_equal(collect_tries(fd, fl, &fl->hdr, 4096, r, 1, 3), 0);
        struct lcap_bpf_program none = { 0, NULL };
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCSETF), &none), 0);
        assert_int_equal(send(peer, buf, len, 0), (ssize_t)len);
        assert_int_equal(collect(fd, fl, &fl->hdr, 4096, r, 1), 1);
        static const uint8_t radio_head[] = { 0, 0, 8, 0, 0, 0, 0, 0, 0x08, 0x02 };
        assert_int_equal(r[0].hdrlen, lcap_flavor_hdrlen(fl, &fl->hdr, 32));
        assert_int_equal(r[0].caplen, len - 14 + 40);
        assert_memory_equal(r[0].data, radio_head, sizeof radio_head);
        assert_memory_equal(r[0].data + 12, buf, 6);      /* DA */
        assert_memory_equal(r[0].data + 24, buf + 6, 6);  /* SA */
        assert_int_equal(r[0].data[32], 0xaa);
        assert_int_equal(r[0].data[38], 0x08);
        assert_memory_equal(r[0].data + 40, buf + 14, len - 14);
        /* Sending is the interface's own type only. */
        assert_int_equal(write(fd, buf, len), -1);

        /* Back to Ethernet: the frame as sent, the kernel filtering again. */
        assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCSDLT), 1), 0);
        struct lcap_bpf_insn eth_udp[] = { { 0x30, 0, 0, 23 }, { 0x15, 0, 1, 17 },
                                         { 0x06, 0, 0, 0xffff }, { 0x06, 0, 0, 0 } };
        prog.bf_insns = eth_udp;
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCSETF), &prog), 0);
        ip_frame(buf, 6, 4);
        assert_int_equal(send(peer, buf, len, 0), (ssize_t)len);
        ip_frame(buf, 17, 5);
        assert_int_equal(send(peer, buf, len, 0), (ssize_t)len);
        assert_int_equal(collect(fd, fl, &fl->hdr, 4096, r, 1), 1);
        assert_int_equal(r[0].hdrlen, lcap_flavor_hdrlen(fl, &fl->hdr, 14));
        assert_int_equal(r[0].caplen, len);
        assert_memory_equal(r[0].data, buf, len);
        close(fd);
    }
    close(peer);
    unsetenv("BPFDEV_DLTS");
}

/* The interface's promiscuity count (SIOCGIFFLAGS shows only the flag
 * userland set; packet sockets count separately). */
/* A raw-IP interface (tun) is the flavour's DLT_RAW: 14 on OpenBSD, 12
 * elsewhere; its records have no link header to align. */
static void raw_link_type(void **state)
{
    (void)state;
    if (access("/dev/net/tun", F_OK) != 0) {
        fprintf(stderr, "no /dev/net/tun: raw link type not checked\n");
        return;
    }
    run("ip tuntap add dev bdtun0 mode tun && ip link set bdtun0 up");
    for (int i = 0; i < NFLAVORS; i++) {
        const struct lcap_bpf_flavor *fl = use_flavor(flavors[i]);
        int fd = open_dev(fl, O_RDWR);
        unsigned blen = 4096, dlt = 0;
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCSBLEN), &blen), 0);
        assert_int_equal(set_if(fd, fl, "bdtun0"), 0);
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGDLT), &dlt), 0);
        assert_int_equal(dlt, fl->dlt.reports_ift ? 1 /* IFT_OTHER */ : (unsigned)fl->dlt.raw);
        close(fd);
    }
    assert_int_equal(lcap_flavor_by_name("openbsd")->dlt.raw, 14);
    run("ip link del bdtun0");
}

static int promisc_now(void)
{
    FILE *p = popen("ip -d link show " IF_CAP, "r");
    assert_non_null(p);
    char line[512];
    int count = -1;
    while (fgets(line, sizeof line, p) != NULL) {
        char *at = strstr(line, "promiscuity ");
        if (at != NULL)
            count = atoi(at + strlen("promiscuity "));
    }
    pclose(p);
    assert_true(count >= 0);
    return count;
}

static void promiscuous(void **state)
{
    (void)state;
    const struct lcap_bpf_flavor *fl = use_flavor("netbsd");
    int fd = open_dev(fl, O_RDWR);
    assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCPROMISC)), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(set_if(fd, fl, IF_CAP), 0);
    assert_false(promisc_now());
    assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCPROMISC)), 0);
    assert_true(promisc_now());
    /* No "off": it ends with the descriptor. */
    close(fd);
    assert_false(promisc_now());
}

static void poll_and_select(void **state)
{
    (void)state;
    int peer = packet_socket(IF_PEER);
    const struct lcap_bpf_flavor *fl = use_flavor("freebsd");
    int fd = open_bound(fl, 4096);
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCIMMEDIATE), 1), 0);
    struct pollfd p[2] = { { fd, POLLIN, 0 }, { pipefd[0], POLLIN, 0 } };
    assert_int_equal(poll(p, 2, 0), 0);
    assert_int_equal(write(pipefd[1], "x", 1), 1);
    assert_int_equal(poll(p, 2, 0), 1);
    assert_int_equal(p[0].revents, 0);
    assert_int_equal(p[1].revents, POLLIN);
    char c;
    assert_int_equal(read(pipefd[0], &c, 1), 1);
    send_frame(peer, 100, 1);
    assert_int_equal(poll(p, 2, 5000), 1);
    assert_int_equal(p[0].revents, POLLIN);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(fd, &r);
    FD_SET(pipefd[0], &r);
    struct timeval tv = { 5, 0 };
    assert_int_equal(select((fd > pipefd[0] ? fd : pipefd[0]) + 1, &r, NULL, NULL, &tv), 1);
    assert_true(FD_ISSET(fd, &r));
    assert_false(FD_ISSET(pipefd[0], &r));
    uint8_t buf[4096];
    assert_true(read(fd, buf, sizeof buf) > 0);
    tv = (struct timeval){ 0, 0 };
    FD_ZERO(&r);
    FD_SET(fd, &r);
    assert_int_equal(select(fd + 1, &r, NULL, NULL, &tv), 0);
    /* Without immediate mode, buffered data becomes readable when the read
     * timeout expires, not before. */
    assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCIMMEDIATE), 0), 0);
    set_timeout(fd, fl, 30000);
    send_frame(peer, 100, 2);
    assert_true(wait_buffered(fd, fl, 100) >= 100);
    p[0].revents = 0;
    assert_int_equal(poll(p, 1, 0), 0);
    guard(5);
    assert_int_equal(poll(p, 1, -1), 1);
    unguard();
    assert_int_equal(p[0].revents, POLLIN);
    /* Only ordinary fds: the kernel's select, untouched. */
    FD_ZERO(&r);
    FD_SET(pipefd[0], &r);
    tv = (struct timeval){ 0, 0 };
    assert_int_equal(select(pipefd[0] + 1, &r, NULL, NULL, &tv), 0);
    close(pipefd[0]);
    close(pipefd[1]);
    close(fd);
    close(peer);
}

/* BPFDEV_FAULT rules, and the errors an interface gives by itself. */
static void faults(void **state)
{
    (void)state;
    const struct lcap_bpf_flavor *fl = use_flavor("freebsd");
    setenv("BPFDEV_FAULT", "open:EACCES", 1);
    assert_int_equal(open("/dev/bpf", O_RDWR), -1);
    assert_int_equal(errno, EACCES);
    assert_int_equal(open("/dev/bpf", O_RDONLY), -1);
    assert_int_equal(errno, EACCES);
    setenv("BPFDEV_FAULT", "open:EBUSY*2", 1);
    assert_int_equal(open("/dev/bpf0", O_RDWR), -1);
    assert_int_equal(errno, EBUSY);
    assert_int_equal(open("/dev/bpf1", O_RDWR), -1);
    assert_int_equal(errno, EBUSY);
    int fd = open("/dev/bpf2", O_RDWR);
    assert_true(fd >= 0);
    close(fd);
    static const char *const setif_errs[] = { "ENXIO", "ENETDOWN", "ENOBUFS" };
    static const int setif_errnos[] = { ENXIO, ENETDOWN, ENOBUFS };
    for (int i = 0; i < 3; i++) {
        char rule[64];
        snprintf(rule, sizeof rule, "ioctl.BIOCSETIF:%s*1", setif_errs[i]);
        setenv("BPFDEV_FAULT", rule, 1);
        fd = open_dev(fl, O_RDWR);
        assert_int_equal(set_if(fd, fl, IF_CAP), -1);
        assert_int_equal(errno, setif_errnos[i]);
        assert_int_equal(set_if(fd, fl, IF_CAP), 0);
        close(fd);
    }
    /* read:EINTR*3, then EFAULT (AIX's spurious one), then EIO for good
     * after one more read (an interface vanishing). */
    setenv("BPFDEV_FAULT", "read:EINTR*3,read:EFAULT*1@after=3,read:EIO@after=5", 1);
    fd = open_dev(fl, O_RDWR); /* open re-reads BPFDEV_FAULT */
    unsigned blen = 4096;
    assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCSBLEN), &blen), 0);
    assert_int_equal(set_if(fd, fl, IF_CAP), 0);
    int on = 1;
    assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_FIONBIO), &on), 0);
    uint8_t buf[4096];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(read(fd, buf, sizeof buf), -1);
        assert_int_equal(errno, EINTR);
    }
    assert_int_equal(read(fd, buf, sizeof buf), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(read(fd, buf, sizeof buf), -1);
    assert_int_equal(errno, EWOULDBLOCK); /* the device itself: idle */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(read(fd, buf, sizeof buf), -1);
        assert_int_equal(errno, EIO);
    }
    close(fd);
    setenv("BPFDEV_FAULT", "write:ENXIO,poll:EINTR*1,ioctl.BIOCGSTATS:EFAULT", 1);
    fd = open_bound(fl, 4096);
    assert_int_equal(write(fd, buf, 100), -1);
    assert_int_equal(errno, ENXIO);
    struct pollfd p = { fd, POLLIN, 0 };
    assert_int_equal(poll(&p, 1, 0), -1);
    assert_int_equal(errno, EINTR);
    assert_int_equal(poll(&p, 1, 0), 0);
    uint8_t st[8];
    assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCGSTATS), st), -1);
    assert_int_equal(errno, EFAULT);
    close(fd);
    /* Malformed rules are ignored. */
    setenv("BPFDEV_FAULT", "open:NOSUCH,bogus:EIO,ioctl.BIOCNOPE:EIO,read.BIOCSETIF:EIO", 1);
    fd = open_bound(fl, 4096);
    close(fd);
    unsetenv("BPFDEV_FAULT");
    fd = open_dev(fl, O_RDWR);
    /* The errors of real interfaces. */
    assert_int_equal(set_if(fd, fl, "nosuch0"), -1);
    assert_int_equal(errno, ENXIO);
    assert_int_equal(set_if(fd, fl, IF_DOWN), -1);
    assert_int_equal(errno, ENETDOWN);
    close(fd);
}

/* An interface deleted under a blocked read ends it with the OS's error. */
static void interface_vanishes(void **state)
{
    (void)state;
    for (int i = 0; i < NFLAVORS; i++) {
        const struct lcap_bpf_flavor *fl = use_flavor(flavors[i]);
        run("ip link add bdx0 type veth peer name bdx1 && ip link set bdx0 up && ip link set bdx1 up");
        int fd = open_dev(fl, O_RDWR);
        unsigned blen = 4096;
        assert_int_equal(ioctl(fd, rq(fl, LCAP_REQ_BIOCSBLEN), &blen), 0);
        assert_int_equal(set_if(fd, fl, "bdx0"), 0);
        assert_int_equal(set_uint(fd, rq(fl, LCAP_REQ_BIOCIMMEDIATE), 1), 0);
        set_timeout(fd, fl, 20000);
        uint8_t buf[4096];
        assert_int_equal(read(fd, buf, sizeof buf), 0);
        run("ip link del bdx0");
        guard(5);
        ssize_t n = read(fd, buf, sizeof buf);
        int e = errno;
        unguard();
        assert_int_equal(n, -1);
        assert_int_equal(e, fl->gone_errno);
        close(fd);
    }
}

/* The program's other descriptors behave as without the library. */
static void other_fds_untouched(void **state)
{
    (void)state;
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    assert_int_equal(write(pipefd[1], "hello", 5), 5);
    int n = 0;
    assert_int_equal(ioctl(pipefd[0], FIONREAD, &n), 0);
    assert_int_equal(n, 5);
    char buf[8];
    assert_int_equal(read(pipefd[0], buf, sizeof buf), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(fcntl(pipefd[0], F_SETFL, O_NONBLOCK), 0);
    assert_int_equal(read(pipefd[0], buf, sizeof buf), -1);
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(fcntl(pipefd[0], F_GETFD) & FD_CLOEXEC, 0);
    struct pollfd p = { pipefd[1], POLLOUT, 0 };
    assert_int_equal(poll(&p, 1, 0), 1);
    assert_int_equal(close(pipefd[0]), 0);
    assert_int_equal(close(pipefd[1]), 0);
    assert_int_equal(close(pipefd[1]), -1);
    assert_int_equal(errno, EBADF);
    int fd = open("/dev/null", O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "x", 1), 1);
    close(fd);
    fd = openat(AT_FDCWD, "/dev/null", O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, buf, 1), 0);
    close(fd);
}

/* Makes the namespace: a veth pair up, another down, IPv6 off so that no
 * traffic but the test's own crosses them. */
static int make_namespace(void **state)
{
    (void)state;
    if (unshare(CLONE_NEWNET) != 0) {
        perror("unshare(CLONE_NEWNET)");
        return -1;
    }
    FILE *f = fopen("/proc/sys/net/ipv6/conf/default/disable_ipv6", "w");
    if (f != NULL) {
        fputs("1", f);
        fclose(f);
    }
    run("ip link set lo up");
    run("ip link add " IF_CAP " type veth peer name " IF_PEER);
    run("ip link add " IF_DOWN " type veth peer name bd3");
    run("ip link set " IF_CAP " up && ip link set " IF_PEER " up");
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", IF_CAP);
    if (s < 0 || ioctl(s, SIOCGIFHWADDR, &ifr) != 0)
        return -1;
    memcpy(cap_mac, ifr.ifr_hwaddr.sa_data, 6);
    close(s);
    return 0;
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_bpfdev needs root (network namespace, AF_PACKET)\n");
        return 77;
    }
    if (getenv("LD_PRELOAD") == NULL || strstr(getenv("LD_PRELOAD"), "bpfdev") == NULL) {
        fprintf(stderr, "test_bpfdev must run with LD_PRELOAD=libbpfdev.so\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_and_busy, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(version_and_buffer_length, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(records_every_flavor, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(truncation_and_unpadded_end, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(vlan_tag_kept, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(read_timeout, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(immediate_mode, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(nonblocking, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(kernel_filter, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(statistics, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(reads_keep_up, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(injection, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(direction, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(link_types, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(offered_link_types, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(raw_link_type, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(promiscuous, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(poll_and_select, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(faults, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(interface_vanishes, guard_test, unguard_test),
        cmocka_unit_test_setup_teardown(other_fds_untouched, guard_test, unguard_test),
    };
    return cmocka_run_group_tests(tests, make_namespace, NULL);
}
