// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * What AF_XDP programs key on: the receive queue a frame arrived on (xdp_md's rx_queue_index). Frames of queue 1
 * go to the AF_XDP socket bound there (none is, so they are dropped here), the others to the stack; every queue's
 * frames are counted.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} steer_sockets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} steer_frames SEC(".maps");

SEC("xdp")
int queue_steer(struct xdp_md *ctx)
{
	__u32 queue = ctx->rx_queue_index;
	__u64 *frames = bpf_map_lookup_elem(&steer_frames, &queue);

	if (frames)
		*frames += 1;
	if (queue == 1)
		return bpf_redirect_map(&steer_sockets, queue, XDP_DROP);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
