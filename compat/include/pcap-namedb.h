/* pcap-namedb.h - libcapture-pcap: the traditional top-level name for pcap/namedb.h. */
#include <pcap/namedb.h>
