/* pcapng_block.c - interface description options and timestamp scaling for
 * the pcapng reader, kept free of I/O so they can be tested and fuzzed alone. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "pcapng_block.h"

#include <inttypes.h>

#include "../compat.h"

#define OPT_ENDOFOPT  0
#define OPT_TSRESOL   9
#define OPT_TSOFFSET 14

#define NSEC_PER_SEC 1000000000u

/* Powers of ten up to the largest that fits 64 bits: if_tsresol allows 10^-19. */
static const uint64_t pow10_table[20] = {
    1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
    1000000000u, 10000000000u, 100000000000u, 1000000000000u, 10000000000000u,
    100000000000000u, 1000000000000000u, 10000000000000000u, 100000000000000000u,
    1000000000000000000u, 10000000000000000000u,
};

static void set_decimal(lcap_ng_iface *ifc, unsigned exp)
{
    ifc->binary = 0;
    ifc->exp = (uint8_t)exp;
    ifc->units = pow10_table[exp];
    ifc->scale = exp <= 9 ? pow10_table[9 - exp] : pow10_table[exp - 9];
}

void lcap_ng_iface_prepare(lcap_ng_iface *ifc)
{
    ifc->clock = ifc->binary     ? LCAP_NG_CLOCK_OTHER
                 : ifc->exp == 6 ? LCAP_NG_CLOCK_USEC
                 : ifc->exp == 9 ? LCAP_NG_CLOCK_NSEC
                                 : LCAP_NG_CLOCK_OTHER;
}

void lcap_ng_iface_default(lcap_ng_iface *ifc)
{
    set_decimal(ifc, 6);
    ifc->offset = 0;
    lcap_ng_iface_prepare(ifc);
}

static int take_tsresol(const uint8_t *val, int swap, uint64_t where, lcap_ng_iface *ifc,
                        char *errbuf)
{
    (void)swap;
    if (val[0] & 0x80) {
        unsigned shift = val[0] & 0x7fu;
        if (shift > 63) {
            lcap_errf(errbuf, "pcapng interface description block if_tsresol at offset %" PRIu64
                      ": resolution 2^-%u is finer than 2^-63", where, shift);
            return -1;
        }
        ifc->binary = 1;
        ifc->exp = (uint8_t)shift;
        ifc->units = (uint64_t)1 << shift;
        ifc->scale = 0;
    } else {
        if (val[0] > 19) {
            lcap_errf(errbuf, "pcapng interface description block if_tsresol at offset %" PRIu64
                      ": resolution 10^-%u is finer than 10^-19", where, val[0]);
            return -1;
        }
        set_decimal(ifc, val[0]);
    }
    return 0;
}

static int take_tsoffset(const uint8_t *val, int swap, uint64_t where, lcap_ng_iface *ifc,
                         char *errbuf)
{
    (void)where;
    (void)errbuf;
    ifc->offset = (int64_t)lcap_rd64(val, swap);
    return 0;
}

/* The options a reader needs, each of one exact length and allowed once;
 * take == NULL ends the list. Any other option is skipped. */
static const struct idb_option {
    uint16_t code;
    uint16_t len;
    const char *name;
    int (*take)(const uint8_t *val, int swap, uint64_t where, lcap_ng_iface *ifc, char *errbuf);
} idb_options[] = {
    { OPT_ENDOFOPT, 0, "opt_endofopt", NULL },
    { OPT_TSRESOL, 1, "if_tsresol", take_tsresol },
    { OPT_TSOFFSET, 8, "if_tsoffset", take_tsoffset },
};

#define NOPTIONS (sizeof(idb_options) / sizeof(idb_options[0]))

int lcap_ng_parse_idb_options(const uint8_t *opt, size_t len, int swap, uint64_t base,
                              lcap_ng_iface *ifc, char *errbuf)
{
    size_t at = 0;
    unsigned seen = 0; /* bit i: idb_options[i] was taken */

    lcap_ng_iface_default(ifc);
    /* Fewer than 4 bytes left cannot hold an option header; libpcap ignores them. */
    while (len - at >= 4) {
        uint16_t code = lcap_rd16(opt + at, swap);
        uint16_t olen = lcap_rd16(opt + at + 2, swap);
        size_t padded = ((size_t)olen + 3u) & ~(size_t)3u;
        uint64_t where = base + at;

        if (padded > len - at - 4) {
            lcap_errf(errbuf, "pcapng interface description block option %u at offset %" PRIu64
                      " claims %u bytes but only %zu are left in the block",
                      code, where, olen, len - at - 4);
            return -1;
        }
        const uint8_t *val = opt + at + 4;
        at += 4 + padded;
        size_t i = 0;
        while (i < NOPTIONS && idb_options[i].code != code)
            i++;
        if (i == NOPTIONS)
            continue; /* names, addresses, filters...: nothing a reader needs */
        const struct idb_option *o = &idb_options[i];
        if (olen != o->len) {
            lcap_errf(errbuf, "pcapng interface description block %s at offset %" PRIu64
                      " has length %u, not %u", o->name, where, olen, o->len);
            return -1;
        }
        if (o->take == NULL)
            break;
        if (seen & (1u << i)) {
            lcap_errf(errbuf, "pcapng interface description block has a second %s at offset %"
                      PRIu64, o->name, where);
            return -1;
        }
        seen |= 1u << i;
        if (o->take(val, swap, where, ifc, errbuf) < 0)
            return -1;
    }
    lcap_ng_iface_prepare(ifc);
    return 0;
}

/* floor(frac * 10^9 / 2^shift) for frac < 2^shift <= 2^63, without the 64-bit
 * overflow libpcap's product suffers from 2^-35 on. */
static uint32_t binary_fraction_to_ns(uint64_t frac, unsigned shift)
{
    if (shift < 32)
        return (uint32_t)((frac * NSEC_PER_SEC) >> shift);
    /* frac * 10^9 = hi * 10^9 * 2^32 + lo * 10^9: divide by 2^32 first. */
    uint64_t hi = (frac >> 32) * NSEC_PER_SEC;
    uint64_t lo = (frac & 0xffffffffu) * NSEC_PER_SEC;
    return (uint32_t)((hi + (lo >> 32)) >> (shift - 32));
}

void lcap_ng_timestamp(const lcap_ng_iface *ifc, uint64_t ts, int64_t *sec, uint32_t *nsec)
{
    uint64_t s, ns;

    if (ifc->binary) {
        unsigned shift = ifc->exp;
        s = ts >> shift;
        ns = binary_fraction_to_ns(ts & (ifc->units - 1), shift);
    } else if (ifc->exp == 6) {
        /* Constant divisors for the common resolutions keep the hot path cheap. */
        s = ts / 1000000u;
        ns = (ts % 1000000u) * 1000u;
    } else if (ifc->exp == 9) {
        s = ts / NSEC_PER_SEC;
        ns = ts % NSEC_PER_SEC;
    } else {
        s = ts / ifc->units;
        ns = ts % ifc->units;
        if (ifc->exp < 9)
            ns *= ifc->scale;
        else
            ns /= ifc->scale;
    }
    if (LCAP_UNLIKELY(ns >= NSEC_PER_SEC)) {
        /* Cannot happen with the arithmetic above; kept so a sub-second
         * value never leaves this function out of range. */
        s += ns / NSEC_PER_SEC;
        ns %= NSEC_PER_SEC;
    }
    s += (uint64_t)ifc->offset; /* modulo 2^64, as libpcap adds it */
    *sec = lcap_ng_signed_sec(s);
    *nsec = (uint32_t)ns;
}
