/* bpfdev.h - the emulated BPF device's internals, shared by its interposers, device and fault parts. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef BPFDEV_H
#define BPFDEV_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "hostword.h"
#include "live/flavor.h"

/* Faults the environment variable BPFDEV_FAULT asks for (README.md). */
enum bpfdev_op { BPFDEV_OP_OPEN, BPFDEV_OP_READ, BPFDEV_OP_WRITE, BPFDEV_OP_IOCTL,
                 BPFDEV_OP_POLL, BPFDEV_OP_COUNT };
/* Re-reads BPFDEV_FAULT if it changed since the last call (open() calls it). */
void bpfdev_fault_reload(void);
/* 0, or the errno the next call of `op` (for ioctl: request `req`) must fail
 * with; counts the call. Lock-free, safe in a signal handler's context. */
int bpfdev_fault(enum bpfdev_op op, int req);
/* The errno called `name` ("EBUSY"), 0 if unknown. */
int bpfdev_errno_by_name(const char *name);

/* A classic BPF instruction, laid out as every BSD's and Linux's. */
struct bpfdev_insn {
    uint16_t code;
    uint8_t jt, jf;
    uint32_t k;
};

/* Link types one interface may offer: its own and BPFDEV_DLTS's. */
#define BPFDEV_MAX_DLTS 8

/* One open descriptor of the emulated device. */
struct bpfdev {
    int fd;        /* the AF_PACKET socket, which is also the program's fd */
    int counter;   /* a second socket on the interface counting every packet */
    unsigned unit;
    int accmode;   /* O_RDONLY or O_RDWR, as opened */
    const struct lcap_bpf_flavor *fl;

    /* Settings. */
    uint32_t blen;
    int64_t timeout_ns; /* 0: none */
    int immediate, promisc, hdrcmplt;
    int drop_in, drop_out;
    uint32_t tstamp;    /* BIOCSTSTAMP value (FreeBSD) */

    /* Interface. */
    int bound, gone;
    int ifindex;
    char ifname[16];
    int dlt, linkhdr;        /* as records are written now (BIOCSDLT) */
    int native_dlt, native_linkhdr; /* as the interface gives its frames */
    uint32_t dlts[BPFDEV_MAX_DLTS]; /* BIOCGDLTLIST: the native type first */
    unsigned ndlt;
    unsigned mtu;
    uint8_t mac[6];

    /* Store and hold buffers, as bpf(4) keeps them. */
    uint8_t *sbuf, *hbuf, *scratch;
    uint8_t *rewritten; /* a frame as a record of another link type */
    /* The BIOCSETF program, run here on rewritten records (the kernel's
     * filter sees only the Ethernet frame); prog_len 0: none. */
    struct bpfdev_insn *prog;
    unsigned prog_len;
    size_t slen, hlen, scratch_len;
    size_t alloc_len; /* length sbuf and hbuf were allocated with */

    /* Counters since open, BIOCSETIF, BIOCSETF or BIOCFLUSH. */
    uint64_t recv, drop, capt;
};

/* The device's entry points, called by the interposers. The fd table,
 * unit allocation and descriptor memory are the interposers' business;
 * these return -errno on failure. */
int bpfdev_init(struct bpfdev *d, const struct lcap_bpf_flavor *fl, int oflags);
void bpfdev_fini(struct bpfdev *d);
long bpfdev_ioctl(struct bpfdev *d, unsigned long req, void *arg);
long bpfdev_read(struct bpfdev *d, void *buf, size_t len, int nonblock);
long bpfdev_write(struct bpfdev *d, const void *buf, size_t len);
/* Readiness for poll: takes in what the socket holds, returns the revents
 * of `events`; `since` is when the poll began (for the read timeout), and
 * *wait_ns is lowered to when the timeout would make it ready. */
short bpfdev_poll_ready(struct bpfdev *d, short events, const struct timespec *since, int64_t *wait_ns);

/* Monotonic nanoseconds. */
int64_t bpfdev_now_ns(void);

/* The interposers own read/write/ioctl/poll/fcntl: the device reaches the
 * kernel by raw system calls so that it never re-enters them. */
#define sys_ioctl(fd, req, arg) syscall(SYS_ioctl, (fd), (unsigned long)(req), (arg))
#define sys_fcntl(fd, cmd, arg) syscall(SYS_fcntl, (fd), (cmd), (long)(arg))

/* BIOCSTSTAMP formats (FreeBSD): the low two bits (1 nanoseconds, 2 bintime,
 * 3 none); the FAST and MONOTONIC flags are accepted and ignored. */
#define TSTAMP_FORMAT(v) ((v) & 3u)
#define TSTAMP_VALID_BITS 0x0303u

/* The store buffer becomes the hold buffer (which must be empty). */
void bpfdev_rotate(struct bpfdev *d);
/* Stores one packet as bpf(4)'s catchpacket(): the record at the aligned
 * end of the store buffer, rotating into an empty hold buffer, else dropped
 * and counted. */
void bpfdev_catch_packet(struct bpfdev *d, const uint8_t *pkt, size_t caplen, size_t wirelen,
                         const struct timespec *ts);

/* linktypes.c: the link header length of a type the device can write
 * records of besides Ethernet (-1: none); */
int bpfdev_linkhdr_of(uint32_t dlt);
/* fills d->dlts for ifname: its own type, then those BPFDEV_DLTS offers
 * for it (README.md); */
void bpfdev_offer_dlts(struct bpfdev *d, const char *ifname);
/* writes the Ethernet frame eth as a record of dlt into out (room for
 * caplen + 64), updating *wirelen: the record's length, 0 when the frame
 * has no such form (DLT_NULL of a non-IPv4 frame). */
size_t bpfdev_rewrite(uint32_t dlt, const uint8_t *eth, size_t caplen, size_t *wirelen, uint8_t *out);
/* filter.c: what bpf(4) keeps of a packet under prog (0: rejected). */
unsigned bpfdev_filter(const struct bpfdev_insn *prog, unsigned n, const uint8_t *p, size_t wirelen,
                       size_t buflen);

/* io.c: takes what the socket holds into the buffers (all of it, or until
 * the hold buffer is full); 1 once the interface has disappeared. */
int bpfdev_intake(struct bpfdev *d, int all);

#endif
