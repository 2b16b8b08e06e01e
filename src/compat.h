/* compat.h - the one place for compiler-specific macros and small shared helpers. */
/* SPDX-License-Identifier: BSD-2-Clause */
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
#define LCAP_INLINE_ALWAYS inline __attribute__((always_inline))
#else
#define LCAP_LIKELY(x)   (x)
#define LCAP_UNLIKELY(x) (x)
#define LCAP_PRINTF(f, a)
#define LCAP_INLINE_ALWAYS inline
#endif

/* Direct-threaded dispatch (labels as values) for the BPF interpreter; any
 * other compiler, or -DLCAP_NO_COMPUTED_GOTO, gets the portable switch. The
 * label table is taken from one copy of the function, so it must not be
 * inlined or cloned (gcc alone knows "noclone"). */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(LCAP_NO_COMPUTED_GOTO)
#define LCAP_COMPUTED_GOTO 1
#if defined(__clang__)
#define LCAP_NOINLINE_NOCLONE __attribute__((noinline))
#else
/* gcc would also merge the identical tails of the handlers into one shared
 * indirect jump, which the host then predicts far worse. */
#define LCAP_NOINLINE_NOCLONE __attribute__((noinline, noclone, optimize("no-crossjumping")))
#endif
#else
#define LCAP_COMPUTED_GOTO 0
#define LCAP_NOINLINE_NOCLONE
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

/* Big-endian loads from untrusted, unaligned packet bytes (hot path of BPF). */
static inline uint16_t lcap_ld_be16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return __builtin_bswap16(v);
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return v;
#else
    return lcap_be16(p);
#endif
}

static inline uint32_t lcap_ld_be32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return __builtin_bswap32(v);
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return v;
#else
    return lcap_be32(p);
#endif
}

/* Formats one line of error text into a CAPTURE_ERRBUF_SIZE buffer (NULL: dropped). */
void lcap_errf(char *errbuf, const char *fmt, ...) LCAP_PRINTF(2, 3);

/* What capture_geterr(NULL) and capture_dump_geterr(NULL) return. */
extern const char lcap_null_handle_msg[];

/* The text of errno value err, as strerror() gives it but thread-safe: written
 * to buf (LCAP_STRERROR_LEN bytes) or static; never NULL. */
#define LCAP_STRERROR_LEN 128
const char *lcap_strerror(int err, char *buf);
/* lcap_strerror(e) with a buffer that lives to the end of the enclosing block,
 * for use straight in an lcap_errf() argument list. */
#define LCAP_ERRTEXT(e) lcap_strerror((e), (char[LCAP_STRERROR_LEN]){ 0 })

#endif
