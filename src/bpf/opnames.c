/* opnames.c - mnemonic and operand form of every valid classic BPF opcode, as data. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "bpf/opnames.h"

#include "bpf/opcodes.h"

#define AS_OPNAME(op, code, name, operand, kernel, pcap_unimp) \
    { (code), name, LCAP_OPND_##operand, LCAP_BPF_IS_COND_JUMP(code), pcap_unimp },
const struct lcap_bpf_opname lcap_bpf_opnames[] = { LCAP_BPF_OPCODES(AS_OPNAME) };
#undef AS_OPNAME

const size_t lcap_bpf_opnames_count = sizeof lcap_bpf_opnames / sizeof lcap_bpf_opnames[0];

/* Each opcode's row in lcap_bpf_opnames, plus one; 0 for an invalid opcode. */
enum {
#define AS_ROW(op, ...) ROW_##op,
    LCAP_BPF_OPCODES(AS_ROW)
#undef AS_ROW
};
static const uint8_t row_of[256] = {
#define AS_ROW_OF(op, code, ...) [code] = ROW_##op + 1,
    LCAP_BPF_OPCODES(AS_ROW_OF)
#undef AS_ROW_OF
};

const struct lcap_bpf_opname *lcap_bpf_opname(uint16_t code)
{
    return code < 256 && row_of[code] != 0 ? &lcap_bpf_opnames[row_of[code] - 1] : NULL;
}

const struct lcap_bpf_ancillary lcap_bpf_ancillaries[] = {
    { 0, "proto" },    { 4, "type" },       { 8, "ifidx" },   { 12, "nla" },
    { 16, "nlan" },    { 20, "mark" },      { 24, "queue" },  { 28, "hatype" },
    { 32, "rxhash" },  { 36, "cpu" },       { 40, "xor_x" },  { LCAP_BPF_ANC_VLAN_TAG, "vlan_tci" },
    { LCAP_BPF_ANC_VLAN_TAG_PRESENT, "vlanp" },   { 52, "poff" },      { 56, "random" }, { 60, "vlan_tpid" },
};

const size_t lcap_bpf_ancillaries_count =
    sizeof lcap_bpf_ancillaries / sizeof lcap_bpf_ancillaries[0];

const char *lcap_bpf_ancillary_name(uint32_t k)
{
    if (k < LCAP_BPF_ANC_BASE)
        return NULL;
    for (size_t i = 0; i < lcap_bpf_ancillaries_count; i++)
        if (k - LCAP_BPF_ANC_BASE == lcap_bpf_ancillaries[i].offset)
            return lcap_bpf_ancillaries[i].name;
    return NULL;
}
