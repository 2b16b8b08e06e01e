/* dlt.h - DLT names and the LINKTYPE (file) <-> DLT (API) mapping. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_DLT_H
#define LCAP_DLT_H

#include <stdint.h>

/* The DLT a savefile LINKTYPE value stands for (most are equal). */
int lcap_linktype_to_dlt(int linktype);
/* The LINKTYPE a savefile must carry for a DLT; -1 if the DLT has none. */
int lcap_dlt_to_linktype(int dlt);
/* The largest snapshot length that makes sense for a DLT, as libpcap bounds it
 * (262144 for most; larger for D-Bus, USB and EBHSCR). */
uint32_t lcap_max_snaplen_for_dlt(int dlt);

#endif
