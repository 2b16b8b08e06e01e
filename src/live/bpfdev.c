/* bpfdev.c - the live source over a BSD /dev/bpf device: open, the BIOC*
 * setup sequence, reads, kernel filters, statistics, direction, injection.
 * What differs by OS comes from the flavour row (flavor.h), never #ifdefs. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bpf/insn.h"
#include "bpf/program.h"
#include "live/bpf_buffer.h"
#include "live/flavor.h"
#include "reader.h"

/* BIOCSETF's argument: the same two fields on every BSD (bpf_abi.h pins the
 * NetBSD layout the Linux build speaks). */
struct bpfdev_program {
    unsigned int bf_len;
    const struct capture_insn *bf_insns;
};

/* Without a size asked for, the buffer starts here and halves on ENOBUFS. */
#define BPFDEV_START_BUFFER (512 * 1024)

/* Said when no BPF device exists at all. */
#if defined(__linux__)
static const char no_device_note[] = ": Linux has no /dev/bpf; libcapture captures live on the BSDs, "
                                     "macOS and AIX, and on Linux only under its tests' emulated device";
#else
static const char no_device_note[] = "";
#endif

/* AIX's BIOCGDLT answers with an interface type (IFT_*), not a DLT. */
static const struct { unsigned ift; int dlt; } aix_ift_dlt[] = {
    { 6, CAPTURE_DLT_EN10MB },   /* IFT_ETHER */
    { 7, CAPTURE_DLT_EN10MB },   /* IFT_ISO88023 */
    { 9, CAPTURE_DLT_IEEE802 },  /* IFT_ISO88025 */
    { 15, CAPTURE_DLT_FDDI },    /* IFT_FDDI */
    { 24, CAPTURE_DLT_NULL },    /* IFT_LOOP */
};

typedef struct bpfdev {
    int fd;
    int nonblock;
    int writable;                      /* opened O_RDWR: sendpacket can work */
    const struct lcap_bpf_flavor *fl;
    uint8_t *buf;
    size_t blen;                       /* BIOCGBLEN: every read() asks for exactly this */
    lcap_bpf_walk walk;
    ssize_t pending;                   /* a read's result not yet taken, or NOT_PENDING */
    int xhdr;                          /* records are FreeBSD's bpf_xhdr (BIOCSTSTAMP) */
    enum lcap_bpf_ts_unit ts_unit;     /* of the records' timestamps */
    int *dlts;                         /* the link types offered, as activation left them */
    int ndlt;
    int docsis_added;                  /* DLT_DOCSIS is libpcap's addition, not the kernel's */
} bpfdev;

#define NOT_PENDING (-2)

/* wait_ready()'s answers besides the LCAP_FILL_* codes. */
enum { WAIT_READY = 100, WAIT_AGAIN = 101 };

static bpfdev *dev_of(capture_reader *r) { return r->src; }

/* One request by its flavour number; -1 with errno ENOTTY when this OS has
 * no such request. */
static int bioc(bpfdev *d, enum lcap_bpf_req req, void *arg)
{
    unsigned long number = d->fl->req[req];
    if (number == 0) {
        errno = ENOTTY;
        return -1;
    }
    return ioctl(d->fd, number, arg);
}

static int bioc_uint(bpfdev *d, enum lcap_bpf_req req, unsigned v)
{
    return bioc(d, req, &v);
}

/* Opens the cloning device, else the numbered ones, skipping busy units. */
static int open_device(capture_reader *r, bpfdev *d)
{
    const struct lcap_bpf_flavor *fl = d->fl;
    char path[32] = "";
    int err = ENOENT;

    for (int unit = fl->clone_path != NULL ? -1 : 0; unit < (int)fl->max_units; unit++) {
        if (unit < 0)
            snprintf(path, sizeof(path), "%s", fl->clone_path);
        else
            snprintf(path, sizeof(path), fl->unit_fmt, (unsigned)unit);
        d->fd = open(path, O_RDWR | O_CLOEXEC);
        d->writable = 1;
        if (d->fd < 0 && errno == EACCES) {
            /* Capture works read-only; only sendpacket needs write access. */
            d->fd = open(path, O_RDONLY | O_CLOEXEC);
            d->writable = 0;
        }
        if (d->fd >= 0)
            return 0;
        err = errno;
        if (err == EBUSY || (unit < 0 && err == ENOENT))
            continue;
        break;
    }
    if (err == EACCES || err == EPERM) {
        lcap_errf(r->errbuf, "%s: cannot open %s: %s (%s)", r->opts.device, path, LCAP_ERRTEXT(err),
                  fl->perm_hint);
        return CAPTURE_ERROR_PERM_DENIED;
    }
    if (err == EBUSY) {
        lcap_errf(r->errbuf, "%s: every BPF device up to %s is busy", r->opts.device, path);
        return CAPTURE_ERROR;
    }
    if (err == ENOENT) {
        if (fl->clone_path != NULL)
            lcap_errf(r->errbuf, "%s: no BPF device (neither %s nor %s exists)%s", r->opts.device,
                      fl->clone_path, path, no_device_note);
        else
            lcap_errf(r->errbuf, "%s: no BPF device (%s does not exist)%s", r->opts.device, path,
                      no_device_note);
        return CAPTURE_ERROR;
    }
    lcap_errf(r->errbuf, "%s: cannot open %s: %s", r->opts.device, path, LCAP_ERRTEXT(err));
    return CAPTURE_ERROR;
}

/* The device's own idea of failing a request, in the reader's words. */
static int ioctl_error(capture_reader *r, const char *what)
{
    int err = errno;
    lcap_errf(r->errbuf, "%s: %s: %s", r->opts.device, what, LCAP_ERRTEXT(err));
    return CAPTURE_ERROR;
}

/* BIOCSBLEN (only effective before BIOCSETIF) then BIOCSETIF, halving an
 * unrequested size while the kernel has no room (ENOBUFS). */
static int attach(capture_reader *r, bpfdev *d)
{
    uint8_t ifr[256]; /* ifreq_size is a uint8_t: any OS's struct ifreq fits */
    unsigned v = 0;

    if (strlen(r->opts.device) >= 16) {
        lcap_errf(r->errbuf, "%s: no such device (interface names have at most 15 characters)",
                  r->opts.device);
        return CAPTURE_ERROR_NO_SUCH_DEVICE;
    }
    if (r->opts.buffer_size > 0) {
        v = (unsigned)r->opts.buffer_size;
    } else {
        if (bioc(d, LCAP_REQ_BIOCGBLEN, &v) < 0)
            return ioctl_error(r, "BIOCGBLEN");
        if (v < BPFDEV_START_BUFFER)
            v = BPFDEV_START_BUFFER;
    }
    for (;;) {
        unsigned asked = v;
        if (bioc(d, LCAP_REQ_BIOCSBLEN, &asked) < 0)
            return ioctl_error(r, "BIOCSBLEN");
        memset(ifr, 0, sizeof(ifr));
        memcpy(ifr, r->opts.device, strlen(r->opts.device));
        if (bioc(d, LCAP_REQ_BIOCSETIF, ifr) == 0)
            return 0;
        int err = errno;
        if (err == ENOBUFS && r->opts.buffer_size <= 0 && v > 4096) {
            v /= 2;
            continue;
        }
        if (err == ENXIO) {
            lcap_errf(r->errbuf, "%s: no such device (BIOCSETIF: %s)", r->opts.device, LCAP_ERRTEXT(err));
            return CAPTURE_ERROR_NO_SUCH_DEVICE;
        }
        if (err == ENETDOWN) {
            lcap_errf(r->errbuf, "%s: the interface is down (BIOCSETIF: %s)", r->opts.device,
                      LCAP_ERRTEXT(err));
            return CAPTURE_ERROR_IFACE_NOT_UP;
        }
        errno = err;
        return ioctl_error(r, err == ENOBUFS ? "BIOCSETIF (buffer size too large)" : "BIOCSETIF");
    }
}

/* A DLT as the device numbers it, in this build's numbering (a flavour
 * played on Linux may number RAW/LOOP/PFSYNC as its OS does). */
static int host_dlt(const bpfdev *d, unsigned v)
{
    if ((int)v == d->fl->dlt.raw)
        return CAPTURE_DLT_RAW;
    if ((int)v == d->fl->dlt.loop)
        return CAPTURE_DLT_LOOP;
    if ((int)v == d->fl->dlt.pfsync)
        return CAPTURE_DLT_PFSYNC;
    return (int)v;
}

/* The device's DLT (AIX answers an interface type instead). */
static int link_type(capture_reader *r, bpfdev *d)
{
    unsigned v;
    if (bioc(d, LCAP_REQ_BIOCGDLT, &v) < 0)
        return ioctl_error(r, "BIOCGDLT");
    if (d->fl->dlt.reports_ift) {
        for (size_t i = 0; i < sizeof(aix_ift_dlt) / sizeof(aix_ift_dlt[0]); i++)
            if (aix_ift_dlt[i].ift == v) {
                r->linktype = aix_ift_dlt[i].dlt;
                return 0;
            }
        lcap_errf(r->errbuf, "%s: interface type %u has no link type libcapture knows",
                  r->opts.device, v);
        return CAPTURE_ERROR;
    }
    r->linktype = host_dlt(d, v);
    return 0;
}

/* The kernel's number for a DLT of this build's numbering (host_dlt's inverse). */
static unsigned kernel_dlt(const bpfdev *d, int dlt)
{
    if (dlt == CAPTURE_DLT_RAW)
        return (unsigned)d->fl->dlt.raw;
    if (dlt == CAPTURE_DLT_LOOP)
        return (unsigned)d->fl->dlt.loop;
    if (dlt == CAPTURE_DLT_PFSYNC)
        return (unsigned)d->fl->dlt.pfsync;
    return (unsigned)dlt;
}

/* BIOCGDLTLIST: u_int count at 0, the list pointer where the flavour says;
 * asked once without a list for the count, then with one. *n 0 where the OS
 * has no list (AIX) or the device has none for this interface (EINVAL). */
static int kernel_dltlist(capture_reader *r, bpfdev *d, unsigned **raw, unsigned *n)
{
    uint8_t arg[64] = { 0 };
    *raw = NULL;
    *n = 0;
    if (bioc(d, LCAP_REQ_BIOCGDLTLIST, arg) < 0)
        return errno == EINVAL || errno == ENOTTY ? 0 : ioctl_error(r, "BIOCGDLTLIST");
    memcpy(n, arg, sizeof *n);
    if (*n > 4096)
        *n = 4096; /* a kernel lists a handful */
    if (*n == 0)
        return 0;
    *raw = calloc(*n, sizeof **raw);
    if (*raw == NULL) {
        lcap_errf(r->errbuf, "%s: out of memory for the link-type list", r->opts.device);
        return CAPTURE_ERROR;
    }
    memcpy(arg, n, sizeof *n);
    memcpy(arg + d->fl->dltlist_ptr_off, raw, sizeof *raw);
    if (bioc(d, LCAP_REQ_BIOCGDLTLIST, arg) < 0)
        return ioctl_error(r, "BIOCGDLTLIST");
    unsigned wrote;
    memcpy(&wrote, arg, sizeof wrote); /* the kernel says how many it wrote */
    if (wrote < *n)
        *n = wrote;
    return 0;
}

/* The link types offered, as libpcap's activation leaves them: the kernel's
 * list, less the 802.11 types where the flavour hides them; DLT_DOCSIS after
 * the EN10MB of a plain Ethernet device (one that offers nothing but EN10MB
 * and IPNET, or no list at all), for DOCSIS frames a cable head-end puts on
 * an Ethernet; no list: the one link type. */
static int load_datalinks(capture_reader *r, bpfdev *d)
{
    unsigned *raw, n;
    int rc = kernel_dltlist(r, d, &raw, &n);
    if (rc < 0) {
        free(raw);
        return rc;
    }
    d->dlts = calloc((size_t)n + 2, sizeof(*d->dlts));
    if (d->dlts == NULL) {
        free(raw);
        lcap_errf(r->errbuf, "%s: out of memory for the link-type list", r->opts.device);
        return CAPTURE_ERROR;
    }
    int ethernet = r->linktype == CAPTURE_DLT_EN10MB;
    for (unsigned i = 0; i < n; i++) {
        int v = host_dlt(d, raw[i]);
        ethernet &= v == CAPTURE_DLT_EN10MB || v == CAPTURE_DLT_IPNET;
        if (!(d->fl->hide_80211 && lcap_flavor_is_80211(v)))
            d->dlts[d->ndlt++] = v;
    }
    free(raw);
    if (d->ndlt == 0)
        d->dlts[d->ndlt++] = r->linktype;
    if (ethernet) {
        d->dlts[d->ndlt++] = CAPTURE_DLT_DOCSIS;
        d->docsis_added = 1;
    }
    return 0;
}

static int bpfdev_datalinks(capture_reader *r, int **dlts)
{
    bpfdev *d = dev_of(r);
    *dlts = malloc((size_t)d->ndlt * sizeof(**dlts));
    if (*dlts == NULL) {
        lcap_errf(r->errbuf, "%s: out of memory for the link-type list", r->opts.device);
        return CAPTURE_ERROR;
    }
    memcpy(*dlts, d->dlts, (size_t)d->ndlt * sizeof(**dlts));
    return d->ndlt;
}

/* One of the offered types (the reader checked), by BIOCSDLT, which also
 * empties the kernel's buffers: what was read in the old type goes too. The
 * filter stays as it was, compiled for the old type, as in libpcap. */
static int bpfdev_set_datalink(capture_reader *r, int dlt)
{
    bpfdev *d = dev_of(r);
    if (d->docsis_added && (dlt == CAPTURE_DLT_DOCSIS ||
                            (r->linktype == CAPTURE_DLT_DOCSIS && dlt == CAPTURE_DLT_EN10MB))) {
        /* libpcap's rule: the frames are the Ethernet ones, only named otherwise. */
        r->linktype = dlt;
        return 0;
    }
    if (d->fl->req[LCAP_REQ_BIOCSDLT] == 0) {
        lcap_errf(r->errbuf, "%s: %s's BPF has no BIOCSDLT: the link type cannot be changed",
                  r->opts.device, d->fl->name);
        return CAPTURE_ERROR;
    }
    if (bioc_uint(d, LCAP_REQ_BIOCSDLT, kernel_dlt(d, dlt)) < 0) {
        int err = errno;
        lcap_errf(r->errbuf, "%s: cannot set DLT %d: BIOCSDLT: %s", r->opts.device, dlt,
                  LCAP_ERRTEXT(err));
        return CAPTURE_ERROR;
    }
    lcap_bpf_walk_reset(&d->walk);
    d->pending = NOT_PENDING;
    r->linktype = dlt;
    return 0;
}

/* Nanosecond timestamps: FreeBSD's BIOCSTSTAMP turns records into bpf_xhdr
 * with a nanosecond field; AIX stamps nanoseconds anyway. */
static int set_precision(capture_reader *r, bpfdev *d)
{
    d->ts_unit = d->fl->ts_unit;
    if (r->tstamp_precision != CAPTURE_TSTAMP_PRECISION_NANO || d->fl->ts_unit == LCAP_BPF_TS_NANO)
        return 0;
    if (bioc_uint(d, LCAP_REQ_BIOCSTSTAMP, d->fl->tstamp_nano) < 0)
        return ioctl_error(r, "BIOCSTSTAMP");
    d->xhdr = 1;
    d->ts_unit = LCAP_BPF_TS_NANO;
    return 0;
}

int lcap_bpfdev_precision_supported(int precision)
{
    const struct lcap_bpf_flavor *fl = lcap_flavor_current();
    return precision == CAPTURE_TSTAMP_PRECISION_MICRO ||
           (fl != NULL && precision == CAPTURE_TSTAMP_PRECISION_NANO &&
            (fl->ts_unit == LCAP_BPF_TS_NANO || (fl->req[LCAP_REQ_BIOCSTSTAMP] != 0 && fl->xhdr.size != 0)));
}

/* BIOCSRTIMEOUT takes the OS's struct timeval: 64-bit seconds at 0, the
 * microseconds where and as wide as the flavour says. */
static int set_timeout(capture_reader *r, bpfdev *d, int to_ms)
{
    uint8_t tv[256] = { 0 }; /* tv_size is a uint8_t */
    int64_t sec = to_ms / 1000;
    int64_t usec = (int64_t)(to_ms % 1000) * 1000;

    memcpy(tv, &sec, sizeof(sec));
    if (d->fl->tv_usec_width == 8) {
        memcpy(tv + d->fl->tv_usec_off, &usec, 8);
    } else {
        int32_t u = (int32_t)usec;
        memcpy(tv + d->fl->tv_usec_off, &u, 4);
    }
    if (bioc(d, LCAP_REQ_BIOCSRTIMEOUT, tv) < 0)
        return ioctl_error(r, "BIOCSRTIMEOUT");
    return 0;
}

/* BIOCSETF; -1 with errno set on failure. A successful install flushes the
 * kernel's buffer, so what was read before goes too. */
static int install(bpfdev *d, const struct capture_insn *insns, size_t n)
{
    struct bpfdev_program p = { (unsigned)n, insns };
    if (bioc(d, LCAP_REQ_BIOCSETF, &p) < 0)
        return -1;
    lcap_bpf_walk_reset(&d->walk);
    return 0;
}

/* Without a user filter the kernel does not truncate: "ret #snaplen" does. */
static int install_snaplen(capture_reader *r, bpfdev *d)
{
    struct capture_insn ret = { LCAP_BPF_RET | LCAP_BPF_K, 0, 0, (uint32_t)r->snaplen };
    if (install(d, &ret, 1) < 0)
        return ioctl_error(r, "BIOCSETF (snapshot length program)");
    return 0;
}

static void bpfdev_close(capture_reader *r)
{
    bpfdev *d = dev_of(r);
    if (d == NULL)
        return;
    if (d->fd >= 0)
        close(d->fd);
    free(d->buf);
    free(d->dlts);
    free(d);
    r->src = NULL;
}

static int bpfdev_activate(capture_reader *r)
{
    int rc, warning = 0;
    bpfdev *d = calloc(1, sizeof(*d));

    if (d == NULL) {
        lcap_errf(r->errbuf, "%s: out of memory", r->opts.device);
        return CAPTURE_ERROR;
    }
    d->fd = -1;
    d->pending = NOT_PENDING;
    r->src = d;
    d->fl = lcap_flavor_current();
    if (d->fl == NULL) {
        lcap_errf(r->errbuf, "%s: LCAP_BPF_FLAVOR names no known BPF flavour", r->opts.device);
        return CAPTURE_ERROR;
    }
    if ((rc = open_device(r, d)) < 0)
        return rc;

    struct { unsigned short major, minor; } ver;
    if (bioc(d, LCAP_REQ_BIOCVERSION, &ver) < 0)
        return ioctl_error(r, "BIOCVERSION");
    if (ver.major != 1 || ver.minor < 1) {
        lcap_errf(r->errbuf, "%s: the kernel's BPF version %u.%u is not 1.1 or a later 1.x",
                  r->opts.device, ver.major, ver.minor);
        return CAPTURE_ERROR;
    }
    if ((rc = attach(r, d)) < 0)
        return rc;
    unsigned blen;
    if (bioc(d, LCAP_REQ_BIOCGBLEN, &blen) < 0)
        return ioctl_error(r, "BIOCGBLEN");
    d->blen = blen;
    d->buf = malloc(blen ? blen : 1);
    if (d->buf == NULL) {
        lcap_errf(r->errbuf, "%s: out of memory for a %u-byte read buffer", r->opts.device, blen);
        return CAPTURE_ERROR;
    }
    if ((rc = link_type(r, d)) < 0 || (rc = load_datalinks(r, d)) < 0 ||
        (rc = set_precision(r, d)) < 0)
        return rc;
    if (r->opts.promisc && bioc(d, LCAP_REQ_BIOCPROMISC, NULL) < 0) {
        /* Capture still works, only not promiscuously: a warning, as in libpcap. */
        lcap_errf(r->errbuf, "%s: BIOCPROMISC: %s", r->opts.device, LCAP_ERRTEXT(errno));
        warning = CAPTURE_WARNING_PROMISC_NOTSUP;
    }
    if (r->opts.to_ms > 0 && (rc = set_timeout(r, d, r->opts.to_ms)) < 0)
        return rc;
    if ((r->opts.immediate || d->fl->always_immediate) &&
        bioc_uint(d, LCAP_REQ_BIOCIMMEDIATE, 1) < 0)
        return ioctl_error(r, "BIOCIMMEDIATE");
    /* Frames handed to sendpacket carry their own source address. */
    if (d->writable && d->fl->req[LCAP_REQ_BIOCSHDRCMPLT] != 0 &&
        bioc_uint(d, LCAP_REQ_BIOCSHDRCMPLT, 1) < 0)
        return ioctl_error(r, "BIOCSHDRCMPLT");
    if ((rc = install_snaplen(r, d)) < 0)
        return rc;
    if (lcap_reader_wake_open(r) < 0)
        return CAPTURE_ERROR;
    r->tstamp_precision = d->ts_unit == LCAP_BPF_TS_MICRO ? CAPTURE_TSTAMP_PRECISION_MICRO
                                                           : CAPTURE_TSTAMP_PRECISION_NANO;
    lcap_bpf_walk_reset(&d->walk);
    return warning;
}

static int bpfdev_next(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data)
{
    return lcap_bpf_walk_next(&dev_of(r)->walk, hdr, data, r->errbuf);
}

/* The read timeout expired in poll(): packets the kernel holds in its store
 * buffer (it restarts its own timer with each poll, so poll alone may never
 * see them) are taken by one non-blocking read, which rotates the buffers.
 * WAIT_READY when there is something to read now, else LCAP_FILL_TIMEOUT. */
static int timed_out(bpfdev *d)
{
    int avail = 0;
    if (bioc(d, LCAP_REQ_FIONREAD, &avail) < 0 || avail <= 0)
        return LCAP_FILL_TIMEOUT;
    int fl = fcntl(d->fd, F_GETFL);
    if (fl < 0 || fcntl(d->fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return LCAP_FILL_TIMEOUT;
    ssize_t n = read(d->fd, d->buf, d->blen);
    int err = errno;
    fcntl(d->fd, F_SETFL, fl);
    errno = err;
    d->pending = n;
    return WAIT_READY;
}

/* Waits for the device or a wake-up, within the read timeout: WAIT_READY,
 * WAIT_AGAIN when a signal came (look again), else an LCAP_FILL_* or
 * CAPTURE_ERROR. */
static int wait_ready(capture_reader *r, bpfdev *d)
{
    struct pollfd p[2] = { { d->fd, POLLIN, 0 }, { r->wake_rd, POLLIN, 0 } };
    int n = poll(p, 2, r->opts.to_ms > 0 ? r->opts.to_ms : -1);

    if (n < 0) {
        if (errno == EINTR)
            return atomic_load(&r->break_loop) ? LCAP_FILL_BREAK : WAIT_AGAIN;
        lcap_errf(r->errbuf, "%s: poll: %s", r->opts.device, LCAP_ERRTEXT(errno));
        return CAPTURE_ERROR;
    }
    if (p[1].revents != 0 || atomic_load(&r->break_loop))
        return LCAP_FILL_BREAK;
    if (n == 0)
        return timed_out(d);
    return WAIT_READY;
}

static int bpfdev_fill(capture_reader *r)
{
    bpfdev *d = dev_of(r);

    for (;;) {
        if (!d->nonblock) {
            int w = wait_ready(r, d);
            if (w == WAIT_AGAIN)
                continue;
            if (w != WAIT_READY)
                return w;
        }
        ssize_t n;
        if (d->pending != NOT_PENDING) { /* timed_out() read already */
            n = d->pending;
            d->pending = NOT_PENDING;
        } else {
            n = read(d->fd, d->buf, d->blen);
        }
        if (n > 0) {
            lcap_bpf_walk_init(&d->walk, d->fl, d->xhdr, d->ts_unit, (uint32_t)r->snaplen, d->buf,
                               (size_t)n);
            return LCAP_FILL_DATA;
        }
        if (n == 0) /* the timeout expired with nothing stored */
            return d->nonblock ? LCAP_FILL_AGAIN : LCAP_FILL_TIMEOUT;
        int err = errno;
        if (err == EINTR) {
            if (atomic_load(&r->break_loop))
                return LCAP_FILL_BREAK;
            continue;
        }
        if (err == EAGAIN || err == EWOULDBLOCK) /* blocking: timed_out() found it empty after all */
            return d->nonblock ? LCAP_FILL_AGAIN : LCAP_FILL_TIMEOUT;
        if (err == EFAULT && d->fl->spurious_efault)
            continue; /* AIX fails reads spuriously so */
        if (err == ENXIO || err == EIO || err == d->fl->gone_errno) {
            lcap_errf(r->errbuf, "%s: the interface went away (read: %s)", r->opts.device,
                      LCAP_ERRTEXT(err));
            return CAPTURE_ERROR;
        }
        lcap_errf(r->errbuf, "%s: read from the BPF device: %s", r->opts.device, LCAP_ERRTEXT(err));
        return CAPTURE_ERROR;
    }
}

static int bpfdev_getfd(capture_reader *r) { return dev_of(r)->fd; }
static int bpfdev_getnonblock(capture_reader *r) { return dev_of(r)->nonblock; }

static int bpfdev_setnonblock(capture_reader *r, int nonblock)
{
    bpfdev *d = dev_of(r);
    int fl = fcntl(d->fd, F_GETFL);
    if (fl < 0 || fcntl(d->fd, F_SETFL, nonblock ? fl | O_NONBLOCK : fl & ~O_NONBLOCK) < 0) {
        lcap_errf(r->errbuf, "%s: cannot change non-blocking mode: %s", r->opts.device,
                  LCAP_ERRTEXT(errno));
        return CAPTURE_ERROR;
    }
    d->nonblock = nonblock;
    return 0;
}

static int bpfdev_stats(capture_reader *r, capture_stat *st)
{
    bpfdev *d = dev_of(r);
    uint8_t s[256] = { 0 }; /* stat_size is a uint8_t */

    if (bioc(d, LCAP_REQ_BIOCGSTATS, s) < 0)
        return ioctl_error(r, "BIOCGSTATS");
    /* Two counters of stat_width bytes: received, then dropped. */
    unsigned w = d->fl->stat_width;
    st->recv = w == 8 ? lcap_rd64(s, 0) : lcap_rd32(s, 0);
    st->drop = w == 8 ? lcap_rd64(s + w, 0) : lcap_rd32(s + w, 0);
    st->ifdrop = 0;
    return 0;
}

static int bpfdev_setfilter(capture_reader *r, const capture_bpf *prog)
{
    bpfdev *d = dev_of(r);

    if (prog == NULL)
        return install_snaplen(r, d) < 0 ? CAPTURE_ERROR : LCAP_FILTER_KERNEL;
    /* A program no BSD kernel takes (too long, mod or xor) is not offered. */
    int offer = lcap_bpf_kernel_accepts(prog);
    if (offer && install(d, prog->insns, prog->n) == 0)
        return LCAP_FILTER_KERNEL;
    if (offer && errno != EINVAL)
        return ioctl_error(r, "BIOCSETF");
    /* Not for the kernel, or refused by it (EINVAL: a longer limit than this
     * kernel has, a backward jump): the reader filters, and the kernel keeps
     * only the snapshot length. */
    if (install_snaplen(r, d) < 0)
        return CAPTURE_ERROR;
    return LCAP_FILTER_USERLAND;
}

static int bpfdev_inject(capture_reader *r, const uint8_t *buf, size_t len)
{
    bpfdev *d = dev_of(r);

    if (!d->writable) {
        lcap_errf(r->errbuf, "%s: the BPF device was opened read-only (no write permission): "
                  "cannot send", r->opts.device);
        return CAPTURE_ERROR;
    }
    ssize_t n = write(d->fd, buf, len);
    if (n < 0) {
        lcap_errf(r->errbuf, "%s: send: %s", r->opts.device, LCAP_ERRTEXT(errno));
        return CAPTURE_ERROR;
    }
    if ((size_t)n != len) {
        lcap_errf(r->errbuf, "%s: send: only %zd of %zu bytes written", r->opts.device, n, len);
        return CAPTURE_ERROR;
    }
    return 0;
}

static int bpfdev_setdirection(capture_reader *r, int direction)
{
    static const enum lcap_bpf_dir dirs[] = { [CAPTURE_D_INOUT] = LCAP_BPF_DIR_INOUT,
                                              [CAPTURE_D_IN] = LCAP_BPF_DIR_IN,
                                              [CAPTURE_D_OUT] = LCAP_BPF_DIR_OUT };
    static const char *const names[] = { "incoming and outgoing", "incoming", "outgoing" };
    bpfdev *d = dev_of(r);
    int v = d->fl->dir_value[dirs[direction]];

    if (d->fl->dir_req == LCAP_REQ_COUNT || v < 0) {
        lcap_errf(r->errbuf, "%s: capturing only %s packets is not supported by %s's BPF",
                  r->opts.device, names[direction], d->fl->name);
        return CAPTURE_ERROR;
    }
    if (bioc_uint(d, d->fl->dir_req, (unsigned)v) < 0)
        return ioctl_error(r, lcap_bpf_req_name(d->fl->dir_req));
    return 0;
}

const lcap_source_ops lcap_bpfdev_ops = {
    .kind = "BPF device",
    .activate = bpfdev_activate,
    .next = bpfdev_next,
    .fill = bpfdev_fill,
    .getfd = bpfdev_getfd,
    .getnonblock = bpfdev_getnonblock,
    .setnonblock = bpfdev_setnonblock,
    .stats = bpfdev_stats,
    .setfilter = bpfdev_setfilter,
    .inject = bpfdev_inject,
    .setdirection = bpfdev_setdirection,
    .datalinks = bpfdev_datalinks,
    .set_datalink = bpfdev_set_datalink,
    .close = bpfdev_close,
};
