/* livenet.h - the live tests' private network: a namespace with veth pairs,
 * frames built and sent on the far end, and what the capture end must see. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_LIVENET_H
#define LCAP_LIVENET_H

#include <stddef.h>
#include <stdint.h>

#define LIVE_IF "lv0"   /* captured on */
#define LIVE_PEER "lv1" /* frames are sent from here, and arrive on LIVE_IF */
#define LIVE_DOWN "lv2" /* left down */
#define LIVE_MTU 9100   /* room for 9000 bytes of UDP payload */
#define LIVE_MAX_FRAME (14 + 20 + 8 + 9000)

/* Enters a new network namespace with the veth pairs up (LIVE_DOWN's down),
 * IPv6 off and no addresses, so nothing but the test's frames cross them. */
int livenet_setup(void);
/* Runs a shell command; 0 or -1 (said on stderr). */
int livenet_run(const char *cmd);

/* The Ethernet/IPv4/UDP frame number `seq` with `payload` bytes, made
 * distinct by seq (IP id, ports, payload pattern); its length. */
size_t livenet_frame(uint8_t *buf, uint32_t seq, size_t payload, uint16_t dst_port);
/* The UDP payload size of frame seq in the 10,000-frame run: 1..9000. */
size_t livenet_payload_size(uint32_t seq);

/* A packet socket bound to ifname for sending and receiving raw frames. */
int livenet_socket(const char *ifname);
/* Sends one frame on sock; 0 or -1. */
int livenet_send(int sock, const uint8_t *frame, size_t len);

/* Wall-clock nanoseconds (the clock capture timestamps use). */
int64_t livenet_now_ns(void);

#endif
