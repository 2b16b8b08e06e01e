/* opnames.h - the valid classic BPF opcodes with their mnemonics and operand forms, as data. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_BPF_OPNAMES_H
#define LCAP_BPF_OPNAMES_H

#include <stddef.h>
#include <stdint.h>

/* How an instruction's operand is written in tcpdump -d text. */
enum lcap_bpf_operand {
    LCAP_OPND_NONE,    /* tax, txa, neg, ret a: nothing */
    LCAP_OPND_IMM_HEX, /* #0x1f: k in hexadecimal */
    LCAP_OPND_IMM_DEC, /* #31: k as a signed decimal */
    LCAP_OPND_ABS,     /* [k]: packet bytes at k */
    LCAP_OPND_IND,     /* [x + k]: packet bytes at X + k */
    LCAP_OPND_MEM,     /* M[k]: scratch memory word k */
    LCAP_OPND_MSH,     /* 4*([k]&0xf): IP header length at k */
    LCAP_OPND_PKTLEN,  /* #pktlen: the packet's wire length */
    LCAP_OPND_X,       /* x: the index register */
    LCAP_OPND_JA,      /* an absolute target line: pc + 1 + k */
};

struct lcap_bpf_opname {
    uint16_t code;
    const char *name;
    enum lcap_bpf_operand operand;
    /* Conditional jumps carry "jt N jf M" after the operand. */
    uint8_t cond_jump;
    /* libpcap 1.10.3's bpf_image() does not know this valid opcode and
     * prints it as "unimp"; tcpdump -d output must keep doing so. */
    uint8_t pcap_unimp;
};

/* Every valid opcode, in ascending code order (rows of LCAP_BPF_OPCODES). */
extern const struct lcap_bpf_opname lcap_bpf_opnames[];
extern const size_t lcap_bpf_opnames_count;

/* Linux's ancillary data words: packet loads at k = LCAP_BPF_ANC_BASE + offset
 * read socket metadata instead; libpcap on Linux prints them by name. */
#define LCAP_BPF_ANC_BASE 0xfffff000u
/* The two the BPF machine answers from a packet's metadata (program.h). */
#define LCAP_BPF_ANC_VLAN_TAG 44u
#define LCAP_BPF_ANC_VLAN_TAG_PRESENT 48u

struct lcap_bpf_ancillary {
    uint32_t offset;
    const char *name;
};

extern const struct lcap_bpf_ancillary lcap_bpf_ancillaries[];
extern const size_t lcap_bpf_ancillaries_count;

/* The name libpcap gives the ancillary word at absolute load offset k, or NULL. */
const char *lcap_bpf_ancillary_name(uint32_t k);

/* The entry for code, or NULL when code is not a valid classic BPF opcode. */
const struct lcap_bpf_opname *lcap_bpf_opname(uint16_t code);

#endif
