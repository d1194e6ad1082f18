// SPDX-License-Identifier: GPL-2.0 OR MIT
/* pass, counting what it let through. */
#include "ebpfps_count.h"

EBPFPS_PROGRAM(count_pass)
{
	count_packet(ctx);
	return VERDICT_PASS;
}

EBPFPS_LICENSE;
