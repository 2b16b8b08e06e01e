/* run_listing.c - runs a tcpdump -d listing (as the drop-in tcpdump printed it) over a savefile with libcapture, printing the return value on each packet, so the listing can be held to an apply vector's expected results. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>

#include "capture.h"

/* The whole of f as a string, or NULL. */
static char *slurp(const char *name)
{
    FILE *f = fopen(name, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, len = 0, got;
    char *s = malloc(cap);
    while (s != NULL && (got = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap) {
            char *t = realloc(s, cap *= 2);
            if (t == NULL)
                free(s);
            s = t;
        }
    }
    fclose(f);
    if (s != NULL)
        s[len] = '\0';
    return s;
}

int main(int argc, char **argv)
{
    char err[CAPTURE_ERRBUF_SIZE];
    if (argc != 3) {
        fprintf(stderr, "usage: run_listing LISTING SAVEFILE\n");
        return 2;
    }
    char *text = slurp(argv[1]);
    if (text == NULL) {
        fprintf(stderr, "run_listing: cannot read %s\n", argv[1]);
        return 1;
    }
    capture_bpf *prog = capture_bpf_assemble(text, err);
    free(text);
    if (prog == NULL) {
        fprintf(stderr, "run_listing: %s\n", err);
        return 1;
    }
    capture_reader *r = capture_open_offline(argv[2], err);
    if (r == NULL) {
        fprintf(stderr, "run_listing: %s\n", err);
        capture_bpf_free(prog);
        return 1;
    }
    capture_pkthdr h;
    const uint8_t *data;
    int got, rc = 0;
    const char *sep = "";
    while ((got = capture_next(r, &h, &data)) == 1) {
        printf("%s%u", sep, capture_bpf_filter_pkthdr(prog, &h, data));
        sep = " ";
    }
    printf("\n");
    if (got == CAPTURE_ERROR) {
        fprintf(stderr, "run_listing: %s\n", capture_geterr(r));
        rc = 1;
    }
    capture_close(r);
    capture_bpf_free(prog);
    return rc;
}
