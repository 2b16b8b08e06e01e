/* linux_packet.c - the native Linux live source: an AF_PACKET socket with a
 * memory-mapped TPACKET_V3 receive ring, kernel filters, statistics,
 * direction, VLAN tags put back, the "any" device, injection with send(). */
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
#include <fcntl.h>
#include <unistd.h>

#include "bpf/program.h"
#include "filter/filter.h"
#include "live/linux_link.h"
#include "reader.h"

/* libpcap's default ring size when capture_set_buffer_size was not called. */
#define LINUX_DEFAULT_BUFFER (2 * 1024 * 1024)
/* Room kept in front of each packet so a stripped 802.1Q tag can go back. */
#define VLAN_TAG_LEN 4
/* The largest ring block (libpcap's: one frame of its 262144-byte snapshot
 * length), and how many blocks the buffer should hold at least. */
#define RING_MAX_BLOCK (256 * 1024)
#define RING_MIN_BLOCKS 8
/* How many packets ahead the ring walk prefetches (bench/live_bench's
 * drain rows: 16 and 32 alike, both about 40% below none). */
#define PREFETCH_AHEAD 16
/* Block timeout in immediate mode, and when to_ms is 0 (block until full). */
#define IMMEDIATE_TOV_MS 1

/* Room kept in front of a cooked packet: its SLL2 header, or an SLL header
 * and a VLAN tag. */
#define COOKED_RESERVE LCAP_SLL2_LEN
/* libpcap's frame size for the "any" device, bigger than every MTU. */
#define ANY_MTU (64 * 1024)
/* filter_blocks of a filter the kernel does not run: all packets, for ever. */
#define FILTER_ALWAYS SIZE_MAX

typedef struct linux_packet {
    int fd;
    int ifindex;
    int nonblock;
    int direction;               /* CAPTURE_D_* */
    /* Outgoing copies on loopback are dropped: each packet also comes in. */
    int lo_ifindex;              /* 0: no loopback device */
    const lcap_linux_link *link; /* what the interface offers */
    lcap_linux_shape shape;      /* of r->linktype */
    size_t min_mac;              /* where the kernel puts packet data at the earliest */
    uint8_t *ring;
    size_t block_size, block_nr;
    size_t cur;                  /* block being read, or next to become ready */
    int held;                    /* ring block cur is ours (being walked) */
    uint32_t left;               /* packets of the held block not yet returned */
    uint8_t *pkt;                /* next packet of the held block */
    const uint8_t *end;          /* the end of the held block */
    /* The filter run here, on each packet as the kernel sees it (before its
     * VLAN tag goes back, the tag as metadata: as libpcap runs it), for the
     * next filter_blocks ring blocks: FILTER_ALWAYS when the kernel refused
     * it or cannot run it on cooked packets (it would see them headerless);
     * after the kernel's filter changes, as many as may hold packets taken
     * under the old one. */
    capture_bpf *filter;
    size_t filter_blocks;
    uint64_t recv, drop;         /* PACKET_STATISTICS resets on read: kept summed */
    /* In promiscuous mode, the interface's own drop counters (sysfs) at
     * the last capture_stats, and their growth since activation. */
    int64_t if_drops_seen;
    uint64_t ifdrop;
} linux_packet;

static linux_packet *lp_of(capture_reader *r) { return r->src; }

/* What filters compile to by what the kernel answers, asked as libpcap asks
 * it once its socket is open: one row a feature, its flag set when the
 * option reads at least at_least. */
static const struct kernel_feature {
    int level, name, at_least;
    unsigned compile_flag; /* LCAP_COMPILE_* */
} kernel_features[] = {
    /* The ancillary loads up to the VLAN tag's (Linux 3.14 reports them):
     * `vlan` reads the tag the kernel took out; without, in the packet. */
    { SOL_SOCKET, SO_BPF_EXTENSIONS, SKF_AD_VLAN_TAG_PRESENT, LCAP_COMPILE_LINUX_VLAN },
};

static unsigned kernel_compile_flags(int fd)
{
    unsigned flags = 0;
    for (size_t i = 0; i < sizeof(kernel_features) / sizeof(kernel_features[0]); i++) {
        const struct kernel_feature *f = &kernel_features[i];
        int v = 0;
        socklen_t l = sizeof(v);
        if (getsockopt(fd, f->level, f->name, &v, &l) == 0 && v >= f->at_least)
            flags |= f->compile_flag;
    }
    return flags;
}

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
    if (p->link == &lcap_linux_link_any) {
        *mtu = ANY_MTU;
    } else {
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
        p->link = lcap_linux_link_of(type);
        if (p->link == NULL) {
            lcap_errf(r->errbuf, "%s: interface type ARPHRD %u has no link type libcapture knows",
                      r->opts.device, type);
            return CAPTURE_ERROR;
        }
        if (p->link->loopback)
            p->lo_ifindex = p->ifindex;
    }
    if (p->lo_ifindex == 0)
        p->lo_ifindex = (int)if_nametoindex("lo");
    r->linktype = p->link->dlt[0];
    p->shape = lcap_linux_shape_of(r->linktype);
    return 0;
}

/* The ring: blocks of a power of two pages, as large as libpcap's (the
 * kernel wakes the reader once a block, so large blocks mean few wakeups)
 * while the buffer still holds RING_MIN_BLOCKS of them (a block the reader
 * holds is one the kernel cannot fill), and never smaller than one frame of
 * the snapshot length (or the MTU, when smaller). */
static int map_ring(capture_reader *r, linux_packet *p, unsigned mtu, size_t reserve)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t want = (size_t)r->snaplen < mtu + 64u ? (size_t)r->snaplen : mtu + 64u;
    size_t frame = TPACKET_ALIGN(TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) +
                                 sizeof(struct sockaddr_ll) + reserve + want + 16);
    size_t total = r->opts.buffer_size > 0 ? (size_t)r->opts.buffer_size : LINUX_DEFAULT_BUFFER;
    size_t bsize = page;
    while (bsize < frame || (bsize < RING_MAX_BLOCK && (bsize << 1) * RING_MIN_BLOCKS <= total))
        bsize <<= 1;
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
    p->min_mac = TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) + sizeof(struct sockaddr_ll) + reserve;
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
    capture_bpf_free(p->filter);
    free(p);
    r->src = NULL;
}

/* The interface's own count of packets it dropped, as libpcap reads it:
 * missed and FIFO errors in sysfs (0 where the driver keeps none). */
static int64_t if_drops(const char *device)
{
    static const char *const counters[] = { "rx_missed_errors", "rx_fifo_errors" };
    int64_t sum = 0;
    for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
        char path[128], text[32];
        snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", device, counters[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, text, sizeof(text) - 1);
        close(fd);
        if (n > 0) {
            text[n] = '\0';
            sum += strtoll(text, NULL, 10);
        }
    }
    return sum;
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
    if (strcmp(r->opts.device, LCAP_LINUX_ANY) == 0) {
        p->link = &lcap_linux_link_any; /* ifindex 0: bound to every interface */
    } else if ((p->ifindex = (int)if_nametoindex(r->opts.device)) == 0) {
        lcap_errf(r->errbuf, "%s: no such interface", r->opts.device);
        return CAPTURE_ERROR_NO_SUCH_DEVICE;
    }
    /* "any" has no one link-layer header: the kernel gives cooked packets. */
    int type = p->link != NULL && p->link->cooked ? SOCK_DGRAM : SOCK_RAW;
    uint16_t proto = htons(r->opts.protocol != 0 ? (uint16_t)r->opts.protocol : ETH_P_ALL);
    p->fd = socket(AF_PACKET, type | SOCK_CLOEXEC, proto);
    if (p->fd < 0)
        return sys_error(r, "socket(AF_PACKET)");
    if ((rc = link_type(r, p, &mtu)) < 0)
        return rc;
    r->compile_flags = kernel_compile_flags(p->fd);
    int v = TPACKET_V3, reserve = p->link->cooked ? COOKED_RESERVE : VLAN_TAG_LEN;
    if (setsockopt(p->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0)
        return sys_error(r, "PACKET_VERSION TPACKET_V3");
    if (setsockopt(p->fd, SOL_PACKET, PACKET_RESERVE, &reserve, sizeof(reserve)) < 0)
        return sys_error(r, "PACKET_RESERVE");
    if ((rc = map_ring(r, p, mtu, (size_t)reserve)) < 0)
        return rc;
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = proto,
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
    if (r->opts.promisc && p->link->cooked) {
        /* As libpcap: not an error, and activation says 0. */
        r->opts.promisc = 0;
        lcap_errf(r->errbuf, "Promiscuous mode not supported on the \"%s\" device", LCAP_LINUX_ANY);
    } else if (r->opts.promisc) {
        struct packet_mreq mr = { .mr_ifindex = p->ifindex, .mr_type = PACKET_MR_PROMISC };
        if (setsockopt(p->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
            lcap_errf(r->errbuf, "%s: PACKET_ADD_MEMBERSHIP: %s", r->opts.device,
                      LCAP_ERRTEXT(errno));
            warning = CAPTURE_WARNING_PROMISC_NOTSUP;
        }
        p->if_drops_seen = if_drops(r->opts.device);
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
    __atomic_store_n(&block_at(p, p->cur)->hdr.bh1.block_status, TP_STATUS_KERNEL,
                     __ATOMIC_RELEASE);
    p->cur = p->cur + 1 == p->block_nr ? 0 : p->cur + 1;
    p->held = 0;
    if (p->filter_blocks != FILTER_ALWAYS && p->filter_blocks > 0 && --p->filter_blocks == 0) {
        capture_bpf_free(p->filter);
        p->filter = NULL;
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
    p->end = (const uint8_t *)b + p->block_size;
    /* An offset past the block leaves room 0: the walk reports it. */
    uint32_t first = b->hdr.bh1.offset_to_first_pkt;
    p->pkt = (uint8_t *)b + (first < p->block_size ? first : p->block_size);
    return 1;
}

static int corrupt(capture_reader *r, linux_packet *p, const char *what)
{
    lcap_errf(r->errbuf, "%s: corrupted packet ring: %s in block %zu", r->opts.device, what,
              p->cur);
    return CAPTURE_ERROR;
}

/* Takes the next packet of the held block (p->left > 0) into hdr/data as
 * libpcap delivers it: 1; 0 when it is not for the caller (direction,
 * loopback copies, a filter changed under it); CAPTURE_ERROR, the packet
 * left in place, when the kernel's headers point outside the block. */
static LCAP_INLINE_ALWAYS int take_packet(capture_reader *r, linux_packet *p, capture_pkthdr *hdr,
                                          const uint8_t **data)
{
    uint8_t *pkt = p->pkt;
    size_t room = (size_t)(p->end - pkt), min_mac = p->min_mac;
    const struct tpacket3_hdr *h = (const struct tpacket3_hdr *)pkt;
    if (LCAP_UNLIKELY(room < min_mac))
        return corrupt(r, p, "packet header past the end");
    uint32_t caplen = h->tp_snaplen, len = h->tp_len, mac = h->tp_mac, next = h->tp_next_offset;
    if (LCAP_UNLIKELY(mac < min_mac || mac > room || caplen > room - mac ||
                      (p->left > 1 && (next == 0 || next >= room))))
        return corrupt(r, p, "packet data past the end");
    const struct sockaddr_ll *sll =
        (const struct sockaddr_ll *)(pkt + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
    uint8_t *d = pkt + mac;
    p->left--;
    p->pkt = pkt + next;
    /* The headers ahead were written by the kernel, maybe from another CPU,
     * and each is found only through the one before it: fetching the one
     * PREFETCH_AHEAD packets on (of about this size) overlaps their misses. */
    if (LCAP_LIKELY(next < room / PREFETCH_AHEAD))
        __builtin_prefetch(pkt + PREFETCH_AHEAD * (size_t)next);
    /* As libpcap: an outgoing copy on loopback is seen again coming in. */
    if (sll->sll_pkttype == PACKET_OUTGOING) {
        if (sll->sll_ifindex == p->lo_ifindex || p->direction == CAPTURE_D_IN)
            return 0;
    } else if (p->direction == CAPTURE_D_OUT) {
        return 0;
    }
    if (LCAP_UNLIKELY(p->shape.cooked_len > 0)) {
        d -= p->shape.cooked_len;
        lcap_linux_cooked_header(d, r->linktype, sll);
        caplen += (uint32_t)p->shape.cooked_len;
        len += (uint32_t)p->shape.cooked_len;
    }
    int stripped = LCAP_UNLIKELY(h->hv1.tp_vlan_tci != 0 || (h->tp_status & TP_STATUS_VLAN_VALID));
    if (LCAP_UNLIKELY(p->filter != NULL)) {
        const lcap_bpf_aux aux = { h->hv1.tp_vlan_tci & 0x0fffu, (uint32_t)stripped };
        uint32_t keep = lcap_bpf_filter_aux(p->filter, d, len, caplen, &aux);
        if (keep == 0)
            return 0;
        /* The kernel cuts a packet to what its filter keeps; libpcap's
         * userland filter does not. */
        if (p->filter_blocks != FILTER_ALWAYS && keep < caplen)
            caplen = keep;
    }
    if (stripped && p->shape.vlan_offset >= 0 && caplen >= (uint32_t)p->shape.vlan_offset) {
        /* The kernel took the 802.1Q tag out: what precedes the type field
         * moves back into the reserved room and the tag goes in front of it. */
        uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ? h->hv1.tp_vlan_tpid
                                                                   : ETH_P_8021Q;
        uint16_t tci = h->hv1.tp_vlan_tci;
        size_t at = (size_t)p->shape.vlan_offset;
        memmove(d - VLAN_TAG_LEN, d, at);
        d -= VLAN_TAG_LEN;
        d[at] = (uint8_t)(tpid >> 8), d[at + 1] = (uint8_t)tpid;
        d[at + 2] = (uint8_t)(tci >> 8), d[at + 3] = (uint8_t)tci;
        caplen += VLAN_TAG_LEN;
        len += VLAN_TAG_LEN;
    }
    if (caplen > (uint32_t)r->snaplen)
        caplen = (uint32_t)r->snaplen;
    hdr->ts_sec = h->tp_sec;
    hdr->ts_nsec = r->tstamp_precision == CAPTURE_TSTAMP_PRECISION_NANO ? h->tp_nsec
                                                                        : h->tp_nsec / 1000 * 1000;
    hdr->caplen = caplen;
    hdr->len = len;
    *data = d;
    return 1;
}

/* Whether a packet is held to walk: the held block's next one, or the first
 * of the next block when it is ready (one dispatch takes every ready block,
 * as libpcap's does). A block goes back only once its last packet was
 * handed out and the caller came back for more. */
static LCAP_INLINE_ALWAYS int have_packet(linux_packet *p)
{
    if (LCAP_LIKELY(p->held && p->left > 0))
        return 1;
    for (;;) {
        if (!p->held)
            return 0;
        release(p);
        if (!take(p))
            return 0;
        if (p->left > 0)
            return 1;
    }
}

static int lp_next(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data)
{
    linux_packet *p = lp_of(r);
    while (have_packet(p)) {
        int rc = take_packet(r, p, hdr, data);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* The fast path (no userland filter): the ring's packets go straight to the
 * callback, with no call through the reader per packet. Stops at max, at a
 * break, at the end of the ready blocks, or before a corrupted packet (which
 * next() then reports). */
static int lp_run(capture_reader *r, int max, capture_handler cb, void *user)
{
    linux_packet *p = lp_of(r);
    capture_pkthdr hdr;
    const uint8_t *d;
    int n = 0;
    while (n < max && have_packet(p) &&
           !atomic_load_explicit(&r->break_loop, memory_order_relaxed)) {
        int rc = take_packet(r, p, &hdr, &d);
        if (rc < 0)
            break;
        if (rc > 0) {
            cb(user, &hdr, d);
            n++;
        }
    }
    return n;
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
    /* libpcap reads the interface's counters only in promiscuous mode. */
    if (r->opts.promisc) {
        int64_t now = if_drops(r->opts.device);
        p->ifdrop += (uint64_t)(now - p->if_drops_seen);
        p->if_drops_seen = now;
    }
    st->recv = (uint32_t)p->recv;
    st->drop = (uint32_t)p->drop;
    st->ifdrop = (uint32_t)p->ifdrop;
    return 0;
}

/* A copy of prog, or NULL with r->errbuf set. */
static capture_bpf *copy_of(capture_reader *r, const capture_bpf *prog)
{
    const struct capture_insn *insns;
    size_t n = capture_bpf_insns(prog, &insns);
    capture_bpf *c = lcap_bpf_new_trusted(insns, n);
    if (c == NULL)
        lcap_errf(r->errbuf, "%s: out of memory for the filter", r->opts.device);
    return c;
}

/* The kernel filters from now on; packets of the old filter (or of none)
 * may fill blocks already: every block of the ring is filtered once more
 * here (one more than the ring holds: the block being filled). Without a
 * program the kernel keeps everything. 0 or CAPTURE_ERROR. */
static int kernel_filters(capture_reader *r, linux_packet *p, const capture_bpf *prog)
{
    capture_bpf_free(p->filter);
    p->filter = NULL;
    p->filter_blocks = 0;
    if (prog == NULL)
        return 0;
    if ((p->filter = copy_of(r, prog)) == NULL)
        return CAPTURE_ERROR;
    p->filter_blocks = p->block_nr + 1;
    return 0;
}

static int detach(capture_reader *r, linux_packet *p)
{
    int unused = 0; /* the kernel wants an int's worth of option, as libpcap gives it */
    if (setsockopt(p->fd, SOL_SOCKET, SO_DETACH_FILTER, &unused, sizeof(unused)) < 0 &&
        errno != ENOENT)
        return sys_error(r, "SO_DETACH_FILTER");
    return 0;
}

/* Every program is installed here (the reader never filters this source):
 * in the kernel when it takes it, else run by the ring walk. Programs may
 * read the VLAN tag the kernel took out of a packet as the kernel keeps it
 * (capture_compile_for's `vlan`: ancillary loads), and the walk gives it to
 * them the same way. */
static int lp_setfilter(capture_reader *r, const capture_bpf *prog)
{
    linux_packet *p = lp_of(r);

    if (prog == NULL)
        return detach(r, p) < 0 || kernel_filters(r, p, NULL) < 0 ? CAPTURE_ERROR : LCAP_FILTER_KERNEL;
    const struct capture_insn *insns;
    size_t n = capture_bpf_insns(prog, &insns);
    struct capture_insn *cooked = NULL;
    /* Cooked packets reach the kernel's filter without the header the
     * program was compiled for: it is rewritten for that, or, when it reads
     * what the kernel cannot give, the walk filters. */
    if (p->link->cooked && n <= BPF_MAXINSNS) {
        if ((cooked = malloc(n * sizeof(*cooked))) == NULL) {
            lcap_errf(r->errbuf, "%s: out of memory for the filter", r->opts.device);
            return CAPTURE_ERROR;
        }
        memcpy(cooked, insns, n * sizeof(*cooked));
        if (lcap_linux_cooked_program(cooked, n, r->linktype) < 0)
            n = BPF_MAXINSNS + 1; /* not for the kernel */
        insns = cooked;
    }
    if (n <= BPF_MAXINSNS) {
        /* struct sock_filter has capture_insn's layout: code, jt, jf, k;
         * the kernel copies the program, never writing it. */
        struct sock_fprog fp = { .len = (unsigned short)n, .filter = (struct sock_filter *)(uintptr_t)insns };
        int rc = setsockopt(p->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)), err = errno;
        free(cooked);
        cooked = NULL;
        if (rc == 0)
            return kernel_filters(r, p, prog) < 0 ? CAPTURE_ERROR : LCAP_FILTER_KERNEL;
        errno = err;
        if (errno != EINVAL && errno != ENOMEM)
            return sys_error(r, "SO_ATTACH_FILTER");
    }
    free(cooked);
    /* Refused: the kernel keeps everything, the walk filters. */
    capture_bpf *mine = copy_of(r, prog);
    if (mine == NULL || detach(r, p) < 0 || kernel_filters(r, p, NULL) < 0) {
        capture_bpf_free(mine);
        return CAPTURE_ERROR;
    }
    p->filter = mine;
    p->filter_blocks = FILTER_ALWAYS;
    return LCAP_FILTER_KERNEL;
}

static int lp_inject(capture_reader *r, const uint8_t *buf, size_t len)
{
    if (lp_of(r)->link->cooked) {
        lcap_errf(r->errbuf, "Sending packets isn't supported on the \"%s\" device", LCAP_LINUX_ANY);
        return CAPTURE_ERROR;
    }
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

static int lp_datalinks(capture_reader *r, int **dlts)
{
    const lcap_linux_link *link = lp_of(r)->link;
    *dlts = malloc((size_t)link->ndlt * sizeof(**dlts));
    if (*dlts == NULL) {
        lcap_errf(r->errbuf, "out of memory for the link-type list");
        return CAPTURE_ERROR;
    }
    memcpy(*dlts, link->dlt, (size_t)link->ndlt * sizeof(**dlts));
    return link->ndlt;
}

/* One of the offered DLTs (the reader checked): only how packets are
 * delivered changes (SLL or SLL2 built, where a VLAN tag goes back). */
static int lp_set_datalink(capture_reader *r, int dlt)
{
    r->linktype = dlt;
    lp_of(r)->shape = lcap_linux_shape_of(dlt);
    return 0;
}

const lcap_source_ops lcap_linux_packet_ops = {
    .kind = "Linux packet socket",
    .packet_aux = 1,
    .activate = lp_activate,
    .next = lp_next,
    .run = lp_run,
    .fill = lp_fill,
    .getfd = lp_getfd,
    .getnonblock = lp_getnonblock,
    .setnonblock = lp_setnonblock,
    .stats = lp_stats,
    .setfilter = lp_setfilter,
    .inject = lp_inject,
    .setdirection = lp_setdirection,
    .datalinks = lp_datalinks,
    .set_datalink = lp_set_datalink,
    .close = lp_close,
};
