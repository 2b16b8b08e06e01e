/* gen_tunnel.c - vlan, mpls, pppoed/pppoes, geneve and vxlan: tests that also move the
 * offsets of everything after them, as libpcap does. */
#include "filter/gen.h"

lcap_cond *lcap_gen_vlan(lcap_cc *cc, const lcap_node *n) { return lcap_cc_error(cc, n->col, "vlan: not yet"); }
lcap_cond *lcap_gen_mpls(lcap_cc *cc, const lcap_node *n) { return lcap_cc_error(cc, n->col, "mpls: not yet"); }
lcap_cond *lcap_gen_pppoed(lcap_cc *cc, const lcap_node *n) { return lcap_cc_error(cc, n->col, "pppoed: not yet"); }
lcap_cond *lcap_gen_pppoes(lcap_cc *cc, const lcap_node *n) { return lcap_cc_error(cc, n->col, "pppoes: not yet"); }
lcap_cond *lcap_gen_geneve(lcap_cc *cc, const lcap_node *n) { return lcap_cc_error(cc, n->col, "geneve: not yet"); }
lcap_cond *lcap_gen_vxlan(lcap_cc *cc, const lcap_node *n) { return lcap_cc_error(cc, n->col, "vxlan: not yet"); }
