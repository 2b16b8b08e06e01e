/* sniff_live.c - capsniff's live side: -D's interface list, opening -i with its
 * options, SIGINT as a break, and tcpdump's three statistics lines. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "sniff.h"

/* The reader SIGINT breaks; capture_breakloop is async-signal-safe. */
static capture_reader *volatile interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    capture_reader *r = interrupted;
    if (r != NULL)
        capture_breakloop(r);
}

int sniff_list_devices(void)
{
    char err[CAPTURE_ERRBUF_SIZE];
    char **names;
    int n = capture_findalldevs(&names, err);
    if (n < 0) {
        fprintf(stderr, "capsniff: %s\n", err);
        return 1;
    }
    for (int i = 0; i < n; i++)
        printf("%d.%s\n", i + 1, names[i]);
    capture_freealldevs(names);
    return 0;
}

capture_reader *sniff_open_live(const struct sniff_opts *o)
{
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = capture_create(o->iface, err);
    if (r == NULL) {
        fprintf(stderr, "capsniff: %s\n", err);
        return NULL;
    }
    capture_set_snaplen(r, o->snaplen);
    capture_set_promisc(r, !o->no_promisc);
    /* A timeout keeps output flowing on a quiet link, as tcpdump's 1 s does. */
    capture_set_timeout(r, 1000);
    if (o->buffer_kib > 0)
        capture_set_buffer_size(r, (int)(o->buffer_kib * 1024));
    capture_set_immediate_mode(r, o->immediate);
    int rc = capture_activate(r);
    if (rc < 0) {
        fprintf(stderr, "capsniff: %s\n", capture_geterr(r));
        capture_close(r);
        return NULL;
    }
    if (rc > 0)
        fprintf(stderr, "capsniff: warning: %s\n", capture_geterr(r));
    if (o->expr != NULL && capture_setfilter(r, o->expr) != 0) {
        fprintf(stderr, "capsniff: %s\n", capture_geterr(r));
        capture_close(r);
        return NULL;
    }
    fprintf(stderr, "capsniff: listening on %s, link-type %s, snapshot length %d bytes\n", o->iface,
            capture_datalink_val_to_name(capture_datalink(r)) ? capture_datalink_val_to_name(capture_datalink(r)) : "?",
            capture_snapshot(r));

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    interrupted = r;
    sigaction(SIGINT, &sa, NULL); /* no SA_RESTART: a blocked read returns */
    sigaction(SIGTERM, &sa, NULL);
    return r;
}

static void count_line(unsigned long long n, const char *what)
{
    fprintf(stderr, "%llu packet%s %s\n", n, n == 1 ? "" : "s", what);
}

void sniff_close_live(capture_reader *r, long shown)
{
    capture_stat st;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    interrupted = NULL;
    count_line((unsigned long long)shown, "captured");
    if (capture_stats(r, &st) == 0) {
        count_line(st.recv, "received by filter");
        count_line(st.drop, "dropped by kernel");
        if (st.ifdrop != 0)
            count_line(st.ifdrop, "dropped by interface");
    } else {
        fprintf(stderr, "capsniff: %s\n", capture_geterr(r));
    }
}
