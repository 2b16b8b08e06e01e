/* if_dl.h - test-only: the BSD declarations netif_other.c needs, for building it on Linux (never installed, never seen by a BSD build): struct sockaddr_dl as sockaddr_dl(4) / link_addr(3) lay it out, and the 4.4BSD sockaddr_in and sockaddr_in6 with their length byte that the fake getifaddrs list is made of. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_TEST_BSD_NET_IF_DL_H
#define LCAP_TEST_BSD_NET_IF_DL_H

#include <stdint.h>

#define AF_LINK 18 /* the same on every BSD, macOS and AIX */

/* A link-level address: the interface's name (sdl_nlen bytes, not
 * terminated) then the address (sdl_alen bytes) in sdl_data; sdl_len covers
 * what is used, which may be more or less than the structure's size. */
struct sockaddr_dl {
    uint8_t sdl_len;
    uint8_t sdl_family;  /* AF_LINK */
    uint16_t sdl_index;  /* the interface's index */
    uint8_t sdl_type;    /* IFT_*: 6 Ethernet, 24 loopback */
    uint8_t sdl_nlen;
    uint8_t sdl_alen;
    uint8_t sdl_slen;
    char sdl_data[46];
};
#define LLADDR(s) ((uint8_t *)((s)->sdl_data + (s)->sdl_nlen))

/* 4.4BSD's sockaddr_in: a length byte before the family. */
struct bsd_sockaddr_in {
    uint8_t sin_len;
    uint8_t sin_family; /* 2 */
    uint16_t sin_port;
    uint32_t sin_addr;  /* network byte order */
    uint8_t sin_zero[8];
};

/* 4.4BSD's sockaddr_in6 (its family is 28 on FreeBSD and DragonFly, 30 on
 * macOS, 24 on NetBSD, OpenBSD and AIX). */
struct bsd_sockaddr_in6 {
    uint8_t sin6_len;
    uint8_t sin6_family;
    uint16_t sin6_port;
    uint32_t sin6_flowinfo;
    uint8_t sin6_addr[16];
    uint32_t sin6_scope_id;
};

#endif
