/* livenet.c - the live tests' namespace, veth pairs and frame building. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "livenet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint8_t cap_mac[6], peer_mac[6];

int livenet_run(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0) {
        fprintf(stderr, "livenet: command failed (%d): %s\n", rc, cmd);
        return -1;
    }
    return 0;
}

static int mac_of(const char *ifname, uint8_t mac[6])
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    int rc = s >= 0 ? ioctl(s, SIOCGIFHWADDR, &ifr) : -1;
    if (s >= 0)
        close(s);
    if (rc != 0)
        return -1;
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    return 0;
}

int livenet_setup(void)
{
    if (unshare(CLONE_NEWNET) != 0) {
        fprintf(stderr, "livenet: unshare(CLONE_NEWNET): %s\n", strerror(errno));
        return -1;
    }
    FILE *f = fopen("/proc/sys/net/ipv6/conf/default/disable_ipv6", "w");
    if (f != NULL) {
        fputs("1", f);
        fclose(f);
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "ip link set lo up && ip link add %s type veth peer name %s && "
             "ip link add %s type veth peer name lv3 && "
             "ip link set %s mtu %d && ip link set %s mtu %d && ip link set %s up && ip link set %s up",
             LIVE_IF, LIVE_PEER, LIVE_DOWN, LIVE_IF, LIVE_MTU, LIVE_PEER, LIVE_MTU, LIVE_IF, LIVE_PEER);
    if (livenet_run(cmd) < 0)
        return -1;
    return mac_of(LIVE_IF, cap_mac) < 0 || mac_of(LIVE_PEER, peer_mac) < 0 ? -1 : 0;
}

static uint16_t ip_checksum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

size_t livenet_payload_size(uint32_t seq)
{
    /* Every size from 1 to 9000 comes up (7919 is prime to 9000). */
    return 1 + (size_t)((seq * 7919u) % 9000u);
}

size_t livenet_frame(uint8_t *b, uint32_t seq, size_t payload, uint16_t dst_port)
{
    size_t ip_len = 20 + 8 + payload;
    memcpy(b, cap_mac, 6);
    memcpy(b + 6, peer_mac, 6);
    b[12] = 0x08;
    b[13] = 0x00;
    uint8_t *ip = b + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(ip_len >> 8);
    ip[3] = (uint8_t)ip_len;
    ip[4] = (uint8_t)(seq >> 8); /* identification: the sequence number */
    ip[5] = (uint8_t)seq;
    ip[8] = 64;
    ip[9] = 17; /* UDP */
    memcpy(ip + 12, (uint8_t[]){ 10, 9, 0, 2 }, 4);
    memcpy(ip + 16, (uint8_t[]){ 10, 9, 0, 1 }, 4);
    uint16_t sum = ip_checksum(ip, 20);
    ip[10] = (uint8_t)(sum >> 8);
    ip[11] = (uint8_t)sum;
    uint8_t *udp = ip + 20;
    uint16_t sport = (uint16_t)(10000 + (seq >> 16));
    udp[0] = (uint8_t)(sport >> 8);
    udp[1] = (uint8_t)sport;
    udp[2] = (uint8_t)(dst_port >> 8);
    udp[3] = (uint8_t)dst_port;
    udp[4] = (uint8_t)((8 + payload) >> 8);
    udp[5] = (uint8_t)(8 + payload);
    udp[6] = udp[7] = 0; /* no checksum */
    for (size_t i = 0; i < payload; i++)
        udp[8 + i] = (uint8_t)(seq * 131u + i * 17u + (seq >> 8));
    return 14 + ip_len;
}

int livenet_socket(const char *ifname)
{
    int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (s < 0)
        return -1;
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                               .sll_ifindex = (int)if_nametoindex(ifname) };
    if (bind(s, (struct sockaddr *)&sll, sizeof sll) < 0) {
        close(s);
        return -1;
    }
    return s;
}

int livenet_send(int sock, const uint8_t *frame, size_t len)
{
    for (;;) {
        ssize_t n = send(sock, frame, len, 0);
        if (n == (ssize_t)len)
            return 0;
        if (n < 0 && errno == ENOBUFS) { /* the device queue is full: let it drain */
            usleep(100);
            continue;
        }
        fprintf(stderr, "livenet: send of %zu bytes: %s\n", len, n < 0 ? strerror(errno) : "short");
        return -1;
    }
}

int64_t livenet_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
