/* pcap/pcap-inttypes.h - libcapture-pcap: the fixed-width integer types and their printf formats, as libpcap's header of this name provides them (tcpdump includes it when present). */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIBCAPTURE_PCAP_INTTYPES_H
#define LIBCAPTURE_PCAP_INTTYPES_H

/* C99 and later have them all: this header only keeps the name. */
#include <inttypes.h>
#include <stdint.h>

#endif
