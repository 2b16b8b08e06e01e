/* sniff.h - capsniff's run: opens the capture, applies the filter, prints and copies its packets. */
#ifndef CAPSNIFF_SNIFF_H
#define CAPSNIFF_SNIFF_H

/* What the command line asked for (capsniff.c fills it in). */
struct sniff_opts {
    const char *in;          /* savefile to read, "-" for standard input */
    long count;              /* packets to show, < 0 for all */
    const char *out;         /* -w: copy the packets shown there ("-" is stdout), or NULL */
    const char *filter_path; /* -F: a tcpdump -d listing to filter with, or NULL */
    int link_header;         /* -e: print Ethernet's link-level header too */
};

/* Prints (and with out, copies) the packets o selects. Returns the exit
 * status: 0 when the whole file was read, 1 otherwise (said on stderr). */
int sniff(const struct sniff_opts *o);

#endif
