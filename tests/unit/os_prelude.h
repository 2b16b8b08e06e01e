/* os_prelude.h - forced first include of the per-OS DLT test: the host's system
 * headers first, then the macro of the OS the build plays (defining it before
 * them would send the compiler's own headers looking for that OS's files). */
/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LCAP_OS_PRELUDE_H
#define LCAP_OS_PRELUDE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#if defined(LCAP_PLAY_OPENBSD)
#define __OpenBSD__ 1
#elif defined(LCAP_PLAY_NETBSD)
#define __NetBSD__ 1
#elif defined(LCAP_PLAY_FREEBSD)
#define __FreeBSD__ 1
#elif defined(LCAP_PLAY_MACOS)
#define __APPLE__ 1
#elif defined(LCAP_PLAY_DRAGONFLY)
#define __DragonFly__ 1
#endif

#endif
