/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * One source, two hooks. Every program in bpf/ is compiled twice: with -D__EBPFPS_XDP for the XDP
 * hook (struct xdp_md) and with -D__EBPFPS_TC for TC clsact (struct __sk_buff). This header hides
 * the differences: context type, section, verdicts, packet bounds, lengths and ingress ifindex.
 */
#ifndef EBPFPS_HOOK_H
#define EBPFPS_HOOK_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#if defined(__EBPFPS_XDP)
#define EBPFPS_CTX struct xdp_md
#define EBPFPS_SECTION "xdp"
#define VERDICT_PASS XDP_PASS
#define VERDICT_DROP XDP_DROP
#define VERDICT_REDIRECT XDP_REDIRECT
#elif defined(__EBPFPS_TC)
#define EBPFPS_CTX struct __sk_buff
#define EBPFPS_SECTION "tc"
#define VERDICT_PASS TC_ACT_OK
#define VERDICT_DROP TC_ACT_SHOT
#define VERDICT_REDIRECT TC_ACT_REDIRECT
#else
#error "compile with -D__EBPFPS_XDP or -D__EBPFPS_TC"
#endif

/* Declares the program function for the hook being compiled. */
#define EBPFPS_PROGRAM(name) SEC(EBPFPS_SECTION) int name(EBPFPS_CTX *ctx)

#define EBPFPS_LICENSE char LICENSE[] SEC("license") = "GPL"

/* 802.1Q / 802.1ad tag as it sits in the packet after the MAC addresses. */
struct vlan_tag {
	__be16 tci;
	__be16 encapsulated_proto;
};

#define VLAN_VID_MASK 0x0fff

static __always_inline void *ctx_data(EBPFPS_CTX *ctx)
{
	return (void *)(long)ctx->data;
}

static __always_inline void *ctx_data_end(EBPFPS_CTX *ctx)
{
	return (void *)(long)ctx->data_end;
}

/* Bytes on the wire: at TC the skb may hold more than its linear part, so ask the skb. */
static __always_inline __u64 ctx_wire_len(EBPFPS_CTX *ctx)
{
#if defined(__EBPFPS_TC)
	return ctx->len;
#else
	return ctx_data_end(ctx) - ctx_data(ctx);
#endif
}

static __always_inline __u32 ctx_ingress_ifindex(EBPFPS_CTX *ctx)
{
	return ctx->ingress_ifindex;
}

/*
 * At TC the headers may not all be in the linear part of the skb; pull them in before parsing.
 * XDP frames are linear already. Call before taking any packet pointer: pulling invalidates them.
 */
static __always_inline void ctx_make_linear(EBPFPS_CTX *ctx, __u32 bytes)
{
#if defined(__EBPFPS_TC)
	if (ctx_data(ctx) + bytes > ctx_data_end(ctx))
		bpf_skb_pull_data(ctx, bytes < ctx->len ? bytes : ctx->len);
#endif
}

/*
 * Bounds-checked header parse: returns the header at *cursor and advances the cursor past it, or
 * NULL when the header would run past the end of the packet (the caller drops the packet then).
 */
static __always_inline void *parse_header(void **cursor, void *end, __u32 size)
{
	void *header = *cursor;

	if (header + size > end)
		return NULL;
	*cursor = header + size;
	return header;
}

#define PARSE(cursor, end, type) ((type *)parse_header(&(cursor), (end), sizeof(type)))

/*
 * Decrement the IPv4 TTL and patch the header checksum incrementally (RFC 1624): the TTL is the
 * high byte of a 16-bit word, so the one's-complement sum grows by 0x0100 when the TTL drops by one.
 */
static __always_inline void ipv4_decrement_ttl(struct iphdr *ip)
{
	__u32 sum = (__u32)ip->check + (__u32)bpf_htons(0x0100);

	ip->check = (__sum16)(sum + (sum >= 0xffff));
	ip->ttl--;
}

/* Rewrites both MAC addresses and sends the frame out of ifindex (bpf_redirect's verdict fits the hook). */
static __always_inline int rewrite_and_redirect(struct ethhdr *eth, const __u8 *src_mac, const __u8 *dst_mac,
						__u32 ifindex)
{
	__builtin_memcpy(eth->h_source, src_mac, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, dst_mac, ETH_ALEN);
	return bpf_redirect(ifindex, 0);
}

#endif /* EBPFPS_HOOK_H */
