/* tmp.c - the compiler's temporaries: a stack over an arena, with free() in any order. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <string.h>

#include "filter/filter.h"

/* Before each allocation: the arena as it was, so popping it restores that. */
struct lcap_tmp_hdr {
    struct lcap_tmp_hdr *prev;
    lcap_arena_mark before;
    size_t size;
    int freed;
};

#define HDR ((sizeof(struct lcap_tmp_hdr) + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1))

void *lcap_tmp_alloc(lcap_cc *cc, size_t count, size_t size, int zero)
{
    lcap_arena *a = &cc->tmp;
    if (size != 0 && count > (SIZE_MAX - HDR) / size)
        return NULL;
    size_t n = count * size;
    lcap_arena_mark before = lcap_arena_save(a);
    struct lcap_tmp_hdr *h = lcap_arena_alloc_raw(a, HDR + n);
    if (h == NULL)
        return NULL;
    h->prev = a->top;
    h->before = before;
    h->size = n;
    h->freed = 0;
    a->top = h;
    void *p = (char *)h + HDR;
    if (zero)
        memset(p, 0, n);
    return p;
}

void lcap_tmp_free(lcap_cc *cc, void *p)
{
    lcap_arena *a = &cc->tmp;
    if (p == NULL)
        return;
    struct lcap_tmp_hdr *h = (struct lcap_tmp_hdr *)(void *)((char *)p - HDR);
    h->freed = 1;
    lcap_arena_forget(a, p, h->size);
    /* Pop every freed allocation on top; a rewind may free the chunk holding it. */
    while (a->top != NULL && a->top->freed) {
        struct lcap_tmp_hdr t = *a->top;
        a->top = t.prev;
        lcap_arena_rewind(a, t.before);
    }
}

void *lcap_tmp_realloc(lcap_cc *cc, void *p, size_t count, size_t size)
{
    void *q = lcap_tmp_alloc(cc, count, size, 0);
    if (q == NULL || p == NULL)
        return q;
    struct lcap_tmp_hdr *h = (struct lcap_tmp_hdr *)(void *)((char *)p - HDR);
    memcpy(q, p, h->size < count * size ? h->size : count * size);
    lcap_tmp_free(cc, p);
    return q;
}
