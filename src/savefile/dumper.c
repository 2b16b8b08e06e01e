/* dumper.c - the pcap savefile writer: its own output buffer, and every write error kept and reported. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "../dlt.h"
#include "../reader.h"
#include "pcap_format.h"

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

/* Records are gathered here and written in large blocks, so a dump costs a
 * memcpy, not a system call. */
#define LCAP_DUMP_BUFSIZE (64 * 1024)

struct capture_dumper {
    int fd;
    int owns_fd;           /* 0 for standard output: it stays open */
    int nsec;              /* write nanosecond timestamps */
    uint32_t max_caplen;   /* longer records would be cut or refused by readers */
    uint8_t *buf;
    size_t len;            /* bytes waiting in buf */
    int64_t pos;           /* bytes given to the file so far, buffered ones included */
    int64_t written;       /* bytes the system has accepted */
    int failed;            /* a write failed: the file is incomplete */
    int lost;              /* a record was refused: capture_dump_close says so */
    char name[128];        /* the file name, shortened, for messages */
    char errbuf[CAPTURE_ERRBUF_SIZE];
};

/* Keeps the first failure's text: later ones are usually its consequences. */
#define dump_err(d, ...)                          \
    do {                                          \
        if ((d)->errbuf[0] == '\0')               \
            lcap_errf((d)->errbuf, __VA_ARGS__);  \
    } while (0)

/* Writes n bytes at p, resuming after short writes and signals. */
static int write_all(capture_dumper *d, const uint8_t *p, size_t n)
{
    char ebuf[LCAP_STRERROR_LEN];

    while (n > 0) {
        ssize_t w = write(d->fd, p, n > (size_t)SSIZE_MAX ? (size_t)SSIZE_MAX : n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            d->failed = 1;
            dump_err(d, "%s: write failed at file offset %lld: %s", d->name,
                     (long long)d->written, lcap_strerror(errno, ebuf));
            return -1;
        }
        if (w == 0) {
            d->failed = 1;
            dump_err(d, "%s: write failed at file offset %lld: nothing was written",
                     d->name, (long long)d->written);
            return -1;
        }
        p += w;
        n -= (size_t)w;
        d->written += w;
    }
    return 0;
}

static int flush_buf(capture_dumper *d)
{
    if (d->failed)
        return -1;
    size_t n = d->len;
    int rc = write_all(d, d->buf, n);
    d->len = 0;
    return rc;
}

/* Appends bytes, writing large blocks straight from the caller's memory. */
static int put(capture_dumper *d, const void *p, size_t n)
{
    if (n <= LCAP_DUMP_BUFSIZE - d->len) {
        memcpy(d->buf + d->len, p, n);
        d->len += n;
        d->pos += (int64_t)n;
        return 0;
    }
    if (flush_buf(d) < 0)
        return -1;
    d->pos += (int64_t)n;
    if (n >= LCAP_DUMP_BUFSIZE)
        return write_all(d, p, n);
    memcpy(d->buf, p, n);
    d->len = n;
    return 0;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

capture_dumper *capture_dump_open(capture_reader *r, const char *filename)
{
    if (r == NULL)
        return NULL;
    if (filename == NULL) {
        lcap_errf(r->errbuf, "no file name given for the dump file");
        return NULL;
    }
    int linktype = lcap_dlt_to_linktype(r->linktype);
    if (linktype < 0) {
        const char *n = capture_datalink_val_to_name(r->linktype);
        lcap_errf(r->errbuf, "%s: link type %d (%s) has no savefile LINKTYPE value", filename,
                  r->linktype, n ? n : "unknown");
        return NULL;
    }
    capture_dumper *d = calloc(1, sizeof(*d));
    uint8_t *buf = malloc(LCAP_DUMP_BUFSIZE);
    if (d == NULL || buf == NULL) {
        free(d);
        free(buf);
        lcap_errf(r->errbuf, "%s: out of memory for the dump buffer", filename);
        return NULL;
    }
    d->buf = buf;
    d->nsec = r->tstamp_precision == CAPTURE_TSTAMP_PRECISION_NANO;
    /* Readers cut a record to the header's snapshot length and refuse one over
     * the DLT's bound (262144 for most): everything after it would be lost. */
    d->max_caplen = lcap_max_snaplen_for_dlt(r->linktype);
    if (r->snaplen > 0 && (uint32_t)r->snaplen < d->max_caplen)
        d->max_caplen = (uint32_t)r->snaplen;
    snprintf(d->name, sizeof d->name, "%s", strcmp(filename, "-") == 0 ? "standard output" : filename);
    if (strcmp(filename, "-") == 0) {
        d->fd = STDOUT_FILENO;
    } else {
        d->fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (d->fd < 0) {
            char ebuf[LCAP_STRERROR_LEN];
            lcap_errf(r->errbuf, "%s: cannot create the dump file: %s", filename,
                      lcap_strerror(errno, ebuf));
            free(buf);
            free(d);
            return NULL;
        }
        d->owns_fd = 1;
    }

    uint8_t hdr[LCAP_PCAP_FILE_HDR_LEN];
    put32(hdr, d->nsec ? LCAP_PCAP_MAGIC_NSEC : LCAP_PCAP_MAGIC_USEC);
    uint16_t major = LCAP_PCAP_VERSION_MAJOR, minor = LCAP_PCAP_VERSION_MINOR;
    memcpy(hdr + 4, &major, 2);
    memcpy(hdr + 6, &minor, 2);
    put32(hdr + 8, 0);  /* thiszone: timestamps are UTC */
    put32(hdr + 12, 0); /* sigfigs */
    put32(hdr + 16, (uint32_t)r->snaplen);
    put32(hdr + 20, (uint32_t)linktype | (r->linktype_ext & LCAP_PCAP_LT_FCS_BITS));
    put(d, hdr, sizeof hdr); /* fits the empty buffer: cannot fail */
    return d;
}

int capture_dump(capture_dumper *d, const capture_pkthdr *hdr, const uint8_t *data)
{
    if (d == NULL)
        return CAPTURE_ERROR;
    if (d->failed)
        return CAPTURE_ERROR;
    if (hdr == NULL || (data == NULL && hdr->caplen > 0)) {
        d->lost = 1;
        dump_err(d, "%s: record at file offset %lld refused: no %s given (NULL)", d->name,
                 (long long)d->pos, hdr == NULL ? "header" : "data");
        return CAPTURE_ERROR;
    }
    /* A record the format cannot hold is refused, never stored altered. */
    if (hdr->ts_sec < 0 || hdr->ts_sec > (int64_t)UINT32_MAX) {
        d->lost = 1;
        dump_err(d, "%s: record at file offset %lld refused: timestamp %lld s does not fit the 32-bit seconds field",
                 d->name, (long long)d->pos, (long long)hdr->ts_sec);
        return CAPTURE_ERROR;
    }
    if (hdr->ts_nsec > 999999999u) {
        d->lost = 1;
        dump_err(d, "%s: record at file offset %lld refused: %u nanoseconds is not a fraction of a second",
                 d->name, (long long)d->pos, hdr->ts_nsec);
        return CAPTURE_ERROR;
    }
    if (hdr->caplen > d->max_caplen) {
        d->lost = 1;
        dump_err(d, "%s: record at file offset %lld refused: captured length %u is over the %u bytes "
                 "a reader of this file accepts (the snapshot length or the link type's bound)",
                 d->name, (long long)d->pos, hdr->caplen, d->max_caplen);
        return CAPTURE_ERROR;
    }
    uint8_t rec[LCAP_PCAP_REC_HDR_LEN];
    put32(rec, (uint32_t)hdr->ts_sec);
    put32(rec + 4, d->nsec ? hdr->ts_nsec : hdr->ts_nsec / 1000);
    put32(rec + 8, hdr->caplen);
    put32(rec + 12, hdr->len);
    if (put(d, rec, sizeof rec) < 0 || (hdr->caplen > 0 && put(d, data, hdr->caplen) < 0))
        return CAPTURE_ERROR;
    return 0;
}

void capture_dump_handler(void *user, const capture_pkthdr *hdr, const uint8_t *data)
{
    (void)capture_dump(user, hdr, data); /* a failure stays in the dumper for its close */
}

int capture_dump_flush(capture_dumper *d)
{
    return d == NULL || flush_buf(d) < 0 ? CAPTURE_ERROR : 0;
}

int64_t capture_dump_ftell(capture_dumper *d)
{
    return d == NULL || d->failed ? CAPTURE_ERROR : d->pos;
}

const char *capture_dump_geterr(capture_dumper *d)
{
    return d ? d->errbuf : lcap_null_handle_msg;
}

int capture_dump_close_errbuf(capture_dumper *d, char *errbuf)
{
    if (d == NULL) {
        lcap_errf(errbuf, "%s", "");
        return 0;
    }
    flush_buf(d);
    if (d->owns_fd && close(d->fd) < 0) {
        char ebuf[LCAP_STRERROR_LEN];
        d->failed = 1;
        dump_err(d, "%s: closing the dump file failed: %s", d->name, lcap_strerror(errno, ebuf));
    }
    int rc = (d->failed || d->lost) ? CAPTURE_ERROR : 0;
    if (errbuf != NULL)
        lcap_errf(errbuf, "%s", d->errbuf);
    free(d->buf);
    free(d);
    return rc;
}

int capture_dump_close(capture_dumper *d)
{
    return capture_dump_close_errbuf(d, NULL);
}
