/* savefile.c - the savefile formats as a probe table: the first bytes of a
 * file choose the source that opens it. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "savefile.h"

static const struct savefile_format {
    const char *name;
    int (*probe)(const uint8_t *first);
    int (*open)(capture_reader *r, lcap_stream *s, char *errbuf);
} formats[] = {
    { "pcap", lcap_pcap_probe, lcap_pcap_open },
    { "pcapng", lcap_pcapng_probe, lcap_pcapng_open },
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

/* "neither pcap nor pcapng" for an unknown magic number, from the table. */
static void unknown_format(char *errbuf, const uint8_t *p)
{
    char names[128] = "";
    size_t at = 0;

    for (size_t i = 0; i < NFORMATS && at < sizeof(names); i++)
        at += (size_t)snprintf(names + at, sizeof(names) - at, "%s%s",
                               i == 0 ? "" : i + 1 == NFORMATS ? " nor " : ", ", formats[i].name);
    lcap_errf(errbuf, "unknown file format (magic number 0x%02x%02x%02x%02x is neither %s)",
              p[0], p[1], p[2], p[3], names);
}

int lcap_savefile_open(capture_reader *r, const char *filename, char *errbuf)
{
    return lcap_savefile_open_fd(r, -1, filename, errbuf);
}

int lcap_savefile_open_fd(capture_reader *r, int fd, const char *filename, char *errbuf)
{
    lcap_stream s;
    size_t avail = 0;
    int rc = -1;

    if (lcap_stream_open_fd(&s, fd, filename, errbuf) < 0)
        return -1;
    const uint8_t *p = lcap_stream_need(&s, LCAP_SAVEFILE_PROBE_LEN, &avail);
    if (p == NULL) {
        if (lcap_stream_ended(&s, avail))
            lcap_errf(errbuf, "the file is empty");
        else
            lcap_stream_short(&s, errbuf, "savefile magic number", 0, "%zu of its %d bytes present",
                              avail, LCAP_SAVEFILE_PROBE_LEN);
    } else {
        size_t i = 0;
        while (i < NFORMATS && !formats[i].probe(p))
            i++;
        if (i < NFORMATS)
            rc = formats[i].open(r, &s, errbuf);
        else
            unknown_format(errbuf, p);
    }
    if (rc < 0) {
        lcap_stream_name_error(&s, errbuf);
        lcap_stream_close(&s);
        return -1;
    }
    return 0;
}
