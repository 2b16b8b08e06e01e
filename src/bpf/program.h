/* program.h - the private shape of capture_bpf and the internal BPF machine API
 * (validator, decoder, interpreter) shared by program.c, vm.c and image.c. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_BPF_PROGRAM_H
#define LCAP_BPF_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"

/* One decoded instruction: the interpreter's own compact form (see vm.c). */
struct lcap_bpf_op;

struct capture_bpf {
    size_t n;                   /* instruction count, 1..LCAP_BPF_MAXINSNS */
    struct capture_insn *insns; /* the validated instructions as given */
    struct lcap_bpf_op *code;   /* the same program decoded for the interpreter */
    const void *entry;          /* computed-goto builds: where the interpreter starts */
    int reads_scratch;          /* has ld or ldx M[k]: scratch memory must be cleared */
};

/* Checks n instructions by the rules a BSD kernel applies before running a
 * program, with libpcap's limits: up to LCAP_BPF_MAXINSNS instructions, mod
 * and xor allowed. 0 if valid; -1 with "instruction I (op): reason" in errbuf. */
int lcap_bpf_validate(const struct capture_insn *insns, size_t n, char *errbuf);

/* Whether a BSD kernel's BIOCSETF can take this (validated) program: at most
 * LCAP_BPF_KERNEL_MAXINSNS instructions, none of them mod or xor. 1 if so, 0
 * if it must be filtered in userland. A kernel can still refuse a program
 * this accepts (NetBSD reads of scratch words not stored on every path;
 * OpenBSD and macOS packet offsets past their largest buffer; sysctl
 * net.bpf.maxinsns set lower on FreeBSD): BIOCSETF's EINVAL means userland too. */
int lcap_bpf_kernel_accepts(const capture_bpf *prog);

/* Decodes a validated program for capture_bpf_filter() (vm.c, the
 * interpreter): sets prog's code (a new array, freed with free()), entry and
 * reads_scratch. -1 when out of memory. */
int lcap_bpf_decode(capture_bpf *prog, const struct capture_insn *insns, size_t n);

/* A new program from instructions already known to be valid (a copy of an
 * existing program); NULL when out of memory. */
capture_bpf *lcap_bpf_new_trusted(const struct capture_insn *insns, size_t n);
/* The same, taking over insns (malloc'ed, valid) instead of copying them: the
 * program frees them, and so does a failure (NULL). */
capture_bpf *lcap_bpf_adopt(struct capture_insn *insns, size_t n);

#endif
