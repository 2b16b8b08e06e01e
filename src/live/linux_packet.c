/* linux_packet.c - the native Linux live source: an AF_PACKET socket with a
 * memory-mapped TPACKET_V3 receive ring, kernel filters, statistics,
 * direction, VLAN tags put back, injection with send(). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bpf/program.h"
#include "reader.h"

/* libpcap's default ring size when capture_set_buffer_size was not called. */
#define LINUX_DEFAULT_BUFFER (2 * 1024 * 1024)
/* Room kept in front of each packet so a stripped 802.1Q tag can go back. */
#define VLAN_TAG_LEN 4
/* Block timeout in immediate mode, and when to_ms is 0 (block until full). */
#define IMMEDIATE_TOV_MS 1

/* The link type of each interface type (ARPHRD_*), as libpcap maps them;
 * what is not listed has no link type libcapture knows. On loopback every
 * packet passes twice (out, then in): the outgoing copy is dropped. */
static const struct { unsigned short arphrd; int dlt; int drop_outgoing; } arphrd_dlt[] = {
    { ARPHRD_ETHER, CAPTURE_DLT_EN10MB, 0 },
    { ARPHRD_LOOPBACK, CAPTURE_DLT_EN10MB, 1 }, /* Linux gives loopback fake Ethernet headers */
    { ARPHRD_NONE, CAPTURE_DLT_RAW, 0 },
    { ARPHRD_PPP, CAPTURE_DLT_RAW, 0 },
    { ARPHRD_IEEE80211, CAPTURE_DLT_IEEE802_11, 0 },
};

typedef struct linux_packet {
    int fd;
    int ifindex;
    int nonblock;
    int direction;               /* CAPTURE_D_* */
    int drop_outgoing;           /* loopback: outgoing copies are duplicates */
    uint8_t *ring;
    size_t block_size, block_nr;
    size_t cur;                  /* block being read, or next to become ready */
    int held;                    /* ring block cur is ours (being walked) */
    uint32_t left;               /* packets of the held block not yet returned */
    uint8_t *pkt;                /* next packet of the held block */
    /* After a kernel filter changes, blocks that may hold packets taken
     * under the old one are filtered here with the new one. */
    capture_bpf *recheck;
    size_t recheck_blocks;
    uint64_t recv, drop;         /* PACKET_STATISTICS resets on read: kept summed */
} linux_packet;

static linux_packet *lp_of(capture_reader *r) { return r->src; }

static struct tpacket_block_desc *block_at(linux_packet *p, size_t i)
{
    return (struct tpacket_block_desc *)(p->ring + i * p->block_size);
}

static int sys_error(capture_reader *r, const char *what)
{
    int err = errno;
    lcap_errf(r->errbuf, "%s: %s: %s", r->opts.device, what, LCAP_ERRTEXT(err));
    return err == EPERM || err == EACCES ? CAPTURE_ERROR_PERM_DENIED : CAPTURE_ERROR;
}

static int link_type(capture_reader *r, linux_packet *p, unsigned *mtu)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    size_t nl = strlen(r->opts.device); /* activate checked it names an interface */
    memcpy(ifr.ifr_name, r->opts.device, nl < IFNAMSIZ - 1 ? nl : IFNAMSIZ - 1);
    if (ioctl(p->fd, SIOCGIFHWADDR, &ifr) < 0)
        return sys_error(r, "SIOCGIFHWADDR");
    unsigned short type = ifr.ifr_hwaddr.sa_family;
    if (ioctl(p->fd, SIOCGIFMTU, &ifr) < 0)
        return sys_error(r, "SIOCGIFMTU");
    *mtu = (unsigned)ifr.ifr_mtu;
    for (size_t i = 0; i < sizeof(arphrd_dlt) / sizeof(arphrd_dlt[0]); i++)
        if (arphrd_dlt[i].arphrd == type) {
            r->linktype = arphrd_dlt[i].dlt;
            p->drop_outgoing = arphrd_dlt[i].drop_outgoing;
            return 0;
        }
    lcap_errf(r->errbuf, "%s: interface type ARPHRD %u has no link type libcapture knows",
              r->opts.device, type);
    return CAPTURE_ERROR;
}

/* The ring: blocks of a power of two pages big enough for one frame of the
 * snapshot length (or the MTU, when smaller), as many as buffer_size holds. */
static int map_ring(capture_reader *r, linux_packet *p, unsigned mtu)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t want = (size_t)r->snaplen < mtu + 64u ? (size_t)r->snaplen : mtu + 64u;
    size_t frame = TPACKET_ALIGN(TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) +
                                 sizeof(struct sockaddr_ll) + VLAN_TAG_LEN + want + 16);
    size_t bsize = page;
    while (bsize < frame)
        bsize <<= 1;
    size_t total = r->opts.buffer_size > 0 ? (size_t)r->opts.buffer_size : LINUX_DEFAULT_BUFFER;
    size_t nblocks = total / bsize < 2 ? 2 : total / bsize;
    int tov = r->opts.immediate || r->opts.to_ms <= 0 ? IMMEDIATE_TOV_MS : r->opts.to_ms;
    struct tpacket_req3 req = {
        .tp_block_size = (unsigned)bsize,
        .tp_block_nr = (unsigned)nblocks,
        .tp_frame_size = (unsigned)frame,
        .tp_frame_nr = (unsigned)((bsize / frame) * nblocks),
        .tp_retire_blk_tov = (unsigned)tov,
        .tp_feature_req_word = 0,
    };
    if (setsockopt(p->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
        return sys_error(r, "PACKET_RX_RING");
    void *m = mmap(NULL, bsize * nblocks, PROT_READ | PROT_WRITE, MAP_SHARED, p->fd, 0);
    if (m == MAP_FAILED)
        return sys_error(r, "mmap of the packet ring");
    p->ring = m;
    p->block_size = bsize;
    p->block_nr = nblocks;
    return 0;
}

static void lp_close(capture_reader *r)
{
    linux_packet *p = lp_of(r);
    if (p == NULL)
        return;
    if (p->ring != NULL)
        munmap(p->ring, p->block_size * p->block_nr);
    if (p->fd >= 0)
        close(p->fd);
    capture_bpf_free(p->recheck);
    free(p);
    r->src = NULL;
}

static int lp_activate(capture_reader *r)
{
    int rc, warning = 0;
    unsigned mtu = 0;
    linux_packet *p = calloc(1, sizeof(*p));

    if (p == NULL) {
        lcap_errf(r->errbuf, "%s: out of memory", r->opts.device);
        return CAPTURE_ERROR;
    }
    p->fd = -1;
    r->src = p;
    p->ifindex = (int)if_nametoindex(r->opts.device);
    if (p->ifindex == 0) {
        lcap_errf(r->errbuf, "%s: no such interface", r->opts.device);
        return CAPTURE_ERROR_NO_SUCH_DEVICE;
    }
    p->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (p->fd < 0)
        return sys_error(r, "socket(AF_PACKET)");
    if ((rc = link_type(r, p, &mtu)) < 0)
        return rc;
    int v = TPACKET_V3, reserve = VLAN_TAG_LEN;
    if (setsockopt(p->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0)
        return sys_error(r, "PACKET_VERSION TPACKET_V3");
    if (setsockopt(p->fd, SOL_PACKET, PACKET_RESERVE, &reserve, sizeof(reserve)) < 0)
        return sys_error(r, "PACKET_RESERVE");
    if ((rc = map_ring(r, p, mtu)) < 0)
        return rc;
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                               .sll_ifindex = p->ifindex };
    if (bind(p->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
        if (errno == ENETDOWN) {
            lcap_errf(r->errbuf, "%s: the interface is down", r->opts.device);
            return CAPTURE_ERROR_IFACE_NOT_UP;
        }
        return sys_error(r, "bind");
    }
    /* Binding to an interface that is down succeeds, leaving ENETDOWN pending on the socket. */
    int pending = 0;
    socklen_t plen = sizeof(pending);
    if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &pending, &plen) == 0 && pending == ENETDOWN) {
        lcap_errf(r->errbuf, "%s: the interface is down", r->opts.device);
        return CAPTURE_ERROR_IFACE_NOT_UP;
    }
    if (r->opts.promisc) {
        struct packet_mreq mr = { .mr_ifindex = p->ifindex, .mr_type = PACKET_MR_PROMISC };
        if (setsockopt(p->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
            lcap_errf(r->errbuf, "%s: PACKET_ADD_MEMBERSHIP: %s", r->opts.device,
                      LCAP_ERRTEXT(errno));
            warning = CAPTURE_WARNING_PROMISC_NOTSUP;
        }
    }
    if (lcap_reader_wake_open(r) < 0)
        return CAPTURE_ERROR;
    return warning;
}

/* Hands block cur back to the kernel and moves to the next. */
static void release(linux_packet *p)
{
    if (!p->held)
        return;
    block_at(p, p->cur)->hdr.bh1.block_status = TP_STATUS_KERNEL;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    p->cur = (p->cur + 1) % p->block_nr;
    p->held = 0;
    if (p->recheck_blocks > 0 && --p->recheck_blocks == 0) {
        capture_bpf_free(p->recheck);
        p->recheck = NULL;
    }
}

/* Takes block cur if the kernel has retired it to us. */
static int take(linux_packet *p)
{
    struct tpacket_block_desc *b = block_at(p, p->cur);
    if ((__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0)
        return 0;
    p->held = 1;
    p->left = b->hdr.bh1.num_pkts;
    p->pkt = (uint8_t *)b + b->hdr.bh1.offset_to_first_pkt;
    return 1;
}

/* Whether direction `dir` keeps a packet of this sll_pkttype. */
static int wanted(int dir, unsigned char pkttype)
{
    return dir == CAPTURE_D_INOUT || (dir == CAPTURE_D_OUT) == (pkttype == PACKET_OUTGOING);
}

static int lp_next(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data)
{
    linux_packet *p = lp_of(r);

    for (;;) {
        if (p->held && p->left == 0) {
            /* Its last packet was handed out before this call: the block goes
             * back, and the next one is walked at once if ready (one call of
             * dispatch takes every ready block, as libpcap's does). */
            release(p);
            if (!take(p))
                return 0;
            continue;
        }
        if (!p->held)
            return 0;
        struct tpacket3_hdr *h = (struct tpacket3_hdr *)p->pkt;
        struct sockaddr_ll *sll =
            (struct sockaddr_ll *)(p->pkt + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
        uint8_t *d = p->pkt + h->tp_mac;
        uint32_t caplen = h->tp_snaplen, len = h->tp_len;
        p->left--;
        p->pkt = h->tp_next_offset ? p->pkt + h->tp_next_offset : p->pkt;
        if (!wanted(p->direction, sll->sll_pkttype) ||
            (p->drop_outgoing && sll->sll_pkttype == PACKET_OUTGOING))
            continue;
        if ((h->tp_status & TP_STATUS_VLAN_VALID) && r->linktype == CAPTURE_DLT_EN10MB &&
            caplen >= 12 && h->tp_mac >= VLAN_TAG_LEN) {
            /* The kernel took the 802.1Q tag out: the MAC addresses move back
             * into the reserved room and the tag goes after them. */
            uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ? h->hv1.tp_vlan_tpid
                                                                       : ETH_P_8021Q;
            uint16_t tci = h->hv1.tp_vlan_tci;
            memmove(d - VLAN_TAG_LEN, d, 12);
            d -= VLAN_TAG_LEN;
            d[12] = (uint8_t)(tpid >> 8), d[13] = (uint8_t)tpid;
            d[14] = (uint8_t)(tci >> 8), d[15] = (uint8_t)tci;
            caplen += VLAN_TAG_LEN;
            len += VLAN_TAG_LEN;
        }
        if (caplen > (uint32_t)r->snaplen)
            caplen = (uint32_t)r->snaplen;
        if (p->recheck != NULL) {
            uint32_t keep = capture_bpf_filter(p->recheck, d, len, caplen);
            if (keep == 0)
                continue;
            if (keep < caplen)
                caplen = keep;
        }
        hdr->ts_sec = h->tp_sec;
        hdr->ts_nsec = r->tstamp_precision == CAPTURE_TSTAMP_PRECISION_NANO
                           ? h->tp_nsec : h->tp_nsec / 1000 * 1000;
        hdr->caplen = caplen;
        hdr->len = len;
        *data = d;
        return 1;
    }
}

/* The socket reports an error: the interface went down or away. */
static int socket_error(capture_reader *r, linux_packet *p)
{
    int err = 0;
    socklen_t l = sizeof(err);
    if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
        err = errno;
    if (if_nametoindex(r->opts.device) != (unsigned)p->ifindex)
        lcap_errf(r->errbuf, "%s: the interface went away", r->opts.device);
    else if (err == ENETDOWN)
        lcap_errf(r->errbuf, "%s: the interface went down", r->opts.device);
    else
        lcap_errf(r->errbuf, "%s: packet socket: %s", r->opts.device, LCAP_ERRTEXT(err));
    return CAPTURE_ERROR;
}

static int lp_fill(capture_reader *r)
{
    linux_packet *p = lp_of(r);

    release(p);
    for (;;) {
        if (take(p))
            return LCAP_FILL_DATA;
        if (p->nonblock)
            return LCAP_FILL_AGAIN;
        struct pollfd fds[2] = { { p->fd, POLLIN, 0 }, { r->wake_rd, POLLIN, 0 } };
        int n = poll(fds, 2, r->opts.to_ms > 0 ? r->opts.to_ms : -1);
        if (n < 0) {
            if (errno == EINTR) {
                if (atomic_load(&r->break_loop))
                    return LCAP_FILL_BREAK;
                continue;
            }
            lcap_errf(r->errbuf, "%s: poll: %s", r->opts.device, LCAP_ERRTEXT(errno));
            return CAPTURE_ERROR;
        }
        if (fds[1].revents != 0 || atomic_load(&r->break_loop))
            return LCAP_FILL_BREAK;
        if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
            return socket_error(r, p);
        if (n == 0) {
            if (take(p))
                return LCAP_FILL_DATA;
            /* A vanished interface need not wake poll: look each timeout. */
            if (if_nametoindex(r->opts.device) != (unsigned)p->ifindex)
                return socket_error(r, p);
            return LCAP_FILL_TIMEOUT;
        }
    }
}

static int lp_getfd(capture_reader *r) { return lp_of(r)->fd; }
static int lp_getnonblock(capture_reader *r) { return lp_of(r)->nonblock; }

static int lp_setnonblock(capture_reader *r, int nonblock)
{
    lp_of(r)->nonblock = nonblock != 0;
    return 0;
}

/* The kernel's counters restart at each read; capture_stats reports the sums
 * since activation, as libpcap does (received includes the dropped). */
static int lp_stats(capture_reader *r, capture_stat *st)
{
    linux_packet *p = lp_of(r);
    struct tpacket_stats_v3 k;
    socklen_t l = sizeof(k);

    memset(&k, 0, sizeof(k));
    if (getsockopt(p->fd, SOL_PACKET, PACKET_STATISTICS, &k, &l) < 0)
        return sys_error(r, "PACKET_STATISTICS");
    p->recv += k.tp_packets;
    p->drop += k.tp_drops;
    st->recv = (uint32_t)p->recv;
    st->drop = (uint32_t)p->drop;
    st->ifdrop = 0;
    return 0;
}

/* Blocks already filled may hold packets the new filter would refuse:
 * every block of the ring is filtered once more in userland. */
static int recheck_ring(capture_reader *r, linux_packet *p, const capture_bpf *prog)
{
    const struct capture_insn *insns;
    size_t n = capture_bpf_insns(prog, &insns);
    capture_bpf_free(p->recheck);
    p->recheck = lcap_bpf_new_trusted(insns, n);
    if (p->recheck == NULL) {
        lcap_errf(r->errbuf, "%s: out of memory for the filter", r->opts.device);
        return CAPTURE_ERROR;
    }
    p->recheck_blocks = p->block_nr + 1;
    return 0;
}

static int lp_setfilter(capture_reader *r, const capture_bpf *prog)
{
    linux_packet *p = lp_of(r);

    if (prog == NULL) {
        if (setsockopt(p->fd, SOL_SOCKET, SO_DETACH_FILTER, NULL, 0) < 0 && errno != ENOENT)
            return sys_error(r, "SO_DETACH_FILTER");
        capture_bpf_free(p->recheck);
        p->recheck = NULL;
        return LCAP_FILTER_KERNEL;
    }
    const struct capture_insn *insns;
    size_t n = capture_bpf_insns(prog, &insns);
    /* struct sock_filter has capture_insn's layout: code, jt, jf, k. */
    struct sock_fprog fp = { .len = (unsigned short)n, .filter = (struct sock_filter *)insns };
    if (n <= BPF_MAXINSNS &&
        setsockopt(p->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) == 0)
        return recheck_ring(r, p, prog) < 0 ? CAPTURE_ERROR : LCAP_FILTER_KERNEL;
    if (n <= BPF_MAXINSNS && errno != EINVAL && errno != ENOMEM)
        return sys_error(r, "SO_ATTACH_FILTER");
    /* Refused: the reader filters, and the kernel keeps everything. */
    if (setsockopt(p->fd, SOL_SOCKET, SO_DETACH_FILTER, NULL, 0) < 0 && errno != ENOENT)
        return sys_error(r, "SO_DETACH_FILTER");
    capture_bpf_free(p->recheck);
    p->recheck = NULL;
    return LCAP_FILTER_USERLAND;
}

static int lp_inject(capture_reader *r, const uint8_t *buf, size_t len)
{
    ssize_t n = send(lp_of(r)->fd, buf, len, 0);
    if (n < 0)
        return sys_error(r, "send");
    if ((size_t)n != len) {
        lcap_errf(r->errbuf, "%s: send: only %zd of %zu bytes sent", r->opts.device, n, len);
        return CAPTURE_ERROR;
    }
    return 0;
}

static int lp_setdirection(capture_reader *r, int direction)
{
    lp_of(r)->direction = direction;
    return 0;
}

const lcap_source_ops lcap_linux_packet_ops = {
    .kind = "Linux packet socket",
    .activate = lp_activate,
    .next = lp_next,
    .fill = lp_fill,
    .getfd = lp_getfd,
    .getnonblock = lp_getnonblock,
    .setnonblock = lp_setnonblock,
    .stats = lp_stats,
    .setfilter = lp_setfilter,
    .inject = lp_inject,
    .setdirection = lp_setdirection,
    .close = lp_close,
};
