/* pcapng.c - PLACEHOLDER until the pcapng reader lands. */
#include "../reader.h"
#include "stream.h"

int lcap_pcapng_open(capture_reader *r, struct lcap_stream *s, char *errbuf)
{
    (void)r;
    lcap_stream_close(s);
    lcap_errf(errbuf, "pcapng reader not built yet");
    return -1;
}
