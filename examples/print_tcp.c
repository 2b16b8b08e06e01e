/* print_tcp.c - capsniff's TCP line: ports, flags, absolute sequence numbers (tcpdump -S), window and options. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "print.h"

/* Flag bits in tcpdump's order and letters. */
static const struct name flag_letters[] = {
    { 0x01, "F" }, { 0x02, "S" }, { 0x04, "R" }, { 0x08, "P" },
    { 0x10, "." }, { 0x20, "U" }, { 0x40, "E" }, { 0x80, "W" }, { 0, NULL },
};

/* How an option's data is shown: its fixed data length (or -1: the option's
 * own length) and form. Options of a SHOW_NAME form are printed by name only:
 * tcpdump gives their contents in forms of their own (MPTCP, MD5, TFO). */
enum form { SHOW_NONE, SHOW_U8, SHOW_U16, SHOW_U32, SHOW_TS, SHOW_SACK, SHOW_SCPS, SHOW_UTO, SHOW_HEX, SHOW_MD5, SHOW_TCPAO, SHOW_NAME };

#define TCP_OPTIONS(X)                              \
    X(0, "eol", 0, SHOW_NONE)                       \
    X(1, "nop", 0, SHOW_NONE)                       \
    X(2, "mss", 2, SHOW_U16)                        \
    X(3, "wscale", 1, SHOW_U8)                      \
    X(4, "sackOK", 0, SHOW_NONE)                    \
    X(5, "sack", -1, SHOW_SACK)                     \
    X(6, "echo", 4, SHOW_U32)                       \
    X(7, "echoreply", 4, SHOW_U32)                  \
    X(8, "TS", 8, SHOW_TS)                          \
    X(11, "cc", 4, SHOW_U32)                        \
    X(12, "ccnew", 4, SHOW_U32)                     \
    X(13, "ccecho", 4, SHOW_U32)                    \
    X(19, "md5", -1, SHOW_MD5)                      \
    X(20, "scps", 2, SHOW_SCPS)                     \
    X(28, "uto", 2, SHOW_UTO)                       \
    X(29, "tcp-ao", -1, SHOW_TCPAO)                 \
    X(30, "mptcp", -1, SHOW_NAME)                   \
    X(34, "tfo", -1, SHOW_NAME)                     \
    X(254, "exp", -1, SHOW_NAME)

static const struct { uint8_t kind; const char *name; int datalen; enum form form; } options[] = {
#define ROW(kind, name, datalen, form) { kind, name, datalen, form },
    TCP_OPTIONS(ROW)
#undef ROW
};

/* Prints ", options [...]" for the n option bytes at p, of which cap were
 * captured. Returns 0, or -1 when the line ends here (a bad or cut option). */
static int print_options(const uint8_t *p, uint32_t n, uint32_t cap)
{
    int done = 0; /* options shown so far */
    printf(", options [");
    for (uint32_t i = 0; i < n; done++) {
        if (done > 0)
            printf(",");
        if (i >= cap)
            goto cut;
        uint8_t kind = p[i++];
        uint32_t len = 1;
        if (kind > 1) {
            if (i >= cap)
                goto cut;
            len = p[i++];
            if (len < 2 || len > n - i + 2)
                goto bad;
        }
        const char *name = NULL;
        int datalen = (int)len - 2;
        enum form form = SHOW_HEX;
        for (size_t k = 0; k < sizeof options / sizeof options[0]; k++)
            if (options[k].kind == kind) {
                name = options[k].name;
                form = options[k].form;
                if (options[k].datalen >= 0)
                    datalen = options[k].datalen;
            }
        if (name != NULL)
            printf("%s", name);
        else
            printf("unknown-%u", kind);
        if (datalen < 0)
            datalen = 0;
        uint32_t left = n - i; /* option bytes after the kind and length */
        if ((uint32_t)datalen > left && form != SHOW_SACK && form != SHOW_HEX)
            goto bad;
        const uint8_t *d = p + i;
        uint32_t have = cap > i ? cap - i : 0;
        if (form != SHOW_SACK && form != SHOW_HEX && form != SHOW_NAME && form != SHOW_TCPAO &&
            (uint32_t)datalen > have)
            goto cut;
        switch (form) {
        case SHOW_NONE:
        case SHOW_NAME:
            break;
        case SHOW_U8:
            printf(" %u", d[0]);
            break;
        case SHOW_U16:
            printf(" %u", be16(d));
            break;
        case SHOW_U32:
            printf(" %" PRIu32, be32(d));
            break;
        case SHOW_TS:
            printf(" val %" PRIu32 " ecr %" PRIu32, be32(d), be32(d + 4));
            break;
        case SHOW_SCPS:
            printf(" cap %02x id %u", d[0], d[1]);
            break;
        case SHOW_UTO: {
            unsigned uto = be16(d);
            printf(" 0x%x %u", uto, uto & 1 ? (uto >> 1) * 60 : uto >> 1);
            break;
        }
        case SHOW_MD5: /* tcpdump -M would check it; without it, it says why not */
            if (datalen != 16)
                break;
            if ((uint32_t)datalen > have)
                goto cut;
            printf(" shared secret not supplied with -M, can't check - ");
            for (int b = 0; b < 16; b++)
                printf("%02x", d[b]);
            break;
        case SHOW_TCPAO:
            if (datalen < 2) {
                printf("invalid");
                break;
            }
            for (int b = 0; b < datalen; b++) {
                if ((uint32_t)b + 1 > have)
                    goto cut;
                printf(b == 0 ? " keyid %u" : b == 1 ? " rnextkeyid %u" : b == 2 ? " mac 0x%02x" : "%02x", d[b]);
            }
            break;
        case SHOW_SACK:
            if (datalen % 8 != 0) {
                printf(" invalid sack");
                break;
            }
            printf(" %d ", datalen / 8);
            for (int b = 0; b < datalen; b += 8) {
                if ((uint32_t)b + 8 > left)
                    goto bad;
                if ((uint32_t)b + 8 > have)
                    goto cut;
                printf("{%" PRIu32 ":%" PRIu32 "}", be32(d + b), be32(d + b + 4));
            }
            break;
        case SHOW_HEX:
            if (datalen > 0)
                printf(" 0x");
            for (int b = 0; b < datalen; b++) {
                if ((uint32_t)b + 1 > left)
                    goto bad;
                if ((uint32_t)b + 1 > have)
                    goto cut;
                printf("%02x", d[b]);
            }
            break;
        }
        i += (uint32_t)datalen;
        /* The data shown and the option's own length disagree. */
        if ((uint32_t)datalen + (kind > 1 ? 2 : 1) != len)
            printf("[len %u]", len);
        if (kind == 0)
            break;
    }
    printf("]");
    return 0;
bad:
    printf(done > 0 ? "[bad opt]]\n" : "[bad opt]\n");
    return -1;
cut:
    printf(" [|tcp]\n");
    return -1;
}

void print_tcp(const struct ipinfo *ip, struct view v)
{
    if (v.cap < 4) {
        printf("%s%s > %s: [|tcp]\n", ip->shown ? "" : ip->ver, ip->src, ip->dst);
        return;
    }
    print_ip_ports(ip, be16(v.p), be16(v.p + 2));
    if (v.cap < 14) {
        printf(" [|tcp]\n");
        return;
    }
    uint32_t hlen = (uint32_t)(v.p[12] >> 4) * 4;
    if (hlen < 20) {
        printf(" tcp %u [bad hdr length %u - too short, < 20] (invalid)\n", ip->paylen - hlen, hlen);
        return;
    }
    if (v.cap < 20) {
        printf(" [|tcp]\n");
        return;
    }
    uint32_t seq = be32(v.p + 4), ack = be32(v.p + 8);
    uint8_t flags = v.p[13];
    char fl[16] = "";
    for (const struct name *f = flag_letters; f->name != NULL; f++)
        if (flags & f->val)
            strcat(fl, f->name);
    printf("Flags [%s]", fl[0] != '\0' ? fl : "none");
    if (hlen > ip->paylen) {
        printf(" [bad hdr length %u - too long, > %u] (invalid)\n", hlen, ip->paylen);
        return;
    }
    /* Sequence numbers as tcpdump -S prints them: absolute, a range for data. */
    uint32_t dlen = ip->paylen - hlen;
    if (dlen > 0 || (flags & 0x07)) { /* data, SYN, FIN or RST */
        printf(", seq %" PRIu32, seq);
        if (dlen > 0)
            printf(":%" PRIu32, seq + dlen);
    }
    if (flags & 0x10)
        printf(", ack %" PRIu32, ack);
    printf(", win %u", be16(v.p + 14));
    if (flags & 0x20)
        printf(", urg %u", be16(v.p + 18));
    if (hlen > 20 && print_options(v.p + 20, hlen - 20, v.cap - 20) < 0)
        return;
    printf(", length %u\n", dlen);
}
