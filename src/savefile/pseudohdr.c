/* pseudohdr.c - byte-swapping of host-order pseudo-header fields in packets
 * read from a savefile written on a host of the other byte order. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "pseudohdr.h"

#include <stddef.h>

#include "../compat.h"
#include "capture.h"

/* SLL protocol values that announce a SocketCAN header with a host-order ID. */
#define SLL_P_CAN   0x000c
#define SLL_P_CANFD 0x000d


static void swap_at(uint8_t *p, unsigned width)
{
    for (unsigned i = 0; i < width / 2; i++) {
        uint8_t t = p[i];
        p[i] = p[width - 1 - i];
        p[width - 1 - i] = t;
    }
}

/* The multi-byte fields of the Linux USB header (pcap/usb.h), in file order.
 * Swapping stops at the first field not wholly captured. */
static const struct usb_field {
    uint8_t off, width;
    uint8_t iso_only;    /* only meaningful for isochronous transfers */
    uint8_t mmapped_only;/* only in the 64-byte header */
} usb_fields[] = {
    { 0, 8, 0, 0 },  /* URB id */
    { 12, 2, 0, 0 }, /* bus id */
    { 16, 8, 0, 0 }, /* ts_sec */
    { 24, 4, 0, 0 }, /* ts_usec */
    { 28, 4, 0, 0 }, /* status */
    { 32, 4, 0, 0 }, /* urb_len */
    { 36, 4, 0, 0 }, /* data_len */
    { 40, 4, 1, 0 }, /* iso error_count (else the setup packet, bytes as sent) */
    { 44, 4, 1, 0 }, /* iso numdesc */
    { 48, 4, 0, 1 }, /* interval */
    { 52, 4, 0, 1 }, /* start_frame */
    { 56, 4, 0, 1 }, /* xfer_flags */
    { 60, 4, 0, 1 }, /* ndesc */
};

#define USB_TRANSFER_TYPE_OFF 9
#define USB_ISOCHRONOUS 0
#define USB_MMAPPED_HDR_LEN 64
#define USB_ISODESC_LEN 16 /* status, offset, len (host order), padding */

static void swap_usb(uint32_t caplen, uint8_t *d, int mmapped)
{
    int iso = 0;

    for (size_t i = 0; i < sizeof(usb_fields) / sizeof(usb_fields[0]); i++) {
        const struct usb_field *f = &usb_fields[i];
        if (f->mmapped_only && !mmapped)
            return;
        if (caplen < (uint32_t)f->off + f->width)
            return;
        if (f->off == 40) /* the header through data_len is present */
            iso = d[USB_TRANSFER_TYPE_OFF] == USB_ISOCHRONOUS;
        if (f->iso_only && !iso)
            continue;
        swap_at(d + f->off, f->width);
    }
    if (!iso)
        return;
    /* The descriptors that follow the 64-byte header, as many as ndesc says
     * and the captured bytes hold. */
    uint32_t ndesc = lcap_rd32(d + 60, 0);
    uint64_t off = USB_MMAPPED_HDR_LEN;
    for (uint32_t n = 0; n < ndesc; n++, off += USB_ISODESC_LEN) {
        for (unsigned k = 0; k < 3; k++) {
            if (caplen < off + 4 * k + 4)
                return;
            swap_at(d + off + 4 * k, 4);
        }
    }
}

/* NFLOG: a 4-byte big-endian header, then TLVs whose 16-bit length and type
 * are in host order; each TLV is padded to a multiple of 4 bytes. */
static void swap_nflog(uint32_t caplen, uint32_t len, uint8_t *d)
{
    if (caplen < 4 || len < 4 || d[1] != 0) /* too short, or not version 0 */
        return;
    caplen -= 4;
    len -= 4;
    d += 4;
    while (caplen >= 4) {
        swap_at(d, 2);
        swap_at(d + 2, 2);
        uint16_t size = lcap_rd16(d, 0);
        if (size % 4 != 0)
            size = (uint16_t)(size + 4 - size % 4); /* wraps to 0 near 65535: stop */
        if (size < 4 || caplen < size || len < size)
            return;
        caplen -= size;
        len -= size;
        d += size;
    }
}

/* A SocketCAN frame behind an SLL header: its 32-bit CAN ID is in host order. */
static void swap_sll_can(uint32_t caplen, uint32_t len, uint8_t *d, uint32_t proto_off,
                         uint32_t hdr_len)
{
    if (caplen < hdr_len || len < hdr_len)
        return;
    uint16_t proto = lcap_be16(d + proto_off);
    if (proto != SLL_P_CAN && proto != SLL_P_CANFD)
        return;
    if (caplen < hdr_len + 4 || len < hdr_len + 4)
        return;
    swap_at(d + hdr_len, 4);
}

static void swap_usb_48(uint32_t caplen, uint32_t len, uint8_t *d)
{
    (void)len;
    swap_usb(caplen, d, 0);
}

static void swap_usb_64(uint32_t caplen, uint32_t len, uint8_t *d)
{
    (void)len;
    swap_usb(caplen, d, 1);
}

static void swap_sll(uint32_t caplen, uint32_t len, uint8_t *d)
{
    swap_sll_can(caplen, len, d, 14, 16);
}

static void swap_sll2(uint32_t caplen, uint32_t len, uint8_t *d)
{
    swap_sll_can(caplen, len, d, 0, 20);
}

/* The DLTs whose packets carry host-order fields, and the fix for each. */
static const struct {
    int dlt;
    void (*fix)(uint32_t caplen, uint32_t len, uint8_t *data);
} fixes[] = {
    { CAPTURE_DLT_LINUX_SLL, swap_sll },
    { CAPTURE_DLT_LINUX_SLL2, swap_sll2 },
    { CAPTURE_DLT_USB_LINUX, swap_usb_48 },
    { CAPTURE_DLT_USB_LINUX_MMAPPED, swap_usb_64 },
    { CAPTURE_DLT_NFLOG, swap_nflog },
};

#define NFIXES (sizeof(fixes) / sizeof(fixes[0]))

int lcap_dlt_has_host_order_fields(int dlt)
{
    for (size_t i = 0; i < NFIXES; i++)
        if (fixes[i].dlt == dlt)
            return 1;
    return 0;
}

void lcap_swap_pseudo_headers(int dlt, uint32_t caplen, uint32_t len, uint8_t *data)
{
    for (size_t i = 0; i < NFIXES; i++)
        if (fixes[i].dlt == dlt) {
            fixes[i].fix(caplen, len, data);
            return;
        }
}
