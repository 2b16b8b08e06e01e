/* validate.c - the checks libpcap's and the BSD kernels' bpf_validate() make on a
 * classic BPF program before running it, with a message naming the first offending
 * instruction; and whether a BSD kernel, stricter, would take the program itself. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "bpf/program.h"

#include "bpf/opcodes.h"
#include "bpf/opnames.h"
#include "compat.h"

/* Opcodes every BSD kernel's validator accepts (the "kernel" column). */
static const uint8_t kernel_opcode[256] = {
#define AS_KERNEL(op, code, name, operand, kernel, pcap_unimp) [code] = kernel,
    LCAP_BPF_OPCODES(AS_KERNEL)
#undef AS_KERNEL
};

/* Whether the instruction addresses scratch memory M[k]. */
static int uses_scratch(uint16_t code)
{
    switch (LCAP_BPF_CLASS(code)) {
    case LCAP_BPF_LD:
    case LCAP_BPF_LDX:
        return LCAP_BPF_MODE(code) == LCAP_BPF_MEM;
    case LCAP_BPF_ST:
    case LCAP_BPF_STX:
        return 1;
    default:
        return 0;
    }
}

/* Checks that a jump from instruction i lands inside the program. Targets
 * are computed in 64 bits so that a huge ja offset cannot wrap around. */
static int check_target(size_t i, const char *name, uint64_t offset, size_t n, char *errbuf)
{
    uint64_t target = (uint64_t)i + 1 + offset;
    if (target >= n) {
        lcap_errf(errbuf, "instruction %zu (%s): jump target %llu is past the end of the %zu-instruction program",
                  i, name, (unsigned long long)target, n);
        return -1;
    }
    return 0;
}

int lcap_bpf_validate(const struct capture_insn *insns, size_t n, char *errbuf)
{
    if (n == 0) {
        lcap_errf(errbuf, "empty program: a BPF program needs at least one instruction");
        return -1;
    }
    if (n > LCAP_BPF_MAXINSNS) {
        lcap_errf(errbuf, "program too long: %zu instructions, the most libcapture runs is %d "
                  "(libpcap's limit; a BSD kernel takes at most %d)",
                  n, LCAP_BPF_MAXINSNS, LCAP_BPF_KERNEL_MAXINSNS);
        return -1;
    }
    if (insns == NULL) {
        lcap_errf(errbuf, "no instructions given (NULL) for a %zu-instruction program", n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const struct capture_insn *p = &insns[i];
        const struct lcap_bpf_opname *op = lcap_bpf_opname(p->code);

        if (op == NULL) {
            lcap_errf(errbuf, "instruction %zu: unknown opcode 0x%04x", i, p->code);
            return -1;
        }
        const char *name = op->name;
        if (uses_scratch(p->code) && p->k >= LCAP_BPF_MEMWORDS) {
            lcap_errf(errbuf, "instruction %zu (%s): scratch memory index %u is out of range (M[0] to M[%d])",
                      i, name, p->k, LCAP_BPF_MEMWORDS - 1);
            return -1;
        }
        if (LCAP_BPF_CLASS(p->code) == LCAP_BPF_ALU && LCAP_BPF_SRC(p->code) == LCAP_BPF_K &&
            (LCAP_BPF_OP(p->code) == LCAP_BPF_DIV || LCAP_BPF_OP(p->code) == LCAP_BPF_MOD) &&
            p->k == 0) {
            lcap_errf(errbuf, "instruction %zu (%s): %s by the constant 0", i, name,
                      LCAP_BPF_OP(p->code) == LCAP_BPF_DIV ? "division" : "modulo");
            return -1;
        }
        if (LCAP_BPF_CLASS(p->code) == LCAP_BPF_JMP) {
            if (LCAP_BPF_OP(p->code) == LCAP_BPF_JA) {
                if (check_target(i, name, p->k, n, errbuf) < 0)
                    return -1;
            } else if (check_target(i, name, p->jt, n, errbuf) < 0 ||
                       check_target(i, name, p->jf, n, errbuf) < 0) {
                return -1;
            }
        }
    }
    if (LCAP_BPF_CLASS(insns[n - 1].code) != LCAP_BPF_RET) {
        lcap_errf(errbuf, "instruction %zu (%s): the last instruction must be a return (ret), or the program could run off its end",
                  n - 1, lcap_bpf_opname(insns[n - 1].code)->name);
        return -1;
    }
    return 0;
}

int lcap_bpf_kernel_accepts(const capture_bpf *prog)
{
    if (prog->n > LCAP_BPF_KERNEL_MAXINSNS)
        return 0;
    for (size_t i = 0; i < prog->n; i++)
        if (prog->insns[i].code >= 256 || !kernel_opcode[prog->insns[i].code])
            return 0;
    return 1;
}

int lcap_bpf_validate_no_aux(const capture_bpf *prog, char *errbuf)
{
    for (size_t i = 0; prog->reads_aux && i < prog->n; i++) {
        if (lcap_bpf_aux_load(&prog->insns[i]) != 0) {
            lcap_errf(errbuf, "instruction %zu (%s [%s]): reads the VLAN tag Linux's kernel takes "
                      "out of a packet, which only a live capture on Linux has",
                      i, lcap_bpf_opname(prog->insns[i].code)->name,
                      lcap_bpf_ancillary_name(prog->insns[i].k));
            return -1;
        }
    }
    return 0;
}
