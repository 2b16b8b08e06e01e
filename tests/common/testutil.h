/* testutil.h - helpers shared by the test programs: a failure counter, directory listing and test data paths. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_TESTUTIL_H
#define LCAP_TESTUTIL_H

#include <stddef.h>
#include <stdio.h>

/* Mismatches reported with FAIL so far; a test exits non-zero when it is not 0. */
extern int lcap_test_failures;

/* Reports one mismatch (printf-style, one line on stderr) and counts it. */
#define FAIL(...)                         \
    do {                                  \
        fprintf(stderr, __VA_ARGS__);     \
        fputc('\n', stderr);              \
        lcap_test_failures++;             \
    } while (0)

/* Appends "dir/name" for every entry of dir whose name does not start with '.',
 * sorted by name so runs are repeatable, to the malloc'd array *list of *n paths
 * (each malloc'd). Returns 0, or -1 when dir cannot be listed or memory runs out
 * (*list and *n then still hold what was added before). Prints nothing. */
int lcap_test_list_dir(const char *dir, char ***list, size_t *n);

/* Frees the n paths of list and list itself. */
void lcap_test_free_list(char **list, size_t n);

/* Puts "$LCAP_TESTDATA/rel" in out (n bytes): the test data (tests/data) that
 * meson test points LCAP_TESTDATA at. Returns out, or NULL after one line on
 * stderr naming what is missing: the variable, or the file or directory. */
const char *lcap_test_data(char *out, size_t n, const char *rel);

#endif
