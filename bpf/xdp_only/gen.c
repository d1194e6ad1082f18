// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Traffic generator for BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES: the kernel runs this on each
 * crafted frame and the redirect sends the frame out of the interface in entry 0 of gen_cfg.
 * gen_sent counts frames handed to the redirect, so a caller can compare sent with received.
 */
#include "ebpfps_hook.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} gen_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} gen_sent SEC(".maps");

SEC("xdp")
int gen(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u32 *ifindex = bpf_map_lookup_elem(&gen_cfg, &zero);
	__u64 *sent = bpf_map_lookup_elem(&gen_sent, &zero);

	if (!ifindex || !*ifindex)
		return XDP_DROP;
	if (sent)
		(*sent)++;
	return bpf_redirect(*ifindex, 0);
}

EBPFPS_LICENSE;
