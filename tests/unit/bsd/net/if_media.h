/* if_media.h - test-only: the media ioctl's declarations netif_media.c needs, for building it on Linux, as FreeBSD's ifmedia(4) and <net/if_media.h> give them (the other BSDs' and macOS's own headers differ in widths, not in use). */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_TEST_BSD_NET_IF_MEDIA_H
#define LCAP_TEST_BSD_NET_IF_MEDIA_H

struct ifmediareq {
    char ifm_name[16];
    int ifm_current; /* the media selected */
    int ifm_mask;
    int ifm_status;  /* IFM_AVALID, IFM_ACTIVE */
    int ifm_active;  /* the media in use */
    int ifm_count;
    int *ifm_ulist;
};

/* _IOWR('i', 56, struct ifmediareq) on LP64. */
#define SIOCGIFMEDIA 0xc0306938UL

#define IFM_NMASK 0x000000e0
#define IFM_TYPE(x) ((x) & IFM_NMASK)
#define IFM_ETHER 0x00000020
#define IFM_IEEE80211 0x00000080
#define IFM_AUTO 0
#define IFM_AVALID 0x00000001 /* the status bit below is valid */
#define IFM_ACTIVE 0x00000002 /* the link is up */

#endif
