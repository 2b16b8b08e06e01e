/* capsniff_sweep.c - runs the capsniff example's packet printer over every shared capture in one process,
 * so the sanitizers check all of them quickly (one process start instead of hundreds).
 *
 * usage: capsniff_sweep [file...]  (default: every file of $LCAP_SHARED/captures).
 * Output goes to /dev/null; exit 0 when every file was read to its end or ended
 * with capsniff's clean error status 1. */
#define CAPSNIFF_NO_MAIN
#include "../../examples/capsniff.c"

#include <dirent.h>

static int by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

int main(int argc, char **argv)
{
    int files = 0, clean = 0, errors = 0, bad = 0;
    char **names = NULL;
    size_t n = 0, cap = 0;
    char dir[4096] = "";

    if (argc > 1) {
        names = argv + 1;
        n = (size_t)(argc - 1);
    } else {
        const char *shared = getenv("LCAP_SHARED");
        if (shared == NULL) {
            fprintf(stderr, "LCAP_SHARED is not set\n");
            return 1;
        }
        snprintf(dir, sizeof dir, "%s/captures/", shared);
        DIR *dp = opendir(dir);
        if (dp == NULL) {
            fprintf(stderr, "%s: cannot list\n", dir);
            return 1;
        }
        struct dirent *e;
        while ((e = readdir(dp)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                char **grown = realloc(names, cap * sizeof(*names));
                if (grown == NULL)
                    return 1;
                names = grown;
            }
            names[n++] = strdup(e->d_name);
        }
        closedir(dp);
        qsort(names, n, sizeof(*names), by_name);
    }
    if (freopen("/dev/null", "w", stdout) == NULL)
        return 1;
    for (size_t i = 0; i < n; i++) {
        char path[8192];
        snprintf(path, sizeof path, "%s%s", dir, names[i]);
        int rc = sniff(path, -1, NULL, NULL);
        files++;
        if (rc == 0)
            clean++;
        else if (rc == 1)
            errors++;
        else
            bad++;
    }
    if (argc <= 1) {
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
    }
    fprintf(stderr, "capsniff_sweep: %d files, %d read to the end, %d clean errors, %d bad statuses\n",
            files, clean, errors, bad);
    return bad == 0 && (argc > 1 || files > 800) ? 0 : 1;
}
