/* capfilter.c - example: compiles a filter expression and prints the program (like libpcap's
 * filtertest), or runs it over a savefile and prints each packet's result.
 *
 * usage: capfilter [-l DLTNAME] [-s SNAPLEN] [-m NETMASK] [-O] [-d|-dd|-ddd] EXPR...
 *        capfilter -r FILE [-O] [-m NETMASK] EXPR...
 *
 * -l the link type by name (default EN10MB), -s the snapshot length (default
 * 262144), -m the netmask for "ip broadcast" (dotted quad), -O no optimizer,
 * -d/-dd/-ddd the format of tcpdump -d/-dd/-ddd (default -d). With -r FILE
 * the expression is compiled for the file's link type and snapshot length, as for a
 * savefile (capture_compile_savefile, as tcpdump -r), and
 * each packet's return value is printed on a line of its own. The words of
 * EXPR are joined with spaces. A bad expression exits 65 with the message on
 * standard error; other errors exit 1, usage errors 2. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"

static void usage(void)
{
    fprintf(stderr, "usage: capfilter [-l DLTNAME] [-s SNAPLEN] [-m NETMASK] [-O] [-d|-dd|-ddd] EXPR...\n"
                    "       capfilter -r FILE [-O] [-m NETMASK] EXPR...\n");
    exit(2);
}

static char *join(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i > 0)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

int main(int argc, char **argv)
{
    const char *dltname = "EN10MB", *file = NULL;
    int snaplen = 262144, optimize = 1, dflag = 0, c;
    uint32_t netmask = CAPTURE_NETMASK_UNKNOWN;
    char errbuf[CAPTURE_ERRBUF_SIZE];

    while ((c = getopt(argc, argv, "l:s:m:Odr:")) != -1) {
        switch (c) {
        case 'l': dltname = optarg; break;
        case 's': snaplen = atoi(optarg); break;
        case 'm': {
            struct in_addr a;
            if (inet_pton(AF_INET, optarg, &a) != 1) {
                fprintf(stderr, "capfilter: invalid netmask '%s'\n", optarg);
                return 2;
            }
            netmask = ntohl(a.s_addr);
            break;
        }
        case 'O': optimize = 0; break;
        case 'd': dflag++; break;
        case 'r': file = optarg; break;
        default: usage();
        }
    }
    if (dflag > 3)
        usage();
    char *expr = join(argc - optind, argv + optind);
    if (expr == NULL)
        return 1;
    capture_reader *r = NULL;
    int dlt;
    if (file != NULL) {
        if ((r = capture_open_offline(file, errbuf)) == NULL) {
            fprintf(stderr, "capfilter: %s\n", errbuf);
            free(expr);
            return 1;
        }
        dlt = capture_datalink(r);
        snaplen = capture_snapshot(r);
    } else if ((dlt = capture_datalink_name_to_val(dltname)) < 0) {
        fprintf(stderr, "capfilter: unknown link type '%s'\n", dltname);
        free(expr);
        return 2;
    }
    /* a savefile's packets as tcpdump -r filters them (other OSes' DLT_NULL values) */
    capture_bpf *prog = (r != NULL ? capture_compile_savefile : capture_compile)(dlt, snaplen, expr, optimize, netmask,
                                                                                errbuf);
    free(expr);
    if (prog == NULL) {
        fprintf(stderr, "capfilter: %s\n", errbuf);
        capture_close(r);
        return 65;
    }
    int rc = 0;
    if (r != NULL) {
        capture_pkthdr *h;
        capture_pkthdr hdr;
        const uint8_t *data;
        int got;
        h = &hdr;
        while ((got = capture_next(r, h, &data)) == 1)
            printf("%u\n", capture_bpf_filter(prog, data, h->len, h->caplen));
        if (got == CAPTURE_ERROR) {
            fprintf(stderr, "capfilter: %s\n", capture_geterr(r));
            rc = 1;
        }
        capture_close(r);
    } else {
        char *text = capture_bpf_image(prog, dflag == 0 ? CAPTURE_BPF_IMAGE_TEXT : dflag);
        if (text == NULL) {
            fprintf(stderr, "capfilter: out of memory\n");
            rc = 1;
        } else {
            fputs(text, stdout);
            free(text);
        }
    }
    capture_bpf_free(prog);
    return rc;
}
