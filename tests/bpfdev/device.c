/* device.c - the bpf(4) contract over an AF_PACKET socket: ioctls, store/hold buffers, records per flavour, read, write, readiness. */
#include "bpfdev.h"
#include "live/bpf_abi.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The interposers own read/write/ioctl/poll/fcntl: the device reaches the
 * kernel by raw system calls so that it never re-enters them. */
#define sys_ioctl(fd, req, arg) syscall(SYS_ioctl, (fd), (unsigned long)(req), (arg))
#define sys_fcntl(fd, cmd, arg) syscall(SYS_fcntl, (fd), (cmd), (long)(arg))

/* BPF_MINBUFSIZE of every BSD. */
#define MIN_BUF 32
/* Largest frame taken from the socket (GSO frames of a veth can reach 64 KiB). */
#define SCRATCH_LEN (256 * 1024)
/* BIOCSTSTAMP formats (FreeBSD): the low two bits; FAST and MONOTONIC flags. */
#define TSTAMP_FORMAT(v) ((v) & 3u)
#define TSTAMP_VALID_BITS 0x0303u
#ifndef ARPHRD_RAWIP
#define ARPHRD_RAWIP 519
#endif
/* AIX's interface types (if_types.h) for its BIOCGDLT. */
#define IFT_OTHER 0x1
#define IFT_ETHER 0x6

int64_t bpfdev_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Most buffer BIOCSETIF can allocate: BPFDEV_MAXALLOC, 256 KiB by default,
 * below the kernel maxima so that the library's ENOBUFS loop runs. */
static uint32_t max_alloc(void)
{
    const char *env = getenv("BPFDEV_MAXALLOC");
    long v = env != NULL ? strtol(env, NULL, 0) : 0;
    return v > 0 ? (uint32_t)v : 256 * 1024;
}

int bpfdev_init(struct bpfdev *d, const struct lcap_bpf_flavor *fl, int oflags)
{
    memset(d, 0, sizeof *d);
    d->counter = -1;
    d->fl = fl;
    d->accmode = oflags & O_ACCMODE;
    d->blen = fl->default_buf;
    d->hdrcmplt = 0;
    /* Protocol 0: the socket receives nothing until BIOCSETIF binds it. */
    int type = SOCK_RAW | ((oflags & O_CLOEXEC) ? SOCK_CLOEXEC : 0) |
               ((oflags & O_NONBLOCK) ? SOCK_NONBLOCK : 0);
    d->fd = socket(AF_PACKET, type, 0);
    if (d->fd < 0)
        return errno == EPERM ? -EACCES : -errno;
    int one = 1;
    if (setsockopt(d->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) < 0 ||
        setsockopt(d->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) < 0) {
        int e = errno;
        syscall(SYS_close, d->fd);
        return -e;
    }
    return 0;
}

void bpfdev_fini(struct bpfdev *d)
{
    if (d->counter >= 0)
        syscall(SYS_close, d->counter);
    free(d->sbuf);
    free(d->hbuf);
    free(d->scratch);
    d->sbuf = d->hbuf = d->scratch = NULL;
}

/* Reads and resets a socket's PACKET_STATISTICS (drops are counted in both). */
static struct tpacket_stats take_stats(int fd)
{
    struct tpacket_stats st = { 0, 0 };
    socklen_t len = sizeof st;
    if (fd >= 0 && getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0)
        memset(&st, 0, sizeof st);
    return st;
}

/* Drops everything buffered and queued, and zeroes the counters (BIOCFLUSH,
 * and what BIOCSETIF and BIOCSETF do as well). */
static void flush(struct bpfdev *d)
{
    d->slen = d->hlen = 0;
    if (d->scratch != NULL)
        while (recv(d->fd, d->scratch, d->scratch_len, MSG_DONTWAIT) >= 0)
            ;
    take_stats(d->fd);
    take_stats(d->counter);
    d->recv = d->drop = d->capt = 0;
}

/* Counters as BIOCGSTATS reports them: every packet the interface carried,
 * and what neither the kernel queue nor the store and hold buffers kept. */
static void update_counters(struct bpfdev *d)
{
    struct tpacket_stats all = take_stats(d->counter);
    struct tpacket_stats mine = take_stats(d->fd);
    d->recv += all.tp_packets;
    d->drop += mine.tp_drops;
}

static void put_uint(uint8_t *p, unsigned width, uint64_t v)
{
    if (width == 8) {
        memcpy(p, &v, 8);
    } else if (width == 4) {
        uint32_t w = (uint32_t)v;
        memcpy(p, &w, 4);
    } else {
        uint16_t h = (uint16_t)v;
        memcpy(p, &h, 2);
    }
}

static uint64_t get_uint(const uint8_t *p, unsigned width)
{
    if (width == 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* The fraction of a second in the unit a header field holds. */
static uint64_t fraction(enum lcap_bpf_ts_unit unit, long ns)
{
    switch (unit) {
    case LCAP_BPF_TS_MICRO:
        return (uint64_t)ns / 1000;
    case LCAP_BPF_TS_NANO:
        return (uint64_t)ns;
    case LCAP_BPF_TS_BINTIME: {
        /* ns * 2^64 / 1e9 in two 32-bit halves (ns < 2^30). */
        uint64_t hi = ((uint64_t)ns << 32) / 1000000000u;
        uint64_t rem = ((uint64_t)ns << 32) % 1000000000u;
        return hi << 32 | (rem << 32) / 1000000000u;
    }
    }
    return 0;
}

/* Layout and unit of the records this descriptor writes now. */
static const struct lcap_bpf_hdr_layout *layout(const struct bpfdev *d, enum lcap_bpf_ts_unit *unit)
{
    uint32_t fmt = TSTAMP_FORMAT(d->tstamp);
    if (d->fl->xhdr.size != 0 && (fmt == 1 || fmt == 2)) {
        *unit = fmt == 1 ? LCAP_BPF_TS_NANO : LCAP_BPF_TS_BINTIME;
        return &d->fl->xhdr;
    }
    *unit = d->fl->ts_unit;
    return &d->fl->hdr;
}

static void rotate(struct bpfdev *d)
{
    uint8_t *t = d->hbuf;
    d->hbuf = d->sbuf;
    d->hlen = d->slen;
    d->sbuf = t;
    d->slen = 0;
}

/* Stores one packet as catchpacket() does: the record at the aligned end of
 * the store buffer, rotating into an empty hold buffer, else dropping. */
static void catch_packet(struct bpfdev *d, const uint8_t *pkt, size_t caplen, size_t wirelen,
                         const struct timespec *ts)
{
    enum lcap_bpf_ts_unit unit;
    const struct lcap_bpf_hdr_layout *l = layout(d, &unit);
    size_t hdrlen = lcap_flavor_hdrlen(d->fl, l, (unsigned)d->linkhdr);
    size_t totlen = hdrlen + caplen;
    if (totlen > d->blen)
        totlen = d->blen;
    size_t cur = lcap_flavor_align(d->fl, d->slen);
    if (cur + totlen > d->blen) {
        if (d->hlen != 0) {
            d->drop++;
            return;
        }
        rotate(d);
        cur = 0;
    }
    uint8_t *rec = d->sbuf + cur;
    memset(rec, 0, hdrlen);
    if (TSTAMP_FORMAT(d->tstamp) != 3) { /* BPF_T_NONE leaves it zero */
        put_uint(rec + l->sec_off, l->sec_width, (uint64_t)ts->tv_sec);
        put_uint(rec + l->frac_off, l->frac_width, fraction(unit, ts->tv_nsec));
    }
    put_uint(rec + l->caplen_off, 4, totlen - hdrlen);
    put_uint(rec + l->datalen_off, 4, wirelen);
    put_uint(rec + l->hdrlen_off, 2, hdrlen);
    memcpy(rec + hdrlen, pkt, totlen - hdrlen);
    d->slen = cur + totlen;
    d->capt++;
}

/* Whether the bound interface still exists. */
static int interface_exists(const struct bpfdev *d)
{
    char name[IF_NAMESIZE];
    return if_indextoname((unsigned)d->ifindex, name) != NULL;
}

/* Moves every packet the socket holds into the buffers. Returns 1 when the
 * interface has disappeared. */
static int intake(struct bpfdev *d)
{
    if (!d->bound)
        return 0;
    for (;;) {
        union {
            char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata)) + CMSG_SPACE(sizeof(struct timespec))];
            struct cmsghdr align;
        } control;
        struct sockaddr_ll from;
        struct iovec iov = { d->scratch, d->scratch_len };
        struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov,
                              .msg_iovlen = 1, .msg_control = control.buf,
                              .msg_controllen = sizeof control.buf };
        ssize_t n = recvmsg(d->fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            if (errno == ENETDOWN && !interface_exists(d))
                d->gone = 1;
            if (errno == ENETDOWN && !d->gone)
                continue;
            return d->gone;
        }
        struct timespec ts = { 0, 0 };
        size_t wirelen = (size_t)n;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS)
                memcpy(&ts, CMSG_DATA(c), sizeof ts);
            if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
                struct tpacket_auxdata aux;
                memcpy(&aux, CMSG_DATA(c), sizeof aux);
                wirelen = aux.tp_len;
            }
        }
        int out = from.sll_pkttype == PACKET_OUTGOING;
        if ((out && d->drop_out) || (!out && d->drop_in))
            continue;
        size_t caplen = (size_t)n < d->scratch_len ? (size_t)n : d->scratch_len;
        catch_packet(d, d->scratch, caplen, wirelen, &ts);
    }
}

/* Binds the descriptor to an interface (BIOCSETIF). */
static int set_interface(struct bpfdev *d, const char *name)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, name, strnlen(name, IFNAMSIZ - 1));
    unsigned index = if_nametoindex(ifr.ifr_name);
    if (index == 0)
        return -ENXIO;
    if (sys_ioctl(d->fd, SIOCGIFFLAGS, &ifr) < 0)
        return -ENXIO;
    if (!(ifr.ifr_flags & IFF_UP))
        return -ENETDOWN;
    if (sys_ioctl(d->fd, SIOCGIFHWADDR, &ifr) < 0)
        return -ENXIO;
    int family = ifr.ifr_hwaddr.sa_family;
    if (family == ARPHRD_ETHER || family == ARPHRD_LOOPBACK) {
        d->dlt = 1; /* DLT_EN10MB; Linux gives loopback an Ethernet header */
        d->linkhdr = ETHER_HDR_LEN;
        memcpy(d->mac, ifr.ifr_hwaddr.sa_data, 6);
    } else if (family == ARPHRD_NONE || family == ARPHRD_RAWIP) {
        d->dlt = d->fl->dlt.raw;
        d->linkhdr = 0;
    } else {
        return -ENXIO;
    }
    if (sys_ioctl(d->fd, SIOCGIFMTU, &ifr) < 0)
        return -ENXIO;
    d->mtu = (unsigned)ifr.ifr_mtu;
    if (d->blen > max_alloc())
        return -ENOBUFS;
    if (d->sbuf == NULL) {
        d->sbuf = malloc(d->blen);
        d->hbuf = malloc(d->blen);
        d->scratch_len = SCRATCH_LEN;
        d->scratch = malloc(d->scratch_len);
        if (d->sbuf == NULL || d->hbuf == NULL || d->scratch == NULL) {
            bpfdev_fini(d);
            return -ENOBUFS;
        }
    }
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                               .sll_ifindex = (int)index };
    if (bind(d->fd, (struct sockaddr *)&sll, sizeof sll) < 0)
        return errno == ENETDOWN ? -ENETDOWN : -ENXIO;
    /* Room for bursts while the program is not reading (root may force it). */
    int rcv = 16 * 1024 * 1024;
    if (setsockopt(d->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv) < 0)
        setsockopt(d->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    /* The counter keeps one byte of each packet and a tiny queue: its
     * statistics count every packet, queued or dropped. */
    if (d->counter < 0) {
        struct sock_filter one_byte = BPF_STMT(BPF_RET | BPF_K, 1);
        struct sock_fprog prog = { 1, &one_byte };
        int small = 1;
        d->counter = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
        if (d->counter < 0 ||
            setsockopt(d->counter, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0 ||
            setsockopt(d->counter, SOL_SOCKET, SO_RCVBUF, &small, sizeof small) < 0)
            return -ENOBUFS;
    }
    if (bind(d->counter, (struct sockaddr *)&sll, sizeof sll) < 0)
        return -ENXIO;
    d->ifindex = (int)index;
    memcpy(d->ifname, name, strnlen(name, IFNAMSIZ - 1));
    d->ifname[IFNAMSIZ - 1] = '\0';
    d->bound = 1;
    d->gone = 0;
    flush(d);
    return 0;
}

/* BIOCSETF: the program goes to the kernel's own BPF engine. */
static int set_filter(struct bpfdev *d, const void *arg)
{
    unsigned len;
    void *insns;
    memcpy(&len, arg, sizeof len);
    memcpy(&insns, (const uint8_t *)arg + 8, sizeof insns);
    if (len == 0 && insns == NULL) {
        int unused = 0;
        if (setsockopt(d->fd, SOL_SOCKET, SO_DETACH_FILTER, &unused, sizeof unused) < 0 &&
            errno != ENOENT)
            return -errno;
    } else {
        if (len == 0 || len > d->fl->max_insns || insns == NULL)
            return -EINVAL;
        struct sock_fprog prog = { (unsigned short)len, insns };
        if (setsockopt(d->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0)
            return -EINVAL;
    }
    flush(d);
    return 0;
}

/* The direction requests, each with its own values. */
static int set_direction(struct bpfdev *d, enum lcap_bpf_req req, uint32_t v)
{
    switch (req) {
    case LCAP_REQ_BIOCSDIRECTION: /* BPF_D_IN 0, INOUT 1, OUT 2 */
        if (v > 2)
            return -EINVAL;
        d->drop_out = v == 0;
        d->drop_in = v == 2;
        return 0;
    case LCAP_REQ_BIOCSSEESENT: /* 0: incoming only */
        d->drop_out = v == 0;
        d->drop_in = 0;
        return 0;
    case LCAP_REQ_BIOCSDIRFILT: /* bits of what to drop: IN 1, OUT 2 */
        if (v & ~3u)
            return -EINVAL;
        d->drop_in = (v & 1) != 0;
        d->drop_out = (v & 2) != 0;
        return 0;
    default:
        return -EINVAL;
    }
}

/* BIOCGDLTLIST: one link type per interface here. */
static int get_dltlist(struct bpfdev *d, uint8_t *arg)
{
    uint32_t n;
    void *list;
    memcpy(&n, arg, 4);
    memcpy(&list, arg + d->fl->dltlist_ptr_off, sizeof list);
    if (list != NULL) {
        if (n < 1)
            return -ENOMEM;
        uint32_t dlt = (uint32_t)d->dlt;
        memcpy(list, &dlt, 4);
    }
    n = 1;
    memcpy(arg, &n, 4);
    return 0;
}

long bpfdev_ioctl(struct bpfdev *d, unsigned long number, void *argp)
{
    const struct lcap_bpf_flavor *fl = d->fl;
    enum lcap_bpf_req req = lcap_flavor_req_of(fl, number);
    if (req == LCAP_REQ_COUNT)
        return -EINVAL;
    int fault = bpfdev_fault(BPFDEV_OP_IOCTL, (int)req);
    if (fault != 0)
        return -fault;
    uint8_t *arg = argp;
    if (LCAP_IOCPARM_LEN(number) != 0 && arg == NULL)
        return -EFAULT;
    uint32_t u = 0;
    if (req != LCAP_REQ_BIOCSETIF && req != LCAP_REQ_BIOCSETF && req != LCAP_REQ_BIOCSRTIMEOUT &&
        req != LCAP_REQ_BIOCGDLTLIST && arg != NULL && (number & 0x80000000UL))
        memcpy(&u, arg, 4);
    switch (req) {
    case LCAP_REQ_BIOCVERSION: {
        uint16_t v[2] = { 1, 1 };
        memcpy(arg, v, 4);
        return 0;
    }
    case LCAP_REQ_BIOCGBLEN:
        memcpy(arg, &d->blen, 4);
        return 0;
    case LCAP_REQ_BIOCSBLEN:
        if (d->bound)
            return -EINVAL;
        d->blen = u > fl->max_buf ? fl->max_buf : u < MIN_BUF ? MIN_BUF : u;
        memcpy(arg, &d->blen, 4);
        return 0;
    case LCAP_REQ_BIOCSETIF: {
        char name[IFNAMSIZ];
        memcpy(name, arg, IFNAMSIZ);
        name[IFNAMSIZ - 1] = '\0';
        return set_interface(d, name);
    }
    case LCAP_REQ_BIOCGETIF:
        if (!d->bound)
            return -EINVAL;
        memset(arg, 0, fl->ifreq_size);
        memcpy(arg, d->ifname, strlen(d->ifname) + 1);
        return 0;
    case LCAP_REQ_BIOCGDLT: {
        if (!d->bound)
            return -EINVAL;
        uint32_t v = fl->dlt.reports_ift ? (d->linkhdr ? IFT_ETHER : IFT_OTHER) : (uint32_t)d->dlt;
        memcpy(arg, &v, 4);
        return 0;
    }
    case LCAP_REQ_BIOCGDLTLIST:
        return d->bound ? get_dltlist(d, arg) : -EINVAL;
    case LCAP_REQ_BIOCSDLT:
        return d->bound && u == (uint32_t)d->dlt ? 0 : -EINVAL;
    case LCAP_REQ_BIOCPROMISC: {
        if (!d->bound)
            return -EINVAL;
        if (d->promisc)
            return 0;
        struct packet_mreq mr = { .mr_ifindex = d->ifindex, .mr_type = PACKET_MR_PROMISC };
        if (setsockopt(d->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0)
            return -errno;
        d->promisc = 1;
        return 0;
    }
    case LCAP_REQ_BIOCSRTIMEOUT: {
        int64_t sec = (int64_t)get_uint(arg, 8);
        int64_t usec = (int64_t)get_uint(arg + fl->tv_usec_off, fl->tv_usec_width);
        if (fl->tv_usec_width == 4)
            usec = (int32_t)usec;
        if (sec < 0 || usec < 0 || usec >= 1000000)
            return -EINVAL;
        d->timeout_ns = sec * 1000000000 + usec * 1000;
        return 0;
    }
    case LCAP_REQ_BIOCGRTIMEOUT:
        memset(arg, 0, fl->tv_size);
        put_uint(arg, 8, (uint64_t)(d->timeout_ns / 1000000000));
        put_uint(arg + fl->tv_usec_off, fl->tv_usec_width, (uint64_t)(d->timeout_ns % 1000000000 / 1000));
        return 0;
    case LCAP_REQ_BIOCIMMEDIATE:
        d->immediate = u != 0;
        return 0;
    case LCAP_REQ_BIOCSETF:
        return set_filter(d, arg);
    case LCAP_REQ_BIOCFLUSH:
        flush(d);
        return 0;
    case LCAP_REQ_BIOCGSTATS:
        d->gone |= intake(d);
        update_counters(d);
        memset(arg, 0, fl->stat_size);
        put_uint(arg, fl->stat_width, d->recv);
        put_uint(arg + fl->stat_width, fl->stat_width, d->drop);
        if (fl->stat_size >= 3 * fl->stat_width)
            put_uint(arg + 2 * fl->stat_width, fl->stat_width, d->capt);
        return 0;
    case LCAP_REQ_BIOCSDIRECTION:
    case LCAP_REQ_BIOCSSEESENT:
    case LCAP_REQ_BIOCSDIRFILT:
        return set_direction(d, req, u);
    case LCAP_REQ_BIOCGHDRCMPLT:
        memcpy(arg, &d->hdrcmplt, 4);
        return 0;
    case LCAP_REQ_BIOCSHDRCMPLT:
        d->hdrcmplt = u != 0;
        return 0;
    case LCAP_REQ_BIOCSTSTAMP:
        if (u & ~TSTAMP_VALID_BITS)
            return -EINVAL;
        d->tstamp = u;
        return 0;
    case LCAP_REQ_BIOCGTSTAMP:
        memcpy(arg, &d->tstamp, 4);
        return 0;
    case LCAP_REQ_FIONREAD: {
        d->gone |= intake(d);
        int n = (int)(d->slen + d->hlen);
        memcpy(arg, &n, sizeof n);
        return 0;
    }
    case LCAP_REQ_FIONBIO: {
        long fl_now = sys_fcntl(d->fd, F_GETFL, 0);
        if (fl_now < 0)
            return -errno;
        fl_now = u ? (fl_now | O_NONBLOCK) : (fl_now & ~(long)O_NONBLOCK);
        return sys_fcntl(d->fd, F_SETFL, fl_now) < 0 ? -errno : 0;
    }
    case LCAP_REQ_COUNT:
        break;
    }
    return -EINVAL;
}

/* The read timeout this flavour honours (AIX: only in immediate mode). */
static int64_t effective_timeout(const struct bpfdev *d)
{
    return d->fl->always_immediate && !d->immediate ? 0 : d->timeout_ns;
}

/* Sleeps until the socket has a packet, the deadline (0: none) or a signal. */
static int wait_socket(const struct bpfdev *d, int64_t deadline)
{
    struct pollfd p = { d->fd, POLLIN, 0 };
    struct timespec ts, *tsp = NULL;
    if (deadline != 0) {
        int64_t left = deadline - bpfdev_now_ns();
        if (left < 0)
            left = 0;
        ts.tv_sec = left / 1000000000;
        ts.tv_nsec = left % 1000000000;
        tsp = &ts;
    }
    long r = syscall(SYS_ppoll, &p, 1, tsp, NULL, 0);
    return r < 0 ? -errno : 0;
}

long bpfdev_read(struct bpfdev *d, void *buf, size_t len, int nonblock)
{
    int fault = bpfdev_fault(BPFDEV_OP_READ, -1);
    if (fault != 0)
        return -fault;
    if (len != d->blen)
        return -d->fl->badlen_errno;
    if (!d->bound)
        return -EINVAL;
    int64_t timeout = effective_timeout(d);
    int64_t deadline = timeout != 0 ? bpfdev_now_ns() + timeout : 0;
    int timed_out = 0;
    while (d->hlen == 0) {
        d->gone |= intake(d);
        if (d->hlen != 0)
            break;
        if (d->slen != 0 && (d->immediate || timed_out || nonblock)) {
            rotate(d);
            break;
        }
        if (d->gone)
            return -d->fl->gone_errno;
        if (nonblock)
            return -EWOULDBLOCK;
        if (timed_out)
            return 0;
        int e = wait_socket(d, deadline);
        if (e == -EINTR)
            return -EINTR;
        if (deadline != 0 && bpfdev_now_ns() >= deadline)
            timed_out = 1;
    }
    size_t n = d->hlen;
    memcpy(buf, d->hbuf, n);
    d->hlen = 0;
    return (long)n;
}

long bpfdev_write(struct bpfdev *d, const void *buf, size_t len)
{
    int fault = bpfdev_fault(BPFDEV_OP_WRITE, -1);
    if (fault != 0)
        return -fault;
    if (d->accmode == O_RDONLY)
        return -EBADF;
    if (!d->bound)
        return -ENXIO;
    if (d->gone)
        return -d->fl->gone_errno;
    if (len > d->mtu + (size_t)d->linkhdr || len < (size_t)d->linkhdr)
        return -EMSGSIZE;
    const void *frame = buf;
    uint8_t *copy = NULL;
    if (!d->hdrcmplt && d->linkhdr == ETHER_HDR_LEN) {
        /* Without BIOCSHDRCMPLT the kernel writes the interface's address. */
        copy = malloc(len);
        if (copy == NULL)
            return -ENOBUFS;
        memcpy(copy, buf, len);
        memcpy(copy + 6, d->mac, 6);
        frame = copy;
    }
    ssize_t n = send(d->fd, frame, len, 0);
    int e = errno;
    free(copy);
    if (n < 0)
        return e == ENETDOWN || e == ENXIO ? -d->fl->gone_errno : -e;
    return (long)n;
}

short bpfdev_poll_ready(struct bpfdev *d, short events, const struct timespec *since, int64_t *wait_ns)
{
    short rev = 0;
    d->gone |= intake(d);
    if (d->gone)
        return POLLHUP | (events & (POLLIN | POLLRDNORM));
    int64_t timeout = effective_timeout(d);
    int64_t start = (int64_t)since->tv_sec * 1000000000 + since->tv_nsec;
    int timed_out = timeout != 0 && bpfdev_now_ns() - start >= timeout;
    if (d->hlen != 0 || (d->slen != 0 && (d->immediate || timed_out)))
        rev |= events & (POLLIN | POLLRDNORM);
    else if (timeout != 0 && !timed_out && wait_ns != NULL) {
        int64_t left = start + timeout - bpfdev_now_ns();
        if (*wait_ns < 0 || left < *wait_ns)
            *wait_ns = left < 0 ? 0 : left;
    }
    if (d->bound)
        rev |= events & (POLLOUT | POLLWRNORM);
    return rev;
}
