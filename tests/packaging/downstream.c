/* downstream.c - a program built outside the tree with pkg-config alone: counts a savefile's packets. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <capture.h>
#include <stdio.h>

static void count(void *user, const capture_pkthdr *h, const uint8_t *data)
{
    (void)h;
    (void)data;
    ++*(long *)user;
}

int main(int argc, char **argv)
{
    char err[CAPTURE_ERRBUF_SIZE];
    long n = 0;

    if (argc != 2)
        return 2;
    capture_reader *r = capture_open_offline(argv[1], err);
    if (r == NULL) {
        fprintf(stderr, "downstream: %s\n", err);
        return 1;
    }
    if (capture_loop(r, -1, count, &n) != 0) {
        fprintf(stderr, "downstream: %s\n", capture_geterr(r));
        return 1;
    }
    printf("%s %s %ld\n", capture_lib_version(), capture_datalink_val_to_name(capture_datalink(r)), n);
    capture_close(r);
    return 0;
}
