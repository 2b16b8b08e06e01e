/* reader_ops.c - the reader calls that reach a source's optional operations;
 * one message for every operation a source leaves NULL. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>

#include "reader.h"

int lcap_reader_unsupported(capture_reader *r, const char *what)
{
    lcap_errf(r->errbuf, "%s: not available from a %s%s", what, r->ops->kind,
              r->is_savefile ? " savefile" : "");
    return CAPTURE_ERROR;
}

int lcap_reader_activated(capture_reader *r)
{
    if (r == NULL) /* capture.h's NULL rule */
        return CAPTURE_ERROR;
    if (!r->activated) {
        lcap_errf(r->errbuf, "this capture handle has not been activated (call capture_activate first)");
        return CAPTURE_ERROR_NOT_ACTIVATED;
    }
    return 0;
}

int capture_stats(capture_reader *r, capture_stat *st)
{
    int rc = lcap_reader_activated(r);
    if (rc != 0)
        return rc;
    if (r->ops->stats == NULL)
        return lcap_reader_unsupported(r, "statistics");
    if (st == NULL) {
        lcap_errf(r->errbuf, "capture_stats needs somewhere to put the counters (NULL given)");
        return CAPTURE_ERROR;
    }
    return r->ops->stats(r, st);
}

int capture_getfd(capture_reader *r)
{
    if (lcap_reader_activated(r) != 0)
        return -1;
    if (r->ops->getfd == NULL) {
        lcap_reader_unsupported(r, "a selectable descriptor");
        return -1;
    }
    return r->ops->getfd(r);
}

/* Savefiles and dead handles report 0 and ignore the setting (documented). */
int capture_getnonblock(capture_reader *r)
{
    int rc = lcap_reader_activated(r);
    if (rc != 0)
        return rc;
    return r->ops->getnonblock != NULL ? r->ops->getnonblock(r) : 0;
}

int capture_setnonblock(capture_reader *r, int nonblock)
{
    int rc = lcap_reader_activated(r);
    if (rc != 0)
        return rc;
    return r->ops->setnonblock != NULL ? r->ops->setnonblock(r, nonblock != 0) : 0;
}

int capture_setdirection(capture_reader *r, int direction)
{
    int rc = lcap_reader_activated(r);
    if (rc != 0)
        return rc;
    if (direction != CAPTURE_D_INOUT && direction != CAPTURE_D_IN && direction != CAPTURE_D_OUT) {
        lcap_errf(r->errbuf, "%d is not a direction (CAPTURE_D_INOUT, _IN or _OUT)", direction);
        return CAPTURE_ERROR;
    }
    if (r->ops->setdirection == NULL)
        return lcap_reader_unsupported(r, "choosing the direction");
    return r->ops->setdirection(r, direction);
}

int capture_sendpacket(capture_reader *r, const uint8_t *buf, size_t len)
{
    int rc = lcap_reader_activated(r);
    if (rc != 0)
        return rc;
    if (r->ops->inject == NULL)
        return lcap_reader_unsupported(r, "sending packets");
    if (buf == NULL) {
        lcap_errf(r->errbuf, "capture_sendpacket needs the bytes to send (NULL given)");
        return CAPTURE_ERROR;
    }
    return r->ops->inject(r, buf, len);
}

int capture_list_datalinks(capture_reader *r, int **dlts)
{
    int rc = lcap_reader_activated(r);
    if (rc != 0)
        return rc;
    if (dlts == NULL) {
        lcap_errf(r->errbuf, "capture_list_datalinks needs somewhere to put the list (NULL given)");
        return CAPTURE_ERROR;
    }
    if (r->ops->datalinks != NULL)
        return r->ops->datalinks(r, dlts);
    /* Savefiles and dead handles: their one link type, as libpcap says. */
    *dlts = malloc(sizeof(**dlts));
    if (*dlts == NULL) {
        lcap_errf(r->errbuf, "out of memory for the link-type list");
        return CAPTURE_ERROR;
    }
    (*dlts)[0] = r->linktype;
    return 1;
}

void capture_free_datalinks(int *dlts) { free(dlts); }

int capture_set_datalink(capture_reader *r, int dlt)
{
    int *dlts, offered = 0;
    int n = capture_list_datalinks(r, &dlts);
    if (n < 0)
        return n;
    for (int i = 0; i < n; i++)
        offered |= dlts[i] == dlt;
    free(dlts);
    if (!offered) {
        const char *name = capture_datalink_val_to_name(dlt);
        if (name != NULL)
            lcap_errf(r->errbuf, "%s is not one of the DLTs supported by this device", name);
        else
            lcap_errf(r->errbuf, "DLT %d is not one of the DLTs supported by this device", dlt);
        return CAPTURE_ERROR;
    }
    if (dlt == r->linktype)
        return 0;
    if (r->ops->set_datalink == NULL)
        return lcap_reader_unsupported(r, "changing the link type");
    return r->ops->set_datalink(r, dlt);
}

uint32_t capture_getnet(capture_reader *r) { return r ? r->net : 0; }
uint32_t capture_getmask(capture_reader *r) { return r ? r->netmask : 0; }
