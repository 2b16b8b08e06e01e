/* test_live_reader.c - unit tests of the reader over a scripted live source:
 * dispatch after one buffer, loop past timeouts, breaks, capture_next's read,
 * filters in the source or the reader, NULL operations, create/activate codes. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <poll.h>

#include "bpf/program.h"
#include "capture.h"
#include "reader.h"

/* The script: what each fill() returns, and how many packets a DATA fill
 * puts in the buffer. Packet i carries i in its first byte. */
#define MAX_STEPS 16
typedef struct fake {
    int steps[MAX_STEPS];  /* LCAP_FILL_* or CAPTURE_ERROR */
    int counts[MAX_STEPS]; /* packets of a DATA step */
    int nsteps, step;
    int left;              /* packets left in the buffer */
    uint8_t next_id;
    uint8_t pkt[1];
    int fills, nexts;
    int break_at_next;     /* calls capture_breakloop on this next() (1-based) */
    int setfilter_answer;
    int activate_answer;
} fake;

static fake F;

static int fake_next(capture_reader *r, capture_pkthdr *h, const uint8_t **data)
{
    F.nexts++;
    if (F.break_at_next != 0 && F.nexts == F.break_at_next)
        capture_breakloop(r);
    if (F.left == 0)
        return 0;
    F.left--;
    F.pkt[0] = F.next_id++;
    *h = (capture_pkthdr){ 1, 0, 1, 1 };
    *data = F.pkt;
    return 1;
}

static int fake_fill(capture_reader *r)
{
    (void)r;
    F.fills++;
    if (F.step >= F.nsteps)
        return LCAP_FILL_TIMEOUT;
    int s = F.step++;
    if (F.steps[s] == LCAP_FILL_DATA)
        F.left = F.counts[s];
    if (F.steps[s] == CAPTURE_ERROR)
        lcap_errf(r->errbuf, "scripted failure");
    return F.steps[s];
}

static int fake_setfilter(capture_reader *r, const capture_bpf *prog)
{
    (void)r;
    (void)prog;
    return F.setfilter_answer;
}

static int fake_activate(capture_reader *r)
{
    if (F.activate_answer < 0)
        lcap_errf(r->errbuf, "scripted activation failure");
    return F.activate_answer;
}

static const lcap_source_ops fake_ops = {
    .kind = "fake",
    .activate = fake_activate,
    .next = fake_next,
    .fill = fake_fill,
    .setfilter = fake_setfilter,
};

static void script(int n, const int *steps, const int *counts)
{
    memset(&F, 0, sizeof(F));
    F.nsteps = n;
    memcpy(F.steps, steps, sizeof(int) * (size_t)n);
    memcpy(F.counts, counts, sizeof(int) * (size_t)n);
}

/* An activated reader over the fake source. */
static capture_reader *fake_reader(void)
{
    capture_reader *r = lcap_reader_new();
    assert_non_null(r);
    r->ops = &fake_ops;
    r->linktype = CAPTURE_DLT_EN10MB;
    r->snaplen = 65535;
    return r;
}

typedef struct seen {
    int n;
    uint8_t ids[64];
} seen;

static void collect(void *user, const capture_pkthdr *h, const uint8_t *d)
{
    seen *s = user;
    (void)h;
    if (s->n < 64)
        s->ids[s->n] = d[0];
    s->n++;
}

static void dispatch_reads_one_buffer(void **state)
{
    (void)state;
    script(2, (int[]){ LCAP_FILL_DATA, LCAP_FILL_DATA }, (int[]){ 3, 4 });
    capture_reader *r = fake_reader();
    seen s = { 0 };
    assert_int_equal(capture_dispatch(r, -1, collect, &s), 3);
    assert_int_equal(F.fills, 1);
    /* A count stops inside a buffer; the next call finishes that buffer
     * without reading another, as libpcap's BPF reader does. */
    assert_int_equal(capture_dispatch(r, 2, collect, &s), 2);
    assert_int_equal(capture_dispatch(r, 10, collect, &s), 2);
    assert_int_equal(F.fills, 2);
    assert_int_equal(s.n, 7);
    for (int i = 0; i < 7; i++)
        assert_int_equal(s.ids[i], i);
    /* Nothing more: the read times out and dispatch says 0. */
    assert_int_equal(capture_dispatch(r, -1, collect, &s), 0);
    capture_close(r);
}

static void loop_goes_past_timeouts(void **state)
{
    (void)state;
    script(5, (int[]){ LCAP_FILL_DATA, LCAP_FILL_TIMEOUT, LCAP_FILL_TIMEOUT, LCAP_FILL_AGAIN, LCAP_FILL_DATA },
           (int[]){ 2, 0, 0, 0, 5 });
    capture_reader *r = fake_reader();
    seen s = { 0 };
    assert_int_equal(capture_loop(r, 6, collect, &s), 0);
    assert_int_equal(s.n, 6);
    assert_int_equal(F.fills, 5);
    /* The seventh packet is still buffered for the next call. */
    assert_int_equal(capture_dispatch(r, -1, collect, &s), 1);
    assert_int_equal(s.ids[6], 6);
    capture_close(r);
}

static void dispatch_idle_codes(void **state)
{
    (void)state;
    script(3, (int[]){ LCAP_FILL_AGAIN, LCAP_FILL_BREAK, CAPTURE_ERROR }, (int[]){ 0, 0, 0 });
    capture_reader *r = fake_reader();
    seen s = { 0 };
    assert_int_equal(capture_dispatch(r, -1, collect, &s), 0);
    assert_int_equal(capture_dispatch(r, -1, collect, &s), CAPTURE_ERROR_BREAK);
    assert_int_equal(capture_dispatch(r, -1, collect, &s), CAPTURE_ERROR);
    assert_string_equal(capture_geterr(r), "scripted failure");
    capture_close(r);

    script(2, (int[]){ CAPTURE_ERROR, LCAP_FILL_DATA }, (int[]){ 0, 1 });
    r = fake_reader();
    assert_int_equal(capture_loop(r, -1, collect, &s), CAPTURE_ERROR);
    capture_close(r);
}

/* A filter that rejects everything cannot hold a break off. */
static void break_between_rejected_packets(void **state)
{
    (void)state;
    struct capture_insn reject = { 0x06, 0, 0, 0 };
    char err[CAPTURE_ERRBUF_SIZE];
    script(1, (int[]){ LCAP_FILL_DATA }, (int[]){ 1000 });
    F.setfilter_answer = LCAP_FILTER_USERLAND;
    F.break_at_next = 10;
    capture_reader *r = fake_reader();
    capture_bpf *prog = capture_bpf_from_insns(&reject, 1, err);
    assert_int_equal(capture_setfilter_bpf(r, prog), 0);
    assert_non_null(r->filter);
    seen s = { 0 };
    assert_int_equal(capture_loop(r, -1, collect, &s), CAPTURE_ERROR_BREAK);
    assert_int_equal(s.n, 0);
    assert_int_equal(F.nexts, 10);
    /* The break was taken: the loop runs again (and the reader filters). */
    F.break_at_next = 0;
    assert_int_equal(capture_dispatch(r, -1, collect, &s), 0);
    assert_int_equal(F.left, 0);
    capture_bpf_free(prog);
    capture_close(r);
}

/* A break asked while packets were being delivered ends dispatch after the
 * current one; the caller gets the count, the next call the break. */
static void break_during_dispatch(void **state)
{
    (void)state;
    script(1, (int[]){ LCAP_FILL_DATA }, (int[]){ 10 });
    F.break_at_next = 4;
    capture_reader *r = fake_reader();
    seen s = { 0 };
    /* next() #1 found the buffer empty; #4 asks for the break and still
     * returns a packet, which is delivered. */
    assert_int_equal(capture_dispatch(r, -1, collect, &s), 3);
    assert_int_equal(capture_dispatch(r, -1, collect, &s), CAPTURE_ERROR_BREAK);
    assert_int_equal(capture_dispatch(r, -1, collect, &s), 7);
    capture_close(r);
}

static void kernel_filter_leaves_reader_unfiltered(void **state)
{
    (void)state;
    struct capture_insn reject = { 0x06, 0, 0, 0 };
    char err[CAPTURE_ERRBUF_SIZE];
    script(1, (int[]){ LCAP_FILL_DATA }, (int[]){ 3 });
    F.setfilter_answer = LCAP_FILTER_KERNEL;
    capture_reader *r = fake_reader();
    capture_bpf *prog = capture_bpf_from_insns(&reject, 1, err);
    assert_int_equal(capture_setfilter_bpf(r, prog), 0);
    assert_null(r->filter);
    seen s = { 0 };
    /* The source is trusted to have filtered: all three arrive. */
    assert_int_equal(capture_dispatch(r, -1, collect, &s), 3);
    F.setfilter_answer = CAPTURE_ERROR;
    assert_int_equal(capture_setfilter_bpf(r, prog), CAPTURE_ERROR);
    capture_bpf_free(prog);
    capture_close(r);
}

static void next_reads_once(void **state)
{
    (void)state;
    capture_pkthdr h;
    const uint8_t *d;
    script(3, (int[]){ LCAP_FILL_DATA, LCAP_FILL_TIMEOUT, LCAP_FILL_BREAK }, (int[]){ 2, 0, 0 });
    capture_reader *r = fake_reader();
    assert_int_equal(capture_next(r, &h, &d), 1);
    assert_int_equal(d[0], 0);
    assert_int_equal(capture_next(r, &h, &d), 1);
    assert_int_equal(d[0], 1);
    assert_int_equal(F.fills, 1);
    assert_int_equal(capture_next(r, &h, &d), 0); /* timed out */
    assert_int_equal(capture_next(r, &h, &d), CAPTURE_ERROR_BREAK);
    capture_close(r);
}

static void breakloop_wakes(void **state)
{
    (void)state;
    capture_reader *r = fake_reader();
    assert_int_equal(lcap_reader_wake_open(r), 0);
    struct pollfd p = { r->wake_rd, POLLIN, 0 };
    assert_int_equal(poll(&p, 1, 0), 0);
    capture_breakloop(r);
    capture_breakloop(r);
    assert_int_equal(poll(&p, 1, 0), 1);
    script(0, (int[]){ 0 }, (int[]){ 0 });
    seen s = { 0 };
    assert_int_equal(capture_dispatch(r, -1, collect, &s), CAPTURE_ERROR_BREAK);
    /* Taking the break empties the pipe, so the next read can block. */
    p.revents = 0;
    assert_int_equal(poll(&p, 1, 0), 0);
    capture_close(r);
}

static void unsupported_operations(void **state)
{
    (void)state;
    capture_stat st;
    capture_reader *r = fake_reader();
    assert_int_equal(capture_stats(r, &st), CAPTURE_ERROR);
    assert_string_equal(capture_geterr(r), "statistics: not available from a fake");
    assert_int_equal(capture_getfd(r), -1);
    assert_int_equal(capture_sendpacket(r, (const uint8_t *)"x", 1), CAPTURE_ERROR);
    assert_string_equal(capture_geterr(r), "sending packets: not available from a fake");
    assert_int_equal(capture_setdirection(r, CAPTURE_D_IN), CAPTURE_ERROR);
    assert_int_equal(capture_setdirection(r, 7), CAPTURE_ERROR);
    assert_non_null(strstr(capture_geterr(r), "7 is not a direction"));
    assert_int_equal(capture_getnonblock(r), 0);
    capture_close(r);
}

static void create_and_activate_codes(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE];
    capture_pkthdr h;
    const uint8_t *d;
    capture_stat st;
    memset(&F, 0, sizeof(F));

    capture_reader *r = capture_create("veth0", err);
    assert_non_null(r);
    r->ops = &fake_ops; /* the same reader, over the scripted source */
    assert_int_equal(capture_set_snaplen(r, 96), 0);
    assert_int_equal(capture_set_promisc(r, 1), 0);
    assert_int_equal(capture_set_timeout(r, 250), 0);
    assert_int_equal(capture_set_buffer_size(r, 1 << 20), 0);
    assert_int_equal(capture_set_immediate_mode(r, 1), 0);
    assert_int_equal(capture_dispatch(r, -1, collect, NULL), CAPTURE_ERROR_NOT_ACTIVATED);
    assert_int_equal(capture_next(r, &h, &d), CAPTURE_ERROR_NOT_ACTIVATED);
    assert_int_equal(capture_stats(r, &st), CAPTURE_ERROR_NOT_ACTIVATED);
    assert_int_equal(capture_getfd(r), -1);
    assert_non_null(strstr(capture_geterr(r), "not been activated"));

    F.activate_answer = CAPTURE_ERROR_NO_SUCH_DEVICE;
    assert_int_equal(capture_activate(r), CAPTURE_ERROR_NO_SUCH_DEVICE);
    assert_string_equal(capture_geterr(r), "scripted activation failure");
    /* Still settable after a failed activation, as in libpcap. */
    assert_int_equal(capture_set_snaplen(r, 0), 0);
    assert_int_equal(capture_snapshot(r), 262144);
    F.activate_answer = CAPTURE_WARNING_PROMISC_NOTSUP;
    assert_int_equal(capture_activate(r), CAPTURE_WARNING_PROMISC_NOTSUP);
    assert_int_equal(r->opts.to_ms, 250);
    assert_int_equal(r->opts.buffer_size, 1 << 20);
    assert_int_equal(r->opts.immediate, 1);
    assert_int_equal(r->opts.promisc, 1);
    assert_string_equal(r->opts.device, "veth0");
    assert_int_equal(capture_activate(r), CAPTURE_ERROR_ACTIVATED);
    assert_int_equal(capture_set_snaplen(r, 96), CAPTURE_ERROR_ACTIVATED);
    assert_int_equal(capture_set_promisc(r, 0), CAPTURE_ERROR_ACTIVATED);
    assert_int_equal(capture_set_timeout(r, 1), CAPTURE_ERROR_ACTIVATED);
    assert_int_equal(capture_set_buffer_size(r, 1), CAPTURE_ERROR_ACTIVATED);
    assert_int_equal(capture_set_immediate_mode(r, 0), CAPTURE_ERROR_ACTIVATED);
    capture_close(r);

    assert_null(capture_create("", err));
    assert_null(capture_create("an-interface-name-far-longer-than-any-kernel-allows-at-all-really", err));
    assert_non_null(strstr(err, "not a valid interface name"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dispatch_reads_one_buffer),
        cmocka_unit_test(loop_goes_past_timeouts),
        cmocka_unit_test(dispatch_idle_codes),
        cmocka_unit_test(break_between_rejected_packets),
        cmocka_unit_test(break_during_dispatch),
        cmocka_unit_test(kernel_filter_leaves_reader_unfiltered),
        cmocka_unit_test(next_reads_once),
        cmocka_unit_test(breakloop_wakes),
        cmocka_unit_test(unsupported_operations),
        cmocka_unit_test(create_and_activate_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
