# pcapfile.py - the Python tests' one reader of pcap savefiles (either byte order, micro- or nanosecond stamps), bounds-checked, and writer of plain ones.
# SPDX-License-Identifier: BSD-2-Clause
"""read(path) or parse(data) give a Savefile; a file that is not a whole pcap
savefile raises Bad, naming the byte offset, rather than giving fewer packets.
meson puts this folder on PYTHONPATH for every Python test (tests/meson.build)."""
import collections
import struct

# Magic number (as read in the file's own byte order) -> nanoseconds per unit of the fraction field.
MAGICS = {0xa1b2c3d4: 1000, 0xa1b23c4d: 1}
FILE_HEADER = 24
RECORD_HEADER = 16


class Bad(ValueError):
    """Not a pcap savefile, or one cut short."""


class Record(collections.namedtuple("Record", "ts_ns caplen length data")):
    """One packet: its time in nanoseconds since 1970, captured and original lengths, bytes."""
    __slots__ = ()

    @property
    def ts_usec(self):
        """The time to the microsecond, as a microsecond-precision writer keeps it."""
        return self.ts_ns // 1000


# header: the 24 bytes as they are; nano: whether the stamps are nanoseconds.
Savefile = collections.namedtuple("Savefile", "header nano snaplen linktype records")


def parse(data):
    """The Savefile that data (the bytes of a whole pcap file) holds."""
    if len(data) < FILE_HEADER:
        raise Bad("%d bytes: shorter than a pcap file header (%d)" % (len(data), FILE_HEADER))
    for endian in "<>":
        magic = struct.unpack_from(endian + "I", data, 0)[0]
        if magic in MAGICS:
            break
    else:
        raise Bad("not a pcap file (magic %s)" % data[:4].hex())
    unit = MAGICS[magic]
    snaplen, linktype = struct.unpack_from(endian + "II", data, 16)
    records, off = [], FILE_HEADER
    while off < len(data):
        if off + RECORD_HEADER > len(data):
            raise Bad("record header cut short at byte %d" % off)
        sec, frac, caplen, length = struct.unpack_from(endian + "IIII", data, off)
        off += RECORD_HEADER
        if off + caplen > len(data):
            raise Bad("record data cut short at byte %d (caplen %d, %d bytes left)" % (off, caplen, len(data) - off))
        records.append(Record(sec * 1000000000 + frac * unit, caplen, length, data[off:off + caplen]))
        off += caplen
    return Savefile(data[:FILE_HEADER], unit == 1, snaplen, linktype, records)


def packets_usec(savefile):
    """(time to the microsecond, caplen, len, bytes) of each packet: what a copy
    written at microsecond precision (tcpdump -w) keeps of it, to compare with one."""
    return [(r.ts_usec, r.caplen, r.length, r.data) for r in savefile.records]


def header(linktype, snaplen=65535):
    """The file header of a little-endian, microsecond pcap file (version 2.4)."""
    return struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, snaplen, linktype)


def record(sec, usec, data, length=None):
    """One packet record for a header() file: data captured of a length-byte packet (default all of it)."""
    return struct.pack("<IIII", sec, usec, len(data), len(data) if length is None else length) + data


def read(path):
    """The Savefile in the file at path."""
    with open(path, "rb") as f:
        return parse(f.read())
