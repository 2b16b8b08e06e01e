/* insn.h - classic BPF instruction encoding (the struct bpf_insn opcode fields). */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_BPF_INSN_H
#define LCAP_BPF_INSN_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"

/* Instruction classes. */
#define LCAP_BPF_CLASS(code) ((code) & 0x07)
#define LCAP_BPF_LD   0x00
#define LCAP_BPF_LDX  0x01
#define LCAP_BPF_ST   0x02
#define LCAP_BPF_STX  0x03
#define LCAP_BPF_ALU  0x04
#define LCAP_BPF_JMP  0x05
#define LCAP_BPF_RET  0x06
#define LCAP_BPF_MISC 0x07

/* Load widths. */
#define LCAP_BPF_SIZE(code) ((code) & 0x18)
#define LCAP_BPF_W 0x00
#define LCAP_BPF_H 0x08
#define LCAP_BPF_B 0x10

/* Load addressing modes. */
#define LCAP_BPF_MODE(code) ((code) & 0xe0)
#define LCAP_BPF_IMM 0x00
#define LCAP_BPF_ABS 0x20
#define LCAP_BPF_IND 0x40
#define LCAP_BPF_MEM 0x60
#define LCAP_BPF_LEN 0x80
#define LCAP_BPF_MSH 0xa0

/* ALU and jump operations. */
#define LCAP_BPF_OP(code) ((code) & 0xf0)
#define LCAP_BPF_ADD  0x00
#define LCAP_BPF_SUB  0x10
#define LCAP_BPF_MUL  0x20
#define LCAP_BPF_DIV  0x30
#define LCAP_BPF_OR   0x40
#define LCAP_BPF_AND  0x50
#define LCAP_BPF_LSH  0x60
#define LCAP_BPF_RSH  0x70
#define LCAP_BPF_NEG  0x80
#define LCAP_BPF_MOD  0x90
#define LCAP_BPF_XOR  0xa0
#define LCAP_BPF_JA   0x00
#define LCAP_BPF_JEQ  0x10
#define LCAP_BPF_JGT  0x20
#define LCAP_BPF_JGE  0x30
#define LCAP_BPF_JSET 0x40

/* Operand source. */
#define LCAP_BPF_SRC(code) ((code) & 0x08)
#define LCAP_BPF_K 0x00
#define LCAP_BPF_X 0x08

/* Return value source. */
#define LCAP_BPF_RVAL(code) ((code) & 0x18)
#define LCAP_BPF_A 0x10

/* Miscellaneous operations. */
#define LCAP_BPF_MISCOP(code) ((code) & 0xf8)
#define LCAP_BPF_TAX 0x00
#define LCAP_BPF_TXA 0x80

#define LCAP_BPF_STMT(code, k) ((struct capture_insn){ (uint16_t)(code), 0, 0, (uint32_t)(k) })
#define LCAP_BPF_JUMP(code, k, jt, jf) \
    ((struct capture_insn){ (uint16_t)(code), (uint8_t)(jt), (uint8_t)(jf), (uint32_t)(k) })

/* Conditional jumps (jeq, jgt, jge, jset) carry jt and jf; ja carries k. */
#define LCAP_BPF_IS_COND_JUMP(code) \
    (LCAP_BPF_CLASS(code) == LCAP_BPF_JMP && LCAP_BPF_OP(code) != LCAP_BPF_JA)

/* Scratch memory words. */
#define LCAP_BPF_MEMWORDS 16

/* The longest program libcapture accepts: libpcap's BPF_MAXINSNS, the
 * limit of its userland bpf_validate() and of what pcap_compile() emits. */
#define LCAP_BPF_MAXINSNS 4096

/* The longest program a BSD kernel takes with BIOCSETF (BPF_MAXINSNS in the
 * FreeBSD, NetBSD, OpenBSD and macOS kernels; FreeBSD's sysctl
 * net.bpf.maxinsns defaults to it). Longer programs are filtered in
 * userland: see lcap_bpf_kernel_accepts(). */
#define LCAP_BPF_KERNEL_MAXINSNS 512

#endif
