/* linux_link.h - the link layer of the native Linux source: which DLTs an
 * interface type offers, and the headers libpcap builds in front of packets
 * of a cooked (SOCK_DGRAM) socket. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_LINUX_LINK_H
#define LCAP_LINUX_LINK_H

#include <linux/if_packet.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of the DLT_LINUX_SLL and DLT_LINUX_SLL2 headers. */
#define LCAP_SLL_LEN 16
#define LCAP_SLL2_LEN 20

/* What an interface offers: its DLTs (the first is the default), whether
 * its packets come cooked (no link-layer header: the "any" device), and
 * whether it is loopback (each packet passes twice, out and in). */
typedef struct lcap_linux_link {
    unsigned short arphrd;
    int ndlt;
    int dlt[2];
    int cooked;
    int loopback;
} lcap_linux_link;

/* The row of an ARPHRD_* type; NULL when libcapture knows no DLT for it. */
const lcap_linux_link *lcap_linux_link_of(unsigned short arphrd);
/* The row of the "any" device. */
extern const lcap_linux_link lcap_linux_link_any;
/* The name libpcap gives the device that captures on every interface. */
#define LCAP_LINUX_ANY "any"

/* How packets of a DLT are delivered: the length of the header built in
 * front of a cooked packet (0: none), and where a VLAN tag the kernel took
 * out goes back (the offset of the type field; -1: it is not put back). */
typedef struct lcap_linux_shape {
    int cooked_len;
    int vlan_offset;
} lcap_linux_shape;
lcap_linux_shape lcap_linux_shape_of(int dlt);

/* Writes the cooked header of DLT dlt (cooked_len bytes) at at, from what
 * the kernel says of the packet. */
void lcap_linux_cooked_header(uint8_t *at, int dlt, const struct sockaddr_ll *sll);

/* Rewrites a program compiled for cooked packets of DLT dlt (n
 * instructions, in place) for the kernel, which runs it over the packet
 * without that header: loads past the header move back by its length, and
 * those of the header fields the kernel knows become its ancillary loads
 * (SLL: packet type, protocol; SLL2: also the interface index), as libpcap
 * rewrites them. 0, or -1 when a load reads another part of the header (the
 * program must then run in userland). */
struct capture_insn;
int lcap_linux_cooked_program(struct capture_insn *insns, size_t n, int dlt);

#endif
