/* fuzz_filter.c - libFuzzer harness for the filter compiler: any input must
 * give an error with a message or a program the validator accepts, and the
 * optimized and unoptimized programs must give the same answer on a packet
 * taken from the input.
 *
 * Input layout: a first line naming the link type (a DLT name such as
 * "EN10MB"; an unknown one means EN10MB), then the expression up to a NUL
 * byte or the end, then the packet (the bytes after the NUL; without them,
 * the whole input is the packet). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SNAPLEN 262144
#define FUZZ_MAX_EXPR 4096

/* Refused: the message must be there. Compiled: the validator must take
 * the program as it stands. */
static capture_bpf *compile_checked(int dlt, const char *expr, int optimize)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    capture_bpf *prog = capture_compile(dlt, FUZZ_SNAPLEN, expr, optimize, 0xffffff00, err);
    if (prog == NULL) {
        if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
            abort();
        return NULL;
    }
    const struct capture_insn *insns;
    size_t n = capture_bpf_insns(prog, &insns);
    capture_bpf *again = capture_bpf_from_insns(insns, n, err);
    if (n == 0 || again == NULL)
        abort();
    capture_bpf_free(again);
    return prog;
}

/* libpcap master's optimizer drops a load whose value no longer matters
 * (accept.jsonl's ld_jset_0x00000000: "link[0:4] & 0 == 0" becomes "ret
 * #262144"), so on a packet too short for that load the unoptimized program
 * rejects and the optimized one accepts. That is the one difference allowed:
 * the unoptimized program rejected, and with the packet's bytes extended
 * (zeros past caplen) both programs agree. */
static int dropped_load(const capture_bpf *opt, const capture_bpf *unopt, const uint8_t *pkt,
                        uint32_t caplen, uint32_t unopt_answer)
{
    enum { PAD = 65536 };
    if (unopt_answer != 0 || opt == NULL)
        return 0;
    uint8_t *big = calloc(1, (size_t)caplen + PAD);
    if (big == NULL)
        return 1; /* out of memory says nothing of the compiler */
    memcpy(big, pkt, caplen);
    uint32_t n = caplen + PAD;
    int same = capture_bpf_filter(opt, big, n, n) == capture_bpf_filter(unopt, big, n, n);
    free(big);
    return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size < 64 ? size : 64);
    char dltname[64] = "EN10MB";
    size_t pos = 0;
    if (nl != NULL) {
        memcpy(dltname, data, (size_t)(nl - data));
        dltname[nl - data] = '\0';
        pos = (size_t)(nl - data) + 1;
    }
    int dlt = capture_datalink_name_to_val(dltname);
    if (dlt < 0)
        dlt = 1;

    const uint8_t *rest = data + pos;
    size_t restlen = size - pos;
    const uint8_t *nul = memchr(rest, '\0', restlen);
    size_t elen = nul ? (size_t)(nul - rest) : restlen;
    if (elen > FUZZ_MAX_EXPR)
        return 0;
    char *expr = malloc(elen + 1);
    if (expr == NULL)
        return 0;
    memcpy(expr, rest, elen);
    expr[elen] = '\0';

    /* The packet in a buffer of exactly its size, so any over-read is caught. */
    const uint8_t *pdata = nul ? nul + 1 : data;
    size_t plen = nul ? restlen - elen - 1 : size;
    uint8_t *pkt = malloc(plen ? plen : 1);
    if (pkt == NULL) {
        free(expr);
        return 0;
    }
    memcpy(pkt, pdata, plen);

    capture_bpf *opt = compile_checked(dlt, expr, 1);
    capture_bpf *unopt = compile_checked(dlt, expr, 0);
    uint32_t caplen = (uint32_t)plen, wire = caplen + (plen ? pkt[0] : 0);
    /* (The unoptimized program alone may be refused: too long to run.) */
    if (unopt != NULL) {
        uint32_t u = capture_bpf_filter(unopt, pkt, wire, caplen);
        /* A refusal of the optimized program means it matches nothing. */
        uint32_t o = opt ? capture_bpf_filter(opt, pkt, wire, caplen) : 0;
        if (u != o && !dropped_load(opt, unopt, pkt, caplen, u))
            abort();
    }
    capture_bpf_free(opt);
    capture_bpf_free(unopt);
    free(pkt);
    free(expr);
    return 0;
}
