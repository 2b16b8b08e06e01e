/* capsniff.c - example: prints a savefile's packets one line each, like tcpdump -n, and can copy them to a new file.
 *
 * usage: capsniff -r FILE [-c COUNT] [-w OUT] [-F PROGRAM_FILE]
 *
 * Times are printed as HH:MM:SS.uuuuuu in UTC (tcpdump uses local time; run it
 * with TZ=UTC to compare). Ethernet (with 802.1Q tags), BSD loopback (NULL,
 * LOOP), raw IP and Linux cooked (SLL, SLL2) frames are decoded down to
 * ARP / IPv4 / IPv6 / TCP / UDP / ICMP / ICMPv6; other link types print their
 * name and length. Every field is read only after checking that the captured
 * bytes hold it: a hostile or truncated packet prints "[|proto]" instead.
 * -w OUT also writes every packet shown to OUT ("-" is standard output, and
 * then nothing else is printed there). -F PROGRAM_FILE keeps only the packets
 * a BPF program accepts; the file holds the program as tcpdump -d prints it
 * (e.g. tcpdump -d -r FILE tcp > tcp.bpf), and -c counts accepted packets.
 * Errors go to standard error; the exit status is 0 when the whole file was
 * read, 1 otherwise, 2 for a usage error. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture.h"

/* A window on the packet: p[0..cap) was captured, and wire bytes existed. */
struct view {
    const uint8_t *p;
    uint32_t cap;  /* bytes present */
    uint32_t wire; /* bytes on the wire from p on */
};

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The view past its first n bytes (the caller has checked n <= v.cap). */
static struct view skip(struct view v, uint32_t n)
{
    struct view r = { v.p + n, v.cap - n, v.wire > n ? v.wire - n : 0 };
    return r;
}

static void print_time(const capture_pkthdr *h)
{
    int64_t day = h->ts_sec % 86400;
    if (day < 0)
        day += 86400;
    printf("%02d:%02d:%02d.%06u ", (int)(day / 3600), (int)(day / 60 % 60), (int)(day % 60),
           h->ts_nsec / 1000);
}

/* TCP flags in tcpdump's order and letters; "none" when no flag is set. */
static void tcp_flags(uint8_t f, char *out)
{
    static const struct { uint8_t bit; char c; } names[] = {
        { 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
        { 0x10, '.' }, { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' },
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (f & names[i].bit)
            out[n++] = names[i].c;
    if (n == 0) {
        strcpy(out, "none");
        return;
    }
    out[n] = '\0';
}

/* Source and destination of an IP packet, as text, and what it carries. */
struct ipinfo {
    const char *ver; /* "IP" or "IP6" */
    char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
    uint32_t paylen; /* transport bytes per the IP header */
};

static void print_tcp(const struct ipinfo *ip, struct view v)
{
    if (v.cap < 20) {
        printf("%s %s > %s: [|tcp]\n", ip->ver, ip->src, ip->dst);
        return;
    }
    uint16_t sport = be16(v.p), dport = be16(v.p + 2);
    uint32_t seq = be32(v.p + 4), ack = be32(v.p + 8);
    uint32_t hlen = (uint32_t)(v.p[12] >> 4) * 4;
    uint8_t flags = v.p[13];
    uint16_t win = be16(v.p + 14);
    char fl[16];
    tcp_flags(flags, fl);
    printf("%s %s.%u > %s.%u: Flags [%s]", ip->ver, ip->src, sport, ip->dst, dport, fl);
    if (hlen < 20 || hlen > ip->paylen) {
        printf(", bad header length %u\n", hlen);
        return;
    }
    /* Sequence numbers as tcpdump -S prints them: absolute, a range for data. */
    uint32_t dlen = ip->paylen - hlen;
    if (dlen > 0)
        printf(", seq %" PRIu32 ":%" PRIu32, seq, seq + dlen);
    else if (flags & 0x07) /* SYN, FIN or RST */
        printf(", seq %" PRIu32, seq);
    if (flags & 0x10)
        printf(", ack %" PRIu32, ack);
    printf(", win %u, length %u\n", win, dlen);
}

static void print_udp(const struct ipinfo *ip, struct view v)
{
    if (v.cap < 8) {
        printf("%s %s > %s: [|udp]\n", ip->ver, ip->src, ip->dst);
        return;
    }
    uint16_t ulen = be16(v.p + 4);
    printf("%s %s.%u > %s.%u: UDP", ip->ver, ip->src, be16(v.p), ip->dst, be16(v.p + 2));
    if (ulen < 8)
        printf(", bad length %u\n", ulen);
    else
        printf(", length %u\n", ulen - 8);
}

/* Names of ICMP (v4) and ICMPv6 message types; the rest print as numbers. */
static const struct { uint8_t type; const char *name; } icmp4_names[] = {
    { 0, "echo reply" }, { 3, "unreachable" }, { 4, "source quench" }, { 5, "redirect" },
    { 8, "echo request" }, { 9, "router advertisement" }, { 10, "router solicitation" },
    { 11, "time exceeded" }, { 12, "parameter problem" }, { 13, "time stamp request" },
    { 14, "time stamp reply" },
};
static const struct { uint8_t type; const char *name; } icmp6_names[] = {
    { 1, "destination unreachable" }, { 2, "packet too big" }, { 3, "time exceeded" },
    { 4, "parameter problem" }, { 128, "echo request" }, { 129, "echo reply" },
    { 133, "router solicitation" }, { 134, "router advertisement" },
    { 135, "neighbor solicitation" }, { 136, "neighbor advertisement" }, { 137, "redirect" },
};

static void print_icmp(const struct ipinfo *ip, struct view v, int v6)
{
    const char *name = NULL;
    if (v.cap < 4) {
        printf("%s %s > %s: [|icmp%s]\n", ip->ver, ip->src, ip->dst, v6 ? "6" : "");
        return;
    }
    uint8_t type = v.p[0], code = v.p[1];
    if (v6) {
        for (size_t i = 0; i < sizeof(icmp6_names) / sizeof(icmp6_names[0]); i++)
            if (icmp6_names[i].type == type)
                name = icmp6_names[i].name;
    } else {
        for (size_t i = 0; i < sizeof(icmp4_names) / sizeof(icmp4_names[0]); i++)
            if (icmp4_names[i].type == type)
                name = icmp4_names[i].name;
    }
    printf("%s %s > %s: %s", ip->ver, ip->src, ip->dst, v6 ? "ICMP6, " : "ICMP ");
    if (name != NULL)
        printf("%s", name);
    else
        printf("type %u, code %u", type, code);
    int echo = v6 ? (type == 128 || type == 129) : (type == 0 || type == 8);
    if (echo && v.cap >= 8)
        printf(", id %u, seq %u", be16(v.p + 4), be16(v.p + 6));
    /* Neighbour discovery names the address it is about. */
    if (v6 && (type == 135 || type == 136) && v.cap >= 24) {
        char tgt[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, v.p + 8, tgt, sizeof tgt);
        printf(type == 135 ? ", who has %s" : ", tgt is %s", tgt);
    }
    printf(", length %u\n", ip->paylen);
}

static void print_transport(const struct ipinfo *ip, uint8_t proto, struct view v)
{
    switch (proto) {
    case 6:
        print_tcp(ip, v);
        break;
    case 17:
        print_udp(ip, v);
        break;
    case 1:
        print_icmp(ip, v, 0);
        break;
    case 58:
        print_icmp(ip, v, 1);
        break;
    default:
        printf("%s %s > %s: ip-proto-%u, length %u\n", ip->ver, ip->src, ip->dst, proto, ip->paylen);
    }
}

static void print_ipv4(struct view v)
{
    struct ipinfo ip = { .ver = "IP" };
    if (v.cap < 20) {
        printf("IP [|ip]\n");
        return;
    }
    uint32_t hlen = (uint32_t)(v.p[0] & 0x0f) * 4;
    uint32_t total = be16(v.p + 2);
    uint16_t frag = be16(v.p + 6);
    uint8_t proto = v.p[9];
    inet_ntop(AF_INET, v.p + 12, ip.src, sizeof ip.src);
    inet_ntop(AF_INET, v.p + 16, ip.dst, sizeof ip.dst);
    if ((v.p[0] >> 4) != 4 || hlen < 20) {
        printf("IP %s > %s: bad header (version %u, header length %u)\n", ip.src, ip.dst,
               v.p[0] >> 4, hlen);
        return;
    }
    if (total < hlen) {
        printf("IP %s > %s: bad total length %u\n", ip.src, ip.dst, total);
        return;
    }
    ip.paylen = total - hlen;
    if ((frag & 0x1fff) != 0) {
        printf("IP %s > %s: fragment of ip-proto-%u at offset %u, length %u\n", ip.src, ip.dst,
               proto, (frag & 0x1fff) * 8u, ip.paylen);
        return;
    }
    if (hlen > v.cap) {
        printf("IP %s > %s: [|ip]\n", ip.src, ip.dst);
        return;
    }
    struct view t = skip(v, hlen);
    /* Trailing link padding is not transport data. */
    if (t.cap > ip.paylen)
        t.cap = ip.paylen;
    print_transport(&ip, proto, t);
}

static void print_ipv6(struct view v)
{
    struct ipinfo ip = { .ver = "IP6" };
    if (v.cap < 40) {
        printf("IP6 [|ip6]\n");
        return;
    }
    inet_ntop(AF_INET6, v.p + 8, ip.src, sizeof ip.src);
    inet_ntop(AF_INET6, v.p + 24, ip.dst, sizeof ip.dst);
    uint32_t paylen = be16(v.p + 4);
    uint8_t next = v.p[6];
    struct view t = skip(v, 40);
    if (t.cap > paylen)
        t.cap = paylen;
    /* Walk the extension headers to the transport; a bounded number of them. */
    for (int hops = 0; hops < 8; hops++) {
        uint32_t len;
        if (next == 0 || next == 43 || next == 60) { /* hop-by-hop, routing, destination */
            if (t.cap < 2)
                goto truncated;
            len = ((uint32_t)t.p[1] + 1) * 8;
        } else if (next == 51) { /* authentication header */
            if (t.cap < 2)
                goto truncated;
            len = ((uint32_t)t.p[1] + 2) * 4;
        } else if (next == 44) { /* fragment */
            if (t.cap < 8)
                goto truncated;
            uint16_t off = be16(t.p + 2) & 0xfff8;
            if (off != 0) {
                printf("IP6 %s > %s: fragment of ip-proto-%u at offset %u\n", ip.src, ip.dst,
                       t.p[0], off);
                return;
            }
            len = 8;
        } else {
            break;
        }
        if (len > t.cap || len > paylen)
            goto truncated;
        next = t.p[0];
        paylen -= len;
        t = skip(t, len);
    }
    ip.paylen = paylen;
    print_transport(&ip, next, t);
    return;
truncated:
    printf("IP6 %s > %s: [|ip6]\n", ip.src, ip.dst);
}

static void print_mac(const uint8_t *m)
{
    printf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void print_arp(struct view v)
{
    if (v.cap < 8) {
        printf("ARP, [|arp]\n");
        return;
    }
    uint16_t htype = be16(v.p), ptype = be16(v.p + 2), op = be16(v.p + 6);
    uint8_t hlen = v.p[4], plen = v.p[5];
    if (htype != 1 || ptype != 0x0800 || hlen != 6 || plen != 4) {
        printf("ARP, hardware type %u, protocol 0x%04x, op %u, length %u\n", htype, ptype, op, v.wire);
        return;
    }
    if (v.cap < 28) {
        printf("ARP, [|arp]\n");
        return;
    }
    char spa[INET_ADDRSTRLEN], tpa[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, v.p + 14, spa, sizeof spa);
    inet_ntop(AF_INET, v.p + 24, tpa, sizeof tpa);
    if (op == 1) {
        printf("ARP, Request who-has %s tell %s, length %u\n", tpa, spa, v.wire);
    } else if (op == 2) {
        printf("ARP, Reply %s is-at ", spa);
        print_mac(v.p + 8);
        printf(", length %u\n", v.wire);
    } else {
        printf("ARP, op %u, length %u\n", op, v.wire);
    }
}

static void print_ethertype(uint16_t type, struct view v)
{
    switch (type) {
    case 0x0800:
        print_ipv4(v);
        break;
    case 0x86dd:
        print_ipv6(v);
        break;
    case 0x0806:
        print_arp(v);
        break;
    default:
        printf("ethertype 0x%04x, length %u\n", type, v.wire);
    }
}

static void print_ether(struct view v)
{
    if (v.cap < 14) {
        printf("[|ether]\n");
        return;
    }
    uint16_t type = be16(v.p + 12);
    struct view rest = skip(v, 14);
    /* 802.1Q and 802.1ad tags, a few deep. */
    for (int tags = 0; tags < 4 && (type == 0x8100 || type == 0x88a8 || type == 0x9100); tags++) {
        if (rest.cap < 4) {
            printf("[|vlan]\n");
            return;
        }
        printf("vlan %u, ", be16(rest.p) & 0x0fff);
        type = be16(rest.p + 2);
        rest = skip(rest, 4);
    }
    if (type <= 1500) {
        printf("802.3, length %u\n", v.wire);
        return;
    }
    print_ethertype(type, rest);
}

/* BSD loopback: a 4-byte address family, in host order (NULL) or network order (LOOP). */
static void print_loopback(struct view v, int network_order)
{
    if (v.cap < 4) {
        printf("[|loopback]\n");
        return;
    }
    uint32_t af = network_order ? be32(v.p) : (uint32_t)v.p[0] | (uint32_t)v.p[1] << 8 |
                                                  (uint32_t)v.p[2] << 16 | (uint32_t)v.p[3] << 24;
    /* A file written on a host of the other byte order. */
    if ((af & 0xffff) == 0 && af != 0)
        af = (af >> 24) | ((af >> 8) & 0xff00);
    struct view rest = skip(v, 4);
    switch (af) {
    case 2:
        print_ipv4(rest);
        break;
    case 10: case 24: case 28: case 30: /* AF_INET6 on Linux and the BSDs */
        print_ipv6(rest);
        break;
    default:
        printf("loopback, address family %u, length %u\n", af, v.wire);
    }
}

static void print_raw(struct view v)
{
    if (v.cap < 1) {
        printf("[|ip]\n");
        return;
    }
    if ((v.p[0] >> 4) == 6)
        print_ipv6(v);
    else
        print_ipv4(v);
}

static void print_packet(int dlt, const capture_pkthdr *h, const uint8_t *data)
{
    struct view v = { data, h->caplen, h->len };
    print_time(h);
    switch (dlt) {
    case CAPTURE_DLT_EN10MB:
        print_ether(v);
        break;
    case CAPTURE_DLT_NULL:
        print_loopback(v, 0);
        break;
    case CAPTURE_DLT_LOOP:
        print_loopback(v, 1);
        break;
    case CAPTURE_DLT_RAW:
    case CAPTURE_DLT_IPV4:
    case CAPTURE_DLT_IPV6:
        print_raw(v);
        break;
    case CAPTURE_DLT_LINUX_SLL:
        if (v.cap < 16)
            printf("[|sll]\n");
        else
            print_ethertype(be16(v.p + 14), skip(v, 16));
        break;
    case CAPTURE_DLT_LINUX_SLL2:
        if (v.cap < 20)
            printf("[|sll2]\n");
        else
            print_ethertype(be16(v.p), skip(v, 20));
        break;
    default: {
        const char *name = capture_datalink_val_to_name(dlt);
        printf("link-type %s (%d), length %u\n", name ? name : "unknown", dlt, h->len);
    }
    }
}

/* Largest filter listing read: far more than the 4096 instructions BPF allows. */
#define MAX_PROGRAM_TEXT (1024 * 1024)

/* Reads a tcpdump -d listing and installs it as r's filter. 0, or -1 after
 * saying why on stderr. */
static int install_filter(capture_reader *r, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "capsniff: %s: cannot open the filter program: %s\n", path, strerror(errno));
        return -1;
    }
    char *text = malloc(MAX_PROGRAM_TEXT + 1);
    if (text == NULL) {
        fclose(f);
        fprintf(stderr, "capsniff: out of memory for the filter program\n");
        return -1;
    }
    size_t n = fread(text, 1, MAX_PROGRAM_TEXT + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || n > MAX_PROGRAM_TEXT) {
        fprintf(stderr, "capsniff: %s: %s\n", path,
                bad ? "cannot read the filter program" : "filter program larger than 1 MiB");
        free(text);
        return -1;
    }
    text[n] = '\0';
    char err[CAPTURE_ERRBUF_SIZE];
    capture_bpf *prog = capture_bpf_assemble(text, err);
    free(text);
    if (prog == NULL) {
        fprintf(stderr, "capsniff: %s: %s\n", path, err);
        return -1;
    }
    int rc = capture_setfilter_bpf(r, prog);
    capture_bpf_free(prog);
    if (rc != 0) {
        fprintf(stderr, "capsniff: %s: %s\n", path, capture_geterr(r));
        return -1;
    }
    return 0;
}

/* Prints (and with out, copies) up to count packets of in (count < 0: all)
 * that the program in filter_path (if not NULL) accepts. Returns the exit
 * status: 0 when the whole file was read, 1 otherwise. */
static int sniff(const char *in, long count, const char *out, const char *filter_path)
{
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_open_offline(in, err);
    if (r == NULL) {
        fprintf(stderr, "capsniff: %s\n", err);
        return 1;
    }
    if (filter_path != NULL && install_filter(r, filter_path) < 0) {
        capture_close(r);
        return 1;
    }
    capture_dumper *d = NULL;
    if (out != NULL) {
        d = capture_dump_open(r, out);
        if (d == NULL) {
            fprintf(stderr, "capsniff: %s\n", capture_geterr(r));
            capture_close(r);
            return 1;
        }
    }
    int show = out == NULL || strcmp(out, "-") != 0;
    int dlt = capture_datalink(r), status = 0;
    capture_pkthdr h;
    const uint8_t *data;
    for (long n = 0; count < 0 || n < count; n++) {
        int rc = capture_next(r, &h, &data);
        if (rc == CAPTURE_EOF)
            break;
        if (rc != 1) {
            fflush(stdout);
            fprintf(stderr, "capsniff: %s\n", capture_geterr(r));
            status = 1;
            break;
        }
        if (show)
            print_packet(dlt, &h, data);
        if (d != NULL && capture_dump(d, &h, data) != 0) {
            fflush(stdout);
            fprintf(stderr, "capsniff: %s\n", capture_dump_geterr(d));
            status = 1;
            break;
        }
    }
    if (d != NULL && capture_dump_close_errbuf(d, err) != 0) {
        fprintf(stderr, "capsniff: %s\n", err);
        status = 1;
    }
    capture_close(r);
    return status;
}

/* The test suite includes this file to run sniff() in its own process. */
#ifndef CAPSNIFF_NO_MAIN
static void usage(void)
{
    fprintf(stderr, "usage: capsniff -r FILE [-c COUNT] [-w OUT] [-F PROGRAM_FILE]\n");
}

int main(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *filter = NULL;
    long count = -1;
    int c;

    while ((c = getopt(argc, argv, "r:c:w:F:")) != -1) {
        switch (c) {
        case 'r':
            in = optarg;
            break;
        case 'w':
            out = optarg;
            break;
        case 'F':
            filter = optarg;
            break;
        case 'c': {
            char *end;
            errno = 0;
            count = strtol(optarg, &end, 10);
            if (errno != 0 || *end != '\0' || end == optarg || count <= 0) {
                fprintf(stderr, "capsniff: -c wants a positive packet count, not \"%s\"\n", optarg);
                return 2;
            }
            break;
        }
        default:
            usage();
            return 2;
        }
    }
    if (in == NULL || optind != argc) {
        usage();
        return 2;
    }
    int status = sniff(in, count, out, filter);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "capsniff: writing the output failed: %s\n", strerror(errno));
        status = 1;
    }
    return status;
}
#endif
