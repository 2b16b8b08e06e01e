/* pcap.c - PLACEHOLDER until the pcap reader lands. */
#include "../reader.h"
#include "stream.h"

int lcap_pcap_open(capture_reader *r, struct lcap_stream *s, char *errbuf)
{
    (void)r;
    lcap_stream_close(s);
    lcap_errf(errbuf, "pcap reader not built yet");
    return -1;
}
