/* errbuf.c - formatting of the one-line error messages every API call reports. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "compat.h"
#include "capture.h"

#include <string.h>

const char lcap_null_handle_msg[] = "no handle given (NULL)";

void lcap_errf(char *errbuf, const char *fmt, ...)
{
    va_list ap;

    if (errbuf == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(errbuf, CAPTURE_ERRBUF_SIZE, fmt, ap);
    va_end(ap);
}

/* strerror_r() is POSIX's (returns int, text in buf) or GNU's (returns the
 * text, maybe static); the type of its result picks the reading below, so
 * neither needs a feature test. */
static inline const char *strerror_posix(int rc, char *buf, int err)
{
    if (rc != 0 || buf[0] == '\0')
        snprintf(buf, LCAP_STRERROR_LEN, "error %d", err);
    return buf;
}

static inline const char *strerror_gnu(const char *text, char *buf, int err)
{
    (void)buf;
    (void)err;
    return text;
}

const char *lcap_strerror(int err, char *buf)
{
    buf[0] = '\0';
    return _Generic(strerror_r(err, buf, LCAP_STRERROR_LEN),
                    int: strerror_posix,
                    default: strerror_gnu)(strerror_r(err, buf, LCAP_STRERROR_LEN), buf, err);
}
