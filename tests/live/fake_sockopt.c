/* fake_sockopt.c - libfakesockopt.so (LD_PRELOAD): getsockopt(SO_BPF_EXTENSIONS) answered as LIVE_BPF_EXTENSIONS says ("none": as a kernel before 3.14); all else goes to libc. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*getsockopt_fn)(int, int, int, void *, socklen_t *);

/* Both libraries ask once a capture is activated, so that libcapture's and
 * libpcap's fallbacks can be compared on one kernel. */
__attribute__((visibility("default"))) int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    static getsockopt_fn real;
    const char *says = level == SOL_SOCKET && name == SO_BPF_EXTENSIONS ? getenv("LIVE_BPF_EXTENSIONS") : NULL;
    if (says != NULL && strcmp(says, "none") == 0) {
        errno = ENOPROTOOPT; /* what such a kernel's sock_getsockopt answers */
        return -1;
    }
    if (says != NULL && val != NULL && len != NULL && *len >= sizeof(int)) {
        *(int *)val = atoi(says);
        *len = sizeof(int);
        return 0;
    }
    if (real == NULL)
        real = (getsockopt_fn)dlsym(RTLD_NEXT, "getsockopt");
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    return real(fd, level, name, val, len);
}
