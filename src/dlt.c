/* dlt.c - the DLT table: names, descriptions, LINKTYPE <-> DLT mapping and per-DLT snapshot bounds. */
/* SPDX-License-Identifier: BSD-2-Clause */
#include "dlt.h"

#include <stddef.h>

#include "capture.h"

/* One link type: the DLT value this OS uses, the LINKTYPE a savefile carries
 * for it (-1: none), its name without "DLT_" and a short description. */
typedef struct dlt_entry {
    int dlt;
    int linktype;
    const char *name;
    const char *desc;
} dlt_entry;

/* Where an OS numbers a link type differently from the default (Linux) table,
 * its entry here replaces the default entry of the same name; dlt -1 means
 * the name does not exist on that OS. Values that capture.h makes public
 * come from there (CAPTURE_DLT_*), so header and table cannot disagree. */
static const dlt_entry os_quirks[] = {
#if defined(__OpenBSD__)
    { CAPTURE_DLT_LOOP, 108, "LOOP", "Loopback with a network-order address family" },
    { CAPTURE_DLT_ENC, 109, "ENC", "IPsec encapsulation (OpenBSD enc)" },
    { CAPTURE_DLT_RAW, 101, "RAW", "Raw IPv4 or IPv6" },
    { CAPTURE_DLT_PFSYNC, 246, "PFSYNC", "OpenBSD pfsync state updates" },
#elif defined(__NetBSD__)
    { CAPTURE_DLT_SLIP_BSDOS, 102, "SLIP_BSDOS", "SLIP as captured on BSD/OS" },
    { CAPTURE_DLT_PPP_BSDOS, 103, "PPP_BSDOS", "PPP as captured on BSD/OS" },
    { 15, -1, "HIPPI", "HIPPI" },
    { 16, 112, "HDLC", "Cisco HDLC as NetBSD frames it" },
    { CAPTURE_DLT_PFSYNC, 246, "PFSYNC", "OpenBSD pfsync state updates" },
#elif defined(__FreeBSD__)
    { CAPTURE_DLT_SLIP_BSDOS, 102, "SLIP_BSDOS", "SLIP as captured on BSD/OS" },
    { CAPTURE_DLT_PPP_BSDOS, 103, "PPP_BSDOS", "PPP as captured on BSD/OS" },
    { CAPTURE_DLT_PFSYNC, 246, "PFSYNC", "OpenBSD pfsync state updates" },
    { -1, -1, "HHDLC", NULL }, /* FreeBSD gave its value to PFSYNC */
#elif defined(__DragonFly__)
    { CAPTURE_DLT_PFSYNC, 246, "PFSYNC", "OpenBSD pfsync state updates" },
#elif defined(__APPLE__)
    { CAPTURE_DLT_PFSYNC, 246, "PFSYNC", "OpenBSD pfsync state updates" },
    { CAPTURE_DLT_PKTAP, 258, "PKTAP", "Apple PKTAP metadata header" }, /* shares USER2's value */
#endif
    { -1, -1, NULL, NULL } /* end; keeps the array non-empty on every OS */
};

/* Every DLT the library knows, by value, with the Linux/default numbering.
 * Names are those libpcap reports, so programs can pass them between both. */
static const dlt_entry dlt_table[] = {
    {   0,   0, "NULL", "BSD loopback with a host-order address family" },
    {   1,   1, "EN10MB", "Ethernet" },
    {   2,   2, "EN3MB", "Experimental 3 Mb/s Ethernet" },
    {   3,   3, "AX25", "Amateur radio AX.25" },
    {   4,   4, "PRONET", "Proteon ProNET token ring" },
    {   5,   5, "CHAOS", "MIT Chaosnet" },
    {   6,   6, "IEEE802", "IEEE 802.5 token ring" },
    {   7,   7, "ARCNET", "ARCNET with BSD headers" },
    {   8,   8, "SLIP", "Serial line IP" },
    {   9,   9, "PPP", "PPP" },
    {  10,  10, "FDDI", "FDDI" },
    {  11, 100, "ATM_RFC1483", "ATM with RFC 1483 LLC/SNAP framing" },
    {  12, 101, "RAW", "Raw IPv4 or IPv6" },
    {  15, 102, "SLIP_BSDOS", "SLIP as captured on BSD/OS" },
    {  16, 103, "PPP_BSDOS", "PPP as captured on BSD/OS" },
    {  19, 106, "ATM_CLIP", "Classical IP over ATM (Linux)" },
    {  32,  -1, "REDBACK_SMARTEDGE", "Redback SmartEdge 400/800 capture" },
    {  50,  50, "PPP_SERIAL", "PPP in HDLC-like framing" },
    {  51,  51, "PPP_ETHER", "PPP over Ethernet session data" },
    {  99,  99, "SYMANTEC_FIREWALL", "Symantec Enterprise Firewall capture" },
    { 104, 104, "C_HDLC", "Cisco HDLC framing" },
    { 105, 105, "IEEE802_11", "IEEE 802.11 wireless frames" },
    { 107, 107, "FRELAY", "Frame Relay" },
    { 108, 108, "LOOP", "Loopback with a network-order address family" },
    { 109, 109, "ENC", "IPsec encapsulation (OpenBSD enc)" },
    { 112, 112, "HDLC", "Cisco HDLC as NetBSD frames it" },
    { 113, 113, "LINUX_SLL", "Linux cooked capture, version 1" },
    { 114, 114, "LTALK", "Apple LocalTalk" },
    { 115, 115, "ECONET", "Acorn Econet" },
    { 116, 116, "IPFILTER", "OpenBSD ipfilter log records" },
    { 117, 117, "PFLOG", "OpenBSD pf firewall log records" },
    { 118, 118, "CISCO_IOS", "Cisco IOS internal capture" },
    { 119, 119, "PRISM_HEADER", "802.11 with a Prism monitor header" },
    { 120, 120, "AIRONET_HEADER", "802.11 with an Aironet header" },
    { 121, 121, "HHDLC", "Siemens HiPath HDLC" },
    { 122, 122, "IP_OVER_FC", "IP over Fibre Channel (RFC 2625)" },
    { 123, 123, "SUNATM", "Solaris SunATM with a pseudo-header" },
    { 124, 124, "RIO", "RapidIO" },
    { 125, 125, "PCI_EXP", "PCI Express" },
    { 126, 126, "AURORA", "Xilinx Aurora link layer" },
    { 127, 127, "IEEE802_11_RADIO", "802.11 with a radiotap header" },
    { 128, 128, "TZSP", "TZSP (TaZmen Sniffer Protocol) encapsulation" },
    { 129, 129, "ARCNET_LINUX", "ARCNET with Linux headers" },
    { 130, 130, "JUNIPER_MLPPP", "Juniper multi-link PPP" },
    { 131, 131, "JUNIPER_MLFR", "Juniper multi-link Frame Relay" },
    { 132, 132, "JUNIPER_ES", "Juniper encryption services" },
    { 133, 133, "JUNIPER_GGSN", "Juniper GGSN" },
    { 134, 134, "JUNIPER_MFR", "Juniper FRF.16 Frame Relay" },
    { 135, 135, "JUNIPER_ATM2", "Juniper ATM2 PIC" },
    { 136, 136, "JUNIPER_SERVICES", "Juniper advanced services" },
    { 137, 137, "JUNIPER_ATM1", "Juniper ATM1 PIC" },
    { 138, 138, "APPLE_IP_OVER_IEEE1394", "Apple IP over FireWire (IEEE 1394)" },
    { 139, 139, "MTP2_WITH_PHDR", "SS7 MTP2 with a pseudo-header" },
    { 140, 140, "MTP2", "SS7 MTP2" },
    { 141, 141, "MTP3", "SS7 MTP3" },
    { 142, 142, "SCCP", "SS7 SCCP" },
    { 143, 143, "DOCSIS", "DOCSIS MAC frames" },
    { 144, 144, "LINUX_IRDA", "Linux IrDA" },
    { 145, 145, "IBM_SP", "IBM SP switch" },
    { 146, 146, "IBM_SN", "IBM Next Federation switch" },
    { 147, 147, "USER0", "Private use 0" },
    { 148, 148, "USER1", "Private use 1" },
    { 149, 149, "USER2", "Private use 2" },
    { 150, 150, "USER3", "Private use 3" },
    { 151, 151, "USER4", "Private use 4" },
    { 152, 152, "USER5", "Private use 5" },
    { 153, 153, "USER6", "Private use 6" },
    { 154, 154, "USER7", "Private use 7" },
    { 155, 155, "USER8", "Private use 8" },
    { 156, 156, "USER9", "Private use 9" },
    { 157, 157, "USER10", "Private use 10" },
    { 158, 158, "USER11", "Private use 11" },
    { 159, 159, "USER12", "Private use 12" },
    { 160, 160, "USER13", "Private use 13" },
    { 161, 161, "USER14", "Private use 14" },
    { 162, 162, "USER15", "Private use 15" },
    { 163, 163, "IEEE802_11_RADIO_AVS", "802.11 with an AVS monitor header" },
    { 164, 164, "JUNIPER_MONITOR", "Juniper passive monitor PIC" },
    { 165, 165, "BACNET_MS_TP", "BACnet MS/TP" },
    { 166, 166, "PPP_PPPD", "PPP with a direction byte (pppd)" },
    { 167, 167, "JUNIPER_PPPOE", "Juniper PPPoE PIC" },
    { 168, 168, "JUNIPER_PPPOE_ATM", "Juniper PPPoE over ATM PIC" },
    { 169, 169, "GPRS_LLC", "GPRS logical link control" },
    { 170, 170, "GPF_T", "Transparent-mapped generic framing procedure" },
    { 171, 171, "GPF_F", "Frame-mapped generic framing procedure" },
    { 172, 172, "GCOM_T1E1", "Gcom T1/E1 line monitor" },
    { 173, 173, "GCOM_SERIAL", "Gcom serial line monitor" },
    { 174, 174, "JUNIPER_PIC_PEER", "Juniper PIC peer" },
    { 175, 175, "ERF_ETH", "Endace ERF header then Ethernet" },
    { 176, 176, "ERF_POS", "Endace ERF header then Packet-over-SONET" },
    { 177, 177, "LINUX_LAPD", "LAPD with a Linux vISDN header" },
    { 178, 178, "JUNIPER_ETHER", "Juniper Ethernet" },
    { 179, 179, "JUNIPER_PPP", "Juniper PPP" },
    { 180, 180, "JUNIPER_FRELAY", "Juniper Frame Relay" },
    { 181, 181, "JUNIPER_CHDLC", "Juniper Cisco HDLC" },
    { 182, 182, "MFR", "FRF.16 multi-link Frame Relay" },
    { 183, 183, "JUNIPER_VP", "Juniper voice PIC" },
    { 184, 184, "A429", "ARINC 429 avionics bus" },
    { 185, 185, "A653_ICM", "ARINC 653 interpartition messages" },
    { 186, 186, "USB_FREEBSD", "USB as FreeBSD captures it" },
    { 187, 187, "BLUETOOTH_HCI_H4", "Bluetooth HCI over a UART (H4)" },
    { 188, 188, "IEEE802_16_MAC_CPS", "IEEE 802.16 MAC common part sublayer" },
    { 189, 189, "USB_LINUX", "USB with a Linux usbmon header" },
    { 190, 190, "CAN20B", "CAN 2.0B frames" },
    { 191, 191, "IEEE802_15_4_LINUX", "IEEE 802.15.4 as Linux frames it" },
    { 192, 192, "PPI", "Per-Packet Information header" },
    { 193, 193, "IEEE802_16_MAC_CPS_RADIO", "IEEE 802.16 MAC with a radio header" },
    { 194, 194, "JUNIPER_ISM", "Juniper integrated service module" },
    { 195, 195, "IEEE802_15_4", "IEEE 802.15.4 with its FCS" },
    { 196, 196, "SITA", "SITA link with a pseudo-header" },
    { 197, 197, "ERF", "Endace ERF records" },
    { 198, 198, "RAIF1", "Ethernet with an RAIF1 header" },
    { 199, 199, "IPMB_KONTRON", "IPMB with a Kontron pseudo-header" },
    { 200, 200, "JUNIPER_ST", "Juniper secure tunnel" },
    { 201, 201, "BLUETOOTH_HCI_H4_WITH_PHDR", "Bluetooth HCI H4 with a direction header" },
    { 202, 202, "AX25_KISS", "AX.25 in KISS framing" },
    { 203, 203, "LAPD", "ISDN LAPD (Q.921)" },
    { 204, 204, "PPP_WITH_DIR", "PPP with a direction byte" },
    { 205, 205, "C_HDLC_WITH_DIR", "Cisco HDLC with a direction byte" },
    { 206, 206, "FRELAY_WITH_DIR", "Frame Relay with a direction byte" },
    { 207, 207, "LAPB_WITH_DIR", "LAPB with a direction byte" },
    { 209, 209, "IPMB_LINUX", "IPMB as the Linux i2c layer gives it" },
    { 210, 210, "FLEXRAY", "FlexRay automotive bus" },
    { 211, 211, "MOST", "MOST automotive bus" },
    { 212, 212, "LIN", "LIN automotive bus" },
    { 213, 213, "X2E_SERIAL", "X2E serial line capture" },
    { 214, 214, "X2E_XORAYA", "X2E Xoraya data logger" },
    { 215, 215, "IEEE802_15_4_NONASK_PHY", "IEEE 802.15.4 with PHY octets (non-ASK)" },
    { 216, 216, "LINUX_EVDEV", "Linux input event device records" },
    { 217, 217, "GSMTAP_UM", "GSM Um interface in GSMTAP" },
    { 218, 218, "GSMTAP_ABIS", "GSM Abis interface in GSMTAP" },
    { 219, 219, "MPLS", "MPLS label stack first" },
    { 220, 220, "USB_LINUX_MMAPPED", "USB with a padded Linux usbmon header" },
    { 221, 221, "DECT", "DECT radio" },
    { 222, 222, "AOS", "CCSDS AOS space data link" },
    { 223, 223, "WIHART", "WirelessHART" },
    { 224, 224, "FC_2", "Fibre Channel FC-2 frames" },
    { 225, 225, "FC_2_WITH_FRAME_DELIMS", "Fibre Channel FC-2 with frame delimiters" },
    { 226, 226, "IPNET", "Solaris ipnet" },
    { 227, 227, "CAN_SOCKETCAN", "CAN frames as Linux SocketCAN gives them" },
    { 228, 228, "IPV4", "Raw IPv4" },
    { 229, 229, "IPV6", "Raw IPv6" },
    { 230, 230, "IEEE802_15_4_NOFCS", "IEEE 802.15.4 without FCS" },
    { 231, 231, "DBUS", "D-Bus messages" },
    { 232, 232, "JUNIPER_VS", "Juniper virtual server" },
    { 233, 233, "JUNIPER_SRX_E2E", "Juniper SRX end-to-end debug" },
    { 234, 234, "JUNIPER_FIBRECHANNEL", "Juniper Fibre Channel" },
    { 235, 235, "DVB_CI", "DVB common interface" },
    { 236, 236, "MUX27010", "3GPP TS 27.010 multiplexer" },
    { 237, 237, "STANAG_5066_D_PDU", "STANAG 5066 data PDUs" },
    { 238, 238, "JUNIPER_ATM_CEMIC", "Juniper ATM CEMIC" },
    { 239, 239, "NFLOG", "Linux netfilter log messages" },
    { 240, 240, "NETANALYZER", "Ethernet with a Hilscher netANALYZER header" },
    { 241, 241, "NETANALYZER_TRANSPARENT", "Hilscher netANALYZER with preamble and SFD" },
    { 242, 242, "IPOIB", "IP over InfiniBand" },
    { 243, 243, "MPEG_2_TS", "MPEG-2 transport stream" },
    { 244, 244, "NG40", "ng40 protocol tester" },
    { 245, 245, "NFC_LLCP", "NFC logical link control" },
    { 246, 246, "PFSYNC", "OpenBSD pfsync state updates" },
    { 247, 247, "INFINIBAND", "InfiniBand" },
    { 248, 248, "SCTP", "SCTP packets without an IP header" },
    { 249, 249, "USBPCAP", "USB as Windows USBPcap captures it" },
    { 250, 250, "RTAC_SERIAL", "SEL RTAC serial line" },
    { 251, 251, "BLUETOOTH_LE_LL", "Bluetooth Low Energy link layer" },
    { 252, 252, "WIRESHARK_UPPER_PDU", "Wireshark upper-layer PDU export" },
    { 253, 253, "NETLINK", "Linux netlink messages" },
    { 254, 254, "BLUETOOTH_LINUX_MONITOR", "Bluetooth traffic from the Linux monitor socket" },
    { 255, 255, "BLUETOOTH_BREDR_BB", "Bluetooth BR/EDR baseband" },
    { 256, 256, "BLUETOOTH_LE_LL_WITH_PHDR", "Bluetooth LE link layer with a pseudo-header" },
    { 257, 257, "PROFIBUS_DL", "PROFIBUS data link" },
    { 258, 258, "PKTAP", "Apple PKTAP metadata header" },
    { 259, 259, "EPON", "Ethernet passive optical network" },
    { 260, 260, "IPMI_HPM_2", "IPMI HPM.2 trace" },
    { 261, 261, "ZWAVE_R1_R2", "Z-Wave radio, R1 and R2 rates" },
    { 262, 262, "ZWAVE_R3", "Z-Wave radio, R3 rate" },
    { 263, 263, "WATTSTOPPER_DLM", "WattStopper digital lighting management" },
    { 264, 264, "ISO_14443", "ISO 14443 contactless card messages" },
    { 265, 265, "RDS", "IEC 62106 radio data system groups" },
    { 266, 266, "USB_DARWIN", "USB as macOS captures it" },
    { 267, 267, "OPENFLOW", "OpenFlow messages" },
    { 268, 268, "SDLC", "IBM SDLC frames" },
    { 269, 269, "TI_LLN_SNIFFER", "TI low-power wireless sniffer records" },
    { 270, 270, "LORATAP", "LoRaWAN with a LoRaTap header" },
    { 271, 271, "VSOCK", "Linux vsock traffic" },
    { 272, 272, "NORDIC_BLE", "Bluetooth LE from a Nordic sniffer" },
    { 273, 273, "DOCSIS31_XRA31", "DOCSIS 3.1 from an Excentis XRA-31" },
    { 274, 274, "ETHERNET_MPACKET", "802.3br mPackets with preamble" },
    { 275, 275, "DISPLAYPORT_AUX", "DisplayPort AUX channel" },
    { 276, 276, "LINUX_SLL2", "Linux cooked capture, version 2" },
    { 277, 277, "SERCOS_MONITOR", "Sercos monitor" },
    { 278, 278, "OPENVIZSLA", "OpenVizsla USB sniffer" },
    { 279, 279, "EBHSCR", "Elektrobit high-speed capture and replay" },
    { 280, 280, "VPP_DISPATCH", "fd.io VPP graph dispatch trace" },
    { 281, 281, "DSA_TAG_BRCM", "Ethernet with a Broadcom switch tag" },
    { 282, 282, "DSA_TAG_BRCM_PREPEND", "Ethernet after a prepended Broadcom switch tag" },
    { 283, 283, "IEEE802_15_4_TAP", "IEEE 802.15.4 with TAP metadata" },
    { 284, 284, "DSA_TAG_DSA", "Ethernet with a Marvell DSA switch tag" },
    { 285, 285, "DSA_TAG_EDSA", "Ethernet with a Marvell EDSA switch tag" },
    { 286, 286, "ELEE", "ELEE lawful intercept" },
    { 287, 287, "Z_WAVE_SERIAL", "Z-Wave serial API frames" },
    { 288, 288, "USB_2_0", "USB 2.0 packets on the wire" },
    { 289, 289, "ATSC_ALP", "ATSC 3.0 link-layer protocol" },
};

/* Other names accepted for a value; capture_datalink_val_to_name() never
 * returns them. */
static const struct {
    const char *name;
    int dlt;
} dlt_aliases[] = {
    { "CHDLC", 104 },
    { "PPP_WITH_DIRECTION", 166 },
    { "LINUX_PPP_WITHDIRECTION", 166 },
    { "USB", 186 },
    { "IEEE802_15_4_WITHFCS", 195 },
};

/* Link types whose records may exceed the usual 256 KiB bound. */
static const struct {
    int dlt;
    uint32_t max;
} big_snaplens[] = {
    { 231, 128u * 1024 * 1024 }, /* D-Bus messages can be up to 128 MiB */
    { 249, 1024u * 1024 },       /* USBPcap transfers */
    { 279, 8u * 1024 * 1024 },   /* EBHSCR records */
};

/* The bound for all other link types, as libpcap applies it. */
#define LCAP_DEFAULT_MAX_SNAPLEN 262144u

/* The range where, by convention, a LINKTYPE equals its DLT even when this
 * table has no entry for it. */
#define LCAP_MATCHING_MIN 104
#define LCAP_MATCHING_MAX 289

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ASCII case-insensitive equality, independent of the locale. */
static int name_eq(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'a' && x <= 'z')
            x = (unsigned char)(x - 'a' + 'A');
        if (y >= 'a' && y <= 'z')
            y = (unsigned char)(y - 'a' + 'A');
        if (x != y)
            return 0;
        if (x == '\0')
            return 1;
    }
}

/* True when an OS quirk replaces this default entry. */
static int shadowed(const dlt_entry *e)
{
    for (size_t i = 0; os_quirks[i].name != NULL; i++)
        if (name_eq(os_quirks[i].name, e->name))
            return 1;
    return 0;
}

/* The entry this OS uses for a DLT value, or NULL. */
static const dlt_entry *by_dlt(int dlt)
{
    if (dlt < 0)
        return NULL;
    for (size_t i = 0; os_quirks[i].name != NULL; i++)
        if (os_quirks[i].dlt == dlt)
            return &os_quirks[i];
    for (size_t i = 0; i < NELEMS(dlt_table); i++)
        if (dlt_table[i].dlt == dlt && !shadowed(&dlt_table[i]))
            return &dlt_table[i];
    return NULL;
}

int capture_datalink_name_to_val(const char *name)
{
    if (name == NULL)
        return -1;
    if ((name[0] == 'D' || name[0] == 'd') && (name[1] == 'L' || name[1] == 'l') &&
        (name[2] == 'T' || name[2] == 't') && name[3] == '_')
        name += 4;
    for (size_t i = 0; os_quirks[i].name != NULL; i++)
        if (name_eq(os_quirks[i].name, name))
            return os_quirks[i].dlt;
    for (size_t i = 0; i < NELEMS(dlt_table); i++)
        if (name_eq(dlt_table[i].name, name))
            return dlt_table[i].dlt;
    for (size_t i = 0; i < NELEMS(dlt_aliases); i++)
        if (name_eq(dlt_aliases[i].name, name))
            return dlt_aliases[i].dlt;
    return -1;
}

const char *capture_datalink_val_to_name(int dlt)
{
    const dlt_entry *e = by_dlt(dlt);
    return e != NULL ? e->name : NULL;
}

const char *capture_datalink_val_to_description(int dlt)
{
    const dlt_entry *e = by_dlt(dlt);
    return e != NULL ? e->desc : NULL;
}

int lcap_linktype_to_dlt(int linktype)
{
    /* Only the entries whose two numbers differ say anything: every other
     * LINKTYPE is read as the DLT of the same value, as libpcap does (old
     * files sometimes carry a DLT where the LINKTYPE belongs). */
    if (linktype < 0)
        return linktype;
    for (size_t i = 0; os_quirks[i].name != NULL; i++)
        if (os_quirks[i].linktype == linktype && os_quirks[i].dlt >= 0)
            return os_quirks[i].dlt;
    for (size_t i = 0; i < NELEMS(dlt_table); i++) {
        const dlt_entry *e = &dlt_table[i];
        if (e->linktype == linktype && e->dlt != linktype && !shadowed(e))
            return e->dlt;
    }
    return linktype;
}

int lcap_dlt_to_linktype(int dlt)
{
    const dlt_entry *e = by_dlt(dlt);
    if (e != NULL)
        return e->linktype;
    if (dlt >= LCAP_MATCHING_MIN && dlt <= LCAP_MATCHING_MAX)
        return dlt;
    return -1;
}

uint32_t lcap_max_snaplen_for_dlt(int dlt)
{
    for (size_t i = 0; i < NELEMS(big_snaplens); i++)
        if (big_snaplens[i].dlt == dlt)
            return big_snaplens[i].max;
    return LCAP_DEFAULT_MAX_SNAPLEN;
}

int capture_dlt_to_linktype(int dlt)
{
    return lcap_dlt_to_linktype(dlt);
}
