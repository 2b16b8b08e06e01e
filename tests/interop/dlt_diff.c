/* dlt_diff.c - differential test of the DLT table against libpcap: names both
 * ways for every value and name libpcap knows, and the LINKTYPE -> DLT mapping
 * a savefile reader applies, observed through pcap_open_offline().
 *
 * usage: dlt_diff [scratch-dir]   (default: $LCAP_BUILD or /tmp). Exit 0 when all agree. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "testutil.h"
#include "dlt.h"

static int str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

/* Every value libpcap names (and every value it does not) gives the same
 * answer here, and the names libpcap reports parse back to the same value in
 * both libraries, in any case and with the DLT_ prefix here. */
static int compare_names(void)
{
    int known = 0;
    for (int v = -2; v <= 300; v++) {
        const char *theirs = pcap_datalink_val_to_name(v);
        const char *ours = capture_datalink_val_to_name(v);
        if (theirs == NULL) {
            /* We know more names than libpcap (every DLT of pcap/dlt.h);
             * such a name must at least not be one libpcap gives another value. */
            if (ours != NULL && pcap_datalink_name_to_val(ours) != -1)
                FAIL("value %d: we say %s, which libpcap maps to %d", v, ours,
                     pcap_datalink_name_to_val(ours));
            continue;
        }
        known++;
        if (!str_eq(theirs, ours))
            FAIL("value %d: libpcap names it %s, we say %s", v, theirs, ours ? ours : "(null)");
        if (capture_datalink_val_to_description(v) == NULL)
            FAIL("value %d (%s): no description", v, theirs);
        int a = pcap_datalink_name_to_val(theirs), b = capture_datalink_name_to_val(theirs);
        if (a != b || a != v)
            FAIL("name %s: libpcap gives %d, we give %d (value %d)", theirs, a, b, v);
        char buf[64];
        snprintf(buf, sizeof buf, "dlt_%s", theirs);
        for (char *p = buf; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        if (capture_datalink_name_to_val(buf) != v)
            FAIL("name %s: %d", buf, capture_datalink_name_to_val(buf));
        if (pcap_datalink_name_to_val(buf + 4) != v)
            FAIL("libpcap does not take lower-case %s", buf + 4);
    }
    if (known < 150)
        FAIL("libpcap named only %d values: the oracle looks wrong", known);
    return known;
}

/* The names of every DLT_ macro of pcap/dlt.h on this host, with values, as
 * the compiler sees them: each must be known here with that value. */
static int compare_header_macros(void)
{
    static const struct { const char *name; int v; } macros[] = {
#define M(x) { #x, DLT_##x }
        M(NULL), M(EN10MB), M(EN3MB), M(AX25), M(PRONET), M(CHAOS), M(IEEE802),
        M(ARCNET), M(SLIP), M(PPP), M(FDDI), M(ATM_RFC1483), M(RAW), M(SLIP_BSDOS),
        M(PPP_BSDOS), M(ATM_CLIP), M(REDBACK_SMARTEDGE), M(PPP_SERIAL), M(PPP_ETHER),
        M(SYMANTEC_FIREWALL), M(C_HDLC), M(CHDLC), M(IEEE802_11), M(FRELAY), M(LOOP),
        M(ENC), M(HDLC), M(LINUX_SLL), M(LTALK), M(ECONET), M(IPFILTER), M(PFLOG),
        M(CISCO_IOS), M(PRISM_HEADER), M(AIRONET_HEADER), M(HHDLC), M(IP_OVER_FC),
        M(SUNATM), M(RIO), M(PCI_EXP), M(AURORA), M(IEEE802_11_RADIO), M(TZSP),
        M(ARCNET_LINUX), M(JUNIPER_MLPPP), M(JUNIPER_MLFR), M(JUNIPER_ES),
        M(JUNIPER_GGSN), M(JUNIPER_MFR), M(JUNIPER_ATM2), M(JUNIPER_SERVICES),
        M(JUNIPER_ATM1), M(APPLE_IP_OVER_IEEE1394), M(MTP2_WITH_PHDR), M(MTP2),
        M(MTP3), M(SCCP), M(DOCSIS), M(LINUX_IRDA), M(IBM_SP), M(IBM_SN), M(USER0),
        M(USER1), M(USER2), M(USER3), M(USER4), M(USER5), M(USER6), M(USER7),
        M(USER8), M(USER9), M(USER10), M(USER11), M(USER12), M(USER13), M(USER14),
        M(USER15), M(IEEE802_11_RADIO_AVS), M(JUNIPER_MONITOR), M(BACNET_MS_TP),
        M(PPP_PPPD), M(PPP_WITH_DIRECTION), M(LINUX_PPP_WITHDIRECTION),
        M(JUNIPER_PPPOE), M(JUNIPER_PPPOE_ATM), M(GPRS_LLC), M(GPF_T), M(GPF_F),
        M(GCOM_T1E1), M(GCOM_SERIAL), M(JUNIPER_PIC_PEER), M(ERF_ETH), M(ERF_POS),
        M(LINUX_LAPD), M(JUNIPER_ETHER), M(JUNIPER_PPP), M(JUNIPER_FRELAY),
        M(JUNIPER_CHDLC), M(MFR), M(JUNIPER_VP), M(A429), M(A653_ICM), M(USB),
        M(USB_FREEBSD), M(BLUETOOTH_HCI_H4), M(IEEE802_16_MAC_CPS), M(USB_LINUX),
        M(CAN20B), M(IEEE802_15_4_LINUX), M(PPI), M(IEEE802_16_MAC_CPS_RADIO),
        M(JUNIPER_ISM), M(IEEE802_15_4), M(IEEE802_15_4_WITHFCS), M(SITA), M(ERF),
        M(RAIF1), M(IPMB_KONTRON), M(JUNIPER_ST), M(BLUETOOTH_HCI_H4_WITH_PHDR),
        M(AX25_KISS), M(LAPD), M(PPP_WITH_DIR), M(C_HDLC_WITH_DIR),
        M(FRELAY_WITH_DIR), M(LAPB_WITH_DIR), M(IPMB_LINUX), M(FLEXRAY), M(MOST),
        M(LIN), M(X2E_SERIAL), M(X2E_XORAYA), M(IEEE802_15_4_NONASK_PHY),
        M(LINUX_EVDEV), M(GSMTAP_UM), M(GSMTAP_ABIS), M(MPLS), M(USB_LINUX_MMAPPED),
        M(DECT), M(AOS), M(WIHART), M(FC_2), M(FC_2_WITH_FRAME_DELIMS), M(IPNET),
        M(CAN_SOCKETCAN), M(IPV4), M(IPV6), M(IEEE802_15_4_NOFCS), M(DBUS),
        M(JUNIPER_VS), M(JUNIPER_SRX_E2E), M(JUNIPER_FIBRECHANNEL), M(DVB_CI),
        M(MUX27010), M(STANAG_5066_D_PDU), M(JUNIPER_ATM_CEMIC), M(NFLOG),
        M(NETANALYZER), M(NETANALYZER_TRANSPARENT), M(IPOIB), M(MPEG_2_TS), M(NG40),
        M(NFC_LLCP), M(PFSYNC), M(INFINIBAND), M(SCTP), M(USBPCAP), M(RTAC_SERIAL),
        M(BLUETOOTH_LE_LL), M(WIRESHARK_UPPER_PDU), M(NETLINK),
        M(BLUETOOTH_LINUX_MONITOR), M(BLUETOOTH_BREDR_BB),
        M(BLUETOOTH_LE_LL_WITH_PHDR), M(PROFIBUS_DL), M(PKTAP), M(EPON),
        M(IPMI_HPM_2), M(ZWAVE_R1_R2), M(ZWAVE_R3), M(WATTSTOPPER_DLM), M(ISO_14443),
        M(RDS), M(USB_DARWIN), M(OPENFLOW), M(SDLC), M(TI_LLN_SNIFFER), M(LORATAP),
        M(VSOCK), M(NORDIC_BLE), M(DOCSIS31_XRA31), M(ETHERNET_MPACKET),
        M(DISPLAYPORT_AUX), M(LINUX_SLL2), M(SERCOS_MONITOR), M(OPENVIZSLA),
        M(EBHSCR), M(VPP_DISPATCH), M(DSA_TAG_BRCM), M(DSA_TAG_BRCM_PREPEND),
        M(IEEE802_15_4_TAP), M(DSA_TAG_DSA), M(DSA_TAG_EDSA), M(ELEE),
        M(Z_WAVE_SERIAL), M(USB_2_0), M(ATSC_ALP),
#undef M
    };
    size_t n = sizeof(macros) / sizeof(macros[0]);
    for (size_t i = 0; i < n; i++) {
        int v = capture_datalink_name_to_val(macros[i].name);
        if (v != macros[i].v)
            FAIL("DLT_%s is %d in pcap/dlt.h, we give %d", macros[i].name, macros[i].v, v);
        if (capture_datalink_val_to_name(macros[i].v) == NULL)
            FAIL("DLT_%s (%d): we have no name for the value", macros[i].name, macros[i].v);
        /* libpcap's own answer must not contradict the header. */
        int theirs = pcap_datalink_name_to_val(macros[i].name);
        if (theirs != -1 && theirs != macros[i].v)
            FAIL("libpcap maps %s to %d", macros[i].name, theirs);
    }
    return (int)n;
}

/* A one-packet pcap file with the given LINKTYPE, read back by libpcap. */
static int libpcap_dlt_for_linktype(const char *path, uint32_t linktype)
{
    uint32_t hdr[6] = { 0xa1b2c3d4u, 0x00040002u, 0, 0, 65535, linktype };
    uint32_t rec[4] = { 1700000000u, 0, 4, 4 };
    uint8_t data[4] = { 0, 0, 0, 0 };
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        FAIL("cannot create %s", path);
        return -999;
    }
    if (fwrite(hdr, sizeof hdr, 1, f) != 1 || fwrite(rec, sizeof rec, 1, f) != 1 ||
        fwrite(data, sizeof data, 1, f) != 1) {
        fclose(f);
        FAIL("cannot write %s", path);
        return -999;
    }
    fclose(f);
    char eb[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, eb);
    if (p == NULL)
        return -1000;
    int dlt = pcap_datalink(p);
    pcap_close(p);
    return dlt;
}

/* LINKTYPE of a dump file libpcap writes for a DLT, -1 if it refuses. */
static int libpcap_linktype_for_dlt(const char *path, int dlt)
{
    pcap_t *p = pcap_open_dead(dlt, 65535);
    if (p == NULL)
        return -999;
    pcap_dumper_t *d = pcap_dump_open(p, path);
    int lt = -1;
    if (d != NULL) {
        pcap_dump_close(d);
        uint32_t hdr[6];
        FILE *f = fopen(path, "rb");
        if (f != NULL && fread(hdr, sizeof hdr, 1, f) == 1)
            lt = (int)hdr[5];
        else
            lt = -999;
        if (f != NULL)
            fclose(f);
    }
    pcap_close(p);
    return lt;
}

static void compare_linktypes(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/dlt_diff.%ld.pcap", dir, (long)getpid());
    for (int lt = 0; lt <= 300; lt++) {
        int theirs = libpcap_dlt_for_linktype(path, (uint32_t)lt);
        int ours = lcap_linktype_to_dlt(lt);
        if (theirs != ours)
            FAIL("LINKTYPE %d: libpcap reads it as DLT %d, we map it to %d", lt, theirs, ours);
        int lt_theirs = libpcap_linktype_for_dlt(path, lt);
        int lt_ours = lcap_dlt_to_linktype(lt);
        if (lt_theirs != lt_ours)
            FAIL("DLT %d: libpcap writes LINKTYPE %d, we would write %d", lt, lt_theirs, lt_ours);
        if (lt_ours >= 0 && lcap_max_snaplen_for_dlt(lt) < 262144)
            FAIL("DLT %d: snaplen bound too small", lt);
    }
    remove(path);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("LCAP_BUILD");
    if (dir == NULL)
        dir = "/tmp";
    int known = compare_names();
    int macros = compare_header_macros();
    compare_linktypes(dir);
    printf("dlt_diff: %d values named by libpcap, %d pcap/dlt.h macros, LINKTYPE/DLT 0..300 both ways: %d mismatches\n",
           known, macros, lcap_test_failures);
    return lcap_test_failures == 0 ? 0 : 1;
}
