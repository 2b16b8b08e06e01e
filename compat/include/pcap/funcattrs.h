/* pcap/funcattrs.h - libcapture-pcap: the function attribute macros of libpcap's API (PCAP_API and friends), which programs also use on their own functions. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIBCAPTURE_PCAP_FUNCATTRS_H
#define LIBCAPTURE_PCAP_FUNCATTRS_H

#include <pcap/compiler-tests.h>

/* Exported from the library (built with hidden visibility by default). */
#ifndef PCAP_API
#if defined(__GNUC__) || defined(__clang__)
#define PCAP_API __attribute__((visibility("default")))
#else
#define PCAP_API
#endif
#endif
#define PCAP_API_DEF PCAP_API

/* A function that does not return, declared and defined. */
#if __has_attribute(noreturn) || PCAP_IS_AT_LEAST_GNUC_VERSION(2, 5)
#define PCAP_NORETURN __attribute__((noreturn))
#else
#define PCAP_NORETURN
#endif
#define PCAP_NORETURN_DEF PCAP_NORETURN

/* printf-style format checking of argument x against format argument y... */
#if __has_attribute(__format__) || PCAP_IS_AT_LEAST_GNUC_VERSION(2, 3)
#define PCAP_PRINTFLIKE(x, y) __attribute__((__format__(__printf__, x, y)))
#else
#define PCAP_PRINTFLIKE(x, y)
#endif
/* ...and on the format parameter itself (an MSVC annotation elsewhere). */
#define PCAP_FORMAT_STRING(p) p

/* A deprecated function, with the message the compiler shows. */
#if __has_attribute(deprecated) || PCAP_IS_AT_LEAST_GNUC_VERSION(4, 5)
#define PCAP_DEPRECATED(func, msg) __attribute__((deprecated(msg)))
#else
#define PCAP_DEPRECATED(func, msg)
#endif

#endif
