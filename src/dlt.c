/* dlt.c - PLACEHOLDER until the DLT table lands. */
#include "dlt.h"
#include "capture.h"
int lcap_linktype_to_dlt(int linktype) { return linktype; }
int lcap_dlt_to_linktype(int dlt) { return dlt; }
uint32_t lcap_max_snaplen_for_dlt(int dlt) { (void)dlt; return 262144; }
int capture_datalink_name_to_val(const char *name) { (void)name; return -1; }
const char *capture_datalink_val_to_name(int dlt) { (void)dlt; return NULL; }
const char *capture_datalink_val_to_description(int dlt) { (void)dlt; return NULL; }
