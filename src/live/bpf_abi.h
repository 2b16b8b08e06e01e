/* bpf_abi.h - NetBSD's amd64 bpf(4) ABI, byte for byte, for systems without <net/bpf.h> (Linux). */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_BPF_ABI_H
#define LCAP_BPF_ABI_H

/* Every name carries the lcap_/LCAP_ prefix so this header can sit next to a
 * system <net/bpf.h> (the unit test compiles it everywhere) without clashes.
 * Layouts and numbers are the facts of docs/bpf-abi-netbsd.md; the
 * _Static_asserts below pin each size and offset of that document, and
 * tests/unit/test_flavor.c checks every request number against it. */

#include <stddef.h>
#include <stdint.h>

/* NetBSD's <sys/ioccom.h> encoding: direction in the top three bits, the
 * argument length in 13 bits from bit 16, the group letter, the number.
 * (Linux's own _IOC puts direction and length elsewhere: never mix them.) */
#define LCAP_IOC_VOID 0x20000000UL
#define LCAP_IOC_OUT  0x40000000UL
#define LCAP_IOC_IN   0x80000000UL
#define LCAP_IOC_INOUT (LCAP_IOC_IN | LCAP_IOC_OUT)
#define LCAP_IOCPARM_MASK 0x1fffUL
#define LCAP_IOCPARM_LEN(req) (((req) >> 16) & LCAP_IOCPARM_MASK)
#define LCAP_IOC(inout, group, num, len) \
    ((unsigned long)(inout) | (((unsigned long)(len) & LCAP_IOCPARM_MASK) << 16) | \
     ((unsigned long)(group) << 8) | (unsigned long)(num))
#define LCAP_IO(g, n)      LCAP_IOC(LCAP_IOC_VOID, (g), (n), 0)
#define LCAP_IOR(g, n, t)  LCAP_IOC(LCAP_IOC_OUT, (g), (n), sizeof(t))
#define LCAP_IOW(g, n, t)  LCAP_IOC(LCAP_IOC_IN, (g), (n), sizeof(t))
#define LCAP_IOWR(g, n, t) LCAP_IOC(LCAP_IOC_INOUT, (g), (n), sizeof(t))

/* One classic BPF instruction: the encoding is the same on every BSD and in
 * Linux's SO_ATTACH_FILTER (struct sock_filter). */
struct lcap_bpf_insn {
    uint16_t code;
    uint8_t jt;
    uint8_t jf;
    uint32_t k;
};

struct lcap_bpf_program {
    unsigned int bf_len;
    struct lcap_bpf_insn *bf_insns;
};

/* The timestamp inside a record: two longs on NetBSD LP64. */
struct lcap_bpf_timeval {
    int64_t tv_sec;
    int64_t tv_usec;
};

/* One record header; bh_hdrlen (not sizeof) says where the packet starts. */
struct lcap_bpf_hdr {
    struct lcap_bpf_timeval bh_tstamp;
    uint32_t bh_caplen;
    uint32_t bh_datalen;
    uint16_t bh_hdrlen;
};
/* The size the kernel pads before aligning the link header (SIZEOF_BPF_HDR). */
#define LCAP_SIZEOF_BPF_HDR 32

/* NetBSD's struct timeval (BIOCSRTIMEOUT): 64-bit seconds, 32-bit µs, pad. */
struct lcap_bpf_rtimeout {
    int64_t tv_sec;
    int32_t tv_usec;
    int32_t tv_pad;
};

struct lcap_bpf_stat {
    uint64_t bs_recv;
    uint64_t bs_drop;
    uint64_t bs_capt;
    uint64_t bs_padding[13];
};

struct lcap_bpf_version {
    unsigned short bv_major;
    unsigned short bv_minor;
};
#define LCAP_BPF_MAJOR_VERSION 1
#define LCAP_BPF_MINOR_VERSION 1

struct lcap_bpf_dltlist {
    unsigned int bfl_len;
    unsigned int *bfl_list;
};

/* struct ifreq as BIOCSETIF/BIOCGETIF copy it: the name, then a union whose
 * largest member is a 128-byte sockaddr_storage. The fields are named lifr_
 * because Linux's <net/if.h> makes ifr_name and friends macros. */
#define LCAP_IFNAMSIZ 16
struct lcap_ifreq {
    char lifr_name[LCAP_IFNAMSIZ];
    union {
        struct {
            uint8_t ss_len;
            uint8_t ss_family;
            uint8_t ss_pad[126];
        } ifru_storage;
        short ifru_flags;
        int ifru_metric;
        void *ifru_data;
        int64_t ifru_align; /* sockaddr_storage's 64-bit alignment */
    } lifr_ifru;
};

/* Alignment of records in a read() buffer: sizeof(long). */
#define LCAP_BPF_ALIGNMENT 8
#define LCAP_BPF_WORDALIGN(x) (((x) + (LCAP_BPF_ALIGNMENT - 1)) & ~(size_t)(LCAP_BPF_ALIGNMENT - 1))

/* Kernel limits. */
#define LCAP_BPF_MAXINSNS 512
#define LCAP_BPF_DFLTBUFSIZE 32768
#define LCAP_BPF_MINBUFSIZE 32
#define LCAP_BPF_MAXBUFSIZE (1024 * 1024)

/* Direction values of BIOCSDIRECTION (BIOCSSEESENT is its alias). */
#define LCAP_BPF_D_IN    0
#define LCAP_BPF_D_INOUT 1
#define LCAP_BPF_D_OUT   2

/* Requests. */
#define LCAP_BIOCGBLEN      LCAP_IOR('B', 102, unsigned int)
#define LCAP_BIOCSBLEN      LCAP_IOWR('B', 102, unsigned int)
#define LCAP_BIOCSETF       LCAP_IOW('B', 103, struct lcap_bpf_program)
#define LCAP_BIOCFLUSH      LCAP_IO('B', 104)
#define LCAP_BIOCPROMISC    LCAP_IO('B', 105)
#define LCAP_BIOCGDLT       LCAP_IOR('B', 106, unsigned int)
#define LCAP_BIOCGETIF      LCAP_IOR('B', 107, struct lcap_ifreq)
#define LCAP_BIOCSETIF      LCAP_IOW('B', 108, struct lcap_ifreq)
#define LCAP_BIOCGSTATS     LCAP_IOR('B', 111, struct lcap_bpf_stat)
#define LCAP_BIOCIMMEDIATE  LCAP_IOW('B', 112, unsigned int)
#define LCAP_BIOCVERSION    LCAP_IOR('B', 113, struct lcap_bpf_version)
#define LCAP_BIOCGHDRCMPLT  LCAP_IOR('B', 116, unsigned int)
#define LCAP_BIOCSHDRCMPLT  LCAP_IOW('B', 117, unsigned int)
#define LCAP_BIOCSDLT       LCAP_IOW('B', 118, unsigned int)
#define LCAP_BIOCGDLTLIST   LCAP_IOWR('B', 119, struct lcap_bpf_dltlist)
#define LCAP_BIOCGSEESENT   LCAP_IOR('B', 120, unsigned int)
#define LCAP_BIOCSSEESENT   LCAP_IOW('B', 121, unsigned int)
#define LCAP_BIOCGDIRECTION LCAP_BIOCGSEESENT
#define LCAP_BIOCSDIRECTION LCAP_BIOCSSEESENT
#define LCAP_BIOCSRTIMEOUT  LCAP_IOW('B', 122, struct lcap_bpf_rtimeout)
#define LCAP_BIOCGRTIMEOUT  LCAP_IOR('B', 123, struct lcap_bpf_rtimeout)
#define LCAP_BIOCGFEEDBACK  LCAP_IOR('B', 124, unsigned int)
#define LCAP_BIOCSFEEDBACK  LCAP_IOW('B', 125, unsigned int)
#define LCAP_FIONREAD       LCAP_IOR('f', 127, int)
#define LCAP_FIONBIO        LCAP_IOW('f', 126, int)

/* The sizes and offsets of bpf-abi-netbsd.md; a mismatch fails the build. */
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(struct lcap_bpf_timeval) == 16, "bpf_timeval is 16 bytes");
_Static_assert(sizeof(struct lcap_bpf_rtimeout) == 16, "NetBSD timeval is 16 bytes");
_Static_assert(offsetof(struct lcap_bpf_rtimeout, tv_usec) == 8, "tv_usec at 8");
_Static_assert(offsetof(struct lcap_bpf_hdr, bh_tstamp) == 0, "bh_tstamp at 0");
_Static_assert(offsetof(struct lcap_bpf_hdr, bh_caplen) == 16, "bh_caplen at 16");
_Static_assert(offsetof(struct lcap_bpf_hdr, bh_datalen) == 20, "bh_datalen at 20");
_Static_assert(offsetof(struct lcap_bpf_hdr, bh_hdrlen) == 24, "bh_hdrlen at 24");
_Static_assert(sizeof(struct lcap_bpf_hdr) == LCAP_SIZEOF_BPF_HDR, "bpf_hdr is 32 bytes");
_Static_assert(sizeof(struct lcap_bpf_insn) == 8, "bpf_insn is 8 bytes");
_Static_assert(offsetof(struct lcap_bpf_program, bf_insns) == 8, "bf_insns at 8");
_Static_assert(sizeof(struct lcap_bpf_program) == 16, "bpf_program is 16 bytes");
_Static_assert(sizeof(struct lcap_bpf_stat) == 128, "bpf_stat is 128 bytes");
_Static_assert(offsetof(struct lcap_bpf_stat, bs_drop) == 8, "bs_drop at 8");
_Static_assert(offsetof(struct lcap_bpf_stat, bs_capt) == 16, "bs_capt at 16");
_Static_assert(sizeof(struct lcap_bpf_version) == 4, "bpf_version is 4 bytes");
_Static_assert(offsetof(struct lcap_bpf_dltlist, bfl_list) == 8, "bfl_list at 8");
_Static_assert(sizeof(struct lcap_bpf_dltlist) == 16, "bpf_dltlist is 16 bytes");
_Static_assert(offsetof(struct lcap_ifreq, lifr_ifru) == 16, "lifr_ifru at 16");
_Static_assert(sizeof(struct lcap_ifreq) == 144, "ifreq is 144 bytes");
#endif

#endif
