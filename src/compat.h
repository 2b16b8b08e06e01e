/* compat.h - the one place for compiler-specific macros and small shared helpers. */
#ifndef LCAP_COMPAT_H
#define LCAP_COMPAT_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define LCAP_LIKELY(x)   __builtin_expect(!!(x), 1)
#define LCAP_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define LCAP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LCAP_LIKELY(x)   (x)
#define LCAP_UNLIKELY(x) (x)
#define LCAP_PRINTF(f, a)
#endif

/* Byte-order helpers for reading untrusted buffers without alignment traps. */
static inline uint16_t lcap_rd16(const uint8_t *p, int swap)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return swap ? (uint16_t)((v >> 8) | (v << 8)) : v;
}

static inline uint32_t lcap_bswap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

static inline uint32_t lcap_rd32(const uint8_t *p, int swap)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return swap ? lcap_bswap32(v) : v;
}

static inline uint64_t lcap_rd64(const uint8_t *p, int swap)
{
    uint64_t v;
    memcpy(&v, p, 8);
    if (swap)
        v = ((uint64_t)lcap_bswap32((uint32_t)v) << 32) | lcap_bswap32((uint32_t)(v >> 32));
    return v;
}

static inline uint16_t lcap_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t lcap_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Formats one line of error text into a CAPTURE_ERRBUF_SIZE buffer. */
void lcap_errf(char *errbuf, const char *fmt, ...) LCAP_PRINTF(2, 3);

#endif
