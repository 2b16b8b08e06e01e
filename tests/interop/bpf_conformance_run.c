/* bpf_conformance_run.c - runs libpcap's filter conformance programs through
 * libcapture's assembler, validator, interpreter and savefile reader, with
 * libpcap as the oracle (driven by bpf_conformance.py, which turns the JSON
 * vectors into the two plain files read here).
 *
 * usage: bpf_conformance_run PROGRAMS APPLY SAVEFILE_DIR [MORE_DIR ...]
 * PROGRAMS: records "# name" then the program's tcpdump -d text, each ended
 *   by an empty line (the expected programs of accept.jsonl). Each must
 *   assemble and validate; it then runs in libcapture and in libpcap's
 *   bpf_filter() over every packet of every savefile in the directories,
 *   mutants of SAVEFILE_DIR's packets (a few bytes changed, to reach branches
 *   the captures do not) and random packets; every answer must agree.
 * APPLY: lines "name<TAB>savefile<TAB>netmask<TAB>expr<TAB>r1,r2,..." (the
 *   vectors of apply.jsonl). expr is compiled by libpcap's pcap_compile() for
 *   the file's link type and snapshot length; libcapture reads the file and
 *   runs the program on each packet; the return values must be r1, r2, ...
 *   exactly, as many as the file has packets. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "testrand.h"
#include "testutil.h"

#define RANDOM_PACKETS 256
#define RANDOM_MAXLEN 128
#define MUTANTS 4       /* of each packet of the conformance savefiles */
#define MUTATED_BYTES 3 /* changed in the first 64 bytes of each */

struct packet {
    uint8_t *data;
    uint32_t caplen, len;
};

static struct packet *packets;
static size_t npackets, packets_cap;

static lcap_test_rng rng = { 20261123 };

static uint32_t rnd(void) { return lcap_test_rand32(&rng); }

static int add_packet(const uint8_t *data, uint32_t caplen, uint32_t len)
{
    if (npackets == packets_cap) {
        size_t cap = packets_cap ? 2 * packets_cap : 1024;
        struct packet *np = realloc(packets, cap * sizeof(*np));
        if (np == NULL)
            return -1;
        packets = np;
        packets_cap = cap;
    }
    uint8_t *copy = malloc(caplen ? caplen : 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, data, caplen);
    packets[npackets++] = (struct packet){ copy, caplen, len };
    return 0;
}

/* Every packet libcapture reads from the files of dir (the deliberately
 * broken files contribute the packets before the damage), and mutants of
 * each if mutants is set. */
static int load_savefiles(const char *dir, int mutants)
{
    char **paths = NULL;
    size_t n = 0;
    if (lcap_test_list_dir(dir, &paths, &n) < 0 || n == 0) {
        FAIL("cannot list savefiles in %s", dir);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char err[CAPTURE_ERRBUF_SIZE];
        capture_reader *r = capture_open_offline(paths[i], err);
        if (r == NULL)
            continue; /* not a savefile, or one of the deliberately invalid ones */
        capture_pkthdr h;
        const uint8_t *d;
        while (capture_next(r, &h, &d) == 1) {
            if (add_packet(d, h.caplen, h.len) < 0)
                break;
            for (int m = 0; m < mutants && h.caplen > 0; m++) {
                if (add_packet(d, h.caplen, h.len) < 0)
                    break;
                uint8_t *copy = packets[npackets - 1].data;
                uint32_t span = h.caplen < 64 ? h.caplen : 64;
                for (int b = 0; b < MUTATED_BYTES; b++)
                    copy[rnd() % span] = (uint8_t)rnd();
            }
        }
        capture_close(r);
    }
    lcap_test_free_list(paths, n);
    return 0;
}

/* Random packets, so that branches no capture reaches run too. */
static void add_random_packets(void)
{
    uint8_t buf[RANDOM_MAXLEN];
    for (int i = 0; i < RANDOM_PACKETS; i++) {
        uint32_t len = rnd() % (RANDOM_MAXLEN + 1);
        for (uint32_t b = 0; b < len; b++)
            buf[b] = (uint8_t)(rnd() % 4 ? rnd() : rnd() % 16);
        add_packet(buf, len, len + (rnd() % 2 ? 0 : rnd() % 1500));
    }
}

/* Reads the next record of f into text (growing it): returns its name, or
 * NULL at the end. */
static char *next_record(FILE *f, char **text, size_t *cap)
{
    static char name[1024];
    char line[4096];
    size_t len = 0;
    if (fgets(name, sizeof(name), f) == NULL)
        return NULL;
    name[strcspn(name, "\n")] = '\0';
    (*text)[0] = '\0';
    while (fgets(line, sizeof(line), f) != NULL && line[0] != '\n') {
        size_t l = strlen(line);
        if (len + l + 1 > *cap) {
            *cap = 2 * (len + l + 1);
            char *nt = realloc(*text, *cap);
            if (nt == NULL)
                return NULL;
            *text = nt;
        }
        memcpy(*text + len, line, l + 1);
        len += l;
    }
    return name;
}

/* "...backward jump..." in our validator's message: a program libpcap runs
 * in userland but a BSD kernel, and so libcapture, refuses. */
static int is_backward_jump_refusal(const char *err)
{
    return strstr(err, "backward jump") != NULL || strstr(err, "past the end") != NULL;
}

/* The accept.jsonl programs: returns how many ran; *backward counts those
 * refused for a backward jump. */
static long run_programs(const char *path, long *answers, long *backward)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        FAIL("cannot open %s", path);
        return 0;
    }
    size_t cap = 4096;
    char *text = malloc(cap), *name;
    long programs = 0;
    while (text != NULL && (name = next_record(f, &text, &cap)) != NULL) {
        char err[CAPTURE_ERRBUF_SIZE] = "";
        capture_bpf *ours = capture_bpf_assemble(text, err);
        if (ours == NULL) {
            if (is_backward_jump_refusal(err))
                (*backward)++;
            else
                FAIL("%s: not assembled: %s", name, err);
            continue;
        }
        const struct capture_insn *insns;
        size_t n = capture_bpf_insns(ours, &insns);
        struct bpf_insn *theirs = calloc(n, sizeof(*theirs));
        if (theirs == NULL)
            break;
        for (size_t i = 0; i < n; i++)
            theirs[i] = (struct bpf_insn){ insns[i].code, insns[i].jt, insns[i].jf, insns[i].k };
        if (!bpf_validate(theirs, (int)n))
            FAIL("%s: libpcap's bpf_validate refuses the program", name);
        int reported = 0;
        for (size_t p = 0; p < npackets; p++) {
            const struct packet *pk = &packets[p];
            uint32_t a = capture_bpf_filter(ours, pk->data, pk->len, pk->caplen);
            uint32_t b = bpf_filter(theirs, pk->data, pk->len, pk->caplen);
            if (a != b && !reported) {
                FAIL("%s: packet %zu (caplen %u, len %u): libcapture %u, libpcap %u", name, p,
                     pk->caplen, pk->len, a, b);
                reported = 1;
            }
        }
        *answers += (long)npackets;
        programs++;
        free(theirs);
        capture_bpf_free(ours);
    }
    free(text);
    fclose(f);
    return programs;
}

/* What became of the apply.jsonl vectors. */
struct vector_counts {
    long run;          /* compiled by libpcap, run by both, answers compared */
    long reproduced;   /* ... and the answers are the vector's results */
    long not_compiled; /* libpcap 1.10 cannot compile the expression */
    long backward;     /* libpcap's program jumps backward (protochain) */
};

/* One apply.jsonl vector. libpcap compiles the expression (the oracle
 * compiler: libcapture has none yet); libcapture's reader and interpreter
 * and libpcap's reader and bpf_filter() then run it over the vector's file
 * side by side and must agree on every packet. Where libpcap 1.10's program
 * also gives the vector's results (the vectors come from a newer libpcap,
 * whose compiler fixed some link types), so does libcapture's run. */
static void run_vector(char *line, const char *dir, struct vector_counts *c)
{
    char *fields[5];
    char *save = NULL, *s = line;
    line[strcspn(line, "\n")] = '\0';
    for (int i = 0; i < 5; i++, s = NULL) {
        fields[i] = strtok_r(s, "\t", &save);
        if (fields[i] == NULL) {
            FAIL("malformed vector line");
            return;
        }
    }
    const char *name = fields[0], *expr = fields[3];
    char path[4096], err[CAPTURE_ERRBUF_SIZE], perr[PCAP_ERRBUF_SIZE];
    snprintf(path, sizeof(path), "%s/%s", dir, fields[1]);
    capture_reader *r = capture_open_offline(path, err);
    pcap_t *p = pcap_open_offline(path, perr);
    capture_bpf *ours = NULL;
    struct bpf_program bp = { 0, NULL };
    if (r == NULL || p == NULL) {
        FAIL("%s: %s", name, r == NULL ? err : perr);
        goto out;
    }
    uint32_t netmask = (uint32_t)strtoul(fields[2], NULL, 0);
    if (pcap_compile(p, &bp, expr, 1, netmask) < 0) {
        printf("  not compiled by libpcap: %s: \"%s\": %s\n", name, expr, pcap_geterr(p));
        c->not_compiled++;
        goto out;
    }
    ours = capture_bpf_from_insns((const struct capture_insn *)bp.bf_insns, bp.bf_len, err);
    if (ours == NULL) {
        if (is_backward_jump_refusal(err)) {
            printf("  refused, backward jump: %s: \"%s\"\n", name, expr);
            c->backward++;
        }
        else
            FAIL("%s: libcapture refuses libpcap's program for \"%s\": %s", name, expr, err);
        goto out;
    }
    const char *results = fields[4];
    char *next;
    int reproduced = 1, agreed = 1;
    capture_pkthdr h;
    struct pcap_pkthdr *ph;
    const uint8_t *d;
    const u_char *pd;
    size_t i = 0;
    for (;; i++) {
        int got_ours = capture_next(r, &h, &d), got_theirs = pcap_next_ex(p, &ph, &pd);
        if (got_ours != 1 || got_theirs != 1) {
            if ((got_ours == 1) != (got_theirs == 1))
                FAIL("%s: after %zu packets only one reader has more", name, i);
            break;
        }
        uint32_t a = capture_bpf_filter(ours, d, h.len, h.caplen);
        uint32_t b = bpf_filter(bp.bf_insns, pd, ph->len, ph->caplen);
        if (a != b && agreed) {
            FAIL("%s: \"%s\" on packet %zu: libcapture %u, libpcap %u", name, expr, i, a, b);
            agreed = 0;
        }
        unsigned long want = strtoul(results, &next, 10);
        reproduced &= next != results && a == want;
        results = *next == ',' ? next + 1 : next;
    }
    reproduced &= *results == '\0';
    c->run++;
    c->reproduced += reproduced && agreed;
out:
    if (bp.bf_insns != NULL)
        pcap_freecode(&bp);
    capture_bpf_free(ours);
    if (p != NULL)
        pcap_close(p);
    capture_close(r);
}

static void run_vectors(const char *path, const char *dir, struct vector_counts *c)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        FAIL("cannot open %s", path);
        return;
    }
    static char line[1 << 16];
    while (fgets(line, sizeof(line), f) != NULL)
        run_vector(line, dir, c);
    fclose(f);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bpf_conformance_run PROGRAMS APPLY SAVEFILE_DIR [MORE_DIR ...]\n");
        return 2;
    }
    for (int i = 3; i < argc; i++)
        if (load_savefiles(argv[i], i == 3 ? MUTANTS : 0) < 0)
            return 1;
    add_random_packets();
    long answers = 0, backward = 0;
    long programs = run_programs(argv[1], &answers, &backward);
    printf("bpf_conformance: accept.jsonl: %ld expected programs, each over %zu packets (those "
           "of the savefiles, mutants and %d random ones): %ld answers compared with libpcap's; %ld "
           "refused for a backward jump (protochain: BSD kernel rule)\n",
           programs, npackets, RANDOM_PACKETS, answers, backward);
    if (programs < 1000)
        FAIL("only %ld programs ran", programs);
    struct vector_counts c = { 0, 0, 0, 0 };
    run_vectors(argv[2], argv[3], &c);
    printf("bpf_conformance: apply.jsonl: %ld vectors run by both and compared packet by "
           "packet; %ld of them give the vector's results; %ld not compiled by this libpcap (%s); "
           "%ld refused for a backward jump (protochain: BSD kernel rule)\n",
           c.run, c.reproduced, c.not_compiled, pcap_lib_version(), c.backward);
    if (c.run < 100)
        FAIL("only %ld vectors ran", c.run);
    for (size_t i = 0; i < npackets; i++)
        free(packets[i].data);
    free(packets);
    printf("bpf_conformance: %s (%d failures)\n", lcap_test_failures ? "FAILED" : "all agree",
           lcap_test_failures);
    return lcap_test_failures ? 1 : 0;
}
