// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Benchmark: send every frame out of the interface in entry 0 of redirect_cfg (0 = pass instead). */
#include "ebpfps_hook.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} redirect_cfg SEC(".maps");

EBPFPS_PROGRAM(redirect)
{
	__u32 zero = 0;
	__u32 *ifindex = bpf_map_lookup_elem(&redirect_cfg, &zero);

	if (!ifindex || !*ifindex)
		return VERDICT_PASS;
	return bpf_redirect(*ifindex, 0);
}

EBPFPS_LICENSE;
