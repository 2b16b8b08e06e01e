/* names.c - name resolution for the filter compiler: getaddrinfo for hosts,
 * getservbyname_r/getprotobyname_r for services and protocols, and the
 * project's own bounded parsers of /etc/ethers and /etc/networks. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "filter/names.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>

#include "capture.h"
#include "compat.h"

#define ETHERS_PATH   "/etc/ethers"
#define NETWORKS_PATH "/etc/networks"

/* Longest line the file parsers take; a longer line is skipped whole, so a
 * name can never match a truncated entry. */
#define NAMES_LINE_MAX 1024

/* Scratch for the *_r calls; doubled on ERANGE up to the last size. */
#define NAMES_R_BUF_FIRST 1024
#define NAMES_R_BUF_LAST  (256 * 1024)

/* Called per complete line; returns 1 when it found what it looks for. */
typedef int (*line_fn)(void *ctx, const char *line, size_t len);

/* Feeds every line of path (without its newline) to fn until fn returns 1.
 * Returns 1 if found, 0 if not, -1 if the file cannot be opened or read
 * (errno set). NUL bytes are ordinary bytes here. */
static int each_line(const char *path, line_fn fn, void *ctx)
{
    char line[NAMES_LINE_MAX];
    FILE *f = fopen(path, "r");
    int found = 0;

    if (f == NULL)
        return -1;
    for (;;) {
        size_t n = 0;
        int c, over = 0;

        while ((c = getc(f)) != EOF && c != '\n') {
            if (n < sizeof(line))
                line[n++] = (char)c;
            else
                over = 1;
        }
        if (c == EOF && n == 0 && !over)
            break;
        if (!over && fn(ctx, line, n)) {
            found = 1;
            break;
        }
        if (c == EOF)
            break;
    }
    if (!found && ferror(f)) {
        int e = errno;
        fclose(f);
        errno = e ? e : EIO;
        return -1;
    }
    fclose(f);
    return found;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The length of line before any '#' comment. */
static size_t strip_comment(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (line[i] == '#')
            return i;
    return len;
}

/* The next whitespace-separated token at or after *pos, or 0 if none. */
static size_t next_token(const char *line, size_t len, size_t *pos, const char **tok)
{
    size_t i = *pos;

    while (i < len && is_space(line[i]))
        i++;
    size_t start = i;
    while (i < len && !is_space(line[i]))
        i++;
    *pos = i;
    *tok = line + start;
    return i - start;
}

/* Six groups of one or two hex digits separated by ':', '-' or '.'
 * (ethers(5) writes 8:0:20:1:2:3), filling exactly tok..tok+len. */
static int parse_mac(const char *tok, size_t len, uint8_t mac[6])
{
    size_t i = 0;

    for (int g = 0; g < 6; g++) {
        int d, v = 0, digits = 0;

        if (g > 0) {
            if (i >= len || (tok[i] != ':' && tok[i] != '-' && tok[i] != '.'))
                return -1;
            i++;
        }
        while (i < len && digits < 2 && (d = hex_digit(tok[i])) >= 0) {
            v = v * 16 + d;
            digits++;
            i++;
        }
        if (digits == 0)
            return -1;
        mac[g] = (uint8_t)v;
    }
    return i == len ? 0 : -1;
}

int lcap_names_ethers_line(const char *line, size_t len, uint8_t mac[6],
                           const char **host, size_t *hostlen)
{
    size_t pos = 0;
    const char *tok;
    size_t n;

    len = strip_comment(line, len);
    n = next_token(line, len, &pos, &tok);
    if (n == 0)
        return 0;
    if (parse_mac(tok, n, mac) < 0)
        return -1;
    n = next_token(line, len, &pos, &tok);
    if (n == 0)
        return -1;
    /* Anything after the host name is ignored, as other parsers do. */
    *host = tok;
    *hostlen = n;
    return 1;
}

static int same_name(const char *tok, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(tok, name, n) == 0;
}

struct ether_query {
    const char *name;
    uint8_t *mac;
};

static int ether_line(void *ctx, const char *line, size_t len)
{
    struct ether_query *q = ctx;
    uint8_t mac[6];
    const char *host;
    size_t hostlen;

    if (lcap_names_ethers_line(line, len, mac, &host, &hostlen) != 1 ||
        !same_name(host, hostlen, q->name))
        return 0;
    memcpy(q->mac, mac, 6);
    return 1;
}

int lcap_names_ether_file(const char *path, const char *name, uint8_t mac[6], char *err)
{
    struct ether_query q = { name, mac };
    int rc;

    if (name == NULL || name[0] == '\0') {
        lcap_errf(err, "empty ether host name");
        return -1;
    }
    rc = each_line(path, ether_line, &q);
    if (rc == 1)
        return 0;
    if (rc < 0)
        lcap_errf(err, "unknown ether host '%s' (cannot read %s: %s)", name, path, LCAP_ERRTEXT(errno));
    else
        lcap_errf(err, "unknown ether host '%s' (not in %s)", name, path);
    return -1;
}

int lcap_names_ether(const char *name, uint8_t mac[6], char *err)
{
    return lcap_names_ether_file(ETHERS_PATH, name, mac, err);
}

struct net_query {
    const char *name;
    uint32_t net;
};

/* networks(5): "name number [alias ...]"; number as inet_network() reads it. */
static int net_line(void *ctx, const char *line, size_t len)
{
    struct net_query *q = ctx;
    size_t pos = 0, n, numlen;
    const char *tok, *num;
    char buf[64];
    int match;

    len = strip_comment(line, len);
    n = next_token(line, len, &pos, &tok);
    numlen = next_token(line, len, &pos, &num);
    if (n == 0 || numlen == 0 || numlen >= sizeof(buf))
        return 0;
    match = same_name(tok, n, q->name);
    while (!match && (n = next_token(line, len, &pos, &tok)) > 0)
        match = same_name(tok, n, q->name);
    if (!match)
        return 0;
    memcpy(buf, num, numlen);
    buf[numlen] = '\0';
    /* A malformed number does not stop the search: a later line may be good. */
    in_addr_t v = inet_network(buf);
    if (v == (in_addr_t)-1)
        return 0;
    q->net = (uint32_t)v;
    return 1;
}

int lcap_names_net_file(const char *path, const char *name, uint32_t *net, char *err)
{
    struct net_query q = { name, 0 };
    int rc;

    if (name == NULL || name[0] == '\0') {
        lcap_errf(err, "empty network name");
        return -1;
    }
    rc = each_line(path, net_line, &q);
    if (rc == 1) {
        *net = q.net;
        return 0;
    }
    if (rc < 0)
        lcap_errf(err, "unknown network '%s' (cannot read %s: %s)", name, path, LCAP_ERRTEXT(errno));
    else
        lcap_errf(err, "unknown network '%s' (not in %s)", name, path);
    return -1;
}

int lcap_names_net(const char *name, uint32_t *net_host_order, char *err)
{
    return lcap_names_net_file(NETWORKS_PATH, name, net_host_order, err);
}

struct seen_addrs {
    uint8_t (*addr)[16];
    int *family;
    size_t n, cap;
};

/* Whether (family, addr) came before; remembers it if not. Lists are short
 * (one name's addresses), so a linear scan is enough. */
static int seen_before(struct seen_addrs *s, int family, const uint8_t *addr, size_t alen, int *oom)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->family[i] == family && memcmp(s->addr[i], addr, alen) == 0)
            return 1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        uint8_t (*a)[16] = realloc(s->addr, cap * sizeof(*a));
        if (a == NULL) {
            *oom = 1;
            return 1;
        }
        s->addr = a;
        int *f = realloc(s->family, cap * sizeof(*f));
        if (f == NULL) {
            *oom = 1;
            return 1;
        }
        s->family = f;
        s->cap = cap;
    }
    memcpy(s->addr[s->n], addr, alen);
    s->family[s->n++] = family;
    return 0;
}

/* The getaddrinfo codes that mean "no such name" (the others are failures
 * of the resolver); which of them exist differs between systems. */
static const int gai_no_name[] = {
    EAI_NONAME,
#ifdef EAI_NODATA
    EAI_NODATA,
#endif
#ifdef EAI_ADDRFAMILY
    EAI_ADDRFAMILY,
#endif
};

static int gai_not_found(int rc)
{
    for (size_t i = 0; i < sizeof(gai_no_name) / sizeof(gai_no_name[0]); i++)
        if (rc == gai_no_name[i])
            return 1;
    return 0;
}

static const char *family_words(int family)
{
    return family == AF_INET ? " (no IPv4 address)" : family == AF_INET6 ? " (no IPv6 address)" : "";
}

int lcap_names_host(const char *name, int family,
                    void (*each)(void *ctx, int family, const uint8_t *addr),
                    void *ctx, char *err)
{
    struct addrinfo hints, *res = NULL;
    struct seen_addrs seen = { NULL, NULL, 0, 0 };
    int rc, oom = 0;

    if (name == NULL || name[0] == '\0') {
        lcap_errf(err, "empty host name");
        return -1;
    }
    if (family != AF_INET && family != AF_INET6 && family != AF_UNSPEC) {
        lcap_errf(err, "host '%s': address family %d not supported", name, family);
        return -1;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    /* One socket type, so each address comes once per family. */
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(name, NULL, &hints, &res);
    if (rc != 0) {
        if (gai_not_found(rc))
            lcap_errf(err, "unknown host '%s'%s", name, family_words(family));
        else
            lcap_errf(err, "unknown host '%s' (hosts database: %s)", name,
                      rc == EAI_SYSTEM ? LCAP_ERRTEXT(errno) : gai_strerror(rc));
        return -1;
    }
    size_t count = 0;
    for (const struct addrinfo *ai = res; ai != NULL && !oom; ai = ai->ai_next) {
        const uint8_t *addr;
        size_t alen;

        if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(struct sockaddr_in)) {
            addr = (const uint8_t *)&((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr;
            alen = 4;
        } else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(struct sockaddr_in6)) {
            addr = (const uint8_t *)&((const struct sockaddr_in6 *)(const void *)ai->ai_addr)->sin6_addr;
            alen = 16;
        } else {
            continue;
        }
        if (family != AF_UNSPEC && ai->ai_family != family)
            continue;
        if (seen_before(&seen, ai->ai_family, addr, alen, &oom))
            continue;
        each(ctx, ai->ai_family, addr);
        count++;
    }
    freeaddrinfo(res);
    free(seen.addr);
    free(seen.family);
    if (oom) {
        lcap_errf(err, "host '%s': out of memory", name);
        return -1;
    }
    if (count == 0) {
        lcap_errf(err, "unknown host '%s'%s", name, family_words(family));
        return -1;
    }
    return 0;
}

/* One transport's services entry for name: its port, 0 if none, -1 on error. */
static int service_port(const char *name, const char *proto, int *port)
{
    char first[NAMES_R_BUF_FIRST];
    char *buf = first, *big = NULL;
    size_t size = sizeof(first);
    struct servent se, *res = NULL;
    int rc;

    for (;;) {
        rc = getservbyname_r(name, proto, &se, buf, size, &res);
        if (rc != ERANGE || size >= NAMES_R_BUF_LAST)
            break;
        size *= 2;
        char *nb = realloc(big, size);
        if (nb == NULL) {
            rc = ENOMEM;
            break;
        }
        big = buf = nb;
    }
    if (rc == 0 && res != NULL)
        *port = ntohs((uint16_t)res->s_port);
    free(big);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return res != NULL;
}

int lcap_names_port(const char *name, int *port, int *protos, char *err)
{
    static const struct { const char *proto; int bit; } transports[] = {
        { "tcp", LCAP_PROTO_TCP }, { "udp", LCAP_PROTO_UDP }, { "sctp", LCAP_PROTO_SCTP },
    };
    int found = -1, bits = 0;

    if (name == NULL || name[0] == '\0') {
        lcap_errf(err, "empty port name");
        return -1;
    }
    for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
        int p = 0, rc = service_port(name, transports[i].proto, &p);
        if (rc < 0) {
            lcap_errf(err, "cannot look up port '%s' (services database: %s)", name, LCAP_ERRTEXT(errno));
            return -1;
        }
        if (rc == 0)
            continue;
        if (found < 0)
            found = p;
        if (p == found)
            bits |= transports[i].bit;
    }
    if (found < 0) {
        lcap_errf(err, "unknown port '%s' (not in the services database)", name);
        return -1;
    }
    *port = found;
    *protos = bits;
    return 0;
}

int lcap_names_proto(const char *name, int *proto, char *err)
{
    char first[NAMES_R_BUF_FIRST];
    char *buf = first, *big = NULL;
    size_t size = sizeof(first);
    struct protoent pe, *res = NULL;
    int rc;

    if (name == NULL || name[0] == '\0') {
        lcap_errf(err, "empty protocol name");
        return -1;
    }
    for (;;) {
        rc = getprotobyname_r(name, &pe, buf, size, &res);
        if (rc != ERANGE || size >= NAMES_R_BUF_LAST)
            break;
        size *= 2;
        char *nb = realloc(big, size);
        if (nb == NULL) {
            rc = ENOMEM;
            break;
        }
        big = buf = nb;
    }
    if (rc == 0 && res != NULL)
        *proto = res->p_proto;
    free(big);
    if (rc != 0) {
        lcap_errf(err, "cannot look up protocol '%s' (protocols database: %s)", name, LCAP_ERRTEXT(rc));
        return -1;
    }
    if (res == NULL) {
        lcap_errf(err, "unknown protocol '%s' (not in the protocols database)", name);
        return -1;
    }
    return 0;
}
