/* filter.c - the emulated kernel's own classic BPF interpreter, with bpf(4)'s rules (a load out of the packet or a division by zero rejects it), for records the Linux kernel's filter never sees: those rewritten to another link type. */
/* SPDX-License-Identifier: BSD-2-Clause */
/* Why a second interpreter beside src/bpf/vm.c, on purpose: this device is
 * the kernel the library's BPF device source is tested against, so its
 * filtering must not be the code under test. For the interface's own link
 * type Linux's BPF engine (SO_ATTACH_FILTER) filters, and Linux's validator
 * decides what BIOCSETF takes (EINVAL otherwise, as bpf(4)); this file only
 * keeps the rewritten types as independent. Running the library's machine
 * here would let a bug in it pass on both sides of a live test (the kernel
 * filter and the reader's userland fallback answering alike), and the
 * device, never sanitized since it is preloaded into sh, ip and python,
 * would need its own unsanitized build of src/bpf. The price is this small
 * file and one test that the two machines agree: bpf_diff runs it beside
 * the library's on its random programs that Linux's validator lets in. The one
 * thing BSD kernels leave to the machine, a shift by X >= 32, gives 0 here,
 * as in libpcap and the library. */
#include "bpfdev.h"

#include <linux/filter.h>

static uint32_t load(const uint8_t *p, uint32_t off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v = v << 8 | p[off + i];
    return v;
}

/* The value an ALU operation gives, or -1 for a division by zero. */
static int64_t alu(uint16_t op, uint32_t a, uint32_t v)
{
    switch (op) {
    case BPF_ADD: return (uint32_t)(a + v);
    case BPF_SUB: return (uint32_t)(a - v);
    case BPF_MUL: return (uint32_t)(a * v);
    case BPF_DIV: return v == 0 ? -1 : (int64_t)(a / v);
    case BPF_MOD: return v == 0 ? -1 : (int64_t)(a % v);
    case BPF_OR: return a | v;
    case BPF_AND: return a & v;
    case BPF_XOR: return a ^ v;
    case BPF_LSH: return v < 32 ? (uint32_t)(a << v) : 0;
    case BPF_RSH: return v < 32 ? a >> v : 0;
    case BPF_NEG: return (uint32_t)-a;
    default: return -1;
    }
}

unsigned bpfdev_filter(const struct bpfdev_insn *prog, unsigned n, const uint8_t *p, size_t wirelen,
                       size_t buflen)
{
    /* Bytes loaded by each size field (0 for the fourth, which has none). */
    static const unsigned sizes[4] = { [BPF_W >> 3] = 4, [BPF_H >> 3] = 2, [BPF_B >> 3] = 1 };
    uint32_t a = 0, x = 0, mem[16] = { 0 };
    for (unsigned pc = 0; pc < n; pc++) {
        const struct bpfdev_insn *in = &prog[pc];
        uint16_t code = in->code;
        uint32_t k = in->k;
        switch (BPF_CLASS(code)) {
        case BPF_LD:
        case BPF_LDX: {
            uint32_t v;
            uint64_t off = BPF_MODE(code) == BPF_IND ? (uint64_t)x + k : k;
            unsigned size = sizes[(BPF_SIZE(code) >> 3) & 3];
            switch (BPF_MODE(code)) {
            case BPF_IMM: v = k; break;
            case BPF_LEN: v = (uint32_t)wirelen; break;
            case BPF_MEM: if (k >= 16) return 0; v = mem[k]; break;
            case BPF_IND:
            case BPF_ABS:
                if (size == 0 || off + size > buflen)
                    return 0;
                v = load(p, (uint32_t)off, size);
                break;
            case BPF_MSH: if (k >= buflen) return 0; v = (uint32_t)(p[k] & 0xf) << 2; break;
            default: return 0;
            }
            if (BPF_CLASS(code) == BPF_LD)
                a = v;
            else
                x = v;
            break;
        }
        case BPF_ST: if (k >= 16) return 0; mem[k] = a; break;
        case BPF_STX: if (k >= 16) return 0; mem[k] = x; break;
        case BPF_ALU: {
            int64_t v = alu(BPF_OP(code), a, BPF_SRC(code) == BPF_X ? x : k);
            if (v < 0)
                return 0;
            a = (uint32_t)v;
            break;
        }
        case BPF_JMP: {
            uint32_t v = BPF_SRC(code) == BPF_X ? x : k;
            int taken;
            switch (BPF_OP(code)) {
            case BPF_JA: pc += k; continue;
            case BPF_JEQ: taken = a == v; break;
            case BPF_JGT: taken = a > v; break;
            case BPF_JGE: taken = a >= v; break;
            case BPF_JSET: taken = (a & v) != 0; break;
            default: return 0;
            }
            pc += taken ? in->jt : in->jf;
            break;
        }
        case BPF_RET: return BPF_RVAL(code) == BPF_A ? a : k;
        case BPF_MISC: if (BPF_MISCOP(code) == BPF_TAX) x = a; else a = x; break;
        }
    }
    return 0; /* ran off the end: the kernel's validator never lets that in */
}
