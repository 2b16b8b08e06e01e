/* reader.c - capture_reader lifecycle and the packet pump behind dispatch,
 * loop and next; sources are reached only through their ops table. */
#include "reader.h"

#include <limits.h>
#include <stdlib.h>

#include "bpf/program.h"
#include "savefile/savefile.h"

#define CAPTURE_STR_(x) #x
#define CAPTURE_STR(x) CAPTURE_STR_(x)

/* libpcap's bound for snapshot lengths given by callers. */
#define LCAP_MAXIMUM_SNAPLEN 262144

capture_reader *lcap_reader_new(void)
{
    capture_reader *r = calloc(1, sizeof(*r));
    if (r != NULL)
        r->tstamp_precision = CAPTURE_TSTAMP_PRECISION_MICRO;
    return r;
}

static int dead_next(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data)
{
    (void)hdr;
    (void)data;
    lcap_errf(r->errbuf, "this reader has no packet source (it was opened with capture_open_dead)");
    return CAPTURE_ERROR;
}

static void dead_close(capture_reader *r) { (void)r; }

static const lcap_source_ops dead_ops = { .kind = "dead", .next = dead_next, .close = dead_close };

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
    if (lcap_savefile_open(r, filename, errbuf) < 0) {
        free(r);
        return NULL;
    }
    r->is_savefile = 1;
    return r;
}

/* Next packet that passes the filter: the source's answer otherwise. */
static inline int next_filtered(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data)
{
    for (;;) {
        int rc = r->ops->next(r, hdr, data);
        if (rc != 1 || r->filter == NULL ||
            capture_bpf_filter(r->filter, *data, hdr->len, hdr->caplen) != 0)
            return rc;
    }
}

/* Delivers up to max packets (max <= 0: no limit). Returns the count, or a
 * negative code; a pending break is reported only when nothing was delivered
 * in this call, so the caller sees every packet it was handed. */
static int pump(capture_reader *r, int max, capture_handler cb, void *user)
{
    capture_pkthdr hdr;
    const uint8_t *data;
    int n = 0;

    for (;;) {
        if (r->break_loop) {
            if (n == 0) {
                r->break_loop = 0;
                return CAPTURE_ERROR_BREAK;
            }
            return n;
        }
        if (max > 0 && n >= max)
            return n;
        if (r->ops->run != NULL && r->filter == NULL) {
            int got = r->ops->run(r, max > 0 ? max - n : INT_MAX, cb, user);
            if (got > 0) {
                n += got;
                continue;
            }
        }
        int rc = next_filtered(r, &hdr, &data);
        if (LCAP_UNLIKELY(rc != 1)) {
            if (rc == CAPTURE_EOF || rc == 0)
                return n;
            return CAPTURE_ERROR;
        }
        cb(user, &hdr, data);
        n++;
    }
}

/* The NULL rule of capture.h: a missing handle is an error value, not a crash. */
static int no_callback(capture_reader *r, capture_handler cb)
{
    if (r == NULL)
        return 1;
    if (cb == NULL) {
        lcap_errf(r->errbuf, "no callback given (NULL)");
        return 1;
    }
    return 0;
}

int capture_dispatch(capture_reader *r, int maxcant, capture_handler cb, void *user)
{
    if (no_callback(r, cb))
        return CAPTURE_ERROR;
    return pump(r, maxcant, cb, user);
}

int capture_loop(capture_reader *r, int maxcant, capture_handler cb, void *user)
{
    if (no_callback(r, cb))
        return CAPTURE_ERROR;
    for (;;) {
        int n = pump(r, maxcant, cb, user);
        if (n < 0)
            return n;
        if (r->is_savefile && (maxcant <= 0 || n < maxcant)) {
            /* The file ended, or a break cut the batch short. */
            if (r->break_loop) {
                r->break_loop = 0;
                return CAPTURE_ERROR_BREAK;
            }
            return 0;
        }
        if (maxcant > 0) {
            maxcant -= n;
            if (maxcant <= 0)
                return 0;
        }
    }
}

int capture_next(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data)
{
    if (r == NULL)
        return CAPTURE_ERROR;
    if (hdr == NULL || data == NULL) {
        lcap_errf(r->errbuf, "capture_next needs somewhere to put the header and data (NULL given)");
        return CAPTURE_ERROR;
    }
    return next_filtered(r, hdr, data);
}

void capture_breakloop(capture_reader *r)
{
    if (r != NULL)
        r->break_loop = 1;
}

int capture_stats(capture_reader *r, capture_stat *st)
{
    (void)st;
    if (r == NULL)
        return CAPTURE_ERROR;
    lcap_errf(r->errbuf, "statistics are not available from %s",
              r->is_savefile ? "savefiles" : "a reader without a live device");
    return CAPTURE_ERROR;
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

int capture_getnonblock(capture_reader *r)
{
    return r ? 0 : CAPTURE_ERROR;
}

int capture_setnonblock(capture_reader *r, int nonblock)
{
    (void)nonblock;
    return r ? 0 : CAPTURE_ERROR;
}

const char *capture_geterr(capture_reader *r) { return r ? r->errbuf : lcap_null_handle_msg; }

int capture_setfilter_bpf(capture_reader *r, const capture_bpf *prog)
{
    capture_bpf *copy = NULL;

    if (r == NULL)
        return CAPTURE_ERROR;
    if (prog != NULL) {
        copy = lcap_bpf_new_trusted(prog->insns, prog->n);
        if (copy == NULL) {
            lcap_errf(r->errbuf, "out of memory copying a %zu-instruction filter", prog->n);
            return CAPTURE_ERROR;
        }
    }
    capture_bpf_free(r->filter);
    r->filter = copy;
    return 0;
}

/* Savefiles have no netmask ("ip broadcast" is refused there, as libpcap does);
 * a live source that knows its interface's sets r->netmask. */
int capture_setfilter(capture_reader *r, const char *filter)
{
    if (r == NULL)
        return CAPTURE_ERROR;
    uint32_t mask = r->netmask != 0 ? r->netmask : CAPTURE_NETMASK_UNKNOWN;
    capture_bpf *prog = capture_compile(r->linktype, r->snaplen, filter, 1, mask, r->errbuf);
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
    if (r->ops != NULL)
        r->ops->close(r);
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
