/* pseudohdr.h - fixing up link-layer pseudo-headers that a savefile stores in
 * the writing host's byte order (shared by the pcap and pcapng sources). */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_PSEUDOHDR_H
#define LCAP_PSEUDOHDR_H

#include <stdint.h>

/* Non-zero when packets of this DLT carry host-order fields that must be
 * byte-swapped when the file came from a host of the other byte order. */
int lcap_dlt_has_host_order_fields(int dlt);

/* Byte-swaps, in place, the host-order fields of one packet of a file written
 * in the other byte order, as libpcap 1.10.3 does: Linux USB headers (48 and
 * 64 bytes, with isochronous descriptors), NFLOG TLV type/length, and the CAN
 * ID of SocketCAN frames inside LINUX_SLL / LINUX_SLL2. Only fields lying
 * wholly within caplen (and for NFLOG/SLL, len) are touched. */
void lcap_swap_pseudo_headers(int dlt, uint32_t caplen, uint32_t len, uint8_t *data);

#endif
