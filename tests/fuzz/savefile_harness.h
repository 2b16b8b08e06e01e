/* savefile_harness.h - the body shared by the savefile fuzz harnesses. */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_SAVEFILE_HARNESS_H
#define LCAP_SAVEFILE_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* Opens data as a savefile through the public API and reads every packet with
 * capture_next from a file (copying them with capture_dump), with capture_loop
 * from standard input fed by a pipe, and with capture_dispatch through a
 * filter; reads the copy back; traps on any broken invariant or disagreement. */
void lcap_fuzz_savefile(const uint8_t *data, size_t size);

/* The entry point of both savefile harnesses: lcap_fuzz_savefile, always 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's mutator, and the custom mutator each harness file defines to
 * keep its format's magic in front. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed);

#endif
