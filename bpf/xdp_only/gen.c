// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Traffic generator for BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES: the kernel runs this on each
 * crafted frame and the redirect sends it out of gen_ifindex.
 *
 * Live-frames mode recycles the same pages, so a program under test that rewrites frames (a router
 * decrementing the TTL and rewriting MACs) would see its own rewrites come back. Every frame is
 * therefore written back to the template before it leaves. Everything the program needs is set
 * before load as constants (.rodata): the verifier sees their values and removes the branches that
 * are off (no flows, no pacing), so the common path is the header write and the redirect, with no
 * map lookups and no per-frame counter (the caller knows how many frames it asked the kernel for).
 */
#include "ebpfps_hook.h"

#define GEN_TEMPLATE_MAX 128
/* The template is an Ethernet + IPv4 + UDP frame without options: these offsets are fixed. */
#define GEN_IP_CHECK 24
#define GEN_IP_SADDR 26
#define GEN_UDP_SPORT 34
#define GEN_UDP_CHECK 40
#define GEN_HEADERS 42

/* Set before load. */
const volatile __u32 gen_ifindex = 0;
/* Bytes of gen_template written into every frame (the frame's length up to 128). */
const volatile __u32 gen_restore_len = 0;
const volatile __u64 gen_template[GEN_TEMPLATE_MAX / 8] = {};
/* More than 1: frame k is flow k mod gen_flows; flow i adds i to the source address and source port. */
const volatile __u32 gen_flows = 1;
/* Not 0: send one frame every gen_interval_ps picoseconds (token bucket, at most gen_burst frames ahead). */
const volatile __u64 gen_interval_ps = 0;
const volatile __u32 gen_burst = 64;

/* State the program keeps between frames; the caller zeroes it before each run. */
__u32 gen_flow_next = 0;
__u64 gen_pace_start = 0;
__u64 gen_pace_count = 0;

/* RFC 1624: the checksum after one 16-bit word of the summed data grew by delta (both in memory order). */
static __always_inline __u16 csum_grow(__u16 check, __u16 delta)
{
	__u32 sum = (__u16)~check + (__u32)delta;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

static __always_inline void restore(void *data)
{
	__u32 len = gen_restore_len;
	__u64 *words = data;

#pragma unroll
	for (int i = 0; i < GEN_TEMPLATE_MAX / 8; i++)
		if ((i + 1) * 8 <= len)
			words[i] = gen_template[i];
	/* A tail shorter than 8 bytes (60-byte frames end in 4 bytes). */
	__u32 done = len & ~7u;
	const volatile __u8 *t = (const volatile __u8 *)gen_template;
	__u8 *p = data;

	if (len - done >= 4) {
		*(__u32 *)(p + done) = *(const volatile __u32 *)(t + done);
		done += 4;
	}
	if (len - done >= 2) {
		*(__u16 *)(p + done) = *(const volatile __u16 *)(t + done);
		done += 2;
	}
	if (len - done >= 1)
		p[done] = t[done];
}

static __always_inline void next_flow(void *data)
{
	__u32 i = gen_flow_next;
	__u16 delta = bpf_htons((__u16)i);
	__be32 *saddr = data + GEN_IP_SADDR;
	__be16 *sport = data + GEN_UDP_SPORT;
	__u16 *ip_check = data + GEN_IP_CHECK;
	__u16 *udp_check = data + GEN_UDP_CHECK;

	gen_flow_next = i + 1 >= gen_flows ? 0 : i + 1;
	/* The caller keeps the low 16 bits of address and port from overflowing, so one word changes in each. */
	*saddr = bpf_htonl(bpf_ntohl(*saddr) + i);
	*sport = bpf_htons(bpf_ntohs(*sport) + i);
	*ip_check = csum_grow(*ip_check, delta);
	if (*udp_check) {
		/* The pseudo header's source address and the source port each grew by i. */
		__u16 c = csum_grow(csum_grow(*udp_check, delta), delta);

		*udp_check = c ? c : 0xffff;
	}
}

struct pace_wait {
	__u64 due;
};

static long pace_spin(__u64 index, void *ctx)
{
	return bpf_ktime_get_ns() >= ((struct pace_wait *)ctx)->due;
}

/* Waits until this frame's slot; a sender that fell more than a burst behind starts a new schedule. */
static __always_inline void pace(void)
{
	__u64 now = bpf_ktime_get_ns();
	struct pace_wait wait;

	if (!gen_pace_start)
		gen_pace_start = now;
	wait.due = gen_pace_start + gen_pace_count * gen_interval_ps / 1000;
	if (now < wait.due) {
		bpf_loop(1 << 20, pace_spin, &wait, 0);
	} else if (now - wait.due > gen_burst * gen_interval_ps / 1000) {
		gen_pace_start = now;
		gen_pace_count = 0;
	}
	gen_pace_count++;
}

SEC("xdp")
int gen(struct xdp_md *ctx)
{
	void *data = ctx_data(ctx);
	void *end = ctx_data_end(ctx);
	__u32 len = gen_restore_len;

	if (len > GEN_TEMPLATE_MAX || data + len > end)
		return XDP_ABORTED;
	restore(data);
	if (gen_flows > 1) {
		if (data + GEN_HEADERS > end)
			return XDP_ABORTED;
		next_flow(data);
	}
	if (gen_interval_ps)
		pace();
	return bpf_redirect(gen_ifindex, 0);
}

EBPFPS_LICENSE;
