/* program.c - the capture_bpf object: a validated copy of the instructions
 * plus their decoded form, and the public calls on it. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "bpf/program.h"

#include <stdlib.h>

#include "compat.h"

capture_bpf *lcap_bpf_new_trusted(const struct capture_insn *insns, size_t n)
{
    capture_bpf *prog = calloc(1, sizeof(*prog));
    if (prog == NULL)
        return NULL;
    prog->n = n;
    prog->insns = malloc(n * sizeof(*insns));
    if (prog->insns == NULL || lcap_bpf_decode(prog, insns, n) < 0) {
        capture_bpf_free(prog);
        return NULL;
    }
    memcpy(prog->insns, insns, n * sizeof(*insns));
    return prog;
}

capture_bpf *lcap_bpf_adopt(struct capture_insn *insns, size_t n)
{
    capture_bpf *prog = calloc(1, sizeof(*prog));
    if (prog == NULL) {
        free(insns);
        return NULL;
    }
    prog->n = n;
    prog->insns = insns;
    if (lcap_bpf_decode(prog, insns, n) < 0) {
        capture_bpf_free(prog);
        return NULL;
    }
    return prog;
}

capture_bpf *capture_bpf_from_insns(const struct capture_insn *insns, size_t n, char *errbuf)
{
    if (lcap_bpf_validate(insns, n, errbuf) < 0)
        return NULL;
    capture_bpf *prog = lcap_bpf_new_trusted(insns, n);
    if (prog == NULL)
        lcap_errf(errbuf, "out of memory for a %zu-instruction BPF program", n);
    return prog;
}

size_t capture_bpf_insns(const capture_bpf *prog, const struct capture_insn **insns)
{
    if (insns != NULL)
        *insns = prog ? prog->insns : NULL;
    return prog ? prog->n : 0;
}

uint32_t capture_bpf_filter_pkthdr(const capture_bpf *prog, const capture_pkthdr *hdr,
                                   const uint8_t *data)
{
    return hdr ? capture_bpf_filter(prog, data, hdr->len, hdr->caplen) : 0;
}

void capture_bpf_free(capture_bpf *prog)
{
    if (prog == NULL)
        return;
    free(prog->insns);
    free(prog->code);
    free(prog);
}
