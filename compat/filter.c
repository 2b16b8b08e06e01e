/* filter.c - libcapture-pcap: pcap_compile and friends, and bpf_filter/validate/image/dump on raw arrays. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"

/* struct bpf_insn and capture_insn are the same layout: the casts below rely on it. */
_Static_assert(sizeof(struct bpf_insn) == sizeof(struct capture_insn), "bpf_insn layout");

/* Moves a compiled program into fp (a malloc'ed copy pcap_freecode frees). */
static int to_program(capture_bpf *prog, struct bpf_program *fp)
{
    const struct capture_insn *insns;
    size_t n = capture_bpf_insns(prog, &insns);
    struct bpf_insn *copy = malloc(n * sizeof(*copy));

    if (copy == NULL) {
        capture_bpf_free(prog);
        return PCAP_ERROR;
    }
    memcpy(copy, insns, n * sizeof(*copy));
    capture_bpf_free(prog);
    fp->bf_len = (unsigned int)n;
    fp->bf_insns = copy;
    return 0;
}

/* For handle r (a savefile's rules, Linux's VLAN handling on a live Linux
 * capture), or for a link type and snapshot length when r is NULL. */
static int compile(const capture_reader *r, int linktype, int snaplen, struct bpf_program *fp, const char *str,
                   int optimize, bpf_u_int32 netmask, char *errbuf)
{
    if (fp == NULL) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "no bpf_program given");
        return PCAP_ERROR;
    }
    capture_bpf *prog = r != NULL ? capture_compile_for(r, str, optimize, netmask, errbuf)
                                  : capture_compile(linktype, snaplen, str, optimize, netmask, errbuf);
    if (prog == NULL)
        return PCAP_ERROR;
    if (to_program(prog, fp) < 0) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
        return PCAP_ERROR;
    }
    return 0;
}

int pcap_compile(pcap_t *p, struct bpf_program *fp, const char *str, int optimize,
                 bpf_u_int32 netmask)
{
    if (p == NULL)
        return PCAP_ERROR;
    if (!p->activated) {
        snprintf(p->errbuf, sizeof p->errbuf, "not-yet-activated pcap_t passed to pcap_compile");
        return PCAP_ERROR;
    }
    return compile(p->r, 0, 0, fp, str, optimize, netmask, p->errbuf);
}

int pcap_compile_nopcap(int snaplen, int linktype, struct bpf_program *fp, const char *str,
                        int optimize, bpf_u_int32 netmask)
{
    char errbuf[PCAP_ERRBUF_SIZE];

    return compile(NULL, linktype, snaplen, fp, str, optimize, netmask, errbuf);
}

void pcap_freecode(struct bpf_program *fp)
{
    if (fp == NULL)
        return;
    free(fp->bf_insns);
    fp->bf_insns = NULL;
    fp->bf_len = 0;
}

int pcap_setfilter(pcap_t *p, struct bpf_program *fp)
{
    if (p == NULL)
        return PCAP_ERROR;
    int not_activated = lcap_pcap_check_activated(p);
    if (not_activated != 0)
        return not_activated;
    if (fp == NULL || fp->bf_insns == NULL) {
        snprintf(p->errbuf, sizeof p->errbuf, "no filter program given");
        return PCAP_ERROR;
    }
    capture_bpf *prog = capture_bpf_from_insns((const struct capture_insn *)fp->bf_insns, fp->bf_len,
                                               p->errbuf);
    if (prog == NULL)
        return PCAP_ERROR;
    int rc = capture_setfilter_bpf(p->r, prog);
    capture_bpf_free(prog);
    if (rc < 0)
        lcap_pcap_seterr(p);
    return rc < 0 ? PCAP_ERROR : 0;
}

int pcap_offline_filter(const struct bpf_program *fp, const struct pcap_pkthdr *h,
                        const unsigned char *pkt)
{
    if (fp == NULL || h == NULL)
        return 0;
    return (int)bpf_filter(fp->bf_insns, pkt, h->len, h->caplen);
}

/* libpcap runs an array as given; invalid ones here (which could read out of
 * bounds) reject the packet instead. */
unsigned int bpf_filter(const struct bpf_insn *pc, const unsigned char *pkt, unsigned int wirelen,
                        unsigned int buflen)
{
    if (pc == NULL) /* libpcap: no program accepts everything */
        return (unsigned int)-1;
    /* The length is not given: the program ends at its first reachable-by-fall-through return;
     * count up to the last instruction a valid program may have. */
    size_t n = 0;
    while (n < BPF_MAXINSNS && BPF_CLASS(pc[n].code) != BPF_RET)
        n++;
    capture_bpf *prog = NULL;
    /* A valid program's last instruction is a return; try the shortest prefix ending in one
     * and extend past returns that jumps skip. */
    for (; n < BPF_MAXINSNS && prog == NULL; n++)
        if (BPF_CLASS(pc[n].code) == BPF_RET)
            prog = capture_bpf_from_insns((const struct capture_insn *)pc, n + 1, NULL);
    if (prog == NULL)
        return 0;
    unsigned int v = capture_bpf_filter(prog, pkt, wirelen, buflen);
    capture_bpf_free(prog);
    return v;
}

int bpf_validate(const struct bpf_insn *f, int len)
{
    if (f == NULL || len <= 0)
        return 0;
    capture_bpf *prog = capture_bpf_from_insns((const struct capture_insn *)f, (size_t)len, NULL);
    capture_bpf_free(prog);
    return prog != NULL;
}

char *bpf_image(const struct bpf_insn *p, int n)
{
    static _Thread_local char line[128];

    if (capture_bpf_image_line((const struct capture_insn *)p, n, line, sizeof line) < 0)
        line[0] = '\0';
    return line;
}

void bpf_dump(const struct bpf_program *p, int option)
{
    if (p == NULL)
        return;
    int format = option > 2 ? 3 : option < 1 ? 1 : option;
    char *text = capture_bpf_image_insns((const struct capture_insn *)p->bf_insns, p->bf_len, format);
    if (text == NULL)
        return;
    fputs(text, stdout);
    free(text);
}
