/* replay_main.c - runs a fuzz harness over files and directories of inputs
 * without libFuzzer, so any compiler can replay seeds and regressions. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Larger inputs are not interesting and would only slow the replay. */
#define REPLAY_MAX_INPUT (64u * 1024u * 1024u)

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    uint8_t *buf;

    if (f == NULL || fstat(fileno(f), &st) != 0 || (uint64_t)st.st_size > REPLAY_MAX_INPUT) {
        fprintf(stderr, "replay: cannot use %s\n", path);
        if (f)
            fclose(f);
        return -1;
    }
    buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
    if (buf == NULL || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)st.st_size);
    free(buf);
    return 0;
}

/* Every regular file directly in dir, in name order so runs are repeatable. */
static int replay_dir(const char *dir, long *count)
{
    char **paths = NULL;
    size_t n = 0;
    int rc = 0;

    if (lcap_test_list_dir(dir, &paths, &n) < 0) {
        fprintf(stderr, "replay: cannot open directory %s\n", dir);
        lcap_test_free_list(paths, n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (rc == 0 && stat(paths[i], &st) == 0 && S_ISREG(st.st_mode)) {
            if (replay_file(paths[i]) < 0)
                rc = -1;
            else
                (*count)++;
        }
    }
    lcap_test_free_list(paths, n);
    return rc;
}

int main(int argc, char **argv)
{
    long count = 0;
    int rc = 0;

    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s does not exist\n", argv[i]);
            rc = 1;
        } else if (S_ISDIR(st.st_mode)) {
            if (replay_dir(argv[i], &count) < 0)
                rc = 1;
        } else if (replay_file(argv[i]) < 0) {
            rc = 1;
        } else {
            count++;
        }
    }
    printf("replayed %ld inputs\n", count);
    if (count == 0) {
        fprintf(stderr, "replay: no inputs given\n");
        rc = 1;
    }
    return rc;
}
