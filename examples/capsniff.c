/* capsniff.c - example: prints a savefile's packets one line each, like tcpdump -n -S, and can copy them to a new file.
 *
 * usage: capsniff -r FILE [-c COUNT] [-w OUT] [-F PROGRAM_FILE] [-e] [EXPR]
 *        capsniff -i IFACE [-c COUNT] [-s SNAPLEN] [-p] [-B BUFSIZE] [--immediate] [-w OUT] [-F PROGRAM_FILE] [-e] [EXPR]
 *        capsniff -D | -h | --version
 *
 * Times are printed as HH:MM:SS.uuuuuu in UTC (tcpdump uses local time; run it
 * with TZ=UTC to compare). Ethernet (802.1Q tags, 802.3 LLC/SNAP), BSD
 * loopback (NULL, LOOP), raw IP and Linux cooked (SLL, SLL2) frames are
 * decoded down to ARP / IPv4 / IPv6 / TCP (with its options) / UDP / SCTP /
 * ICMP / ICMPv6 / IGMP (print_*.c); other link types print their name and
 * length. Every field is read only after checking that the captured bytes
 * hold it: a hostile or truncated packet prints "[|proto]" instead.
 * -e adds the link-level header as tcpdump -e does: Ethernet's addresses,
 * EtherTypes and VLAN tags, BSD loopback's address family, Linux SLL's
 * direction and address, raw IP's "ip:". -w OUT also writes every packet shown to OUT ("-" is
 * standard output, and then nothing else is printed there). -F PROGRAM_FILE
 * keeps only the packets a BPF program accepts; the file holds the program as
 * tcpdump -d prints it (e.g. tcpdump -d -r FILE tcp > tcp.bpf), and -c counts
 * accepted packets. EXPR, the words after the options joined with spaces as
 * tcpdump joins them, is a filter expression compiled for the capture's link
 * type instead of -F (not both); one that does not compile exits 65 with the
 * compiler's message. Errors go to standard error; the exit status is 0 when
 * the whole file was read, 1 otherwise, 2 for a usage error (saying which
 * argument was refused and why). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "sniff.h"

/* What an option does with the command line; each returns 0, or -1 after
 * saying on stderr why its argument is refused. */
static int set_in(struct sniff_opts *o, const char *arg) { o->in = arg; return 0; }
static int set_out(struct sniff_opts *o, const char *arg) { o->out = arg; return 0; }
static int set_filter(struct sniff_opts *o, const char *arg) { o->filter_path = arg; return 0; }
static int set_link(struct sniff_opts *o, const char *arg) { (void)arg; o->link_header = 1; return 0; }
static int set_iface(struct sniff_opts *o, const char *arg) { o->iface = arg; return 0; }
static int set_no_promisc(struct sniff_opts *o, const char *arg) { (void)arg; o->no_promisc = 1; return 0; }
static int set_immediate(struct sniff_opts *o, const char *arg) { (void)arg; o->immediate = 1; return 0; }

/* A whole number in lo..hi for flag, or -1 after saying why. */
static int number(const char *flag, const char *arg, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(arg, &end, 10);
    if (errno != 0 || *end != '\0' || end == arg || n < lo || n > hi) {
        fprintf(stderr, "capsniff: %s needs a number from %ld to %ld, got '%s'\n", flag, lo, hi, arg);
        return -1;
    }
    *out = n;
    return 0;
}

static int set_snaplen(struct sniff_opts *o, const char *arg)
{
    long n;
    if (number("-s", arg, 0, 262144, &n) < 0)
        return -1;
    o->snaplen = (int)n;
    return 0;
}

static int set_buffer(struct sniff_opts *o, const char *arg)
{
    return number("-B", arg, 1, 1024 * 1024, &o->buffer_kib);
}

static int set_count(struct sniff_opts *o, const char *arg)
{
    char *end;
    errno = 0;
    long n = strtol(arg, &end, 10);
    if (errno != 0 || *end != '\0' || end == arg || n <= 0) {
        fprintf(stderr, "capsniff: -c needs a positive number, got '%s'\n", arg);
        return -1;
    }
    o->count = n;
    return 0;
}

/* The options: one row each; usage and parsing are generated from it. An
 * option with an argument name takes the next word (or the rest of "-cN"). */
enum action { RUN, HELP, VERSION, LIST };
static const struct option_row {
    const char *flag;     /* "-r", or a long "--name" */
    const char *arg_name; /* NULL: takes no argument */
    const char *help;
    int (*set)(struct sniff_opts *, const char *);
    enum action action;
    int required; /* RUN needs it; unbracketed in the synopsis */
} option_rows[] = {
    { "-r", "FILE", "read packets from FILE (a pcap or pcapng savefile, - for standard input)", set_in, RUN, 1 },
    { "-c", "COUNT", "stop after COUNT packets (counted after -F)", set_count, RUN, 0 },
    { "-w", "OUT", "also write the packets shown to the pcap file OUT (- for standard output)", set_out, RUN, 0 },
    { "-F", "PROGRAM_FILE", "keep only packets the BPF program accepts (a tcpdump -d listing)", set_filter, RUN, 0 },
    { "-e", NULL, "print the link-level header too, as tcpdump -e", set_link, RUN, 0 },
    { "-i", "IFACE", "capture live on interface IFACE instead of reading a file", set_iface, RUN, 0 },
    { "-s", "SNAPLEN", "with -i: keep at most SNAPLEN bytes of each packet (0: 262144)", set_snaplen, RUN, 0 },
    { "-p", NULL, "with -i: do not put the interface into promiscuous mode", set_no_promisc, RUN, 0 },
    { "-B", "BUFSIZE", "with -i: kernel capture buffer of BUFSIZE KiB", set_buffer, RUN, 0 },
    { "--immediate", NULL, "with -i: deliver each packet as it arrives", set_immediate, RUN, 0 },
    { "-D", NULL, "list the interfaces capsniff can capture on and exit", NULL, LIST, 0 },
    { "-h", NULL, "print this help and exit", NULL, HELP, 0 },
    { "--help", NULL, "print this help and exit", NULL, HELP, 0 },
    { "--version", NULL, "print capsniff's and libcapture's versions and exit", NULL, VERSION, 0 },
};
#define N_OPTIONS (sizeof option_rows / sizeof option_rows[0])

/* An option and its argument's name, as "-c COUNT". */
static const char *option_words(const struct option_row *row, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s%s", row->flag, row->arg_name ? " " : "", row->arg_name ? row->arg_name : "");
    return buf;
}

static void usage(FILE *f)
{
    char words[32];
    fprintf(f, "usage: capsniff");
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (option_rows[i].action == RUN)
            fprintf(f, option_rows[i].required ? " %s" : " [%s]",
                    option_words(&option_rows[i], words, sizeof words));
    fprintf(f, " [EXPR]\n       capsniff -D\n"
               "Prints each packet of FILE (or captured live with -i IFACE instead of -r) on one\n"
               "line, like TZ=UTC tcpdump -n -S; a live capture ends at COUNT or on SIGINT with\n"
               "tcpdump's statistics on standard error.\n");
    for (size_t i = 0; i < N_OPTIONS; i++)
        fprintf(f, "  %-16s %s\n", option_words(&option_rows[i], words, sizeof words), option_rows[i].help);
}

/* The row for word, and in *arg the argument glued to a short flag ("-c5"). */
static const struct option_row *find_option(const char *word, const char **arg)
{
    *arg = NULL;
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct option_row *row = &option_rows[i];
        size_t n = strlen(row->flag);
        if (strcmp(word, row->flag) == 0)
            return row;
        if (n == 2 && row->arg_name != NULL && strncmp(word, row->flag, 2) == 0) {
            *arg = word + 2;
            return row;
        }
    }
    return NULL;
}

/* Fills o from argv. Returns RUN, HELP or VERSION, or -1 after saying why on stderr. */
static int parse_args(int argc, char **argv, struct sniff_opts *o)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        const char *arg;
        const struct option_row *row = find_option(argv[i], &arg);
        if (row == NULL) {
            fprintf(stderr, "capsniff: unknown option '%s' (capsniff -h lists them)\n", argv[i]);
            return -1;
        }
        if (row->action != RUN)
            return (int)row->action;
        if (row->arg_name != NULL && arg == NULL) {
            if (i + 1 >= argc) {
                fprintf(stderr, "capsniff: %s needs %s\n", row->flag, row->arg_name);
                return -1;
            }
            arg = argv[++i];
        }
        if (row->set(o, arg) < 0)
            return -1;
    }
    if (i < argc) {
        /* The filter expression: the remaining words, joined. */
        static char expr[8192];
        size_t used = 0;
        for (; i < argc; i++) {
            int n = snprintf(expr + used, sizeof expr - used, "%s%s", used ? " " : "", argv[i]);
            if (n < 0 || (size_t)n >= sizeof expr - used) {
                fprintf(stderr, "capsniff: the filter expression is longer than %zu bytes\n", sizeof expr - 1);
                return -1;
            }
            used += (size_t)n;
        }
        o->expr = expr;
    }
    if (o->expr != NULL && o->filter_path != NULL) {
        fprintf(stderr, "capsniff: -F PROGRAM_FILE and a filter expression exclude each other: give one filter\n");
        return -1;
    }
    if ((o->in == NULL) == (o->iface == NULL)) {
        fprintf(stderr, "capsniff: %s\n", o->in == NULL ? "-r FILE is needed (or -i IFACE): what to read"
                                                          : "-r and -i exclude each other");
        return -1;
    }
    return RUN;
}

int main(int argc, char **argv)
{
    struct sniff_opts o = { .count = -1 };
    int action = parse_args(argc, argv, &o);
    if (action < 0) {
        usage(stderr);
        return 2;
    }
    if (action == HELP) {
        usage(stdout);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    if (action == LIST)
        return sniff_list_devices();
    if (action == VERSION) {
        printf("capsniff (libcapture example) with %s\n", capture_lib_version());
        return fflush(stdout) == 0 ? 0 : 1;
    }
    int status = sniff(&o);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "capsniff: writing the output failed: %s\n", strerror(errno));
        status = 1;
    }
    return status;
}
