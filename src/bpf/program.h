/* program.h - the private shape of capture_bpf and the internal BPF machine API
 * (validator, decoder, interpreter) shared by program.c, vm.c and image.c. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_BPF_PROGRAM_H
#define LCAP_BPF_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/insn.h"
#include "bpf/opnames.h"
#include "capture.h"

/* One decoded instruction: the interpreter's own compact form (see vm.c). */
struct lcap_bpf_op;

struct capture_bpf {
    size_t n;                   /* instruction count, 1..LCAP_BPF_MAXINSNS */
    struct capture_insn *insns; /* the validated instructions as given */
    struct lcap_bpf_op *code;   /* the same program decoded for the interpreter */
    const void *entry;          /* computed-goto builds: where the interpreter starts */
    int reads_scratch;          /* has ld or ldx M[k]: scratch memory must be cleared */
    int reads_aux;              /* has a load of packet metadata (LCAP_BPF_AUX_LOADS) */
};

/* What a live Linux capture knows of a packet besides its bytes, as libpcap
 * gives its userland filter (struct pcap_bpf_aux_data): the 802.1Q tag the
 * kernel took out of it. X(name, ancillary offset, field): an absolute load
 * (ld, ldh or ldb: the kernel ignores the size) at LCAP_BPF_ANC_BASE + offset
 * reads the field. */
#define LCAP_BPF_AUX_LOADS(X)                                       \
    X(VLAN_TAG, LCAP_BPF_ANC_VLAN_TAG, vlan_tag)                     \
    X(VLAN_TAG_PRESENT, LCAP_BPF_ANC_VLAN_TAG_PRESENT, vlan_tag_present)

typedef struct lcap_bpf_aux {
    uint32_t vlan_tag;         /* the tag's VLAN ID (its low 12 bits) */
    uint32_t vlan_tag_present; /* 1 if the kernel took a tag out, else 0 */
} lcap_bpf_aux;

/* Which LCAP_BPF_AUX_LOADS row (counted from 1) instruction in reads; 0 if
 * it reads no metadata. */
static inline int lcap_bpf_aux_load(const struct capture_insn *in)
{
    if (in->code != (LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_ABS) &&
        in->code != (LCAP_BPF_LD | LCAP_BPF_H | LCAP_BPF_ABS) &&
        in->code != (LCAP_BPF_LD | LCAP_BPF_B | LCAP_BPF_ABS))
        return 0;
    int row = 0;
#define AS_AUX_MATCH(name, offset, field) \
    row++;                                \
    if (in->k == LCAP_BPF_ANC_BASE + (offset)) \
        return row;
    LCAP_BPF_AUX_LOADS(AS_AUX_MATCH)
#undef AS_AUX_MATCH
    return 0;
}

/* capture_bpf_filter() with the packet's metadata: aux NULL where there is
 * none, and then a load of it rejects the packet (as libpcap's bpf_filter). */
uint32_t lcap_bpf_filter_aux(const capture_bpf *prog, const uint8_t *packet, uint32_t wirelen,
                             uint32_t caplen, const lcap_bpf_aux *aux);

/* Where packets come without metadata (savefiles, BPF devices), a program
 * that loads it is refused: 0 if prog reads none; -1 with the first
 * instruction that does and why in errbuf. */
int lcap_bpf_validate_no_aux(const capture_bpf *prog, char *errbuf);

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
