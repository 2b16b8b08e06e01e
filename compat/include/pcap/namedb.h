/* pcap/namedb.h - libcapture-pcap: name-database constants; no pcap_nameto* function is provided yet. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIBCAPTURE_PCAP_NAMEDB_H
#define LIBCAPTURE_PCAP_NAMEDB_H

#include <pcap/pcap.h>

/* Returned by the lookup functions for an unknown protocol or port. */
#define PROTO_UNDEF -1

#endif
