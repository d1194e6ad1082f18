// SPDX-License-Identifier: GPL-2.0 OR MIT
// The benchmark's own live-frames generators, independent of the module's gen program.
// Built plain: the fastest way to push frames (a constant ifindex, no map access, nothing written).
// Built with -DRESTORE: the same, writing the template back into every frame first (up to 128 bytes),
// which a program that rewrites frames (the router) needs. Constants are set by live_frames.c before load.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 bench_ifindex = 0;

#ifdef RESTORE
const volatile __u32 bench_len = 0;
const volatile __u64 bench_template[16] = {};
#endif

SEC("xdp")
int bench_gen(struct xdp_md *ctx)
{
#ifdef RESTORE
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 len = bench_len;
	__u64 *words = data;

	if (len > 128 || data + len > end)
		return XDP_ABORTED;
	/* Whole 8-byte words only: a frame's last few bytes are payload, which no program here rewrites. */
#pragma unroll
	for (int i = 0; i < 16; i++)
		if ((i + 1) * 8 <= len)
			words[i] = bench_template[i];
#endif
	return bpf_redirect(bench_ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
