/* flavor.h - what differs between the BPF devices of FreeBSD, NetBSD, OpenBSD, DragonFly, macOS and AIX, as one table of rows. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_FLAVOR_H
#define LCAP_FLAVOR_H

#include <stddef.h>
#include <stdint.h>

/* Every request a BPF device source or the emulated device may issue. A
 * flavour row gives each its number on that OS, 0 where the OS lacks it. */
#define LCAP_BPF_REQUESTS(X) \
    X(BIOCGBLEN)      X(BIOCSBLEN)      X(BIOCSETF)       X(BIOCFLUSH)    \
    X(BIOCPROMISC)    X(BIOCGDLT)       X(BIOCGETIF)      X(BIOCSETIF)    \
    X(BIOCSRTIMEOUT)  X(BIOCGRTIMEOUT)  X(BIOCGSTATS)     X(BIOCIMMEDIATE) \
    X(BIOCVERSION)    X(BIOCGHDRCMPLT)  X(BIOCSHDRCMPLT)  X(BIOCSDLT)     \
    X(BIOCGDLTLIST)   X(BIOCSDIRECTION) X(BIOCSDIRFILT)   X(BIOCSSEESENT) \
    X(BIOCGTSTAMP)    X(BIOCSTSTAMP)    X(FIONREAD)       X(FIONBIO)

enum lcap_bpf_req {
#define LCAP_REQ_ENUM(name) LCAP_REQ_##name,
    LCAP_BPF_REQUESTS(LCAP_REQ_ENUM)
#undef LCAP_REQ_ENUM
    LCAP_REQ_COUNT
};

/* How a record header is laid out: where each field sits and how wide it is.
 * `size` is the header size the kernel pads before aligning the link header
 * (SIZEOF_BPF_HDR), so bh_hdrlen = WORDALIGN(size + linkhdr) - linkhdr. */
struct lcap_bpf_hdr_layout {
    uint8_t size;
    uint8_t sec_off, sec_width;   /* seconds */
    uint8_t frac_off, frac_width; /* µs, ns or a 2^-64 fraction, see ts_unit */
    uint8_t caplen_off, datalen_off, hdrlen_off; /* 32, 32 and 16 bits wide */
};

/* Unit of the fraction field of a record's timestamp. */
enum lcap_bpf_ts_unit {
    LCAP_BPF_TS_MICRO,   /* microseconds */
    LCAP_BPF_TS_NANO,    /* nanoseconds */
    LCAP_BPF_TS_BINTIME, /* 1/2^64 of a second (FreeBSD BPF_T_BINTIME) */
};

/* Direction of captured packets, as the library asks for it. */
enum lcap_bpf_dir { LCAP_BPF_DIR_IN, LCAP_BPF_DIR_OUT, LCAP_BPF_DIR_INOUT, LCAP_BPF_DIR_COUNT };

/* The link types whose numbers vary by OS, and the one AIX reports itself. */
struct lcap_bpf_dlts {
    int raw;  /* DLT_RAW */
    int loop; /* DLT_LOOP */
    int pfsync;
    /* AIX's BIOCGDLT answers with an IFT_ interface type instead of a DLT. */
    uint8_t reports_ift;
};

struct lcap_bpf_flavor {
    const char *name; /* "freebsd", "netbsd", "openbsd", "macos", "dragonfly", "aix" */

    /* Records in a read() buffer. */
    struct lcap_bpf_hdr_layout hdr;
    enum lcap_bpf_ts_unit ts_unit; /* unit of hdr's fraction field */
    /* FreeBSD's bpf_xhdr, used once BIOCSTSTAMP picks a format other than
     * microseconds (size 0: no such header on this OS). */
    struct lcap_bpf_hdr_layout xhdr;
    uint32_t tstamp_nano, tstamp_bintime; /* BIOCSTSTAMP values (BPF_T_*) */
    uint8_t wordalign; /* BPF_WORDALIGN: records start at multiples of this */

    /* Opening. */
    const char *clone_path; /* cloning device, NULL when only numbered ones exist */
    const char *unit_fmt;   /* numbered devices, printf format with one %u */
    unsigned max_units;     /* how far the numbered loop goes */
    const char *perm_hint;  /* how to get permission on this OS */

    /* Requests and the sizes of the structures they copy. */
    unsigned long req[LCAP_REQ_COUNT];
    uint8_t ifreq_size;     /* struct ifreq (BIOCSETIF/BIOCGETIF) */
    uint8_t tv_size, tv_usec_off, tv_usec_width; /* struct timeval (BIOCSRTIMEOUT) */
    uint8_t stat_size, stat_width; /* struct bpf_stat: recv at 0, drop at stat_width */
    uint8_t dltlist_size, dltlist_ptr_off; /* struct bpf_dltlist: u_int len at 0, list pointer */

    /* Direction: the request that sets it and the value for each
     * lcap_bpf_dir (-1: this OS cannot capture that direction). */
    enum lcap_bpf_req dir_req; /* LCAP_REQ_COUNT: no direction control at all */
    int dir_value[LCAP_BPF_DIR_COUNT];

    /* Limits and behaviour. */
    uint16_t max_insns;      /* BPF_MAXINSNS: longer programs get EINVAL */
    uint32_t default_buf;    /* BIOCGBLEN before any BIOCSBLEN */
    uint32_t max_buf;        /* largest buffer BIOCSBLEN grants */
    int badlen_errno;        /* read() with a length other than the buffer's */
    int gone_errno;          /* read() once the interface has disappeared */
    uint8_t always_immediate; /* the timeout is ignored unless BIOCIMMEDIATE is on */
    uint8_t spurious_efault;  /* read() may fail with EFAULT for no reason: retry */
    struct lcap_bpf_dlts dlt;

    /* Link types offered at activation (libpcap's pcap-bpf.c). macOS:
     * choosing an 802.11 type (lcap_flavor_is_80211) puts the adapter in
     * monitor mode, so without it those are not offered and the device keeps
     * DLT_EN10MB. The BSDs offer them as they are (monitor mode is a media
     * setting there, SIOCSIFMEDIA, not a link type). */
    uint8_t hide_80211;
};

/* The row for the OS this library is built for (NetBSD's on Linux, whose
 * build speaks NetBSD's ABI, see bpf_abi.h). */
const struct lcap_bpf_flavor *lcap_flavor_native(void);
/* The row called `name` ("freebsd", ...; case-sensitive), NULL if none. */
const struct lcap_bpf_flavor *lcap_flavor_by_name(const char *name);
/* The row in use: on Linux the one named by the environment variable
 * LCAP_BPF_FLAVOR when set and non-empty (so tests can play each OS against
 * the emulated device, which follows the same variable unless BPFDEV_FLAVOR
 * says otherwise: tests/bpfdev/README.md), else the native row. NULL with
 * an unknown name. Other systems always get their native row. */
const struct lcap_bpf_flavor *lcap_flavor_current(void);
/* Rows in the table, and the i-th (NULL past the end). */
size_t lcap_flavor_count(void);
const struct lcap_bpf_flavor *lcap_flavor_at(size_t i);
/* "BIOCSETIF" for LCAP_REQ_BIOCSETIF; "?" out of range. */
const char *lcap_bpf_req_name(enum lcap_bpf_req req);
/* The request of flavour `f` whose number is `number`; LCAP_REQ_COUNT if
 * none. When two names share one number (NetBSD's BIOCSSEESENT and
 * BIOCSDIRECTION) the first in LCAP_BPF_REQUESTS order wins. */
enum lcap_bpf_req lcap_flavor_req_of(const struct lcap_bpf_flavor *f, unsigned long number);
/* bh_hdrlen the kernel writes for a link header of `linkhdr` bytes. */
unsigned lcap_flavor_hdrlen(const struct lcap_bpf_flavor *f, const struct lcap_bpf_hdr_layout *l,
                            unsigned linkhdr);
/* Whether dlt is one of the 802.11 link types (with or without a radio
 * header) that hide_80211 leaves out. */
int lcap_flavor_is_80211(int dlt);
/* x rounded up to f's BPF_WORDALIGN. */
static inline size_t lcap_flavor_align(const struct lcap_bpf_flavor *f, size_t x)
{
    return (x + f->wordalign - 1) & ~(size_t)(f->wordalign - 1);
}

#endif
