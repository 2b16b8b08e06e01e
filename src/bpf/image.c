/* image.c - disassembler: instructions to tcpdump -d, -dd and -ddd text, as libpcap 1.10.3 prints them. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "bpf/image.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bpf/insn.h"
#include "bpf/opnames.h"

/* The operand text of a known instruction; pc matters only to ja. */
static void operand_text(const struct lcap_bpf_opname *op, const struct capture_insn *in, int pc,
                         char *buf, size_t len)
{
    int32_t sk = (int32_t)in->k;

    switch (op->operand) {
    case LCAP_OPND_NONE:    buf[0] = '\0'; break;
    case LCAP_OPND_IMM_HEX: snprintf(buf, len, "#0x%" PRIx32, in->k); break;
    case LCAP_OPND_IMM_DEC: snprintf(buf, len, "#%" PRId32, sk); break;
    case LCAP_OPND_ABS:
#ifdef __linux__
        /* libpcap names Linux's ancillary words only where they exist. */
        if (lcap_bpf_ancillary_name(in->k) != NULL) {
            snprintf(buf, len, "[%s]", lcap_bpf_ancillary_name(in->k));
            break;
        }
#endif
        snprintf(buf, len, "[%" PRId32 "]", sk);
        break;
    case LCAP_OPND_IND:     snprintf(buf, len, "[x + %" PRId32 "]", sk); break;
    case LCAP_OPND_MEM:     snprintf(buf, len, "M[%" PRId32 "]", sk); break;
    case LCAP_OPND_MSH:     snprintf(buf, len, "4*([%" PRId32 "]&0xf)", sk); break;
    case LCAP_OPND_PKTLEN:  snprintf(buf, len, "#pktlen"); break;
    case LCAP_OPND_X:       snprintf(buf, len, "x"); break;
    case LCAP_OPND_JA:
        /* The target wraps in 32 bits and reads as signed, as tcpdump shows it. */
        snprintf(buf, len, "%" PRId32, (int32_t)((uint32_t)pc + 1u + in->k));
        break;
    }
}

void lcap_bpf_image_line(const struct capture_insn *in, int pc, char *line)
{
    const struct lcap_bpf_opname *op = lcap_bpf_opname(in->code);
    const char *name;
    char operand[32];

    if (op != NULL && !op->pcap_unimp) {
        name = op->name;
        operand_text(op, in, pc, operand, sizeof operand);
    } else {
        name = "unimp";
        snprintf(operand, sizeof operand, "0x%x", (unsigned)in->code);
    }
    /* The jt/jf columns follow the class and operation bits alone, so
     * unknown opcodes of the jump class get them too. */
    if (LCAP_BPF_IS_COND_JUMP(in->code))
        snprintf(line, LCAP_BPF_IMAGE_LINE, "(%03d) %-8s %-16s jt %d\tjf %d", pc, name, operand,
                 pc + 1 + in->jt, pc + 1 + in->jf);
    else
        snprintf(line, LCAP_BPF_IMAGE_LINE, "(%03d) %-8s %s", pc, name, operand);
}

char *lcap_bpf_image(const struct capture_insn *insns, size_t n, int format)
{
    /* Every format's line fits in LCAP_BPF_IMAGE_LINE bytes plus its newline. */
    const size_t per_line = LCAP_BPF_IMAGE_LINE + 1;
    size_t cap, used = 0;
    char *out;

    if (format < CAPTURE_BPF_IMAGE_TEXT || format > CAPTURE_BPF_IMAGE_DECIMAL)
        return NULL;
    if (n > 0 && insns == NULL)
        return NULL;
    if (n > (size_t)INT32_MAX || n > (SIZE_MAX - 32) / per_line)
        return NULL;
    cap = n * per_line + 32;
    out = malloc(cap);
    if (out == NULL)
        return NULL;
    out[0] = '\0';
    if (format == CAPTURE_BPF_IMAGE_DECIMAL)
        used += (size_t)snprintf(out, cap, "%zu\n", n);
    for (size_t i = 0; i < n; i++) {
        const struct capture_insn *in = &insns[i];
        char line[LCAP_BPF_IMAGE_LINE];

        switch (format) {
        case CAPTURE_BPF_IMAGE_TEXT:
            lcap_bpf_image_line(in, (int)i, line);
            break;
        case CAPTURE_BPF_IMAGE_C_ARRAY:
            snprintf(line, sizeof line, "{ 0x%x, %u, %u, 0x%08" PRIx32 " },", (unsigned)in->code,
                     (unsigned)in->jt, (unsigned)in->jf, in->k);
            break;
        default:
            snprintf(line, sizeof line, "%u %u %u %" PRIu32, (unsigned)in->code, (unsigned)in->jt,
                     (unsigned)in->jf, in->k);
            break;
        }
        used += (size_t)snprintf(out + used, cap - used, "%s\n", line);
    }
    return out;
}
