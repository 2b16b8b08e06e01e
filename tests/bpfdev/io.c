/* io.c - the emulated device's data path: packets from the socket into the buffers, read(), write() and poll readiness as bpf(4) has them. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "bpfdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* An 802.1Q tag: TPID and TCI. */
#define VLAN_TAG_LEN 4

int64_t bpfdev_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Whether the bound interface still exists. */
static int interface_exists(const struct bpfdev *d)
{
    char name[IF_NAMESIZE];
    return if_indextoname((unsigned)d->ifindex, name) != NULL;
}

/* Moves the packets the socket holds into the buffers, as if they arrived
 * now. With `all` 0 it stops once the hold buffer is full: read() and poll()
 * then have their answer, and what is still queued counts as not arrived
 * yet (bpf(4) would keep filling the store while the reader copies the hold
 * buffer). FIONREAD and BIOCGSTATS take everything, dropping what the two
 * buffers cannot hold. Returns 1 when the interface has disappeared. */
int bpfdev_intake(struct bpfdev *d, int all)
{
    if (!d->bound)
        return 0;
    for (;;) {
        if (!all && d->hlen != 0)
            return d->gone;
        union {
            char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata)) + CMSG_SPACE(sizeof(struct timespec))];
            struct cmsghdr align;
        } control;
        struct sockaddr_ll from;
        /* Received 4 bytes in, so that a VLAN tag the kernel took out of
         * the frame can be put back where BSD would have left it. */
        struct iovec iov = { d->scratch + VLAN_TAG_LEN, d->scratch_len - VLAN_TAG_LEN };
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
        size_t caplen = (size_t)n < iov.iov_len ? (size_t)n : iov.iov_len;
        uint8_t *pkt = d->scratch + VLAN_TAG_LEN;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS)
                memcpy(&ts, CMSG_DATA(c), sizeof ts);
            if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
                struct tpacket_auxdata aux;
                memcpy(&aux, CMSG_DATA(c), sizeof aux);
                wirelen = aux.tp_len;
                if ((aux.tp_status & TP_STATUS_VLAN_VALID) && d->native_linkhdr == ETHER_HDR_LEN &&
                    caplen >= 12) {
                    uint16_t tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux.tp_vlan_tpid
                                                                                : ETHERTYPE_VLAN;
                    memmove(d->scratch, pkt, 12);
                    pkt = d->scratch;
                    pkt[12] = (uint8_t)(tpid >> 8);
                    pkt[13] = (uint8_t)tpid;
                    pkt[14] = (uint8_t)(aux.tp_vlan_tci >> 8);
                    pkt[15] = (uint8_t)aux.tp_vlan_tci;
                    caplen += VLAN_TAG_LEN;
                    wirelen += VLAN_TAG_LEN;
                }
            }
        }
        int out = from.sll_pkttype == PACKET_OUTGOING;
        if ((out && d->drop_out) || (!out && d->drop_in))
            continue;
        if (d->dlt != d->native_dlt) { /* another link type: rewritten, filtered here */
            caplen = bpfdev_rewrite((uint32_t)d->dlt, pkt, caplen, &wirelen, d->rewritten);
            pkt = d->rewritten;
            unsigned keep = d->prog_len ? bpfdev_filter(d->prog, d->prog_len, pkt, wirelen, caplen)
                                        : (unsigned)caplen;
            if (caplen == 0 || keep == 0)
                continue;
            if (keep < caplen)
                caplen = keep;
        }
        bpfdev_catch_packet(d, pkt, caplen, wirelen, &ts);
    }
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
        d->gone |= bpfdev_intake(d, 0);
        if (d->hlen != 0)
            break;
        if (d->slen != 0 && (d->immediate || timed_out || nonblock)) {
            bpfdev_rotate(d);
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
    if (d->dlt != d->native_dlt)
        return -EAFNOSUPPORT; /* frames go out only in the interface's own type here */
    if (len > d->mtu + (size_t)d->linkhdr || len < (size_t)d->linkhdr)
        return -EMSGSIZE;
    /* Without BIOCSHDRCMPLT the kernel writes the interface's own source
     * address: the frame goes out in three pieces, nothing copied or
     * allocated (write() may come from a signal handler). */
    const uint8_t *p = buf;
    struct iovec iov[3] = { { (void *)p, len } };
    size_t pieces = 1;
    if (!d->hdrcmplt && d->linkhdr == ETHER_HDR_LEN) {
        iov[0].iov_len = 6;
        iov[1] = (struct iovec){ d->mac, 6 };
        iov[2] = (struct iovec){ (void *)(p + 12), len - 12 };
        pieces = 3;
    }
    struct msghdr msg = { .msg_iov = iov, .msg_iovlen = pieces };
    ssize_t n = sendmsg(d->fd, &msg, 0);
    int e = errno;
    if (n < 0)
        return e == ENETDOWN || e == ENXIO ? -d->fl->gone_errno : -e;
    return (long)n;
}

short bpfdev_poll_ready(struct bpfdev *d, short events, const struct timespec *since, int64_t *wait_ns)
{
    short rev = 0;
    d->gone |= bpfdev_intake(d, 0);
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
