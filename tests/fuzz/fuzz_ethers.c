/* fuzz_ethers.c - libFuzzer harness for the /etc/ethers line parser: every
 * line of the input is parsed in a buffer of exactly its length, and a parsed
 * entry must name a host that lies inside the line and holds no blank. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(const uint8_t *p, size_t len)
{
    /* A copy of exactly len bytes, so any read past the line is caught. */
    char *line = malloc(len ? len : 1);
    if (line == NULL)
        return;
    memcpy(line, p, len);
    uint8_t mac[6];
    const char *host = NULL;
    size_t hostlen = 0;
    int rc = lcap_names_ethers_line(line, len, mac, &host, &hostlen);
    if (rc < -1 || rc > 1)
        abort();
    if (rc == 1) {
        if (hostlen == 0 || host < line || host + hostlen > line + len)
            abort();
        for (size_t i = 0; i < hostlen; i++)
            if (host[i] == ' ' || host[i] == '\t' || host[i] == '#')
                abort();
    }
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i == size || data[i] == '\n') {
            one_line(data + start, i - start);
            start = i + 1;
        }
    }
    return 0;
}
