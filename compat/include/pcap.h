/* pcap.h - libcapture-pcap: the traditional top-level name for pcap/pcap.h. */
#include <pcap/pcap.h>
