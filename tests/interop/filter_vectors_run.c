/* filter_vectors_run.c - compiles filter vectors with libcapture's compiler, one request a line
 * on standard input, answers one line each (driven by filter_vectors.py).
 *
 *   A <savefile> <netmask-hex> <expr>   compile for the file, print "R v1 v2 ..." (the program's
 *                                       return value on each packet) or "E message"
 *   C <dlt-name> <netmask-hex> <expr>   compile (optimized) for a DLT: "L <insns>" or "E message"
 *   O <savefile>                        open a savefile: "R" (read to the end) or "E message"
 * Fields are tab-separated; every program compiled is checked to pass the validator
 * (capture_bpf_from_insns) again. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

static void answer_apply(const char *file, uint32_t mask, const char *expr)
{
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_open_offline(file, err);
    if (r == NULL) {
        printf("E cannot open %s: %s\n", file, err);
        return;
    }
    capture_bpf *p = capture_compile(capture_datalink(r), capture_snapshot(r), expr, 1, mask, err);
    if (p == NULL) {
        printf("E %s\n", err);
        capture_close(r);
        return;
    }
    const struct capture_insn *ins;
    size_t n = capture_bpf_insns(p, &ins);
    capture_bpf *again = capture_bpf_from_insns(ins, n, err);
    if (again == NULL) {
        printf("E program fails validation: %s\n", err);
        capture_bpf_free(p);
        capture_close(r);
        return;
    }
    capture_bpf_free(again);
    capture_pkthdr h;
    const uint8_t *data;
    printf("R %zu", n);
    while (capture_next(r, &h, &data) == 1)
        printf(" %u", capture_bpf_filter(p, data, h.len, h.caplen));
    printf("\n");
    capture_bpf_free(p);
    capture_close(r);
}

static void answer_compile(const char *dltname, uint32_t mask, const char *expr)
{
    char err[CAPTURE_ERRBUF_SIZE];
    int dlt = capture_datalink_name_to_val(dltname);
    if (dlt < 0) {
        printf("E unknown DLT %s\n", dltname);
        return;
    }
    capture_bpf *p = capture_compile(dlt, 262144, expr, 1, mask, err);
    if (p == NULL) {
        printf("E %s\n", err[0] ? err : "(empty message)");
        return;
    }
    const struct capture_insn *ins;
    printf("L %zu\n", capture_bpf_insns(p, &ins));
    capture_bpf_free(p);
}

int main(void)
{
    static char line[1 << 20];
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof(line), stdin) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *f[4] = { 0 };
        char *p = line;
        for (int i = 0; i < 4 && p != NULL; i++) {
            f[i] = p;
            p = i < 3 ? strchr(p, '\t') : NULL;
            if (p != NULL)
                *p++ = '\0';
        }
        if (f[0] != NULL && strcmp(f[0], "O") == 0 && f[1] != NULL) {
            char err[CAPTURE_ERRBUF_SIZE];
            capture_reader *r = capture_open_offline(f[1], err);
            if (r == NULL) {
                printf("E %s\n", err);
                continue;
            }
            capture_pkthdr h;
            const uint8_t *d;
            int got;
            while ((got = capture_next(r, &h, &d)) == 1)
                ;
            if (got == CAPTURE_ERROR)
                printf("E %s\n", capture_geterr(r));
            else
                printf("R\n");
            capture_close(r);
            continue;
        }
        if (f[0] == NULL || f[1] == NULL || f[2] == NULL || f[3] == NULL) {
            printf("E bad request\n");
            continue;
        }
        uint32_t mask = (uint32_t)strtoul(f[2], NULL, 16);
        if (strcmp(f[0], "A") == 0)
            answer_apply(f[1], mask, f[3]);
        else
            answer_compile(f[1], mask, f[3]);
    }
    return 0;
}
