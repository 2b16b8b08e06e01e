/* program.c - the capture_bpf object: a validated copy of the instructions
 * plus their decoded form, and the public calls on it. */
#include "bpf/program.h"

#include <stdlib.h>

#include "bpf/insn.h"
#include "compat.h"

capture_bpf *lcap_bpf_new_trusted(const struct capture_insn *insns, size_t n)
{
    capture_bpf *prog = calloc(1, sizeof(*prog));
    if (prog == NULL)
        return NULL;
    prog->n = n;
    prog->insns = malloc(n * sizeof(*insns));
    prog->code = lcap_bpf_decode(insns, n);
    if (prog->insns == NULL || prog->code == NULL) {
        capture_bpf_free(prog);
        return NULL;
    }
    memcpy(prog->insns, insns, n * sizeof(*insns));
    for (size_t i = 0; i < n; i++)
        if (insns[i].code == (LCAP_BPF_LD | LCAP_BPF_MEM) ||
            insns[i].code == (LCAP_BPF_LDX | LCAP_BPF_MEM))
            prog->reads_scratch = 1;
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

uint32_t capture_bpf_filter(const capture_bpf *prog, const uint8_t *packet, uint32_t wirelen,
                            uint32_t caplen)
{
    return lcap_bpf_run(prog->code, prog->reads_scratch, packet, wirelen, caplen);
}

size_t capture_bpf_insns(const capture_bpf *prog, const struct capture_insn **insns)
{
    *insns = prog->insns;
    return prog->n;
}

void capture_bpf_free(capture_bpf *prog)
{
    if (prog == NULL)
        return;
    free(prog->insns);
    free(prog->code);
    free(prog);
}
