/* errbuf.c - formatting of the one-line error messages every API call reports. */
#include "compat.h"
#include "capture.h"

void lcap_errf(char *errbuf, const char *fmt, ...)
{
    va_list ap;

    if (errbuf == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(errbuf, CAPTURE_ERRBUF_SIZE, fmt, ap);
    va_end(ap);
}
