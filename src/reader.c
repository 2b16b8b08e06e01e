/* reader.c - capture_reader lifecycle and the packet pump behind dispatch,
 * loop and next; sources are reached only through their ops table. */
#include "reader.h"

#include <stdlib.h>

#include "bpf/program.h"
#include "savefile/stream.h"

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

static const lcap_source_ops dead_ops = { "dead", dead_next, dead_close };

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
    lcap_stream s;
    size_t avail = 0;
    const uint8_t *p;
    capture_reader *r;
    int rc;

    if (filename == NULL) {
        lcap_errf(errbuf, "no savefile name given");
        return NULL;
    }
    if (lcap_stream_open(&s, filename, errbuf) < 0)
        return NULL;
    p = lcap_stream_need(&s, 4, &avail);
    if (p == NULL) {
        if (s.err)
            lcap_errf(errbuf, "%s: error reading the file header: %s", filename, strerror(s.err));
        else if (avail == 0)
            lcap_errf(errbuf, "%s: the file is empty", filename);
        else
            lcap_errf(errbuf, "%s: truncated savefile: the 4-byte magic number is cut off after %zu bytes",
                      filename, avail);
        lcap_stream_close(&s);
        return NULL;
    }
    r = lcap_reader_new();
    if (r == NULL) {
        lcap_errf(errbuf, "%s: out of memory", filename);
        lcap_stream_close(&s);
        return NULL;
    }
    uint32_t magic = lcap_rd32(p, 0), swapped = lcap_bswap32(magic);
    if (magic == LCAP_PCAPNG_SHB_TYPE) {
        rc = lcap_pcapng_open(r, &s, errbuf);
    } else if (magic == LCAP_PCAP_MAGIC_USEC || magic == LCAP_PCAP_MAGIC_NSEC ||
               magic == LCAP_PCAP_MAGIC_MODIFIED || swapped == LCAP_PCAP_MAGIC_USEC ||
               swapped == LCAP_PCAP_MAGIC_NSEC || swapped == LCAP_PCAP_MAGIC_MODIFIED) {
        rc = lcap_pcap_open(r, &s, errbuf);
    } else {
        lcap_errf(errbuf, "%s: unknown file format (magic number 0x%02x%02x%02x%02x is neither pcap nor pcapng)",
                  filename, p[0], p[1], p[2], p[3]);
        lcap_stream_close(&s);
        rc = -1;
    }
    if (rc < 0) {
        /* Sources do not know the file's name: put it in front. */
        if (strncmp(errbuf, filename, strlen(filename)) != 0) {
            char msg[CAPTURE_ERRBUF_SIZE];
            snprintf(msg, sizeof(msg), "%s: %s", filename, errbuf);
            memcpy(errbuf, msg, sizeof(msg));
        }
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

int capture_dispatch(capture_reader *r, int maxcant, capture_handler cb, void *user)
{
    return pump(r, maxcant, cb, user);
}

int capture_loop(capture_reader *r, int maxcant, capture_handler cb, void *user)
{
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
    return next_filtered(r, hdr, data);
}

void capture_breakloop(capture_reader *r)
{
    r->break_loop = 1;
}

int capture_stats(capture_reader *r, capture_stat *st)
{
    (void)st;
    lcap_errf(r->errbuf, "statistics are not available from %s",
              r->is_savefile ? "savefiles" : "a reader without a live device");
    return CAPTURE_ERROR;
}

int capture_datalink(capture_reader *r) { return r->linktype; }
uint32_t capture_datalink_ext(capture_reader *r) { return r->linktype_ext; }
int capture_snapshot(capture_reader *r) { return r->snaplen; }
int capture_get_tstamp_precision(capture_reader *r) { return r->tstamp_precision; }

int capture_file_version(capture_reader *r, int *major, int *minor, int *swapped)
{
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
    (void)r;
    return 0;
}

int capture_setnonblock(capture_reader *r, int nonblock)
{
    (void)r;
    (void)nonblock;
    return 0;
}

const char *capture_geterr(capture_reader *r) { return r->errbuf; }

int capture_setfilter_bpf(capture_reader *r, const capture_bpf *prog)
{
    capture_bpf *copy = NULL;

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
        *sec = (long)h->ts_sec;
    if (usec)
        *usec = (long)(h->ts_nsec / 1000);
}

uint32_t capture_pkthdr_getcaplen(const capture_pkthdr *h) { return h->caplen; }
uint32_t capture_pkthdr_getlen(const capture_pkthdr *h) { return h->len; }

const char *capture_lib_version(void)
{
    return "libcapture " CAPTURE_STR(CAPTURE_VERSION_MAJOR) "." CAPTURE_STR(
        CAPTURE_VERSION_MINOR) "." CAPTURE_STR(CAPTURE_VERSION_PATCH);
}
