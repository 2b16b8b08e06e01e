/* pcap-namedb.h - libcapture-pcap: the traditional top-level name for pcap/namedb.h. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <pcap/namedb.h>
