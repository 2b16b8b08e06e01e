/* test_bpf_datalink.c - libcapture-pcap's pcap_list_datalinks/pcap_set_datalink on the BPF device source, under the emulated /dev/bpf (suite live, root): loopback also offered as DLT_NULL (BPFDEV_DLTS), switched to and captured in, refused on AIX. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 9797

/* The flavour both sides play (the device follows LCAP_BPF_FLAVOR). */
static void play(const char *flavour)
{
    setenv("LCAP_BPF_FLAVOR", flavour, 1);
    unsetenv("BPFDEV_FLAVOR");
}

static pcap_t *open_lo(void)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create("lo", err);
    assert_non_null(p);
    assert_int_equal(pcap_set_immediate_mode(p, 1), 0);
    assert_int_equal(pcap_set_timeout(p, 100), 0);
    int rc = pcap_activate(p);
    if (rc != 0)
        fail_msg("activate lo: %d %s", rc, pcap_geterr(p));
    return p;
}

static void send_udp(uint32_t tag)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(PORT),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(sendto(s, &tag, sizeof tag, 0, (struct sockaddr *)&to, sizeof to), (ssize_t)sizeof tag);
    close(s);
}

static void list_is(pcap_t *p, const int *want, int n)
{
    int *list;
    assert_int_equal(pcap_list_datalinks(p, &list), n);
    for (int i = 0; i < n; i++)
        assert_int_equal(list[i], want[i]);
    pcap_free_datalinks(list);
}

/* FreeBSD's device: EN10MB (Linux's loopback frames) and DLT_NULL; the
 * filter compiled after the switch matches DLT_NULL records (the same
 * expression for Ethernet would not), which carry the family and the
 * datagram; back to EN10MB; a type not offered is refused. */
static void switch_and_capture(void **state)
{
    (void)state;
    play("freebsd");
    pcap_t *p = open_lo();
    static const int both[] = { DLT_EN10MB, DLT_NULL };
    list_is(p, both, 2);
    assert_int_equal(pcap_set_datalink(p, DLT_NULL), 0);
    assert_int_equal(pcap_datalink(p), DLT_NULL);
    struct bpf_program prog;
    assert_int_equal(pcap_compile(p, &prog, "udp dst port 9797", 1, PCAP_NETMASK_UNKNOWN), 0);
    assert_int_equal(pcap_setfilter(p, &prog), 0);
    pcap_freecode(&prog);
    send_udp(0x5eed0001u);
    struct pcap_pkthdr *h;
    const u_char *d;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &d)) == 0)
        ;
    assert_int_equal(rc, 1);
    assert_int_equal(h->caplen, 4 + 20 + 8 + 4);
    uint32_t af, tag;
    memcpy(&af, d, 4);
    assert_int_equal(af, 2);
    assert_int_equal(d[4], 0x45);
    memcpy(&tag, d + 32, 4);
    assert_int_equal(tag, 0x5eed0001u);

    assert_int_equal(pcap_set_datalink(p, DLT_IEEE802_11), -1);
    assert_non_null(strstr(pcap_geterr(p), "IEEE802_11 is not one of the DLTs"));
    assert_int_equal(pcap_datalink(p), DLT_NULL);
    assert_int_equal(pcap_set_datalink(p, DLT_EN10MB), 0);
    assert_int_equal(pcap_compile(p, &prog, "udp dst port 9797", 1, PCAP_NETMASK_UNKNOWN), 0);
    assert_int_equal(pcap_setfilter(p, &prog), 0);
    pcap_freecode(&prog);
    send_udp(0x5eed0002u);
    while ((rc = pcap_next_ex(p, &h, &d)) == 0)
        ;
    assert_int_equal(rc, 1);
    assert_int_equal(h->caplen, 14 + 20 + 8 + 4);
    memcpy(&tag, d + 42, 4);
    assert_int_equal(tag, 0x5eed0002u);
    pcap_close(p);
}

/* AIX's device has no list and no BIOCSDLT: Ethernet offers EN10MB and
 * DOCSIS (a rename), nothing else can be set. */
static void aix_refuses(void **state)
{
    (void)state;
    play("aix");
    pcap_t *p = open_lo();
    static const int eth[] = { DLT_EN10MB, DLT_DOCSIS };
    list_is(p, eth, 2);
    assert_int_equal(pcap_set_datalink(p, DLT_NULL), -1);
    assert_non_null(strstr(pcap_geterr(p), "NULL is not one of the DLTs"));
    assert_int_equal(pcap_datalink(p), DLT_EN10MB);
    assert_int_equal(pcap_set_datalink(p, DLT_DOCSIS), 0);
    assert_int_equal(pcap_datalink(p), DLT_DOCSIS);
    pcap_close(p);
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "compat_bpf_datalink needs root (a network namespace)\n");
        return 77;
    }
    const char *pre = getenv("LD_PRELOAD");
    if (pre == NULL || strstr(pre, "bpfdev") == NULL) {
        fprintf(stderr, "compat_bpf_datalink needs LD_PRELOAD=libbpfdev.so\n");
        return 1;
    }
    /* A namespace of its own, with only its loopback up. */
    if (unshare(CLONE_NEWNET) != 0) {
        perror("unshare");
        return 1;
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    ifr.ifr_flags = IFF_UP;
    if (s < 0 || ioctl(s, SIOCSIFFLAGS, &ifr) != 0) {
        perror("lo up");
        return 1;
    }
    close(s);
    setenv("BPFDEV_DLTS", "lo:0", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(switch_and_capture),
        cmocka_unit_test(aix_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
