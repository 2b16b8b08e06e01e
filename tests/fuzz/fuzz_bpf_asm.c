/* fuzz_bpf_asm.c - libFuzzer harness for the BPF assembler: any text either
 * fails with a one-line message or gives instructions whose -d image reads back the same. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/image.h"
#include "capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *text, unsigned flags)
{
    char err[CAPTURE_ERRBUF_SIZE];
    struct capture_insn *insns = NULL, *back = NULL;
    size_t n = 0, m = 0;

    memset(err, 0x55, sizeof err);
    if (lcap_bpf_assemble_flags(text, flags, &insns, &n, err) != 0) {
        /* A message was written and it is one terminated line. */
        if (insns != NULL || n != 0 || memchr(err, '\0', sizeof err) == NULL || err[0] == '\0' ||
            strchr(err, '\n') != NULL)
            abort();
        return;
    }
    for (int format = CAPTURE_BPF_IMAGE_TEXT; format <= CAPTURE_BPF_IMAGE_DECIMAL; format++) {
        char *image = lcap_bpf_image(insns, n, format);
        if (image == NULL)
            abort();
        if (format == CAPTURE_BPF_IMAGE_TEXT) {
            if (lcap_bpf_assemble_flags(image, flags, &back, &m, err) != 0 || m != n ||
                memcmp(back, insns, n * sizeof *insns) != 0)
                abort();
            free(back);
        }
        free(image);
    }
    free(insns);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;
    char err[CAPTURE_ERRBUF_SIZE];

    if (size > (1u << 20))
        return 0;
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    check(text, 0);
    check(text, LCAP_BPF_ASM_BACKWARD_JA);
    capture_bpf_free(capture_bpf_assemble(text, err));
    free(text);
    return 0;
}
