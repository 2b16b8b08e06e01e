/* fuzz_pcapng.c - libFuzzer harness for the pcapng savefile reader: mutations
 * keep the Section Header Block type (and usually a byte-order magic) in front. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "savefile_harness.h"

#ifdef LCAP_LIBFUZZER
static const uint8_t shb_type[4] = { 0x0a, 0x0d, 0x0d, 0x0a };
static const uint8_t bom[2][4] = { { 0x4d, 0x3c, 0x2b, 0x1a }, { 0x1a, 0x2b, 0x3c, 0x4d } };

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed)
{
    if (max_size < 4)
        return LLVMFuzzerMutate(data, size, max_size);
    size_t body = size >= 4 ? size - 4 : 0;
    body = LLVMFuzzerMutate(data + 4, body, max_size - 4);
    memcpy(data, shb_type, 4);
    size = body + 4;
    /* A broken byte-order magic only tests one error path: keep it valid
     * most of the time, and sometimes flip the order on purpose. */
    if (size >= 12 && memcmp(data + 8, bom[0], 4) != 0 && memcmp(data + 8, bom[1], 4) != 0 &&
        seed % 8 != 0)
        memcpy(data + 8, bom[(seed / 8) % 2], 4);
    else if (size >= 12 && seed % 32 == 1)
        memcpy(data + 8, bom[(seed / 32) % 2], 4);
    return size;
}
#endif
