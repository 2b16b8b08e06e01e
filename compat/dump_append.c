/* dump_append.c - libcapture-pcap: pcap_dump_open_append, with libpcap's rules for what may be appended to. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "handle.h"

/* What an existing file's magic number says about appending to it. */
static const struct {
    uint32_t magic;
    const char *refusal; /* NULL: ours, if the precision matches */
} magics[] = {
    { LCAP_PCAP_MAGIC_USEC, NULL },
    { LCAP_PCAP_MAGIC_NSEC, NULL },
    { 0xd4c3b2a1u, "different byte order, cannot append to file" },
    { 0x4d3cb2a1u, "different byte order, cannot append to file" },
    { 0xa1b2cd34u, "not a pcap file to which we can append" }, /* Kuznetzov's */
    { 0x34cdb2a1u, "not a pcap file to which we can append" },
    { 0xa12b3c4du, "not a pcap file to which we can append" }, /* Navtel's */
    { 0x4d3c2ba1u, "not a pcap file to which we can append" },
};

/* Why the header have (of a file that has one) does not suit the dumper want would write; NULL if it does. */
static const char *mismatch(const struct pcap_file_header *have, const struct pcap_file_header *want)
{
    size_t i = 0;
    while (i < sizeof magics / sizeof magics[0] && magics[i].magic != have->magic)
        i++;
    if (i == sizeof magics / sizeof magics[0])
        return "not a pcap file"; /* pcapng among them */
    if (magics[i].refusal != NULL)
        return magics[i].refusal;
    if (have->magic != want->magic)
        return "different time stamp precision, cannot append to file";
    if (have->version_major != want->version_major || have->version_minor != want->version_minor)
        return "version mismatch, cannot append to file";
    if (have->linktype != want->linktype)
        return "different linktype, cannot append to file";
    if (have->snaplen != want->snaplen)
        return "different snaplen, cannot append to file";
    return NULL;
}

pcap_dumper_t *pcap_dump_open_append(pcap_t *p, const char *fname)
{
    if (p == NULL)
        return NULL;
    if (capture_dlt_to_linktype(capture_datalink(p->r)) < 0) {
        snprintf(p->errbuf, sizeof p->errbuf, "%s: link-type %d isn't supported in savefiles",
                 fname != NULL ? fname : "(null)", capture_datalink(p->r));
        return NULL;
    }
    if (fname == NULL) {
        snprintf(p->errbuf, sizeof p->errbuf, "A null pointer was supplied as the file name");
        return NULL;
    }
    if (strcmp(fname, "-") == 0) /* nothing to read back: a new file on standard output */
        return pcap_dump_fopen(p, stdout);
    FILE *fp = fopen(fname, "ab+");
    if (fp == NULL) {
        snprintf(p->errbuf, sizeof p->errbuf, "%s: %s", fname, strerror(errno));
        return NULL;
    }
    struct pcap_file_header want, have;
    lcap_pcap_file_header(p, &want);
    const char *why = NULL;
    size_t got = fseek(fp, 0, SEEK_SET) == 0 ? fread(&have, 1, sizeof have, fp) : 0;
    if (ferror(fp))
        why = strerror(errno);
    else if (got > 0 && got < sizeof have)
        why = "truncated pcap file header";
    else if (got == sizeof have)
        why = mismatch(&have, &want);
    else if (fwrite(&want, sizeof want, 1, fp) != 1) /* an empty file gets a header */
        why = "can't write the savefile header";
    /* Append mode writes at the end whatever the position; seek there so ftell counts from it. */
    if (why == NULL && fseek(fp, 0, SEEK_END) != 0)
        why = strerror(errno);
    pcap_dumper_t *pd = why == NULL ? lcap_pcap_dump_wrap(fp, 1) : NULL;
    if (why == NULL && pd == NULL)
        why = "out of memory";
    if (pd == NULL) {
        snprintf(p->errbuf, sizeof p->errbuf, "%s: %s", fname, why);
        fclose(fp);
    }
    return pd;
}
