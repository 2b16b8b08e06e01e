/* hostword.h - host-order fields of 2, 4 or 8 bytes at any alignment, as BPF record headers and the BIOC* structures hold them: the emulated device writes and reads them, its tests and the buffer walker's too. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_HOSTWORD_H
#define LCAP_HOSTWORD_H

#include <stdint.h>
#include <string.h>

/* Stores the low width bytes' worth of v at p (width 2, 4 or 8). */
static inline void lcap_test_put_word(uint8_t *p, unsigned width, uint64_t v)
{
    if (width == 8) {
        memcpy(p, &v, 8);
    } else if (width == 4) {
        uint32_t w = (uint32_t)v;
        memcpy(p, &w, 4);
    } else {
        uint16_t h = (uint16_t)v;
        memcpy(p, &h, 2);
    }
}

/* The width-byte field at p (width 2, 4 or 8). */
static inline uint64_t lcap_test_get_word(const uint8_t *p, unsigned width)
{
    if (width == 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    if (width == 4) {
        uint32_t w;
        memcpy(&w, p, 4);
        return w;
    }
    uint16_t h;
    memcpy(&h, p, 2);
    return h;
}

#endif
