/* arena.c - the compiler's bump allocator, its stack of temporaries, and error recording: everything
 * of one compile is freed at once. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter.h"

/* Under AddressSanitizer a freed temporary is poisoned, so that one used after
 * lcap_tmp_free is caught as it would be after free(). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct lcap_arena_chunk {
    lcap_arena_chunk *next;
    size_t cap;
    max_align_t align[];  /* data follows */
};

/* Bounds one compile's memory: a pathological expression fails cleanly. */
#define ARENA_LIMIT ((size_t)512 << 20)
/* Chunks after the first double from 32 KiB (below glibc's 64 KiB threshold
 * at which a free() consolidates its bins) up to 1 MiB. */
#define ARENA_CHUNK_MIN ((size_t)32 << 10)
#define ARENA_CHUNK_MAX ((size_t)1 << 20)

void lcap_arena_init(lcap_arena *a, max_align_t *first, size_t size)
{
    memset(a, 0, sizeof(*a));
    a->first = a->base = (char *)first;
    a->first_cap = a->cap = first != NULL ? size : 0;
}

/* A chunk of at least n bytes becomes the one being filled; -1 when out of memory. */
static int arena_new_chunk(lcap_arena *a, size_t n)
{
    size_t cap = a->head == NULL ? ARENA_CHUNK_MIN
               : a->head->cap >= ARENA_CHUNK_MAX / 2 ? ARENA_CHUNK_MAX : 2 * a->head->cap;
    if (cap < n)
        cap = n;
    /* an emptied chunk big enough, if one is kept: its pages are already in */
    lcap_arena_chunk **sp = &a->spare, *c;
    while (*sp != NULL && (*sp)->cap < cap)
        sp = &(*sp)->next;
    if ((c = *sp) != NULL) {
        *sp = c->next;
    } else {
        if ((c = malloc(sizeof(*c) + cap)) == NULL)
            return -1;
        c->cap = cap;
    }
    c->next = a->head;
    a->head = c;
    a->base = (char *)c->align;
    a->used = 0;
    a->cap = c->cap;
    return 0;
}

/* The path every allocation takes, small enough to be inlined in this file. */
static inline void *arena_take(lcap_arena *a, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (a->failed || n > ARENA_LIMIT || a->total + n > ARENA_LIMIT) {
        a->failed = 1;
        return NULL;
    }
    if (a->cap - a->used < n && arena_new_chunk(a, n) < 0) {
        a->failed = 1;
        return NULL;
    }
    void *p = a->base + a->used;
    a->used += n;
    a->total += n;
    UNPOISON(p, n);
    return p;
}

void *lcap_arena_alloc_raw(lcap_arena *a, size_t n)
{
    return arena_take(a, n);
}

void *lcap_arena_alloc(lcap_arena *a, size_t n)
{
    void *p = arena_take(a, n);
    if (p != NULL)
        memset(p, 0, n);
    return p;
}

/* ---- temporaries: a stack over cc->tmp whose entries may be freed in any order ---- */

/* The arena as it was before an allocation: popping the allocation restores it. */
typedef struct arena_mark {
    lcap_arena_chunk *head;
    size_t used, total;
} arena_mark;

struct lcap_tmp_hdr {
    struct lcap_tmp_hdr *prev;
    arena_mark before;
    size_t size;
    int freed;
};

#define TMP_HDR ((sizeof(struct lcap_tmp_hdr) + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1))

static void arena_rewind(lcap_arena *a, const arena_mark *m)
{
    if (a->head != m->head) {
        while (a->head != m->head) {
            lcap_arena_chunk *c = a->head;
            a->head = c->next;
            /* kept for the next pass instead of going back to malloc (and
             * its pages to the system, to be faulted in again) */
            if (c->cap <= ARENA_CHUNK_MAX) {
                c->next = a->spare;
                a->spare = c;
                POISON(c->align, c->cap);
            } else {
                free(c);
            }
        }
        a->base = m->head != NULL ? (char *)m->head->align : a->first;
        a->cap = m->head != NULL ? m->head->cap : a->first_cap;
        /* (an arena given no first chunk has no base: nothing to poison, and
         * NULL + 0 is undefined) */
        if (a->base != NULL)
            POISON(a->base + m->used, a->cap - m->used);
    } else if (a->base != NULL) {
        POISON(a->base + m->used, a->used - m->used);
    }
    a->used = m->used;
    a->total = m->total;
}

void *lcap_tmp_alloc(lcap_cc *cc, size_t count, size_t size, int zero)
{
    lcap_arena *a = &cc->tmp;
    /* no division unless a factor is large enough to overflow */
    if (((count | size) >> (sizeof(size_t) * 4)) != 0 && size != 0 && count > (SIZE_MAX - TMP_HDR) / size)
        return NULL;
    size_t n = count * size;
    arena_mark before = { a->head, a->used, a->total };
    struct lcap_tmp_hdr *h = arena_take(a, TMP_HDR + n);
    if (h == NULL)
        return NULL;
    h->prev = a->top;
    h->before = before;
    h->size = n;
    h->freed = 0;
    a->top = h;
    void *p = (char *)h + TMP_HDR;
    if (zero)
        memset(p, 0, n);
    return p;
}

void *lcap_tmp_realloc(lcap_cc *cc, void *p, size_t count, size_t size)
{
    void *q = lcap_tmp_alloc(cc, count, size, 0);
    if (q == NULL || p == NULL)
        return q;
    size_t old = ((struct lcap_tmp_hdr *)(void *)((char *)p - TMP_HDR))->size;
    memcpy(q, p, old < count * size ? old : count * size);
    lcap_tmp_free(cc, p);
    return q;
}

void lcap_tmp_free(lcap_cc *cc, void *p)
{
    lcap_arena *a = &cc->tmp;
    if (p == NULL)
        return;
    struct lcap_tmp_hdr *h = (struct lcap_tmp_hdr *)(void *)((char *)p - TMP_HDR);
    h->freed = 1;
    POISON(p, h->size);
    /* Pop every freed allocation on top; a rewind may free the chunk holding it. */
    while (a->top != NULL && a->top->freed) {
        struct lcap_tmp_hdr t = *a->top;
        a->top = t.prev;
        arena_rewind(a, &t.before);
    }
}

char *lcap_arena_strndup(lcap_arena *a, const char *s, size_t n)
{
    char *p = lcap_arena_alloc(a, n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void lcap_arena_free(lcap_arena *a)
{
    while (a->head != NULL) {
        lcap_arena_chunk *c = a->head;
        a->head = c->next;
        free(c);
    }
    while (a->spare != NULL) {
        lcap_arena_chunk *c = a->spare;
        a->spare = c->next;
        free(c);
    }
    a->top = NULL;
    /* the first chunk is the caller's stack: give it back clean */
    if (a->first != NULL)
        UNPOISON(a->first, a->first_cap);
    a->base = a->first;
    a->used = a->total = 0;
    a->cap = a->first_cap;
}

void *lcap_cc_error(lcap_cc *cc, int col, const char *fmt, ...)
{
    va_list ap;
    char msg[CAPTURE_ERRBUF_SIZE];

    if (cc->speculating) {
        cc->spec_failed = 1;
        return NULL;
    }
    if (cc->error)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    size_t len = strlen(msg);
    memcpy(cc->errbuf, msg, len + 1);
    if (col > 0 && strstr(msg, "(column") == NULL) {
        char where[32];
        int w = snprintf(where, sizeof(where), " (column %d)", col);
        if (w > 0 && len + (size_t)w < sizeof(cc->errbuf))
            memcpy(cc->errbuf + len, where, (size_t)w + 1);
    }
    cc->error = 1;
    return NULL;
}

/* An allocation from a (cc->arena or, while parsing and generating,
 * cc->tmp), zeroed if zero is set; "out of memory" recorded when it fails. */
static inline void *cc_take(lcap_cc *cc, lcap_arena *a, size_t n, int zero)
{
    size_t r = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    /* the path of nearly every allocation of a compile: room in the chunk */
    if (r >= n && a->cap - a->used >= r && a->total + r <= ARENA_LIMIT && !a->failed) {
        void *p = a->base + a->used;
        a->used += r;
        a->total += r;
        UNPOISON(p, r);
        return zero ? memset(p, 0, n) : p;
    }
    void *p = lcap_arena_alloc(a, n);
    if (p == NULL) {
        int spec = cc->speculating;
        cc->speculating = 0;
        lcap_cc_error(cc, 0, "out of memory compiling the filter");
        cc->speculating = spec;
    }
    return p;
}

void *lcap_cc_alloc(lcap_cc *cc, size_t n)
{
    return cc_take(cc, &cc->arena, n, 1);
}

void *lcap_cc_alloc_raw(lcap_cc *cc, size_t n)
{
    return cc_take(cc, &cc->arena, n, 0);
}

void *lcap_cc_scratch(lcap_cc *cc, size_t n)
{
    return cc_take(cc, &cc->tmp, n, 1);
}

void *lcap_cc_scratch_raw(lcap_cc *cc, size_t n)
{
    return cc_take(cc, &cc->tmp, n, 0);
}

void lcap_cc_scratch_end(lcap_cc *cc)
{
    lcap_arena_free(&cc->tmp);
    cc->tmp.failed = 0;
}

int lcap_cc_alloc_reg(lcap_cc *cc)
{
    /* libpcap's order for its shape (the verdict's graph): the first free
     * word from the last one taken on, round */
    for (int n = 0; cc->libpcap_shape && n < 16; n++, cc->curreg = (cc->curreg + 1) % 16) {
        if (!(cc->regused & (1u << cc->curreg))) {
            cc->regused |= 1u << cc->curreg;
            cc->regever |= 1u << cc->curreg;
            return cc->curreg;
        }
    }
    for (int i = 0; !cc->libpcap_shape && i < 16; i++) {
        if (!(cc->regused & (1u << i))) {
            cc->regused |= 1u << i;
            cc->regever |= 1u << i;
            return i;
        }
    }
    lcap_cc_error(cc, 0, "too many registers needed to evaluate expression");
    return -1;
}

/* A word no earlier code used: for a variable read also on paths where
 * its code did not run (a tunnel's offsets), which must then find 0 as in
 * libpcap's round-robin registers, not a temporary's leftover. */
int lcap_cc_alloc_fresh_reg(lcap_cc *cc)
{
    for (int i = 0; i < 16; i++) {
        if (!(cc->regever & (1u << i))) {
            cc->regused |= 1u << i;
            cc->regever |= 1u << i;
            return i;
        }
    }
    return lcap_cc_alloc_reg(cc);
}

void lcap_cc_free_reg(lcap_cc *cc, int reg)
{
    if (reg >= 0 && reg < 16)
        cc->regused &= ~(1u << reg);
}
