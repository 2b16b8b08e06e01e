/* interpose.c - libbpfdev.so's libc entry points: /dev/bpf and /dev/bpfN go to the emulated device, every other fd to the kernel untouched. */
/* SPDX-License-Identifier: BSD-2-Clause */
/* The plain names are defined here, so glibc must not redirect them to
 * their 64-bit or fortified twins (those are defined too). */
#undef _FORTIFY_SOURCE
#undef _FILE_OFFSET_BITS
#include "bpfdev.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Descriptors of the device, by fd number; a lookup is one atomic load, so
 * the interposers cost other fds nothing and are safe in signal handlers. */
#define MAX_FD 65536
static _Atomic(struct bpfdev *) table[MAX_FD];

/* Units in use in this process; only open() and close() take the lock. */
#define MAX_UNITS 256
static pthread_mutex_t units_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char unit_used[MAX_UNITS];

/* The interposed entry points are the only symbols the library exports. */
#define EXPORT __attribute__((visibility("default")))

typedef int (*fcntl_fn)(int, int, ...);
static fcntl_fn real_fcntl;

__attribute__((constructor)) static void bpfdev_load(void)
{
    real_fcntl = (fcntl_fn)dlsym(RTLD_NEXT, "fcntl64");
    if (real_fcntl == NULL)
        real_fcntl = (fcntl_fn)dlsym(RTLD_NEXT, "fcntl");
}

static struct bpfdev *lookup(int fd)
{
    if (fd < 0 || fd >= MAX_FD)
        return NULL;
    return atomic_load_explicit(&table[fd], memory_order_acquire);
}

static long fail(long negerr)
{
    if (negerr < 0) {
        errno = (int)-negerr;
        return -1;
    }
    return negerr;
}

/* 1 for the cloning "/dev/bpf", 2 for "/dev/bpfN" (unit in *unit), else 0. */
static int bpf_path(const char *path, unsigned *unit)
{
    static const char prefix[] = "/dev/bpf";
    if (path == NULL || strncmp(path, prefix, sizeof prefix - 1) != 0)
        return 0;
    const char *p = path + sizeof prefix - 1;
    if (*p == '\0')
        return 1;
    unsigned n = 0;
    for (int i = 0; i < 4; i++, p++) {
        if (*p == '\0')
            break;
        if (*p < '0' || *p > '9' || i == 3)
            return 0;
        n = n * 10 + (unsigned)(*p - '0');
    }
    *unit = n;
    return 2;
}

/* Units BPFDEV_BUSY says other processes hold ("0,2"). */
static int busy_elsewhere(unsigned unit)
{
    const char *env = getenv("BPFDEV_BUSY");
    while (env != NULL && *env != '\0') {
        char *end;
        unsigned long u = strtoul(env, &end, 10);
        if (end == env)
            break;
        if (u == unit)
            return 1;
        env = *end == ',' ? end + 1 : end;
    }
    return 0;
}

static int take_unit(const struct lcap_bpf_flavor *fl, int kind, unsigned *unit)
{
    unsigned max = fl->max_units < MAX_UNITS ? fl->max_units : MAX_UNITS;
    if (kind == 1) {
        if (fl->clone_path == NULL)
            return -ENOENT;
        for (unsigned u = 0; u < max; u++)
            if (!unit_used[u] && !busy_elsewhere(u)) {
                *unit = u;
                unit_used[u] = 1;
                return 0;
            }
        return -EBUSY;
    }
    if (*unit >= max)
        return -ENOENT;
    if (unit_used[*unit] || busy_elsewhere(*unit))
        return -EBUSY;
    unit_used[*unit] = 1;
    return 0;
}

static int open_device(int kind, unsigned unit, int flags)
{
    bpfdev_fault_reload();
    int fault = bpfdev_fault(BPFDEV_OP_OPEN, -1);
    if (fault != 0)
        return (int)fail(-fault);
    /* The flavour the library is told to speak, unless the device is told
     * otherwise (a test of mismatches); NetBSD's like the Linux build. */
    const char *name = getenv("BPFDEV_FLAVOR");
    if (name == NULL || *name == '\0')
        name = getenv("LCAP_BPF_FLAVOR");
    const struct lcap_bpf_flavor *fl = lcap_flavor_by_name(name != NULL && *name ? name : "netbsd");
    if (fl == NULL)
        return (int)fail(-ENODEV);
    struct bpfdev *d = malloc(sizeof *d);
    if (d == NULL)
        return (int)fail(-ENOMEM);
    pthread_mutex_lock(&units_lock);
    int e = take_unit(fl, kind, &unit);
    pthread_mutex_unlock(&units_lock);
    if (e == 0) {
        e = bpfdev_init(d, fl, flags);
        if (e == 0 && d->fd >= MAX_FD) {
            syscall(SYS_close, d->fd);
            e = -EMFILE;
        }
        if (e != 0) {
            pthread_mutex_lock(&units_lock);
            unit_used[unit] = 0;
            pthread_mutex_unlock(&units_lock);
        }
    }
    if (e != 0) {
        free(d);
        return (int)fail(e);
    }
    d->unit = unit;
    atomic_store_explicit(&table[d->fd], d, memory_order_release);
    return d->fd;
}

static int do_openat(int dirfd, const char *path, int flags, mode_t mode)
{
    unsigned unit = 0;
    int kind = bpf_path(path, &unit);
    if (kind != 0)
        return open_device(kind, unit, flags);
    return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

static mode_t mode_arg(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

EXPORT int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    return do_openat(AT_FDCWD, path, flags, mode);
}

EXPORT int open64(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    return do_openat(AT_FDCWD, path, flags, mode);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    return do_openat(dirfd, path, flags, mode);
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    return do_openat(dirfd, path, flags, mode);
}

/* The fortified entry points of glibc (-D_FORTIFY_SOURCE builds). */
EXPORT int __open_2(const char *path, int flags);
EXPORT int __open64_2(const char *path, int flags);
EXPORT int __openat_2(int dirfd, const char *path, int flags);
EXPORT ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen);
EXPORT int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen);

EXPORT int __open_2(const char *path, int flags) { return do_openat(AT_FDCWD, path, flags, 0); }
EXPORT int __open64_2(const char *path, int flags) { return do_openat(AT_FDCWD, path, flags, 0); }
EXPORT int __openat_2(int dirfd, const char *path, int flags) { return do_openat(dirfd, path, flags, 0); }

EXPORT int close(int fd)
{
    struct bpfdev *d = NULL;
    if (fd >= 0 && fd < MAX_FD)
        d = atomic_exchange_explicit(&table[fd], NULL, memory_order_acq_rel);
    if (d != NULL) {
        bpfdev_fini(d);
        pthread_mutex_lock(&units_lock);
        unit_used[d->unit] = 0;
        pthread_mutex_unlock(&units_lock);
        free(d);
    }
    return (int)syscall(SYS_close, fd);
}

EXPORT ssize_t read(int fd, void *buf, size_t len)
{
    struct bpfdev *d = lookup(fd);
    if (d == NULL)
        return syscall(SYS_read, fd, buf, len);
    long fl = syscall(SYS_fcntl, fd, F_GETFL, 0);
    return fail(bpfdev_read(d, buf, len, fl >= 0 && (fl & O_NONBLOCK)));
}

EXPORT ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{
    (void)buflen;
    return read(fd, buf, len);
}

EXPORT ssize_t write(int fd, const void *buf, size_t len)
{
    struct bpfdev *d = lookup(fd);
    if (d == NULL)
        return syscall(SYS_write, fd, buf, len);
    return fail(bpfdev_write(d, buf, len));
}

EXPORT int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    struct bpfdev *d = lookup(fd);
    if (d == NULL)
        return (int)syscall(SYS_ioctl, fd, req, arg);
    return (int)fail(bpfdev_ioctl(d, req, arg));
}

static int fcntl_common(int fd, int cmd, void *arg)
{
    struct bpfdev *d = lookup(fd);
    if (d != NULL && cmd == F_GETFL) {
        long fl = syscall(SYS_fcntl, fd, F_GETFL, 0);
        return fl < 0 ? -1 : (int)((fl & ~(long)O_ACCMODE) | d->accmode);
    }
    if (real_fcntl != NULL)
        return real_fcntl(fd, cmd, arg);
    return (int)syscall(SYS_fcntl, fd, cmd, arg);
}

EXPORT int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return fcntl_common(fd, cmd, arg);
}

EXPORT int fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return fcntl_common(fd, cmd, arg);
}

/* poll(2) with a millisecond timeout, straight to the kernel. */
static int kernel_poll(struct pollfd *fds, nfds_t n, int64_t timeout_ns)
{
    struct timespec ts = { timeout_ns / 1000000000, timeout_ns % 1000000000 };
    return (int)syscall(SYS_ppoll, fds, n, timeout_ns < 0 ? NULL : &ts, NULL, 0);
}

/* poll over a set holding device descriptors: their readiness is bpf(4)'s
 * (hold buffer full, or data with immediate mode or an expired read
 * timeout), the others' the kernel's. */
static int emulated_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    int fault = bpfdev_fault(BPFDEV_OP_POLL, -1);
    if (fault != 0)
        return (int)fail(-fault);
    struct pollfd small[16];
    struct pollfd *k = n <= 16 ? small : malloc(n * sizeof *k);
    if (k == NULL)
        return (int)fail(-ENOMEM);
    struct timespec since;
    clock_gettime(CLOCK_MONOTONIC, &since);
    int64_t start = bpfdev_now_ns();
    int64_t deadline = timeout_ms < 0 ? -1 : start + (int64_t)timeout_ms * 1000000;
    int result;
    for (int64_t wait = 0;;) {
        for (nfds_t i = 0; i < n; i++) {
            k[i] = fds[i];
            k[i].revents = 0;
            if (lookup(fds[i].fd) != NULL)
                k[i].events = POLLIN;
        }
        result = kernel_poll(k, n, wait);
        if (result < 0) {
            result = (int)fail(-errno);
            break;
        }
        int ready = 0;
        int64_t bpf_wait = -1;
        for (nfds_t i = 0; i < n; i++) {
            struct bpfdev *d = lookup(fds[i].fd);
            fds[i].revents = d != NULL ? bpfdev_poll_ready(d, fds[i].events, &since, &bpf_wait)
                                       : k[i].revents;
            ready += fds[i].revents != 0;
        }
        int64_t now = bpfdev_now_ns();
        if (ready != 0 || (deadline >= 0 && now >= deadline)) {
            result = ready;
            break;
        }
        wait = deadline < 0 ? -1 : deadline - now;
        if (bpf_wait >= 0 && (wait < 0 || bpf_wait < wait))
            wait = bpf_wait;
    }
    if (k != small)
        free(k);
    return result;
}

static int has_device(const struct pollfd *fds, nfds_t n)
{
    for (nfds_t i = 0; i < n; i++)
        if (lookup(fds[i].fd) != NULL)
            return 1;
    return 0;
}

EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    if (!has_device(fds, n))
        return kernel_poll(fds, n, timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000);
    return emulated_poll(fds, n, timeout_ms);
}

EXPORT int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
    (void)fdslen;
    return poll(fds, n, timeout);
}

EXPORT int select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
    int any = 0, count = 0;
    for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++) {
        int in = (r && FD_ISSET(fd, r)) || (w && FD_ISSET(fd, w)) || (e && FD_ISSET(fd, e));
        count += in;
        any |= in && lookup(fd) != NULL;
    }
    if (!any) {
        struct timespec ts, *tsp = NULL;
        if (tv != NULL) {
            ts.tv_sec = tv->tv_sec;
            ts.tv_nsec = tv->tv_usec * 1000;
            tsp = &ts;
        }
        int res = (int)syscall(SYS_pselect6, nfds, r, w, e, tsp, NULL);
        if (tv != NULL) {
            tv->tv_sec = ts.tv_sec;
            tv->tv_usec = ts.tv_nsec / 1000;
        }
        return res;
    }
    struct pollfd *p = malloc((size_t)count * sizeof *p);
    if (p == NULL)
        return (int)fail(-ENOMEM);
    nfds_t n = 0;
    for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++) {
        short ev = (short)((r && FD_ISSET(fd, r) ? POLLIN : 0) | (w && FD_ISSET(fd, w) ? POLLOUT : 0) |
                           (e && FD_ISSET(fd, e) ? POLLPRI : 0));
        if (ev != 0)
            p[n++] = (struct pollfd){ fd, ev, 0 };
    }
    int ms = tv == NULL ? -1 : (int)(tv->tv_sec * 1000 + tv->tv_usec / 1000);
    int64_t start = bpfdev_now_ns();
    int res = emulated_poll(p, n, ms);
    if (res >= 0) {
        res = 0;
        for (nfds_t i = 0; i < n; i++) {
            int fd = p[i].fd;
            short rev = p[i].revents;
            if (r && FD_ISSET(fd, r) && !(rev & (POLLIN | POLLHUP | POLLERR)))
                FD_CLR(fd, r);
            if (w && FD_ISSET(fd, w) && !(rev & (POLLOUT | POLLERR)))
                FD_CLR(fd, w);
            if (e && FD_ISSET(fd, e) && !(rev & POLLPRI))
                FD_CLR(fd, e);
            res += (r && FD_ISSET(fd, r)) + (w && FD_ISSET(fd, w)) + (e && FD_ISSET(fd, e));
        }
        if (tv != NULL) {
            int64_t left = (int64_t)ms * 1000000 - (bpfdev_now_ns() - start);
            if (left < 0)
                left = 0;
            tv->tv_sec = left / 1000000000;
            tv->tv_usec = left % 1000000000 / 1000;
        }
    }
    free(p);
    return res;
}
