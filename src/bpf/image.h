/* image.h - disassembler and assembler of tcpdump -d/-dd/-ddd text over plain instruction arrays. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_BPF_IMAGE_H
#define LCAP_BPF_IMAGE_H

#include <stddef.h>

#include "capture.h"

/* Longest line lcap_bpf_image_line() writes, NUL included. */
#define LCAP_BPF_IMAGE_LINE 96

/* The most instructions lcap_bpf_assemble() accepts: bounds its allocation. */
#define LCAP_BPF_ASM_MAXINSNS 65536

/* Writes instruction number pc as one line of tcpdump -d text (no newline),
 * exactly as libpcap 1.10.3's bpf_image() does, unknown opcodes included. */
void lcap_bpf_image_line(const struct capture_insn *insn, int pc, char *line);

/* The whole program in format CAPTURE_BPF_IMAGE_TEXT (-d), _C_ARRAY (-dd) or
 * _DECIMAL (-ddd), each line ending in a newline, as tcpdump prints it.
 * NULL for an unknown format or when memory runs out; the caller frees. */
char *lcap_bpf_image(const struct capture_insn *insns, size_t n, int format);

/* Reads tcpdump -d text back into instructions. Returns 0 and a malloc'ed
 * array in *out (count in *n), or -1 with the line, column and reason in
 * errbuf. Jump targets (absolute line numbers) become relative offsets. */
int lcap_bpf_assemble(const char *text, struct capture_insn **out, size_t *n, char *errbuf);

/* libpcap's protochain code loops with a backward "ja": this flag lets ja
 * target any instruction of the program, as that text needs. */
#define LCAP_BPF_ASM_BACKWARD_JA 0x1u

/* lcap_bpf_assemble() with LCAP_BPF_ASM_* flags. */
int lcap_bpf_assemble_flags(const char *text, unsigned flags, struct capture_insn **out, size_t *n,
                            char *errbuf);

#endif
