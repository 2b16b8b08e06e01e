/* stream.c - the refill side of the savefile read window (see stream.h). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "capture.h"

/* Large enough that a read() serves thousands of small packets. */
#define LCAP_STREAM_CHUNK (256u * 1024u)
/* The first window: under the 128 KiB above which glibc and ASan map and unmap
 * every allocation, so opening many small files (a fuzzer, a directory scan)
 * stays cheap; a stream that outgrows it moves to LCAP_STREAM_CHUNK. */
#define LCAP_STREAM_FIRST (64u * 1024u)

int lcap_stream_open(lcap_stream *s, const char *path, char *errbuf)
{
    return lcap_stream_open_fd(s, -1, path, errbuf);
}

int lcap_stream_open_fd(lcap_stream *s, int fd, const char *path, char *errbuf)
{
    char ebuf[LCAP_STRERROR_LEN];

    memset(s, 0, sizeof(*s));
    if (fd >= 0) {
        s->fd = fd; /* the caller's: never closed here */
    } else if (strcmp(path, "-") == 0) {
        s->fd = STDIN_FILENO;
    } else {
        s->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0) {
            lcap_errf(errbuf, "%s: %s", path, lcap_strerror(errno, ebuf));
            return -1;
        }
        s->owns_fd = 1;
    }
    s->buf = malloc(LCAP_STREAM_FIRST);
    s->name = strdup(path);
    if (s->buf == NULL || s->name == NULL) {
        lcap_errf(errbuf, "%s: out of memory for the read buffer", path);
        lcap_stream_close(s);
        return -1;
    }
    s->cap = LCAP_STREAM_FIRST;
#if defined(POSIX_FADV_SEQUENTIAL)
    if (s->owns_fd)
        (void)posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    return 0;
}

/* One read() into the free tail of the window; returns bytes read, 0 at EOF. */
static ssize_t read_some(lcap_stream *s)
{
    ssize_t got;

    do
        got = read(s->fd, s->buf + s->end, s->cap - s->end);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        s->err = errno;
    else if (got == 0)
        s->eof = 1;
    else
        s->end += (size_t)got;
    return got;
}

/* Grows the window to want bytes; 0, or -1 with s->err = ENOMEM. */
static int grow(lcap_stream *s, size_t want)
{
    uint8_t *nb = realloc(s->buf, want);
    if (nb == NULL) {
        s->err = ENOMEM;
        return -1;
    }
    s->buf = nb;
    s->cap = want;
    return 0;
}

const uint8_t *lcap_stream_fill(lcap_stream *s, size_t n, size_t *avail)
{
    if (s->pos > 0) {
        /* Slide the unread tail to the front so the window can take more. */
        size_t left = s->end - s->pos;
        memmove(s->buf, s->buf + s->pos, left);
        s->base += s->pos;
        s->pos = 0;
        s->end = left;
    }
    if (s->cap < LCAP_STREAM_CHUNK && !s->eof && s->base + s->end >= s->cap) {
        /* More than the first window: a big stream. A failure is no harm,
         * the smaller window still works. */
        uint8_t *nb = realloc(s->buf, LCAP_STREAM_CHUNK);
        if (nb != NULL) {
            s->buf = nb;
            s->cap = LCAP_STREAM_CHUNK;
        }
    }
    while (s->end < n && !s->eof && !s->err) {
        if (s->end == s->cap) {
            /* Full, and a record wants more: the window doubles only once the
             * data has filled it, so a length field that lies (a 16 MiB block
             * in a 232-byte stream) costs no more memory than the data read. */
            size_t want = s->cap <= SIZE_MAX / 2 ? s->cap * 2 : SIZE_MAX;
            if (want >= n)
                want = n > SIZE_MAX - LCAP_STREAM_CHUNK ? n : n + LCAP_STREAM_CHUNK;
            if (grow(s, want) < 0)
                break;
        }
        if (read_some(s) <= 0)
            break;
    }
    if (s->end >= n)
        return s->buf;
    if (avail)
        *avail = s->end;
    return NULL;
}

uint64_t lcap_stream_discard(lcap_stream *s, uint64_t n)
{
    uint64_t done = 0;

    while (done < n) {
        size_t have = s->end - s->pos;
        if (have == 0) {
            s->base += s->end;
            s->pos = s->end = 0;
            if (s->eof || s->err || read_some(s) <= 0)
                break;
            continue;
        }
        size_t step = (n - done) < have ? (size_t)(n - done) : have;
        s->pos += step;
        done += step;
    }
    return done;
}

int lcap_stream_short(const lcap_stream *s, char *errbuf, const char *what, uint64_t off,
                      const char *fmt, ...)
{
    char detail[CAPTURE_ERRBUF_SIZE], ebuf[LCAP_STRERROR_LEN];
    va_list ap;

    if (s->err) {
        lcap_errf(errbuf, "error reading the %s at offset %llu: %s", what,
                  (unsigned long long)off, lcap_strerror(s->err, ebuf));
        return -1;
    }
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    lcap_errf(errbuf, "truncated %s at offset %llu: %s", what, (unsigned long long)off, detail);
    return -1;
}

void lcap_stream_name_error(const lcap_stream *s, char *errbuf)
{
    size_t nl = s->name != NULL ? strlen(s->name) : 0;

    if (errbuf == NULL || nl == 0 ||
        (strncmp(errbuf, s->name, nl) == 0 && errbuf[nl] == ':'))
        return;
    char msg[CAPTURE_ERRBUF_SIZE];
    snprintf(msg, sizeof(msg), "%s: %s", s->name, errbuf);
    memcpy(errbuf, msg, sizeof(msg));
}

void lcap_stream_close(lcap_stream *s)
{
    free(s->buf);
    s->buf = NULL;
    free(s->name);
    s->name = NULL;
    if (s->owns_fd && s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    s->owns_fd = 0;
}
