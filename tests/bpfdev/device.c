/* device.c - the emulated device's setup side: opening, binding, the kernel filter, counters and every ioctl, as bpf(4) and the flavour row say. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "bpfdev.h"
#include "live/bpf_abi.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* BPF_MINBUFSIZE of every BSD. */
#define MIN_BUF 32
/* Largest frame taken from the socket (GSO frames of a veth can reach 64 KiB). */
#define SCRATCH_LEN (256 * 1024)
#ifndef ARPHRD_RAWIP
#define ARPHRD_RAWIP 519
#endif
/* AIX's interface types (if_types.h) for its BIOCGDLT. */
#define IFT_OTHER 0x1
#define IFT_ETHER 0x6

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
    d->counter = -1;
    free(d->sbuf);
    free(d->hbuf);
    free(d->scratch);
    free(d->rewritten);
    free(d->prog);
    d->sbuf = d->hbuf = d->scratch = d->rewritten = NULL;
    d->prog = NULL;
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
/* Store and hold buffers of the current length (BIOCSBLEN may have changed
 * it after a BIOCSETIF that failed), and the socket's receive buffer. */
static int alloc_buffers(struct bpfdev *d)
{
    if (d->sbuf != NULL && d->alloc_len == d->blen)
        return 0;
    free(d->sbuf);
    free(d->hbuf);
    d->sbuf = malloc(d->blen);
    d->hbuf = malloc(d->blen);
    d->alloc_len = d->blen;
    if (d->scratch == NULL) {
        d->scratch_len = SCRATCH_LEN;
        d->scratch = malloc(d->scratch_len);
        d->rewritten = malloc(d->scratch_len + 64);
    }
    if (d->sbuf == NULL || d->hbuf == NULL || d->scratch == NULL || d->rewritten == NULL) {
        free(d->sbuf);
        free(d->hbuf);
        free(d->scratch);
        free(d->rewritten);
        d->sbuf = d->hbuf = d->scratch = d->rewritten = NULL;
        d->alloc_len = 0;
        return -1;
    }
    return 0;
}

static int apply_filter(struct bpfdev *d);

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
    if (alloc_buffers(d) != 0)
        return -ENOBUFS;
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                               .sll_ifindex = (int)index };
    if (bind(d->fd, (struct sockaddr *)&sll, sizeof sll) < 0)
        return errno == ENETDOWN ? -ENETDOWN : -ENXIO;
    /* Room for bursts while the program is not reading (root may force it). */
    int rcv = 64 * 1024 * 1024;
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
    memset(d->ifname, 0, sizeof d->ifname);
    memcpy(d->ifname, name, strnlen(name, IFNAMSIZ - 1));
    d->native_dlt = d->dlt;
    d->native_linkhdr = d->linkhdr;
    bpfdev_offer_dlts(d, d->ifname);
    if (apply_filter(d) != 0)
        return -EINVAL;
    d->bound = 1;
    d->gone = 0;
    flush(d);
    return 0;
}

/* The kept program goes to the kernel's own BPF engine while records are
 * the interface's frames as they are; for a rewritten link type it is run
 * here instead (the kernel would run it on the Ethernet frame). */
static int apply_filter(struct bpfdev *d)
{
    int unused = 0;
    if (d->prog_len == 0 || d->dlt != d->native_dlt) {
        if (setsockopt(d->fd, SOL_SOCKET, SO_DETACH_FILTER, &unused, sizeof unused) < 0 &&
            errno != ENOENT)
            return -errno;
        return 0;
    }
    struct sock_fprog prog = { (unsigned short)d->prog_len, (struct sock_filter *)d->prog };
    return setsockopt(d->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0 ? -EINVAL : 0;
}

/* BIOCSETF: the program is checked by the kernel (which refuses what it
 * cannot run) and kept. */
static int set_filter(struct bpfdev *d, const void *arg)
{
    unsigned len;
    void *insns;
    memcpy(&len, arg, sizeof len);
    memcpy(&insns, (const uint8_t *)arg + 8, sizeof insns);
    if (len == 0 && insns == NULL) {
        free(d->prog);
        d->prog = NULL;
        d->prog_len = 0;
    } else {
        if (len == 0 || len > d->fl->max_insns || insns == NULL)
            return -EINVAL;
        struct sock_fprog check = { (unsigned short)len, insns };
        if (setsockopt(d->fd, SOL_SOCKET, SO_ATTACH_FILTER, &check, sizeof check) < 0)
            return -EINVAL;
        struct bpfdev_insn *copy = malloc(len * sizeof *copy);
        if (copy == NULL)
            return -ENOMEM;
        memcpy(copy, insns, len * sizeof *copy);
        free(d->prog);
        d->prog = copy;
        d->prog_len = len;
    }
    int rc = apply_filter(d);
    if (rc != 0)
        return rc;
    flush(d);
    return 0;
}

/* BIOCSDLT: one of the offered types; records of another type start from
 * empty buffers, as bpf(4)'s reattachment leaves them. */
static int set_dlt(struct bpfdev *d, uint32_t dlt)
{
    if (dlt == (uint32_t)d->dlt)
        return 0;
    for (unsigned i = 0; i < d->ndlt; i++) {
        if (d->dlts[i] != dlt)
            continue;
        d->dlt = (int)dlt;
        d->linkhdr = dlt == (uint32_t)d->native_dlt ? d->native_linkhdr : bpfdev_linkhdr_of(dlt);
        int rc = apply_filter(d);
        if (rc != 0)
            return rc;
        flush(d);
        return 0;
    }
    return -EINVAL;
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

/* BIOCGDLTLIST: the interface's own type, then those BPFDEV_DLTS adds. */
static int get_dltlist(struct bpfdev *d, uint8_t *arg)
{
    uint32_t n;
    void *list;
    memcpy(&n, arg, 4);
    memcpy(&list, arg + d->fl->dltlist_ptr_off, sizeof list);
    if (list != NULL) {
        if (n < d->ndlt)
            return -ENOMEM;
        memcpy(list, d->dlts, d->ndlt * sizeof d->dlts[0]);
    }
    n = d->ndlt;
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
        uint32_t v = fl->dlt.reports_ift ? (d->native_linkhdr ? IFT_ETHER : IFT_OTHER) : (uint32_t)d->dlt;
        memcpy(arg, &v, 4);
        return 0;
    }
    case LCAP_REQ_BIOCGDLTLIST:
        return d->bound ? get_dltlist(d, arg) : -EINVAL;
    case LCAP_REQ_BIOCSDLT:
        return d->bound ? set_dlt(d, u) : -EINVAL;
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
        int64_t sec = (int64_t)lcap_test_get_word(arg, 8);
        int64_t usec = (int64_t)lcap_test_get_word(arg + fl->tv_usec_off, fl->tv_usec_width);
        if (fl->tv_usec_width == 4)
            usec = (int32_t)usec;
        if (sec < 0 || usec < 0 || usec >= 1000000)
            return -EINVAL;
        d->timeout_ns = sec * 1000000000 + usec * 1000;
        return 0;
    }
    case LCAP_REQ_BIOCGRTIMEOUT:
        memset(arg, 0, fl->tv_size);
        lcap_test_put_word(arg, 8, (uint64_t)(d->timeout_ns / 1000000000));
        lcap_test_put_word(arg + fl->tv_usec_off, fl->tv_usec_width, (uint64_t)(d->timeout_ns % 1000000000 / 1000));
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
        d->gone |= bpfdev_intake(d, 1);
        update_counters(d);
        memset(arg, 0, fl->stat_size);
        lcap_test_put_word(arg, fl->stat_width, d->recv);
        lcap_test_put_word(arg + fl->stat_width, fl->stat_width, d->drop);
        if (fl->stat_size >= 3 * fl->stat_width)
            lcap_test_put_word(arg + 2 * fl->stat_width, fl->stat_width, d->capt);
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
        d->gone |= bpfdev_intake(d, 1);
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
