// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Benchmark baseline: drop every packet, the cheapest thing a hook can do with it. */
#include "ebpfps_hook.h"

EBPFPS_PROGRAM(drop)
{
	return VERDICT_DROP;
}

EBPFPS_LICENSE;
