/* fuzz_pcap.c - libFuzzer harness for the pcap savefile reader: mutations keep
 * a valid pcap magic in front so time goes to headers and records. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "savefile_harness.h"

#ifdef LCAP_LIBFUZZER
/* The three magics (microsecond, nanosecond, Kuznetsov) in both byte orders. */
static const uint8_t magics[6][4] = {
    { 0xd4, 0xc3, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xc3, 0xd4 },
    { 0x4d, 0x3c, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0x3c, 0x4d },
    { 0x34, 0xcd, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xcd, 0x34 },
};

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed)
{
    uint8_t magic[4] = { 0xd4, 0xc3, 0xb2, 0xa1 };
    int valid = 0;

    if (max_size < 4)
        return LLVMFuzzerMutate(data, size, max_size);
    if (size >= 4) {
        for (int i = 0; i < 6; i++)
            if (memcmp(data, magics[i], 4) == 0)
                valid = 1;
        if (valid)
            memcpy(magic, data, 4);
    }
    /* Now and then switch byte order or precision on purpose. */
    if (!valid || seed % 16 == 0)
        memcpy(magic, magics[(seed / 16) % 6], 4);
    size_t body = size >= 4 ? size - 4 : 0;
    if (size < 4)
        memset(data, 0, 4);
    body = LLVMFuzzerMutate(data + 4, body, max_size - 4);
    memcpy(data, magic, 4);
    return body + 4;
}
#endif
