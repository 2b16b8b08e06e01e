/* compat_driver.c - one source built twice, against system libpcap (oracle) and libcapture-pcap, printing a canonical trace to compare. */
/* SPDX-License-Identifier: BSD-2-Clause */
/* fileno() is POSIX: strict C11 builds (the install test) need it declared. */
#define _POSIX_C_SOURCE 200809L
#include <pcap/pcap.h>
#include <pcap/namedb.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include "compat_live.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a over the packet bytes: enough to tell packets apart in the trace. */
static uint32_t fnv(const unsigned char *p, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void print_pkt(const struct pcap_pkthdr *h, const unsigned char *d)
{
    printf("pkt %lld.%ld %u %u %08x\n", (long long)h->ts.tv_sec, (long)h->ts.tv_usec, h->caplen, h->len,
           fnv(d, h->caplen));
}

static void cb_print(unsigned char *user, const struct pcap_pkthdr *h, const unsigned char *d)
{
    (void)user;
    print_pkt(h, d);
}

struct brk {
    pcap_t *p;
    int seen, after;
};

static void cb_break(unsigned char *user, const struct pcap_pkthdr *h, const unsigned char *d)
{
    struct brk *b = (struct brk *)user;
    print_pkt(h, d);
    if (++b->seen == b->after)
        pcap_breakloop(b->p);
}

static pcap_t *open_file(const char *f, int nano)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline_with_tstamp_precision(f, nano ? PCAP_TSTAMP_PRECISION_NANO
                                                                : PCAP_TSTAMP_PRECISION_MICRO, err);
    if (p == NULL) {
        /* Error texts differ between the libraries: the trace records only that opening failed. */
        printf("open failed\n");
        return NULL;
    }
    printf("open dlt=%d snap=%d ver=%d.%d swapped=%d prec=%d\n", pcap_datalink(p), pcap_snapshot(p),
           pcap_major_version(p), pcap_minor_version(p), pcap_is_swapped(p), pcap_get_tstamp_precision(p));
    return p;
}

/* Reads every packet with the named API; the final return code is part of the trace. */
static void read_all(pcap_t *p, const char *api)
{
    int rc;
    if (strcmp(api, "next_ex") == 0) {
        struct pcap_pkthdr *h;
        const unsigned char *d;
        while ((rc = pcap_next_ex(p, &h, &d)) == 1)
            print_pkt(h, d);
    } else if (strcmp(api, "loop") == 0) {
        rc = pcap_loop(p, -1, cb_print, NULL);
    } else {
        int n;
        while ((n = pcap_dispatch(p, 3, cb_print, NULL)) > 0)
            printf("dispatch %d\n", n);
        rc = n;
    }
    printf("end %d\n", rc < 0 ? (rc == PCAP_ERROR_BREAK ? -2 : -1) : rc);
}

/* The FILE * entry points: the stream handed over is the one pcap_file returns. */
static pcap_t *fopen_file(const char *f, int nano)
{
    char err[PCAP_ERRBUF_SIZE];
    FILE *fp = fopen(f, "rb");
    if (fp == NULL) {
        printf("fopen failed\n");
        return NULL;
    }
    pcap_t *p = nano ? pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, err)
                     : pcap_fopen_offline(fp, err);
    if (p == NULL) {
        printf("open failed\n");
        fclose(fp);
        return NULL;
    }
    printf("fopen dlt=%d snap=%d file=%d fileno=%d\n", pcap_datalink(p), pcap_snapshot(p),
           pcap_file(p) == fp, pcap_fileno(p) == fileno(fp) ? 1 : pcap_fileno(p));
    return p;
}

static void do_read(const char *f, int nano, const char *api)
{
    int use_fopen = strcmp(api, "fopen") == 0;
    pcap_t *p = use_fopen ? fopen_file(f, nano) : open_file(f, nano);
    if (use_fopen)
        api = "next_ex";
    if (p != NULL) {
        read_all(p, api);
        pcap_close(p);
    }
}

/* Copies f through pcap_dump into out, then reads out back. */
static void do_dump(const char *f, const char *out, int nano)
{
    pcap_t *p = open_file(f, nano);
    if (p == NULL)
        return;
    pcap_dumper_t *d = pcap_dump_open(p, out);
    if (d == NULL) {
        printf("dump_open failed\n");
        pcap_close(p);
        return;
    }
    int rc = pcap_loop(p, -1, pcap_dump, (unsigned char *)d);
    printf("dumped %d flush %d\n", rc < 0 ? -1 : rc, pcap_dump_flush(d));
    pcap_dump_close(d);
    pcap_close(p);
    printf("reread\n");
    do_read(out, nano, "next_ex");
}

static void do_filter(const char *f, const char *expr)
{
    pcap_t *p = open_file(f, 0);
    if (p == NULL)
        return;
    struct bpf_program prog;
    if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
        printf("compile failed\n");
        pcap_close(p);
        return;
    }
    /* The program, so that a difference of compilers is told from one of the layer. */
    for (unsigned int i = 0; i < prog.bf_len; i++)
        printf("prog %s\n", bpf_image(&prog.bf_insns[i], (int)i));
    /* The same expression without a handle compiles the same; the result validates. */
    struct bpf_program again;
    /* libpcap marks it deprecated; it is still part of the API the layer must match. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    int rc = pcap_compile_nopcap(pcap_snapshot(p), pcap_datalink(p), &again, expr, 1, PCAP_NETMASK_UNKNOWN);
#pragma GCC diagnostic pop
    printf("nopcap %d same=%d validate=%d\n", rc,
           rc == 0 && again.bf_len == prog.bf_len &&
               memcmp(again.bf_insns, prog.bf_insns, prog.bf_len * sizeof(*prog.bf_insns)) == 0,
           bpf_validate(prog.bf_insns, (int)prog.bf_len));
    if (rc == 0)
        pcap_freecode(&again);
    /* pcap_offline_filter's verdicts first, then the same filter installed. */
    pcap_t *q = open_file(f, 0);
    struct pcap_pkthdr *h;
    const unsigned char *d;
    int accepted = 0;
    while (pcap_next_ex(q, &h, &d) == 1)
        accepted += pcap_offline_filter(&prog, h, d) != 0;
    printf("offline_filter accepted %d\n", accepted);
    pcap_close(q);
    printf("setfilter %d\n", pcap_setfilter(p, &prog));
    pcap_freecode(&prog);
    read_all(p, "loop");
    pcap_close(p);
}

static void do_break(const char *f, int after)
{
    pcap_t *p = open_file(f, 0);
    if (p == NULL)
        return;
    struct brk b = { p, 0, after };
    printf("loop %d\n", pcap_loop(p, -1, cb_break, (unsigned char *)&b));
    read_all(p, "loop");
    pcap_close(p);
}

/* Time stamp type names both ways, and what a handle that is not live offers. */
static void do_tstamp(void)
{
    static const char *names[] = { "host", "HOST", "Host_HiPrec", "host_lowprec", "adapter",
                                   "adapter_unsynced", "host_hiprec_unsynced", "hostx", "", "nano" };
    for (int v = -2; v < 8; v++) {
        const char *n = pcap_tstamp_type_val_to_name(v), *d = pcap_tstamp_type_val_to_description(v);
        printf("val %d name %s desc %s\n", v, n ? n : "(null)", d ? d : "(null)");
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        printf("name '%s' val %d\n", names[i], pcap_tstamp_type_name_to_val(names[i]));
    pcap_t *p = pcap_open_dead(DLT_EN10MB, 100);
    int *types = NULL;
    int n = pcap_list_tstamp_types(p, &types);
    printf("dead list %d:", n);
    for (int i = 0; i < n; i++)
        printf(" %d", types[i]);
    printf("\n");
    pcap_free_tstamp_types(types);
    for (int v = -1; v < 7; v++)
        printf("dead set_tstamp_type %d: %d\n", v, pcap_set_tstamp_type(p, v));
    pcap_close(p);
}

/* Writes n raw bytes as the whole of file path. */
static void put_file(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(bytes, 1, n, f) != n)
        printf("cannot write %s\n", path);
    if (f != NULL)
        fclose(f);
}

/* The size and hash of a whole file, and its packets read back. */
static void show_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char buf[4096];
    size_t n = f != NULL ? fread(buf, 1, sizeof buf, f) : 0;
    if (f != NULL)
        fclose(f);
    printf("file %zu bytes %08x\n", n, fnv(buf, (uint32_t)n));
    do_read(path, 0, "next_ex");
}

/* One pcap_dump_open_append onto path from a dead handle; two packets if it opens. */
static void append_case(const char *label, const char *path, int dlt, int snap, int nano)
{
    static const unsigned char pkt[64] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0x08, 0x00 };
    pcap_t *p = pcap_open_dead_with_tstamp_precision(dlt, snap, nano ? PCAP_TSTAMP_PRECISION_NANO
                                                                     : PCAP_TSTAMP_PRECISION_MICRO);
    pcap_dumper_t *d = pcap_dump_open_append(p, path);
    printf("%s: append dlt=%d snap=%d nano=%d: %s\n", label, dlt, snap, nano, d ? "opened" : "refused");
    if (d != NULL) {
        printf("ftell %ld ftell64 %lld\n", pcap_dump_ftell(d), (long long)pcap_dump_ftell64(d));
        for (int i = 0; i < 2; i++) {
            struct pcap_pkthdr h = { { 1000 + i, 5 + i }, (bpf_u_int32)(20 + i), 60 };
            pcap_dump((unsigned char *)d, &h, pkt);
        }
        printf("ftell %ld ftell64 %lld\n", pcap_dump_ftell(d), (long long)pcap_dump_ftell64(d));
        pcap_dump_close(d);
    }
    pcap_close(p);
    show_file(path);
}

/* pcap_dump_open_append's rules: a new or empty file gets a header; a pcap
 * file with the same link type, snaplen, precision, version and byte order
 * is appended to; anything else (pcapng included) is refused. */
static void do_append(const char *dir)
{
    char path[4096];
    static const unsigned char shb[28] = { 0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a,
                                           1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                           28, 0, 0, 0 };
    /* Headers of other kinds: magic, version, snaplen 100, EN10MB, as this host lays them. */
    struct pcap_file_header other[] = {
        { 0xd4c3b2a1u, 2, 4, 0, 0, 100, 1 }, { 0xa1b2cd34u, 2, 4, 0, 0, 100, 1 },
        { 0xa1b2c3d4u, 2, 3, 0, 0, 100, 1 }, { 0xa1b2c3d4u, 1, 4, 0, 0, 100, 1 },
        { 0xa1b2c3d4u, 2, 4, 0, 0, 100, 1 | 0x04000000 }, { 0x12345678u, 2, 4, 0, 0, 100, 1 },
    };
    snprintf(path, sizeof path, "%s/new.pcap", dir);
    remove(path);
    append_case("new", path, DLT_EN10MB, 100, 0);
    append_case("again", path, DLT_EN10MB, 100, 0);
    append_case("nano onto micro", path, DLT_EN10MB, 100, 1);
    append_case("other dlt", path, DLT_RAW, 100, 0);
    append_case("other snaplen", path, DLT_EN10MB, 200, 0);
    append_case("snaplen 0", path, DLT_EN10MB, 0, 0);
    snprintf(path, sizeof path, "%s/nano.pcap", dir);
    remove(path);
    append_case("new nano", path, DLT_EN10MB, 100, 1);
    append_case("nano again", path, DLT_EN10MB, 100, 1);
    append_case("micro onto nano", path, DLT_EN10MB, 100, 0);
    snprintf(path, sizeof path, "%s/empty.pcap", dir);
    put_file(path, "", 0);
    append_case("empty", path, DLT_EN10MB, 100, 0);
    snprintf(path, sizeof path, "%s/short.pcap", dir);
    put_file(path, shb, 10);
    append_case("short header", path, DLT_EN10MB, 100, 0);
    snprintf(path, sizeof path, "%s/ng.pcapng", dir);
    put_file(path, shb, sizeof shb);
    append_case("pcapng", path, DLT_EN10MB, 100, 0);
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        char label[32];
        snprintf(label, sizeof label, "other header %zu", i);
        snprintf(path, sizeof path, "%s/other%zu.pcap", dir, i);
        put_file(path, &other[i], sizeof other[i]);
        append_case(label, path, DLT_EN10MB, 100, 0);
    }
    snprintf(path, sizeof path, "%s/no/such/dir.pcap", dir);
    append_case("no directory", path, DLT_EN10MB, 100, 0);
}

static void print_mac(const char *what, const char *name, const unsigned char *e)
{
    if (e == NULL)
        printf("%s '%s': NULL\n", what, name);
    else
        printf("%s '%s': %02x:%02x:%02x:%02x:%02x:%02x\n", what, name, e[0], e[1], e[2], e[3], e[4], e[5]);
}

/* The name lookups over the system's databases (run with the conformance
 * hosts/ethers/networks mounted), and pcap_next_etherent over a file. */
static void do_namedb(const char *ethers)
{
    static const char *ports[] = { "80", "http", "domain", "ssh", "0", "65535", "65536", "-1", "sunrpc",
                                   "discard", "nonexist", "12x", "", "echo", "bootps", "ms-sql-s",
                                   "kerberos", "sctp-tunneling" };
    static const char *ranges[] = { "1-2", "20-10", "ssh-http", "http-domain", "domain-sunrpc", "ssh",
                                    "1-x", "ms-sql-s", "ssh-", "-1" };
    static const char *protos[] = { "aarp", "arp", "atalk", "decnet", "ip", "ip6", "lat", "loopback",
                                    "mopdl", "moprc", "rarp", "sca", "pup", "sprite", "iso", "stp", "ipx",
                                    "netbeui", "lldp", "slow", "IP", "ARP", "tcp", "udp", "icmp",
                                    "ipv6-icmp", "TCP", "nonexist", "" };
    static const char *hosts[] = { "localhost", "eth-ipv4x4-ipv6x2.host357.libpcap.test",
                                   "noeth-ipv4-noipv6.host123.libpcap.test",
                                   "eth-noipv4-ipv6x2.host357.libpcap.test", "nonexist.libpcap.test",
                                   "10.1.2.3", "fd00::1" };
    static const char *nets[] = { "net-10-0-0-0.libpcap.test", "net-10-20-0-0.libpcap.test", "loopback",
                                  "link-local", "nonexist" };
    static const char *macs[] = { "aa:bb:cc:dd:ee:ff", "a:b:c:d:e:f", "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff",
                                  "aabbccddeeff", "0:1:2:3:4:5", "aa.bb.cc.dd.ee.ff" };
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        int port = -9, proto = -9;
        int rc = pcap_nametoport(ports[i], &port, &proto);
        printf("nametoport '%s': %d %d %d\n", ports[i], rc, port, proto);
    }
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        int p1 = -9, p2 = -9, proto = -9;
        int rc = pcap_nametoportrange(ranges[i], &p1, &p2, &proto);
        printf("nametoportrange '%s': %d %d %d %d\n", ranges[i], rc, p1, p2, proto);
    }
    for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
        printf("proto '%s': nametoproto %d nametoeproto %d nametollc %d\n", protos[i],
               pcap_nametoproto(protos[i]), pcap_nametoeproto(protos[i]), pcap_nametollc(protos[i]));
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++)
        printf("nametonetaddr '%s': %08x\n", nets[i], pcap_nametonetaddr(nets[i]));
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        bpf_u_int32 **a = pcap_nametoaddr(hosts[i]);
#pragma GCC diagnostic pop
        printf("nametoaddr '%s':", hosts[i]);
        for (; a != NULL && *a != NULL; a++)
            printf(" %08x", **a);
        printf("%s\n", a == NULL ? " NULL" : "");
        struct addrinfo *ai = pcap_nametoaddrinfo(hosts[i]), *x;
        printf("nametoaddrinfo '%s':", hosts[i]);
        for (x = ai; x != NULL; x = x->ai_next) {
            char t[INET6_ADDRSTRLEN] = "?";
            if (x->ai_family == AF_INET)
                inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)x->ai_addr)->sin_addr, t, sizeof t);
            else if (x->ai_family == AF_INET6)
                inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)x->ai_addr)->sin6_addr, t, sizeof t);
            printf(" %d/%d/%s", x->ai_family, x->ai_protocol, t);
        }
        printf("%s\n", ai == NULL ? " NULL" : "");
        if (ai != NULL)
            freeaddrinfo(ai);
        unsigned char *e = pcap_ether_hostton(hosts[i]);
        print_mac("ether_hostton", hosts[i], e);
        free(e);
    }
    for (size_t i = 0; i < sizeof macs / sizeof macs[0]; i++) {
        unsigned char *e = pcap_ether_aton(macs[i]);
        print_mac("ether_aton", macs[i], e);
        free(e);
    }
    FILE *f = fopen(ethers, "r");
    struct pcap_etherent *ent;
    while (f != NULL && (ent = pcap_next_etherent(f)) != NULL)
        print_mac("next_etherent", ent->name, ent->addr);
    printf("next_etherent end\n");
    if (f != NULL)
        fclose(f);
    /* Comments, blanks, spacing, case, one-digit bytes, a bad line, an over-long name. */
    static char text[] = "# comment\n\n  aa:bb:cc:dd:ee:ff\tname1  # trailing\nAA:BB:CC:DD:EE:01 Name2\n"
                         "zz:11:22:33:44:55 bad\n1:2:3:4:5:6 short\n\t\n# x\n"
                         "0:0:0:0:0:1 nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
                         "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\n"
                         "02:03:04:05:06:07 last\n";
    f = fmemopen(text, strlen(text), "r");
    while (f != NULL && (ent = pcap_next_etherent(f)) != NULL)
        print_mac("next_etherent", ent->name, ent->addr);
    printf("next_etherent end\n");
    if (f != NULL)
        fclose(f);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "live") == 0) {
        compat_live(argv[2]);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "namedb") == 0) {
        do_namedb(argv[2]);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "append") == 0) {
        do_append(argv[2]);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "tstamp") == 0) {
        do_tstamp();
        return 0;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: %s read u|n next_ex|loop|dispatch|fopen FILE... | dump u|n OUT FILE... |"
                        " filter EXPR FILE... | break N FILE...\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    int first = strcmp(mode, "dump") == 0 || strcmp(mode, "read") == 0 ? 4 : 3;
    for (int i = first; i < argc; i++) {
        printf("== %s\n", strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i]);
        if (strcmp(mode, "read") == 0)
            do_read(argv[i], argv[2][0] == 'n', argv[3]);
        else if (strcmp(mode, "dump") == 0)
            do_dump(argv[i], argv[3], argv[2][0] == 'n');
        else if (strcmp(mode, "filter") == 0)
            do_filter(argv[i], argv[2]);
        else
            do_break(argv[i], atoi(argv[2]));
        fflush(stdout);
    }
    return 0;
}
