/* test_flavor.c - unit tests of the per-OS BPF flavour table and of bpf_abi.h against bpf-abi-netbsd.md. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "live/bpf_abi.h"
#include "live/flavor.h"

static const char *const names[] = { "freebsd", "netbsd", "openbsd", "macos", "dragonfly", "aix" };
#define NFLAVORS (sizeof names / sizeof names[0])

static void lookups(void **state)
{
    (void)state;
    assert_int_equal(lcap_flavor_count(), NFLAVORS);
    for (size_t i = 0; i < NFLAVORS; i++) {
        const struct lcap_bpf_flavor *f = lcap_flavor_by_name(names[i]);
        assert_non_null(f);
        assert_string_equal(f->name, names[i]);
        assert_ptr_equal(lcap_flavor_at(i), f);
    }
    assert_null(lcap_flavor_at(NFLAVORS));
    assert_null(lcap_flavor_by_name("linux"));
    assert_null(lcap_flavor_by_name("FreeBSD"));
    assert_null(lcap_flavor_by_name(""));
    assert_null(lcap_flavor_by_name(NULL));
    assert_string_equal(lcap_bpf_req_name(LCAP_REQ_BIOCSETIF), "BIOCSETIF");
    assert_string_equal(lcap_bpf_req_name(LCAP_REQ_FIONBIO), "FIONBIO");
    assert_string_equal(lcap_bpf_req_name(LCAP_REQ_COUNT), "?");
}

/* Linux speaks NetBSD's ABI and lets LCAP_BPF_FLAVOR pick another row. */
static void native_and_env(void **state)
{
    (void)state;
#if defined(__linux__)
    assert_string_equal(lcap_flavor_native()->name, "netbsd");
    unsetenv("LCAP_BPF_FLAVOR");
    assert_ptr_equal(lcap_flavor_current(), lcap_flavor_native());
    setenv("LCAP_BPF_FLAVOR", "", 1);
    assert_ptr_equal(lcap_flavor_current(), lcap_flavor_native());
    for (size_t i = 0; i < NFLAVORS; i++) {
        setenv("LCAP_BPF_FLAVOR", names[i], 1);
        assert_string_equal(lcap_flavor_current()->name, names[i]);
    }
    setenv("LCAP_BPF_FLAVOR", "plan9", 1);
    assert_null(lcap_flavor_current());
    unsetenv("LCAP_BPF_FLAVOR");
#else
    assert_ptr_equal(lcap_flavor_current(), lcap_flavor_native());
#endif
}

/* Every request number of bpf-abi-netbsd.md, the header's macro and the
 * netbsd row agree. */
static void netbsd_numbers(void **state)
{
    (void)state;
    static const struct { enum lcap_bpf_req r; unsigned long macro, doc; } rows[] = {
        { LCAP_REQ_BIOCGBLEN, LCAP_BIOCGBLEN, 0x40044266 },
        { LCAP_REQ_BIOCSBLEN, LCAP_BIOCSBLEN, 0xc0044266 },
        { LCAP_REQ_BIOCSETF, LCAP_BIOCSETF, 0x80104267 },
        { LCAP_REQ_BIOCFLUSH, LCAP_BIOCFLUSH, 0x20004268 },
        { LCAP_REQ_BIOCPROMISC, LCAP_BIOCPROMISC, 0x20004269 },
        { LCAP_REQ_BIOCGDLT, LCAP_BIOCGDLT, 0x4004426a },
        { LCAP_REQ_BIOCGETIF, LCAP_BIOCGETIF, 0x4090426b },
        { LCAP_REQ_BIOCSETIF, LCAP_BIOCSETIF, 0x8090426c },
        { LCAP_REQ_BIOCGSTATS, LCAP_BIOCGSTATS, 0x4080426f },
        { LCAP_REQ_BIOCIMMEDIATE, LCAP_BIOCIMMEDIATE, 0x80044270 },
        { LCAP_REQ_BIOCVERSION, LCAP_BIOCVERSION, 0x40044271 },
        { LCAP_REQ_BIOCGHDRCMPLT, LCAP_BIOCGHDRCMPLT, 0x40044274 },
        { LCAP_REQ_BIOCSHDRCMPLT, LCAP_BIOCSHDRCMPLT, 0x80044275 },
        { LCAP_REQ_BIOCSDLT, LCAP_BIOCSDLT, 0x80044276 },
        { LCAP_REQ_BIOCGDLTLIST, LCAP_BIOCGDLTLIST, 0xc0104277 },
        { LCAP_REQ_BIOCSSEESENT, LCAP_BIOCSSEESENT, 0x80044279 },
        { LCAP_REQ_BIOCSDIRECTION, LCAP_BIOCSDIRECTION, 0x80044279 },
        { LCAP_REQ_BIOCSRTIMEOUT, LCAP_BIOCSRTIMEOUT, 0x8010427a },
        { LCAP_REQ_BIOCGRTIMEOUT, LCAP_BIOCGRTIMEOUT, 0x4010427b },
        { LCAP_REQ_FIONREAD, LCAP_FIONREAD, 0x4004667f },
        { LCAP_REQ_FIONBIO, LCAP_FIONBIO, 0x8004667e },
    };
    const struct lcap_bpf_flavor *nb = lcap_flavor_by_name("netbsd");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_int_equal(rows[i].macro, rows[i].doc);
        assert_int_equal(nb->req[rows[i].r], rows[i].doc);
    }
    /* The requests NetBSD's row gives and the document lacks. */
    assert_int_equal(nb->req[LCAP_REQ_BIOCSDIRFILT], 0);
    assert_int_equal(nb->req[LCAP_REQ_BIOCSTSTAMP], 0);
    assert_int_equal(LCAP_BIOCGSEESENT, 0x40044278);
    assert_int_equal(LCAP_BIOCGFEEDBACK, 0x4004427c);
    assert_int_equal(LCAP_BIOCSFEEDBACK, 0x8004427d);
    /* The header's structures as the row describes them. */
    assert_int_equal(nb->hdr.size, LCAP_SIZEOF_BPF_HDR);
    assert_int_equal(nb->hdr.caplen_off, offsetof(struct lcap_bpf_hdr, bh_caplen));
    assert_int_equal(nb->hdr.datalen_off, offsetof(struct lcap_bpf_hdr, bh_datalen));
    assert_int_equal(nb->hdr.hdrlen_off, offsetof(struct lcap_bpf_hdr, bh_hdrlen));
    assert_int_equal(nb->hdr.frac_off, offsetof(struct lcap_bpf_hdr, bh_tstamp.tv_usec));
    assert_int_equal(nb->wordalign, LCAP_BPF_ALIGNMENT);
    assert_int_equal(nb->ifreq_size, sizeof(struct lcap_ifreq));
    assert_int_equal(nb->stat_size, sizeof(struct lcap_bpf_stat));
    assert_int_equal(nb->tv_size, sizeof(struct lcap_bpf_rtimeout));
    assert_int_equal(nb->tv_usec_off, offsetof(struct lcap_bpf_rtimeout, tv_usec));
    assert_int_equal(nb->dltlist_size, sizeof(struct lcap_bpf_dltlist));
    assert_int_equal(nb->dltlist_ptr_off, offsetof(struct lcap_bpf_dltlist, bfl_list));
    assert_int_equal(nb->max_insns, LCAP_BPF_MAXINSNS);
    assert_int_equal(nb->max_buf, LCAP_BPF_MAXBUFSIZE);
    assert_int_equal(nb->default_buf, LCAP_BPF_DFLTBUFSIZE);
    assert_int_equal(LCAP_BPF_WORDALIGN(34 + 14), 48);
}

/* A request's encoded length is the size of the structure the row says it copies. */
static void request_lengths_match_structures(void **state)
{
    (void)state;
    for (size_t i = 0; i < lcap_flavor_count(); i++) {
        const struct lcap_bpf_flavor *f = lcap_flavor_at(i);
        const unsigned long *q = f->req;
        assert_int_equal(LCAP_IOCPARM_LEN(q[LCAP_REQ_BIOCSETIF]), f->ifreq_size);
        assert_int_equal(LCAP_IOCPARM_LEN(q[LCAP_REQ_BIOCGETIF]), f->ifreq_size);
        assert_int_equal(LCAP_IOCPARM_LEN(q[LCAP_REQ_BIOCSRTIMEOUT]), f->tv_size);
        assert_int_equal(LCAP_IOCPARM_LEN(q[LCAP_REQ_BIOCGRTIMEOUT]), f->tv_size);
        assert_int_equal(LCAP_IOCPARM_LEN(q[LCAP_REQ_BIOCGSTATS]), f->stat_size);
        assert_int_equal(LCAP_IOCPARM_LEN(q[LCAP_REQ_BIOCSETF]), 16);
        if (q[LCAP_REQ_BIOCGDLTLIST] != 0)
            assert_int_equal(LCAP_IOCPARM_LEN(q[LCAP_REQ_BIOCGDLTLIST]), f->dltlist_size);
        else
            assert_int_equal(f->dltlist_size, 0);
        assert_true(f->stat_size >= 2 * f->stat_width);
        assert_true(f->tv_usec_off + f->tv_usec_width <= f->tv_size);
        for (int r = 0; r < LCAP_REQ_COUNT; r++) {
            unsigned long n = q[r];
            const char *name = lcap_bpf_req_name((enum lcap_bpf_req)r);
            if (n == 0)
                continue;
            /* Group letter, and a direction that matches the name: setters
             * copy in, getters copy out, FLUSH and PROMISC copy nothing. */
            assert_int_equal((n >> 8) & 0xff, name[0] == 'F' ? 'f' : 'B');
            unsigned long dir = n & 0xe0000000UL;
            if (strcmp(name, "BIOCFLUSH") == 0 || strcmp(name, "BIOCPROMISC") == 0)
                assert_int_equal(dir, LCAP_IOC_VOID);
            else if (strcmp(name, "BIOCSBLEN") == 0 || strcmp(name, "BIOCGDLTLIST") == 0)
                assert_int_equal(dir, LCAP_IOC_INOUT);
            else if (name[4] == 'S' || strcmp(name, "BIOCIMMEDIATE") == 0 ||
                     strcmp(name, "FIONBIO") == 0)
                assert_int_equal(dir, LCAP_IOC_IN);
            else
                assert_int_equal(dir, LCAP_IOC_OUT);
            /* Two names share a number only as documented aliases. */
            enum lcap_bpf_req first = lcap_flavor_req_of(f, n);
            if (first != (enum lcap_bpf_req)r)
                assert_true(first == LCAP_REQ_BIOCSDIRECTION && r == LCAP_REQ_BIOCSSEESENT);
        }
    }
    assert_int_equal(lcap_flavor_req_of(lcap_flavor_by_name("freebsd"), 0x12345678), LCAP_REQ_COUNT);
    assert_int_equal(lcap_flavor_req_of(lcap_flavor_by_name("freebsd"), 0), LCAP_REQ_COUNT);
}

/* bh_hdrlen for Ethernet as bpf-platforms.md gives it, and sane layouts. */
static void header_layouts(void **state)
{
    (void)state;
    static const unsigned ether_hdrlen[] = { 26, 34, 30, 18, 34, 22 };
    for (size_t i = 0; i < lcap_flavor_count(); i++) {
        const struct lcap_bpf_flavor *f = lcap_flavor_at(i);
        const struct lcap_bpf_hdr_layout *l = &f->hdr;
        assert_int_equal(lcap_flavor_hdrlen(f, l, 14), ether_hdrlen[i]);
        /* The network header lands aligned. */
        assert_int_equal((lcap_flavor_hdrlen(f, l, 14) + 14) % f->wordalign, 0);
        assert_int_equal(f->wordalign & (f->wordalign - 1), 0);
        assert_true(l->sec_width == 4 || l->sec_width == 8);
        assert_int_equal(l->sec_width, l->frac_width);
        assert_int_equal(l->frac_off, l->sec_off + l->sec_width);
        assert_int_equal(l->caplen_off, l->frac_off + l->frac_width);
        assert_int_equal(l->datalen_off, l->caplen_off + 4);
        assert_int_equal(l->hdrlen_off, l->datalen_off + 4);
        assert_true(l->hdrlen_off + 2u <= l->size);
        assert_int_equal(f->max_insns, 512);
        assert_true(f->default_buf <= f->max_buf);
        assert_non_null(f->unit_fmt);
        assert_non_null(f->perm_hint);
        assert_true(f->max_units > 0);
        if (f->xhdr.size != 0) {
            assert_int_not_equal(f->req[LCAP_REQ_BIOCSTSTAMP], 0);
            assert_true(f->tstamp_nano != 0 && f->tstamp_bintime != 0);
        } else {
            assert_int_equal(f->req[LCAP_REQ_BIOCSTSTAMP], 0);
        }
    }
    const struct lcap_bpf_flavor *fb = lcap_flavor_by_name("freebsd");
    assert_int_equal(lcap_flavor_hdrlen(fb, &fb->xhdr, 14), 26);
    assert_int_equal(lcap_flavor_align(fb, 27), 32);
    assert_int_equal(lcap_flavor_align(lcap_flavor_by_name("macos"), 27), 28);
    assert_int_equal(lcap_flavor_by_name("aix")->ts_unit, LCAP_BPF_TS_NANO);
    assert_int_equal(lcap_flavor_by_name("netbsd")->ts_unit, LCAP_BPF_TS_MICRO);
}

static void devices_directions_and_dlts(void **state)
{
    (void)state;
    assert_string_equal(lcap_flavor_by_name("freebsd")->clone_path, "/dev/bpf");
    assert_null(lcap_flavor_by_name("macos")->clone_path);
    assert_null(lcap_flavor_by_name("aix")->clone_path);
    assert_int_equal(lcap_flavor_by_name("aix")->max_units, 4);
    for (size_t i = 0; i < lcap_flavor_count(); i++) {
        const struct lcap_bpf_flavor *f = lcap_flavor_at(i);
        if (f->dir_req == LCAP_REQ_COUNT) {
            for (int d = 0; d < LCAP_BPF_DIR_COUNT; d++)
                assert_int_equal(f->dir_value[d], -1);
            continue;
        }
        assert_int_not_equal(f->req[f->dir_req], 0);
        for (int d = 0; d < LCAP_BPF_DIR_COUNT; d++)
            for (int e = d + 1; e < LCAP_BPF_DIR_COUNT; e++)
                assert_true(f->dir_value[d] < 0 || f->dir_value[d] != f->dir_value[e]);
    }
    const struct lcap_bpf_flavor *ob = lcap_flavor_by_name("openbsd");
    assert_int_equal(ob->dir_req, LCAP_REQ_BIOCSDIRFILT);
    assert_int_equal(ob->dir_value[LCAP_BPF_DIR_IN], 2); /* drop outgoing */
    assert_int_equal(ob->dlt.raw, 14);
    assert_int_equal(ob->dlt.loop, 12);
    assert_int_equal(lcap_flavor_by_name("netbsd")->dlt.raw, 12);
    assert_int_equal(lcap_flavor_by_name("freebsd")->dlt.pfsync, 121);
    assert_int_equal(lcap_flavor_by_name("macos")->dir_value[LCAP_BPF_DIR_OUT], -1);
    assert_true(lcap_flavor_by_name("aix")->dlt.reports_ift);
    /* DragonFly (unverified row): FreeBSD 4's BPF with BIOCSSEESENT as its
     * only direction control and FreeBSD's DLT requests. */
    const struct lcap_bpf_flavor *df = lcap_flavor_by_name("dragonfly");
    assert_int_equal(df->dir_req, LCAP_REQ_BIOCSSEESENT);
    assert_int_equal(df->dir_value[LCAP_BPF_DIR_OUT], -1);
    assert_int_equal(df->req[LCAP_REQ_BIOCSDIRECTION], 0);
    assert_int_equal(df->req[LCAP_REQ_BIOCSSEESENT], 0x80044277);
    assert_int_equal(df->req[LCAP_REQ_BIOCSDLT], 0x80044278);
    assert_int_equal(df->req[LCAP_REQ_BIOCGDLTLIST], 0xc0104279);
    assert_int_equal(df->req[LCAP_REQ_BIOCSTSTAMP], 0);
    assert_int_equal(df->wordalign, 8);
    assert_int_equal(df->tv_usec_width, 8);
    assert_string_equal(df->clone_path, "/dev/bpf");
    assert_int_equal(df->dlt.pfsync, 18);
    /* Only macOS leaves the 802.11 types out of the list (choosing one
     * turns monitor mode on there); these are libpcap's six. */
    for (size_t i = 0; i < lcap_flavor_count(); i++)
        assert_int_equal(lcap_flavor_at(i)->hide_80211, strcmp(lcap_flavor_at(i)->name, "macos") == 0);
    static const int wifi[] = { 105, 119, 120, 127, 163, 192 };
    for (size_t i = 0; i < sizeof wifi / sizeof wifi[0]; i++)
        assert_true(lcap_flavor_is_80211(wifi[i]));
    assert_false(lcap_flavor_is_80211(1));
    assert_false(lcap_flavor_is_80211(0));
    assert_false(lcap_flavor_is_80211(143));
    assert_true(lcap_flavor_by_name("aix")->always_immediate);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lookups),
        cmocka_unit_test(native_and_env),
        cmocka_unit_test(netbsd_numbers),
        cmocka_unit_test(request_lengths_match_structures),
        cmocka_unit_test(header_layouts),
        cmocka_unit_test(devices_directions_and_dlts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
