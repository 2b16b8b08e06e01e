/* namedb.c - libcapture-pcap: pcap_nameto*, pcap_ether_* and pcap_next_etherent over libcapture's name lookups (those of its filter compiler). */
/* SPDX-License-Identifier: BSD-2-Clause */
#define _DEFAULT_SOURCE /* gethostbyname, getaddrinfo */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <pcap/namedb.h>

#include "capture.h"

/* The names libpcap 1.10's pcap_nametoeproto and pcap_nametollc know (a
 * subset of the compiler's link protocol names, whose values libcapture holds). */
static const char *const eproto_names[] = { "aarp", "arp", "atalk", "decnet", "ip", "ip6", "lat",
                                            "loopback", "mopdl", "moprc", "rarp", "sca" };
static const char *const llc_names[] = { "iso", "stp", "ipx", "netbeui" };

static int link_proto(const char *name, const char *const *names, size_t n, int kind)
{
    int v;
    for (size_t i = 0; name != NULL && i < n; i++)
        if (strcmp(names[i], name) == 0 && capture_name_to_link_proto(name, &v) == kind)
            return v;
    return PROTO_UNDEF;
}

int pcap_nametoeproto(const char *name)
{
    return link_proto(name, eproto_names, sizeof eproto_names / sizeof eproto_names[0],
                      CAPTURE_LINK_ETHERTYPE);
}

int pcap_nametollc(const char *name)
{
    return link_proto(name, llc_names, sizeof llc_names / sizeof llc_names[0], CAPTURE_LINK_LLC);
}

int pcap_nametoproto(const char *name)
{
    int v = capture_name_to_proto(name, NULL);
    return v < 0 ? PROTO_UNDEF : v;
}

/* libpcap asks getaddrinfo for the service, which takes a decimal string
 * (or an empty one) as the port itself, cut to 16 bits, for either transport. */
static int numeric_port(const char *name, int *port)
{
    char *end;
    unsigned long v = name[0] == '\0' ? 0 : strtoul(name, &end, 10);
    if (name[0] != '\0' && (*end != '\0' || (int)v == -1))
        return 0;
    *port = (int)(uint16_t)v;
    return 1;
}

int pcap_nametoport(const char *name, int *port, int *proto)
{
    int p, transports;
    if (name == NULL || port == NULL || proto == NULL)
        return 0;
    if (numeric_port(name, port)) {
        *proto = PROTO_UNDEF;
        return 1;
    }
    /* TCP's entry wins; both transports at that port leave the protocol open. SCTP is not asked. */
    if (capture_name_to_port(name, &p, &transports, NULL) < 0 ||
        !(transports & (CAPTURE_TRANSPORT_TCP | CAPTURE_TRANSPORT_UDP)))
        return 0;
    *port = p;
    if (transports & CAPTURE_TRANSPORT_TCP)
        *proto = transports & CAPTURE_TRANSPORT_UDP ? PROTO_UNDEF : IPPROTO_TCP;
    else
        *proto = IPPROTO_UDP;
    return 1;
}

int pcap_nametoportrange(const char *name, int *port1, int *port2, int *proto)
{
    int p1, p2, proto1;

    if (name == NULL || port1 == NULL || port2 == NULL || proto == NULL)
        return 0;
    if (sscanf(name, "%d-%d", &p1, &p2) == 2) {
        *port1 = p1;
        *port2 = p2;
        *proto = PROTO_UNDEF;
        return 1;
    }
    /* Two names split at the first '-': names with a '-' of their own cannot be given. */
    const char *dash = strchr(name, '-');
    if (dash == NULL)
        return 0;
    char first[256];
    if ((size_t)(dash - name) >= sizeof first)
        return 0;
    memcpy(first, name, (size_t)(dash - name));
    first[dash - name] = '\0';
    /* As libpcap, *port1 and *proto keep what the first name gave when the second is unknown. */
    if (!pcap_nametoport(first, port1, proto))
        return 0;
    proto1 = *proto;
    if (!pcap_nametoport(dash + 1, port2, proto))
        return 0;
    if (*proto != proto1)
        *proto = PROTO_UNDEF;
    return 1;
}

bpf_u_int32 pcap_nametonetaddr(const char *name)
{
    uint32_t net;
    return capture_name_to_net(name, &net, NULL) < 0 ? 0 : net;
}

struct addrinfo *pcap_nametoaddrinfo(const char *name)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = PF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM; /* one entry per address, as libpcap asks */
    hints.ai_protocol = IPPROTO_TCP;
    return getaddrinfo(name, NULL, &hints, &res) == 0 ? res : NULL;
}

/* libpcap's interface: the resolver's static list, each IPv4 address turned
 * to host byte order in place; not reentrant (pcap_nametoaddrinfo is). */
bpf_u_int32 **pcap_nametoaddr(const char *name)
{
    struct hostent *h = name != NULL ? gethostbyname(name) : NULL;
    if (h == NULL || h->h_addrtype != AF_INET)
        return NULL;
    for (char **a = h->h_addr_list; *a != NULL; a++) {
        bpf_u_int32 v;
        memcpy(&v, *a, sizeof v);
        v = ntohl(v);
        memcpy(*a, &v, sizeof v);
    }
    return (bpf_u_int32 **)(void *)h->h_addr_list;
}

unsigned char *pcap_ether_hostton(const char *name)
{
    uint8_t mac[6];
    if (capture_name_to_ether(name, mac, NULL) < 0)
        return NULL;
    unsigned char *e = malloc(6);
    if (e != NULL)
        memcpy(e, mac, 6);
    return e;
}

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* libpcap's reading of "xx:xx:xx:xx:xx:xx" (or '.', '-' or no separators,
 * one or two digits a byte), which assumes a well-formed string; here a
 * seventh byte or a non-hex digit is refused (NULL) instead of being written
 * past the six, and missing bytes are 0. */
unsigned char *pcap_ether_aton(const char *s)
{
    unsigned char mac[6] = { 0 };
    size_t n = 0;

    if (s == NULL)
        return NULL;
    while (*s != '\0') {
        if (*s == ':' || *s == '.' || *s == '-')
            s++;
        if (!isxdigit((unsigned char)*s) || n == sizeof mac)
            return NULL;
        int d = hexval((unsigned char)*s++);
        if (isxdigit((unsigned char)*s))
            d = d << 4 | hexval((unsigned char)*s++);
        mac[n++] = (unsigned char)d;
    }
    unsigned char *e = malloc(6);
    if (e != NULL)
        memcpy(e, mac, 6);
    return e;
}

/* The next well-formed entry of an ethers(5) stream, in storage that the next call reuses. */
struct pcap_etherent *pcap_next_etherent(FILE *fp)
{
    static _Thread_local struct pcap_etherent e;
    char line[1024];

    while (fp != NULL && fgets(line, sizeof line, fp) != NULL) {
        size_t len = strlen(line), hostlen;
        const char *host;
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            int c; /* a line longer than any entry: skipped whole */
            while ((c = getc(fp)) != EOF && c != '\n')
                ;
            continue;
        }
        if (len > 0 && line[len - 1] == '\n')
            len--;
        memset(&e, 0, sizeof e);
        if (capture_parse_ethers_line(line, len, e.addr, &host, &hostlen) != 1)
            continue;
        if (hostlen >= sizeof e.name)
            hostlen = sizeof e.name - 1; /* as libpcap, the name is cut to fit */
        memcpy(e.name, host, hostlen);
        return &e;
    }
    return NULL;
}
