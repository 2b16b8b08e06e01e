/* fuzz_bpf_buffer.c - libFuzzer harness for the BPF read-buffer walker: any
 * bytes, walked under any flavour's layout, must give records inside the
 * buffer or a clean error.
 *
 * Input: byte 0 picks the flavour (low 3 bits, mod the table), bit 3 the
 * FreeBSD bpf_xhdr layout, bits 4..5 the timestamp unit; bytes 1..2 a
 * snapshot length (little-endian); the rest is the read() buffer, copied to
 * an allocation of exactly its size so any over-read is caught. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "live/bpf_buffer.h"
#include "live/flavor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[CAPTURE_ERRBUF_SIZE];
    if (size < 3)
        return 0;
    const struct lcap_bpf_flavor *f = lcap_flavor_at((data[0] & 7u) % lcap_flavor_count());
    int xhdr = (data[0] & 8) != 0 && f->xhdr.size != 0;
    enum lcap_bpf_ts_unit unit = (enum lcap_bpf_ts_unit)(((data[0] >> 4) & 3u) % 3u);
    uint32_t snaplen = (uint32_t)(data[1] | data[2] << 8);
    size -= 3;
    uint8_t *buf = malloc(size ? size : 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data + 3, size);

    lcap_bpf_walk w;
    capture_pkthdr h;
    const uint8_t *pkt;
    uint64_t sum = 0;
    lcap_bpf_walk_init(&w, f, xhdr, unit, snaplen, buf, size);
    while (lcap_bpf_walk_next(&w, &h, &pkt, err) == 1) {
        if (h.caplen > snaplen || h.ts_nsec > 999999999u || pkt < buf || pkt + h.caplen > buf + size)
            abort();
        for (uint32_t i = 0; i < h.caplen; i++) /* touch every byte reported */
            sum += pkt[i];
    }
    free(buf);
    return (int)(sum & 0);
}
