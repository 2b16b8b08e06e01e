/* filter_verdicts.c - the accept/refuse oracle of filter_paren_shapes.py:
 * each expression read from stdin (one a line) compiled for DLT_EN10MB,
 * unoptimized, by capture_compile() and by libpcap's pcap_compile(); one
 * line out each: libcapture's verdict, libpcap's ("ok" or "ERR"), the
 * expression, libcapture's message, libpcap's, tab-separated.
 *   usage: filter_verdicts < EXPRESSIONS */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"

int main(void)
{
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
    char expr[4096];

    if (dead == NULL)
        return 2;
    while (fgets(expr, sizeof(expr), stdin) != NULL) {
        expr[strcspn(expr, "\n")] = '\0';
        struct bpf_program bp;
        int pcap_ok = pcap_compile(dead, &bp, expr, 0, 0xffffff00u) == 0;
        char err[CAPTURE_ERRBUF_SIZE] = "";
        capture_bpf *cp = capture_compile(CAPTURE_DLT_EN10MB, 262144, expr, 0, 0xffffff00u, err);
        printf("%s\t%s\t%s\t%s\t%s\n", cp != NULL ? "ok" : "ERR", pcap_ok ? "ok" : "ERR", expr, err,
               pcap_ok ? "" : pcap_geterr(dead));
        if (pcap_ok)
            pcap_freecode(&bp);
        capture_bpf_free(cp);
    }
    pcap_close(dead);
    return 0;
}
