/* test_dlt.c - unit tests of the DLT table: names both ways, descriptions, LINKTYPE mapping, snaplen bounds. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "dlt.h"

static void names_both_ways(void **state)
{
    (void)state;
    assert_int_equal(capture_datalink_name_to_val("EN10MB"), 1);
    assert_int_equal(capture_datalink_name_to_val("en10mb"), 1);
    assert_int_equal(capture_datalink_name_to_val("DLT_EN10MB"), 1);
    assert_int_equal(capture_datalink_name_to_val("dlt_En10Mb"), 1);
    assert_int_equal(capture_datalink_name_to_val("NULL"), 0);
    assert_int_equal(capture_datalink_name_to_val("LINUX_SLL"), 113);
    assert_int_equal(capture_datalink_name_to_val("LINUX_SLL2"), 276);
    assert_int_equal(capture_datalink_name_to_val("IEEE802_11_RADIO"), 127);
    assert_int_equal(capture_datalink_name_to_val("ATSC_ALP"), 289);
    assert_string_equal(capture_datalink_val_to_name(1), "EN10MB");
    assert_string_equal(capture_datalink_val_to_name(0), "NULL");
    assert_string_equal(capture_datalink_val_to_name(113), "LINUX_SLL");
    assert_string_equal(capture_datalink_val_to_name(289), "ATSC_ALP");
}

static void unknown_names_and_values(void **state)
{
    (void)state;
    assert_int_equal(capture_datalink_name_to_val("NOSUCHLINK"), -1);
    assert_int_equal(capture_datalink_name_to_val(""), -1);
    assert_int_equal(capture_datalink_name_to_val("DLT_"), -1);
    assert_int_equal(capture_datalink_name_to_val("EN10MBX"), -1);
    assert_int_equal(capture_datalink_name_to_val("EN10M"), -1);
    assert_int_equal(capture_datalink_name_to_val(NULL), -1);
    assert_null(capture_datalink_val_to_name(-1));
    assert_null(capture_datalink_val_to_name(13));
    assert_null(capture_datalink_val_to_name(100));
    assert_null(capture_datalink_val_to_name(290));
    assert_null(capture_datalink_val_to_name(65535));
    assert_null(capture_datalink_val_to_description(13));
}

/* Values with more than one name report libpcap's; the others still parse. */
static void aliases(void **state)
{
    (void)state;
    assert_string_equal(capture_datalink_val_to_name(104), "C_HDLC");
    assert_int_equal(capture_datalink_name_to_val("CHDLC"), 104);
    assert_int_equal(capture_datalink_name_to_val("C_HDLC"), 104);
    assert_string_equal(capture_datalink_val_to_name(166), "PPP_PPPD");
    assert_int_equal(capture_datalink_name_to_val("PPP_WITH_DIRECTION"), 166);
    assert_int_equal(capture_datalink_name_to_val("LINUX_PPP_WITHDIRECTION"), 166);
    assert_string_equal(capture_datalink_val_to_name(195), "IEEE802_15_4");
    assert_int_equal(capture_datalink_name_to_val("IEEE802_15_4_WITHFCS"), 195);
    assert_string_equal(capture_datalink_val_to_name(186), "USB_FREEBSD");
    assert_int_equal(capture_datalink_name_to_val("USB"), 186);
}

/* Names libpcap does not report still exist here (every DLT of pcap/dlt.h). */
static void names_beyond_libpcap(void **state)
{
    (void)state;
    static const struct { const char *name; int v; } extra[] = {
        { "EN3MB", 2 }, { "AX25", 3 }, { "PRONET", 4 }, { "CHAOS", 5 },
        { "REDBACK_SMARTEDGE", 32 }, { "HDLC", 112 }, { "ECONET", 115 },
        { "IPFILTER", 116 }, { "CISCO_IOS", 118 }, { "AIRONET_HEADER", 120 },
        { "HHDLC", 121 }, { "RIO", 124 }, { "PCI_EXP", 125 }, { "AURORA", 126 },
        { "TZSP", 128 }, { "IBM_SP", 145 }, { "IBM_SN", 146 }, { "USER0", 147 },
        { "USER15", 162 }, { "GCOM_T1E1", 172 }, { "GCOM_SERIAL", 173 },
        { "LAPD", 203 }, { "PPP_WITH_DIR", 204 }, { "C_HDLC_WITH_DIR", 205 },
        { "FRELAY_WITH_DIR", 206 }, { "LAPB_WITH_DIR", 207 }, { "FLEXRAY", 210 },
        { "MOST", 211 }, { "LIN", 212 }, { "X2E_SERIAL", 213 }, { "X2E_XORAYA", 214 },
        { "GSMTAP_UM", 217 }, { "GSMTAP_ABIS", 218 }, { "WIRESHARK_UPPER_PDU", 252 },
        { "LORATAP", 270 }, { "SERCOS_MONITOR", 277 },
    };
    for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
        assert_int_equal(capture_datalink_name_to_val(extra[i].name), extra[i].v);
        assert_string_equal(capture_datalink_val_to_name(extra[i].v), extra[i].name);
        assert_non_null(capture_datalink_val_to_description(extra[i].v));
    }
}

/* Every named value: name -> value -> same name, and a description. */
static void round_trip_all(void **state)
{
    (void)state;
    int named = 0;
    for (int v = 0; v < 70000; v++) {
        const char *n = capture_datalink_val_to_name(v);
        if (n == NULL) {
            assert_null(capture_datalink_val_to_description(v));
            continue;
        }
        named++;
        assert_int_equal(capture_datalink_name_to_val(n), v);
        const char *d = capture_datalink_val_to_description(v);
        assert_non_null(d);
        assert_true(strlen(d) > 0 && strlen(d) < 64);
    }
#if defined(__linux__)
    assert_int_equal(named, 202); /* every value of pcap/dlt.h on Linux */
#else
    assert_true(named >= 200);
#endif
}

static void descriptions(void **state)
{
    (void)state;
    assert_string_equal(capture_datalink_val_to_description(1), "Ethernet");
    assert_non_null(strstr(capture_datalink_val_to_description(113), "Linux"));
    assert_non_null(strstr(capture_datalink_val_to_description(12), "Raw"));
}

/* The public constants agree with the table. */
static void header_constants(void **state)
{
    (void)state;
    assert_int_equal(capture_datalink_name_to_val("RAW"), CAPTURE_DLT_RAW);
    assert_int_equal(capture_datalink_name_to_val("LOOP"), CAPTURE_DLT_LOOP);
#if defined(__linux__)
    assert_int_equal(capture_datalink_name_to_val("PFSYNC"), 246);
    assert_string_equal(capture_datalink_val_to_name(246), "PFSYNC");
    assert_int_equal(lcap_dlt_to_linktype(246), 246);
    assert_int_equal(lcap_linktype_to_dlt(246), 246);
#endif
    assert_int_equal(capture_datalink_name_to_val("PKTAP"), CAPTURE_DLT_PKTAP);
    assert_int_equal(capture_datalink_name_to_val("IEEE802_15_4_WITHFCS"),
                     CAPTURE_DLT_IEEE802_15_4_WITHFCS);
    assert_int_equal(capture_datalink_name_to_val("USB_2_0"), CAPTURE_DLT_USB_2_0);
}

static void linktype_mapping(void **state)
{
    (void)state;
    /* Savefile numbers that differ from the DLT. */
    assert_int_equal(lcap_linktype_to_dlt(100), CAPTURE_DLT_ATM_RFC1483);
    assert_int_equal(lcap_linktype_to_dlt(101), CAPTURE_DLT_RAW);
    assert_int_equal(lcap_linktype_to_dlt(102), CAPTURE_DLT_SLIP_BSDOS);
    assert_int_equal(lcap_linktype_to_dlt(103), CAPTURE_DLT_PPP_BSDOS);
    assert_int_equal(lcap_linktype_to_dlt(106), CAPTURE_DLT_ATM_CLIP);
    assert_int_equal(lcap_dlt_to_linktype(CAPTURE_DLT_ATM_RFC1483), 100);
    assert_int_equal(lcap_dlt_to_linktype(CAPTURE_DLT_RAW), 101);
    assert_int_equal(lcap_dlt_to_linktype(CAPTURE_DLT_SLIP_BSDOS), 102);
    assert_int_equal(lcap_dlt_to_linktype(CAPTURE_DLT_PPP_BSDOS), 103);
    assert_int_equal(lcap_dlt_to_linktype(CAPTURE_DLT_ATM_CLIP), 106);
    /* The same number on both sides. */
    assert_int_equal(lcap_linktype_to_dlt(1), 1);
    assert_int_equal(lcap_dlt_to_linktype(1), 1);
    assert_int_equal(lcap_linktype_to_dlt(113), 113);
    assert_int_equal(lcap_dlt_to_linktype(276), 276);
    assert_int_equal(lcap_linktype_to_dlt(12), 12); /* an old file holding a DLT */
    /* Unknown LINKTYPEs pass through; DLTs without a LINKTYPE give -1,
     * except in the range where the two always match. */
    assert_int_equal(lcap_linktype_to_dlt(5000), 5000);
    assert_int_equal(lcap_dlt_to_linktype(13), -1);
    assert_int_equal(lcap_dlt_to_linktype(32), -1);
    assert_int_equal(lcap_dlt_to_linktype(100), -1);
    assert_int_equal(lcap_dlt_to_linktype(106), 106);
    assert_int_equal(lcap_dlt_to_linktype(208), 208);
    assert_int_equal(lcap_dlt_to_linktype(290), -1);
    assert_int_equal(lcap_dlt_to_linktype(-1), -1);
    assert_int_equal(lcap_linktype_to_dlt(-1), -1);
}

/* Every DLT that has a LINKTYPE comes back as itself from a file. */
static void linktype_round_trip(void **state)
{
    (void)state;
    for (int d = 0; d <= 300; d++) {
        int lt = lcap_dlt_to_linktype(d);
        if (lt >= 0)
            assert_int_equal(lcap_linktype_to_dlt(lt), d == 106 ? 19 : d);
    }
}

static void snaplen_bounds(void **state)
{
    (void)state;
    assert_int_equal(lcap_max_snaplen_for_dlt(1), 262144);
    assert_int_equal(lcap_max_snaplen_for_dlt(CAPTURE_DLT_DBUS), 128 * 1024 * 1024);
    assert_int_equal(lcap_max_snaplen_for_dlt(CAPTURE_DLT_USBPCAP), 1024 * 1024);
    assert_int_equal(lcap_max_snaplen_for_dlt(CAPTURE_DLT_EBHSCR), 8 * 1024 * 1024);
    assert_int_equal(lcap_max_snaplen_for_dlt(CAPTURE_DLT_USB_LINUX), 262144);
    assert_int_equal(lcap_max_snaplen_for_dlt(-5), 262144);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_both_ways),
        cmocka_unit_test(unknown_names_and_values),
        cmocka_unit_test(aliases),
        cmocka_unit_test(names_beyond_libpcap),
        cmocka_unit_test(round_trip_all),
        cmocka_unit_test(descriptions),
        cmocka_unit_test(header_constants),
        cmocka_unit_test(linktype_mapping),
        cmocka_unit_test(linktype_round_trip),
        cmocka_unit_test(snaplen_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
