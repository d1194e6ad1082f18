// SPDX-License-Identifier: GPL-2.0 OR MIT
/* drop, counting what it dropped: the receiver-side count Measure-HookThroughput reports. */
#include "ebpfps_count.h"

EBPFPS_PROGRAM(count_drop)
{
	count_packet(ctx);
	return VERDICT_DROP;
}

EBPFPS_LICENSE;
