/* testrand.h - the test suite's one pseudo-random generator (splitmix64): seeded, the same on every host, so a failure reproduces from its seed. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_TESTRAND_H
#define LCAP_TESTRAND_H

#include <stdint.h>

/* A generator's whole state: set .state to the seed. */
typedef struct lcap_test_rng {
    uint64_t state;
} lcap_test_rng;

/* The next 64 bits. */
static inline uint64_t lcap_test_rand64(lcap_test_rng *g)
{
    uint64_t z = (g->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The next 32 bits (the high half: splitmix64's best). */
static inline uint32_t lcap_test_rand32(lcap_test_rng *g)
{
    return (uint32_t)(lcap_test_rand64(g) >> 32);
}

#endif
