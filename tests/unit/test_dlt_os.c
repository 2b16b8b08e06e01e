/* test_dlt_os.c - the DLT table compiled as each OS compiles it (built once per
 * OS macro): every public CAPTURE_DLT_* constant agrees with the names, the
 * LINKTYPE mapping and the OS's BPF flavour row. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "dlt.h"
#include "dlt_names.h"
#include "live/flavor.h"

/* The numbers libpcap's pcap/dlt.h gives on each OS for the link types that
 * differ (its #ifdef blocks), keyed by the OS this binary was built to play. */
static const struct os_dlts {
    const char *os;
    int raw, loop, enc, pfsync, slip_bsdos, pktap;
} expected[] = {
    { "linux", 12, 108, 109, 246, 15, 258 },  { "openbsd", 14, 12, 13, 18, 15, 258 },
    { "netbsd", 12, 108, 109, 18, 13, 258 }, { "freebsd", 12, 108, 109, 121, 13, 258 },
    { "macos", 12, 108, 109, 18, 15, 149 },  { "dragonfly", 12, 108, 109, 18, 15, 258 },
};

static void each_constant_agrees(void **state)
{
    (void)state;
#define CHECK(name)                                                                          \
    do {                                                                                     \
        int v = CAPTURE_DLT_##name;                                                          \
        if (capture_datalink_name_to_val(#name) != v)                                        \
            fail_msg("%s: name_to_val %d, constant %d", #name,                               \
                     capture_datalink_name_to_val(#name), v);                                \
        const char *back = capture_datalink_val_to_name(v);                                  \
        if (back == NULL || capture_datalink_name_to_val(back) != v)                         \
            fail_msg("%s: value %d names %s", #name, v, back ? back : "nothing");            \
        int lt = lcap_dlt_to_linktype(v);                                                    \
        if (lt >= 0 && lcap_linktype_to_dlt(lt) != v)                                        \
            fail_msg("%s: DLT %d -> LINKTYPE %d -> DLT %d", #name, v, lt,                    \
                     lcap_linktype_to_dlt(lt));                                              \
    } while (0);
    CAPTURE_DLT_NAMES(CHECK)
#undef CHECK
}

static void os_numbers(void **state)
{
    (void)state;
    const struct os_dlts *e = NULL;
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
        if (strcmp(expected[i].os, LCAP_TEST_OS) == 0)
            e = &expected[i];
    assert_non_null(e);
    assert_int_equal(CAPTURE_DLT_RAW, e->raw);
    assert_int_equal(CAPTURE_DLT_LOOP, e->loop);
    assert_int_equal(CAPTURE_DLT_ENC, e->enc);
    assert_int_equal(CAPTURE_DLT_PFSYNC, e->pfsync);
    assert_int_equal(CAPTURE_DLT_SLIP_BSDOS, e->slip_bsdos);
    assert_int_equal(CAPTURE_DLT_PKTAP, e->pktap);
    /* Savefiles carry LINKTYPEs: each reads as this OS's DLT. */
    assert_int_equal(lcap_linktype_to_dlt(101), CAPTURE_DLT_RAW);
    assert_int_equal(lcap_linktype_to_dlt(108), CAPTURE_DLT_LOOP);
    assert_int_equal(lcap_linktype_to_dlt(109), CAPTURE_DLT_ENC);
    assert_int_equal(lcap_linktype_to_dlt(246), CAPTURE_DLT_PFSYNC);
    assert_int_equal(lcap_linktype_to_dlt(102), CAPTURE_DLT_SLIP_BSDOS);
    assert_int_equal(lcap_dlt_to_linktype(CAPTURE_DLT_RAW), 101);
    assert_int_equal(lcap_dlt_to_linktype(CAPTURE_DLT_LOOP), 108);
    assert_int_equal(lcap_dlt_to_linktype(CAPTURE_DLT_PFSYNC), 246);
    assert_string_equal(capture_datalink_val_to_name(CAPTURE_DLT_RAW), "RAW");
    assert_string_equal(capture_datalink_val_to_name(CAPTURE_DLT_LOOP), "LOOP");
    assert_string_equal(capture_datalink_val_to_name(CAPTURE_DLT_PFSYNC), "PFSYNC");
}

/* The BPF device of this OS reports these DLTs: its flavour row must use the
 * same numbers, or capture_datalink() would not equal the constants. */
static void flavour_agrees(void **state)
{
    (void)state;
    if (strcmp(LCAP_TEST_OS, "linux") == 0)
        skip(); /* no BPF device: the Linux build plays the others */
    const struct lcap_bpf_flavor *f = lcap_flavor_native();
    assert_string_equal(f->name, LCAP_TEST_OS);
    assert_int_equal(f->dlt.raw, CAPTURE_DLT_RAW);
    assert_int_equal(f->dlt.loop, CAPTURE_DLT_LOOP);
    assert_int_equal(f->dlt.pfsync, CAPTURE_DLT_PFSYNC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_constant_agrees),
        cmocka_unit_test(os_numbers),
        cmocka_unit_test(flavour_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
