// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Benchmark baseline: accept every packet. Also what a veth peer needs to take redirected XDP frames. */
#include "ebpfps_hook.h"

EBPFPS_PROGRAM(pass)
{
	return VERDICT_PASS;
}

EBPFPS_LICENSE;
