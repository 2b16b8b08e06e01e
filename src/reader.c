/* reader.c - capture_reader lifecycle, the packet pumps behind dispatch, loop
 * and next, breakloop and filter install; sources are reached only through
 * their ops table (source.h). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "bpf/program.h"
#include "filter/filter.h"
#include "savefile/savefile.h"

#define CAPTURE_STR_(x) #x
#define CAPTURE_STR(x) CAPTURE_STR_(x)

capture_reader *lcap_reader_new(void)
{
    capture_reader *r = calloc(1, sizeof(*r));
    if (r != NULL) {
        r->tstamp_precision = CAPTURE_TSTAMP_PRECISION_MICRO;
        r->activated = 1;
        r->wake_rd = r->wake_wr = -1;
        atomic_init(&r->break_loop, 0);
    }
    return r;
}

/* A dead handle supports nothing: every operation gets the reader's message. */
static const lcap_source_ops dead_ops = { .kind = "dead handle" };

capture_reader *capture_open_dead_with_tstamp_precision(int linktype, int snaplen, int precision)
{
    if (precision != CAPTURE_TSTAMP_PRECISION_MICRO && precision != CAPTURE_TSTAMP_PRECISION_NANO)
        return NULL;
    capture_reader *r = lcap_reader_new();
    if (r == NULL)
        return NULL;
    r->ops = &dead_ops;
    r->linktype = linktype;
    r->snaplen = (snaplen <= 0 || snaplen > LCAP_MAXIMUM_SNAPLEN) ? LCAP_MAXIMUM_SNAPLEN : snaplen;
    r->tstamp_precision = precision;
    return r;
}

capture_reader *capture_open_dead(int linktype, int snaplen)
{
    return capture_open_dead_with_tstamp_precision(linktype, snaplen,
                                                   CAPTURE_TSTAMP_PRECISION_MICRO);
}

capture_reader *capture_open_offline(const char *filename, char *errbuf)
{
    return capture_open_offline_fd(-1, filename, errbuf);
}

capture_reader *capture_open_offline_fd(int fd, const char *filename, char *errbuf)
{
    char local[CAPTURE_ERRBUF_SIZE];
    capture_reader *r;

    if (errbuf == NULL)
        errbuf = local;
    if (filename == NULL) {
        lcap_errf(errbuf, "no savefile name given");
        return NULL;
    }
    r = lcap_reader_new();
    if (r == NULL) {
        lcap_errf(errbuf, "%s: out of memory", filename);
        return NULL;
    }
    if (lcap_savefile_open_fd(r, fd, filename, errbuf) < 0) {
        free(r);
        return NULL;
    }
    r->is_savefile = 1;
    return r;
}

/* next_filtered()'s answer when a break came between rejected packets
 * (CAPTURE_ERROR_BREAK would read as CAPTURE_EOF: both are -2). */
#define NEXT_BREAK (-102)

/* Next packet that passes the filter: the source's answer otherwise. A break
 * is noticed between rejected packets too, so a filter that rejects a long
 * run cannot hold the loop. */
static inline int next_filtered(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data)
{
    for (;;) {
        int rc = r->ops->next(r, hdr, data);
        if (rc != 1 || r->filter == NULL ||
            capture_bpf_filter(r->filter, *data, hdr->len, hdr->caplen) != 0)
            return rc;
        if (LCAP_UNLIKELY(atomic_load_explicit(&r->break_loop, memory_order_relaxed)))
            return NEXT_BREAK;
    }
}

/* Why a pump stopped. */
typedef enum pump_stop {
    STOP_COUNT,   /* maxcant packets delivered */
    STOP_EOF,     /* the savefile ended */
    STOP_BUFFER,  /* dispatch: the one buffer it may read is used up */
    STOP_TIMEOUT, /* the read timeout expired */
    STOP_AGAIN,   /* non-blocking and nothing available */
    STOP_BREAK,   /* capture_breakloop() */
    STOP_ERROR,   /* r->errbuf says what */
} pump_stop;

static inline int break_pending(capture_reader *r)
{
    return atomic_load_explicit(&r->break_loop, memory_order_relaxed);
}

/* Takes a pending break: the caller reports CAPTURE_ERROR_BREAK. */
static int take_break(capture_reader *r)
{
    atomic_store_explicit(&r->break_loop, 0, memory_order_relaxed);
    lcap_reader_wake_drain(r);
    return CAPTURE_ERROR_BREAK;
}

/* The pump of a savefile: its next() reads by itself, so this stays the
 * tight loop it was (break flag, count, filter, callback). Returns the count
 * delivered, or CAPTURE_ERROR. Inlined, so that why costs no register. */
static LCAP_INLINE_ALWAYS int pump_file(capture_reader *r, int max, capture_handler cb, void *user,
                                         pump_stop *why)
{
    capture_pkthdr hdr;
    const uint8_t *data;
    int n = 0;
    const int limit = max > 0 ? max : INT_MAX; /* one compare per packet */

    for (;;) {
        if (LCAP_UNLIKELY(break_pending(r))) {
            *why = STOP_BREAK;
            return n;
        }
        if (LCAP_UNLIKELY(n >= limit)) {
            *why = STOP_COUNT;
            return n;
        }
        if (r->ops->run != NULL && r->filter == NULL) {
            int got = r->ops->run(r, limit - n, cb, user);
            if (got > 0) {
                n += got;
                continue;
            }
        }
        int rc = next_filtered(r, &hdr, &data);
        if (LCAP_UNLIKELY(rc != 1)) {
            if (rc == NEXT_BREAK) {
                *why = STOP_BREAK;
                return n;
            }
            if (rc == CAPTURE_EOF || rc == 0) {
                *why = STOP_EOF;
                return n;
            }
            *why = STOP_ERROR;
            return CAPTURE_ERROR;
        }
        cb(user, &hdr, data);
        n++;
    }
}

/* The pump of a live source: walks the buffer, refilling it with fill().
 * once (dispatch): stop when the buffer is used up after one read, or at
 * once when packets were left from an earlier call, as libpcap does. */
static int pump_live(capture_reader *r, int max, int once, capture_handler cb, void *user,
                     pump_stop *why)
{
    capture_pkthdr hdr;
    const uint8_t *data;
    int n = 0, filled = 0;

    for (;;) {
        if (break_pending(r)) {
            *why = STOP_BREAK;
            return n;
        }
        if (max > 0 && n >= max) {
            *why = STOP_COUNT;
            return n;
        }
        if (r->ops->run != NULL && r->filter == NULL) {
            int got = r->ops->run(r, max > 0 ? max - n : INT_MAX, cb, user);
            if (got > 0) {
                n += got;
                continue;
            }
        }
        int rc = next_filtered(r, &hdr, &data);
        if (rc == 1) {
            cb(user, &hdr, data);
            n++;
            continue;
        }
        if (rc == NEXT_BREAK) {
            *why = STOP_BREAK;
            return n;
        }
        if (rc != 0) {
            *why = STOP_ERROR;
            return CAPTURE_ERROR;
        }
        if (once && (filled || n > 0)) {
            *why = STOP_BUFFER;
            return n;
        }
        rc = r->ops->fill(r);
        filled = 1;
        switch (rc) {
        case LCAP_FILL_DATA:
            continue;
        case LCAP_FILL_TIMEOUT:
            *why = STOP_TIMEOUT;
            return n;
        case LCAP_FILL_AGAIN:
            *why = STOP_AGAIN;
            return n;
        case LCAP_FILL_BREAK:
            *why = STOP_BREAK;
            return n;
        default:
            *why = STOP_ERROR;
            return CAPTURE_ERROR;
        }
    }
}

/* A reader that cannot deliver packets says why, once, here (NULL handles
 * and callbacks too: capture.h's NULL rule). */
static int cannot_read(capture_reader *r, int need_cb, capture_handler cb)
{
    if (r == NULL)
        return CAPTURE_ERROR;
    if (need_cb && cb == NULL) {
        lcap_errf(r->errbuf, "no callback given (NULL)");
        return CAPTURE_ERROR;
    }
    int rc = lcap_reader_activated(r);
    if (rc != 0)
        return rc;
    if (r->ops->next == NULL) {
        if (break_pending(r)) /* asked before the call: honoured first */
            return take_break(r);
        lcap_errf(r->errbuf, "this reader has no packet source (it was opened with capture_open_dead)");
        return CAPTURE_ERROR;
    }
    return 0;
}

int capture_dispatch(capture_reader *r, int maxcant, capture_handler cb, void *user)
{
    pump_stop why;
    int n, rc = cannot_read(r, 1, cb);

    if (rc != 0)
        return rc;
    n = r->ops->fill == NULL ? pump_file(r, maxcant, cb, user, &why)
                             : pump_live(r, maxcant, 1, cb, user, &why);
    /* A break is reported only when nothing was delivered in this call, so
     * the caller sees every packet it was handed; the next call reports it. */
    if (why == STOP_BREAK && n == 0)
        return take_break(r);
    return n;
}

int capture_loop(capture_reader *r, int maxcant, capture_handler cb, void *user)
{
    int rc = cannot_read(r, 1, cb);

    if (rc != 0)
        return rc;
    for (;;) {
        pump_stop why;
        int n = r->ops->fill == NULL ? pump_file(r, maxcant, cb, user, &why)
                                     : pump_live(r, maxcant, 0, cb, user, &why);
        switch (why) {
        case STOP_ERROR:
            return CAPTURE_ERROR;
        case STOP_BREAK:
            return take_break(r);
        case STOP_EOF:
            return 0;
        case STOP_COUNT:
            if (maxcant > 0)
                return 0;
            break;
        case STOP_BUFFER:
        case STOP_TIMEOUT: /* a read timeout does not end a loop */
        case STOP_AGAIN:
            break;
        }
        if (maxcant > 0)
            maxcant -= n;
    }
}

int capture_next(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data)
{
    int rc = cannot_read(r, 0, NULL);

    if (rc != 0)
        return rc;
    if (hdr == NULL || data == NULL) {
        lcap_errf(r->errbuf, "capture_next needs somewhere to put the header and data (NULL given)");
        return CAPTURE_ERROR;
    }
    rc = next_filtered(r, hdr, data);
    if (rc != 0 || r->ops->fill == NULL)
        return rc == NEXT_BREAK ? take_break(r) : rc;
    /* Live and the buffer is used up: read, as pcap_next_ex does, until a
     * packet passes or the read times out. */
    for (;;) {
        rc = r->ops->fill(r);
        if (rc == LCAP_FILL_BREAK)
            return take_break(r);
        if (rc != LCAP_FILL_DATA)
            return rc == CAPTURE_ERROR ? CAPTURE_ERROR : 0;
        rc = next_filtered(r, hdr, data);
        if (rc == NEXT_BREAK)
            return take_break(r);
        if (rc != 0)
            return rc;
    }
}

void capture_breakloop(capture_reader *r)
{
    if (r == NULL)
        return;
    atomic_store_explicit(&r->break_loop, 1, memory_order_relaxed);
    if (r->wake_wr >= 0) {
        /* write() is async-signal-safe; a full pipe already wakes the reader. */
        ssize_t w = write(r->wake_wr, "b", 1);
        (void)w;
    }
}

int lcap_reader_wake_open(capture_reader *r)
{
    int fds[2];

    if (r->wake_rd >= 0)
        return 0;
    if (pipe(fds) < 0) {
        char eb[LCAP_STRERROR_LEN];
        lcap_errf(r->errbuf, "cannot make the pipe that wakes a blocked read: %s",
                  lcap_strerror(errno, eb));
        return CAPTURE_ERROR;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    }
    r->wake_rd = fds[0];
    r->wake_wr = fds[1];
    return 0;
}

void lcap_reader_wake_drain(capture_reader *r)
{
    char buf[64];

    if (r->wake_rd < 0)
        return;
    while (read(r->wake_rd, buf, sizeof(buf)) > 0)
        ;
}

int capture_datalink(capture_reader *r) { return r ? r->linktype : CAPTURE_ERROR; }
uint32_t capture_datalink_ext(capture_reader *r) { return r ? r->linktype_ext : 0; }
int capture_snapshot(capture_reader *r) { return r ? r->snaplen : CAPTURE_ERROR; }
int capture_get_tstamp_precision(capture_reader *r) { return r ? r->tstamp_precision : CAPTURE_ERROR; }

int capture_file_version(capture_reader *r, int *major, int *minor, int *swapped)
{
    if (r == NULL)
        return CAPTURE_ERROR;
    if (!r->is_savefile) {
        lcap_errf(r->errbuf, "not a savefile: no format version");
        return CAPTURE_ERROR;
    }
    if (major)
        *major = r->version_major;
    if (minor)
        *minor = r->version_minor;
    if (swapped)
        *swapped = r->swapped;
    return 0;
}

const char *capture_geterr(capture_reader *r) { return r ? r->errbuf : lcap_null_handle_msg; }

int capture_setfilter_bpf(capture_reader *r, const capture_bpf *prog)
{
    capture_bpf *copy = NULL;

    if (r == NULL)
        return CAPTURE_ERROR;
    if (prog != NULL) {
        if (!(r->activated && r->ops->packet_aux) && lcap_bpf_validate_no_aux(prog, r->errbuf) < 0)
            return CAPTURE_ERROR;
        copy = lcap_bpf_new_trusted(prog->insns, prog->n);
        if (copy == NULL) {
            lcap_errf(r->errbuf, "out of memory copying a %zu-instruction filter", prog->n);
            return CAPTURE_ERROR;
        }
    }
    /* A source that filters where it reads (a BPF device) is asked first;
     * when it declines, the reader filters what the source delivers. */
    if (r->ops->setfilter != NULL && r->activated) {
        int rc = r->ops->setfilter(r, copy);
        if (rc == CAPTURE_ERROR) {
            capture_bpf_free(copy);
            return CAPTURE_ERROR;
        }
        if (rc == LCAP_FILTER_KERNEL) {
            capture_bpf_free(copy);
            copy = NULL;
        }
    }
    capture_bpf_free(r->filter);
    r->filter = copy;
    return 0;
}

capture_bpf *capture_compile_for(const capture_reader *r, const char *filter, int optimize, uint32_t netmask,
                                 char *errbuf)
{
    if (r == NULL) {
        lcap_errf(errbuf, "no reader to compile the filter for");
        return NULL;
    }
    unsigned flags = r->is_savefile ? LCAP_COMPILE_SAVEFILE : r->activated ? r->compile_flags : 0;
    return lcap_compile(r->linktype, r->snaplen, filter, optimize, netmask, flags, errbuf);
}

/* Savefiles have no netmask ("ip broadcast" is refused there, as libpcap does);
 * a live source that knows its interface's sets r->netmask. */
int capture_setfilter(capture_reader *r, const char *filter)
{
    if (r == NULL)
        return CAPTURE_ERROR;
    uint32_t mask = r->netmask != 0 ? r->netmask : CAPTURE_NETMASK_UNKNOWN;
    capture_bpf *prog = capture_compile_for(r, filter, 1, mask, r->errbuf);
    if (prog == NULL)
        return CAPTURE_ERROR;
    int rc = capture_setfilter_bpf(r, prog);
    capture_bpf_free(prog);
    return rc;
}

void capture_close(capture_reader *r)
{
    if (r == NULL)
        return;
    if (r->ops != NULL && r->ops->close != NULL)
        r->ops->close(r);
    if (r->wake_rd >= 0)
        close(r->wake_rd);
    if (r->wake_wr >= 0)
        close(r->wake_wr);
    capture_bpf_free(r->filter);
    free(r);
}

void capture_pkthdr_getts(const capture_pkthdr *h, long *sec, long *usec)
{
    if (sec)
        *sec = h ? (long)h->ts_sec : 0;
    if (usec)
        *usec = h ? (long)(h->ts_nsec / 1000) : 0;
}

uint32_t capture_pkthdr_getcaplen(const capture_pkthdr *h) { return h ? h->caplen : 0; }
uint32_t capture_pkthdr_getlen(const capture_pkthdr *h) { return h ? h->len : 0; }

const char *capture_lib_version(void)
{
    return "libcapture " CAPTURE_STR(CAPTURE_VERSION_MAJOR) "." CAPTURE_STR(
        CAPTURE_VERSION_MINOR) "." CAPTURE_STR(CAPTURE_VERSION_PATCH);
}
