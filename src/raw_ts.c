/* raw_ts.c - capture_raw_ts(): a pcap record's timestamp fields as the file has them, for libpcap's view (compat/). */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "capture.h"
#include "reader.h"

int capture_raw_ts(capture_reader *r, const capture_pkthdr *hdr, uint32_t *sec, uint32_t *frac)
{
    if (r == NULL || hdr == NULL)
        return 0;
    int hit = r->raw_ts_set && r->raw_ts_key_sec == hdr->ts_sec && r->raw_ts_key_nsec == hdr->ts_nsec;
    /* Taken or stale (a packet the filter dropped): either way it is spent. */
    r->raw_ts_set = 0;
    if (!hit)
        return 0;
    if (sec != NULL)
        *sec = r->raw_ts_sec;
    if (frac != NULL)
        *frac = r->raw_ts_frac;
    return 1;
}
