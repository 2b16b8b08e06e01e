/* ir.c - building blocks and conditions: and/or/not by patching dangling exits (no copies). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "filter/ir.h"

lcap_stmt *lcap_stmt_new(lcap_cc *cc, uint16_t code, uint32_t k)
{
    lcap_stmt *s = lcap_cc_alloc_raw(cc, sizeof(*s));
    if (s != NULL) {
        s->next = NULL;
        s->code = code;
        s->k = k;
    }
    return s;
}

lcap_stmt *lcap_stmt_cat(lcap_stmt *a, lcap_stmt *b)
{
    if (a == NULL)
        return b;
    lcap_stmt *t = a;
    while (t->next != NULL)
        t = t->next;
    t->next = b;
    return a;
}

static lcap_block *block_new(lcap_cc *cc)
{
    lcap_block *b = lcap_cc_alloc(cc, sizeof(*b));
    if (b != NULL)
        b->id = cc->nblocks++;
    return b;
}

lcap_block *lcap_block_ret(lcap_cc *cc, uint32_t k)
{
    lcap_block *b = block_new(cc);
    if (b != NULL) {
        b->code = LCAP_BPF_RET | LCAP_BPF_K;
        b->k = k;
    }
    return b;
}

lcap_block *lcap_block_new(lcap_cc *cc, lcap_stmt *stmts, uint16_t jop, uint32_t k)
{
    lcap_block *b = block_new(cc);
    if (b != NULL) {
        b->stmts = stmts;
        b->code = (uint16_t)(LCAP_BPF_JMP | jop);
        b->k = k;
    }
    return b;
}

static lcap_exit *exit_new(lcap_cc *cc, lcap_block **slot)
{
    lcap_exit *e = lcap_cc_scratch(cc, sizeof(*e));
    if (e != NULL)
        e->slot = slot;
    return e;
}

/* A test's condition and its two exits, in one allocation: a long
 * expression makes one per comparison. They only live while the blocks are
 * built (scratch); the block stays. */
struct cond_one {
    lcap_cond c;
    lcap_exit t, f;
};

lcap_cond *lcap_cond_jmp(lcap_cc *cc, lcap_stmt *stmts, uint16_t jop, uint32_t k)
{
    struct cond_one *o = lcap_cc_scratch_raw(cc, sizeof(*o)); /* every field set below */
    lcap_block *b = block_new(cc);
    if (o == NULL || b == NULL || cc->error)
        return NULL;
    b->stmts = stmts;
    b->code = (uint16_t)(LCAP_BPF_JMP | jop);
    b->k = k;
    o->t = (lcap_exit){ &b->jt, NULL };
    o->f = (lcap_exit){ &b->jf, NULL };
    lcap_cond *c = &o->c;
    c->head = b;
    c->konst = -1;
    c->t.head = c->t.tail = &o->t;
    c->f.head = c->f.tail = &o->f;
    return c;
}

/* "ld #0; jeq #0": always true, made false by negation. */
lcap_cond *lcap_cond_true(lcap_cc *cc)
{
    lcap_cond *c = lcap_cond_jmp(cc, lcap_stmt_new(cc, LCAP_BPF_LD | LCAP_BPF_IMM, 0), LCAP_BPF_JEQ, 0);
    if (c != NULL)
        c->konst = 1;
    return c;
}

lcap_cond *lcap_cond_false(lcap_cc *cc) { return lcap_not(lcap_cond_true(cc)); }

static void patch(lcap_exits *l, lcap_block *target);
static void append(lcap_exits *a, lcap_exits *b);

lcap_cond *lcap_cond_always(lcap_cc *cc, lcap_stmt *stmts)
{
    lcap_cond *c = lcap_cond_jmp(cc, stmts, LCAP_BPF_JA, 0);
    if (c != NULL)
        append(&c->t, &c->f);
    return c;
}

lcap_cond *lcap_then(lcap_cond *a, lcap_block *t, lcap_block *f, lcap_cond *rest)
{
    if (a == NULL || t == NULL || f == NULL || rest == NULL)
        return NULL;
    patch(&a->t, t);
    patch(&a->f, f);
    a->t = rest->t;
    a->f = rest->f;
    return a;
}

static void patch(lcap_exits *l, lcap_block *target)
{
    for (lcap_exit *e = l->head; e != NULL; e = e->next)
        *e->slot = target;
    l->head = l->tail = NULL;
}

static void append(lcap_exits *a, lcap_exits *b)
{
    if (b->head == NULL)
        return;
    if (a->head == NULL)
        *a = *b;
    else {
        a->tail->next = b->head;
        a->tail = b->tail;
    }
    b->head = b->tail = NULL;
}

/* Constant operands reduce as libpcap master reduces them while generating:
 * "true and x" is x, "x or true" is true (x is then never evaluated). */
lcap_cond *lcap_and(lcap_cond *a, lcap_cond *b)
{
    if (a == NULL || b == NULL)
        return NULL;
    if (a->konst == 1 || b->konst == 0)
        return b;
    if (b->konst == 1 || a->konst == 0)
        return a;
    patch(&a->t, b->head);
    a->t = b->t;
    append(&a->f, &b->f);
    return a;
}

lcap_cond *lcap_or(lcap_cond *a, lcap_cond *b)
{
    if (a == NULL || b == NULL)
        return NULL;
    if (a->konst == 0 || b->konst == 1)
        return b;
    if (b->konst == 0 || a->konst == 1)
        return a;
    patch(&a->f, b->head);
    a->f = b->f;
    append(&a->t, &b->t);
    return a;
}

lcap_cond *lcap_ite(lcap_cond *c, lcap_cond *a, lcap_cond *b)
{
    if (c == NULL || a == NULL || b == NULL)
        return NULL;
    if (c->konst >= 0)
        return c->konst ? a : b;
    if (a->konst >= 0)
        return a->konst ? lcap_or(c, b) : lcap_and(lcap_not(c), b);
    if (b->konst >= 0)
        return b->konst ? lcap_or(lcap_not(c), a) : lcap_and(c, a);
    patch(&c->t, a->head);
    patch(&c->f, b->head);
    c->t = a->t;
    append(&c->t, &b->t);
    c->f = a->f;
    append(&c->f, &b->f);
    return c;
}

lcap_cond *lcap_not(lcap_cond *a)
{
    if (a != NULL) {
        lcap_exits t = a->t;
        a->t = a->f;
        a->f = t;
        if (a->konst >= 0)
            a->konst = !a->konst;
    }
    return a;
}

void lcap_cond_prepend(lcap_cond *c, lcap_stmt *s)
{
    if (c != NULL && s != NULL)
        c->head->stmts = lcap_stmt_cat(s, c->head->stmts);
}

lcap_block *lcap_finish(lcap_cc *cc, lcap_cond *c, uint32_t accept)
{
    lcap_block *yes = lcap_block_ret(cc, accept), *no = lcap_block_ret(cc, 0);
    if (c == NULL || yes == NULL || no == NULL)
        return NULL;
    patch(&c->t, yes);
    patch(&c->f, no);
    return c->head;
}

lcap_block *lcap_resolve(lcap_cond *c, lcap_block *t, lcap_block *f)
{
    if (c == NULL || t == NULL || f == NULL)
        return NULL;
    patch(&c->t, t);
    patch(&c->f, f);
    return c->head;
}

/* Blocks in an order where every edge goes forward: reverse postorder of an
 * iterative depth-first walk, false edge explored first so the true target
 * tends to follow its branch. Returns are placed last. From malloc, or from
 * the temporaries when tmp is set. */
static lcap_block **topo_order(lcap_cc *cc, lcap_block *root, size_t *count, int rets_last, int tmp)
{
    struct frame {
        lcap_block *b;
        int state;
    };
    /* Every block comes from block_new, so nblocks bounds the walk: one
     * allocation holds the result, the postorder and the stack. */
    size_t nb = cc->nblocks > 0 ? (size_t)cc->nblocks : 1, n = 0, sp = 0;
    size_t each = 2 * sizeof(lcap_block *) + sizeof(struct frame);
    lcap_block **ord = NULL;
    if (tmp)
        ord = lcap_tmp_alloc(cc, nb, each, 0);
    else if (nb <= SIZE_MAX / each)
        ord = malloc(nb * each);
    if (ord == NULL) {
        lcap_cc_error(cc, 0, "out of memory ordering the filter's blocks");
        return NULL;
    }
    lcap_block **post = ord + nb;
    struct frame *stack = (struct frame *)(void *)(post + nb);
    int mark = ++cc->markgen;

    root->mark = mark;
    if (lcap_block_is_ret(root))
        post[n++] = root;
    else
        stack[sp++] = (struct frame){ root, 0 };
    while (sp > 0) {
        struct frame *f = &stack[sp - 1];
        if (f->state == 2) {
            post[n++] = f->b;
            sp--;
            continue;
        }
        lcap_block *next = f->state++ == 0 ? f->b->jf : f->b->jt;
        if (next == NULL || next->mark == mark)
            continue;
        next->mark = mark;
        /* a return has no successors: it is done as soon as it is reached */
        if (lcap_block_is_ret(next))
            post[n++] = next;
        else
            stack[sp++] = (struct frame){ next, 0 };
    }
    /* reverse, returns moved to the end in their order */
    size_t k = 0;
    if (!rets_last) {
        for (size_t i = n; i-- > 0;)
            ord[k++] = post[i];
    } else {
        for (size_t i = n; i-- > 0;)
            if (!lcap_block_is_ret(post[i]))
                ord[k++] = post[i];
        for (size_t i = n; i-- > 0;)
            if (lcap_block_is_ret(post[i]))
                ord[k++] = post[i];
    }
    *count = n;
    return ord;
}

lcap_block **lcap_topo_order(lcap_cc *cc, lcap_block *root, size_t *count, int rets_last)
{
    return topo_order(cc, root, count, rets_last, 0);
}

lcap_block **lcap_topo_order_tmp(lcap_cc *cc, lcap_block *root, size_t *count, int rets_last)
{
    return topo_order(cc, root, count, rets_last, 1);
}

int lcap_block_count(lcap_cc *cc, lcap_block *root, size_t *count)
{
    lcap_block **ord = lcap_topo_order_tmp(cc, root, count, 0);
    if (ord == NULL)
        return -1;
    lcap_tmp_free(cc, ord);
    return 0;
}


lcap_cond *lcap_cond_from(lcap_cc *cc, lcap_block *head)
{
    lcap_cond *c = lcap_cc_scratch(cc, sizeof(*c));
    if (c != NULL) {
        c->head = head;
        c->konst = -1;
    }
    return c;
}

int lcap_cond_add_exit(lcap_cc *cc, lcap_cond *c, lcap_block **slot, int sense)
{
    lcap_exit *e = exit_new(cc, slot);
    if (c == NULL || e == NULL)
        return -1;
    lcap_exits one = { e, e };
    append(sense ? &c->t : &c->f, &one);
    return 0;
}

uint32_t lcap_scratch_used(lcap_block *const *ord, size_t n)
{
    uint32_t m = 0;
    for (size_t i = 0; i < n; i++)
        for (const lcap_stmt *s = ord[i]->stmts; s != NULL; s = s->next) {
            uint16_t c = s->code;
            int cls = LCAP_BPF_CLASS(c);
            if (((cls == LCAP_BPF_LD || cls == LCAP_BPF_LDX) && LCAP_BPF_MODE(c) == LCAP_BPF_MEM) ||
                cls == LCAP_BPF_ST || cls == LCAP_BPF_STX)
                m |= s->k < 32 ? 1u << s->k : 0;
        }
    return m;
}
