/* live_ops.c - libcapture-pcap: what is done with a live handle (statistics, direction, sending, descriptors, non-blocking mode), with libpcap's answers for savefiles and dead handles. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "handle.h"

/* PCAP_ERROR_NOT_ACTIVATED, or PCAP_ERROR for a NULL handle; 0 to go on. */
static int usable(pcap_t *p)
{
    return p == NULL ? PCAP_ERROR : lcap_pcap_check_activated(p);
}

/* libcapture's failure as libpcap reports it: PCAP_ERROR with the text. */
static int failed(pcap_t *p)
{
    lcap_pcap_seterr(p);
    return PCAP_ERROR;
}

int pcap_stats(pcap_t *p, struct pcap_stat *ps)
{
    capture_stat st;
    int rc = usable(p);
    if (rc != 0 || ps == NULL)
        return rc != 0 ? rc : PCAP_ERROR;
    if (capture_stats(p->r, &st) < 0)
        return failed(p);
    /* libpcap's counters are 32 bits and wrap. */
    ps->ps_recv = (unsigned int)st.recv;
    ps->ps_drop = (unsigned int)st.drop;
    ps->ps_ifdrop = (unsigned int)st.ifdrop;
    return 0;
}

int pcap_setdirection(pcap_t *p, pcap_direction_t d)
{
    int rc = usable(p);
    if (rc != 0)
        return rc;
    if (d != PCAP_D_IN && d != PCAP_D_OUT && d != PCAP_D_INOUT) {
        snprintf(p->errbuf, sizeof p->errbuf, "Invalid direction");
        return PCAP_ERROR;
    }
    return capture_setdirection(p->r, (int)d) < 0 ? failed(p) : 0;
}

int pcap_inject(pcap_t *p, const void *buf, size_t size)
{
    int rc = usable(p);
    if (rc != 0)
        return rc;
    if (size > INT_MAX) {
        snprintf(p->errbuf, sizeof p->errbuf, "More than %d bytes cannot be injected", INT_MAX);
        return PCAP_ERROR;
    }
    if (size == 0) {
        snprintf(p->errbuf, sizeof p->errbuf, "The number of bytes to be injected must not be zero");
        return PCAP_ERROR;
    }
    return capture_sendpacket(p->r, buf, size) < 0 ? failed(p) : (int)size;
}

/* libpcap 1.10 answers 0 on a handle not yet activated (its check looks for
 * -1 only); here that is an error, as nothing was sent. */
int pcap_sendpacket(pcap_t *p, const unsigned char *buf, int size)
{
    if (p == NULL)
        return PCAP_ERROR;
    if (size <= 0) {
        snprintf(p->errbuf, sizeof p->errbuf, "The number of bytes to be sent must be positive");
        return PCAP_ERROR;
    }
    return pcap_inject(p, buf, (size_t)size) == size ? 0 : PCAP_ERROR;
}

int pcap_get_selectable_fd(pcap_t *p)
{
    if (p == NULL || !p->activated)
        return PCAP_ERROR;
    if (p->kind == LCAP_PCAP_SAVEFILE)
        return p->rfile != NULL ? fileno(p->rfile) : PCAP_ERROR;
    return capture_getfd(p->r); /* -1 for dead handles (libpcap 1.10 says 0, standard input's) */
}

/* select() and poll() on a libcapture descriptor wake for every packet and
 * at the read timeout: no timeout is required. */
const struct timeval *pcap_get_required_select_timeout(pcap_t *p)
{
    (void)p;
    return NULL;
}

int pcap_getnonblock(pcap_t *p, char *errbuf)
{
    int rc = usable(p);
    if (rc != 0)
        return rc;
    if (p->kind == LCAP_PCAP_DEAD) {
        snprintf(p->errbuf, sizeof p->errbuf, "A pcap_open_dead pcap_t does not have a non-blocking mode setting");
        rc = PCAP_ERROR;
    } else {
        rc = capture_getnonblock(p->r);
        if (rc < 0)
            lcap_pcap_seterr(p);
    }
    if (rc < 0 && errbuf != NULL)
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", p->errbuf);
    return rc < 0 ? PCAP_ERROR : rc;
}

int pcap_setnonblock(pcap_t *p, int nonblock, char *errbuf)
{
    if (p != NULL && p->kind == LCAP_PCAP_LIVE && !p->activated) {
        /* As libpcap: remembered, and pcap_activate puts the handle in that mode. */
        p->nonblock = nonblock != 0;
        return 0;
    }
    int rc = usable(p);
    if (rc != 0)
        return rc;
    if (p->kind == LCAP_PCAP_SAVEFILE) {
        snprintf(p->errbuf, sizeof p->errbuf, "Savefiles cannot be put into non-blocking mode");
        rc = PCAP_ERROR;
    } else if (p->kind == LCAP_PCAP_DEAD) {
        snprintf(p->errbuf, sizeof p->errbuf, "A pcap_open_dead pcap_t does not have a non-blocking mode setting");
        rc = PCAP_ERROR;
    } else if (capture_setnonblock(p->r, nonblock) < 0) {
        lcap_pcap_seterr(p);
        rc = PCAP_ERROR;
    }
    if (rc < 0 && errbuf != NULL)
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", p->errbuf);
    return rc;
}
