/* compat_live.h - the compat driver's live part (compat_live.c). */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COMPAT_LIVE_H
#define COMPAT_LIVE_H

/* Runs the live calls on the namespace's lv0/lv1/lv2 (live.sh made them), then a savefile's. */
void compat_live(const char *savefile);

#endif
