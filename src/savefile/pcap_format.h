/* pcap_format.h - the facts of the classic pcap format that its reader and
 * its writer share: header lengths, magic numbers, link-type field bits. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_PCAP_FORMAT_H
#define LCAP_PCAP_FORMAT_H

#include <stdint.h>

#define LCAP_PCAP_FILE_HDR_LEN 24
#define LCAP_PCAP_REC_HDR_LEN 16
#define LCAP_PCAP_REC_HDR_LEN_MODIFIED 24 /* + ifindex, protocol, pkt_type, pad */

/* The version the writer puts in its files. */
#define LCAP_PCAP_VERSION_MAJOR 2
#define LCAP_PCAP_VERSION_MINOR 4

/* Link-type field of the file header: low 26 bits the LINKTYPE, the rest
 * extra facts; of those, bit 26 says an FCS length is present and bits
 * 28..31 give it in 16-bit words (the bits a writer carries over). */
#define LCAP_PCAP_LT_TYPE_MASK 0x03ffffffu
#define LCAP_PCAP_LT_EXT_MASK  0xfc000000u
#define LCAP_PCAP_LT_FCS_BITS  0xf4000000u

/* The first four bytes of a pcap file, as read in the writer's byte order. */
#define LCAP_PCAP_MAGIC_USEC     0xa1b2c3d4u
#define LCAP_PCAP_MAGIC_NSEC     0xa1b23c4du
#define LCAP_PCAP_MAGIC_MODIFIED 0xa1b2cd34u /* Alexey Kuznetsov's patched format */

/* What each magic number says about the records that follow. */
typedef struct lcap_pcap_magic {
    uint32_t magic;
    uint32_t frac_limit;  /* sub-second fields below this are in range */
    uint32_t frac_mul;    /* sub-second unit to nanoseconds */
    uint8_t rec_hdr_len;
    uint8_t nsec;         /* nanosecond timestamps */
} lcap_pcap_magic;

/* The row for a file's first four bytes (as read on this host), setting
 * *swapped when the file is in the other byte order; NULL if not pcap. */
const lcap_pcap_magic *lcap_pcap_magic_find(uint32_t first4, int *swapped);

#endif
