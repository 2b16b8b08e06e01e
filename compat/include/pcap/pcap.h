/* pcap/pcap.h - libcapture-pcap: libpcap's API (the part this layer provides) on top of libcapture. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIBCAPTURE_PCAP_PCAP_H
#define LIBCAPTURE_PCAP_PCAP_H

#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>
#include <sys/types.h>

#include <pcap/bpf.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The savefile format version this layer writes. */
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4

#define PCAP_ERRBUF_SIZE 256

typedef struct pcap pcap_t;
typedef struct pcap_dumper pcap_dumper_t;

/* The header at the start of a pcap savefile. */
struct pcap_file_header {
    bpf_u_int32 magic;
    unsigned short version_major;
    unsigned short version_minor;
    bpf_int32 thiszone;
    bpf_u_int32 sigfigs;
    bpf_u_int32 snaplen;
    bpf_u_int32 linktype;
};

typedef enum { PCAP_D_INOUT = 0, PCAP_D_IN, PCAP_D_OUT } pcap_direction_t;

/* Per-packet header; ts.tv_usec holds nanoseconds on a nanosecond-precision handle. */
struct pcap_pkthdr {
    struct timeval ts;
    bpf_u_int32 caplen;
    bpf_u_int32 len;
};

struct pcap_stat {
    unsigned int ps_recv;
    unsigned int ps_drop;
    unsigned int ps_ifdrop;
};

/* The interface list of pcap_findalldevs: each interface and its addresses. */
typedef struct pcap_if pcap_if_t;
typedef struct pcap_addr pcap_addr_t;
struct sockaddr;
struct pcap_if {
    struct pcap_if *next;
    char *name;
    char *description;     /* NULL when there is none */
    struct pcap_addr *addresses;
    bpf_u_int32 flags;     /* PCAP_IF_* */
};
#define PCAP_IF_LOOPBACK 0x00000001
#define PCAP_IF_UP 0x00000002
#define PCAP_IF_RUNNING 0x00000004
#define PCAP_IF_WIRELESS 0x00000008
#define PCAP_IF_CONNECTION_STATUS 0x00000030
#define PCAP_IF_CONNECTION_STATUS_UNKNOWN 0x00000000
#define PCAP_IF_CONNECTION_STATUS_CONNECTED 0x00000010
#define PCAP_IF_CONNECTION_STATUS_DISCONNECTED 0x00000020
#define PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE 0x00000030
struct pcap_addr {
    struct pcap_addr *next;
    struct sockaddr *addr, *netmask, *broadaddr, *dstaddr; /* any may be NULL */
};

/* pcap_init's options. */
#define PCAP_CHAR_ENC_LOCAL 0x00000000U
#define PCAP_CHAR_ENC_UTF_8 0x00000001U

typedef void (*pcap_handler)(unsigned char *user, const struct pcap_pkthdr *h,
                             const unsigned char *bytes);

#define PCAP_ERROR -1
#define PCAP_ERROR_BREAK -2
#define PCAP_ERROR_NOT_ACTIVATED -3
#define PCAP_ERROR_ACTIVATED -4
#define PCAP_ERROR_NO_SUCH_DEVICE -5
#define PCAP_ERROR_RFMON_NOTSUP -6
#define PCAP_ERROR_NOT_RFMON -7
#define PCAP_ERROR_PERM_DENIED -8
#define PCAP_ERROR_IFACE_NOT_UP -9
#define PCAP_ERROR_CANTSET_TSTAMP_TYPE -10
#define PCAP_ERROR_PROMISC_PERM_DENIED -11
#define PCAP_ERROR_TSTAMP_PRECISION_NOTSUP -12

#define PCAP_WARNING 1
#define PCAP_WARNING_PROMISC_NOTSUP 2
#define PCAP_WARNING_TSTAMP_TYPE_NOTSUP 3

#define PCAP_NETMASK_UNKNOWN 0xffffffff

#define PCAP_TSTAMP_PRECISION_MICRO 0
#define PCAP_TSTAMP_PRECISION_NANO 1

/* Time stamp types (pcap_set_tstamp_type); libcapture-pcap offers PCAP_TSTAMP_HOST. */
#define PCAP_TSTAMP_HOST 0
#define PCAP_TSTAMP_HOST_LOWPREC 1
#define PCAP_TSTAMP_HOST_HIPREC 2
#define PCAP_TSTAMP_ADAPTER 3
#define PCAP_TSTAMP_ADAPTER_UNSYNCED 4
#define PCAP_TSTAMP_HOST_HIPREC_UNSYNCED 5

/* Library and error text. */
PCAP_API const char *pcap_lib_version(void);
PCAP_API const char *pcap_strerror(int errnum);
PCAP_API const char *pcap_statustostr(int status);
PCAP_API char *pcap_geterr(pcap_t *p);
PCAP_API void pcap_perror(pcap_t *p, const char *prefix);

/* Live captures. */
PCAP_API int pcap_init(unsigned int opts, char *errbuf);
PCAP_API pcap_t *pcap_create(const char *device, char *errbuf);
PCAP_API int pcap_set_snaplen(pcap_t *p, int snaplen);
PCAP_API int pcap_set_promisc(pcap_t *p, int promisc);
PCAP_API int pcap_can_set_rfmon(pcap_t *p);
PCAP_API int pcap_set_rfmon(pcap_t *p, int rfmon);
PCAP_API int pcap_set_timeout(pcap_t *p, int to_ms);
PCAP_API int pcap_set_immediate_mode(pcap_t *p, int immediate);
PCAP_API int pcap_set_buffer_size(pcap_t *p, int buffer_size);
PCAP_API int pcap_set_tstamp_precision(pcap_t *p, int precision);
PCAP_API int pcap_activate(pcap_t *p);
#ifdef __linux__
/* The one link-level protocol (EtherType, host byte order; 0 all) to capture. */
PCAP_API int pcap_set_protocol_linux(pcap_t *p, int protocol);
#endif
PCAP_API pcap_t *pcap_open_live(const char *device, int snaplen, int promisc, int to_ms, char *errbuf);
PCAP_API int pcap_findalldevs(pcap_if_t **alldevs, char *errbuf);
PCAP_API void pcap_freealldevs(pcap_if_t *alldevs);
#if defined(__GNUC__) || defined(__clang__)
__attribute__((deprecated("use 'pcap_findalldevs' and use the first device")))
#endif
PCAP_API char *pcap_lookupdev(char *errbuf);
PCAP_API int pcap_lookupnet(const char *device, bpf_u_int32 *netp, bpf_u_int32 *maskp, char *errbuf);
PCAP_API int pcap_stats(pcap_t *p, struct pcap_stat *ps);
PCAP_API int pcap_setdirection(pcap_t *p, pcap_direction_t d);
PCAP_API int pcap_inject(pcap_t *p, const void *buf, size_t size);
PCAP_API int pcap_sendpacket(pcap_t *p, const unsigned char *buf, int size);
PCAP_API int pcap_get_selectable_fd(pcap_t *p);
PCAP_API const struct timeval *pcap_get_required_select_timeout(pcap_t *p);
PCAP_API int pcap_getnonblock(pcap_t *p, char *errbuf);
PCAP_API int pcap_setnonblock(pcap_t *p, int nonblock, char *errbuf);
PCAP_API int pcap_set_datalink(pcap_t *p, int dlt);
PCAP_API int pcap_bufsize(pcap_t *p);

/* Savefiles and dead handles. */
PCAP_API pcap_t *pcap_open_offline(const char *fname, char *errbuf);
PCAP_API pcap_t *pcap_open_offline_with_tstamp_precision(const char *fname, unsigned int precision,
                                                         char *errbuf);
PCAP_API pcap_t *pcap_fopen_offline(FILE *fp, char *errbuf);
PCAP_API pcap_t *pcap_fopen_offline_with_tstamp_precision(FILE *fp, unsigned int precision,
                                                          char *errbuf);
PCAP_API FILE *pcap_file(pcap_t *p);
PCAP_API int pcap_fileno(pcap_t *p);
PCAP_API pcap_t *pcap_open_dead(int linktype, int snaplen);
PCAP_API pcap_t *pcap_open_dead_with_tstamp_precision(int linktype, int snaplen,
                                                      unsigned int precision);
PCAP_API void pcap_close(pcap_t *p);

/* Reading. */
PCAP_API int pcap_loop(pcap_t *p, int cnt, pcap_handler cb, unsigned char *user);
PCAP_API int pcap_dispatch(pcap_t *p, int cnt, pcap_handler cb, unsigned char *user);
PCAP_API const unsigned char *pcap_next(pcap_t *p, struct pcap_pkthdr *h);
PCAP_API int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **h, const unsigned char **data);
PCAP_API void pcap_breakloop(pcap_t *p);

/* Properties. */
PCAP_API int pcap_datalink(pcap_t *p);
PCAP_API int pcap_datalink_ext(pcap_t *p);
PCAP_API int pcap_snapshot(pcap_t *p);
PCAP_API int pcap_is_swapped(pcap_t *p);
PCAP_API int pcap_major_version(pcap_t *p);
PCAP_API int pcap_minor_version(pcap_t *p);
PCAP_API int pcap_get_tstamp_precision(pcap_t *p);
PCAP_API int pcap_list_datalinks(pcap_t *p, int **dlts);
PCAP_API void pcap_free_datalinks(int *dlts);

/* Time stamp types. */
PCAP_API int pcap_set_tstamp_type(pcap_t *p, int tstamp_type);
PCAP_API int pcap_list_tstamp_types(pcap_t *p, int **tstamp_types);
PCAP_API void pcap_free_tstamp_types(int *tstamp_types);
PCAP_API int pcap_tstamp_type_name_to_val(const char *name);
PCAP_API const char *pcap_tstamp_type_val_to_name(int tstamp_type);
PCAP_API const char *pcap_tstamp_type_val_to_description(int tstamp_type);

/* Link-type names. */
PCAP_API int pcap_datalink_name_to_val(const char *name);
PCAP_API const char *pcap_datalink_val_to_name(int dlt);
PCAP_API const char *pcap_datalink_val_to_description(int dlt);
PCAP_API const char *pcap_datalink_val_to_description_or_dlt(int dlt);

/* Filters. */
PCAP_API int pcap_compile(pcap_t *p, struct bpf_program *fp, const char *str, int optimize,
                          bpf_u_int32 netmask);
PCAP_API int pcap_compile_nopcap(int snaplen, int linktype, struct bpf_program *fp,
                                 const char *str, int optimize, bpf_u_int32 netmask);
PCAP_API void pcap_freecode(struct bpf_program *fp);
PCAP_API int pcap_setfilter(pcap_t *p, struct bpf_program *fp);
PCAP_API int pcap_offline_filter(const struct bpf_program *fp, const struct pcap_pkthdr *h,
                                 const unsigned char *pkt);

/* Writing savefiles. */
PCAP_API pcap_dumper_t *pcap_dump_open(pcap_t *p, const char *fname);
PCAP_API pcap_dumper_t *pcap_dump_fopen(pcap_t *p, FILE *fp);
PCAP_API pcap_dumper_t *pcap_dump_open_append(pcap_t *p, const char *fname);
PCAP_API FILE *pcap_dump_file(pcap_dumper_t *d);
PCAP_API void pcap_dump(unsigned char *user, const struct pcap_pkthdr *h, const unsigned char *sp);
PCAP_API int pcap_dump_flush(pcap_dumper_t *d);
PCAP_API long pcap_dump_ftell(pcap_dumper_t *d);
PCAP_API int64_t pcap_dump_ftell64(pcap_dumper_t *d);
PCAP_API void pcap_dump_close(pcap_dumper_t *d);

#ifdef __cplusplus
}
#endif

#endif
