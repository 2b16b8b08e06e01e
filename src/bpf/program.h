/* program.h - the private shape of capture_bpf and the internal BPF machine API
 * (validator, decoder, interpreter) shared by program.c, vm.c and image.c. */
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
    int reads_scratch;          /* has ld or ldx M[k]: scratch memory must be cleared */
};

/* Checks n instructions by the rules a BSD kernel applies before running a
 * program. 0 if valid; -1 with "instruction I (op): reason" in errbuf. */
int lcap_bpf_validate(const struct capture_insn *insns, size_t n, char *errbuf);

/* The mnemonic of a known opcode ("ldh", "jeq"...), NULL for an unknown one. */
const char *lcap_bpf_mnemonic(uint16_t code);

/* Decodes a validated program into a new array for lcap_bpf_run(); NULL when
 * out of memory. Free it with free(). */
struct lcap_bpf_op *lcap_bpf_decode(const struct capture_insn *insns, size_t n);

/* Runs decoded code over a packet with BSD bpf_filter() semantics;
 * reads_scratch is capture_bpf's field of that name. */
uint32_t lcap_bpf_run(const struct lcap_bpf_op *code, int reads_scratch, const uint8_t *pkt,
                      uint32_t wirelen, uint32_t caplen);

/* A new program from instructions already known to be valid (a copy of an
 * existing program); NULL when out of memory. */
capture_bpf *lcap_bpf_new_trusted(const struct capture_insn *insns, size_t n);

#endif
