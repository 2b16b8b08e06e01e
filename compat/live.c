/* live.c - libcapture-pcap: live handles (pcap_create, the pcap_set_* options, pcap_activate with libpcap's codes, pcap_open_live) and pcap_init. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"

pcap_t *pcap_create(const char *device, char *errbuf)
{
    /* libpcap's NULL device is "any", every interface. */
    capture_reader *r = capture_create(device != NULL ? device : "any", errbuf);
    if (r == NULL)
        return NULL;
    pcap_t *p = lcap_pcap_wrap(r, PCAP_TSTAMP_PRECISION_MICRO);
    if (p == NULL) {
        if (errbuf != NULL)
            snprintf(errbuf, PCAP_ERRBUF_SIZE, "malloc: out of memory");
        return NULL;
    }
    p->activated = 0;
    p->kind = LCAP_PCAP_LIVE;
    return p;
}

/* libcapture's own options answer as libpcap's: 0, or PCAP_ERROR_ACTIVATED
 * once the handle is activated (and on savefiles and dead handles). */
static int option(pcap_t *p, int (*set)(capture_reader *, int), int value)
{
    if (p == NULL)
        return PCAP_ERROR;
    int rc = set(p->r, value);
    if (rc < 0 && rc != PCAP_ERROR_ACTIVATED)
        lcap_pcap_seterr(p);
    return rc;
}

int pcap_set_snaplen(pcap_t *p, int snaplen) { return option(p, capture_set_snaplen, snaplen); }
int pcap_set_promisc(pcap_t *p, int promisc) { return option(p, capture_set_promisc, promisc); }
int pcap_set_timeout(pcap_t *p, int to_ms) { return option(p, capture_set_timeout, to_ms); }
int pcap_set_immediate_mode(pcap_t *p, int on) { return option(p, capture_set_immediate_mode, on); }

int pcap_set_buffer_size(pcap_t *p, int bytes)
{
    if (p == NULL)
        return PCAP_ERROR;
    if (p->activated)
        return PCAP_ERROR_ACTIVATED;
    /* As libpcap, a size that is not positive is ignored. */
    return bytes > 0 ? option(p, capture_set_buffer_size, bytes) : 0;
}

int pcap_set_tstamp_precision(pcap_t *p, int precision)
{
    if (p == NULL)
        return PCAP_ERROR;
    if (p->activated)
        return PCAP_ERROR_ACTIVATED;
    if (precision != PCAP_TSTAMP_PRECISION_MICRO && precision != PCAP_TSTAMP_PRECISION_NANO)
        return PCAP_ERROR_TSTAMP_PRECISION_NOTSUP;
    int rc = option(p, capture_set_tstamp_precision, precision);
    if (rc == 0)
        p->precision = precision;
    return rc;
}

int pcap_set_protocol_linux(pcap_t *p, int protocol)
{
    if (p == NULL)
        return PCAP_ERROR;
    if (p->activated)
        return PCAP_ERROR_ACTIVATED;
    return option(p, capture_set_protocol, protocol);
}

int pcap_set_rfmon(pcap_t *p, int rfmon)
{
    if (p == NULL)
        return PCAP_ERROR;
    if (p->activated)
        return PCAP_ERROR_ACTIVATED;
    p->rfmon = rfmon != 0;
    return 0;
}

/* libcapture has no monitor mode: no device can be put in it (libpcap's answer for every non-Wi-Fi device). */
int pcap_can_set_rfmon(pcap_t *p)
{
    if (p == NULL)
        return PCAP_ERROR;
    if (p->kind == LCAP_PCAP_DEAD) {
        snprintf(p->errbuf, sizeof p->errbuf,
                 "Rfmon mode doesn't apply on a pcap_open_dead pcap_t");
        return PCAP_ERROR;
    }
    return 0;
}

int pcap_activate(pcap_t *p)
{
    if (p == NULL)
        return PCAP_ERROR;
    if (p->activated)
        return PCAP_ERROR_ACTIVATED;
    if (p->rfmon) {
        snprintf(p->errbuf, sizeof p->errbuf, "monitor mode is not supported on this device");
        return PCAP_ERROR_RFMON_NOTSUP;
    }
    int rc = capture_activate(p->r);
    if (rc != 0)
        lcap_pcap_seterr(p); /* the error, or the warning's text */
    if (rc >= 0)
        p->activated = 1;
    if (rc >= 0 && p->nonblock && capture_setnonblock(p->r, 1) < 0) {
        /* libpcap fails the activation then (and leaves the handle unactivated). */
        lcap_pcap_seterr(p);
        p->activated = 0;
        return PCAP_ERROR;
    }
    if (rc < 0 && p->errbuf[0] == '\0')
        snprintf(p->errbuf, sizeof p->errbuf, "%s", pcap_statustostr(rc));
    return rc;
}

/* An error text into errbuf, cut to PCAP_ERRBUF_SIZE. */
__attribute__((format(printf, 2, 3))) static void errf(char *errbuf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, PCAP_ERRBUF_SIZE, fmt, ap);
    va_end(ap);
}

pcap_t *pcap_open_live(const char *device, int snaplen, int promisc, int to_ms, char *errbuf)
{
    char local[PCAP_ERRBUF_SIZE];
    if (errbuf == NULL)
        errbuf = local;
    pcap_t *p = pcap_create(device, errbuf);
    if (p == NULL)
        return NULL;
    pcap_set_snaplen(p, snaplen);
    pcap_set_promisc(p, promisc);
    pcap_set_timeout(p, to_ms);
    int rc = pcap_activate(p);
    if (rc >= 0)
        return p;
    /* As libpcap words it: the device, then what failed (cut to fit). */
    const char *dev = device != NULL ? device : "any";
    if (rc == PCAP_ERROR)
        errf(errbuf, "%s: %s", dev, p->errbuf);
    else if (rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_PERM_DENIED ||
             rc == PCAP_ERROR_PROMISC_PERM_DENIED)
        errf(errbuf, "%s: %s (%s)", dev, pcap_statustostr(rc), p->errbuf);
    else
        errf(errbuf, "%s: %s", dev, pcap_statustostr(rc));
    pcap_close(p);
    return NULL;
}

/* pcap_init's state: called at all, and for UTF-8. */
static int initialized, utf_8;

int lcap_pcap_initialized(void)
{
    return initialized;
}

/* libpcap's rule: one character encoding per process, set by the first call. */
int pcap_init(unsigned int opts, char *errbuf)
{
    if (opts != PCAP_CHAR_ENC_LOCAL && opts != PCAP_CHAR_ENC_UTF_8) {
        if (errbuf != NULL)
            snprintf(errbuf, PCAP_ERRBUF_SIZE, "Unknown options specified");
        return PCAP_ERROR;
    }
    if (initialized && utf_8 != (opts == PCAP_CHAR_ENC_UTF_8)) {
        if (errbuf != NULL)
            snprintf(errbuf, PCAP_ERRBUF_SIZE, "Multiple pcap_init calls with different character encodings");
        return PCAP_ERROR;
    }
    utf_8 = opts == PCAP_CHAR_ENC_UTF_8;
    initialized = 1;
    return 0;
}

int pcap_bufsize(pcap_t *p)
{
    if (p == NULL)
        return PCAP_ERROR;
    int rc = lcap_pcap_check_activated(p);
    if (rc != 0)
        return rc;
    /* libpcap's: nothing for dead handles; a savefile's starts at the snapshot
     * length up to 2048 (it grows for bigger packets there, not here); a
     * live one's is its ring's frame size, here the snapshot length. */
    int snap = capture_snapshot(p->r);
    if (p->kind == LCAP_PCAP_DEAD)
        return 0;
    return p->kind == LCAP_PCAP_SAVEFILE && snap > 2048 ? 2048 : snap;
}
