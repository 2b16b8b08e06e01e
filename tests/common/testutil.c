/* testutil.c - the failure counter, sorted directory listing and test data paths shared by test programs. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int lcap_test_failures;

static int by_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int lcap_test_list_dir(const char *dir, char ***list, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t first = *n, cap = *n;
    int rc = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (*n == cap) {
            size_t want = cap < 128 ? 256 : cap * 2;
            char **grown = realloc(*list, want * sizeof(**list));
            if (grown == NULL) {
                rc = -1;
                break;
            }
            *list = grown;
            cap = want;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(len);
        if (path == NULL) {
            rc = -1;
            break;
        }
        snprintf(path, len, "%s/%s", dir, e->d_name);
        (*list)[(*n)++] = path;
    }
    closedir(d);
    /* Every path here shares the dir prefix, so this is the order of the names. */
    if (*n > first)
        qsort(*list + first, *n - first, sizeof(**list), by_path);
    return rc;
}

void lcap_test_free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

const char *lcap_test_data(char *out, size_t n, const char *rel)
{
    const char *root = getenv("LCAP_TESTDATA");
    struct stat st;

    if (root == NULL || root[0] == '\0') {
        fprintf(stderr, "LCAP_TESTDATA is not set: run the tests with meson test, or point it at tests/data\n");
        return NULL;
    }
    if ((size_t)snprintf(out, n, "%s/%s", root, rel) >= n) {
        fprintf(stderr, "test data path too long: %s/%s\n", root, rel);
        return NULL;
    }
    if (stat(out, &st) != 0) {
        fprintf(stderr, "missing test data: %s: %s\n", out, strerror(errno));
        return NULL;
    }
    return out;
}
