/* abi_layout.c - built against system libpcap and against libcapture-pcap: prints the public structs' sizes and offsets and the ABI constants, which must match for the drop-in libpcap.so.0.8. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <pcap/pcap.h>

#include <stddef.h>
#include <stdio.h>

/* One row per field a program compiled against libpcap reads or writes. */
#define FIELD(type, member) \
    printf("%s.%s %zu %zu\n", #type, #member, offsetof(type, member), sizeof(((type *)0)->member))
#define SIZE(type) printf("sizeof %s %zu\n", #type, sizeof(type))
#define VALUE(name) printf("%s %lld\n", #name, (long long)(name))

int main(void)
{
    SIZE(struct pcap_pkthdr);
    FIELD(struct pcap_pkthdr, ts);
    FIELD(struct pcap_pkthdr, caplen);
    FIELD(struct pcap_pkthdr, len);
    SIZE(struct pcap_stat);
    FIELD(struct pcap_stat, ps_recv);
    FIELD(struct pcap_stat, ps_drop);
    FIELD(struct pcap_stat, ps_ifdrop);
    SIZE(struct pcap_file_header);
    FIELD(struct pcap_file_header, magic);
    FIELD(struct pcap_file_header, version_major);
    FIELD(struct pcap_file_header, version_minor);
    FIELD(struct pcap_file_header, thiszone);
    FIELD(struct pcap_file_header, sigfigs);
    FIELD(struct pcap_file_header, snaplen);
    FIELD(struct pcap_file_header, linktype);
    SIZE(struct bpf_insn);
    FIELD(struct bpf_insn, code);
    FIELD(struct bpf_insn, jt);
    FIELD(struct bpf_insn, jf);
    FIELD(struct bpf_insn, k);
    SIZE(struct bpf_program);
    FIELD(struct bpf_program, bf_len);
    FIELD(struct bpf_program, bf_insns);
    SIZE(pcap_direction_t);
    VALUE(PCAP_D_INOUT);
    VALUE(PCAP_D_IN);
    VALUE(PCAP_D_OUT);
    VALUE(PCAP_ERRBUF_SIZE);
    VALUE(PCAP_VERSION_MAJOR);
    VALUE(PCAP_VERSION_MINOR);
    VALUE(PCAP_NETMASK_UNKNOWN);
    VALUE(PCAP_TSTAMP_PRECISION_MICRO);
    VALUE(PCAP_TSTAMP_PRECISION_NANO);
    VALUE(BPF_MEMWORDS);
    VALUE(PCAP_ERROR);
    VALUE(PCAP_ERROR_BREAK);
    VALUE(PCAP_ERROR_NOT_ACTIVATED);
    VALUE(PCAP_ERROR_ACTIVATED);
    VALUE(PCAP_ERROR_NO_SUCH_DEVICE);
    VALUE(PCAP_ERROR_RFMON_NOTSUP);
    VALUE(PCAP_ERROR_NOT_RFMON);
    VALUE(PCAP_ERROR_PERM_DENIED);
    VALUE(PCAP_ERROR_IFACE_NOT_UP);
    VALUE(PCAP_ERROR_CANTSET_TSTAMP_TYPE);
    VALUE(PCAP_ERROR_PROMISC_PERM_DENIED);
    VALUE(PCAP_ERROR_TSTAMP_PRECISION_NOTSUP);
    VALUE(PCAP_WARNING);
    VALUE(PCAP_WARNING_PROMISC_NOTSUP);
    VALUE(PCAP_WARNING_TSTAMP_TYPE_NOTSUP);
    return 0;
}
