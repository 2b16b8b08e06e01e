/* test_filter_names.c - unit tests of the filter compiler's name resolution:
 * the /etc/ethers and /etc/networks parsers on hostile files, and lookups in
 * the system's hosts, services and protocols databases. With --namefiles
 * (run under tests/interop/with_namefiles.sh) it checks instead that the
 * conformance hosts, ethers and networks files are what the resolver sees. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"
#include "filter/names.h"

/* A file of exactly len bytes in a fresh temporary path (caller unlinks). */
static char *write_tmp(const char *bytes, size_t len)
{
    char *path = strdup("/tmp/lcap_names_XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, len), (ssize_t)len);
    close(fd);
    return path;
}

static int ether_in(const char *bytes, size_t len, const char *name, uint8_t mac[6], char *err)
{
    char *path = write_tmp(bytes, len);
    int rc = lcap_names_ether_file(path, name, mac, err);
    unlink(path);
    free(path);
    return rc;
}

static void test_ethers_line(void **state)
{
    (void)state;
    uint8_t mac[6];
    const char *host;
    size_t hostlen;
    static const uint8_t want[6] = { 0x08, 0x00, 0x20, 0x01, 0xab, 0xcd };
    const char *good[] = {
        "8:0:20:1:ab:cd host1", "08:00:20:01:AB:CD\thost1 # comment",
        "  08-00-20-01-ab-cd   host1  alias", "08.00.20.01.ab.cd host1\r",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(lcap_names_ethers_line(good[i], strlen(good[i]), mac, &host, &hostlen), 1);
        assert_memory_equal(mac, want, 6);
        assert_int_equal(hostlen, 5);
        assert_memory_equal(host, "host1", 5);
    }
    const char *blank[] = { "", "   \t", "# 8:0:20:1:2:3 commented", "  #" };
    for (size_t i = 0; i < sizeof(blank) / sizeof(blank[0]); i++)
        assert_int_equal(lcap_names_ethers_line(blank[i], strlen(blank[i]), mac, &host, &hostlen), 0);
    const char *bad[] = {
        "8:0:20:1:2 host", "8:0:20:1:2:3:4 host", "8:0:20:1:2:333 host", "8:0:20:1:2:3",
        "8:0:20:1:2:3#host", "g:0:20:1:2:3 host", "8::20:1:2:3 host", "8:0:20:1:2: host",
        ":8:0:20:1:2:3 host", "8:0:20:1:2:3: host", "host 8:0:20:1:2:3", "800020010203 host",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(lcap_names_ethers_line(bad[i], strlen(bad[i]), mac, &host, &hostlen), -1);
    /* The length bounds the parse: no terminator is read past it. */
    char raw[] = { '1', ':', '2', ':', '3', ':', '4', ':', '5', ':', '6', ' ', 'h', 'x' };
    assert_int_equal(lcap_names_ethers_line(raw, 13, mac, &host, &hostlen), 1);
    assert_int_equal(hostlen, 1);
    assert_int_equal(lcap_names_ethers_line(raw, 10, mac, &host, &hostlen), -1);
}

static void test_ethers_file(void **state)
{
    (void)state;
    uint8_t mac[6];
    char err[CAPTURE_ERRBUF_SIZE];
    static const char file[] =
        "# ethers\n"
        "zz:00:00:00:00:01 bad\n"
        "0:0:0:0:0:1 one\n"
        "0:0:0:0:0:2 two # two\n"
        "0:0:0:0:0:3 one\n"      /* the first match wins */
        "\n"
        "0:0:0:0:0:4 last";      /* no newline at the end */
    assert_int_equal(ether_in(file, strlen(file), "one", mac, err), 0);
    assert_int_equal(mac[5], 1);
    assert_int_equal(ether_in(file, strlen(file), "TWO", mac, err), 0);
    assert_int_equal(mac[5], 2);
    assert_int_equal(ether_in(file, strlen(file), "last", mac, err), 0);
    assert_int_equal(mac[5], 4);
    assert_int_equal(ether_in(file, strlen(file), "bad", mac, err), -1);
    assert_int_equal(ether_in(file, strlen(file), "on", mac, err), -1);
    assert_non_null(strstr(err, "unknown ether host 'on'"));
    assert_non_null(strstr(err, "not in"));

    /* A line longer than the parser takes is skipped whole, even when its
     * start is a good entry; the next line is still read. */
    size_t big = 100000;
    char *buf = malloc(big + 64);
    assert_non_null(buf);
    memcpy(buf, "0:0:0:0:0:5 long ", 17);
    memset(buf + 17, 'x', big - 17);
    size_t n = big;
    n += (size_t)sprintf(buf + n, " long2\n0:0:0:0:0:6 after\n");
    assert_int_equal(ether_in(buf, n, "long", mac, err), -1);
    assert_int_equal(ether_in(buf, n, "long2", mac, err), -1);
    assert_int_equal(ether_in(buf, n, "after", mac, err), 0);
    assert_int_equal(mac[5], 6);
    /* Only the long line, without a newline. */
    assert_int_equal(ether_in(buf, big, "long", mac, err), -1);
    free(buf);

    /* NUL bytes and binary noise do not end the file or match anything. */
    static const char noise[] = "0:0:0:0:0:7 nul\0x\n\xff\xfe\x01\n0:0:0:0:0:8 clean\n";
    assert_int_equal(ether_in(noise, sizeof(noise) - 1, "nul", mac, err), -1);
    assert_int_equal(ether_in(noise, sizeof(noise) - 1, "clean", mac, err), 0);
    assert_int_equal(mac[5], 8);
    assert_int_equal(ether_in("", 0, "x", mac, err), -1);

    assert_int_equal(lcap_names_ether_file("/nonexistent/ethers", "x", mac, err), -1);
    assert_non_null(strstr(err, "/nonexistent/ethers"));
    assert_int_equal(lcap_names_ether_file("/nonexistent/ethers", "", mac, err), -1);
}

static void test_networks_file(void **state)
{
    (void)state;
    uint32_t net;
    char err[CAPTURE_ERRBUF_SIZE];
    static const char file[] =
        "# networks\n"
        "loopback 127\n"
        "ten  10.20  tenalias # comment\n"
        "full 10.20.0.0\n"
        "hexa 0x0a\n"
        "broken 10.x.1\n"
        "broken 192.168\n"  /* a malformed line does not stop the search */
        "lonely\n"
        "longnum 1111111111111111111111111111111111111111111111111111111111111111111111111\n"
        "eof 172.16";
    char *path = write_tmp(file, strlen(file));
    struct { const char *name; uint32_t net; } want[] = {
        { "loopback", 127 }, { "ten", 0x0a14 }, { "tenalias", 0x0a14 }, { "TEN", 0x0a14 },
        { "full", 0x0a140000 }, { "hexa", 10 }, { "broken", 0xc0a8 }, { "eof", 0xac10 },
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        net = 0;
        assert_int_equal(lcap_names_net_file(path, want[i].name, &net, err), 0);
        assert_int_equal(net, want[i].net);
    }
    const char *missing[] = { "lonely", "longnum", "comment", "networks", "127" };
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
        assert_int_equal(lcap_names_net_file(path, missing[i], &net, err), -1);
        assert_non_null(strstr(err, "unknown network"));
    }
    unlink(path);
    free(path);
    assert_int_equal(lcap_names_net_file("/nonexistent/networks", "x", &net, err), -1);
    assert_non_null(strstr(err, "/nonexistent/networks"));
}

struct addrs {
    int n4, n6;
    uint8_t v4[8][4];
    uint8_t v6[8][16];
};

static void collect(void *ctx, int family, const uint8_t *addr)
{
    struct addrs *a = ctx;
    if (family == AF_INET && a->n4 < 8)
        memcpy(a->v4[a->n4++], addr, 4);
    else if (family == AF_INET6 && a->n6 < 8)
        memcpy(a->v6[a->n6++], addr, 16);
    else
        fail_msg("unexpected family %d", family);
}

static void test_hosts(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE];
    struct addrs a = { 0 };
    static const uint8_t lo4[4] = { 127, 0, 0, 1 };
    static const uint8_t lo6[16] = { [15] = 1 };

    assert_int_equal(lcap_names_host("localhost", AF_INET, collect, &a, err), 0);
    assert_true(a.n4 >= 1);
    assert_int_equal(a.n6, 0);
    assert_memory_equal(a.v4[0], lo4, 4);
    memset(&a, 0, sizeof(a));
    assert_int_equal(lcap_names_host("127.0.0.1", AF_UNSPEC, collect, &a, err), 0);
    assert_int_equal(a.n4, 1);
    memset(&a, 0, sizeof(a));
    assert_int_equal(lcap_names_host("::1", AF_INET6, collect, &a, err), 0);
    assert_int_equal(a.n6, 1);
    assert_memory_equal(a.v6[0], lo6, 16);
    /* Numeric forms fail without asking DNS when the family does not fit. */
    assert_int_equal(lcap_names_host("::1", AF_INET, collect, &a, err), -1);
    assert_non_null(strstr(err, "'::1'"));
    assert_int_equal(lcap_names_host("127.0.0.1", AF_INET6, collect, &a, err), -1);
    assert_non_null(strstr(err, "unknown host '127.0.0.1'"));
    assert_int_equal(lcap_names_host("", AF_UNSPEC, collect, &a, err), -1);
    assert_int_equal(lcap_names_host("localhost", AF_UNIX, collect, &a, err), -1);
}

static void test_services_protocols(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE];
    int port = -1, protos = -1, proto = -1;

    assert_int_equal(lcap_names_port("ssh", &port, &protos, err), 0);
    assert_int_equal(port, 22);
    assert_int_equal(protos & (LCAP_PROTO_TCP | LCAP_PROTO_UDP), LCAP_PROTO_TCP);
    assert_int_equal(lcap_names_port("domain", &port, &protos, err), 0);
    assert_int_equal(port, 53);
    assert_int_equal(protos & (LCAP_PROTO_TCP | LCAP_PROTO_UDP), LCAP_PROTO_TCP | LCAP_PROTO_UDP);
    assert_int_equal(lcap_names_port("www", &port, &protos, err), 0);   /* an alias */
    assert_int_equal(port, 80);
    assert_int_equal(lcap_names_port("no-such-service", &port, &protos, err), -1);
    assert_non_null(strstr(err, "unknown port 'no-such-service'"));
    assert_non_null(strstr(err, "services"));
    assert_int_equal(lcap_names_port("", &port, &protos, err), -1);

    assert_int_equal(lcap_names_proto("tcp", &proto, err), 0);
    assert_int_equal(proto, 6);
    assert_int_equal(lcap_names_proto("udp", &proto, err), 0);
    assert_int_equal(proto, 17);
    assert_int_equal(lcap_names_proto("ipv6-icmp", &proto, err), 0);
    assert_int_equal(proto, 58);
    assert_int_equal(lcap_names_proto("no-such-proto", &proto, err), -1);
    assert_non_null(strstr(err, "unknown protocol 'no-such-proto'"));
    assert_non_null(strstr(err, "protocols"));
}

/* The conformance name files, as tests/interop/with_namefiles.sh mounts them. */
static void test_conformance_names(void **state)
{
    (void)state;
    char err[CAPTURE_ERRBUF_SIZE];
    struct addrs a = { 0 };
    uint8_t mac[6];
    uint32_t net;
    static const uint8_t mac357[6] = { 0xaa, 0x00, 0x04, 0x00, 0x01, 0x08 };
    static const uint8_t v6[16] = { 0xfd, 0x00, 0xa1, 0xb2, 0xc3, 0xd4, 0, 0,
                                    0xa0, 0xb0, 0xc0, 0xd0, 0xe0, 0xf0, 0x34, 0x56 };

    assert_int_equal(lcap_names_host("eth-ipv4x4-ipv6x2.host357.libpcap.test", AF_UNSPEC,
                                     collect, &a, err), 0);
    assert_int_equal(a.n4, 4);
    assert_int_equal(a.n6, 1);
    assert_memory_equal(a.v6[0], v6, 16);
    memset(&a, 0, sizeof(a));
    assert_int_equal(lcap_names_host("noeth-ipv4-noipv6.host123.libpcap.test", AF_INET6,
                                     collect, &a, err), -1);
    print_message("%s\n", err);
    assert_non_null(strstr(err, "unknown host 'noeth-ipv4-noipv6.host123.libpcap.test'"));
    assert_int_equal(lcap_names_host("noeth-ipv4-noipv6.host123.libpcap.test", AF_INET,
                                     collect, &a, err), 0);
    assert_int_equal(a.n4, 1);
    assert_int_equal(a.v4[0][0], 10);
    assert_int_equal(a.v4[0][3], 40);
    /* Not in the hosts file: DNS is asked, and the wrapper points it at
     * loopback, where nothing answers. */
    assert_int_equal(lcap_names_host("host.invalid.", AF_UNSPEC, collect, &a, err), -1);
    print_message("%s\n", err);
    assert_non_null(strstr(err, "unknown host 'host.invalid.'"));

    assert_int_equal(lcap_names_ether("eth-ipv4x4-ipv6x2.host357.libpcap.test", mac, err), 0);
    assert_memory_equal(mac, mac357, 6);
    assert_int_equal(lcap_names_ether("noeth-ipv4-ipv6.host123.libpcap.test", mac, err), -1);
    assert_non_null(strstr(err, "/etc/ethers"));

    assert_int_equal(lcap_names_net("net-10-20-0-0.libpcap.test", &net, err), 0);
    assert_int_equal(net, 0x0a140000);
    assert_int_equal(lcap_names_net("net-10-0-0-0.libpcap.test", &net, err), 0);
    assert_int_equal(net, 0x0a000000);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest namefiles[] = {
        cmocka_unit_test(test_conformance_names),
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ethers_line),
        cmocka_unit_test(test_ethers_file),
        cmocka_unit_test(test_networks_file),
        cmocka_unit_test(test_hosts),
        cmocka_unit_test(test_services_protocols),
    };
    if (argc > 1 && strcmp(argv[1], "--namefiles") == 0)
        return cmocka_run_group_tests(namefiles, NULL, NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
