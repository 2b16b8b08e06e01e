/* bpf_diff.c - differential test of the BPF validator and interpreter against
 * libpcap's bpf_validate() and bpf_filter() over random programs and packets.
 *
 * usage: bpf_diff [programs [seed]]   (default 200000 programs, fixed seed).
 * Exit 0 when every answer agrees; each disagreement prints the seed, the
 * program number, the program (tcpdump -ddd form) and the packet.
 *
 * Where the two are allowed to differ, and why (BSD kernel semantics are the
 * specification; libpcap's userland copy is looser in three documented ways):
 * 1. Unknown opcodes. libpcap's validator checks only the class, operation
 *    and mode fields, so it accepts codes bpf_filter() has no case for (ret x,
 *    ldh #k, neg x, misc codes other than tax/txa, codes above 0xff...) and
 *    would abort() if one ran. A BSD kernel refuses them; so do we. Such
 *    programs are expected to be refused by us and are never run in libpcap.
 * 2. ja offsets that wrap. libpcap computes the target of "ja k" in 32 bits
 *    and accepts one that wraps around to an instruction inside the program
 *    (a backward jump); the BSD kernels check for the overflow and refuse.
 * 3. Length. Userland libpcap's bpf_validate() has no instruction limit;
 *    libcapture runs at most 4096, libpcap's BPF_MAXINSNS (the kernels take
 *    at most 512). Longer programs are expected to be refused.
 * Beyond the validator: libpcap leaves scratch memory uninitialized, so a
 * program that may read M[k] before any store on some path has no defined
 * result there; those programs are validated but their results not compared
 * (a data-flow pass below finds them; the generator keeps them rare).
 * Linux ancillary data: libpcap on Linux gives special meaning to byte loads
 * at SKF_AD_OFF + SKF_AD_VLAN_TAG(_PRESENT) (k = 0xfffff02c, 0xfffff030), but
 * plain bpf_filter() has no auxiliary data and rejects the packet there, which
 * is what an out-of-bounds load does on BSD: the generator draws those k
 * values (and the rest of the 0xfffff000 range) and demands equal answers.
 * Shifts: libpcap's answer on this host (k mod 32 for a constant count, 0 for
 * X >= 32) is the interpreter's documented behaviour, compared like the rest.
 * The emulated /dev/bpf's own interpreter (tests/bpfdev/filter.c, kept apart
 * from the library's on purpose) runs beside both on every fourth valid
 * program (each asks the kernel once) that Linux's validator also takes
 * (SO_ATTACH_FILTER on a socket here: what the emulator's BIOCSETF asks), at
 * most a BSD kernel's 512 instructions long; it must give the library's
 * answer on every packet. Linux refuses some programs a BSD kernel takes (a
 * constant shift past 31, an ancillary offset it does not know, a scratch
 * read before any store even on unreachable code): the emulator's BIOCSETF
 * refuses them too, and the library then filters in userland.
 */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>
#include <unistd.h>

#include <linux/filter.h>

#include "bpf/insn.h"
#include "bpfdev.h"
#include "capture.h"
#include "testrand.h"

#define MAXN 4200
#define MAXPKT 160

static lcap_test_rng rng;

static uint64_t rnd(void) { return lcap_test_rand64(&rng); }
static uint32_t below(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }
static int chance(unsigned percent) { return below(100) < percent; }

/* Every opcode bpf_filter() executes: this test's own list, independent of the
 * library's table, with a weight (how often the generator picks it). */
static const struct { uint16_t code; unsigned weight; } known[] = {
    { 0x06, 4 }, { 0x16, 3 },                          /* ret k, ret a */
    { 0x20, 5 }, { 0x28, 8 }, { 0x30, 6 },             /* ld/ldh/ldb [k] */
    { 0x40, 4 }, { 0x48, 4 }, { 0x50, 4 },             /* ld/ldh/ldb [x+k] */
    { 0x80, 2 }, { 0x81, 2 },                          /* ld/ldx len */
    { 0x00, 3 }, { 0x01, 3 },                          /* ld/ldx #k */
    { 0x60, 3 }, { 0x61, 3 }, { 0x02, 3 }, { 0x03, 3 }, /* ld/ldx M[k], st, stx */
    { 0xb1, 4 },                                       /* ldxb 4*([k]&0xf) */
    { 0x05, 2 },                                       /* ja */
    { 0x15, 8 }, { 0x25, 3 }, { 0x35, 3 }, { 0x45, 3 }, /* jeq/jgt/jge/jset #k */
    { 0x1d, 2 }, { 0x2d, 2 }, { 0x3d, 2 }, { 0x4d, 2 }, /* ... x */
    { 0x04, 1 }, { 0x14, 1 }, { 0x24, 1 }, { 0x34, 2 }, { 0x94, 2 }, /* add sub mul div mod #k */
    { 0x54, 2 }, { 0x44, 1 }, { 0xa4, 1 }, { 0x64, 2 }, { 0x74, 2 }, /* and or xor lsh rsh #k */
    { 0x0c, 1 }, { 0x1c, 1 }, { 0x2c, 1 }, { 0x3c, 2 }, { 0x9c, 2 }, /* ... x */
    { 0x5c, 1 }, { 0x4c, 1 }, { 0xac, 1 }, { 0x6c, 2 }, { 0x7c, 2 },
    { 0x84, 1 }, { 0x07, 2 }, { 0x87, 2 },             /* neg, tax, txa */
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))
static unsigned weight_sum;

static int is_known(uint16_t code)
{
    for (size_t i = 0; i < NKNOWN; i++)
        if (known[i].code == code)
            return 1;
    return 0;
}

static uint16_t pick_known(void)
{
    uint32_t w = below(weight_sum);
    for (size_t i = 0; i < NKNOWN; i++) {
        if (w < known[i].weight)
            return known[i].code;
        w -= known[i].weight;
    }
    return 0x06;
}

/* Operands that sit on the edges that matter: packet ends, word sizes,
 * scratch memory size, shift widths, 32-bit wrap, Linux ancillary offsets. */
static uint32_t interesting_k(void)
{
    static const uint32_t edges[] = {
        0, 1, 2, 3, 4, 5, 12, 14, 15, 16, 17, 20, 23, 31, 32, 33, 63, 64, 0x800, 0x86dd,
        0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffc, 0xfffffffd,
        0xfffffffe, 0xffffffff, 0xfffff000, 0xfffff02c, 0xfffff030, 0xfffff004,
    };
    switch (below(4)) {
    case 0:
        return edges[below(sizeof(edges) / sizeof(edges[0]))];
    case 1:
        return below(MAXPKT + 8); /* around every packet length we draw */
    case 2:
        return below(256);
    default:
        return (uint32_t)rnd();
    }
}

/* noisy: whether this program may get the mistakes a validator must catch
 * (unknown codes, bad scratch indexes, zero divisors, stray jumps, no ret). */
static void gen_program(struct bpf_insn *p, size_t n, int noisy)
{
    unsigned bad = noisy ? 4 : 0; /* percent of chances to go wrong */
    for (size_t i = 0; i < n; i++) {
        uint16_t code = !chance(bad) ? pick_known() : (chance(70) ? (uint16_t)below(256) : (uint16_t)rnd());
        uint32_t k = interesting_k();
        size_t room = n - i - 1; /* instructions after this one */
        uint8_t jt = 0, jf = 0;

        switch (code & 7) {
        case 0: case 1: case 2: case 3: /* ld, ldx, st, stx: M[k] mostly in range */
            if ((code & 0xe0) == 0x60 || (code & 7) >= 2)
                k = !chance(bad) ? below(16) : interesting_k();
            break;
        case 4: /* alu: a constant divisor of 0 now and then */
            if ((code & 0xf0) == 0x30 || (code & 0xf0) == 0x90)
                k = chance(bad) ? 0 : (k ? k : 1);
            break;
        case 5: /* jumps: in range mostly, past the end or wrapping sometimes */
            if ((code & 0xf0) == 0) {
                if (!chance(2 * bad))
                    k = room ? below((uint32_t)room) : 0;
                else if (chance(50))
                    k = (uint32_t)(0x100000000ull - i - 1 + below((uint32_t)n + 2));
            } else {
                uint32_t lim = room > 255 ? 255 : (uint32_t)room;
                jt = (uint8_t)(!chance(bad) ? below(lim) : below(256));
                jf = (uint8_t)(!chance(bad) ? below(lim) : below(256));
            }
            break;
        case 6: /* ret: accept sizes and rejections */
            if (chance(50))
                k = chance(50) ? 0 : 65535;
            break;
        }
        p[i] = (struct bpf_insn){ code, jt, jf, k };
    }
    if (!chance(bad)) /* last instruction a return, usually */
        p[n - 1] = (struct bpf_insn){ (uint16_t)(chance(50) ? 0x06 : 0x16), 0, 0,
                                      chance(50) ? 0 : interesting_k() };
}

/* Programs shaped like compiled filters: runs of "[ldxb 4*([k]&0xf)] [load]
 * [and #k] conditional jump", the jumps going to later runs or to returns.
 * Random programs seldom line these up, and they are what the interpreter
 * composes into single operations (a run, a jump to "ret #k" returned from
 * directly), so every such operation meets libpcap here on many packets. */
/* The loads (ld/ldh/ldb [k], [x+k]) and constant jumps (jeq/jgt/jge/jset #k)
 * of such runs, in the interpreter's order. */
static const uint16_t filter_loads[] = { 0x20, 0x28, 0x30, 0x40, 0x48, 0x50 };
static const uint16_t filter_jumps[] = { 0x15, 0x25, 0x35, 0x45 };

/* 1 + the index of code in list, 0 when absent. */
static unsigned one_based_index(uint16_t code, const uint16_t *list, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (list[i] == code)
            return i + 1;
    return 0;
}

static size_t gen_filter_like(struct bpf_insn *p)
{
    size_t starts[16], jumps_at[16], nruns = 1 + below(12), n = 0;
    for (size_t r = 0; r < nruns; r++) {
        starts[r] = n;
        if (chance(15))
            p[n++] = (struct bpf_insn){ 0xb1, 0, 0, below(MAXPKT) };
        if (chance(80)) {
            uint16_t code = filter_loads[below(6)];
            p[n++] = (struct bpf_insn){ code, 0, 0, chance(90) ? below(MAXPKT + 4) : interesting_k() };
        } else {
            p[n++] = (struct bpf_insn){ 0x00, 0, 0, below(32) }; /* ld #k: a run without load */
        }
        if (chance(40))
            p[n++] = (struct bpf_insn){ 0x54, 0, 0, chance(50) ? 0x0f : interesting_k() };
        jumps_at[r] = n;
        p[n++] = (struct bpf_insn){ filter_jumps[below(4)], 0, 0, chance(70) ? below(16) : interesting_k() };
    }
    size_t rets = n, nrets = 1 + below(3);
    for (size_t i = 0; i < nrets; i++)
        p[n++] = chance(30) ? (struct bpf_insn){ 0x16, 0, 0, 0 }
                            : (struct bpf_insn){ 0x06, 0, 0, chance(50) ? 0 : 1 + below(65535) };
    for (size_t r = 0; r < nruns; r++) {
        size_t at = jumps_at[r];
        uint8_t *side[2] = { &p[at].jt, &p[at].jf };
        for (int s = 0; s < 2; s++) {
            size_t target = r + 1 < nruns && chance(50) ? starts[r + 1 + below((uint32_t)(nruns - r - 1))]
                                                        : rets + below((uint32_t)nrets);
            *side[s] = (uint8_t)(target - at - 1);
        }
    }
    return n;
}

/* The composed operations a filter-like program contains, as indexes
 * ((load * 2 + masked) * 4 + jump) * 4 + which targets are ret #k, marked in
 * seen[]: the same parts the interpreter fuses (load 0 meaning none, 7-9
 * "ldxb 4*([k]&0xf)" followed by an indexed load). */
#define SHAPES (10 * 2 * 4 * 4)
#define SHAPE(load, masked, jump, rets) ((((load) * 2 + (masked)) * 4 + (jump)) * 4 + (rets))
static void mark_shapes(const struct bpf_insn *p, size_t n, long *seen)
{
    for (size_t i = 0; i < n; i++) {
        unsigned jump = one_based_index(p[i].code, filter_jumps, 4);
        if (jump-- == 0)
            continue;
        size_t t = i + 1 + p[i].jt, f = i + 1 + p[i].jf;
        unsigned rets = (t < n && p[t].code == 0x06) + 2 * (f < n && p[f].code == 0x06);
        unsigned masked = i > 0 && p[i - 1].code == 0x54;
        size_t before = i - masked;
        unsigned load = before > 0 ? one_based_index(p[before - 1].code, filter_loads, 6) : 0;
        seen[SHAPE(0, 0, jump, rets)]++;
        if (masked)
            seen[SHAPE(0, 1, jump, rets)]++;
        if (load)
            seen[SHAPE(load, masked, jump, rets)]++;
        if (load >= 4 && before > 1 && p[before - 2].code == 0xb1)
            seen[SHAPE(load + 3, masked, jump, rets)]++;
    }
}

/* Whether some path may read a scratch word no store has written yet. Jumps
 * only go forward, so one pass in program order sees every predecessor. */
static int may_read_unset(const struct bpf_insn *p, size_t n)
{
    static uint16_t in[MAXN];
    static uint8_t reached[MAXN];
    memset(reached, 0, n);
    reached[0] = 1;
    in[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (!reached[i])
            continue;
        uint16_t code = p[i].code, set = in[i];
        if (p[i].k >= 16 && (code == 0x60 || code == 0x61 || code == 0x02 || code == 0x03))
            continue; /* an invalid program: never run */
        if ((code == 0x60 || code == 0x61) && !(set >> p[i].k & 1))
            return 1;
        if (code == 0x02 || code == 0x03)
            set |= (uint16_t)(1u << p[i].k);
        size_t next[2];
        int nn = 0;
        if ((code & 7) == 6)
            continue;
        if (code == 0x05) {
            next[nn++] = i + 1 + p[i].k;
        } else if ((code & 7) == 5) {
            next[nn++] = i + 1 + p[i].jt;
            next[nn++] = i + 1 + p[i].jf;
        } else {
            next[nn++] = i + 1;
        }
        for (int j = 0; j < nn; j++) {
            size_t s = next[j];
            if (s >= n)
                continue;
            in[s] = reached[s] ? (uint16_t)(in[s] & set) : set;
            reached[s] = 1;
        }
    }
    return 0;
}

/* Most programs that may read an unset scratch word get a prologue that
 * stores every word they load (jumps are relative, so the body stays valid). */
static size_t add_prologue(struct bpf_insn *p, size_t n)
{
    uint16_t loaded = 0;
    for (size_t i = 0; i < n; i++)
        if ((p[i].code == 0x60 || p[i].code == 0x61) && p[i].k < 16)
            loaded |= (uint16_t)(1u << p[i].k);
    size_t m = 0;
    for (int w = 0; w < 16; w++)
        m += (loaded >> w & 1) ? 2 : 0;
    if (n + m > 4096)
        return n;
    memmove(p + m, p, n * sizeof(*p));
    m = 0;
    for (uint32_t w = 0; w < 16; w++) {
        if (!(loaded >> w & 1))
            continue;
        int via_x = chance(50);
        p[m++] = (struct bpf_insn){ (uint16_t)(via_x ? 0x01 : 0x00), 0, 0, interesting_k() };
        p[m++] = (struct bpf_insn){ (uint16_t)(via_x ? 0x03 : 0x02), 0, 0, w };
    }
    return n + m;
}

static void gen_packet(uint8_t *pkt, uint32_t *caplen, uint32_t *wirelen)
{
    uint32_t len = chance(5) ? 0 : below(MAXPKT + 1);
    for (uint32_t i = 0; i < len; i++)
        pkt[i] = (uint8_t)(chance(30) ? below(16) : rnd());
    *caplen = len;
    *wirelen = chance(60) ? len : len + (chance(50) ? below(64) : (uint32_t)rnd() >> 8);
}

/* Whether the emulated device's BIOCSETF takes the program: Linux's validator
 * (asked by attaching it to sock) and a BSD kernel's length limit. */
static int emulator_takes(int sock, const struct bpfdev_insn *e, size_t n)
{
    if (n == 0 || n > LCAP_BPF_KERNEL_MAXINSNS)
        return 0;
    struct sock_fprog prog = { (unsigned short)n, (struct sock_filter *)(uintptr_t)e };
    return setsockopt(sock, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0;
}

static void dump(const char *what, uint64_t seed, long prog_no, const struct bpf_insn *p,
                 size_t n, const uint8_t *pkt, uint32_t caplen, uint32_t wirelen)
{
    fprintf(stderr, "MISMATCH (%s): seed %llu, program %ld\n%zu\n", what,
            (unsigned long long)seed, prog_no, n);
    for (size_t i = 0; i < n && i < 64; i++)
        fprintf(stderr, "%u %u %u %u\n", p[i].code, p[i].jt, p[i].jf, p[i].k);
    if (pkt != NULL) {
        fprintf(stderr, "packet caplen %u wirelen %u:", caplen, wirelen);
        for (uint32_t i = 0; i < caplen; i++)
            fprintf(stderr, " %02x", pkt[i]);
        fputc('\n', stderr);
    }
}

int main(int argc, char **argv)
{
    long programs = argc > 1 ? strtol(argv[1], NULL, 0) : 200000;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 20261123;
    static struct bpf_insn p[MAXN];
    static struct capture_insn q[MAXN];
    static struct bpfdev_insn e[MAXN];
    uint8_t pkt[MAXPKT];
    long failures = 0, valid = 0, refused_unknown = 0, refused_ja_wrap = 0, refused_long = 0,
         unset_reads = 0, runs = 0, accepted_runs = 0, filter_like = 0, emulated = 0, emulator_refused = 0;
    static long shapes_seen[SHAPES];
    char err[CAPTURE_ERRBUF_SIZE];

    for (size_t i = 0; i < NKNOWN; i++)
        weight_sum += known[i].weight;
    printf("bpf_diff: seed %llu, %ld programs (rerun: bpf_diff %ld %llu)\n",
           (unsigned long long)seed, programs, programs, (unsigned long long)seed);
    rng.state = seed;
    int sock = socket(AF_INET, SOCK_DGRAM, 0);
    if (sock < 0) {
        perror("bpf_diff: socket (for Linux's BPF validator)");
        return 1;
    }

    for (long t = 0; t < programs && failures < 10; t++) {
        size_t n;
        uint32_t r = below(1000);
        if (r == 0)
            n = 0;
        else if (r == 1)
            n = 4096 + below(3);
        else if (r < 60)
            n = 1 + below(400);
        else if (r < 700)
            n = 1 + below(40);
        else
            n = gen_filter_like(p);
        if (r >= 700) {
            filter_like++;
            mark_shapes(p, n, shapes_seen);
        } else if (n > 0) {
            gen_program(p, n, n <= 4096 && chance(25));
            if (may_read_unset(p, n) && chance(85))
                n = add_prologue(p, n);
        }

        /* What a BSD kernel answers, from libpcap's answer and the three
         * documented differences. */
        int theirs = n > 0 && bpf_validate(p, (int)n);
        int unknown = 0, ja_wrap = 0;
        for (size_t i = 0; i < n; i++) {
            unknown |= !is_known(p[i].code);
            ja_wrap |= p[i].code == 0x05 && (uint64_t)i + 1 + p[i].k > 0xffffffffu;
        }
        int expect = theirs && !unknown && !ja_wrap && n <= 4096;
        if (theirs && !expect)
            refused_unknown += unknown, refused_ja_wrap += ja_wrap && !unknown,
                refused_long += n > 4096 && !unknown && !ja_wrap;

        for (size_t i = 0; i < n; i++) {
            q[i] = (struct capture_insn){ p[i].code, p[i].jt, p[i].jf, p[i].k };
            e[i] = (struct bpfdev_insn){ p[i].code, p[i].jt, p[i].jf, p[i].k };
        }
        err[0] = '\0';
        capture_bpf *prog = capture_bpf_from_insns(q, n, err);
        if ((prog != NULL) != expect) {
            dump(prog ? "we accept, a BSD kernel refuses" : "we refuse, a BSD kernel accepts",
                 seed, t, p, n, NULL, 0, 0);
            fprintf(stderr, "libpcap bpf_validate %d, unknown opcode %d, ja wrap %d; our message: %s\n",
                    theirs, unknown, ja_wrap, err);
            failures++;
        }
        if (prog == NULL && err[0] == '\0') {
            dump("refused without a message", seed, t, p, n, NULL, 0, 0);
            failures++;
        }
        if (prog == NULL || !expect) {
            capture_bpf_free(prog);
            continue;
        }
        valid++;
        if (may_read_unset(p, n)) {
            unset_reads++;
            capture_bpf_free(prog);
            continue;
        }
        int asked = t % 4 == 0 && n <= LCAP_BPF_KERNEL_MAXINSNS;
        int emulator = asked && emulator_takes(sock, e, n);
        emulated += emulator;
        emulator_refused += asked && !emulator;
        for (int k = 0; k < 6; k++) {
            uint32_t caplen, wirelen;
            gen_packet(pkt, &caplen, &wirelen);
            uint32_t ours = capture_bpf_filter(prog, pkt, wirelen, caplen);
            uint32_t ref = bpf_filter(p, pkt, wirelen, caplen);
            uint32_t emu = emulator ? bpfdev_filter(e, (unsigned)n, pkt, wirelen, caplen) : ours;
            runs++;
            accepted_runs += ref != 0;
            if (ours != ref || emu != ours) {
                dump("filter result", seed, t, p, n, pkt, caplen, wirelen);
                fprintf(stderr, "libpcap bpf_filter %u, capture_bpf_filter %u, emulated device %s%u\n", ref, ours,
                        emulator ? "" : "(not run) ", emu);
                failures++;
                break;
            }
        }
        capture_bpf_free(prog);
    }
    printf("bpf_diff: %ld valid programs run over %ld packets (%ld accepted); "
           "refused where libpcap's validator is looser: %ld unknown opcode, %ld ja wrap, %ld too long; "
           "%ld with possibly unset scratch reads not run\n",
           valid, runs, accepted_runs, refused_unknown, refused_ja_wrap, refused_long, unset_reads);
    printf("bpf_diff: the emulated device's interpreter ran %ld of them; Linux's validator refused %ld "
           "others asked\n", emulated, emulator_refused);
    close(sock);
    if (programs >= 100000 && emulated < valid / 8) {
        printf("bpf_diff: FAILED: the emulated device's interpreter ran on too few programs\n");
        failures++;
    }
    /* Each composed operation of the interpreter must have been met. */
    int shapes = 0;
    for (int i = 0; i < SHAPES; i++)
        shapes += shapes_seen[i] > 0;
    printf("bpf_diff: %ld filter-like programs with %d of the %d load/and/jump/return shapes\n",
           filter_like, shapes, SHAPES);
    if (programs >= 100000 && shapes < SHAPES) {
        printf("bpf_diff: FAILED: some composed operations never generated\n");
        failures++;
    }
    printf("bpf_diff: %s (%ld mismatches)\n", failures ? "FAILED" : "all answers agree", failures);
    return failures ? 1 : 0;
}
