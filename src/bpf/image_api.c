/* image_api.c - the public disassembly and assembly calls on capture_bpf objects. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>

#include "bpf/image.h"
#include "capture.h"
#include "compat.h"

char *capture_bpf_image(const capture_bpf *prog, int format)
{
    const struct capture_insn *insns;
    size_t n;

    if (prog == NULL)
        return NULL;
    n = capture_bpf_insns(prog, &insns);
    return lcap_bpf_image(insns, n, format);
}

capture_bpf *capture_bpf_assemble(const char *text, char *errbuf)
{
    struct capture_insn *insns;
    capture_bpf *prog;
    size_t n;

    /* The assembler reports text errors by line; the validator then reports
     * program errors by instruction number, which is the "(NNN)" label. */
    if (lcap_bpf_assemble(text, &insns, &n, errbuf) < 0)
        return NULL;
    prog = capture_bpf_from_insns(insns, n, errbuf);
    free(insns);
    return prog;
}

char *capture_bpf_image_insns(const struct capture_insn *insns, size_t n, int format)
{
    if (insns == NULL)
        return NULL;
    return lcap_bpf_image(insns, n, format);
}

int capture_bpf_image_line(const struct capture_insn *insn, int pc, char *line, size_t len)
{
    char buf[LCAP_BPF_IMAGE_LINE];

    if (insn == NULL || line == NULL || len == 0)
        return CAPTURE_ERROR;
    lcap_bpf_image_line(insn, pc, buf);
    snprintf(line, len, "%s", buf);
    return 0;
}
