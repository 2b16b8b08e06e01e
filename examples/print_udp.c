/* print_udp.c - capsniff's UDP, SCTP, DCCP and ESP lines: ports, UDP's payload length, SCTP's first chunk, DCCP's packet type, ESP's SPI. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>

#include "print.h"

void print_udp(const struct ipinfo *ip, struct view v)
{
    if (v.cap < 4) {
        print_ip_head(ip);
        printf(" [|udp]\n");
        return;
    }
    print_ip_ports(ip, be16(v.p), be16(v.p + 2));
    if (v.cap < 8) {
        printf(" [|udp]\n");
        return;
    }
    uint32_t ulen = be16(v.p + 4);
    if (ulen == 0 && ip->jumbo)
        ulen = ip->paylen;
    if (ulen < 8)
        printf("truncated-udplength %u\n", ulen);
    else if (ip->paylen < 8 || ulen - 8 > ip->paylen - 8)
        printf("UDP, bad length %u > %u\n", ulen - 8, ip->paylen >= 8 ? ip->paylen - 8 : 0);
    else
        printf("UDP, length %u\n", ulen - 8);
}

/* Chunk types, by tcpdump's short names. */
static const struct name chunks[] = {
    { 0, "DATA" }, { 1, "INIT" }, { 2, "INIT ACK" }, { 3, "SACK" }, { 4, "HB REQ" },
    { 5, "HB ACK" }, { 6, "ABORT" }, { 7, "SHUTDOWN" }, { 8, "SHUTDOWN ACK" }, { 9, "OP ERR" },
    { 10, "COOKIE ECHO" }, { 11, "COOKIE ACK" }, { 12, "ECN ECHO" }, { 13, "ECN CWR" },
    { 14, "SHUTDOWN COMPLETE" }, { 0, NULL },
};

/* ForCES's SCTP ports and the priority tcpdump tags them with. */
static const struct name forces_ports[] = {
    { 6704, "[ForCES HP]" }, { 6705, "[ForCES MP]" }, { 6706, "[ForCES LP]" }, { 0, NULL },
};

void print_sctp(const struct ipinfo *ip, struct view v)
{
    if (v.cap < 4) {
        print_ip_head(ip);
        printf("[|sctp]\n");
        return;
    }
    uint16_t sport = be16(v.p), dport = be16(v.p + 2);
    print_ip_ports(ip, sport, dport);
    const char *forces = name_of(forces_ports, sport);
    if (forces == NULL)
        forces = name_of(forces_ports, dport);
    printf("sctp%s", forces != NULL ? forces : "");
    if (v.cap < 12 + 4) {
        printf(" [|sctp]\n");
        return;
    }
    const char *name = name_of(chunks, v.p[12]);
    if (name != NULL)
        printf(" (1) [%s]\n", name);
    else
        printf(" (1)\n");
}

/* DCCP packet types, by tcpdump's names. */
static const struct name dccp_types[] = {
    { 0, "DCCP-Request" }, { 1, "DCCP-Response" }, { 2, "DCCP-Data" }, { 3, "DCCP-Ack" },
    { 4, "DCCP-DataAck" }, { 5, "DCCP-CloseReq" }, { 6, "DCCP-Close" }, { 7, "DCCP-Reset" },
    { 8, "DCCP-Sync" }, { 9, "DCCP-SyncAck" }, { 0, NULL },
};

void print_dccp(const struct ipinfo *ip, struct view v)
{
    if (v.cap < 4) {
        print_ip_head(ip);
        printf(" [|dccp]\n");
        return;
    }
    print_ip_ports(ip, be16(v.p), be16(v.p + 2));
    if (v.cap < 12) {
        printf("DCCP [|dccp]\n");
        return;
    }
    const char *name = name_of(dccp_types, (v.p[8] >> 1) & 0x0f);
    printf("DCCP %s\n", name != NULL ? name : "");
}

void print_esp(const struct ipinfo *ip, struct view v)
{
    print_ip_head(ip);
    if (v.cap < 8) {
        printf("ESP [|esp]\n");
        return;
    }
    printf("ESP(spi=0x%08x,seq=0x%x), length %u\n", be32(v.p), be32(v.p + 4), ip->paylen);
}
