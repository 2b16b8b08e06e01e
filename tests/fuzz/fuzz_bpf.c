/* fuzz_bpf.c - libFuzzer harness for the BPF validator and interpreter: the
 * input is a program and a packet, run whenever the validator accepts it.
 *
 * Input layout (little-endian): u16 instruction count (taken mod 4100, so
 * the length limit is reached too), u32 extra wire bytes, then 8 bytes per
 * instruction (u16 code, u8 jt, u8 jf, u32 k), then the packet. Missing
 * instruction bytes shorten the program. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/program.h"
#include "capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 6)
        return 0;
    size_t n = (size_t)(data[0] | data[1] << 8) % 4100;
    uint32_t extra = le32(data + 2);
    data += 6;
    size -= 6;
    if (n > size / 8)
        n = size / 8;

    struct capture_insn *insns = malloc((n ? n : 1) * sizeof(*insns));
    if (insns == NULL)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = data + 8 * i;
        insns[i] = (struct capture_insn){ (uint16_t)(p[0] | p[1] << 8), p[2], p[3], le32(p + 4) };
    }
    /* The packet in a buffer of exactly its size, so any over-read is caught. */
    size_t caplen = size - 8 * n;
    uint8_t *pkt = malloc(caplen ? caplen : 1);
    if (pkt == NULL) {
        free(insns);
        return 0;
    }
    memcpy(pkt, data + 8 * n, caplen);

    char err[CAPTURE_ERRBUF_SIZE] = "";
    capture_bpf *prog = capture_bpf_from_insns(insns, n, err);
    if (prog == NULL) {
        /* Every refusal says why. */
        if (err[0] == '\0' || lcap_bpf_validate(insns, n, err) == 0)
            abort();
    } else {
        const struct capture_insn *copy;
        if (capture_bpf_insns(prog, &copy) != n || memcmp(copy, insns, n * sizeof(*insns)) != 0)
            abort();
        uint32_t wire = (uint32_t)caplen + extra;
        if (wire < caplen)
            wire = UINT32_MAX;
        uint32_t full = capture_bpf_filter(prog, pkt, wire, (uint32_t)caplen);
        /* caplen only ever decides whether a load succeeds, and a failed load
         * rejects: with fewer bytes present the run is the same up to its
         * first failing load, so the answer is the same or 0. */
        uint32_t half = capture_bpf_filter(prog, pkt, wire, (uint32_t)caplen / 2);
        uint32_t none = capture_bpf_filter(prog, pkt, wire, 0);
        if ((half != full && half != 0) || (none != full && none != 0))
            abort();
        capture_bpf_free(prog);
    }
    free(pkt);
    free(insns);
    return 0;
}
