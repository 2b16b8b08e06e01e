/* sniff.c - capsniff's run: opens the savefile, installs the -F program or the expression, prints each packet and copies it with -w. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "print.h"
#include "sniff.h"

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

int sniff(const struct sniff_opts *o)
{
    char err[CAPTURE_ERRBUF_SIZE];
    capture_reader *r = o->iface != NULL ? sniff_open_live(o) : capture_open_offline(o->in, err);
    if (r == NULL) {
        if (o->iface == NULL)
            fprintf(stderr, "capsniff: %s\n", err);
        return 1;
    }
    if (o->filter_path != NULL && install_filter(r, o->filter_path) < 0) {
        capture_close(r);
        return 1;
    }
    /* A live capture's expression is installed by sniff_open_live. */
    if (o->iface == NULL && o->expr != NULL && capture_setfilter(r, o->expr) != 0) {
        fprintf(stderr, "capsniff: filter: %s\n", capture_geterr(r));
        capture_close(r);
        return SNIFF_BAD_FILTER;
    }
    capture_dumper *d = NULL;
    if (o->out != NULL) {
        d = capture_dump_open(r, o->out);
        if (d == NULL) {
            fprintf(stderr, "capsniff: %s\n", capture_geterr(r));
            capture_close(r);
            return 1;
        }
    }
    int show = o->out == NULL || strcmp(o->out, "-") != 0;
    struct print_opts po = { .link_header = o->link_header, .snaplen = capture_snapshot(r) };
    int dlt = capture_datalink(r), status = 0;
    capture_pkthdr h;
    const uint8_t *data;
    long n = 0;
    for (; o->count < 0 || n < o->count; n++) {
        int rc = capture_next(r, &h, &data);
        if (rc == 0 && o->iface != NULL) { /* a read timeout is not an error */
            n--;
            continue;
        }
        if (rc == CAPTURE_EOF) /* also CAPTURE_ERROR_BREAK: SIGINT on a live capture */
            break;
        if (rc != 1) {
            fflush(stdout);
            fprintf(stderr, "capsniff: %s\n", capture_geterr(r));
            status = 1;
            break;
        }
        if (show)
            print_packet(&po, dlt, &h, data);
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
    if (o->iface != NULL)
        sniff_close_live(r, n);
    capture_close(r);
    return status;
}
