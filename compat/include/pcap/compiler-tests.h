/* pcap/compiler-tests.h - libcapture-pcap: compiler version tests under libpcap's names, for programs (and pcap/funcattrs.h) that pick attributes with them. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIBCAPTURE_PCAP_COMPILER_TESTS_H
#define LIBCAPTURE_PCAP_COMPILER_TESTS_H

/* True when the compiler is GCC (or claims to be) at least major.minor. */
#if defined(__GNUC__)
#define PCAP_IS_AT_LEAST_GNUC_VERSION(major, minor) \
    (__GNUC__ > (major) || (__GNUC__ == (major) && __GNUC_MINOR__ >= (minor)))
#else
#define PCAP_IS_AT_LEAST_GNUC_VERSION(major, minor) 0
#endif

/* True when the compiler is clang at least major.minor. */
#if defined(__clang__)
#define PCAP_IS_AT_LEAST_CLANG_VERSION(major, minor) \
    (__clang_major__ > (major) || (__clang_major__ == (major) && __clang_minor__ >= (minor)))
#else
#define PCAP_IS_AT_LEAST_CLANG_VERSION(major, minor) 0
#endif

/* Compilers this layer is not built with answer no. */
#define PCAP_IS_AT_LEAST_SUNC_VERSION(major, minor) 0
#define PCAP_IS_AT_LEAST_XL_C_VERSION(major, minor) 0
#define PCAP_IS_AT_LEAST_HP_C_VERSION(major, minor) 0

/* Compilers without __has_attribute have none of the attributes it asks about. */
#ifndef __has_attribute
#define __has_attribute(x) 0
#endif

#endif
