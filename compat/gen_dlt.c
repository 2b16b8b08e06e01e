/* gen_dlt.c - build-time generator of pcap/dlt.h from libcapture's DLT table (src/dlt.c), so there is one list. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>

/* Included whole so that its alias table and range constants, static there, are seen here. */
#include "dlt.c"

/* Beyond the largest DLT value any OS assigns. */
#define GEN_DLT_MAX 1024

int main(void)
{
    printf("/* pcap/dlt.h - libcapture-pcap: DLT_* values, generated at build time from libcapture's table for this OS. */\n"
           "#ifndef LIBCAPTURE_PCAP_DLT_H\n#define LIBCAPTURE_PCAP_DLT_H\n\n");
    for (int v = 0; v < GEN_DLT_MAX; v++) {
        const char *name = capture_datalink_val_to_name(v);
        if (name != NULL)
            printf("#define DLT_%s %d\n", name, v);
    }
    for (size_t i = 0; i < NELEMS(dlt_aliases); i++)
        printf("#define DLT_%s %d\n", dlt_aliases[i].name, dlt_aliases[i].dlt);
    printf("#define DLT_MATCHING_MIN %d\n#define DLT_MATCHING_MAX %d\n", LCAP_MATCHING_MIN,
           LCAP_MATCHING_MAX);
    printf("\n#endif\n");
    return 0;
}
