/* pcap/bpf.h - libcapture-pcap: BPF program types, opcodes and bpf_filter(), as libpcap names them. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIBCAPTURE_PCAP_BPF_H
#define LIBCAPTURE_PCAP_BPF_H

#include <sys/types.h>

#include <pcap/funcattrs.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int bpf_int32;
typedef unsigned int bpf_u_int32;

/* Instruction layout shared with the kernels (and libcapture's capture_insn). */
struct bpf_insn {
    unsigned short code;
    unsigned char jt;
    unsigned char jf;
    bpf_u_int32 k;
};

/* A program: bf_len instructions at bf_insns (pcap_compile fills one in). */
struct bpf_program {
    unsigned int bf_len;
    struct bpf_insn *bf_insns;
};

#define BPF_RELEASE 199606
#define BPF_ALIGNMENT sizeof(bpf_int32)
#define BPF_WORDALIGN(x) (((x) + (BPF_ALIGNMENT - 1)) & ~(BPF_ALIGNMENT - 1))
#define BPF_MAXINSNS 4096
#define BPF_MEMWORDS 16

/* Instruction classes and fields. */
#define BPF_CLASS(code) ((code) & 0x07)
#define BPF_LD   0x00
#define BPF_LDX  0x01
#define BPF_ST   0x02
#define BPF_STX  0x03
#define BPF_ALU  0x04
#define BPF_JMP  0x05
#define BPF_RET  0x06
#define BPF_MISC 0x07

#define BPF_SIZE(code) ((code) & 0x18)
#define BPF_W 0x00
#define BPF_H 0x08
#define BPF_B 0x10

#define BPF_MODE(code) ((code) & 0xe0)
#define BPF_IMM 0x00
#define BPF_ABS 0x20
#define BPF_IND 0x40
#define BPF_MEM 0x60
#define BPF_LEN 0x80
#define BPF_MSH 0xa0

#define BPF_OP(code) ((code) & 0xf0)
#define BPF_ADD 0x00
#define BPF_SUB 0x10
#define BPF_MUL 0x20
#define BPF_DIV 0x30
#define BPF_OR  0x40
#define BPF_AND 0x50
#define BPF_LSH 0x60
#define BPF_RSH 0x70
#define BPF_NEG 0x80
#define BPF_MOD 0x90
#define BPF_XOR 0xa0

#define BPF_JA   0x00
#define BPF_JEQ  0x10
#define BPF_JGT  0x20
#define BPF_JGE  0x30
#define BPF_JSET 0x40

#define BPF_SRC(code) ((code) & 0x08)
#define BPF_K 0x00
#define BPF_X 0x08

#define BPF_RVAL(code) ((code) & 0x18)
#define BPF_A 0x10

#define BPF_MISCOP(code) ((code) & 0xf8)
#define BPF_TAX 0x00
#define BPF_TXA 0x80

#define BPF_STMT(code, k) { (unsigned short)(code), 0, 0, k }
#define BPF_JUMP(code, k, jt, jf) { (unsigned short)(code), jt, jf, k }

/* Runs a program over a packet (wirelen on the wire, buflen present). */
PCAP_API unsigned int bpf_filter(const struct bpf_insn *pc, const unsigned char *pkt,
                                 unsigned int wirelen, unsigned int buflen);
/* Non-zero when the len instructions at f form a valid program. */
PCAP_API int bpf_validate(const struct bpf_insn *f, int len);
/* One instruction as tcpdump -d prints it (static buffer). */
PCAP_API char *bpf_image(const struct bpf_insn *p, int n);
/* Prints a program to stdout as tcpdump -d (option 1), -dd (2) or -ddd (3, or more). */
PCAP_API void bpf_dump(const struct bpf_program *p, int option);

#include <pcap/dlt.h>

#ifdef __cplusplus
}
#endif

#endif
