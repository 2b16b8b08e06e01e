#!/usr/bin/env python3
# make_sample.py - writes examples/sample.pcap: a small, made-up Ethernet capture (ARP, ICMP, DNS, a TCP session, ICMPv6).
# SPDX-License-Identifier: BSD-2-Clause
"""Generate the example capture deterministically (python3 standard library only).

usage: make_sample.py [OUTPUT]   (default: sample.pcap beside this script)

Every address comes from the documentation ranges (192.0.2.0/24, 2001:db8::/32)
and locally administered MAC addresses; checksums are computed, so decoders
see well-formed packets.
"""
import os
import struct
import sys

MAC_A = bytes.fromhex("02000000000a")    # client 192.0.2.10 / 2001:db8::10
MAC_B = bytes.fromhex("020000000014")    # host 192.0.2.20 / 2001:db8::20
MAC_GW = bytes.fromhex("020000000001")   # router: DNS 192.0.2.53, web 192.0.2.80
BCAST = b"\xff" * 6
IP_A, IP_B = bytes([192, 0, 2, 10]), bytes([192, 0, 2, 20])
IP_DNS, IP_WEB = bytes([192, 0, 2, 53]), bytes([192, 0, 2, 80])
IP6_A = bytes.fromhex("20010db8000000000000000000000010")
IP6_B = bytes.fromhex("20010db8000000000000000000000020")

START = 1700000000  # 2023-11-14 22:13:20 UTC


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ether(dst, src, ethertype, payload):
    frame = dst + src + struct.pack("!H", ethertype) + payload
    return frame + b"\0" * max(0, 60 - len(frame))  # pad to the Ethernet minimum


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + spa + tha + tpa


def ipv4(src, dst, proto, payload, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0,
                      src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src, dst, nxt, payload, hlim=64):
    return struct.pack("!IHBB", 6 << 28, len(payload), nxt, hlim) + src + dst + payload


def l4_sum4(src, dst, proto, seg):
    return csum(src + dst + struct.pack("!BBH", 0, proto, len(seg)) + seg)


def l4_sum6(src, dst, nxt, seg):
    return csum(src + dst + struct.pack("!IxxxB", len(seg), nxt) + seg)


def icmp(typ, code, ident, seq, data):
    msg = struct.pack("!BBHHH", typ, code, 0, ident, seq) + data
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def icmp6(src, dst, typ, code, body):
    msg = struct.pack("!BBH", typ, code, 0) + body
    return msg[:2] + struct.pack("!H", l4_sum6(src, dst, 58, msg)) + msg[4:]


def udp(src, dst, sport, dport, data):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    return seg[:6] + struct.pack("!H", l4_sum4(src, dst, 17, seg) or 0xFFFF) + seg[8:]


def tcp(src, dst, sport, dport, seq, ack, flags, data=b"", win=64240, mss=None):
    opts = struct.pack("!BBH", 2, 4, mss) if mss else b""
    off = (20 + len(opts)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, win, 0, 0) + opts + data
    return seg[:16] + struct.pack("!H", l4_sum4(src, dst, 6, seg)) + seg[18:]


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def dns_name(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_query(ident, name, qtype):
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + dns_name(name) + struct.pack("!HH", qtype, 1)


def dns_answer(ident, name, qtype, rdata):
    q = dns_name(name) + struct.pack("!HH", qtype, 1)
    ans = struct.pack("!HHHIH", 0xC00C, qtype, 1, 300, len(rdata)) + rdata
    return struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0) + q + ans


def packets():
    ping = bytes(range(0x10, 0x10 + 56))
    get = b"GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n"
    body = b"<html>hello</html>\n"
    resp = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    c_isn, s_isn, cport = 1000000, 5000000, 49152
    A, W = IP_A, IP_WEB
    p = []
    # ARP: who has 192.0.2.20, and its answer.
    p.append(ether(BCAST, MAC_A, 0x0806, arp(1, MAC_A, IP_A, b"\0" * 6, IP_B)))
    p.append(ether(MAC_A, MAC_B, 0x0806, arp(2, MAC_B, IP_B, MAC_A, IP_A)))
    # Two pings.
    for seq in (1, 2):
        p.append(ether(MAC_B, MAC_A, 0x0800, ipv4(IP_A, IP_B, 1, icmp(8, 0, 0x1234, seq, ping), 0x100 + seq)))
        p.append(ether(MAC_A, MAC_B, 0x0800, ipv4(IP_B, IP_A, 1, icmp(0, 0, 0x1234, seq, ping), 0x200 + seq)))
    # DNS: A and AAAA for www.example.com.
    q1, q2 = dns_query(0x0a01, "www.example.com", 1), dns_query(0x0a02, "www.example.com", 28)
    p.append(ether(MAC_GW, MAC_A, 0x0800, ipv4(A, IP_DNS, 17, udp(A, IP_DNS, 53000, 53, q1), 0x301)))
    p.append(ether(MAC_A, MAC_GW, 0x0800, ipv4(IP_DNS, A, 17, udp(IP_DNS, A, 53, 53000, dns_answer(0x0a01, "www.example.com", 1, W)), 0x401)))
    p.append(ether(MAC_GW, MAC_A, 0x0800, ipv4(A, IP_DNS, 17, udp(A, IP_DNS, 53001, 53, q2), 0x302)))
    p.append(ether(MAC_A, MAC_GW, 0x0800, ipv4(IP_DNS, A, 17, udp(IP_DNS, A, 53, 53001, dns_answer(0x0a02, "www.example.com", 28, IP6_B)), 0x402)))

    def c2s(seq, ack, flags, data=b"", mss=None, ident=0):
        return ether(MAC_GW, MAC_A, 0x0800, ipv4(A, W, 6, tcp(A, W, cport, 80, seq, ack, flags, data, mss=mss), 0x500 + ident))

    def s2c(seq, ack, flags, data=b"", mss=None, ident=0):
        return ether(MAC_A, MAC_GW, 0x0800, ipv4(W, A, 6, tcp(W, A, 80, cport, seq, ack, flags, data, win=65160, mss=mss), 0x600 + ident))

    # A TCP session: handshake, request, response, both FINs.
    c, s = c_isn, s_isn
    p.append(c2s(c, 0, SYN, mss=1460, ident=1))
    p.append(s2c(s, c + 1, SYN | ACK, mss=1460, ident=1))
    c, s = c + 1, s + 1
    p.append(c2s(c, s, ACK, ident=2))
    p.append(c2s(c, s, PSH | ACK, get, ident=3))
    c += len(get)
    p.append(s2c(s, c, ACK, ident=2))
    p.append(s2c(s, c, PSH | ACK, resp, ident=3))
    s += len(resp)
    p.append(c2s(c, s, ACK, ident=4))
    p.append(c2s(c, s, FIN | ACK, ident=5))
    c += 1
    p.append(s2c(s, c, FIN | ACK, ident=4))
    s += 1
    p.append(c2s(c, s, ACK, ident=6))
    # A refused connection: SYN to port 443, RST back.
    p.append(ether(MAC_GW, MAC_A, 0x0800, ipv4(A, W, 6, tcp(A, W, cport + 1, 443, 7000000, 0, SYN, mss=1460), 0x507)))
    p.append(ether(MAC_A, MAC_GW, 0x0800, ipv4(W, A, 6, tcp(W, A, 443, cport + 1, 0, 7000001, RST | ACK, win=0), 0x605)))
    # IPv6: neighbour discovery, then two pings.
    snm = bytes.fromhex("ff0200000000000000000001ff000020")
    ns = struct.pack("!I", 0) + IP6_B + bytes([1, 1]) + MAC_A
    na = struct.pack("!I", 0x60000000) + IP6_B + bytes([2, 1]) + MAC_B
    p.append(ether(bytes.fromhex("3333ff000020"), MAC_A, 0x86DD, ipv6(IP6_A, snm, 58, icmp6(IP6_A, snm, 135, 0, ns), 255)))
    p.append(ether(MAC_A, MAC_B, 0x86DD, ipv6(IP6_B, IP6_A, 58, icmp6(IP6_B, IP6_A, 136, 0, na), 255)))
    for seq in (1, 2):
        echo = struct.pack("!HH", 0x5678, seq) + ping
        p.append(ether(MAC_B, MAC_A, 0x86DD, ipv6(IP6_A, IP6_B, 58, icmp6(IP6_A, IP6_B, 128, 0, echo))))
        p.append(ether(MAC_A, MAC_B, 0x86DD, ipv6(IP6_B, IP6_A, 58, icmp6(IP6_B, IP6_A, 129, 0, echo))))
    # UDP over IPv6 (a DNS query to the other host).
    q3 = dns_query(0x0a03, "example.com", 28)
    seg = struct.pack("!HHHH", 53002, 53, 8 + len(q3), 0) + q3
    seg = seg[:6] + struct.pack("!H", l4_sum6(IP6_A, IP6_B, 17, seg)) + seg[8:]
    p.append(ether(MAC_B, MAC_A, 0x86DD, ipv6(IP6_A, IP6_B, 17, seg)))
    return p


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample.pcap")
    data = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)  # microsecond pcap, Ethernet
    for i, frame in enumerate(packets()):
        sec, usec = START + i // 4, (i % 4) * 250000 + 1000 * i + 17
        data += struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
