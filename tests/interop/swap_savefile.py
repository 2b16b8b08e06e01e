#!/usr/bin/env python3
# swap_savefile.py - rewrites a pcap or pcapng savefile in the other byte order, for the variants test.
# SPDX-License-Identifier: BSD-2-Clause
"""usage: swap_savefile.py IN OUT [IN OUT]...

pcap (microsecond, nanosecond and Kuznetsov's modified format) and pcapng
(every section; the fixed fields of SHB, IDB, EPB, SPB, PB, NRB and ISB and
the numeric options the specification defines) are rewritten field by field.
Packet bytes are copied as they are. Anything the script cannot rewrite
faithfully (an unknown block type, a malformed length) is an error (exit 1):
a test must not read a half-converted file."""
import struct
import sys

PCAP_MAGICS = {0xa1b2c3d4: 16, 0xa1b23c4d: 16, 0xa1b2cd34: 24}  # record header sizes


class Bad(Exception):
    pass


def swap_pcap(d):
    for order in '<>':
        magic = struct.unpack(order + 'I', d[:4])[0]
        if magic in PCAP_MAGICS:
            break
    else:
        raise Bad('not a pcap file')
    other = '>' if order == '<' else '<'
    rec = PCAP_MAGICS[magic]
    out = bytearray()
    # magic, major, minor, thiszone, sigfigs, snaplen, linktype
    out += struct.pack(other + 'IHHiIII', *struct.unpack(order + 'IHHiIII', d[:24]))
    off = 24
    while off < len(d):
        if off + rec > len(d):
            raise Bad('truncated record header at %d' % off)
        sec, frac, caplen, length = struct.unpack(order + 'IIII', d[off:off + 16])
        out += struct.pack(other + 'IIII', sec, frac, caplen, length)
        if rec == 24:  # ifindex, protocol, pkt_type, pad
            ifindex, proto, ptype, pad = struct.unpack(order + 'IHBB', d[off + 16:off + 24])
            out += struct.pack(other + 'IHBB', ifindex, proto, ptype, pad)
        off += rec
        if off + caplen > len(d):
            raise Bad('truncated record data at %d' % off)
        out += d[off:off + caplen]
        off += caplen
    return bytes(out)


# Numeric option values by block type and option code: struct format of the value.
# Options not listed (strings, addresses, bytes) are copied unchanged.
OPTION_FORMATS = {
    1: {8: 'Q', 14: 'q'},                                   # IDB: if_speed, if_tsoffset
    6: {2: 'I', 4: 'Q', 5: 'Q', 6: 'I'},                    # EPB: flags, dropcount, packetid, queue
    2: {2: 'I'},                                            # PB: pack_flags
    5: {2: 'II', 3: 'II', 4: 'Q', 5: 'Q', 6: 'Q', 7: 'Q', 8: 'Q'},  # ISB
}


def swap_options(d, order, other, formats):
    out = bytearray()
    off = 0
    while off + 4 <= len(d):
        code, olen = struct.unpack(order + 'HH', d[off:off + 4])
        padded = (olen + 3) & ~3
        if off + 4 + padded > len(d):
            raise Bad('option %d runs past its block' % code)
        val = d[off + 4:off + 4 + padded]
        fmt = formats.get(code)
        if fmt is not None and struct.calcsize(fmt) == olen:
            val = struct.pack(other + fmt, *struct.unpack(order + fmt, val[:olen])) + val[olen:]
        out += struct.pack(other + 'HH', code, olen) + val
        off += 4 + padded
        if code == 0:
            break
    return bytes(out) + d[off:]


def swap_nrb_records(d, order, other):
    out = bytearray()
    off = 0
    while off + 4 <= len(d):
        rtype, rlen = struct.unpack(order + 'HH', d[off:off + 4])
        padded = (rlen + 3) & ~3
        out += struct.pack(other + 'HH', rtype, rlen) + d[off + 4:off + 4 + padded]
        off += 4 + padded
        if rtype == 0:
            break
    return bytes(out), off


def swap_pcapng(d):
    out = bytearray()
    off = 0
    order = None
    while off < len(d):
        if off + 12 > len(d):
            raise Bad('truncated block at %d' % off)
        if d[off:off + 4] == b'\x0a\x0d\x0d\x0a':
            bom = d[off + 8:off + 12]
            order = {b'\x4d\x3c\x2b\x1a': '<', b'\x1a\x2b\x3c\x4d': '>'}.get(bom)
            if order is None:
                raise Bad('bad byte-order magic at %d' % off)
        if order is None:
            raise Bad('no section header first')
        other = '>' if order == '<' else '<'
        btype, blen = struct.unpack(order + 'II', d[off:off + 8])
        if blen < 12 or blen % 4 or off + blen > len(d):
            raise Bad('bad block length %d at %d' % (blen, off))
        body = d[off + 8:off + blen - 4]
        if btype == 0x0a0d0d0a:
            fixed = struct.pack(other + 'IHHq', *struct.unpack(order + 'IHHq', body[:16]))
            rest = swap_options(body[16:], order, other, {})
        elif btype == 1:
            fixed = struct.pack(other + 'HHI', *struct.unpack(order + 'HHI', body[:8]))
            rest = swap_options(body[8:], order, other, OPTION_FORMATS[1])
        elif btype in (6, 2):
            fmt = 'IIIII' if btype == 6 else 'HHIIII'
            n = struct.calcsize(fmt)
            vals = struct.unpack(order + fmt, body[:n])
            caplen = vals[-2]
            data_end = n + ((caplen + 3) & ~3)
            if data_end > len(body):
                raise Bad('packet data runs past its block at %d' % off)
            fixed = struct.pack(other + fmt, *vals) + body[n:data_end]
            rest = swap_options(body[data_end:], order, other, OPTION_FORMATS[btype])
        elif btype == 3:
            fixed = struct.pack(other + 'I', *struct.unpack(order + 'I', body[:4]))
            rest = body[4:]
        elif btype == 4:
            fixed, used = swap_nrb_records(body, order, other)
            rest = swap_options(body[used:], order, other, {})
        elif btype == 5:
            fixed = struct.pack(other + 'III', *struct.unpack(order + 'III', body[:12]))
            rest = swap_options(body[12:], order, other, OPTION_FORMATS[5])
        else:
            raise Bad('block type 0x%x at %d: layout unknown' % (btype, off))
        out += struct.pack(other + 'II', btype, blen) + fixed + rest + struct.pack(other + 'I', blen)
        off += blen
    return bytes(out)


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit(__doc__)
    # Several pairs per run: the test pays for one interpreter start per capture.
    for src, dst in zip(args[::2], args[1::2]):
        d = open(src, 'rb').read()
        try:
            out = swap_pcapng(d) if d[:4] == b'\x0a\x0d\x0d\x0a' else swap_pcap(d)
        except (Bad, struct.error) as e:
            sys.stderr.write('%s: %s\n' % (src, e))
            sys.exit(1)
        open(dst, 'wb').write(out)


if __name__ == '__main__':
    main()
