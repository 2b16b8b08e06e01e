/* test_netif_bsd.c - the BPF systems' interface list (netif_list.c with netif_other.c and netif_media.c, or netif_nomedia.c when LCAP_TEST_MEDIA is 0; built on Linux against tests/unit/bsd/) over a fake getifaddrs list laid out as a BSD kernel gives it and fake media answers: flags, addresses, AF_LINK link-level addresses, short netmasks, libpcap's order. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <net/if_media.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "capture.h"

/* ---- the fake getifaddrs: what a BSD kernel lists, in its order ---- */

/* One sockaddr's bytes, aligned as the kernel's. */
typedef union bsd_sa {
    struct sockaddr_dl dl;
    struct bsd_sockaddr_in in;
    struct bsd_sockaddr_in6 in6;
    uint8_t bytes[64];
    long align;
} bsd_sa;

static const uint8_t em0_mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t em1_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

static bsd_sa sa[20];
static struct ifaddrs ifa[20];
static int n_ifa, fail_with;

static struct sockaddr *link_sa(bsd_sa *s, const char *name, uint8_t type, const uint8_t *mac)
{
    memset(s, 0, sizeof *s);
    s->dl.sdl_family = AF_LINK;
    s->dl.sdl_index = (uint16_t)(n_ifa + 1);
    s->dl.sdl_type = type;
    s->dl.sdl_nlen = (uint8_t)strlen(name);
    s->dl.sdl_alen = mac != NULL ? 6 : 0;
    memcpy(s->dl.sdl_data, name, s->dl.sdl_nlen);
    if (mac != NULL)
        memcpy(LLADDR(&s->dl), mac, 6);
    /* What is used, not the structure's 54 bytes (as the kernels give it). */
    s->dl.sdl_len = (uint8_t)(8 + s->dl.sdl_nlen + s->dl.sdl_alen);
    return (struct sockaddr *)s;
}

/* An IPv4 sockaddr of `len` bytes (16; a netmask may be shorter). */
static struct sockaddr *in_sa(bsd_sa *s, const char *addr, uint8_t len)
{
    memset(s, 0, sizeof *s);
    s->in.sin_len = len;
    s->in.sin_family = 2;
    inet_pton(AF_INET, addr, &s->in.sin_addr);
    /* The kernel's bytes past a short netmask's length are not the mask. */
    for (size_t i = len; i < sizeof s->bytes; i++)
        s->bytes[i] = 0xa5;
    return (struct sockaddr *)s;
}

/* An IPv6 sockaddr of `len` bytes (28; a netmask may be shorter). */
static struct sockaddr *in6_sa(bsd_sa *s, const char *addr, uint8_t len)
{
    memset(s, 0xa5, sizeof *s);
    memset(s, 0, len);
    s->in6.sin6_len = len;
    s->in6.sin6_family = 28;
    uint8_t a[16];
    inet_pton(AF_INET6, addr, a);
    memcpy(s->bytes + 8, a, len > 8 ? (len < 24 ? len - 8u : 16u) : 0u);
    return (struct sockaddr *)s;
}

static void entry(const char *name, unsigned flags, struct sockaddr *addr, struct sockaddr *mask,
                  struct sockaddr *broad_or_dst)
{
    struct ifaddrs *e = &ifa[n_ifa];
    memset(e, 0, sizeof *e);
    e->ifa_name = (char *)name;
    e->ifa_flags = flags;
    e->ifa_addr = addr;
    e->ifa_netmask = mask;
    e->ifa_broadaddr = broad_or_dst; /* one field on the BSDs too */
    if (n_ifa > 0)
        ifa[n_ifa - 1].ifa_next = e;
    n_ifa++;
}

#define UP IFF_UP
#define RUN IFF_RUNNING
#define MC IFF_MULTICAST

static void bsd_list(void)
{
    n_ifa = 0;
    entry("lo0", UP | IFF_LOOPBACK | RUN | MC, link_sa(&sa[0], "lo0", 24, NULL), NULL, NULL);
    /* The loopback's "destination" is set but IFF_POINTOPOINT is not: ignored. */
    struct sockaddr *lo = in_sa(&sa[1], "127.0.0.1", 16);
    entry("lo0", UP | IFF_LOOPBACK | RUN | MC, lo, in_sa(&sa[2], "255.0.0.0", 5), lo);
    entry("em0", UP | IFF_BROADCAST | RUN | MC, link_sa(&sa[3], "em0", 6, em0_mac), NULL, NULL);
    entry("em0", UP | IFF_BROADCAST | RUN | MC, in_sa(&sa[4], "10.1.2.3", 16),
          in_sa(&sa[5], "255.255.255.0", 16), in_sa(&sa[6], "10.1.2.255", 16));
    /* A /64 mask that stops after its last non-zero byte (16 of 28). */
    entry("em0", UP | IFF_BROADCAST | RUN | MC, in6_sa(&sa[13], "fe80::1", 28),
          in6_sa(&sa[14], "ffff:ffff:ffff:ffff::", 16), NULL);
    entry("em1", IFF_BROADCAST | MC, link_sa(&sa[7], "em1", 6, em1_mac), NULL, NULL);
    entry("bridge0", UP | IFF_BROADCAST | MC, link_sa(&sa[8], "bridge0", 6, em1_mac), NULL, NULL);
    entry("tun0", UP | IFF_POINTOPOINT | RUN | MC, link_sa(&sa[9], "tun0", 23, NULL), NULL, NULL);
    entry("tun0", UP | IFF_POINTOPOINT | RUN | MC, in_sa(&sa[10], "10.8.0.1", 16),
          in_sa(&sa[11], "255.255.255.255", 8), in_sa(&sa[12], "10.8.0.2", 16));
    entry("wlan0", UP | IFF_BROADCAST | RUN | MC, link_sa(&sa[15], "wlan0", 6, em0_mac), NULL, NULL);
    entry("em2", UP | IFF_BROADCAST | RUN | MC, link_sa(&sa[16], "em2", 6, em1_mac), NULL, NULL);
    entry("gif0", IFF_POINTOPOINT | MC, NULL, NULL, NULL); /* no address at all */
}

int getifaddrs(struct ifaddrs **out)
{
    if (fail_with != 0) {
        errno = fail_with;
        return -1;
    }
    bsd_list();
    *out = &ifa[0];
    return 0;
}

void freeifaddrs(struct ifaddrs *list)
{
    assert_ptr_equal(list, &ifa[0]);
}

/* What the media ioctl says of each: an errno, or the active media and status. */
static const struct media {
    const char *name;
    int err, active, status;
} media_answers[] = {
    { "lo0", EINVAL, 0, 0 },
    { "tun0", ENOTTY, 0, 0 },
    { "em0", 0, IFM_ETHER | IFM_AUTO, IFM_AVALID | IFM_ACTIVE },
    { "em1", 0, IFM_ETHER | IFM_AUTO, IFM_AVALID },
    { "em2", 0, IFM_ETHER | IFM_AUTO, IFM_AVALID },
    { "wlan0", 0, IFM_IEEE80211 | IFM_AUTO, IFM_AVALID },
    { "bridge0", 0, IFM_ETHER, IFM_ACTIVE }, /* a status bit, but not said valid */
    { "gif0", ENXIO, 0, 0 },        /* another failure: status unknown */
};

int ioctl(int fd, unsigned long req, ...)
{
    (void)fd;
    va_list ap;
    va_start(ap, req);
    struct ifmediareq *m = va_arg(ap, struct ifmediareq *);
    va_end(ap);
    assert_int_equal(req, SIOCGIFMEDIA);
    for (size_t i = 0; i < sizeof media_answers / sizeof media_answers[0]; i++) {
        if (strcmp(m->ifm_name, media_answers[i].name) != 0)
            continue;
        if (media_answers[i].err != 0) {
            errno = media_answers[i].err;
            return -1;
        }
        m->ifm_active = m->ifm_current = media_answers[i].active;
        m->ifm_status = media_answers[i].status;
        return 0;
    }
    fail_msg("media asked for %s", m->ifm_name);
    return -1;
}

/* ---- checks ---- */

static const uint8_t *bytes(const struct sockaddr *s) { return (const uint8_t *)s; }

static void is_in(const struct sockaddr *s, uint8_t len, const char *addr)
{
    assert_non_null(s);
    struct bsd_sockaddr_in want;
    memset(&want, 0, sizeof want);
    want.sin_len = len;
    want.sin_family = 2;
    inet_pton(AF_INET, addr, &want.sin_addr);
    /* All 16 bytes of an IPv4 sockaddr are there, the short mask's zero-filled. */
    assert_memory_equal(s, &want, sizeof want);
}

static void is_in6(const struct sockaddr *s, uint8_t len, const char *addr)
{
    assert_non_null(s);
    struct bsd_sockaddr_in6 want;
    memset(&want, 0, sizeof want);
    want.sin6_len = len;
    want.sin6_family = 28;
    inet_pton(AF_INET6, addr, want.sin6_addr);
    /* All 28 bytes, a short mask's zero-filled as long as its address. */
    assert_memory_equal(s, &want, sizeof want);
}

static void is_link(const struct sockaddr *s, const char *name, const uint8_t *mac)
{
    assert_non_null(s);
    const struct sockaddr_dl *dl = (const void *)s;
    assert_int_equal(dl->sdl_family, AF_LINK);
    assert_int_equal(dl->sdl_nlen, strlen(name));
    assert_memory_equal(dl->sdl_data, name, strlen(name));
    assert_int_equal(dl->sdl_alen, mac != NULL ? 6 : 0);
    if (mac != NULL)
        assert_memory_equal(LLADDR(dl), mac, 6);
    assert_int_equal(bytes(s)[0], 8 + strlen(name) + (mac != NULL ? 6 : 0));
}

static int n_addresses(const capture_if *d)
{
    int n = 0;
    for (const capture_ifaddr *a = d->addresses; a != NULL; a = a->next)
        n++;
    return n;
}

#define UR (CAPTURE_IF_UP | CAPTURE_IF_RUNNING)
#define NA CAPTURE_IF_CONNECTION_STATUS_NOT_APPLICABLE
#define CONN CAPTURE_IF_CONNECTION_STATUS_CONNECTED
#define DISC CAPTURE_IF_CONNECTION_STATUS_DISCONNECTED
typedef struct want_if {
    const char *name;
    uint32_t flags;
    int naddr;
} want_if;

/* With the media ioctl (the BSDs, macOS): wireless and link state from it,
 * status not applicable where the interface has no media. */
static const want_if with_media[] = {
    { "em0", UR | CONN, 3 },
    { "tun0", UR | NA, 2 },
    { "wlan0", UR | CAPTURE_IF_WIRELESS | DISC, 1 }, /* disconnected wireless keeps its place */
    { "lo0", CAPTURE_IF_LOOPBACK | UR | NA, 2 },
    { "em2", UR | DISC, 1 },
    { "bridge0", CAPTURE_IF_UP, 1 },
    { "gif0", 0, 0 },
    { "em1", DISC, 1 },
};
/* Without (AIX): only loopback's status is known. */
static const want_if without_media[] = {
    { "em0", UR, 3 },
    { "tun0", UR, 2 },
    { "wlan0", UR, 1 },
    { "em2", UR, 1 },
    { "lo0", CAPTURE_IF_LOOPBACK | UR | NA, 2 },
    { "bridge0", CAPTURE_IF_UP, 1 },
    { "em1", 0, 1 },
    { "gif0", 0, 0 },
};

static const capture_if *named(const capture_if *list, const char *name)
{
    while (list != NULL && strcmp(list->name, name) != 0)
        list = list->next;
    assert_non_null(list);
    return list;
}

/* libpcap's order: up, running and connected (or wireless) first, in the
 * OS's order among equals; loopback; disconnected; not running; down. */
static void order_and_flags(void **state)
{
    (void)state;
    const want_if *want = LCAP_TEST_MEDIA ? with_media : without_media;
    char err[CAPTURE_ERRBUF_SIZE];
    capture_if *list;
    assert_int_equal(capture_list_interfaces(&list, err), 8);
    const capture_if *d = list;
    for (size_t i = 0; i < 8; i++, d = d->next) {
        assert_non_null(d);
        assert_string_equal(d->name, want[i].name);
        assert_int_equal(d->flags, want[i].flags);
        assert_int_equal(n_addresses(d), want[i].naddr);
        assert_null(d->description);
    }
    assert_null(d);
    capture_free_interfaces(list);
}

/* Every address in the OS's order: the AF_LINK one whole (name and
 * link-level address, its own length), IPv4 with netmask and broadcast or
 * destination as the flags say; short netmasks as long as their address. */
static void addresses(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE];
    capture_if *list;
    assert_int_equal(capture_list_interfaces(&list, err), 8);
    const capture_if *em0 = named(list, "em0"), *tun0 = named(list, "tun0"), *lo0 = named(list, "lo0");
    const capture_ifaddr *a = em0->addresses;
    is_link(a->addr, "em0", em0_mac);
    assert_null(a->netmask);
    assert_null(a->broadaddr);
    assert_null(a->dstaddr);
    a = a->next;
    is_in(a->addr, 16, "10.1.2.3");
    is_in(a->netmask, 16, "255.255.255.0");
    is_in(a->broadaddr, 16, "10.1.2.255");
    assert_null(a->dstaddr);
    a = a->next;
    is_in6(a->addr, 28, "fe80::1");
    is_in6(a->netmask, 16, "ffff:ffff:ffff:ffff::");
    assert_null(a->broadaddr); /* IFF_BROADCAST, but none given */

    a = tun0->addresses;
    is_link(a->addr, "tun0", NULL);
    a = a->next;
    is_in(a->addr, 16, "10.8.0.1");
    is_in(a->netmask, 8, "255.255.255.255");
    assert_null(a->broadaddr);
    is_in(a->dstaddr, 16, "10.8.0.2");

    a = lo0->addresses;
    is_link(a->addr, "lo0", NULL);
    a = a->next;
    is_in(a->addr, 16, "127.0.0.1");
    is_in(a->netmask, 5, "255.0.0.0");
    assert_null(a->broadaddr);
    assert_null(a->dstaddr); /* set, but not a point-to-point link */

    is_link(named(list, "em1")->addresses->addr, "em1", em1_mac);
    is_link(named(list, "wlan0")->addresses->addr, "wlan0", em0_mac);
    capture_free_interfaces(list);
}

/* A failing getifaddrs is an error with its reason, and no list. */
static void failure(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE];
    capture_if *list = (capture_if *)1;
    fail_with = EACCES;
    assert_int_equal(capture_list_interfaces(&list, err), CAPTURE_ERROR);
    assert_null(list);
    assert_non_null(strstr(err, "getifaddrs"));
    fail_with = 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(order_and_flags),
        cmocka_unit_test(addresses),
        cmocka_unit_test(failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
