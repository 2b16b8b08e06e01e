/* savefile.h - opening a savefile: each format is a row of savefile.c's probe
 * table, with the test of its first bytes and its source's open. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_SAVEFILE_H
#define LCAP_SAVEFILE_H

#include <stdint.h>

#include "../reader.h"
#include "stream.h"

/* Bytes every probe is given: the longest magic number. */
#define LCAP_SAVEFILE_PROBE_LEN 4

/* Opens filename ("-": standard input) as the format its first bytes name and
 * makes r read it. 0, or -1 with errbuf (never NULL) naming the file. */
int lcap_savefile_open(capture_reader *r, const char *filename, char *errbuf);
/* As lcap_savefile_open() over an open descriptor that stays the caller's (fd < 0: by name). */
int lcap_savefile_open_fd(capture_reader *r, int fd, const char *filename, char *errbuf);

/* The formats. probe: non-zero when the first LCAP_SAVEFILE_PROBE_LEN bytes
 * are this format's. open: given the stream at the file's first byte, sets
 * r->ops, r->src and the link facts; on success the source owns the stream,
 * on failure (-1, errbuf set) the caller still does. */
int lcap_pcap_probe(const uint8_t *first);
int lcap_pcap_open(capture_reader *r, lcap_stream *s, char *errbuf);
int lcap_pcapng_probe(const uint8_t *first);
int lcap_pcapng_open(capture_reader *r, lcap_stream *s, char *errbuf);

#endif
