/* flavor.c - the per-OS BPF flavour table (facts of docs/bpf-platforms.md) and its lookups. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "live/flavor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Numbers every BSD and macOS share (4.4BSD's 'B' group, requests 102..117,
 * and the generic FIONREAD/FIONBIO). */
#define COMMON_REQUESTS \
    [LCAP_REQ_BIOCGBLEN] = 0x40044266, [LCAP_REQ_BIOCSBLEN] = 0xc0044266, \
    [LCAP_REQ_BIOCSETF] = 0x80104267, [LCAP_REQ_BIOCFLUSH] = 0x20004268, \
    [LCAP_REQ_BIOCPROMISC] = 0x20004269, [LCAP_REQ_BIOCGDLT] = 0x4004426a, \
    [LCAP_REQ_BIOCIMMEDIATE] = 0x80044270, [LCAP_REQ_BIOCVERSION] = 0x40044271, \
    [LCAP_REQ_FIONREAD] = 0x4004667f, [LCAP_REQ_FIONBIO] = 0x8004667e

/* Requests 107..111 where FreeBSD, OpenBSD and macOS agree (32-byte ifreq,
 * 16-byte timeval, 8-byte bpf_stat), and header-complete as 116/117. */
#define FREEBSD_LIKE_REQUESTS \
    [LCAP_REQ_BIOCGETIF] = 0x4020426b, [LCAP_REQ_BIOCSETIF] = 0x8020426c, \
    [LCAP_REQ_BIOCSRTIMEOUT] = 0x8010426d, [LCAP_REQ_BIOCGRTIMEOUT] = 0x4010426e, \
    [LCAP_REQ_BIOCGSTATS] = 0x4008426f, \
    [LCAP_REQ_BIOCGHDRCMPLT] = 0x40044274, [LCAP_REQ_BIOCSHDRCMPLT] = 0x80044275

/* Record header of the 64-bit BSDs: two 64-bit timestamp words, then the
 * lengths; `sz` is the size the kernel aligns from. */
#define HDR64(sz) { .size = (sz), .sec_off = 0, .sec_width = 8, .frac_off = 8, .frac_width = 8, \
                    .caplen_off = 16, .datalen_off = 20, .hdrlen_off = 24 }
/* Record header with a 32-bit timestamp pair. */
#define HDR32(sz) { .size = (sz), .sec_off = 0, .sec_width = 4, .frac_off = 4, .frac_width = 4, \
                    .caplen_off = 8, .datalen_off = 12, .hdrlen_off = 16 }

static const char NUMBERED[] = "/dev/bpf%u";

static const struct lcap_bpf_flavor flavors[] = {
    {
        .name = "freebsd",
        /* struct timeval; SIZEOF_BPF_HDR is the 26 bytes up to bh_hdrlen's
         * end on current kernels (bh_hdrlen 26 on Ethernet). */
        .hdr = HDR64(26), .ts_unit = LCAP_BPF_TS_MICRO,
        /* bpf_xhdr {int64 sec; uint64 frac}: ns with BPF_T_NANOTIME, a 2^-64
         * fraction with BPF_T_BINTIME. */
        .xhdr = HDR64(26), .tstamp_nano = 0x0001, .tstamp_bintime = 0x0002,
        .wordalign = 8,
        .clone_path = "/dev/bpf", .unit_fmt = NUMBERED, .max_units = 256,
        .perm_hint = "give your user read/write access to /dev/bpf with a devfs rule "
                     "(devfs.rules(5), e.g. group network mode 0660) or run as root",
        .req = { COMMON_REQUESTS, FREEBSD_LIKE_REQUESTS,
                 [LCAP_REQ_BIOCSDIRECTION] = 0x80044277,
                 [LCAP_REQ_BIOCSSEESENT] = 0x80044277, /* obsolete alias */
                 [LCAP_REQ_BIOCSDLT] = 0x80044278, [LCAP_REQ_BIOCGDLTLIST] = 0xc0104279,
                 [LCAP_REQ_BIOCGTSTAMP] = 0x40044283, [LCAP_REQ_BIOCSTSTAMP] = 0x80044284 },
        .ifreq_size = 32, .tv_size = 16, .tv_usec_off = 8, .tv_usec_width = 8,
        .stat_size = 8, .stat_width = 4, .dltlist_size = 16, .dltlist_ptr_off = 8,
        .dir_req = LCAP_REQ_BIOCSDIRECTION,
        .dir_value = { [LCAP_BPF_DIR_IN] = 0, [LCAP_BPF_DIR_OUT] = 2, [LCAP_BPF_DIR_INOUT] = 1 },
        .max_insns = 512, .default_buf = 4096, .max_buf = 512 * 1024,
        .badlen_errno = EIO, /* bpf(4): "A read call will result in EIO" */
        .gone_errno = ENXIO,
        .dlt = { .raw = 12, .loop = 108, .pfsync = 121 },
    },
    {
        .name = "netbsd",
        /* The ABI of bpf_abi.h: bpf_timeval of two longs, SIZEOF_BPF_HDR 32
         * (bh_hdrlen 34 on Ethernet, measured on a real kernel). */
        .hdr = HDR64(32), .ts_unit = LCAP_BPF_TS_MICRO,
        .wordalign = 8,
        .clone_path = "/dev/bpf", .unit_fmt = NUMBERED, .max_units = 256,
        .perm_hint = "make /dev/bpf readable and writable by your group or run as root",
        .req = { COMMON_REQUESTS,
                 [LCAP_REQ_BIOCGETIF] = 0x4090426b, [LCAP_REQ_BIOCSETIF] = 0x8090426c,
                 [LCAP_REQ_BIOCGSTATS] = 0x4080426f,
                 [LCAP_REQ_BIOCGHDRCMPLT] = 0x40044274, [LCAP_REQ_BIOCSHDRCMPLT] = 0x80044275,
                 [LCAP_REQ_BIOCSDLT] = 0x80044276, [LCAP_REQ_BIOCGDLTLIST] = 0xc0104277,
                 [LCAP_REQ_BIOCSDIRECTION] = 0x80044279,
                 [LCAP_REQ_BIOCSSEESENT] = 0x80044279, /* the same request */
                 [LCAP_REQ_BIOCSRTIMEOUT] = 0x8010427a, [LCAP_REQ_BIOCGRTIMEOUT] = 0x4010427b },
        .ifreq_size = 144, .tv_size = 16, .tv_usec_off = 8, .tv_usec_width = 4,
        .stat_size = 128, .stat_width = 8, .dltlist_size = 16, .dltlist_ptr_off = 8,
        .dir_req = LCAP_REQ_BIOCSDIRECTION,
        .dir_value = { [LCAP_BPF_DIR_IN] = 0, [LCAP_BPF_DIR_OUT] = 2, [LCAP_BPF_DIR_INOUT] = 1 },
        .max_insns = 512, .default_buf = 32768, .max_buf = 1024 * 1024,
        .badlen_errno = EINVAL, .gone_errno = ENXIO,
        .dlt = { .raw = 12, .loop = 108, .pfsync = 18 },
    },
    {
        .name = "openbsd",
        /* bpf_timeval of two u_int32; current releases add ifidx, flowid,
         * flags, drops and csumflags after bh_hdrlen: sizeof 28, bh_hdrlen
         * 30 on Ethernet (older releases 20 or 24). */
        .hdr = HDR32(28), .ts_unit = LCAP_BPF_TS_MICRO,
        .wordalign = 4,
        .clone_path = "/dev/bpf", .unit_fmt = NUMBERED, .max_units = 256,
        .perm_hint = "make /dev/bpf readable and writable by your group or run as root",
        .req = { COMMON_REQUESTS, FREEBSD_LIKE_REQUESTS,
                 [LCAP_REQ_BIOCSDLT] = 0x8004427a, [LCAP_REQ_BIOCGDLTLIST] = 0xc010427b,
                 [LCAP_REQ_BIOCSDIRFILT] = 0x8004427d },
        .ifreq_size = 32, .tv_size = 16, .tv_usec_off = 8, .tv_usec_width = 8,
        .stat_size = 8, .stat_width = 4, .dltlist_size = 16, .dltlist_ptr_off = 8,
        /* BIOCSDIRFILT takes the directions to drop: IN 1, OUT 2. */
        .dir_req = LCAP_REQ_BIOCSDIRFILT,
        .dir_value = { [LCAP_BPF_DIR_IN] = 2, [LCAP_BPF_DIR_OUT] = 1, [LCAP_BPF_DIR_INOUT] = 0 },
        .max_insns = 512, .default_buf = 32768, .max_buf = 2 * 1024 * 1024,
        .badlen_errno = EINVAL, .gone_errno = EIO,
        .dlt = { .raw = 14, .loop = 12, .pfsync = 18 },
    },
    {
        .name = "macos",
        /* struct timeval32; SIZEOF_BPF_HDR 18, bh_hdrlen 18 on Ethernet. */
        .hdr = HDR32(18), .ts_unit = LCAP_BPF_TS_MICRO,
        .wordalign = 4,
        /* Numbered nodes only; opening the last makes the kernel add one, up
         * to debug.bpf_maxdevices. */
        .clone_path = NULL, .unit_fmt = NUMBERED, .max_units = 256,
        .perm_hint = "make /dev/bpf* readable by your group (Wireshark's ChmodBPF "
                     "launchd script does it) or run as root",
        .req = { COMMON_REQUESTS, FREEBSD_LIKE_REQUESTS,
                 [LCAP_REQ_BIOCSSEESENT] = 0x80044277,
                 [LCAP_REQ_BIOCSDLT] = 0x80044278,
                 [LCAP_REQ_BIOCGDLTLIST] = 0xc00c4279 /* packed 12-byte list */ },
        .ifreq_size = 32, .tv_size = 16, .tv_usec_off = 8, .tv_usec_width = 4,
        .stat_size = 8, .stat_width = 4, .dltlist_size = 12, .dltlist_ptr_off = 4,
        /* BIOCSSEESENT 0 keeps incoming only; outgoing only is impossible. */
        .dir_req = LCAP_REQ_BIOCSSEESENT,
        .dir_value = { [LCAP_BPF_DIR_IN] = 0, [LCAP_BPF_DIR_OUT] = -1, [LCAP_BPF_DIR_INOUT] = 1 },
        .max_insns = 512, .default_buf = 4096, .max_buf = 512 * 1024,
        .badlen_errno = EINVAL, .gone_errno = ENXIO,
        .dlt = { .raw = 12, .loop = 108, .pfsync = 18 },
        .hide_80211 = 1,
    },
    {
        .name = "dragonfly",
        /* UNVERIFIED here (docs/bpf-platforms.md marks DragonFly's layout so):
         * DragonFly kept FreeBSD 4's BPF. struct timeval of two longs, then
         * the lengths; SIZEOF_BPF_HDR is sizeof(struct bpf_hdr), 32 with
         * padding, so bh_hdrlen 34 on Ethernet; BPF_ALIGNMENT sizeof(long).
         * Requests from its sys/net/bpf.h: 4.4BSD's 102..117, then
         * BIOCGSEESENT/BIOCSSEESENT 118/119, BIOCSDLT 120, BIOCGDLTLIST 121
         * (FreeBSD's numbers for those two); no BIOCSDIRECTION, no
         * BIOCSTSTAMP. */
        .hdr = HDR64(32), .ts_unit = LCAP_BPF_TS_MICRO,
        .wordalign = 8,
        .clone_path = "/dev/bpf", .unit_fmt = NUMBERED, .max_units = 256,
        .perm_hint = "give your group read/write access to /dev/bpf* with a devfs rule "
                     "(devfsctl(8), /etc/devfs.conf) or run as root",
        .req = { COMMON_REQUESTS, FREEBSD_LIKE_REQUESTS,
                 [LCAP_REQ_BIOCSSEESENT] = 0x80044277,
                 [LCAP_REQ_BIOCSDLT] = 0x80044278, [LCAP_REQ_BIOCGDLTLIST] = 0xc0104279 },
        .ifreq_size = 32, .tv_size = 16, .tv_usec_off = 8, .tv_usec_width = 8,
        .stat_size = 8, .stat_width = 4, .dltlist_size = 16, .dltlist_ptr_off = 8,
        /* BIOCSSEESENT 0 keeps incoming only; outgoing only is impossible. */
        .dir_req = LCAP_REQ_BIOCSSEESENT,
        .dir_value = { [LCAP_BPF_DIR_IN] = 0, [LCAP_BPF_DIR_OUT] = -1, [LCAP_BPF_DIR_INOUT] = 1 },
        /* BPF_MAXBUFSIZE 0x80000, BPF_DEFAULTBUFSIZE 4096; a read of another
         * length is refused with EINVAL (unverified). */
        .max_insns = 512, .default_buf = 4096, .max_buf = 512 * 1024,
        .badlen_errno = EINVAL, .gone_errno = ENXIO,
        .dlt = { .raw = 12, .loop = 108, .pfsync = 18 },
    },
    {
        .name = "aix",
        /* UNVERIFIED (no public header here): a 32-bit header with seconds
         * and nanoseconds in the usec field, aligned to 4. The request
         * numbers are 4.4BSD's with AIX's sizes (40-byte ifreq); AIX lists
         * no DLT list, direction, header-complete or timestamp request. */
        .hdr = HDR32(20), .ts_unit = LCAP_BPF_TS_NANO,
        .wordalign = 4,
        .clone_path = NULL, .unit_fmt = NUMBERED, .max_units = 4,
        .perm_hint = "run as root; the bpf driver (/usr/lib/drivers/bpf) must be loaded "
                     "and /dev/bpf0..3 created",
        .req = { COMMON_REQUESTS,
                 [LCAP_REQ_BIOCGETIF] = 0x4028426b, [LCAP_REQ_BIOCSETIF] = 0x8028426c,
                 [LCAP_REQ_BIOCSRTIMEOUT] = 0x8010426d, [LCAP_REQ_BIOCGRTIMEOUT] = 0x4010426e,
                 [LCAP_REQ_BIOCGSTATS] = 0x4008426f },
        .ifreq_size = 40, .tv_size = 16, .tv_usec_off = 8, .tv_usec_width = 4,
        .stat_size = 8, .stat_width = 4, .dltlist_size = 0, .dltlist_ptr_off = 0,
        .dir_req = LCAP_REQ_COUNT,
        .dir_value = { [LCAP_BPF_DIR_IN] = -1, [LCAP_BPF_DIR_OUT] = -1, [LCAP_BPF_DIR_INOUT] = -1 },
        .max_insns = 512, .default_buf = 4096, .max_buf = 512 * 1024,
        .badlen_errno = EINVAL, .gone_errno = ENXIO,
        .always_immediate = 1, .spurious_efault = 1,
        .dlt = { .raw = 12, .loop = 108, .pfsync = 18, .reports_ift = 1 },
    },
};

/* The row a build for this OS uses; one name per OS macro, and Linux (or any
 * other system without <net/bpf.h>) speaks NetBSD's ABI. */
#if defined(__FreeBSD__)
#define NATIVE_NAME "freebsd"
#elif defined(__DragonFly__)
#define NATIVE_NAME "dragonfly"
#elif defined(__NetBSD__)
#define NATIVE_NAME "netbsd"
#elif defined(__OpenBSD__)
#define NATIVE_NAME "openbsd"
#elif defined(__APPLE__)
#define NATIVE_NAME "macos"
#elif defined(_AIX)
#define NATIVE_NAME "aix"
#else
#define NATIVE_NAME "netbsd"
#endif
/* Only the Linux build plays other OSes (against the emulated device). */
#if defined(__linux__)
static const int flavor_from_env = 1;
#else
static const int flavor_from_env = 0;
#endif

/* The 802.11 link types libpcap takes out of macOS's list without monitor
 * mode: plain, Prism, Aironet (120), radiotap, AVS and PPI headers. */
static const int wifi_dlts[] = { 105, 119, 120, 127, 163, 192 };

int lcap_flavor_is_80211(int dlt)
{
    for (size_t i = 0; i < sizeof wifi_dlts / sizeof wifi_dlts[0]; i++)
        if (wifi_dlts[i] == dlt)
            return 1;
    return 0;
}

static const char *const req_names[LCAP_REQ_COUNT] = {
#define LCAP_REQ_NAME(name) [LCAP_REQ_##name] = #name,
    LCAP_BPF_REQUESTS(LCAP_REQ_NAME)
#undef LCAP_REQ_NAME
};

size_t lcap_flavor_count(void)
{
    return sizeof flavors / sizeof flavors[0];
}

const struct lcap_bpf_flavor *lcap_flavor_at(size_t i)
{
    return i < lcap_flavor_count() ? &flavors[i] : NULL;
}

const struct lcap_bpf_flavor *lcap_flavor_by_name(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < lcap_flavor_count(); i++)
        if (strcmp(flavors[i].name, name) == 0)
            return &flavors[i];
    return NULL;
}

const struct lcap_bpf_flavor *lcap_flavor_native(void)
{
    return lcap_flavor_by_name(NATIVE_NAME);
}

const struct lcap_bpf_flavor *lcap_flavor_current(void)
{
    const char *name = flavor_from_env ? getenv("LCAP_BPF_FLAVOR") : NULL;
    if (name == NULL || *name == '\0')
        return lcap_flavor_native();
    return lcap_flavor_by_name(name);
}

const char *lcap_bpf_req_name(enum lcap_bpf_req req)
{
    return (unsigned)req < LCAP_REQ_COUNT ? req_names[req] : "?";
}

enum lcap_bpf_req lcap_flavor_req_of(const struct lcap_bpf_flavor *f, unsigned long number)
{
    for (int r = 0; r < LCAP_REQ_COUNT; r++)
        if (number != 0 && f->req[r] == number)
            return (enum lcap_bpf_req)r;
    return LCAP_REQ_COUNT;
}

unsigned lcap_flavor_hdrlen(const struct lcap_bpf_flavor *f, const struct lcap_bpf_hdr_layout *l,
                            unsigned linkhdr)
{
    return (unsigned)lcap_flavor_align(f, (size_t)l->size + linkhdr) - linkhdr;
}
