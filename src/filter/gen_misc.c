/* gen_misc.c - 802.11 frame tests, LLC, DECnet, pflog, ATM and SS7 MTP2/MTP3 fields. */
#include "filter/gen.h"

lcap_cond *lcap_gen_misc(lcap_cc *cc, const lcap_node *n) { return lcap_cc_error(cc, n->col, "not yet"); }
lcap_cond *lcap_gen_dnhost(lcap_cc *cc, uint32_t addr, int dir, int col) { (void)addr; (void)dir; return lcap_cc_error(cc, col, "decnet: not yet"); }
lcap_cond *lcap_gen_wlan_data_check(lcap_cc *cc) { return lcap_gen_mcmp(cc, OR_LINKHDR, 0, 1, 0x08, 0x0c); }
lcap_cond *lcap_gen_wlan_host(lcap_cc *cc, const uint8_t *mac, int dir, int col) { (void)mac; (void)dir; return lcap_cc_error(cc, col, "wlan host: not yet"); }
lcap_cond *lcap_gen_wlan_multicast(lcap_cc *cc) { return lcap_cc_error(cc, 0, "wlan multicast: not yet"); }
lcap_cond *lcap_gen_protochain(lcap_cc *cc, uint32_t v, int proto, int col) { (void)v; (void)proto; return lcap_cc_error(cc, col, "protochain: not yet"); }
