/* dumper.c - PLACEHOLDER until the pcap writer lands. */
#include "../reader.h"
capture_dumper *capture_dump_open(capture_reader *r, const char *filename)
{
    lcap_errf(r->errbuf, "%s: writer not built yet", filename);
    return NULL;
}
