/* pcapng_block.h - pure parsers for pcapng block contents: interface
 * description options and the scaling of packet timestamps to nanoseconds. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_PCAPNG_BLOCK_H
#define LCAP_PCAPNG_BLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Block types the reader acts on (pcapng specification, section 4). */
#define LCAP_NG_SHB 0x0a0d0d0au /* section header */
#define LCAP_NG_IDB 0x00000001u /* interface description */
#define LCAP_NG_PB  0x00000002u /* packet block, obsolete */
#define LCAP_NG_SPB 0x00000003u /* simple packet */
#define LCAP_NG_EPB 0x00000006u /* enhanced packet */

#define LCAP_NG_BYTE_ORDER_MAGIC 0x1a2b3c4du

/* Fixed parts of the blocks, after the 8-byte block header. */
#define LCAP_NG_SHB_FIXED 16u /* byte-order magic, major, minor, section length */
#define LCAP_NG_IDB_FIXED 8u  /* link type, reserved, snaplen */
#define LCAP_NG_EPB_FIXED 20u /* interface, ts high, ts low, caplen, len */
#define LCAP_NG_PB_FIXED  20u /* interface(16), drops(16), ts high, ts low, caplen, len */
#define LCAP_NG_SPB_FIXED 4u  /* original length */

/* The interface clocks the packet fast path converts inline, by constants. */
enum lcap_ng_clock { LCAP_NG_CLOCK_OTHER, LCAP_NG_CLOCK_USEC, LCAP_NG_CLOCK_NSEC };

/* How one interface's timestamps turn into seconds and nanoseconds. */
typedef struct lcap_ng_iface {
    uint64_t units;  /* timestamp ticks per second: 10^exp or 2^exp */
    uint64_t scale;  /* decimal: multiplier (exp <= 9) or divisor (exp > 9) to nanoseconds */
    uint8_t exp;     /* the exponent of if_tsresol (6 when the option is absent) */
    uint8_t binary;  /* 1 when units is a power of 2 */
    uint8_t clock;   /* enum lcap_ng_clock, set by lcap_ng_iface_prepare */
    int64_t offset;  /* if_tsoffset: seconds added to every timestamp */
} lcap_ng_iface;

/* Parses the options of an interface description block (opt: the bytes after
 * the fixed part, len of them) into *ifc, as libpcap 1.10 accepts them:
 * if_tsresol and if_tsoffset at most once each and of their exact sizes,
 * resolutions up to 10^-19 and 2^-63, options stopping at opt_endofopt or
 * when fewer than 4 bytes are left, no option running past the block.
 * 0, or -1 with errbuf naming the option and its file offset (opt is at
 * file offset base). */
int lcap_ng_parse_idb_options(const uint8_t *opt, size_t len, int swap, uint64_t base,
                              lcap_ng_iface *ifc, char *errbuf);

/* Sets *ifc to the defaults of an interface without options (microseconds). */
void lcap_ng_iface_default(lcap_ng_iface *ifc);

/* Precomputes ifc->clock from its resolution (lcap_ng_parse_idb_options and
 * lcap_ng_iface_default do it; call it after changing units by hand). */
void lcap_ng_iface_prepare(lcap_ng_iface *ifc);

/* Whether the interface's clock is finer than a microsecond. */
static inline int lcap_ng_iface_is_nano(const lcap_ng_iface *ifc)
{
    return ifc->units > 1000000u;
}

/* Converts a 64-bit timestamp in the interface's units to seconds (plus
 * if_tsoffset, wrapping as libpcap's 64-bit arithmetic does) and truncated
 * nanoseconds, always below 10^9. */
void lcap_ng_timestamp(const lcap_ng_iface *ifc, uint64_t ts, int64_t *sec, uint32_t *nsec);

/* Seconds as lcap_ng_timestamp() gives them: modulo 2^64, read as signed. */
static inline int64_t lcap_ng_signed_sec(uint64_t s)
{
    return s <= (uint64_t)INT64_MAX ? (int64_t)s : -(int64_t)(~s) - 1;
}

/* lcap_ng_timestamp() for the packet fast path: the common clocks inline,
 * their divisors constants. */
static inline void lcap_ng_timestamp_fast(const lcap_ng_iface *ifc, uint64_t ts, int64_t *sec,
                                          uint32_t *nsec)
{
    uint64_t s;
    if (ifc->clock == LCAP_NG_CLOCK_USEC) {
        s = ts / 1000000u;
        *nsec = (uint32_t)(ts - s * 1000000u) * 1000u;
    } else if (ifc->clock == LCAP_NG_CLOCK_NSEC) {
        s = ts / 1000000000u;
        *nsec = (uint32_t)(ts - s * 1000000000u);
    } else {
        lcap_ng_timestamp(ifc, ts, sec, nsec);
        return;
    }
    *sec = lcap_ng_signed_sec(s + (uint64_t)ifc->offset);
}

#endif
