/* filter_gen_pools.h - the addresses, MACs and ports both generators draw
 * from, so expressions and packets meet often enough to match. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_FILTER_GEN_POOLS_H
#define LCAP_FILTER_GEN_POOLS_H

#include <stdint.h>

static const char *const fg_v4[] = {
    "10.0.0.1", "10.0.0.2", "192.168.1.1", "192.168.1.255", "224.0.0.5",
    "255.255.255.255", "10.1.2.3", "172.16.0.9",
};
static const char *const fg_v6[] = {
    "fe80::1", "2001:db8::1", "2001:db8::2", "ff02::1", "::1", "2001:db8:0:1::5",
};
#define FG_NMACS 5
static const uint8_t fg_macs[FG_NMACS][6] = {
    { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
    { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x05 }, { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },
    { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 },
};
/* Names here are in every services file (ssh 22, domain 53, http/www 80). */
static const char *const fg_ports[] = {
    "22", "53", "80", "443", "1024", "4789", "6081", "8080", "0", "65535", "http", "domain", "ssh", "www",
};
static const uint16_t fg_port_nums[] = { 22, 53, 80, 443, 1024, 4789, 6081, 8080, 0, 65535, 20, 25, 5000, 60 };

#endif
