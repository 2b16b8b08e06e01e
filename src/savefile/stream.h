/* stream.h - a growable read window over a file descriptor, so savefile
 * records are parsed in place with one read() per many packets. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_STREAM_H
#define LCAP_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "../compat.h"

typedef struct lcap_stream {
    int fd;
    int owns_fd;       /* close fd on lcap_stream_close (not for stdin) */
    uint8_t *buf;
    size_t cap;        /* bytes allocated at buf */
    size_t pos;        /* cursor: next unread byte in buf */
    size_t end;        /* bytes of buf holding file data */
    uint64_t base;     /* file offset of buf[0] */
    int eof;           /* read() has returned 0 */
    int err;           /* errno of the failed read(), 0 if none */
    char *name;        /* the path given to lcap_stream_open, for messages */
} lcap_stream;

/* Opens path ("-" is standard input) for reading. 0, or -1 with errbuf set. */
int lcap_stream_open(lcap_stream *s, const char *path, char *errbuf);
/* As lcap_stream_open() over an open descriptor (fd >= 0), which stays the
 * caller's; path only names it in messages. fd < 0: lcap_stream_open(). */
int lcap_stream_open_fd(lcap_stream *s, int fd, const char *path, char *errbuf);

/* Slow path of lcap_stream_need(): refills (and if needed grows) the window. */
const uint8_t *lcap_stream_fill(lcap_stream *s, size_t n, size_t *avail);

/* Makes n bytes available at the cursor and returns a pointer to them, valid
 * until the next need/fill call. Returns NULL when the file ends first (*avail,
 * if given, says how many bytes there were) or a read fails (s->err set).
 * Callers bound n before asking; the window grows toward n only as the data
 * arrives (doubling when full), never on the word of a length field alone. */
static inline const uint8_t *lcap_stream_need(lcap_stream *s, size_t n, size_t *avail)
{
    if (LCAP_LIKELY(s->end - s->pos >= n))
        return s->buf + s->pos;
    return lcap_stream_fill(s, n, avail);
}

/* Moves the cursor past n bytes that lcap_stream_need() made available. */
static inline void lcap_stream_skip(lcap_stream *s, size_t n) { s->pos += n; }

/* Moves the cursor past n bytes that need not be in the window (a large block
 * being skipped), reading and dropping them. Returns the bytes skipped: fewer
 * than n at end of file or on a read error. */
uint64_t lcap_stream_discard(lcap_stream *s, uint64_t n);

/* File offset of the cursor, for error messages. */
static inline uint64_t lcap_stream_offset(const lcap_stream *s) { return s->base + s->pos; }

/* Whether a lcap_stream_need() that came back NULL found the file cleanly
 * ended at the cursor: no byte left and no read error. */
static inline int lcap_stream_ended(const lcap_stream *s, size_t avail)
{
    return s->err == 0 && avail == 0;
}

/* The message for a lcap_stream_need() that came back NULL short of what was
 * asked: "error reading the WHAT at offset OFF: <errno text>" if a read
 * failed, else "truncated WHAT at offset OFF: " and what fmt adds (how much
 * was present). Returns -1. */
int lcap_stream_short(const lcap_stream *s, char *errbuf, const char *what, uint64_t off,
                      const char *fmt, ...) LCAP_PRINTF(5, 6);

/* Puts the stream's file name in front of the message in errbuf ("NAME: ..."),
 * unless it starts with it already, as every savefile error names its file. */
void lcap_stream_name_error(const lcap_stream *s, char *errbuf);

/* Frees the window and closes the descriptor if the stream owns it. */
void lcap_stream_close(lcap_stream *s);

#endif
