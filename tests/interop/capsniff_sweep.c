/* capsniff_sweep.c - runs the capsniff example's packet printer over every test capture in one process,
 * so the sanitizers check all of them quickly (one process start instead of hundreds).
 *
 * usage: capsniff_sweep [file...]  (default: every file of $LCAP_TESTDATA/captures).
 * Output goes to /dev/null; exit 0 when every file was read to its end or ended
 * with capsniff's clean error status 1. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>

#include "sniff.h"
#include "testutil.h"

int main(int argc, char **argv)
{
    int files = 0, clean = 0, errors = 0, bad = 0;
    char **paths = NULL;
    size_t n = 0;

    if (argc > 1) {
        paths = argv + 1;
        n = (size_t)(argc - 1);
    } else {
        char dir[4096];
        if (lcap_test_data(dir, sizeof dir, "captures") == NULL)
            return 1;
        if (lcap_test_list_dir(dir, &paths, &n) < 0) {
            fprintf(stderr, "%s: cannot list\n", dir);
            lcap_test_free_list(paths, n);
            return 1;
        }
    }
    if (freopen("/dev/null", "w", stdout) == NULL)
        return 1;
    for (size_t i = 0; i < n; i++) {
        /* Both forms of every line: plain and with -e's link-level header. */
        struct sniff_opts o = { .in = paths[i], .count = -1 };
        int rc = sniff(&o);
        o.link_header = 1;
        if (sniff(&o) != rc)
            bad++;
        files++;
        if (rc == 0)
            clean++;
        else if (rc == 1)
            errors++;
        else
            bad++;
    }
    if (argc <= 1)
        lcap_test_free_list(paths, n);
    fprintf(stderr, "capsniff_sweep: %d files, %d read to the end, %d clean errors, %d bad statuses\n",
            files, clean, errors, bad);
    return bad == 0 && (argc > 1 || files > 800) ? 0 : 1;
}
