/* compat_live.c - the compat driver's live part, run inside a network namespace with veth pairs (live.sh): the same calls through libpcap and the layer, printed for comparison. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pcap/pcap.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compat_live.h"

#define CAP_IF "lv0"  /* captured on */
#define PEER_IF "lv1" /* frames are injected here and arrive on CAP_IF */
#define DOWN_IF "lv2" /* left down */
#define SNAP 100

static const char *const netns_ifs[] = { "lo", "lv0", "lv1", "lv2", "lv3", "any" };

static uint32_t hash(const unsigned char *p, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Frame seq: to a MAC nobody has, an experimental EtherType, so the
 * namespace's stack ignores it; 60..1059 bytes. */
static size_t frame(unsigned char *b, unsigned seq)
{
    static const unsigned char head[14] = { 2, 0, 0, 0, 0, 0x99, 2, 0, 0, 0, 0, 1, 0x88, 0xb5 };
    size_t len = 60 + (seq * 97u) % 1000u;
    memcpy(b, head, sizeof head);
    for (size_t i = sizeof head; i < len; i++)
        b[i] = (unsigned char)(seq * 31u + i);
    b[14] = (unsigned char)seq;
    return len;
}

static void sockaddr_text(const char *what, const struct sockaddr *sa)
{
    char t[INET6_ADDRSTRLEN];
    if (sa == NULL)
        return;
    printf(" %s=", what);
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, t, sizeof t);
        printf("inet:%s", t);
    } else if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, t, sizeof t);
        printf("inet6:%s", t);
    } else if (sa->sa_family == AF_PACKET) {
        const struct sockaddr_ll *l = (const void *)sa;
        printf("packet:if%d/%u/", l->sll_ifindex > 0, l->sll_hatype);
        for (int i = 0; i < l->sll_halen && i < 8; i++)
            printf("%02x", l->sll_addr[i]);
    } else {
        printf("family%d", sa->sa_family);
    }
}

/* The namespace's interfaces as pcap_findalldevs lists them (pseudo-devices
 * such as "any", nflog or dbus are the library's own and left out), in order. */
static void show_devs(void)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_if_t *all;
    int rc = pcap_findalldevs(&all, err);
    printf("findalldevs %d\n", rc);
    for (pcap_if_t *d = rc == 0 ? all : NULL; d != NULL; d = d->next) {
        size_t i = 0;
        while (i < sizeof netns_ifs / sizeof netns_ifs[0] && strcmp(netns_ifs[i], d->name) != 0)
            i++;
        if (i == sizeof netns_ifs / sizeof netns_ifs[0])
            continue;
        printf("dev %s desc=%s flags=%#x\n", d->name, d->description ? d->description : "(null)", d->flags);
        for (pcap_addr_t *a = d->addresses; a != NULL; a = a->next) {
            printf(" addr");
            sockaddr_text("addr", a->addr);
            sockaddr_text("netmask", a->netmask);
            sockaddr_text("broadaddr", a->broadaddr);
            sockaddr_text("dstaddr", a->dstaddr);
            printf("\n");
        }
    }
    if (rc == 0)
        pcap_freealldevs(all);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    char *dev = pcap_lookupdev(err);
#pragma GCC diagnostic pop
    printf("lookupdev %s\n", dev ? dev : "(null)");
    const char *nets[] = { CAP_IF, PEER_IF, "nosuch0", "any", NULL };
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++) {
        bpf_u_int32 net = 7, mask = 7;
        rc = pcap_lookupnet(nets[i], &net, &mask, err);
        printf("lookupnet %s: %d net=%08x mask=%08x\n", nets[i] ? nets[i] : "(null)", rc, rc == 0 ? net : 0,
               rc == 0 ? mask : 0);
    }
}

/* One call and its result a line, in order (a printf of several calls would
 * leave their order to the compiler). */
#define SHOW(expr) printf("%s = %d\n", #expr, (int)(expr))

static void show_list(const char *what, int n, int *list)
{
    printf("%s %d:", what, n);
    for (int i = 0; i < n; i++)
        printf(" %d", list[i]);
    printf("\n");
}

/* pcap_list_datalinks' answer on one line, the list freed. */
static void show_datalinks(pcap_t *p, const char *what)
{
    int *list;
    int n = pcap_list_datalinks(p, &list);
    show_list(what, n, list);
    if (n > 0)
        pcap_free_datalinks(list);
}

/* What a handle says of itself, asked before and after activation alike. */
static void show_handle(pcap_t *p)
{
    SHOW(pcap_datalink(p));
    SHOW(pcap_snapshot(p));
    SHOW(pcap_datalink_ext(p));
    SHOW(pcap_is_swapped(p));
    SHOW(pcap_major_version(p));
    SHOW(pcap_minor_version(p));
}

/* Everything a created handle answers before pcap_activate. */
static void before_activate(pcap_t *p)
{
    char err[PCAP_ERRBUF_SIZE];
    struct pcap_stat st;
    struct pcap_pkthdr *h;
    const unsigned char *d;
    int *list;
    unsigned char pkt[60] = { 0 };
    struct bpf_program prog = { 0, NULL };
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, SNAP);
    pcap_compile(dead, &prog, "udp", 1, PCAP_NETMASK_UNKNOWN);
    pcap_close(dead);

    show_handle(p);
    SHOW(pcap_bufsize(p));
    show_datalinks(p, "pre list_datalinks");
    SHOW(pcap_set_datalink(p, DLT_EN10MB));
    SHOW(pcap_stats(p, &st));
    SHOW(pcap_setfilter(p, &prog));
    pcap_freecode(&prog);
    SHOW(pcap_compile(p, &prog, "tcp", 1, PCAP_NETMASK_UNKNOWN) < 0);
    SHOW(pcap_setdirection(p, PCAP_D_IN));
    SHOW(pcap_inject(p, pkt, sizeof pkt));
    /* (pcap_sendpacket: libpcap 1.10 answers 0 here without sending; the layer says -1.) */
    SHOW(pcap_next_ex(p, &h, &d));
    SHOW(pcap_dispatch(p, 1, NULL, NULL));
    SHOW(pcap_loop(p, 1, NULL, NULL));
    SHOW(pcap_next(p, (struct pcap_pkthdr *)pkt) == NULL);
    SHOW(pcap_getnonblock(p, err));
    /* Remembered until pcap_activate, which applies it (after_activate shows it). */
    SHOW(pcap_setnonblock(p, 1, err));
    SHOW(pcap_getnonblock(p, err));
    SHOW(pcap_get_selectable_fd(p));
    SHOW(pcap_fileno(p));
    SHOW(pcap_get_required_select_timeout(p) == NULL);
    SHOW(pcap_can_set_rfmon(p));
    int n = pcap_list_tstamp_types(p, &list);
    show_list("pre tstamp_types", n, list);
    if (n > 0)
        pcap_free_tstamp_types(list);
    SHOW(pcap_set_tstamp_type(p, PCAP_TSTAMP_HOST));
    SHOW(pcap_set_tstamp_type(p, PCAP_TSTAMP_ADAPTER));
    SHOW(pcap_set_tstamp_type(p, -1));
    SHOW(pcap_get_tstamp_precision(p));
    SHOW(pcap_set_tstamp_precision(p, 5));
    SHOW(pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO));
    SHOW(pcap_get_tstamp_precision(p));
    SHOW(pcap_set_snaplen(p, SNAP));
    SHOW(pcap_set_promisc(p, 0));
    SHOW(pcap_set_timeout(p, 50));
    SHOW(pcap_set_buffer_size(p, 1 << 20));
    SHOW(pcap_set_buffer_size(p, 0));
    SHOW(pcap_set_buffer_size(p, -5));
    SHOW(pcap_set_immediate_mode(p, 1));
    SHOW(pcap_set_rfmon(p, 0));
}

/* What an activated handle says, and the options it refuses now. */
static void after_activate(pcap_t *p)
{
    char err[PCAP_ERRBUF_SIZE];
    SHOW(pcap_activate(p));
    SHOW(pcap_set_snaplen(p, SNAP));
    SHOW(pcap_set_promisc(p, 0));
    SHOW(pcap_set_timeout(p, 50));
    SHOW(pcap_set_buffer_size(p, 1 << 20));
    SHOW(pcap_set_immediate_mode(p, 1));
    SHOW(pcap_set_rfmon(p, 0));
    SHOW(pcap_set_tstamp_type(p, PCAP_TSTAMP_HOST));
    SHOW(pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO));
    show_handle(p);
    SHOW(pcap_get_tstamp_precision(p));
    /* libpcap's is its ring's frame size, libcapture's the snapshot length. */
    SHOW(pcap_bufsize(p) >= pcap_snapshot(p));
    show_datalinks(p, "post list_datalinks");
    SHOW(pcap_set_datalink(p, DLT_DOCSIS));
    SHOW(pcap_datalink(p));
    SHOW(pcap_set_datalink(p, DLT_EN10MB));
    SHOW(pcap_datalink(p));
    SHOW(pcap_set_datalink(p, DLT_RAW));
    SHOW(pcap_datalink(p));
    SHOW(pcap_get_selectable_fd(p) >= 0);
    SHOW(pcap_fileno(p) == pcap_get_selectable_fd(p));
    SHOW(pcap_get_required_select_timeout(p) == NULL);
    SHOW(pcap_can_set_rfmon(p));
    SHOW(pcap_getnonblock(p, err));
    SHOW(pcap_setdirection(p, (pcap_direction_t)7));
}

/* The clock just before the first frame still to arrive was sent, and the unit of the handle being read. */
static struct timespec sent;
static long ts_per_sec = 1000000;

/* Units of ts_per_sec in a timespec, cut as the kernel's stamps are. */
static long long in_units(const struct timespec *t)
{
    return (long long)t->tv_sec * ts_per_sec + t->tv_nsec / (1000000000 / ts_per_sec);
}

/* Whether a packet's time stamp, in the handle's unit, lies between the sending and now:
 * the packet was stamped after it was sent, by the same clock. */
static int ts_plausible(const struct pcap_pkthdr *h)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long t = (long long)h->ts.tv_sec * ts_per_sec + h->ts.tv_usec;
    return h->ts.tv_usec >= 0 && h->ts.tv_usec < ts_per_sec && t >= in_units(&sent) && t <= in_units(&now);
}

static pcap_t *open_if(const char *dev, int immediate, int precision)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(dev, err);
    if (p == NULL)
        return NULL;
    pcap_set_tstamp_precision(p, precision);
    pcap_set_snaplen(p, SNAP);
    pcap_set_timeout(p, 20);
    pcap_set_immediate_mode(p, immediate);
    int rc = pcap_activate(p);
    if (rc < 0) {
        printf("activate %s failed %d\n", dev, rc);
        pcap_close(p);
        return NULL;
    }
    return p;
}

static void inject(pcap_t *out, unsigned first, unsigned n)
{
    unsigned char b[1100];
    for (unsigned i = first; i < first + n; i++) {
        size_t len = frame(b, i);
        int rc = pcap_inject(out, b, len);
        if (rc != (int)len)
            printf("inject %u: %d\n", i, rc);
    }
}

static void cb_print(unsigned char *user, const struct pcap_pkthdr *h, const unsigned char *d)
{
    int *seen = (int *)(void *)user;
    printf("pkt %u %u %08x ts %s\n", h->caplen, h->len, hash(d, h->caplen), ts_plausible(h) ? "ok" : "BAD");
    if (++seen[0] == seen[1])
        pcap_breakloop((pcap_t *)*(pcap_t **)(void *)(seen + 2));
}

/* Reads until want packets came or the reads stop giving any (a bounded count of timeouts). */
static int drain(pcap_t *p, int want)
{
    struct {
        int seen, brk;
        pcap_t *p;
    } s = { 0, -1, p };
    for (int idle = 0; s.seen < want && idle < 50;) {
        int rc = pcap_dispatch(p, -1, cb_print, (unsigned char *)&s);
        if (rc < 0) {
            printf("dispatch %d\n", rc);
            break;
        }
        idle = rc == 0 ? idle + 1 : 0;
    }
    return s.seen;
}

/* Stops the loop of the handle it is given from another thread, once that loop is waiting. */
static void *break_later(void *arg)
{
    struct timespec pause = { 0, 100 * 1000000 }; /* only so that the loop is already waiting */
    nanosleep(&pause, NULL);
    pcap_breakloop((pcap_t *)arg);
    return NULL;
}

/* Packets, stats, breakloop, direction, non-blocking mode on a live pair. */
static void capture(void)
{
    char err[PCAP_ERRBUF_SIZE];
    struct pcap_stat st;
    pcap_t *cap = open_if(CAP_IF, 1, PCAP_TSTAMP_PRECISION_NANO), *out = open_if(PEER_IF, 1, PCAP_TSTAMP_PRECISION_MICRO);
    if (cap == NULL || out == NULL)
        return;
    ts_per_sec = 1000000000; /* cap stamps to the nanosecond */
    clock_gettime(CLOCK_REALTIME, &sent);
    inject(out, 0, 20);
    printf("captured %d\n", drain(cap, 20));
    int rc = pcap_stats(cap, &st);
    printf("stats %d recv %u drop %u ifdrop %u\n", rc, st.ps_recv, st.ps_drop, st.ps_ifdrop);

    /* breakloop from the callback: the loop returns -2 after 3; the rest is read after. */
    clock_gettime(CLOCK_REALTIME, &sent);
    inject(out, 20, 8);
    struct {
        int seen, brk;
        pcap_t *p;
    } s = { 0, 3, cap };
    SHOW(pcap_loop(cap, -1, cb_print, (unsigned char *)&s));
    printf("loop stopped after %d\n", s.seen);
    printf("rest %d\n", drain(cap, 5));

    /* A count: pcap_loop goes on through timeouts until it has 3; pcap_dispatch hands at most 2. */
    s.seen = 0;
    s.brk = -1;
    clock_gettime(CLOCK_REALTIME, &sent);
    inject(out, 30, 3);
    SHOW(pcap_loop(cap, 3, cb_print, (unsigned char *)&s));
    inject(out, 33, 5);
    int first = 0;
    for (int idle = 0; first == 0 && idle < 50; idle++)
        first = pcap_dispatch(cap, 2, cb_print, (unsigned char *)&s);
    /* How many were ready at the first non-empty read is the kernel's business: 1 or 2. */
    printf("dispatch 2 gave 1 or 2: %d\n", first >= 1 && first <= 2);
    printf("in all %d\n", first + drain(cap, 5 - first));

    /* breakloop from another thread while the loop waits for packets that do not come. */
    pthread_t t;
    s.seen = 0;
    s.brk = -1;
    if (pthread_create(&t, NULL, break_later, cap) == 0) {
        SHOW(pcap_loop(cap, -1, cb_print, (unsigned char *)&s));
        pthread_join(t, NULL);
    }

    /* A filter installed on the live handle. */
    struct bpf_program prog;
    printf("compile %d\n", pcap_compile(cap, &prog, "ether[14] & 1 == 0", 1, PCAP_NETMASK_UNKNOWN));
    printf("setfilter %d\n", pcap_setfilter(cap, &prog));
    pcap_freecode(&prog);
    clock_gettime(CLOCK_REALTIME, &sent);
    inject(out, 40, 10);
    printf("filtered %d\n", drain(cap, 5));
    rc = pcap_stats(cap, &st);
    printf("stats %d recv %u drop %u ifdrop %u\n", rc, st.ps_recv, st.ps_drop, st.ps_ifdrop);

    /* Non-blocking: nothing waits, so dispatch answers 0 at once. */
    SHOW(pcap_setnonblock(cap, 1, err));
    SHOW(pcap_getnonblock(cap, err));
    SHOW(pcap_dispatch(cap, -1, cb_print, (unsigned char *)&s));
    SHOW(pcap_setnonblock(cap, 0, err));
    SHOW(pcap_getnonblock(cap, err));

    /* Direction, on the peer: what it sends is outgoing there, what cap sends incoming. */
    static const pcap_direction_t dirs[] = { PCAP_D_IN, PCAP_D_OUT, PCAP_D_INOUT };
    clock_gettime(CLOCK_REALTIME, &sent);
    for (size_t i = 0; i < 3; i++) {
        pcap_t *watch = open_if(PEER_IF, 1, PCAP_TSTAMP_PRECISION_MICRO);
        if (watch == NULL)
            break;
        ts_per_sec = 1000000;
        printf("setdirection %d: %d\n", dirs[i], pcap_setdirection(watch, dirs[i]));
        inject(out, 100, 3);  /* out of the peer */
        inject(cap, 200, 4);  /* into the peer */
        printf("direction %d saw %d\n", dirs[i], drain(watch, dirs[i] == PCAP_D_IN ? 4 : dirs[i] == PCAP_D_OUT ? 3 : 7));
        pcap_close(watch);
    }
    ts_per_sec = 1000000000;
    unsigned char b[1100];
    size_t len = frame(b, 300);
    SHOW(pcap_sendpacket(out, b, (int)len));
    SHOW(pcap_sendpacket(out, b, 0));
    SHOW(pcap_inject(out, b, len) == (int)len);
    /* The peer's frames of the direction runs that pass the filter, and the last two. */
    printf("captured %d\n", drain(cap, 8));

    /* pcap_next_ex and pcap_next on the live handle (0: the timeout, nothing yet), each packet
     * dumped; the file's header is the handle's, its records the packets. */
    char path[] = "/tmp/lcap_live_dump_XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0)
        close(fd);
    pcap_dumper_t *dump = pcap_dump_open(cap, path);
    printf("dump_open %s\n", dump ? "ok" : "NULL");
    clock_gettime(CLOCK_REALTIME, &sent);
    inject(out, 500, 6); /* seq 500..505: the even ones pass the filter */
    int got = 0, timeouts = 0;
    while (got < 2 && timeouts < 50) {
        struct pcap_pkthdr *ph;
        const unsigned char *pd;
        int rc2 = pcap_next_ex(cap, &ph, &pd);
        if (rc2 == 1) {
            got++;
            printf("next_ex pkt %u %u %08x ts %s\n", ph->caplen, ph->len, hash(pd, ph->caplen),
                   ts_plausible(ph) ? "ok" : "BAD");
            if (dump != NULL)
                pcap_dump((unsigned char *)dump, ph, pd);
        } else if (rc2 == 0) {
            timeouts++;
        } else {
            printf("next_ex %d\n", rc2);
            break;
        }
    }
    struct pcap_pkthdr nh;
    const unsigned char *nd = NULL;
    for (int tries = 0; nd == NULL && tries < 50; tries++)
        nd = pcap_next(cap, &nh);
    if (nd != NULL) {
        printf("next pkt %u %u %08x ts %s\n", nh.caplen, nh.len, hash(nd, nh.caplen), ts_plausible(&nh) ? "ok" : "BAD");
        if (dump != NULL)
            pcap_dump((unsigned char *)dump, &nh, nd);
    }
    if (dump != NULL) {
        SHOW(pcap_dump_ftell64(dump));
        pcap_dump_close(dump);
        pcap_t *back = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
        if (back != NULL) {
            SHOW(pcap_datalink(back));
            SHOW(pcap_snapshot(back));
            struct pcap_pkthdr *bh;
            const unsigned char *bd;
            while (pcap_next_ex(back, &bh, &bd) == 1)
                printf("dumped pkt %u %u %08x ts %s\n", bh->caplen, bh->len, hash(bd, bh->caplen),
                       ts_plausible(bh) ? "ok" : "BAD");
            pcap_close(back);
        }
    }
    remove(path);

    /* A socket for one protocol: the frames' EtherType, then another. */
    static const int protocols[] = { 0x88b5, 0x0800 };
    for (size_t i = 0; i < 2; i++) {
        pcap_t *one = pcap_create(CAP_IF, err);
        SHOW(pcap_set_protocol_linux(one, protocols[i]));
        pcap_set_immediate_mode(one, 1);
        pcap_set_timeout(one, 20);
        SHOW(pcap_activate(one));
        SHOW(pcap_set_protocol_linux(one, protocols[i]));
        ts_per_sec = 1000000;
        clock_gettime(CLOCK_REALTIME, &sent);
        inject(out, 400, 4);
        /* and one frame typed IPv4 (to nobody's MAC: the stack drops it) */
        size_t flen = frame(b, 404);
        b[12] = 0x08;
        b[13] = 0x00;
        SHOW(pcap_inject(out, b, flen) == (int)flen);
        printf("protocol %#x saw %d\n", protocols[i], drain(one, i == 0 ? 4 : 1));
        pcap_close(one);
    }
    pcap_close(out);
    pcap_close(cap);
}

/* pcap_activate's codes: a missing device, one that is down, monitor mode
 * where there is none, a second activation, and no permission. */
static void errors(void)
{
    char err[PCAP_ERRBUF_SIZE];
    static const char *devs[] = { "nosuch0", DOWN_IF, "a-name-longer-than-ifnamsiz-allows" };
    for (size_t i = 0; i < sizeof devs / sizeof devs[0]; i++) {
        pcap_t *p = pcap_create(devs[i], err);
        printf("create %s %s\n", devs[i], p ? "ok" : "NULL");
        if (p == NULL)
            continue;
        printf("can_set_rfmon %d\n", pcap_can_set_rfmon(p));
        int rc = pcap_activate(p);
        printf("activate %s: %d\n", devs[i], rc);
        /* libpcap cannot be asked twice after a failure (it crashes): only after success. */
        if (rc >= 0)
            printf("activate again %d\n", pcap_activate(p));
        pcap_close(p);
        p = pcap_open_live(devs[i], SNAP, 0, 10, err);
        printf("open_live %s %s\n", devs[i], p ? "ok" : "NULL");
        if (p != NULL)
            pcap_close(p);
    }
    /* Snapshot lengths out of range become the largest; a tiny buffer still activates. */
    static const int snaps[] = { 0, -1, 262145, 65535, 1 };
    for (size_t i = 0; i < sizeof snaps / sizeof snaps[0]; i++) {
        pcap_t *q = pcap_create(CAP_IF, err);
        pcap_set_snaplen(q, snaps[i]);
        pcap_set_buffer_size(q, 1);
        pcap_set_timeout(q, -5);
        printf("snaplen %d\n", snaps[i]);
        SHOW(pcap_activate(q));
        SHOW(pcap_snapshot(q));
        pcap_close(q);
    }
    static const char *rfmon_devs[] = { CAP_IF, "nosuch0", DOWN_IF };
    pcap_t *p;
    for (size_t i = 0; i < sizeof rfmon_devs / sizeof rfmon_devs[0]; i++) {
        p = pcap_create(rfmon_devs[i], err);
        printf("rfmon %s set %d\n", rfmon_devs[i], pcap_set_rfmon(p, 1));
        printf("activate rfmon %d\n", pcap_activate(p));
        pcap_close(p);
    }
    p = pcap_create(CAP_IF, err);
    pcap_set_promisc(p, 1);
    printf("activate promisc %d\n", pcap_activate(p));
    pcap_close(p);
    p = pcap_open_live(CAP_IF, SNAP, 1, 10, err);
    printf("open_live promisc %s\n", p ? "ok" : "NULL");
    if (p != NULL)
        pcap_close(p);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        /* No longer root (nor any capability): no packet socket. */
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(3);
        p = pcap_create(CAP_IF, err);
        printf("unprivileged activate %d\n", pcap_activate(p));
        pcap_close(p);
        p = pcap_open_live(CAP_IF, SNAP, 0, 10, err);
        printf("unprivileged open_live %s\n", p ? "ok" : "NULL");
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    printf("child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* The selectable descriptor and blocking mode of a savefile and a dead handle. */
static void offline(const char *savefile)
{
    char err[PCAP_ERRBUF_SIZE];
    struct pcap_stat st;
    pcap_t *p = pcap_open_offline(savefile, err);
    for (int dead = 0; dead < 2; dead++) {
        if (p == NULL) {
            printf("open failed\n");
            return;
        }
        /* (A dead handle's: libpcap 1.10 says 0, standard input; the layer -1, none.) */
        if (!dead)
            SHOW(pcap_get_selectable_fd(p) == fileno(pcap_file(p)));
        SHOW(pcap_getnonblock(p, err));
        SHOW(pcap_setnonblock(p, 1, err));
        SHOW(pcap_stats(p, &st));
        SHOW(pcap_setdirection(p, PCAP_D_IN));
        SHOW(pcap_bufsize(p));
        SHOW(pcap_get_required_select_timeout(p) == NULL);
        SHOW(pcap_inject(p, "x", 1));
        SHOW(pcap_can_set_rfmon(p));
        SHOW(pcap_set_snaplen(p, 10));
        SHOW(pcap_activate(p));
        show_datalinks(p, "list_datalinks");
        SHOW(pcap_set_datalink(p, pcap_datalink(p)));
        SHOW(pcap_set_datalink(p, DLT_RAW));
        pcap_close(p);
        p = pcap_open_dead(DLT_EN10MB, SNAP);
    }
    pcap_close(p);
    SHOW(pcap_init(7, err));
    SHOW(pcap_init(PCAP_CHAR_ENC_LOCAL, err));
    SHOW(pcap_init(PCAP_CHAR_ENC_UTF_8, err));
    SHOW(pcap_init(PCAP_CHAR_ENC_LOCAL, err));
}

/* The "any" device (and NULL, which names it): cooked link types, no promiscuous mode, no sending. */
static void any_device(void)
{
    char err[PCAP_ERRBUF_SIZE];
    for (int null = 0; null < 2; null++) {
        pcap_t *p = pcap_create(null ? NULL : "any", err);
        printf("create %s %s\n", null ? "NULL" : "any", p ? "ok" : "NULL");
        if (p == NULL)
            continue;
        SHOW(pcap_set_promisc(p, 1));
        SHOW(pcap_set_snaplen(p, SNAP));
        SHOW(pcap_set_immediate_mode(p, 1));
        SHOW(pcap_activate(p));
        SHOW(pcap_datalink(p));
        show_datalinks(p, "any list_datalinks");
        /* Frames sent on the pair, seen leaving lv1 and arriving on lv0, cooked: SLL, then SLL2. */
        pcap_t *out = open_if(PEER_IF, 1, PCAP_TSTAMP_PRECISION_MICRO);
        for (int v2 = 0; v2 < 2 && out != NULL; v2++) {
            if (v2) {
                SHOW(pcap_set_datalink(p, DLT_LINUX_SLL2));
                SHOW(pcap_datalink(p));
            }
            ts_per_sec = 1000000;
            clock_gettime(CLOCK_REALTIME, &sent);
            inject(out, 600 + 10 * (unsigned)v2, 3);
            printf("any saw %d\n", drain(p, 6));
        }
        if (out != NULL)
            pcap_close(out);
        SHOW(pcap_set_datalink(p, DLT_EN10MB));
        SHOW(pcap_inject(p, "0123456789abcdef", 16));
        pcap_close(p);
    }
    pcap_t *p = pcap_open_live("any", SNAP, 1, 10, err);
    printf("open_live any promisc %s\n", p ? "ok" : "NULL");
    if (p != NULL)
        pcap_close(p);
}

/* VLAN filters compiled for a live Linux handle, where libpcap reads the
 * tag the kernel took out of the packet with ancillary loads, and installed
 * there; and for a dead handle, where the tag is in the packet. The filters
 * whose programs libpcap's optimizer and libcapture's lay out alike. */
static void vlan_programs(void)
{
    static const char *const filters[] = { "vlan", "vlan 5", "not vlan", "udp and not vlan", "vlan 0", "not vlan 5" };
    pcap_t *on[2] = { open_if(CAP_IF, 1, PCAP_TSTAMP_PRECISION_MICRO), pcap_open_dead(DLT_EN10MB, SNAP) };
    for (size_t i = 0; on[0] != NULL && on[1] != NULL && i < sizeof(filters) / sizeof(filters[0]); i++) {
        for (int j = 0; j < 2; j++) {
            struct bpf_program prog;
            int rc = pcap_compile(on[j], &prog, filters[i], 1, PCAP_NETMASK_UNKNOWN);
            printf("%s %s: compile %d\n", j ? "dead" : "live", filters[i], rc);
            if (rc != 0)
                continue;
            fflush(stdout);
            bpf_dump(&prog, 1);
            fflush(stdout);
            if (j == 0)
                printf("setfilter %d\n", pcap_setfilter(on[j], &prog));
            pcap_freecode(&prog);
        }
    }
    for (int j = 0; j < 2; j++)
        if (on[j] != NULL)
            pcap_close(on[j]);
}

void compat_live(const char *savefile)
{
    char err[PCAP_ERRBUF_SIZE];
    show_devs();
    pcap_t *p = pcap_create(CAP_IF, err);
    printf("create %s\n", p ? "ok" : "NULL");
    if (p != NULL) {
        before_activate(p);
        printf("activate %d\n", pcap_activate(p));
        after_activate(p);
        pcap_close(p);
    }
    capture();
    any_device();
    vlan_programs();
    errors();
    offline(savefile);
}
