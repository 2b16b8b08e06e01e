/* test_null.c - capture.h's NULL rule: every public function called with NULL handles and pointers returns its error value, never crashes; capture.h's list of functions is checked against this file's. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"

static void cb(void *user, const capture_pkthdr *h, const uint8_t *d)
{
    (void)user;
    (void)h;
    (void)d;
}

/* A live dead reader and a dumper on it, for the calls whose other pointers
 * are NULL; /dev/null takes what is written. */
static capture_reader *dead(void)
{
    capture_reader *r = capture_open_dead(CAPTURE_DLT_EN10MB, 100);
    assert_non_null(r);
    return r;
}

static const struct capture_insn ret1[] = { { 0x06, 0, 0, 1 } }; /* ret #1 */
static const uint8_t ret1_pkt[1] = { 0 };

/* Rows for the name-database and interface functions (libcapture-pcap's needs). */
#define NULL_CHECKS_NAMES(X)                                                                  \
    X(capture_name_to_port, {                                                                 \
        char err[CAPTURE_ERRBUF_SIZE] = "";                                                   \
        assert_int_equal(capture_name_to_port(NULL, NULL, NULL, err), CAPTURE_ERROR);         \
        assert_true(err[0] != '\0');                                                          \
    })                                                                                        \
    X(capture_name_to_proto, assert_int_equal(capture_name_to_proto(NULL, NULL), CAPTURE_ERROR)) \
    X(capture_name_to_net, assert_int_equal(capture_name_to_net(NULL, NULL, NULL), CAPTURE_ERROR)) \
    X(capture_name_to_ether, {                                                                \
        uint8_t mac[6];                                                                       \
        assert_int_equal(capture_name_to_ether(NULL, mac, NULL), CAPTURE_ERROR);              \
        assert_int_equal(capture_name_to_ether("x", NULL, NULL), CAPTURE_ERROR);              \
    })                                                                                        \
    X(capture_name_to_link_proto, assert_int_equal(capture_name_to_link_proto(NULL, NULL), CAPTURE_ERROR)) \
    X(capture_parse_ethers_line, {                                                            \
        uint8_t mac[6];                                                                       \
        const char *h;                                                                        \
        size_t n;                                                                             \
        assert_int_equal(capture_parse_ethers_line(NULL, 1, mac, &h, &n), CAPTURE_ERROR);     \
        assert_int_equal(capture_parse_ethers_line("x", 1, NULL, &h, &n), CAPTURE_ERROR);     \
    })                                                                                        \
    X(capture_list_interfaces, {                                                              \
        char err[CAPTURE_ERRBUF_SIZE] = "";                                                   \
        assert_int_equal(capture_list_interfaces(NULL, err), CAPTURE_ERROR);                  \
        assert_true(err[0] != '\0');                                                          \
    })                                                                                        \
    X(capture_free_interfaces, capture_free_interfaces(NULL))                                 \
    X(capture_set_protocol, assert_int_equal(capture_set_protocol(NULL, 0), CAPTURE_ERROR))   \
    X(capture_lookupnet, {                                                                    \
        uint32_t net = 7, mask = 7;                                                           \
        assert_int_equal(capture_lookupnet(NULL, &net, &mask, NULL), CAPTURE_ERROR);          \
        assert_int_equal(capture_lookupnet("nosuch0", NULL, NULL, NULL), CAPTURE_ERROR);      \
    })

/* One row per public function: its name and what it must do given NULL. */
#define NULL_CHECKS(X)                                                                        \
    X(capture_lib_version, assert_non_null(capture_lib_version()))                            \
    X(capture_open_offline, {                                                                 \
        char err[CAPTURE_ERRBUF_SIZE] = "";                                                   \
        assert_null(capture_open_offline(NULL, err));                                         \
        assert_true(err[0] != '\0');                                                          \
        assert_null(capture_open_offline(NULL, NULL));                                        \
        assert_null(capture_open_offline("/nonexistent/x.pcap", NULL));                       \
    })                                                                                        \
    X(capture_open_dead, capture_close(capture_open_dead(1, 0)))                              \
    X(capture_open_dead_with_tstamp_precision,                                                \
      capture_close(capture_open_dead_with_tstamp_precision(1, 0, 0)))                        \
    X(capture_datalink_name_to_val, assert_int_equal(capture_datalink_name_to_val(NULL), -1)) \
    X(capture_datalink_val_to_name, assert_null(capture_datalink_val_to_name(-1)))            \
    X(capture_datalink_val_to_description, assert_null(capture_datalink_val_to_description(-1))) \
    X(capture_dispatch, {                                                                     \
        assert_int_equal(capture_dispatch(NULL, 1, cb, NULL), CAPTURE_ERROR);                 \
        capture_reader *r = dead();                                                           \
        assert_int_equal(capture_dispatch(r, 1, NULL, NULL), CAPTURE_ERROR);                  \
        assert_non_null(strstr(capture_geterr(r), "callback"));                               \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_loop, {                                                                         \
        assert_int_equal(capture_loop(NULL, 1, cb, NULL), CAPTURE_ERROR);                     \
        capture_reader *r = dead();                                                           \
        assert_int_equal(capture_loop(r, 1, NULL, NULL), CAPTURE_ERROR);                      \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_next, {                                                                         \
        capture_pkthdr h;                                                                     \
        const uint8_t *d;                                                                     \
        assert_int_equal(capture_next(NULL, &h, &d), CAPTURE_ERROR);                          \
        capture_reader *r = dead();                                                           \
        assert_int_equal(capture_next(r, NULL, &d), CAPTURE_ERROR);                           \
        assert_int_equal(capture_next(r, &h, NULL), CAPTURE_ERROR);                           \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_breakloop, capture_breakloop(NULL))                                             \
    X(capture_stats, {                                                                        \
        capture_stat st;                                                                      \
        assert_int_equal(capture_stats(NULL, &st), CAPTURE_ERROR);                            \
        capture_reader *r = dead();                                                           \
        assert_int_equal(capture_stats(r, NULL), CAPTURE_ERROR);                              \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_setfilter, {                                                                    \
        assert_int_equal(capture_setfilter(NULL, "tcp"), CAPTURE_ERROR);                      \
        capture_reader *r = dead();                                                           \
        assert_int_equal(capture_setfilter(r, NULL), 0); /* documented: accepts all */        \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_compile, {                                                                      \
        capture_bpf *p = capture_compile(1, 0, NULL, 1, CAPTURE_NETMASK_UNKNOWN, NULL);       \
        assert_non_null(p); /* documented: the empty expression */                            \
        assert_int_equal(capture_bpf_filter(p, ret1_pkt, 1, 1), 262144);                      \
        capture_bpf_free(p);                                                                  \
        assert_null(capture_compile(1, 0, "tcp and", 1, CAPTURE_NETMASK_UNKNOWN, NULL));      \
    })                                                                                        \
    X(capture_compile_savefile, {                                                             \
        capture_bpf *p = capture_compile_savefile(1, 0, NULL, 1, CAPTURE_NETMASK_UNKNOWN, NULL); \
        assert_non_null(p); /* documented: as capture_compile */                              \
        capture_bpf_free(p);                                                                  \
        assert_null(capture_compile_savefile(1, 0, "tcp and", 1, CAPTURE_NETMASK_UNKNOWN, NULL)); \
    })                                                                                        \
    X(capture_compile_for, {                                                                  \
        assert_null(capture_compile_for(NULL, "tcp", 1, CAPTURE_NETMASK_UNKNOWN, NULL));      \
        capture_reader *r = dead();                                                           \
        capture_bpf *p = capture_compile_for(r, NULL, 1, CAPTURE_NETMASK_UNKNOWN, NULL);      \
        assert_non_null(p); /* documented: as capture_compile */                              \
        capture_bpf_free(p);                                                                  \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_setfilter_bpf, {                                                                \
        assert_int_equal(capture_setfilter_bpf(NULL, NULL), CAPTURE_ERROR);                   \
        capture_reader *r = dead();                                                           \
        assert_int_equal(capture_setfilter_bpf(r, NULL), 0); /* documented: removes it */     \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_datalink, assert_int_equal(capture_datalink(NULL), CAPTURE_ERROR))              \
    X(capture_datalink_ext, assert_int_equal(capture_datalink_ext(NULL), 0))                  \
    X(capture_snapshot, assert_int_equal(capture_snapshot(NULL), CAPTURE_ERROR))              \
    X(capture_get_tstamp_precision,                                                           \
      assert_int_equal(capture_get_tstamp_precision(NULL), CAPTURE_ERROR))                    \
    X(capture_file_version, {                                                                 \
        int a, b, c;                                                                          \
        assert_int_equal(capture_file_version(NULL, &a, &b, &c), CAPTURE_ERROR);              \
        capture_reader *r = dead();                                                           \
        assert_int_equal(capture_file_version(r, NULL, NULL, NULL), CAPTURE_ERROR);           \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_getnonblock, assert_int_equal(capture_getnonblock(NULL), CAPTURE_ERROR))        \
    X(capture_setnonblock, assert_int_equal(capture_setnonblock(NULL, 1), CAPTURE_ERROR))     \
    X(capture_dump_open, {                                                                    \
        assert_null(capture_dump_open(NULL, "/dev/null"));                                    \
        capture_reader *r = dead();                                                           \
        assert_null(capture_dump_open(r, NULL));                                              \
        assert_true(capture_geterr(r)[0] != '\0');                                            \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_geterr, {                                                                       \
        const char *m = capture_geterr(NULL);                                                 \
        assert_non_null(m);                                                                   \
        assert_non_null(strstr(m, "NULL"));                                                   \
    })                                                                                        \
    X(capture_close, capture_close(NULL))                                                     \
    X(capture_dump, {                                                                         \
        capture_pkthdr h = { 1, 0, 2, 2 };                                                    \
        const uint8_t data[2] = { 0 };                                                        \
        assert_int_equal(capture_dump(NULL, &h, data), CAPTURE_ERROR);                        \
        capture_reader *r = dead();                                                           \
        capture_dumper *d = capture_dump_open(r, "/dev/null");                                \
        assert_non_null(d);                                                                   \
        assert_int_equal(capture_dump(d, NULL, data), CAPTURE_ERROR);                         \
        assert_int_equal(capture_dump(d, &h, NULL), CAPTURE_ERROR);                           \
        capture_pkthdr empty = { 1, 0, 0, 60 };                                               \
        assert_int_equal(capture_dump(d, &empty, NULL), 0); /* no bytes: no data needed */    \
        assert_int_equal(capture_dump_close(d), CAPTURE_ERROR); /* two were refused */        \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_dump_flush, assert_int_equal(capture_dump_flush(NULL), CAPTURE_ERROR))          \
    X(capture_dump_handler, {                                                                 \
        capture_pkthdr h = { 1, 0, 2, 2 };                                                    \
        const uint8_t data[2] = { 0 };                                                        \
        capture_dump_handler(NULL, &h, data);                                                 \
        capture_reader *r = dead();                                                           \
        capture_dumper *d = capture_dump_open(r, "/dev/null");                                \
        capture_dump_handler(d, NULL, data);                                                  \
        assert_int_equal(capture_dump_close(d), CAPTURE_ERROR);                               \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_dump_close, assert_int_equal(capture_dump_close(NULL), 0))                      \
    X(capture_dump_ftell, assert_int_equal(capture_dump_ftell(NULL), CAPTURE_ERROR))          \
    X(capture_dump_close_errbuf, {                                                            \
        char err[CAPTURE_ERRBUF_SIZE] = "x";                                                  \
        assert_int_equal(capture_dump_close_errbuf(NULL, err), 0);                            \
        assert_string_equal(err, "");                                                         \
        assert_int_equal(capture_dump_close_errbuf(NULL, NULL), 0);                           \
        capture_reader *r = dead();                                                           \
        assert_int_equal(capture_dump_close_errbuf(capture_dump_open(r, "/dev/null"), NULL), 0); \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_dump_geterr, {                                                                  \
        const char *m = capture_dump_geterr(NULL);                                            \
        assert_non_null(m);                                                                   \
        assert_non_null(strstr(m, "NULL"));                                                   \
    })                                                                                        \
    X(capture_pkthdr_getts, {                                                                 \
        long s = 7, u = 7;                                                                    \
        capture_pkthdr_getts(NULL, &s, &u);                                                   \
        assert_int_equal(s, 0);                                                               \
        assert_int_equal(u, 0);                                                               \
        capture_pkthdr h = { 5, 6000, 1, 1 };                                                 \
        capture_pkthdr_getts(&h, NULL, NULL);                                                 \
    })                                                                                        \
    X(capture_pkthdr_getcaplen, assert_int_equal(capture_pkthdr_getcaplen(NULL), 0))          \
    X(capture_pkthdr_getlen, assert_int_equal(capture_pkthdr_getlen(NULL), 0))                \
    X(capture_bpf_from_insns, {                                                               \
        char err[CAPTURE_ERRBUF_SIZE] = "";                                                   \
        assert_null(capture_bpf_from_insns(NULL, 1, err));                                    \
        assert_true(err[0] != '\0');                                                          \
        assert_null(capture_bpf_from_insns(NULL, 1, NULL));                                   \
        capture_bpf_free(capture_bpf_from_insns(ret1, 1, NULL));                              \
    })                                                                                        \
    X(capture_bpf_filter, {                                                                   \
        const uint8_t pkt[1] = { 0 };                                                         \
        assert_int_equal(capture_bpf_filter(NULL, pkt, 1, 1), 0);                             \
        capture_bpf *p = capture_bpf_from_insns(ret1, 1, NULL);                               \
        assert_int_equal(capture_bpf_filter(p, NULL, 60, 0), 1); /* no bytes: no packet */    \
        capture_bpf_free(p);                                                                  \
    })                                                                                        \
    X(capture_bpf_filter_pkthdr, {                                                            \
        const uint8_t pkt[1] = { 0 };                                                         \
        capture_pkthdr h = { 0, 0, 1, 1 };                                                    \
        assert_int_equal(capture_bpf_filter_pkthdr(NULL, &h, pkt), 0);                        \
        capture_bpf *p = capture_bpf_from_insns(ret1, 1, NULL);                               \
        assert_int_equal(capture_bpf_filter_pkthdr(p, NULL, pkt), 0);                         \
        capture_bpf_free(p);                                                                  \
    })                                                                                        \
    X(capture_bpf_insns, {                                                                    \
        const struct capture_insn *in = ret1;                                                 \
        assert_int_equal(capture_bpf_insns(NULL, &in), 0);                                    \
        assert_null(in);                                                                      \
        capture_bpf *p = capture_bpf_from_insns(ret1, 1, NULL);                               \
        assert_int_equal(capture_bpf_insns(p, NULL), 1);                                      \
        capture_bpf_free(p);                                                                  \
    })                                                                                        \
    X(capture_bpf_image, assert_null(capture_bpf_image(NULL, CAPTURE_BPF_IMAGE_TEXT)))        \
    X(capture_bpf_image_insns, assert_null(capture_bpf_image_insns(NULL, 1, CAPTURE_BPF_IMAGE_TEXT))) \
    X(capture_bpf_image_line, {                                                               \
        char line[8];                                                                         \
        assert_int_equal(capture_bpf_image_line(NULL, 0, line, sizeof line), CAPTURE_ERROR);  \
        assert_int_equal(capture_bpf_image_line(ret1, 0, NULL, 8), CAPTURE_ERROR);            \
    })                                                                                        \
    X(capture_raw_ts, {                                                                       \
        capture_pkthdr h = { 0, 0, 0, 0 };                                                    \
        uint32_t sec, frac;                                                                   \
        assert_int_equal(capture_raw_ts(NULL, &h, &sec, &frac), 0);                           \
    })                                                                                        \
    X(capture_dlt_to_linktype, assert_int_equal(capture_dlt_to_linktype(-5), -1))           \
    X(capture_open_offline_fd, {                                                              \
        char err[CAPTURE_ERRBUF_SIZE] = "";                                                   \
        assert_null(capture_open_offline_fd(-1, NULL, err));                                  \
        assert_true(err[0] != '\0');                                                          \
    })                                                                                        \
    X(capture_bpf_assemble, {                                                                 \
        char err[CAPTURE_ERRBUF_SIZE] = "";                                                   \
        assert_null(capture_bpf_assemble(NULL, err));                                         \
        assert_true(err[0] != '\0');                                                          \
        assert_null(capture_bpf_assemble(NULL, NULL));                                        \
        assert_null(capture_bpf_assemble("(000) nonsense", NULL));                            \
    })                                                                                        \
    X(capture_bpf_free, capture_bpf_free(NULL))                                               \
    X(capture_open_live, {                                                                    \
        char err[CAPTURE_ERRBUF_SIZE] = "";                                                   \
        assert_null(capture_open_live("nosuch0", 0, 0, 0, NULL));                             \
        assert_null(capture_open_live("", 0, 0, 0, err));                                     \
        assert_true(err[0] != '\0');                                                          \
    })                                                                                        \
    X(capture_create, assert_null(capture_create("", NULL)))                                  \
    X(capture_set_snaplen, assert_int_equal(capture_set_snaplen(NULL, 1), CAPTURE_ERROR))     \
    X(capture_set_promisc, assert_int_equal(capture_set_promisc(NULL, 1), CAPTURE_ERROR))     \
    X(capture_set_timeout, assert_int_equal(capture_set_timeout(NULL, 1), CAPTURE_ERROR))     \
    X(capture_set_buffer_size, assert_int_equal(capture_set_buffer_size(NULL, 1), CAPTURE_ERROR)) \
    X(capture_set_immediate_mode,                                                             \
      assert_int_equal(capture_set_immediate_mode(NULL, 1), CAPTURE_ERROR))                   \
    X(capture_activate, assert_int_equal(capture_activate(NULL), CAPTURE_ERROR))              \
    X(capture_lookupdev, {                                                                    \
        assert_int_equal(capture_lookupdev(NULL, 16, NULL), CAPTURE_ERROR);                   \
        char name[16];                                                                        \
        assert_int_equal(capture_lookupdev(name, 0, NULL), CAPTURE_ERROR);                    \
    })                                                                                        \
    X(capture_findalldevs, assert_int_equal(capture_findalldevs(NULL, NULL), CAPTURE_ERROR))  \
    X(capture_freealldevs, capture_freealldevs(NULL))                                         \
    X(capture_getfd, assert_int_equal(capture_getfd(NULL), -1))                               \
    X(capture_setdirection, assert_int_equal(capture_setdirection(NULL, 0), CAPTURE_ERROR))   \
    X(capture_sendpacket, {                                                                   \
        assert_int_equal(capture_sendpacket(NULL, (const uint8_t *)"x", 1), CAPTURE_ERROR);   \
        capture_reader *r = dead();                                                           \
        assert_int_equal(capture_sendpacket(r, NULL, 1), CAPTURE_ERROR);                      \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_getnet, assert_int_equal(capture_getnet(NULL), 0))                              \
    X(capture_set_tstamp_precision,                                                           \
      assert_int_equal(capture_set_tstamp_precision(NULL, 0), CAPTURE_ERROR))                 \
    X(capture_list_datalinks, {                                                               \
        int *dlts;                                                                            \
        assert_int_equal(capture_list_datalinks(NULL, &dlts), CAPTURE_ERROR);                 \
        capture_reader *r = dead();                                                           \
        assert_int_equal(capture_list_datalinks(r, NULL), CAPTURE_ERROR);                     \
        assert_int_equal(capture_list_datalinks(r, &dlts), 1);                                \
        assert_int_equal(dlts[0], CAPTURE_DLT_EN10MB);                                        \
        capture_free_datalinks(dlts);                                                         \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_free_datalinks, capture_free_datalinks(NULL))                                   \
    X(capture_set_datalink, {                                                                 \
        assert_int_equal(capture_set_datalink(NULL, 1), CAPTURE_ERROR);                       \
        capture_reader *r = dead();                                                           \
        assert_int_equal(capture_set_datalink(r, CAPTURE_DLT_EN10MB), 0);                     \
        assert_int_equal(capture_set_datalink(r, CAPTURE_DLT_RAW), CAPTURE_ERROR);            \
        assert_non_null(strstr(capture_geterr(r), "not one of the DLTs"));                    \
        capture_close(r);                                                                     \
    })                                                                                        \
    X(capture_getmask, assert_int_equal(capture_getmask(NULL), 0))

#define DEFINE_CHECK(name, ...)        \
    static void check_##name(void)    \
    {                                  \
        __VA_ARGS__;                   \
    }
NULL_CHECKS(DEFINE_CHECK)
NULL_CHECKS_NAMES(DEFINE_CHECK)

static const struct {
    const char *name;
    void (*check)(void);
} checks[] = {
#define ROW(name, ...) { #name, check_##name },
    NULL_CHECKS(ROW)
    NULL_CHECKS_NAMES(ROW)
#undef ROW
};

#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

static void every_function_given_null(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCHECKS; i++) {
        print_message("%s\n", checks[i].name);
        checks[i].check();
    }
}

/* Every function capture.h declares has a row above: the rule holds for
 * functions added later only if they are tested too. */
static void every_function_has_a_row(void **state)
{
    (void)state;
    const char *src = getenv("LCAP_SOURCE");
    char path[4096];
    snprintf(path, sizeof(path), "%s/include/capture.h", src ? src : ".");
    FILE *f = fopen(path, "r");
    if (f == NULL)
        fail_msg("cannot open %s (set LCAP_SOURCE to the source tree)", path);
    char line[512];
    int declared = 0, missing = 0;
    /* A declaration's name is the first "capture_...(" after CAPTURE_EXTERN,
     * on its line or the next. */
    int pending = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        char *at = strstr(line, "CAPTURE_EXTERN ");
        if (at != NULL && strncmp(line, "#define", 7) != 0)
            pending = 1;
        else if (!pending)
            continue;
        char *name = strstr(at ? at : line, "capture_");
        while (name != NULL) {
            size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz_0123456789");
            if (name[n] == '(') {
                char want[128];
                snprintf(want, sizeof(want), "%.*s", (int)n, name);
                size_t i = 0;
                while (i < NCHECKS && strcmp(checks[i].name, want) != 0)
                    i++;
                if (i == NCHECKS) {
                    print_error("%s is declared in capture.h but has no NULL check here\n", want);
                    missing++;
                }
                declared++;
                pending = 0;
                break;
            }
            name = strstr(name + n, "capture_");
        }
    }
    fclose(f);
    assert_int_equal(missing, 0);
    assert_int_equal(declared, (int)NCHECKS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_function_given_null),
        cmocka_unit_test(every_function_has_a_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
