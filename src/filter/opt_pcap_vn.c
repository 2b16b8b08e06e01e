/* opt_pcap_vn.c - libpcap 1.10.3's optimizer as modelled for the verdict: its value numbers and
 * what it does to one block (statement rewrites under "alter", peephole, dead stores). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include "filter/opt_pcap.h"

#define CL LCAP_BPF_CLASS
#define OP LCAP_BPF_OP

void lcap_pm_vn_reset(pm_state *st)
{
    st->curval = 0;
    if (st->vtab != NULL)
        memset(st->vtab, 0, st->vcap * sizeof(*st->vtab));
    if (st->is_const != NULL)
        memset(st->is_const, 0, st->constcap);
}

static uint32_t vhash(int code, uint32_t v0, uint32_t v1)
{
    uint32_t h = ((uint32_t)code * 2654435761u ^ v0) * 2246822519u ^ v1 * 3266489917u;
    return h ^ h >> 15;
}

static int vgrow(pm_state *st)
{
    uint32_t ncap = st->vcap ? 2 * st->vcap : 256;
    pm_vnode *n = calloc(ncap, sizeof(*n));
    if (n == NULL)
        return -1;
    for (uint32_t i = 0; i < st->vcap; i++) {
        pm_vnode *o = &st->vtab[i];
        if (o->val == 0)
            continue;
        uint32_t j = vhash(o->code, o->v0, o->v1) & (ncap - 1);
        while (n[j].val != 0)
            j = (j + 1) & (ncap - 1);
        n[j] = *o;
    }
    free(st->vtab);
    st->vtab = n;
    st->vcap = ncap;
    return 0;
}

static int cgrow(pm_state *st, uint32_t need)
{
    uint32_t ncap = st->constcap ? st->constcap : 256;
    while (ncap <= need)
        ncap *= 2;
    uint8_t *c = realloc(st->is_const, ncap);
    if (c == NULL)
        return -1;
    st->is_const = c;
    uint32_t *v = realloc(st->const_val, ncap * sizeof(*v));
    if (v == NULL)
        return -1;
    st->const_val = v;
    memset(st->is_const + st->constcap, 0, ncap - st->constcap);
    st->constcap = ncap;
    return 0;
}

/* The number of the value "code(v0, v1)", made on first use; an immediate
 * load makes a known constant. */
uint32_t lcap_pm_F(pm_state *st, int code, uint32_t v0, uint32_t v1)
{
    if (st->oom)
        return 0;
    if (2 * (st->curval + 1) >= st->vcap && vgrow(st) < 0)
        goto oom;
    uint32_t j = vhash(code, v0, v1) & (st->vcap - 1);
    for (; st->vtab[j].val != 0; j = (j + 1) & (st->vcap - 1))
        if (st->vtab[j].code == code && st->vtab[j].v0 == v0 && st->vtab[j].v1 == v1)
            return st->vtab[j].val;
    uint32_t val = ++st->curval;
    if (val >= st->constcap && cgrow(st, val) < 0)
        goto oom;
    st->vtab[j] = (pm_vnode){ code, v0, v1, val };
    if (LCAP_BPF_MODE(code) == LCAP_BPF_IMM && (CL(code) == LCAP_BPF_LD || CL(code) == LCAP_BPF_LDX)) {
        st->is_const[val] = 1;
        st->const_val[val] = v0;
    }
    return val;
oom:
    st->oom = 1;
    return 0;
}

static uint32_t K(pm_state *st, uint32_t k) { return lcap_pm_F(st, LCAP_BPF_LD | LCAP_BPF_IMM, k, 0); }
static int known(const pm_state *st, uint32_t v) { return v < st->constcap && st->is_const[v]; }
static uint32_t kval(const pm_state *st, uint32_t v) { return st->const_val[v]; }

static void changed(pm_state *st, int other)
{
    st->done = 0;
    if (other)
        st->moved_other = 1;
}

static void fail(pm_state *st, const char *msg)
{
    if (st->error == NULL)
        st->error = msg;
}

/* Stores a register's new value, or (alter) deletes a statement that
 * leaves a known value as it was. */
static void put(pm_stmt *s, uint32_t *slot, uint32_t v, int alter)
{
    if (alter && v != 0 && *slot == v)
        s->code = PM_NOP;
    else
        *slot = v;
}

/* A constant operation folded into an immediate load of its result. */
static void fold(pm_state *st, pm_stmt *s, uint32_t va, uint32_t vb)
{
    uint32_t a = kval(st, va), b = kval(st, vb);
    switch (OP(s->code)) {
    case LCAP_BPF_ADD: a += b; break;
    case LCAP_BPF_SUB: a -= b; break;
    case LCAP_BPF_MUL: a *= b; break;
    case LCAP_BPF_DIV:
        if (b == 0) {
            fail(st, "division by zero");
            return;
        }
        a /= b;
        break;
    case LCAP_BPF_MOD:
        if (b == 0) {
            fail(st, "modulus by zero");
            return;
        }
        a %= b;
        break;
    case LCAP_BPF_AND: a &= b; break;
    case LCAP_BPF_OR: a |= b; break;
    case LCAP_BPF_XOR: a ^= b; break;
    case LCAP_BPF_LSH: a = b < 32 ? a << b : 0; break;
    case LCAP_BPF_RSH: a = b < 32 ? a >> b : 0; break;
    default: break;
    }
    s->k = a;
    s->code = LCAP_BPF_LD | LCAP_BPF_IMM;
    changed(st, 1);
}

static int is_alu_op(int op)
{
    switch (op) {
    case LCAP_BPF_ADD: case LCAP_BPF_SUB: case LCAP_BPF_MUL: case LCAP_BPF_DIV: case LCAP_BPF_MOD:
    case LCAP_BPF_AND: case LCAP_BPF_OR: case LCAP_BPF_XOR: case LCAP_BPF_LSH: case LCAP_BPF_RSH:
        return 1;
    default:
        return 0;
    }
}

/* One statement's effect on the values in val[]; alter: libpcap's rewrites. */
static void opt_stmt(pm_state *st, pm_stmt *s, uint32_t *val, int alter)
{
    int c = s->code;
    if (c == PM_NOP)
        return;
    int cls = CL(c), mode = LCAP_BPF_MODE(c);
    if (cls == LCAP_BPF_LD && mode == LCAP_BPF_ABS && LCAP_BPF_SIZE(c) != 0x18) {
        put(s, &val[PM_A], lcap_pm_F(st, c, s->k, 0), alter);
    } else if (cls == LCAP_BPF_LD && mode == LCAP_BPF_IND && LCAP_BPF_SIZE(c) != 0x18) {
        uint32_t v = val[PM_X];
        if (alter && known(st, v)) {
            s->code = LCAP_BPF_LD | LCAP_BPF_ABS | LCAP_BPF_SIZE(c);
            s->k += kval(st, v);
            v = lcap_pm_F(st, s->code, s->k, 0);
            changed(st, 1);
        } else {
            v = lcap_pm_F(st, c, s->k, v);
        }
        put(s, &val[PM_A], v, alter);
    } else if (c == (LCAP_BPF_LD | LCAP_BPF_W | LCAP_BPF_LEN)) {
        put(s, &val[PM_A], lcap_pm_F(st, c, 0, 0), alter);
    } else if (c == (LCAP_BPF_LD | LCAP_BPF_IMM)) {
        put(s, &val[PM_A], K(st, s->k), alter);
    } else if (c == (LCAP_BPF_LDX | LCAP_BPF_IMM)) {
        put(s, &val[PM_X], K(st, s->k), alter);
    } else if (c == (LCAP_BPF_LDX | LCAP_BPF_MSH | LCAP_BPF_B)) {
        put(s, &val[PM_X], lcap_pm_F(st, c, s->k, 0), alter);
    } else if (c == (LCAP_BPF_ALU | LCAP_BPF_NEG)) {
        if (alter && known(st, val[PM_A])) {
            s->code = LCAP_BPF_LD | LCAP_BPF_IMM;
            s->k = 0u - kval(st, val[PM_A]);
            val[PM_A] = K(st, s->k);
        } else {
            val[PM_A] = lcap_pm_F(st, c, val[PM_A], 0);
        }
    } else if (cls == LCAP_BPF_ALU && LCAP_BPF_SRC(c) == LCAP_BPF_K && is_alu_op(OP(c))) {
        int op = OP(c);
        if (alter) {
            if (s->k == 0) {
                if (op == LCAP_BPF_ADD || op == LCAP_BPF_LSH || op == LCAP_BPF_RSH || op == LCAP_BPF_OR ||
                    op == LCAP_BPF_XOR) {
                    s->code = PM_NOP;
                    return;
                }
                if (op == LCAP_BPF_MUL || op == LCAP_BPF_AND) {
                    s->code = LCAP_BPF_LD | LCAP_BPF_IMM;
                    val[PM_A] = K(st, s->k);
                    return;
                }
                if (op == LCAP_BPF_DIV || op == LCAP_BPF_MOD) {
                    fail(st, op == LCAP_BPF_DIV ? "division by zero" : "modulus by zero");
                    return;
                }
            }
            if (known(st, val[PM_A])) {
                fold(st, s, val[PM_A], K(st, s->k));
                val[PM_A] = K(st, s->k);
                return;
            }
        }
        val[PM_A] = lcap_pm_F(st, c, val[PM_A], K(st, s->k));
    } else if (cls == LCAP_BPF_ALU && is_alu_op(OP(c))) { /* with X */
        int op = OP(c);
        if (alter && known(st, val[PM_X])) {
            if (known(st, val[PM_A])) {
                fold(st, s, val[PM_A], val[PM_X]);
                val[PM_A] = K(st, s->k);
            } else {
                s->code = LCAP_BPF_ALU | LCAP_BPF_K | op;
                s->k = kval(st, val[PM_X]);
                if ((op == LCAP_BPF_LSH || op == LCAP_BPF_RSH) && s->k > 31)
                    fail(st, "shift by more than 31 bits");
                changed(st, 1);
                val[PM_A] = lcap_pm_F(st, s->code, val[PM_A], K(st, s->k));
            }
            return;
        }
        if (alter && known(st, val[PM_A]) && kval(st, val[PM_A]) == 0) {
            if (op == LCAP_BPF_ADD || op == LCAP_BPF_OR || op == LCAP_BPF_XOR) {
                s->code = LCAP_BPF_MISC | LCAP_BPF_TXA;
                put(s, &val[PM_A], val[PM_X], alter);
                return;
            }
            if (op != LCAP_BPF_SUB) {
                s->code = LCAP_BPF_LD | LCAP_BPF_IMM;
                s->k = 0;
                put(s, &val[PM_A], K(st, 0), alter);
                return;
            }
        }
        val[PM_A] = lcap_pm_F(st, c, val[PM_A], val[PM_X]);
    } else if (c == (LCAP_BPF_MISC | LCAP_BPF_TXA)) {
        put(s, &val[PM_A], val[PM_X], alter);
    } else if (c == (LCAP_BPF_LD | LCAP_BPF_MEM) || c == (LCAP_BPF_LDX | LCAP_BPF_MEM)) {
        int x = c == (LCAP_BPF_LDX | LCAP_BPF_MEM);
        uint32_t v = s->k < LCAP_BPF_MEMWORDS ? val[s->k] : 0;
        if (alter && known(st, v)) {
            s->code = (x ? LCAP_BPF_LDX : LCAP_BPF_LD) | LCAP_BPF_IMM;
            s->k = kval(st, v);
            changed(st, 1);
        }
        put(s, &val[x ? PM_X : PM_A], v, alter);
    } else if (c == (LCAP_BPF_MISC | LCAP_BPF_TAX)) {
        put(s, &val[PM_X], val[PM_A], alter);
    } else if ((c == LCAP_BPF_ST || c == LCAP_BPF_STX) && s->k < LCAP_BPF_MEMWORDS) {
        put(s, &val[s->k], val[c == LCAP_BPF_ST ? PM_A : PM_X], alter);
    }
}

/* The register a statement reads (PM_AX: both A and X), or -1. */
static int atom_use(int c, uint32_t k)
{
    if (c == PM_NOP)
        return -1;
    switch (CL(c)) {
    case LCAP_BPF_RET:
        return LCAP_BPF_RVAL(c) == LCAP_BPF_A ? PM_A : LCAP_BPF_RVAL(c) == LCAP_BPF_X ? PM_X : -1;
    case LCAP_BPF_LD:
    case LCAP_BPF_LDX:
        return LCAP_BPF_MODE(c) == LCAP_BPF_IND ? PM_X
               : LCAP_BPF_MODE(c) == LCAP_BPF_MEM && k < LCAP_BPF_MEMWORDS ? (int)k : -1;
    case LCAP_BPF_ST: return PM_A;
    case LCAP_BPF_STX: return PM_X;
    case LCAP_BPF_JMP:
    case LCAP_BPF_ALU: return LCAP_BPF_SRC(c) == LCAP_BPF_X ? PM_AX : PM_A;
    default: return LCAP_BPF_MISCOP(c) == LCAP_BPF_TXA ? PM_X : PM_A;
    }
}

/* The register a statement writes, or -1. */
static int atom_def(int c, uint32_t k)
{
    if (c == PM_NOP)
        return -1;
    switch (CL(c)) {
    case LCAP_BPF_LD:
    case LCAP_BPF_ALU: return PM_A;
    case LCAP_BPF_LDX: return PM_X;
    case LCAP_BPF_ST:
    case LCAP_BPF_STX: return k < LCAP_BPF_MEMWORDS ? (int)k : -1;
    case LCAP_BPF_MISC: return LCAP_BPF_MISCOP(c) == LCAP_BPF_TAX ? PM_X : PM_A;
    default: return -1;
    }
}

static void note_use(int atom, uint32_t def, uint32_t *use)
{
    if (atom == PM_AX) {
        if (!(def >> PM_X & 1))
            *use |= 1u << PM_X;
        if (!(def >> PM_A & 1))
            *use |= 1u << PM_A;
    } else if (atom >= 0 && !(def >> atom & 1)) {
        *use |= 1u << atom;
    }
}

void lcap_pm_local_ud(pm_block *b)
{
    uint32_t def = 0, use = 0, kill = 0;
    for (int i = 0; i < b->ns; i++) {
        const pm_stmt *s = &b->s[i];
        if (s->code == PM_NOP)
            continue;
        note_use(atom_use(s->code, s->k), def, &use);
        int d = atom_def(s->code, s->k);
        if (d >= 0) {
            if (!(use >> d & 1))
                kill |= 1u << d;
            def |= 1u << d;
        }
    }
    if (CL(b->code) == LCAP_BPF_JMP)
        note_use(atom_use(b->code, b->k), def, &use);
    b->def = def;
    b->kill = kill;
    b->in_use = use;
}

/* The next statement from i on that is not deleted, or -1. */
static int live_from(const pm_block *b, int i)
{
    while (i >= 0 && i < b->ns && b->s[i].code == PM_NOP)
        i++;
    return i >= 0 && i < b->ns ? i : -1;
}

static void swap_edges(pm_block *b)
{
    pm_block *t = PM_JT(b);
    PM_JT(b) = PM_JF(b);
    PM_JF(b) = t;
}

static void peephole(pm_state *st, pm_block *b)
{
    if (b->ns == 0)
        return;
    int last = 0; /* the list's first statement, deleted or not, until a pair is seen */
    for (int i = 0;;) {
        i = live_from(b, i);
        if (i < 0)
            break;
        int j = live_from(b, i + 1);
        if (j < 0)
            break;
        last = j;
        pm_stmt *s = &b->s[i], *nx = &b->s[j];
        if (s->code == LCAP_BPF_ST && nx->code == (LCAP_BPF_LDX | LCAP_BPF_MEM) && s->k == nx->k) {
            nx->code = LCAP_BPF_MISC | LCAP_BPF_TAX;
            changed(st, 1);
        }
        if (s->code == (LCAP_BPF_LD | LCAP_BPF_IMM) && nx->code == (LCAP_BPF_MISC | LCAP_BPF_TAX)) {
            s->code = LCAP_BPF_LDX | LCAP_BPF_IMM;
            nx->code = LCAP_BPF_MISC | LCAP_BPF_TXA;
            changed(st, 1);
        }
        /* "ld #k; [ldxms;] addx; tax; ld [x + o]" -> "[ldxms;] ld [x + o + k]" */
        if (s->code == (LCAP_BPF_LD | LCAP_BPF_IMM) && !(b->out_use >> PM_X & 1)) {
            int add = nx->code != (LCAP_BPF_LDX | LCAP_BPF_MSH | LCAP_BPF_B) ? j : live_from(b, j + 1);
            int tax = add >= 0 && b->s[add].code == (LCAP_BPF_ALU | LCAP_BPF_ADD | LCAP_BPF_X) ? live_from(b, add + 1)
                                                                                                : -1;
            int ild = tax >= 0 && b->s[tax].code == (LCAP_BPF_MISC | LCAP_BPF_TAX) ? live_from(b, tax + 1) : -1;
            if (ild >= 0 && CL(b->s[ild].code) == LCAP_BPF_LD && LCAP_BPF_MODE(b->s[ild].code) == LCAP_BPF_IND) {
                b->s[ild].k += s->k;
                s->code = PM_NOP;
                b->s[add].code = PM_NOP;
                b->s[tax].code = PM_NOP;
                changed(st, 1);
            }
        }
        i = j;
    }
    pm_stmt *ls = &b->s[last];
    if (b->code == (LCAP_BPF_JMP | LCAP_BPF_JEQ | LCAP_BPF_K) && !(b->out_use >> PM_A & 1)) {
        if (ls->code == (LCAP_BPF_ALU | LCAP_BPF_SUB | LCAP_BPF_X)) {
            uint32_t v = b->val[PM_X];
            if (known(st, v)) {
                b->k += kval(st, v);
                ls->code = PM_NOP;
                changed(st, 1);
            } else if (b->k == 0) {
                ls->code = PM_NOP;
                b->code = LCAP_BPF_JMP | LCAP_BPF_JEQ | LCAP_BPF_X;
                changed(st, 1);
            }
        } else if (ls->code == (LCAP_BPF_ALU | LCAP_BPF_SUB | LCAP_BPF_K)) {
            ls->code = PM_NOP;
            b->k += ls->k;
            changed(st, 1);
        } else if (ls->code == (LCAP_BPF_ALU | LCAP_BPF_AND | LCAP_BPF_K) && b->k == 0) {
            b->k = ls->k;
            b->code = LCAP_BPF_JMP | LCAP_BPF_K | LCAP_BPF_JSET;
            ls->code = PM_NOP;
            changed(st, 1);
            swap_edges(b);
        }
    }
    if (b->code == (LCAP_BPF_JMP | LCAP_BPF_K | LCAP_BPF_JSET)) {
        if (b->k == 0)
            PM_JT(b) = PM_JF(b);
        if (b->k == 0xffffffffu)
            PM_JF(b) = PM_JT(b);
    }
    if (known(st, b->val[PM_X]) && LCAP_BPF_SRC(b->code) == LCAP_BPF_X) {
        b->code &= ~LCAP_BPF_X;
        b->k = kval(st, b->val[PM_X]);
    }
    if (known(st, b->val[PM_A]) && LCAP_BPF_SRC(b->code) == LCAP_BPF_K) {
        uint32_t v = kval(st, b->val[PM_A]);
        switch (OP(b->code)) {
        case LCAP_BPF_JGT: v = v > b->k; break;
        case LCAP_BPF_JGE: v = v >= b->k; break;
        case LCAP_BPF_JSET: v &= b->k; break;
        default: v = v == b->k; break; /* jeq (and "ja", whose edges meet) */
        }
        if (PM_JF(b) != PM_JT(b))
            changed(st, 1);
        if (v)
            PM_JF(b) = PM_JT(b);
        else
            PM_JT(b) = PM_JF(b);
    }
}

/* Deletes what a later statement overwrites before any read, and the last
 * write of a register no successor reads. */
static void dead_stores(pm_state *st, pm_block *b)
{
    pm_stmt *last[PM_ATOMS] = { 0 };
    for (int i = 0; i <= b->ns; i++) {
        pm_stmt *s = i < b->ns ? &b->s[i] : NULL;
        int c = s != NULL ? s->code : b->code;
        uint32_t k = s != NULL ? s->k : b->k;
        int u = atom_use(c, k);
        if (u == PM_AX)
            last[PM_A] = last[PM_X] = NULL;
        else if (u >= 0)
            last[u] = NULL;
        int d = s != NULL ? atom_def(c, k) : -1; /* a branch or return writes nothing */
        if (d >= 0) {
            if (last[d] != NULL) {
                last[d]->code = PM_NOP;
                changed(st, 1);
            }
            last[d] = s;
        }
    }
    for (int a = 0; a < PM_ATOMS; a++)
        if (last[a] != NULL && !(b->out_use >> a & 1)) {
            last[a]->code = PM_NOP;
            changed(st, 1);
        }
}

void lcap_pm_opt_blk(pm_state *st, pm_block *b, int do_stmts)
{
    pm_edge *p = b->in;
    if (p == NULL) {
        memset(b->val, 0, sizeof(b->val));
    } else {
        memcpy(b->val, p->pred->val, sizeof(b->val));
        for (p = p->next; p != NULL; p = p->next)
            for (int i = 0; i < PM_ATOMS; i++)
                if (b->val[i] != p->pred->val[i])
                    b->val[i] = 0;
    }
    uint32_t a0 = b->val[PM_A], x0 = b->val[PM_X];
    for (int i = 0; i < b->ns; i++)
        opt_stmt(st, &b->s[i], b->val, do_stmts);
    /* nothing it computes is needed and A and X are as they came in (or a
     * return): its statements go */
    if (do_stmts && ((b->out_use == 0 && a0 != 0 && b->val[PM_A] == a0 && x0 != 0 && b->val[PM_X] == x0) ||
                     CL(b->code) == LCAP_BPF_RET)) {
        if (b->ns != 0) {
            b->ns = 0;
            changed(st, 1);
        }
    } else {
        peephole(st, b);
        dead_stores(st, b);
    }
    b->oval = LCAP_BPF_SRC(b->code) == LCAP_BPF_K ? K(st, b->k) : b->val[PM_X];
    b->et.code = b->code;
    b->ef.code = -b->code;
}
