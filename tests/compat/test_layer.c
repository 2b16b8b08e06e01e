/* test_layer.c - unit tests of libcapture-pcap where there is no oracle to compare with: what it does differently from libpcap on purpose (bounded pcap_ether_aton, errors where libpcap says 0), NULL handles, and append round trips. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pcap/namedb.h>
#include <pcap/pcap.h>

/* Linux's SKF_AD_OFF: ancillary loads start there (linux/filter.h). */
#define SKF_AD_OFF_ 0xfffff000u

/* Every type's name and description lead back to it; unknown ones to nothing. */
static void tstamp_names_round_trip(void **state)
{
    (void)state;
    int known = 0;
    for (int v = -3; v < 64; v++) {
        const char *n = pcap_tstamp_type_val_to_name(v);
        assert_true((n == NULL) == (pcap_tstamp_type_val_to_description(v) == NULL));
        if (n == NULL)
            continue;
        known++;
        assert_int_equal(pcap_tstamp_type_name_to_val(n), v);
        char upper[64];
        size_t i = 0;
        for (; n[i] != '\0' && i + 1 < sizeof upper; i++)
            upper[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 32 : n[i]);
        upper[i] = '\0';
        assert_int_equal(pcap_tstamp_type_name_to_val(upper), v); /* case does not matter */
    }
    assert_int_equal(known, PCAP_TSTAMP_HOST_HIPREC_UNSYNCED + 1);
    assert_int_equal(pcap_tstamp_type_name_to_val("no-such-type"), PCAP_ERROR);
    assert_int_equal(pcap_tstamp_type_name_to_val(NULL), PCAP_ERROR);
}

/* Where libpcap writes past its 6 bytes or reads garbage, the layer refuses. */
static void ether_aton_bounded(void **state)
{
    (void)state;
    static const char *bad[] = { "aa:bb:cc:dd:ee:ff:00", "aabbccddeeff00", "zz:bb:cc:dd:ee:ff", "aa::bb", "aa:" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(pcap_ether_aton(bad[i]));
    assert_null(pcap_ether_aton(NULL));
    unsigned char *e = pcap_ether_aton("1:2:3");
    assert_non_null(e);
    static const unsigned char want[6] = { 1, 2, 3, 0, 0, 0 }; /* missing bytes are 0, not garbage */
    assert_memory_equal(e, want, 6);
    free(e);
}

static void nameto_null(void **state)
{
    (void)state;
    int a, b, c;
    assert_int_equal(pcap_nametoport(NULL, &a, &b), 0);
    assert_int_equal(pcap_nametoport("http", NULL, &b), 0);
    assert_int_equal(pcap_nametoportrange(NULL, &a, &b, &c), 0);
    assert_int_equal(pcap_nametoproto(NULL), PROTO_UNDEF);
    assert_int_equal(pcap_nametoeproto(NULL), PROTO_UNDEF);
    assert_int_equal(pcap_nametollc(NULL), PROTO_UNDEF);
    assert_int_equal(pcap_nametonetaddr(NULL), 0);
    assert_null(pcap_ether_hostton(NULL));
    assert_null(pcap_next_etherent(NULL));
    /* A range with a name longer than any: refused, not cut. */
    char big[600];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[300] = '-';
    assert_int_equal(pcap_nametoportrange(big, &a, &b, &c), 0);
}

/* Two appends from two handles make one file of both runs' packets; its
 * header is the first run's. */
static void append_round_trip(void **state)
{
    (void)state;
    char path[] = "/tmp/lcap_append_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fclose(fdopen(fd, "w")); /* an empty file: it gets a header */
    static const unsigned char pkt[60] = { 1, 2, 3 };
    for (int run = 0; run < 2; run++) {
        pcap_t *p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 128, PCAP_TSTAMP_PRECISION_NANO);
        pcap_dumper_t *d = pcap_dump_open_append(p, path);
        assert_non_null(d);
        assert_int_equal(pcap_dump_ftell64(d), run == 0 ? 24 : 24 + 2 * (16 + 60));
        for (int i = 0; i < 2; i++) {
            struct pcap_pkthdr h = { { 100 * run + i, 999999999 }, 60, 60 };
            pcap_dump((unsigned char *)d, &h, pkt);
        }
        pcap_dump_close(d);
        pcap_close(p);
    }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *r = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
    assert_non_null(r);
    assert_int_equal(pcap_snapshot(r), 128);
    struct pcap_pkthdr *h;
    const unsigned char *data;
    int n = 0;
    while (pcap_next_ex(r, &h, &data) == 1) {
        assert_int_equal(h->ts.tv_sec, 100 * (n / 2) + n % 2);
        assert_int_equal(h->ts.tv_usec, 999999999);
        n++;
    }
    assert_int_equal(n, 4);
    pcap_close(r);
    /* A microsecond handle may not append to the nanosecond file: the message says why. */
    pcap_t *p = pcap_open_dead(DLT_EN10MB, 128);
    assert_null(pcap_dump_open_append(p, path));
    assert_non_null(strstr(pcap_geterr(p), "precision"));
    assert_null(pcap_dump_open_append(p, NULL));
    assert_null(pcap_dump_open_append(NULL, path));
    pcap_close(p);
    remove(path);
}

/* Where libpcap 1.10 answers success or standard input's descriptor for
 * something that cannot be done, the layer says it failed. */
static void no_false_success(void **state)
{
    (void)state;
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create("lo", err);
    assert_non_null(p);
    unsigned char pkt[60] = { 0 };
    assert_int_equal(pcap_sendpacket(p, pkt, sizeof pkt), PCAP_ERROR); /* not activated: nothing sent */
    assert_true(pcap_geterr(p)[0] != '\0');
    pcap_close(p);
    p = pcap_open_dead(DLT_EN10MB, 100);
    assert_int_equal(pcap_get_selectable_fd(p), PCAP_ERROR);
    pcap_close(p);
}

/* A program reading Linux's VLAN metadata (what pcap_compile gives for
 * `vlan` on a live Linux handle) is refused where there is none, with
 * the instruction named (libpcap installs it, and the load rejects every
 * packet reaching it); the dead handle's own `vlan` looks in the packet. */
static void vlan_metadata_refused(void **state)
{
    (void)state;
    pcap_t *p = pcap_open_dead(DLT_EN10MB, 100);
    assert_non_null(p);
    struct bpf_insn tagged[] = { BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF_ + 48), BPF_STMT(BPF_RET | BPF_A, 0) };
    struct bpf_program prog = { 2, tagged };
    assert_int_equal(pcap_setfilter(p, &prog), PCAP_ERROR);
    assert_non_null(strstr(pcap_geterr(p), "instruction 0 (ldb [vlanp])"));
    assert_int_equal(pcap_compile(p, &prog, "vlan 5", 1, PCAP_NETMASK_UNKNOWN), 0);
    for (unsigned i = 0; i < prog.bf_len; i++)
        assert_true(prog.bf_insns[i].k < (unsigned)SKF_AD_OFF_);
    assert_int_equal(pcap_setfilter(p, &prog), 0);
    pcap_freecode(&prog);
    pcap_close(p);
}

/* Every live function given a NULL handle answers its error value. */
static void live_null(void **state)
{
    (void)state;
    char err[PCAP_ERRBUF_SIZE];
    struct pcap_stat st;
    int *list;
    assert_int_equal(pcap_activate(NULL), PCAP_ERROR);
    assert_int_equal(pcap_set_snaplen(NULL, 1), PCAP_ERROR);
    assert_int_equal(pcap_set_promisc(NULL, 1), PCAP_ERROR);
    assert_int_equal(pcap_set_timeout(NULL, 1), PCAP_ERROR);
    assert_int_equal(pcap_set_buffer_size(NULL, 1), PCAP_ERROR);
    assert_int_equal(pcap_set_immediate_mode(NULL, 1), PCAP_ERROR);
    assert_int_equal(pcap_set_tstamp_precision(NULL, 0), PCAP_ERROR);
    assert_int_equal(pcap_set_tstamp_type(NULL, 0), PCAP_ERROR);
    assert_int_equal(pcap_set_rfmon(NULL, 0), PCAP_ERROR);
    assert_int_equal(pcap_can_set_rfmon(NULL), PCAP_ERROR);
    assert_int_equal(pcap_stats(NULL, &st), PCAP_ERROR);
    assert_int_equal(pcap_setdirection(NULL, PCAP_D_IN), PCAP_ERROR);
    assert_int_equal(pcap_inject(NULL, "x", 1), PCAP_ERROR);
    assert_int_equal(pcap_sendpacket(NULL, (const unsigned char *)"x", 1), PCAP_ERROR);
    assert_int_equal(pcap_get_selectable_fd(NULL), PCAP_ERROR);
    assert_int_equal(pcap_getnonblock(NULL, err), PCAP_ERROR);
    assert_int_equal(pcap_setnonblock(NULL, 1, err), PCAP_ERROR);
    assert_int_equal(pcap_set_datalink(NULL, 1), PCAP_ERROR);
    assert_int_equal(pcap_list_datalinks(NULL, &list), PCAP_ERROR);
    assert_int_equal(pcap_list_tstamp_types(NULL, &list), PCAP_ERROR);
    assert_int_equal(pcap_bufsize(NULL), PCAP_ERROR);
    assert_int_equal(pcap_findalldevs(NULL, err), PCAP_ERROR);
    pcap_freealldevs(NULL);
    bpf_u_int32 net, mask;
    assert_int_equal(pcap_lookupnet("lo", NULL, &mask, err), PCAP_ERROR);
    assert_int_equal(pcap_lookupnet("no-such-device0", &net, &mask, err), PCAP_ERROR);
    assert_true(err[0] != '\0');
    assert_null(pcap_open_live("", 100, 0, 0, err));
    assert_true(err[0] != '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tstamp_names_round_trip), cmocka_unit_test(ether_aton_bounded),
        cmocka_unit_test(nameto_null),             cmocka_unit_test(append_round_trip),
        cmocka_unit_test(no_false_success),        cmocka_unit_test(live_null),
        cmocka_unit_test(vlan_metadata_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
