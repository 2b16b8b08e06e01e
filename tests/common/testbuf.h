/* testbuf.h - for the savefile unit tests: the growable byte buffer files are crafted in, writing it to a file or through a pipe as stdin; include after <cmocka.h>. */
#ifndef LCAP_TESTBUF_H
#define LCAP_TESTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct lcap_test_buf {
    uint8_t *p;
    size_t n, cap;
    int be;       /* write multi-byte fields big-endian */
    int modified; /* pcap only: 24-byte record headers */
} lcap_test_buf;

/* Appends n bytes of src, growing the buffer (a failed allocation fails the test). */
static inline void lcap_test_put(lcap_test_buf *b, const void *src, size_t n)
{
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

#endif
