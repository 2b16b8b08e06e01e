/* pcap.h - libcapture-pcap: the traditional top-level name for pcap/pcap.h. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <pcap/pcap.h>
