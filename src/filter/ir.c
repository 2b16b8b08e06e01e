/* ir.c - building blocks and conditions: and/or/not by patching dangling exits (no copies). */
#include <stddef.h>

#include "filter/ir.h"

lcap_stmt *lcap_stmt_new(lcap_cc *cc, uint16_t code, uint32_t k)
{
    lcap_stmt *s = lcap_cc_alloc(cc, sizeof(*s));
    if (s != NULL) {
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
    lcap_exit *e = lcap_cc_alloc(cc, sizeof(*e));
    if (e != NULL)
        e->slot = slot;
    return e;
}

lcap_cond *lcap_cond_jmp(lcap_cc *cc, lcap_stmt *stmts, uint16_t jop, uint32_t k)
{
    lcap_cond *c = lcap_cc_alloc(cc, sizeof(*c));
    lcap_block *b = block_new(cc);
    if (c == NULL || b == NULL || cc->error)
        return NULL;
    b->stmts = stmts;
    b->code = (uint16_t)(LCAP_BPF_JMP | jop);
    b->k = k;
    c->head = b;
    c->t.head = c->t.tail = exit_new(cc, &b->jt);
    c->f.head = c->f.tail = exit_new(cc, &b->jf);
    return c->t.head != NULL && c->f.head != NULL ? c : NULL;
}

/* "ld #0; jeq #0": always true, made false by negation. */
lcap_cond *lcap_cond_true(lcap_cc *cc)
{
    return lcap_cond_jmp(cc, lcap_stmt_new(cc, LCAP_BPF_LD | LCAP_BPF_IMM, 0), LCAP_BPF_JEQ, 0);
}

lcap_cond *lcap_cond_false(lcap_cc *cc) { return lcap_not(lcap_cond_true(cc)); }

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

lcap_cond *lcap_and(lcap_cond *a, lcap_cond *b)
{
    if (a == NULL || b == NULL)
        return NULL;
    patch(&a->t, b->head);
    a->t = b->t;
    append(&a->f, &b->f);
    return a;
}

lcap_cond *lcap_or(lcap_cond *a, lcap_cond *b)
{
    if (a == NULL || b == NULL)
        return NULL;
    patch(&a->f, b->head);
    a->f = b->f;
    append(&a->t, &b->t);
    return a;
}

lcap_cond *lcap_not(lcap_cond *a)
{
    if (a != NULL) {
        lcap_exits t = a->t;
        a->t = a->f;
        a->f = t;
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
