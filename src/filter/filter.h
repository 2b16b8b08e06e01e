/* filter.h - the filter compiler's private state: one struct per compile call, its arena and first error. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_FILTER_H
#define LCAP_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "compat.h"

/* An arena of chunks freed all at once when the compile call ends. The first
 * chunk is the caller's (on its stack: most compiles need no malloc at all). */
typedef struct lcap_arena_chunk lcap_arena_chunk;
typedef struct lcap_arena {
    lcap_arena_chunk *head;  /* malloc'ed chunks, newest first */
    lcap_arena_chunk *spare; /* chunks emptied by rewinds, for reuse */
    char *first;             /* the caller's first chunk, or NULL */
    size_t first_cap;
    char *base;              /* the chunk being filled */
    size_t used, cap;        /* of that chunk */
    size_t total;            /* bytes handed out, bounds memory use */
    int failed;              /* an allocation failed: the compile reports it */
    struct lcap_tmp_hdr *top; /* scratch use (lcap_tmp_alloc): the newest allocation */
} lcap_arena;

/* Bytes of the first chunks of capture_compile's two arenas (cc->arena and
 * cc->tmp): each holds all that 99% of the accept vectors' expressions need. */
#define LCAP_ARENA_FIRST 16384
#define LCAP_TMP_FIRST 16384

/* first: NULL, or size bytes aligned as max_align_t, owned by the caller.
 * A zeroed lcap_arena is an arena without a first chunk. */
void lcap_arena_init(lcap_arena *a, max_align_t *first, size_t size);
void *lcap_arena_alloc(lcap_arena *a, size_t n);  /* zeroed; NULL when out of memory */
void *lcap_arena_alloc_raw(lcap_arena *a, size_t n);  /* not zeroed */
char *lcap_arena_strndup(lcap_arena *a, const char *s, size_t n);
void lcap_arena_free(lcap_arena *a);

/* Link-layer offsets: a constant part plus, for variable-length headers, a
 * scratch word holding the variable part (computed once at program start). */
typedef struct lcap_off {
    uint32_t k;    /* constant part; LCAP_OFF_NONE when the field does not exist */
    int var;       /* has a variable part, kept in scratch word reg */
    int reg;       /* allocated on first use, -1 before */
} lcap_off;
#define LCAP_OFF_NONE 0xffffffffu

struct lcap_block;
struct lcap_linkinfo;

/* The compiler state: everything one capture_compile() call owns. */
typedef struct lcap_cc {
    lcap_arena arena;        /* what lives until the call returns */
    lcap_arena tmp;          /* the optimizer's and emitter's temporaries (lcap_tmp_alloc) */
    const char *text;        /* the expression */
    int error;               /* an error has been recorded */
    int speculating;         /* parser trial: errors are not recorded */
    int spec_failed;         /* the trial met an error */
    char errbuf[CAPTURE_ERRBUF_SIZE];
    int depth;               /* parser recursion depth, bounded */

    /* code generation */
    int dlt;                 /* link type as given */
    int linktype;            /* current link type (changes after pppoes...) */
    int prevlinktype;
    uint32_t snaplen;
    uint32_t netmask;
    const struct lcap_linkinfo *link;
    lcap_off off_linkhdr;    /* start of the link-layer header */
    lcap_off off_prevlinkhdr;
    lcap_off off_linktype;   /* the type field, LCAP_OFF_NONE when none */
    lcap_off off_linkpl;     /* the link-layer payload */
    uint32_t off_nl;         /* network layer, from linkpl, after LLC+SNAP */
    uint32_t off_nl_nosnap;  /* network layer, from linkpl, after LLC alone */
    int is_geneve;
    int is_vxlan;
    int vlan_depth, label_depth; /* vlan / mpls seen so far */
    int vloff_needed;        /* variable link header: compute it at start */
    int vlhdr_reg;           /* scratch word of the variable link header length */
    int vlpl_reg;            /* scratch word of the variable link payload offset */
    uint32_t off_li, off_li_hsl, off_sio, off_opc, off_dpc, off_sls; /* MTP2/3 */
    uint32_t off_vpi, off_vci, off_proto, off_payload; /* SunATM */
    int is_atm;
    int is_lane;             /* after 'lane' on SunATM: Ethernet inside LANE */
    unsigned regused;        /* scratch words in use (bit mask) */
    unsigned regever;        /* scratch words ever used */
    int curreg;              /* the last one taken, in libpcap's shape (arena.c) */
    int nblocks;             /* blocks created */
    int markgen;             /* graph walks: a fresh mark value each */
    int savefile;            /* packets from a savefile of any OS (capture_compile_savefile) */
    int libpcap_shape;       /* generate as libpcap 1.10.3 does: the graph its
                              * optimizer's verdict is judged on (compile.c) */
    int computed_shift;      /* a shift by an amount not written as a number (gen.c) */
    int protochain_spent;    /* instructions the protochain walks took (gen_misc.c) */
    int linux_vlan;          /* for a live Linux capture (LCAP_COMPILE_LINUX_VLAN) */
    int vlan_vloffset;       /* ... whose variable VLAN offsets start at 0 (gen_link.c) */
    int libpcap_noopt;       /* libpcap never optimizes this expression (its
                              * no_optimize: protochain, geneve, the Prism
                              * header, 802.11 payload offsets), so it never
                              * says "rejects all packets": neither may we */
    unsigned long opt_work;  /* the threading passes' count of work (opt.c; tests bound it) */
} lcap_cc;

/* What a compile is for, besides its DLT (lcap_compile's flags). */
enum {
    /* The packets of a savefile, of any OS (capture_compile_savefile). */
    LCAP_COMPILE_SAVEFILE = 1,
    /* A live Linux capture, whose kernel takes the outer 802.1Q tag out of
     * a packet before its filter runs and keeps it as metadata: `vlan`
     * reads it there (ancillary loads, src/bpf/program.h's aux data), as
     * libpcap's BPF_SPECIAL_VLAN_HANDLING compiles it. */
    LCAP_COMPILE_LINUX_VLAN = 2,
};

/* capture_compile() for what flags (LCAP_COMPILE_*) say. */
capture_bpf *lcap_compile(int linktype, int snaplen, const char *filter, int optimize, uint32_t netmask,
                          unsigned flags, char *errbuf);

/* The unoptimized program of the graph the verdict "rejects all packets"
 * is judged on (libpcap's shape, compile.c), to compare with libpcap's. */
capture_bpf *lcap_compile_libpcap_shape(int linktype, int snaplen, const char *filter, uint32_t netmask,
                                       unsigned flags, char *errbuf);

/* What libpcap's optimizer would say of the expression (opt_pcap.h's
 * LCAP_PM_*: compiles, rejects all packets, an error of its own in errbuf),
 * whatever libcapture's optimizer says; -1 when it does not compile. */
int lcap_compile_verdict(int linktype, const char *filter, uint32_t netmask, unsigned flags, char *errbuf);

/* Records the first error (later ones are dropped) with the column it is
 * about (1-based; 0 when none applies). Returns NULL for convenience. */
void *lcap_cc_error(lcap_cc *cc, int col, const char *fmt, ...) LCAP_PRINTF(3, 4);
/* Arena allocation that records "out of memory" on failure; _raw: not
 * zeroed (for objects whose every field is then set). */
void *lcap_cc_alloc(lcap_cc *cc, size_t n);
void *lcap_cc_alloc_raw(lcap_cc *cc, size_t n);

/* What only parsing and code generation need (tokens, the syntax tree,
 * conditions under construction) comes from cc->tmp, before any temporary
 * below is taken: zeroed, "out of memory" recorded on failure.
 * lcap_cc_scratch_end gives it all back at once when the blocks are built. */
void *lcap_cc_scratch(lcap_cc *cc, size_t n);
void *lcap_cc_scratch_raw(lcap_cc *cc, size_t n);
void lcap_cc_scratch_end(lcap_cc *cc);

/* Temporaries of the optimizer and emitter, as malloc/free would give them,
 * from cc->tmp: freed memory is reused once everything allocated after it is
 * freed too, so a pass that frees what it took leaves nothing behind. count *
 * size bytes, zeroed if zero is set; NULL (no error recorded) when out of
 * memory. lcap_tmp_free(cc, NULL) does nothing. */
void *lcap_tmp_alloc(lcap_cc *cc, size_t count, size_t size, int zero);
/* As realloc: p's contents (up to the new size) moved to a new allocation;
 * NULL, with p left as it was, when out of memory. */
void *lcap_tmp_realloc(lcap_cc *cc, void *p, size_t count, size_t size);
void lcap_tmp_free(lcap_cc *cc, void *p);

/* Scratch words for arithmetic and variable offsets. -1 with an error set when all are busy. */
int lcap_cc_alloc_reg(lcap_cc *cc);
int lcap_cc_alloc_fresh_reg(lcap_cc *cc);
void lcap_cc_free_reg(lcap_cc *cc, int reg);

#endif
