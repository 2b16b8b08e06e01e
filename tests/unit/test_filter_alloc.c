/* test_filter_alloc.c - the work capture_compile() does per call, counted: the
 * heap allocations and bytes it asks for on filters of everyday size (the
 * library is linked with --wrap for malloc, calloc and realloc). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "capture.h"

static int armed;
static size_t calls, bytes;

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);

void *__wrap_malloc(size_t n)
{
    if (armed) {
        calls++;
        bytes += n;
    }
    return __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
    if (armed) {
        calls++;
        bytes += k * n;
    }
    return __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
    if (armed) {
        calls++;
        bytes += n;
    }
    return __real_realloc(p, n);
}

/* Filters without names (the resolver's own allocations are libc's, not
 * counted), on Ethernet. */
static const char *const everyday[] = {
    "tcp", "ip and udp", "host 10.0.0.1", "tcp port 80", "not arp", "vlan and tcp",
    "ip6 and tcp dst port 443", "ether host 00:11:22:33:44:55", "icmp[icmptype] == icmp-echo",
    "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0", "src net 192.168.0.0/16 and not dst port 22",
    "(tcp or udp) and portrange 1000-2000", "ip proto 47 or ip6 proto 47", "len > 100",
};

/* Three allocations: the result (the emitted instructions, the handle that
 * takes them over and the interpreter's decoded form); the compiler's own
 * state stays on the stack. */
#define MAX_CALLS 3
/* What those three take for the longest of the programs above, with room. */
#define MAX_BYTES 4096

static void everyday_filters_allocate_only_the_result(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE];
    for (size_t i = 0; i < sizeof(everyday) / sizeof(everyday[0]); i++) {
        calls = bytes = 0;
        armed = 1;
        capture_bpf *b = capture_compile(CAPTURE_DLT_EN10MB, 262144, everyday[i], 1, 0xffffff00u, err);
        armed = 0;
        if (b == NULL)
            fail_msg("'%s': %s", everyday[i], err);
        capture_bpf_free(b);
        if (calls > MAX_CALLS || bytes > MAX_BYTES)
            fail_msg("'%s': %zu allocations, %zu bytes (at most %d, %d)", everyday[i], calls, bytes, MAX_CALLS,
                     MAX_BYTES);
    }
}

/* A refused filter gives back no handle and allocates nothing at all. */
static void errors_allocate_nothing(void **state)
{
    (void)state;
    static const char *const bad[] = { "tcp and", "port 99999", "ip[", "wlan type mgt" };
    char err[CAPTURE_ERRBUF_SIZE];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        calls = bytes = 0;
        armed = 1;
        capture_bpf *b = capture_compile(CAPTURE_DLT_EN10MB, 262144, bad[i], 1, 0xffffff00u, err);
        armed = 0;
        assert_null(b);
        if (calls != 0)
            fail_msg("'%s' (%s): %zu allocations", bad[i], err, calls);
    }
}

/* "host A or host B or ...": the memory a long chain asks for (the
 * compile's arenas, the optimizer's tables), per term. With one test of
 * the link type per family before all the terms' address tests (gen_inet.c,
 * lcap_gen_host4_chain) a term costs about 4.6 KB; generated as libpcap
 * does (the link type tested again in every term), 9.8 KB. */
#define CHAIN_TERMS 1000
#define MAX_BYTES_PER_TERM 8000

static void host_chains_allocate_per_term(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE];
    char *s = malloc(CHAIN_TERMS * 24);
    assert_non_null(s);
    size_t len = 0;
    for (int i = 0; i < CHAIN_TERMS; i++)
        len += (size_t)sprintf(s + len, "%shost 10.0.%d.%d", i ? " or " : "", i >> 8, i & 255);
    calls = bytes = 0;
    armed = 1;
    capture_bpf *b = capture_compile(CAPTURE_DLT_EN10MB, 262144, s, 1, 0xffffff00u, err);
    armed = 0;
    free(s);
    if (b == NULL)
        fail_msg("%d terms: %s", CHAIN_TERMS, err);
    capture_bpf_free(b);
    print_message("%d terms: %zu allocations, %zu bytes\n", CHAIN_TERMS, calls, bytes);
    if (bytes > (size_t)CHAIN_TERMS * MAX_BYTES_PER_TERM)
        fail_msg("%d terms: %zu bytes, more than %d a term", CHAIN_TERMS, bytes, MAX_BYTES_PER_TERM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(everyday_filters_allocate_only_the_result),
        cmocka_unit_test(errors_allocate_nothing),
        cmocka_unit_test(host_chains_allocate_per_term),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
