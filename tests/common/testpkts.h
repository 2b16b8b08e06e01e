/* testpkts.h - a savefile's packets held in memory, read by libcapture or by libpcap, for the interop tests that compare them. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_TESTPKTS_H
#define LCAP_TESTPKTS_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"

/* One packet: its header (ts_nsec in nanoseconds whatever the reader's
 * precision) and a malloc'ed copy of its bytes. */
typedef struct lcap_test_pkt {
    capture_pkthdr h;
    uint8_t *data;
} lcap_test_pkt;

/* Every packet of one read of a file, in order, and what the reader said of it. */
typedef struct lcap_test_pkts {
    lcap_test_pkt *p;
    size_t n, cap;
    int dlt, snaplen, prec, swapped;
    int end;       /* the last read's code: -2 at the clean end (CAPTURE_EOF, PCAP_ERROR_BREAK), -1 an error */
    char err[512]; /* the reader's message when it could not open the file or end was -1 */
} lcap_test_pkts;

/* Appends a copy of the packet (h, d); running out of memory aborts. */
void lcap_test_pkts_add(lcap_test_pkts *l, const capture_pkthdr *h, const uint8_t *d);

/* Frees the packets and empties l. */
void lcap_test_pkts_free(lcap_test_pkts *l);

/* Reads the whole file at path with libcapture (or libpcap, at precision
 * CAPTURE_TSTAMP_PRECISION_MICRO or _NANO) into l, emptied first. Returns 0,
 * or -1 when the file does not open (l->err says why). Prints nothing. */
int lcap_test_read_ours(const char *path, lcap_test_pkts *l);
int lcap_test_read_libpcap(const char *path, int precision, lcap_test_pkts *l);

#endif
