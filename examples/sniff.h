/* sniff.h - capsniff's run: opens the capture, applies the filter, prints and copies its packets. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef CAPSNIFF_SNIFF_H
#define CAPSNIFF_SNIFF_H

/* What the command line asked for (capsniff.c fills it in). */
struct sniff_opts {
    const char *in;          /* savefile to read, "-" for standard input */
    long count;              /* packets to show, < 0 for all */
    const char *out;         /* -w: copy the packets shown there ("-" is stdout), or NULL */
    const char *filter_path; /* -F: a tcpdump -d listing to filter with, or NULL */
    int link_header;         /* -e: print the link-level header too */
    /* Live capture (sniff_live.c). */
    const char *iface;       /* -i: capture on this interface instead of reading -r */
    int snaplen;             /* -s: bytes kept of each packet, 0 for the most */
    int no_promisc;          /* -p: leave the interface out of promiscuous mode */
    long buffer_kib;         /* -B: kernel buffer in KiB, 0 for the default */
    int immediate;           /* --immediate: each packet as it arrives */
    const char *expr;        /* a filter expression (tcpdump's syntax), or NULL */
};

/* -D: lists the interfaces, one "N.name" line each. Returns the exit status. */
int sniff_list_devices(void);
/* Opens and activates o->iface with o's options, and makes SIGINT/SIGTERM
 * break the capture. NULL after saying why on stderr. */
struct capture_reader *sniff_open_live(const struct sniff_opts *o);
/* Prints tcpdump's statistics lines on stderr (shown: packets shown) and
 * restores SIGINT/SIGTERM. The caller closes r. */
void sniff_close_live(struct capture_reader *r, long shown);

/* Exit status for a filter expression that does not compile, as capfilter's. */
#define SNIFF_BAD_FILTER 65

/* Prints (and with out, copies) the packets o selects. Returns the exit
 * status: 0 when the whole file was read, SNIFF_BAD_FILTER, or 1 otherwise
 * (said on stderr). */
int sniff(const struct sniff_opts *o);

#endif
