/* filter_accept_run.c - runs libcapture's program for an expression and libpcap master's
 * expected program (tcpdump -d text from accept.jsonl) over a corpus of packets, and says
 * whether every return value agrees (driven by filter_accept.py).
 *
 *   usage: filter_accept_run SAVEFILE...   (the corpus), then one request a line on stdin:
 *   <dlt-name> TAB <snaplen> TAB <netmask-hex> TAB <optimize 0/1> TAB <expr> TAB <program, \n escaped>
 * answers: "S n mine want" (agree on n packets; the two programs' lengths), "D i mine want" (first disagreement, packet i),
 * "E message" (libcapture refused), "N" (libpcap refuses: expected program null) with
 * "U message" when libcapture compiled what libpcap refuses, "A message" (expected unusable). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

typedef struct pkt {
    uint8_t *data;
    uint32_t caplen, len;
} pkt;

static pkt *corpus;
static size_t npkt, cap;

static void load(const char *file)
{
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_open_offline(file, err);
    if (r == NULL)
        return;
    capture_pkthdr h;
    const uint8_t *d;
    while (capture_next(r, &h, &d) == 1 && npkt < 200000) {
        if (npkt == cap) {
            cap = cap ? cap * 2 : 4096;
            corpus = realloc(corpus, cap * sizeof(*corpus));
            if (corpus == NULL)
                exit(1);
        }
        pkt *p = &corpus[npkt++];
        p->data = malloc(h.caplen ? h.caplen : 1);
        if (p->data == NULL)
            exit(1);
        memcpy(p->data, d, h.caplen);
        p->caplen = h.caplen;
        p->len = h.len;
    }
    capture_close(r);
}

static void unescape(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] == 'n') {
            *o++ = '\n';
            s++;
        } else if (s[0] == '\\' && s[1] == 't') {
            *o++ = '\t';
            s++;
        } else if (s[0] == '\\' && s[1] == '\\') {
            *o++ = '\\';
            s++;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

int main(int argc, char **argv)
{
    static char line[1 << 20];
    for (int i = 1; i < argc; i++)
        load(argv[i]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof(line), stdin) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *f[6];
        char *p = line;
        int nf = 0;
        for (; nf < 6 && p != NULL; nf++) {
            f[nf] = p;
            p = nf < 5 ? strchr(p, '\t') : NULL;
            if (p != NULL)
                *p++ = '\0';
        }
        if (nf < 6) {
            printf("A bad request\n");
            continue;
        }
        char err[CAPTURE_ERRBUF_SIZE];
        unescape(f[4]);
        int dlt = capture_datalink_name_to_val(f[0]);
        /* an optimize field ending in 's': compiled for a savefile (generate_offline_filter rows) */
        capture_bpf *mine = dlt < 0 ? NULL
                            : (strchr(f[3], 's') ? capture_compile_savefile : capture_compile)(
                                  dlt, atoi(f[1]), f[4], atoi(f[3]), (uint32_t)strtoul(f[2], NULL, 16), err);
        if (strcmp(f[5], "-") == 0) {
            if (mine != NULL)
                printf("U compiled what libpcap refuses\n");
            else
                printf("N %s\n", err);
            capture_bpf_free(mine);
            continue;
        }
        if (mine == NULL) {
            printf("E %s\n", dlt < 0 ? "unknown DLT" : err);
            continue;
        }
        unescape(f[5]);
        capture_bpf *want = capture_bpf_assemble(f[5], err);
        if (want == NULL) {
            printf("A %s\n", err);
            capture_bpf_free(mine);
            continue;
        }
        size_t i;
        for (i = 0; i < npkt; i++) {
            uint32_t a = capture_bpf_filter(mine, corpus[i].data, corpus[i].len, corpus[i].caplen);
            uint32_t b = capture_bpf_filter(want, corpus[i].data, corpus[i].len, corpus[i].caplen);
            if (a != b) {
                printf("D %zu %u %u\n", i, a, b);
                break;
            }
        }
        if (i == npkt) {
            const struct capture_insn *ins;
            printf("S %zu %zu %zu\n", npkt, capture_bpf_insns(mine, &ins), capture_bpf_insns(want, &ins));
        }
        capture_bpf_free(mine);
        capture_bpf_free(want);
    }
    return 0;
}
