/* testbuf.h - for the savefile unit tests: the growable byte buffer files are crafted in, saving it to a file or feeding it as stdin, and reading a file back (open, expect a packet's end or error); include after <cmocka.h>. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_TESTBUF_H
#define LCAP_TESTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"

typedef struct lcap_test_buf {
    uint8_t *p;
    size_t n, cap;
    int be;       /* write multi-byte fields big-endian */
    int modified; /* pcap only: 24-byte record headers */
} lcap_test_buf;

/* Appends n bytes of src, growing the buffer (a failed allocation fails the test). */
static inline void lcap_test_put(lcap_test_buf *b, const void *src, size_t n)
{
    if (n == 0)
        return;
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

/* Writes the whole buffer to the open file fd and closes it; a short write fails the test. */
static inline void lcap_test_write_fd(const lcap_test_buf *b, int fd)
{
    assert_true(fd >= 0);
    if (b->n)
        assert_int_equal(write(fd, b->p, b->n), (ssize_t)b->n);
    close(fd);
}

static inline void lcap_test_buf_free(lcap_test_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

/* Makes fd 0 the read end of a pipe fed by a child writing b in writes of at
 * most chunk bytes, so readers see short reads; frees b (the child has its
 * copy). Returns the child's pid and the saved stdin in *saved. */
static inline pid_t lcap_test_feed_stdin(lcap_test_buf *b, size_t chunk, int *saved)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        size_t off = 0;
        while (off < b->n) {
            ssize_t w = write(fds[1], b->p + off, b->n - off > chunk ? chunk : b->n - off);
            if (w <= 0)
                _exit(1);
            off += (size_t)w;
        }
        _exit(0);
    }
    close(fds[1]);
    *saved = dup(0);
    assert_true(*saved >= 0);
    assert_int_equal(dup2(fds[0], 0), 0);
    close(fds[0]);
    lcap_test_buf_free(b);
    return pid;
}

/* Puts back the stdin lcap_test_feed_stdin saved and reaps its child. */
static inline void lcap_test_restore_stdin(pid_t pid, int saved)
{
    int status;
    assert_int_equal(dup2(saved, 0), 0);
    close(saved);
    assert_int_equal(waitpid(pid, &status, 0), pid);
}

/* Writes b to a fresh file under /tmp (b is kept); returns the file's
 * malloc'ed path, for lcap_test_unsave(). */
static inline char *lcap_test_save(const lcap_test_buf *b)
{
    char *path = strdup("/tmp/lcap-test-XXXXXX");
    assert_non_null(path);
    lcap_test_write_fd(b, mkstemp(path));
    return path;
}

/* Removes the file lcap_test_save() made and frees its path. */
static inline void lcap_test_unsave(char *path)
{
    unlink(path);
    free(path);
}

/* The whole file at path in a malloc'ed buffer; *n its size. */
static inline uint8_t *lcap_test_slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p = NULL;
    size_t cap = 0, len = 0, got;
    if (f == NULL)
        fail_msg("cannot open %s", path);
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            p = realloc(p, cap);
            assert_non_null(p);
        }
        got = fread(p + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    fclose(f);
    *n = len;
    return p;
}

/* Opens the savefile at path; a failure fails the test with the reader's message. */
static inline capture_reader *lcap_test_open_ok(const char *path)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    capture_reader *r = capture_open_offline(path, err);
    if (r == NULL)
        fail_msg("cannot open %s: %s", path, err);
    return r;
}

/* Opening path must fail with a message naming the file and containing needle. */
static inline void lcap_test_open_fails(const char *path, const char *needle)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    capture_reader *r = capture_open_offline(path, err);
    assert_null(r);
    if (strstr(err, needle) == NULL || strstr(err, path) == NULL)
        fail_msg("error \"%s\" lacks \"%s\" or the file name", err, needle);
}

/* The reader is at its end, and stays there. */
static inline void lcap_test_expect_eof(capture_reader *r)
{
    capture_pkthdr h;
    const uint8_t *d;
    assert_int_equal(capture_next(r, &h, &d), CAPTURE_EOF);
    assert_int_equal(capture_next(r, &h, &d), CAPTURE_EOF);
}

/* Whether msg starts with "path: ", as the reader's messages about a file do. */
static inline int lcap_test_names_file(const char *msg, const char *path)
{
    size_t n = strlen(path);
    return strncmp(msg, path, n) == 0 && strncmp(msg + n, ": ", 2) == 0;
}

/* The next read fails with a message naming the file at path and containing
 * needle, and so does the one after: the damage is still there. */
static inline void lcap_test_expect_error(capture_reader *r, const char *path, const char *needle)
{
    capture_pkthdr h;
    const uint8_t *d;
    assert_int_equal(capture_next(r, &h, &d), CAPTURE_ERROR);
    if (strstr(capture_geterr(r), needle) == NULL)
        fail_msg("error \"%s\" lacks \"%s\"", capture_geterr(r), needle);
    if (!lcap_test_names_file(capture_geterr(r), path))
        fail_msg("error \"%s\" does not start with the file's name %s", capture_geterr(r), path);
    assert_int_equal(capture_next(r, &h, &d), CAPTURE_ERROR);
    assert_non_null(strstr(capture_geterr(r), needle));
}

#endif
