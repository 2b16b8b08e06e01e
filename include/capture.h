/* capture.h - the public API of libcapture: packet capture, savefiles and BPF without libpcap. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CAPTURE_EXTERN __attribute__((visibility("default")))
#else
#define CAPTURE_EXTERN
#endif

/* ------------------------------------------------------------------ */
/* Versions, sizes and return codes                                    */
/* ------------------------------------------------------------------ */

#define CAPTURE_VERSION_MAJOR 0
#define CAPTURE_VERSION_MINOR 1
#define CAPTURE_VERSION_PATCH 0

/* Size of every errbuf argument; errors are one line of text that fits. */
#define CAPTURE_ERRBUF_SIZE 256

/* Netmask to pass to the filter compiler when it is not known. */
#define CAPTURE_NETMASK_UNKNOWN 0xffffffffu

/* Return codes: the values of libpcap's PCAP_ERROR_* and PCAP_WARNING_*. */
#define CAPTURE_ERROR                 -1 /* generic error, see capture_geterr() */
#define CAPTURE_ERROR_BREAK           -2 /* loop ended by capture_breakloop() */
#define CAPTURE_ERROR_NOT_ACTIVATED   -3 /* handle created but not activated */
#define CAPTURE_ERROR_ACTIVATED       -4 /* option set on an activated handle */
#define CAPTURE_ERROR_NO_SUCH_DEVICE  -5 /* no such interface */
#define CAPTURE_ERROR_PERM_DENIED     -8 /* no permission to open the device */
#define CAPTURE_ERROR_IFACE_NOT_UP    -9 /* interface is down */
#define CAPTURE_ERROR_TSTAMP_PRECISION_NOTSUP -12 /* that timestamp precision is not available */
#define CAPTURE_WARNING                1 /* activated with a warning */
#define CAPTURE_WARNING_PROMISC_NOTSUP 2 /* promiscuous mode not supported */
#define CAPTURE_EOF                   -2 /* capture_next(): no more packets in a savefile */

/* Directions for capture_setdirection(). */
#define CAPTURE_D_INOUT 0
#define CAPTURE_D_IN    1
#define CAPTURE_D_OUT   2

/* Timestamp precisions a reader can deliver (see capture_get_tstamp_precision). */
#define CAPTURE_TSTAMP_PRECISION_MICRO 0
#define CAPTURE_TSTAMP_PRECISION_NANO  1

/* Formats of capture_bpf_image(): those of tcpdump -d, -dd and -ddd. */
#define CAPTURE_BPF_IMAGE_TEXT    1
#define CAPTURE_BPF_IMAGE_C_ARRAY 2
#define CAPTURE_BPF_IMAGE_DECIMAL 3

/* Data link types: the DLT_* values of the host OS's kernel and <net/bpf.h>
 * (as libpcap's pcap/dlt.h numbers them), so capture_datalink() compares
 * equal to them on every OS. capture_datalink_val_to_name() knows every one
 * of them (and more than are listed here). The few that differ by OS: */
#if defined(__OpenBSD__)
#define CAPTURE_DLT_LOOP          12
#define CAPTURE_DLT_ENC           13
#define CAPTURE_DLT_RAW           14
#else
#define CAPTURE_DLT_RAW           12
#define CAPTURE_DLT_LOOP          108
#define CAPTURE_DLT_ENC           109
#endif
#if defined(__NetBSD__) || defined(__FreeBSD__)
#define CAPTURE_DLT_SLIP_BSDOS    13
#define CAPTURE_DLT_PPP_BSDOS     14
#else
#define CAPTURE_DLT_SLIP_BSDOS    15
#define CAPTURE_DLT_PPP_BSDOS     16
#endif
#if defined(__FreeBSD__)
#define CAPTURE_DLT_PFSYNC        121
#elif defined(__OpenBSD__) || defined(__NetBSD__) || defined(__DragonFly__) || defined(__APPLE__)
#define CAPTURE_DLT_PFSYNC        18
#else
#define CAPTURE_DLT_PFSYNC        246 /* its LINKTYPE, where no kernel has it */
#endif
#if defined(__APPLE__)
#define CAPTURE_DLT_PKTAP         149 /* Apple gives it DLT_USER2's value */
#else
#define CAPTURE_DLT_PKTAP         258
#endif
/* The same everywhere: */
#define CAPTURE_DLT_NULL          0
#define CAPTURE_DLT_EN10MB        1
#define CAPTURE_DLT_EN3MB         2
#define CAPTURE_DLT_AX25          3
#define CAPTURE_DLT_PRONET        4
#define CAPTURE_DLT_CHAOS         5
#define CAPTURE_DLT_IEEE802       6
#define CAPTURE_DLT_ARCNET        7
#define CAPTURE_DLT_SLIP          8
#define CAPTURE_DLT_PPP           9
#define CAPTURE_DLT_FDDI          10
#define CAPTURE_DLT_ATM_RFC1483   11
#define CAPTURE_DLT_ATM_CLIP      19
#define CAPTURE_DLT_REDBACK_SMARTEDGE 32
#define CAPTURE_DLT_PPP_SERIAL    50
#define CAPTURE_DLT_PPP_ETHER     51
#define CAPTURE_DLT_SYMANTEC_FIREWALL 99
#define CAPTURE_DLT_C_HDLC        104
#define CAPTURE_DLT_IEEE802_11    105
#define CAPTURE_DLT_FRELAY        107
#define CAPTURE_DLT_LINUX_SLL     113
#define CAPTURE_DLT_LTALK         114
#define CAPTURE_DLT_PFLOG         117
#define CAPTURE_DLT_PRISM_HEADER  119
#define CAPTURE_DLT_IP_OVER_FC    122
#define CAPTURE_DLT_SUNATM        123
#define CAPTURE_DLT_IEEE802_11_RADIO 127
#define CAPTURE_DLT_ARCNET_LINUX  129
#define CAPTURE_DLT_APPLE_IP_OVER_IEEE1394 138
#define CAPTURE_DLT_MTP2_WITH_PHDR 139
#define CAPTURE_DLT_MTP2          140
#define CAPTURE_DLT_MTP3          141
#define CAPTURE_DLT_SCCP          142
#define CAPTURE_DLT_DOCSIS        143
#define CAPTURE_DLT_LINUX_IRDA    144
#define CAPTURE_DLT_IEEE802_11_RADIO_AVS 163
#define CAPTURE_DLT_BACNET_MS_TP  165
#define CAPTURE_DLT_PPP_PPPD      166
#define CAPTURE_DLT_GPRS_LLC      169
#define CAPTURE_DLT_LINUX_LAPD    177
#define CAPTURE_DLT_BLUETOOTH_HCI_H4 187
#define CAPTURE_DLT_USB_LINUX     189
#define CAPTURE_DLT_PPI           192
#define CAPTURE_DLT_IEEE802_15_4_WITHFCS 195
#define CAPTURE_DLT_SITA          196
#define CAPTURE_DLT_ERF           197
#define CAPTURE_DLT_BLUETOOTH_HCI_H4_WITH_PHDR 201
#define CAPTURE_DLT_AX25_KISS     202
#define CAPTURE_DLT_LAPD          203
#define CAPTURE_DLT_PPP_WITH_DIR  204
#define CAPTURE_DLT_C_HDLC_WITH_DIR 205
#define CAPTURE_DLT_FRELAY_WITH_DIR 206
#define CAPTURE_DLT_IPMB_LINUX    209
#define CAPTURE_DLT_IEEE802_15_4_NONASK_PHY 215
#define CAPTURE_DLT_USB_LINUX_MMAPPED 220
#define CAPTURE_DLT_FC_2          224
#define CAPTURE_DLT_IPNET         226
#define CAPTURE_DLT_CAN_SOCKETCAN 227
#define CAPTURE_DLT_IPV4          228
#define CAPTURE_DLT_IPV6          229
#define CAPTURE_DLT_IEEE802_15_4_NOFCS 230
#define CAPTURE_DLT_DBUS          231
#define CAPTURE_DLT_DVB_CI        235
#define CAPTURE_DLT_MUX27010      236
#define CAPTURE_DLT_STANAG_5066_D_PDU 237
#define CAPTURE_DLT_NFLOG         239
#define CAPTURE_DLT_NETANALYZER   240
#define CAPTURE_DLT_NETANALYZER_TRANSPARENT 241
#define CAPTURE_DLT_IPOIB         242
#define CAPTURE_DLT_MPEG_2_TS     243
#define CAPTURE_DLT_NG40          244
#define CAPTURE_DLT_NFC_LLCP      245
#define CAPTURE_DLT_INFINIBAND    247
#define CAPTURE_DLT_SCTP          248
#define CAPTURE_DLT_USBPCAP       249
#define CAPTURE_DLT_RTAC_SERIAL   250
#define CAPTURE_DLT_BLUETOOTH_LE_LL 251
#define CAPTURE_DLT_NETLINK       253
#define CAPTURE_DLT_BLUETOOTH_LINUX_MONITOR 254
#define CAPTURE_DLT_BLUETOOTH_BREDR_BB 255
#define CAPTURE_DLT_BLUETOOTH_LE_LL_WITH_PHDR 256
#define CAPTURE_DLT_PROFIBUS_DL   257
#define CAPTURE_DLT_EPON          259
#define CAPTURE_DLT_IPMI_HPM_2    260
#define CAPTURE_DLT_ZWAVE_R1_R2   261
#define CAPTURE_DLT_ZWAVE_R3      262
#define CAPTURE_DLT_WATTSTOPPER_DLM 263
#define CAPTURE_DLT_ISO_14443     264
#define CAPTURE_DLT_RDS           265
#define CAPTURE_DLT_USB_DARWIN    266
#define CAPTURE_DLT_SDLC          268
#define CAPTURE_DLT_LORATAP       270
#define CAPTURE_DLT_VSOCK         271
#define CAPTURE_DLT_NORDIC_BLE    272
#define CAPTURE_DLT_DOCSIS31_XRA31 273
#define CAPTURE_DLT_ETHERNET_MPACKET 274
#define CAPTURE_DLT_DISPLAYPORT_AUX 275
#define CAPTURE_DLT_LINUX_SLL2    276
#define CAPTURE_DLT_OPENVIZSLA    278
#define CAPTURE_DLT_EBHSCR        279
#define CAPTURE_DLT_VPP_DISPATCH  280
#define CAPTURE_DLT_DSA_TAG_BRCM  281
#define CAPTURE_DLT_DSA_TAG_BRCM_PREPEND 282
#define CAPTURE_DLT_IEEE802_15_4_TAP 283
#define CAPTURE_DLT_DSA_TAG_DSA   284
#define CAPTURE_DLT_DSA_TAG_EDSA  285
#define CAPTURE_DLT_ELEE          286
#define CAPTURE_DLT_Z_WAVE_SERIAL 287
#define CAPTURE_DLT_USB_2_0       288
#define CAPTURE_DLT_ATSC_ALP      289

/* ------------------------------------------------------------------ */
/* Types                                                               */
/* ------------------------------------------------------------------ */

/* A packet source: a savefile, a live device or a "dead" handle (pcapy Reader). */
typedef struct capture_reader capture_reader;
/* A pcap savefile being written (pcapy Dumper). */
typedef struct capture_dumper capture_dumper;
/* A validated BPF program (pcapy Bpf). */
typedef struct capture_bpf capture_bpf;

/* Per-packet header (pcapy Pkthdr). Timestamps are kept to the nanosecond. */
typedef struct capture_pkthdr {
    int64_t  ts_sec;    /* seconds since the Epoch */
    uint32_t ts_nsec;   /* nanoseconds past ts_sec (0..999999999) */
    uint32_t caplen;    /* bytes present in the data */
    uint32_t len;       /* bytes on the wire */
} capture_pkthdr;

/* Counters of a live capture (capture_stats). */
typedef struct capture_stat {
    uint64_t recv;      /* packets received (passed to the filter) */
    uint64_t drop;      /* dropped for lack of buffer space */
    uint64_t ifdrop;    /* dropped by the interface/driver, 0 if unknown */
} capture_stat;

/* One BPF instruction, laid out exactly as struct bpf_insn. */
struct capture_insn {
    uint16_t code;
    uint8_t  jt, jf;
    uint32_t k;
};

/* Called once per packet by capture_dispatch() and capture_loop(); hdr and
 * data are valid only until the callback returns. */
typedef void (*capture_handler)(void *user, const capture_pkthdr *hdr,
                                const uint8_t *data);

/* NULL arguments, one rule for every function below. A handle (reader,
 * dumper, program, packet header) or other pointer may be NULL only where
 * its function says so; capture_close(NULL), capture_dump_close(NULL) and
 * capture_bpf_free(NULL) do nothing. Any other function given a NULL handle
 * does nothing harmful and returns its error value: CAPTURE_ERROR, NULL, or
 * 0 for counts, lengths and capture_bpf_filter's verdict. capture_geterr(NULL)
 * and capture_dump_geterr(NULL) return a static message. An errbuf may be
 * NULL when the message is not wanted. */

/* ------------------------------------------------------------------ */
/* Module functions                                                    */
/* ------------------------------------------------------------------ */

/* The library's version string, e.g. "libcapture 0.1.0". Never NULL; static. */
CAPTURE_EXTERN const char *capture_lib_version(void);

/* Opens a pcap or pcapng savefile; "-" reads standard input (streamed, never
 * buffered whole). Returns NULL with a message in errbuf on failure. Packets
 * read as libpcap 1.10 reads them, except that pcap seconds and sub-second
 * fields are unsigned in either byte order (seconds 1970..2106) and an
 * out-of-range sub-second field carries into ts_sec. */
CAPTURE_EXTERN capture_reader *capture_open_offline(const char *filename, char *errbuf);

/* As capture_open_offline(), reading the savefile from an open descriptor
 * from its current offset (fd < 0: open filename instead). The descriptor
 * stays the caller's: capture_close() does not close it. filename names the
 * source in messages. NULL with the reason in errbuf. */
CAPTURE_EXTERN capture_reader *capture_open_offline_fd(int fd, const char *filename, char *errbuf);

/* A reader with no packet source, for compiling filters and writing savefiles
 * with the given DLT and snapshot length (<= 0 or over 262144 means 262144).
 * Returns NULL only when out of memory. */
CAPTURE_EXTERN capture_reader *capture_open_dead(int linktype, int snaplen);

/* As capture_open_dead(), stating the timestamp precision (CAPTURE_TSTAMP_
 * PRECISION_*) that dumpers opened on it will write. NULL on a bad precision. */
CAPTURE_EXTERN capture_reader *capture_open_dead_with_tstamp_precision(int linktype,
                                                                       int snaplen,
                                                                       int precision);

/* Opens a live capture on device (NULL: capture_lookupdev's choice) with
 * the given snapshot length, promiscuous mode and read timeout in ms (0
 * blocks until the buffer fills). NULL with the reason in errbuf; a warning
 * (promiscuous mode refused) leaves its text in errbuf, else errbuf is "". */
CAPTURE_EXTERN capture_reader *capture_open_live(const char *device, int snaplen, int promisc,
                                                 int to_ms, char *errbuf);

/* A live reader on device (NULL: capture_lookupdev's choice), not yet
 * activated: set its options, then call capture_activate(). NULL with the
 * reason in errbuf. Reading before activation gives CAPTURE_ERROR_NOT_ACTIVATED.
 * On Linux it captures with an AF_PACKET ring, unless LCAP_BPF_FLAVOR is set
 * (then with the BPF device source: docs/PLATFORMS.md). */
CAPTURE_EXTERN capture_reader *capture_create(const char *device, char *errbuf);

/* Options of a created reader, before capture_activate (afterwards, and on
 * savefiles: CAPTURE_ERROR_ACTIVATED). Snapshot length (<= 0 or over
 * 262144: 262144), promiscuous mode, read timeout in ms, kernel buffer size
 * in bytes (0: the largest the kernel grants up to 512 KiB), and immediate
 * mode (each packet delivered as it arrives). 0 on success. */
CAPTURE_EXTERN int capture_set_snaplen(capture_reader *r, int snaplen);
CAPTURE_EXTERN int capture_set_promisc(capture_reader *r, int promisc);
CAPTURE_EXTERN int capture_set_timeout(capture_reader *r, int to_ms);
CAPTURE_EXTERN int capture_set_buffer_size(capture_reader *r, int bytes);
CAPTURE_EXTERN int capture_set_immediate_mode(capture_reader *r, int on);

/* Timestamp precision of a created reader (CAPTURE_TSTAMP_PRECISION_*), before
 * capture_activate: 0, or CAPTURE_ERROR_TSTAMP_PRECISION_NOTSUP where the
 * OS's BPF cannot (nanoseconds: FreeBSD through BIOCSTSTAMP, and AIX). */
CAPTURE_EXTERN int capture_set_tstamp_precision(capture_reader *r, int precision);

/* The one link-level protocol (an EtherType, host byte order; 0: every
 * protocol, the default) a created reader captures, as libpcap's
 * pcap_set_protocol_linux. 0; CAPTURE_ERROR_ACTIVATED after activation;
 * CAPTURE_ERROR where the OS's source cannot choose (the BPF device). */
CAPTURE_EXTERN int capture_set_protocol(capture_reader *r, int protocol);

/* Opens the device with the options set. 0; CAPTURE_WARNING_PROMISC_NOTSUP
 * (capturing, not promiscuously); or CAPTURE_ERROR_ACTIVATED, _NO_SUCH_DEVICE,
 * _PERM_DENIED, _IFACE_NOT_UP, CAPTURE_ERROR, with the text in capture_geterr(). */
CAPTURE_EXTERN int capture_activate(capture_reader *r);

/* The name of the first interface that is up and not loopback, copied into
 * name (namelen bytes). 0, or CAPTURE_ERROR with the reason in errbuf. */
CAPTURE_EXTERN int capture_lookupdev(char *name, size_t namelen, char *errbuf);

/* The names of every interface (*names: a NULL-terminated array to free with
 * capture_freealldevs). Returns the count, or CAPTURE_ERROR with errbuf set. */
CAPTURE_EXTERN int capture_findalldevs(char ***names, char *errbuf);
/* Frees what capture_findalldevs() returned. NULL is allowed. */
CAPTURE_EXTERN void capture_freealldevs(char **names);

/* Interface flags of capture_list_interfaces (libpcap's PCAP_IF_* values). */
#define CAPTURE_IF_LOOPBACK 0x01u
#define CAPTURE_IF_UP       0x02u
#define CAPTURE_IF_RUNNING  0x04u
#define CAPTURE_IF_WIRELESS 0x08u
#define CAPTURE_IF_CONNECTION_STATUS                0x30u /* mask of the four below */
#define CAPTURE_IF_CONNECTION_STATUS_UNKNOWN        0x00u
#define CAPTURE_IF_CONNECTION_STATUS_CONNECTED      0x10u
#define CAPTURE_IF_CONNECTION_STATUS_DISCONNECTED   0x20u
#define CAPTURE_IF_CONNECTION_STATUS_NOT_APPLICABLE 0x30u

struct sockaddr;
/* One address of an interface; any pointer may be NULL. Laid out as libpcap's struct pcap_addr. */
typedef struct capture_ifaddr {
    struct capture_ifaddr *next;
    struct sockaddr *addr, *netmask, *broadaddr, *dstaddr;
} capture_ifaddr;
/* One interface (description NULL when it has none). Laid out as libpcap's pcap_if_t. */
typedef struct capture_if {
    struct capture_if *next;
    char *name;
    char *description;
    capture_ifaddr *addresses;
    uint32_t flags;     /* CAPTURE_IF_* */
} capture_if;

/* Every interface with its addresses (each address family the OS reports,
 * link-level ones included) and flags, in libpcap's order: up and running
 * first, then connected, then not loopback; otherwise as the OS lists them.
 * Returns the count with *list to free with capture_free_interfaces, or
 * CAPTURE_ERROR with errbuf set. */
CAPTURE_EXTERN int capture_list_interfaces(capture_if **list, char *errbuf);
/* Frees what capture_list_interfaces() returned. NULL is allowed. */
CAPTURE_EXTERN void capture_free_interfaces(capture_if *list);

/* The IPv4 network number and netmask of device's first IPv4 address, host
 * byte order. 0, or CAPTURE_ERROR with errbuf set (both then 0) when the
 * device has none or does not exist. */
CAPTURE_EXTERN int capture_lookupnet(const char *device, uint32_t *net, uint32_t *mask,
                                     char *errbuf);

/* DLT name ("EN10MB", case-insensitive, "DLT_" prefix allowed) to value;
 * -1 when the name is unknown. */
CAPTURE_EXTERN int capture_datalink_name_to_val(const char *name);

/* DLT value to its name without the "DLT_" prefix ("EN10MB"); NULL if unknown. */
CAPTURE_EXTERN const char *capture_datalink_val_to_name(int dlt);

/* DLT value to a short human description ("Ethernet"); NULL if unknown. */
CAPTURE_EXTERN const char *capture_datalink_val_to_description(int dlt);

/* The LINKTYPE value a pcap savefile carries for a DLT; -1 when it has none. */
CAPTURE_EXTERN int capture_dlt_to_linktype(int dlt);

/* ------------------------------------------------------------------ */
/* Name databases: the lookups the filter compiler makes               */
/* ------------------------------------------------------------------ */

/* Transports of capture_name_to_port's *transports, and the kinds of
 * capture_name_to_link_proto's answer. */
#define CAPTURE_TRANSPORT_TCP  1
#define CAPTURE_TRANSPORT_UDP  2
#define CAPTURE_TRANSPORT_SCTP 4
#define CAPTURE_LINK_ETHERTYPE 1
#define CAPTURE_LINK_LLC       2

/* The port of a services(5) name: TCP's entry first, then UDP's, then
 * SCTP's; *transports gets the bit of each transport giving that same port.
 * 0, or CAPTURE_ERROR with the reason in errbuf (unknown name included). */
CAPTURE_EXTERN int capture_name_to_port(const char *name, int *port, int *transports,
                                        char *errbuf);
/* The number of a protocols(5) name ("tcp": 6), or CAPTURE_ERROR with errbuf set. */
CAPTURE_EXTERN int capture_name_to_proto(const char *name, char *errbuf);
/* The network number of an /etc/networks name, host byte order as
 * inet_network() gives it ("10.20": 0x0a14). 0, or CAPTURE_ERROR with errbuf set. */
CAPTURE_EXTERN int capture_name_to_net(const char *name, uint32_t *net, char *errbuf);
/* The MAC address of an /etc/ethers name (its first line). 0, or CAPTURE_ERROR. */
CAPTURE_EXTERN int capture_name_to_ether(const char *name, uint8_t mac[6], char *errbuf);
/* A link-level protocol name as "link proto" takes it ("arp", "stp"):
 * CAPTURE_LINK_ETHERTYPE or CAPTURE_LINK_LLC with *value set, else CAPTURE_ERROR. */
CAPTURE_EXTERN int capture_name_to_link_proto(const char *name, int *value);
/* Parses one ethers(5) line of len bytes ('#' starts a comment): 1 with mac
 * and the host name (*host, *hostlen: pointing into line), 0 for a blank or
 * comment line, CAPTURE_ERROR for a malformed one. */
CAPTURE_EXTERN int capture_parse_ethers_line(const char *line, size_t len, uint8_t mac[6],
                                             const char **host, size_t *hostlen);

/* ------------------------------------------------------------------ */
/* Reader                                                              */
/* ------------------------------------------------------------------ */

/* Reads up to maxcant packets (<= 0: all that are available; for a savefile
 * all until its end) and calls cb for each. Returns the number processed,
 * 0 at end of file, CAPTURE_ERROR or CAPTURE_ERROR_BREAK. */
CAPTURE_EXTERN int capture_dispatch(capture_reader *r, int maxcant, capture_handler cb,
                                    void *user);

/* Calls cb for maxcant packets (<= 0: until end of file, error or break).
 * Returns 0 when the count is reached or the savefile ends, CAPTURE_ERROR
 * or CAPTURE_ERROR_BREAK. */
CAPTURE_EXTERN int capture_loop(capture_reader *r, int maxcant, capture_handler cb,
                                void *user);

/* Fetches the next packet: 1 and *hdr / *data set (data valid until the next
 * call on r); 0 when a live read timed out; CAPTURE_EOF at the end of a
 * savefile; CAPTURE_ERROR on error (capture_geterr says what and where). */
CAPTURE_EXTERN int capture_next(capture_reader *r, capture_pkthdr *hdr, const uint8_t **data);

/* Makes the running (or next) dispatch/loop return CAPTURE_ERROR_BREAK; the
 * flag is checked between every two packets and wakes a blocked live read.
 * Async-signal-safe, and safe from another thread. */
CAPTURE_EXTERN void capture_breakloop(capture_reader *r);

/* Capture statistics of a live reader (the device's counters since it was
 * opened). Savefiles and dead handles have none: CAPTURE_ERROR saying so. */
CAPTURE_EXTERN int capture_stats(capture_reader *r, capture_stat *st);

/* Installs a validated program as the reader's filter (a copy is kept); packets
 * it rejects are skipped by dispatch, loop and next. NULL removes the filter.
 * A program reading Linux's VLAN tag metadata (capture_compile_for()) is
 * refused, CAPTURE_ERROR, by readers other than live Linux captures. */
CAPTURE_EXTERN int capture_setfilter_bpf(capture_reader *r, const capture_bpf *prog);

/* Compiles filter (pcap-filter(7) syntax) for the reader's link type and
 * snapshot length, optimized, with its netmask (unknown on savefiles), and
 * installs it (NULL filter: the empty expression, accepting every packet).
 * CAPTURE_ERROR with the compiler's message in capture_geterr(). */
CAPTURE_EXTERN int capture_setfilter(capture_reader *r, const char *filter);

/* The reader's DLT (for savefiles, mapped from the file's LINKTYPE). */
CAPTURE_EXTERN int capture_datalink(capture_reader *r);

/* Extra link-type bits of a savefile (the FCS length bits of the pcap header's
 * link-type field: bit 26 set means bits 28..31 give the FCS length in 16-bit
 * words); 0 when there are none. */
CAPTURE_EXTERN uint32_t capture_datalink_ext(capture_reader *r);

/* The snapshot length: the most bytes any packet of this reader carries. */
CAPTURE_EXTERN int capture_snapshot(capture_reader *r);

/* Precision of the timestamps the source provides: CAPTURE_TSTAMP_PRECISION_NANO
 * for nanosecond pcap files and pcapng interfaces finer than 1 us, else MICRO
 * (pcapng: of the interfaces read so far, so it may rise to NANO mid-file). */
CAPTURE_EXTERN int capture_get_tstamp_precision(capture_reader *r);

/* For a savefile: its format version (major.minor) and whether it is in the
 * other byte order than this host's; any output may be NULL. Returns 0, or
 * CAPTURE_ERROR for other readers. */
CAPTURE_EXTERN int capture_file_version(capture_reader *r, int *major, int *minor,
                                        int *swapped);

/* For the packet hdr just delivered from a pcap savefile whose sub-second
 * field was out of range (and so carried into ts_sec): 1, with the record's
 * seconds and sub-second fields as the file has them (for libpcap's API,
 * which shows them uncarried); else 0. Call once per packet: it forgets. */
CAPTURE_EXTERN int capture_raw_ts(capture_reader *r, const capture_pkthdr *hdr, uint32_t *sec,
                                  uint32_t *frac);

/* Non-blocking mode; savefiles and dead handles report 0 and ignore the setting.
 * A non-blocking live reader's dispatch returns 0 at once when nothing waits. */
CAPTURE_EXTERN int capture_getnonblock(capture_reader *r);
CAPTURE_EXTERN int capture_setnonblock(capture_reader *r, int nonblock);

/* The DLTs a live reader's device offers, as libpcap offers them (BIOCGDLTLIST,
 * plain Ethernet also as DOCSIS, macOS without the 802.11 types; on Linux:
 * Ethernet also as DOCSIS, "any" as SLL and SLL2), or its one DLT for
 * other readers: the count, with *dlts an array to free with
 * capture_free_datalinks; CAPTURE_ERROR (or _NOT_ACTIVATED) on failure. */
CAPTURE_EXTERN int capture_list_datalinks(capture_reader *r, int **dlts);
/* Frees what capture_list_datalinks() returned. NULL is allowed. */
CAPTURE_EXTERN void capture_free_datalinks(int *dlts);

/* Makes an activated reader deliver packets as dlt, one of those
 * capture_list_datalinks() offers (libpcap's pcap_set_datalink): on Linux
 * the "any" device gives CAPTURE_DLT_LINUX_SLL by default and
 * CAPTURE_DLT_LINUX_SLL2 on request; a BPF device switches with BIOCSDLT
 * (AIX's cannot). 0; CAPTURE_ERROR_NOT_ACTIVATED before activation;
 * CAPTURE_ERROR for a DLT not offered or that the source cannot switch to. */
CAPTURE_EXTERN int capture_set_datalink(capture_reader *r, int dlt);

/* A descriptor to select()/poll() on for readability before dispatch, or -1
 * (with a message) for savefiles and dead handles. */
CAPTURE_EXTERN int capture_getfd(capture_reader *r);

/* Which packets a live reader sees: CAPTURE_D_INOUT, _IN (received) or _OUT
 * (sent). CAPTURE_ERROR with a message where the OS cannot choose so. */
CAPTURE_EXTERN int capture_setdirection(capture_reader *r, int direction);

/* Sends len bytes (a whole link-layer frame, as the DLT says) out of the live
 * reader's interface. 0, or CAPTURE_ERROR with the reason. */
CAPTURE_EXTERN int capture_sendpacket(capture_reader *r, const uint8_t *buf, size_t len);

/* The IPv4 network number and netmask of a live reader's interface, host
 * byte order; 0 when unknown (savefiles, interfaces without IPv4). */
CAPTURE_EXTERN uint32_t capture_getnet(capture_reader *r);
CAPTURE_EXTERN uint32_t capture_getmask(capture_reader *r);

/* Opens a pcap savefile for writing with r's DLT, snaplen and timestamp
 * precision ("-" is standard output). NULL on failure, message in
 * capture_geterr(r). */
CAPTURE_EXTERN capture_dumper *capture_dump_open(capture_reader *r, const char *filename);

/* The last error on r, as one line of text ("" if none); read errors, like
 * open errors, start with the file's name. Valid until the next call on r. */
CAPTURE_EXTERN const char *capture_geterr(capture_reader *r);

/* Closes r and frees everything it owns. NULL is allowed. */
CAPTURE_EXTERN void capture_close(capture_reader *r);

/* ------------------------------------------------------------------ */
/* Dumper                                                              */
/* ------------------------------------------------------------------ */

/* Appends one packet record (caplen bytes of data). Returns 0, or CAPTURE_ERROR
 * once a write has failed (the failure is also reported by capture_dump_close).
 * A record the format cannot hold (ts_sec outside 0..2^32-1, ts_nsec over
 * 999999999) or that readers would cut or stop at (caplen over the snapshot
 * length, or over the DLT's bound: 262144 for most) is refused with
 * CAPTURE_ERROR, never written; later ones are written. */
CAPTURE_EXTERN int capture_dump(capture_dumper *d, const capture_pkthdr *hdr,
                                const uint8_t *data);

/* Writes buffered records to the file. 0, or CAPTURE_ERROR if a write failed. */
CAPTURE_EXTERN int capture_dump_flush(capture_dumper *d);

/* A capture_handler that appends each packet to the dumper passed as user, so
 * that capture_loop(r, -1, capture_dump_handler, d) copies r into d as
 * pcap_dump does with pcap_loop. Failures stay in d: capture_dump_close says. */
CAPTURE_EXTERN void capture_dump_handler(void *user, const capture_pkthdr *hdr,
                                         const uint8_t *data);

/* Flushes, closes and frees d. Returns CAPTURE_ERROR if any write since the
 * open failed (a full disk, say), close() failed or a record was refused, so
 * no loss of data goes unreported. NULL is allowed. */
CAPTURE_EXTERN int capture_dump_close(capture_dumper *d);

/* Bytes written to the file so far, counting the file header (buffered records
 * included); CAPTURE_ERROR once a write has failed. */
CAPTURE_EXTERN int64_t capture_dump_ftell(capture_dumper *d);

/* As capture_dump_close(), also copying the dumper's first failure ("" if none)
 * into errbuf (CAPTURE_ERRBUF_SIZE bytes), since d is gone once it returns. */
CAPTURE_EXTERN int capture_dump_close_errbuf(capture_dumper *d, char *errbuf);

/* The text of the dumper's first failure ("" if none). Valid until it is closed. */
CAPTURE_EXTERN const char *capture_dump_geterr(capture_dumper *d);

/* ------------------------------------------------------------------ */
/* Pkthdr                                                              */
/* ------------------------------------------------------------------ */

/* The timestamp as seconds and microseconds (nanoseconds truncated); either
 * output may be NULL. */
CAPTURE_EXTERN void capture_pkthdr_getts(const capture_pkthdr *h, long *sec, long *usec);
/* Bytes of the packet present in the data. */
CAPTURE_EXTERN uint32_t capture_pkthdr_getcaplen(const capture_pkthdr *h);
/* Bytes of the packet on the wire. */
CAPTURE_EXTERN uint32_t capture_pkthdr_getlen(const capture_pkthdr *h);

/* ------------------------------------------------------------------ */
/* Bpf                                                                 */
/* ------------------------------------------------------------------ */

/* Compiles a pcap-filter(7) expression for linktype (a DLT) into a validated
 * program accepting with snaplen (262144 if <= 0). optimize non-zero runs the
 * optimizer (which refuses "expression rejects all packets"); netmask serves
 * "ip broadcast" (CAPTURE_NETMASK_UNKNOWN if unknown). A NULL filter is the
 * empty expression (accepts every packet). NULL with the reason, the token and
 * its column in errbuf. Thread-safe: no shared state. */
CAPTURE_EXTERN capture_bpf *capture_compile(int linktype, int snaplen, const char *filter, int optimize,
                                           uint32_t netmask, char *errbuf);

/* As capture_compile() for the packets of a savefile, which another OS of
 * either byte order may have written: "ip6" on DLT_NULL and pflog matches
 * every BSD's AF_INET6 (24, 28, 30), the NULL header in both orders, as
 * libpcap master compiles for a savefile. capture_setfilter() uses it there. */
CAPTURE_EXTERN capture_bpf *capture_compile_savefile(int linktype, int snaplen, const char *filter, int optimize,
                                                    uint32_t netmask, char *errbuf);

/* As capture_compile() for the packets r delivers, with its link type and
 * snapshot length: as capture_compile_savefile() on a savefile; on a live
 * Linux capture, whose kernel takes the outer 802.1Q tag out of a packet
 * before filtering it, `vlan` reads that tag from the packet's metadata (as
 * libpcap compiles it there): such a program suits such readers only. */
CAPTURE_EXTERN capture_bpf *capture_compile_for(const capture_reader *r, const char *filter, int optimize,
                                               uint32_t netmask, char *errbuf);

/* Validates n instructions by the rules a BSD kernel applies, with libpcap's
 * limits (up to 4096 instructions, mod and xor allowed), and copies them into
 * a new program. NULL with the offending instruction and the reason in errbuf
 * when they are not a valid program. */
CAPTURE_EXTERN capture_bpf *capture_bpf_from_insns(const struct capture_insn *insns, size_t n,
                                                   char *errbuf);

/* Runs the program over a packet of caplen bytes present and wirelen bytes on
 * the wire, with the semantics of BSD's bpf_filter(). Returns the program's
 * return value: 0 rejects, non-zero accepts (that many bytes). */
CAPTURE_EXTERN uint32_t capture_bpf_filter(const capture_bpf *prog, const uint8_t *packet,
                                           uint32_t wirelen, uint32_t caplen);

/* As capture_bpf_filter() over a packet as a reader delivers it: the lengths
 * come from hdr (len on the wire, caplen present), so they cannot be swapped. */
CAPTURE_EXTERN uint32_t capture_bpf_filter_pkthdr(const capture_bpf *prog,
                                                  const capture_pkthdr *hdr,
                                                  const uint8_t *data);

/* The program's instructions (pcapy get_bpf()): sets *insns (unless NULL) to
 * an array owned by prog and returns how many there are. */
CAPTURE_EXTERN size_t capture_bpf_insns(const capture_bpf *prog,
                                        const struct capture_insn **insns);

/* Disassembles prog as tcpdump prints it: format 1 (-d), 2 (-dd) or 3 (-ddd),
 * byte for byte. Returns a NUL-terminated string the caller frees, or NULL. */
CAPTURE_EXTERN char *capture_bpf_image(const capture_bpf *prog, int format);

/* Disassembles n raw instructions (not validated, so any array libpcap's
 * bpf_dump would print) in format 1, 2 or 3 as capture_bpf_image() does.
 * NULL insns, an unknown format or no memory: NULL. The caller frees. */
CAPTURE_EXTERN char *capture_bpf_image_insns(const struct capture_insn *insns, size_t n,
                                             int format);

/* Writes instruction number pc as one line of tcpdump -d text (no newline)
 * into line (len bytes, cut to fit). 0, or CAPTURE_ERROR for NULL or len 0. */
CAPTURE_EXTERN int capture_bpf_image_line(const struct capture_insn *insn, int pc, char *line,
                                          size_t len);

/* Assembles tcpdump -d text (one "(NNN) op operand ..." line per instruction;
 * trailing "; comments" ignored) into a validated program. NULL with the line
 * and the reason in errbuf when the text is not a valid program. */
CAPTURE_EXTERN capture_bpf *capture_bpf_assemble(const char *text, char *errbuf);

/* Frees prog. NULL is allowed. */
CAPTURE_EXTERN void capture_bpf_free(capture_bpf *prog);

#ifdef __cplusplus
}
#endif

#endif /* CAPTURE_H */
