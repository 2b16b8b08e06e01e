/* fault.c - the emulated BPF device's fault injection: parses BPFDEV_FAULT and answers which call must fail. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "bpfdev.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define ERRNOS(X) X(EBUSY) X(EINTR) X(ENXIO) X(EACCES) X(ENETDOWN) X(ENOBUFS) X(EIO) \
                  X(EFAULT) X(EINVAL) X(EPERM) X(ENOENT) X(EAGAIN) X(ENOMEM)

static const struct { const char *name; int value; } errnos[] = {
#define ERRNO_ROW(e) { #e, e },
    ERRNOS(ERRNO_ROW)
#undef ERRNO_ROW
};

static const char *const op_names[BPFDEV_OP_COUNT] = {
    [BPFDEV_OP_OPEN] = "open", [BPFDEV_OP_READ] = "read", [BPFDEV_OP_WRITE] = "write",
    [BPFDEV_OP_IOCTL] = "ioctl", [BPFDEV_OP_POLL] = "poll",
};

/* One rule: `op[.REQUEST]:ERRNO[*COUNT][@after=N]`. */
struct rule {
    enum bpfdev_op op;
    int req;        /* ioctl request (enum lcap_bpf_req), -1 for any */
    int err;
    long count;     /* how many times it fires; -1 forever */
    long after;     /* matching calls let through first */
    atomic_long seen;
};

#define MAX_RULES 16
static struct rule rules[MAX_RULES];
static atomic_int nrules;
static char *spec; /* the BPFDEV_FAULT text the rules come from */

int bpfdev_errno_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (strcmp(errnos[i].name, name) == 0)
            return errnos[i].value;
    return 0;
}

static int find_req(const char *name)
{
    for (int r = 0; r < LCAP_REQ_COUNT; r++)
        if (strcmp(lcap_bpf_req_name((enum lcap_bpf_req)r), name) == 0)
            return r;
    return -2;
}

/* Parses one rule in place; 0 if it is malformed (then it is ignored). */
static int parse_rule(char *text, struct rule *r)
{
    char *colon = strchr(text, ':');
    if (colon == NULL)
        return 0;
    *colon = '\0';
    char *dot = strchr(text, '.');
    r->req = -1;
    if (dot != NULL) {
        *dot = '\0';
        r->req = find_req(dot + 1);
        if (r->req < 0)
            return 0;
    }
    int op = -1;
    for (int i = 0; i < BPFDEV_OP_COUNT; i++)
        if (strcmp(op_names[i], text) == 0)
            op = i;
    if (op < 0 || (dot != NULL && op != BPFDEV_OP_IOCTL))
        return 0;
    r->op = (enum bpfdev_op)op;
    char *rest = colon + 1;
    char *at = strchr(rest, '@');
    r->after = 0;
    if (at != NULL) {
        *at = '\0';
        if (strncmp(at + 1, "after=", 6) != 0)
            return 0;
        r->after = strtol(at + 7, NULL, 10);
    }
    char *star = strchr(rest, '*');
    r->count = -1;
    if (star != NULL) {
        *star = '\0';
        r->count = strtol(star + 1, NULL, 10);
    }
    r->err = bpfdev_errno_by_name(rest);
    atomic_store(&r->seen, 0);
    return r->err != 0;
}

void bpfdev_fault_reload(void)
{
    const char *env = getenv("BPFDEV_FAULT");
    if (env == NULL)
        env = "";
    if (spec != NULL && strcmp(spec, env) == 0)
        return;
    atomic_store(&nrules, 0);
    free(spec);
    spec = strdup(env);
    char *copy = strdup(env);
    if (spec == NULL || copy == NULL) {
        free(copy);
        return;
    }
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok != NULL && n < MAX_RULES;
         tok = strtok_r(NULL, ",", &save))
        if (parse_rule(tok, &rules[n]))
            n++;
    free(copy);
    atomic_store(&nrules, n);
}

int bpfdev_fault(enum bpfdev_op op, int req)
{
    /* Every matching rule counts every call, so that "@after=N" means the
     * first N matching calls, whichever rule fired on them; the first rule
     * that fires gives the errno. */
    int n = atomic_load(&nrules), err = 0;
    for (int i = 0; i < n; i++) {
        struct rule *r = &rules[i];
        if (r->op != op || (r->req >= 0 && r->req != req))
            continue;
        long seen = atomic_fetch_add(&r->seen, 1);
        if (err != 0 || seen < r->after)
            continue;
        if (r->count >= 0 && seen - r->after >= r->count)
            continue;
        err = r->err;
    }
    return err;
}
