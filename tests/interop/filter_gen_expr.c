/* filter_gen_expr.c - the expression half of the filter differential test's
 * generators: a weighted grammar of pcap-filter(7) (every primitive family,
 * qualifier combinations, inherited qualifiers, arithmetic relations, and/or/
 * not nesting), plus a little invalid input so refusals are compared too.
 * At most one random draw per expression or argument list: the order of
 * evaluation there is the compiler's, and gcc and clang must make the same
 * expressions from one seed. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "filter_gen.h"
#include "filter_gen_pools.h"

const char *const fg_prim_names[FG_NPRIM] = {
#define FG_NAME(id, w) #id,
    FG_PRIMITIVES(FG_NAME)
#undef FG_NAME
};

static const unsigned prim_weight[FG_NPRIM] = {
#define FG_WEIGHT(id, w) w,
    FG_PRIMITIVES(FG_WEIGHT)
#undef FG_WEIGHT
};

uint32_t fg_rand(fg_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (uint32_t)((r->s * 0x2545F4914F6CDD1DULL) >> 32);
}

/* The output under construction; writes past cap are dropped (the
 * expression then is cut, which both compilers must refuse alike). */
struct out {
    char *p;
    size_t n, cap;
    uint32_t used;
    fg_rng *r;
};

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    if (o->n + 1 >= o->cap)
        return;
    va_start(ap, fmt);
    int k = vsnprintf(o->p + o->n, o->cap - o->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        o->n = (size_t)k >= o->cap - o->n ? o->cap - 1 : o->n + (size_t)k;
}

#define PICK(o, arr) ((arr)[fg_below((o)->r, sizeof(arr) / sizeof((arr)[0]))])
#define CHANCE(o, pct) (fg_below((o)->r, 100) < (pct))

static const char *const dirs[] = {
    "", "", "", "src ", "dst ", "src or dst ", "src and dst ",
};

static const char *mac_text(struct out *o, char *buf, size_t cap)
{
    const uint8_t *m = fg_macs[fg_below(o->r, FG_NMACS)];
    switch (fg_below(o->r, 5)) {
    case 0:
        snprintf(buf, cap, "%02x-%02x-%02x-%02x-%02x-%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
        break;
    case 1:
        snprintf(buf, cap, "%02x%02x.%02x%02x.%02x%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
        break;
    case 2:
        snprintf(buf, cap, "%x:%x:%x:%x:%x:%x", m[0], m[1], m[2], m[3], m[4], m[5]);
        break;
    default:
        snprintf(buf, cap, "%02x:%02x:%02x:%02x:%02x:%02X", m[0], m[1], m[2], m[3], m[4], m[5]);
        break;
    }
    return buf;
}

static void gen_host(struct out *o)
{
    static const char *const v4q[] = { "", "", "", "ip ", "ip ", "arp ", "rarp " };
    static const char *const v6q[] = { "", "ip6 ", "ip6 " };
    int six = CHANCE(o, 35);
    const char *a = six ? PICK(o, fg_v6) : PICK(o, fg_v4);
    if (!six && CHANCE(o, 3)) {
        put(o, "%s%s", PICK(o, dirs), a);   /* a bare address is a host */
    } else {
        const char *q = six ? PICK(o, v6q) : PICK(o, v4q);
        const char *d = PICK(o, dirs);
        put(o, "%s%shost %s", q, d, a);
    }
    /* A bare id inherits the qualifiers before it. */
    while (CHANCE(o, 25)) {
        static const char *const joins[] = { " or ", " and ", " or not ", " && ! " };
        const char *j = PICK(o, joins);
        int fam6 = CHANCE(o, 90) ? six : !six;   /* now and then the other family */
        put(o, "%s%s", j, fam6 ? PICK(o, fg_v6) : PICK(o, fg_v4));
    }
}

static void gen_ether(struct out *o)
{
    static const char *const ptypes[] = {
        "\\ip", "\\ip6", "\\arp", "\\rarp", "\\atalk", "\\aarp", "\\ipx", "\\decnet",
        "\\sca", "\\lat", "\\mopdl", "\\moprc", "\\netbeui", "\\iso", "\\stp",
        "0x88cc", "0x8100", "2048", "0x0800", "34525", "0x86dd", "0x05dc", "0x8864",
    };
    char mac[32];
    const char *d;
    switch (fg_below(o->r, 6)) {
    case 0:
    case 1:
        d = PICK(o, dirs);
        put(o, "ether %shost %s", d, mac_text(o, mac, sizeof(mac)));
        break;
    case 2:
        d = CHANCE(o, 50) ? "src" : "dst";
        put(o, "ether %s %s", d, mac_text(o, mac, sizeof(mac)));
        break;
    case 3:
        d = PICK(o, dirs);
        put(o, "link %shost %s", d, mac_text(o, mac, sizeof(mac)));
        break;
    default:
        put(o, "ether proto %s", PICK(o, ptypes));
        return;
    }
    if (CHANCE(o, 25))
        put(o, " or %s", mac_text(o, mac, sizeof(mac)));
}

static void gen_net(struct out *o)
{
    static const char *const nets[] = {
        "10.0.0.0/8", "10.0.0.0/24", "192.168.1.0/24", "192.168.0.0/16", "0.0.0.0/0",
        "224.0.0.0/4", "10.0.0.1/32", "10.0.0.1/8", "10", "10.0", "192.168.1", "172.16",
        "10.0.0.0 mask 255.0.0.0", "192.168.1.0 mask 255.255.255.0", "10.0.0.0 mask 255.255.0.0",
        "192.168.1.0 mask 255.0.255.0", "10.0.0.1/33", "255.255.255.255/32", "192.168.1.128/25",
    };
    static const char *const nets6[] = {
        "2001:db8::/32", "fe80::/10", "ff00::/8", "::/0", "2001:db8::1/128", "2001:db8:0:1::/64",
        "fe80::1/10", "2001:db8::/129",
    };
    int six = CHANCE(o, 30);
    const char *q = six ? (CHANCE(o, 50) ? "ip6 " : "") : CHANCE(o, 30) ? "ip " : CHANCE(o, 10) ? "arp " : "";
    const char *d = PICK(o, dirs);
    put(o, "%s%snet %s", q, d, six ? PICK(o, nets6) : PICK(o, nets));
}

static const char *const l4s[] = {
    "", "", "", "", "tcp ", "tcp ", "udp ", "udp ", "sctp ", "sctp ", "tcp ", "", "ip ",
};

/* A port for transport qualifier l4: names only where the services file
 * has them for TCP (libpcap refuses "udp port ssh": "port 'ssh' is tcp"). */
static const char *port_for(struct out *o, const char *l4)
{
    const char *p = PICK(o, fg_ports);
    if ((p[0] < '0' || p[0] > '9') && strcmp(l4, "udp ") == 0 && CHANCE(o, 90))
        return "53";
    return p;
}

static void gen_port(struct out *o)
{
    const char *l4 = PICK(o, l4s);
    const char *d = PICK(o, dirs);
    put(o, "%s%sport %s", l4, d, port_for(o, l4));
    while (CHANCE(o, 25)) {
        const char *j = CHANCE(o, 70) ? "or" : "and";
        put(o, " %s %s", j, port_for(o, l4));
    }
}

static void gen_portrange(struct out *o)
{
    static const char *const ranges[] = {
        "20-25", "80-80", "1000-8080", "8080-1000", "0-65535", "50-60", "4000-7000", "http-https",
        "ssh-domain", "0-0", "1-70000",
    };
    const char *l4 = PICK(o, l4s);
    const char *d = PICK(o, dirs);
    put(o, "%s%sportrange %s", l4, d, PICK(o, ranges));
}

static void gen_proto(struct out *o)
{
    static const char *const quals[] = { "ip ", "ip6 ", "", "ip ", "ether " };
    static const char *const protos[] = {
        "1", "6", "17", "132", "2", "50", "51", "47", "255", "0", "58", "\\tcp", "\\udp",
        "\\icmp", "\\sctp", "0x11", "017", "300", "\\ah",
    };
    const char *q = PICK(o, quals);
    put(o, "%sproto %s", q, PICK(o, protos));
}

static void gen_protochain(struct out *o)
{
    static const char *const quals[] = { "ip ", "ip6 ", "" };
    static const char *const protos[] = { "6", "17", "58", "44", "60", "0", "51", "132", "1", "\\tcp", "\\udp" };
    const char *q = PICK(o, quals);
    put(o, "%sprotochain %s", q, PICK(o, protos));
}

static void gen_keyword(struct out *o)
{
    static const char *const words[] = {
        "tcp", "udp", "icmp", "icmp6", "sctp", "igmp", "igrp", "pim", "vrrp", "carp", "ah",
        "esp", "ip", "ip6", "arp", "rarp", "atalk", "aarp", "decnet", "stp", "ipx", "netbeui",
        "lat", "moprc", "mopdl", "sca", "ip and tcp", "ip6 and udp", "tcp or udp", "ip6 and icmp6",
    };
    put(o, "%s", PICK(o, words));
}

static void gen_iso(struct out *o)
{
    static const char *const words[] = {
        "iso", "clnp", "esis", "isis", "l1", "l2", "iih", "lsp", "snp", "csnp", "psnp",
        "isis and l1", "iso and not isis", "es-is", "is-is",
    };
    put(o, "%s", PICK(o, words));
}

static void gen_llc(struct out *o)
{
    static const char *const words[] = {
        "llc", "llc i", "llc s", "llc u", "llc rr", "llc rnr", "llc rej", "llc ui", "llc ua",
        "llc disc", "llc sabme", "llc test", "llc xid", "llc frmr", "llc dm",
    };
    put(o, "%s", PICK(o, words));
}

static void gen_size(struct out *o)
{
    static const char *const ops[] = { "less ", "greater ", "len <= ", "len > ", "len == ", "len >= ", "len < " };
    static const char *const ns[] = { "0", "14", "42", "54", "60", "64", "100", "128", "1500", "0x40" };
    const char *op = PICK(o, ops);
    put(o, "%s%s", op, PICK(o, ns));
}

static void gen_bcast_mcast(struct out *o)
{
    static const char *const words[] = {
        "ether broadcast", "ether multicast", "broadcast", "multicast", "ip broadcast",
        "ip multicast", "ip6 multicast", "ip6 broadcast", "link broadcast", "link multicast",
    };
    put(o, "%s", PICK(o, words));
}

/* An arithmetic expression of pcap-filter(7): packet accessors, numbers in
 * three bases, len, the named constants, the ten operators, unary minus. */
static void gen_aexpr(struct out *o, int depth);

static void gen_accessor(struct out *o, int depth)
{
    static const char *const protos[] = {
        "ether", "link", "ip", "ip", "ip6", "tcp", "tcp", "udp", "icmp", "icmp6", "arp",
        "rarp", "sctp", "igmp", "pim", "vrrp", "igrp", "tcp", "udp", "ip",
    };
    static const char *const sizes[] = { "", "", ":1", ":2", ":2", ":4", ":4", "", ":1", ":2" };
    static const char *const named[] = {
        "tcpflags", "icmptype", "icmpcode", "icmp6type", "icmp6code",
    };
    const char *p = CHANCE(o, 2) ? "ah" : PICK(o, protos);
    put(o, "%s[", p);
    if (depth > 0 && CHANCE(o, 20))
        gen_aexpr(o, depth - 1);
    else if (CHANCE(o, 15))
        put(o, "%s", PICK(o, named));
    else
        put(o, "%u", fg_below(o->r, CHANCE(o, 80) ? 24 : 80));
    put(o, "%s]", PICK(o, sizes));
}

static void gen_operand(struct out *o, int depth)
{
    static const char *const consts[] = {
        "tcp-fin", "tcp-syn", "tcp-rst", "tcp-push", "tcp-ack", "tcp-urg", "tcp-ece", "tcp-cwr",
        "icmp-echo", "icmp-echoreply", "icmp-unreach", "icmp-timxceed", "icmp6-echo",
        "icmp6-echoreply", "icmp-sourcequench", "icmp-redirect", "icmp-maskreq",
    };
    static const char *const nums[] = {
        "0", "1", "2", "5", "0xf", "0x0fff", "0x1fff", "0xff", "0xffff", "0xffffffff", "8", "20",
        "64", "100", "255", "1500", "0x45", "017", "040", "4294967295", "0x80000000", "3", "16",
    };
    unsigned c = fg_below(o->r, 100);
    if (c < 45)
        gen_accessor(o, depth);
    else if (c < 75)
        put(o, "%s", PICK(o, nums));
    else if (c < 85)
        put(o, "%s", PICK(o, consts));
    else if (c < 90)
        put(o, "len");
    else if (c < 95 && depth > 0) {
        put(o, "(");
        gen_aexpr(o, depth - 1);
        put(o, ")");
    } else {
        put(o, "-");
        if (depth > 0)
            gen_operand(o, depth - 1);
        else
            put(o, "%s", PICK(o, nums));
    }
}

static void gen_aexpr(struct out *o, int depth)
{
    static const char *const ops[] = {
        "+", "-", "*", "/", "%", "&", "&", "|", "^", "<<", ">>",
    };
    gen_operand(o, depth);
    while (depth > 0 && CHANCE(o, 45)) {
        const char *op = PICK(o, ops);
        put(o, " %s ", op);
        if (op[0] == '<' || op[0] == '>') {
            /* Mostly in range; 32 and more now and then. */
            put(o, "%u", CHANCE(o, 92) ? fg_below(o->r, 32) : 32 + fg_below(o->r, 10));
        } else if ((op[0] == '/' || op[0] == '%') && CHANCE(o, 60)) {
            static const char *const divs[] = { "2", "3", "4", "16", "0", "1", "0xffffffff", "7" };
            put(o, "%s", PICK(o, divs));
        } else {
            gen_operand(o, depth - 1);
        }
        depth--;
    }
}

static void gen_arith(struct out *o)
{
    static const char *const rels[] = { "=", "==", "!=", "<", "<=", ">", ">=" };
    static const char *const idioms[] = {
        "tcp[tcpflags] & (tcp-syn|tcp-ack) != 0", "tcp[tcpflags] & tcp-syn != 0",
        "ip[0] & 0xf > 5", "icmp[icmptype] == icmp-echo", "ip[6:2] & 0x1fff = 0",
        "ip[4:2] & 0x0fff >= 100", "ip[4:2] & 0x0fff >= 0x0f00", "ip[2:2] > 576",
        "tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420", "ether[0] & 1 != 0",
        "ip[8] < 5", "udp[8:2] = 0x1234", "ip6[6] = 6", "ip[9] = 6 and ip[0] & 0xf = 5",
        "ip[0] & 0xffffffff = 0x45", "ip[0] | 0xffffffff = 0xffffffff", "len - 14 > 100",
        "ether[12:2] = 0x8100", "arp[6:2] = 1", "icmp6[icmp6type] = 128",
    };
    if (CHANCE(o, 25)) {
        put(o, "%s", PICK(o, idioms));
        return;
    }
    gen_aexpr(o, 2);
    put(o, " %s ", PICK(o, rels));
    gen_aexpr(o, 2);
}

static void gen_vlan(struct out *o)
{
    static const char *const ids[] = { "", "", " 1", " 10", " 100", " 4095", " 0", " 4096" };
    put(o, "vlan%s", PICK(o, ids));
}

static void gen_mpls(struct out *o)
{
    static const char *const ids[] = { "", "", " 16", " 17", " 100", " 1048575", " 0" };
    put(o, "mpls%s", PICK(o, ids));
}

static void gen_pppoe(struct out *o)
{
    static const char *const words[] = { "pppoed", "pppoes", "pppoes", "pppoes 1", "pppoes 0x1234", "pppoes 65536" };
    put(o, "%s", PICK(o, words));
}

static void gen_tunnel(struct out *o)
{
    static const char *const words[] = { "geneve", "geneve 5", "geneve 0x123456", "vxlan", "vxlan 5", "vxlan 0x123456" };
    put(o, "%s", PICK(o, words));
}

static void gen_decnet(struct out *o)
{
    static const char *const words[] = {
        "decnet host 1.2", "decnet src 10.5", "decnet dst 1.1023", "decnet host 63.1023",
        "decnet src host 1.1", "decnet host 64.1",
    };
    put(o, "%s", PICK(o, words));
}

/* Keywords of other link types: EN10MB must refuse them in both compilers. */
static void gen_other_link(struct out *o)
{
    static const char *const words[] = {
        "inbound", "outbound", "wlan host 00:11:22:33:44:55", "type mgt", "subtype beacon",
        "ifname eth0", "on eth0", "reason match", "vpi 1", "vci 5", "fisu", "lane", "oamf4",
        "dir tods", "ra 00:11:22:33:44:55", "action pass", "rnr 1", "rset main", "sio 3",
        "metac", "sls 1", "hsls 1",
    };
    put(o, "%s", PICK(o, words));
}

static void gen_bad_syntax(struct out *o)
{
    static const char *const bad[] = {
        "host", "tcp port", "ip[", "(tcp", "tcp)", "port 99999", "portrange 5-", "10.0.0.1.2",
        "ether host 00:11:22", "and", "not", "tcp and and udp", "ip[1:5] = 0", "tcp[0] =",
        "host 10.0.0.1 or", "= 5", "port -1", "net 10.0.0.0/", "ip proto", "ether proto \\foo",
        "ip6 host 10.0.0.1", "ip host fe80::1", "1 / 0 = 1", "ip[0] % 0 = 0", "!!", "()",
        "src", "less", "vlan vlan", "tcp[tcpflags & 1", "ip[0:2:2]", "0x",
    };
    put(o, "%s", PICK(o, bad));
}

typedef void (*prim_fn)(struct out *o);
static const prim_fn prim_gen[FG_NPRIM] = {
#define FG_FN(id, w) gen_##id,
    FG_PRIMITIVES(FG_FN)
#undef FG_FN
};

static void gen_term(struct out *o)
{
    unsigned total = 0, pick;
    for (int i = 0; i < FG_NPRIM; i++)
        total += prim_weight[i];
    pick = fg_below(o->r, total);
    for (int i = 0; i < FG_NPRIM; i++) {
        if (pick < prim_weight[i]) {
            o->used |= 1u << i;
            prim_gen[i](o);
            return;
        }
        pick -= prim_weight[i];
    }
}

static void gen_expr(struct out *o, int depth)
{
    unsigned c = fg_below(o->r, 100);
    if (depth <= 0 || c < 35) {
        gen_term(o);
    } else if (c < 57) {
        gen_expr(o, depth - 1);
        put(o, CHANCE(o, 80) ? " and " : " && ");
        gen_expr(o, depth - 1);
    } else if (c < 79) {
        gen_expr(o, depth - 1);
        put(o, CHANCE(o, 80) ? " or " : " || ");
        gen_expr(o, depth - 1);
    } else if (c < 89) {
        put(o, CHANCE(o, 80) ? "not " : "!");
        gen_expr(o, depth - 1);
    } else {
        put(o, "(");
        gen_expr(o, depth - 1);
        put(o, ")");
    }
}

void fg_expression(fg_rng *r, char *out, size_t cap, uint32_t *used)
{
    struct out o = { out, 0, cap, 0, r };
    out[0] = '\0';
    gen_expr(&o, 1 + (int)fg_below(r, 4));
    *used = o.used;
}
