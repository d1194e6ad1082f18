/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* The router core (after tk154/eBPF-Tests' router): parse IPv4, ask the kernel's FIB, forward or hand back to the stack. */
#ifndef EBPFPS_FIB_H
#define EBPFPS_FIB_H

#include "ebpfps_hook.h"

#ifndef AF_INET
#define AF_INET 2
#endif

/* What a FIB lookup decided for one packet. */
enum route_action {
	ROUTE_PASS = 0,    /* let the kernel's stack handle it (local, no neighbour, TTL expiring, ...) */
	ROUTE_DROP = 1,    /* blackhole, unreachable or prohibited route */
	ROUTE_FORWARD = 2, /* forward out of egress_ifindex with the MACs below */
};

struct route_result {
	__u32 action;
	__u32 egress_ifindex;
	__u8 smac[ETH_ALEN];
	__u8 dmac[ETH_ALEN];
};

static __always_inline void fib_route(EBPFPS_CTX *ctx, struct iphdr *ip, struct route_result *out)
{
	struct bpf_fib_lookup params = {};
	long rc;

	out->action = ROUTE_PASS;
	params.family = AF_INET;
	params.tos = ip->tos;
	params.l4_protocol = ip->protocol;
#if defined(__EBPFPS_XDP)
	params.tot_len = bpf_ntohs(ip->tot_len);
#endif
	/*
	 * At TC tot_len stays 0: the kernel then checks the skb itself against the egress MTU, which
	 * lets a GRO-merged (GSO) skb through; its tot_len would exceed the MTU and send it to the stack.
	 */
	params.ipv4_src = ip->saddr;
	params.ipv4_dst = ip->daddr;
	params.ifindex = ctx_ingress_ifindex(ctx);

	rc = bpf_fib_lookup(ctx, &params, sizeof(params), 0);
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
		out->action = ROUTE_FORWARD;
		out->egress_ifindex = params.ifindex;
		__builtin_memcpy(out->smac, params.smac, ETH_ALEN);
		__builtin_memcpy(out->dmac, params.dmac, ETH_ALEN);
		break;
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		out->action = ROUTE_DROP;
		break;
	default:
		/* NOT_FWDED (local), FWD_DISABLED, UNSUPP_LWT, NO_NEIGH, FRAG_NEEDED: the stack knows better. */
		break;
	}
}

/* Applies a forwarding decision: TTL and checksum, MACs, redirect. */
static __always_inline int forward_packet(struct ethhdr *eth, struct iphdr *ip, const struct route_result *route)
{
	ipv4_decrement_ttl(ip);
	return rewrite_and_redirect(eth, route->smac, route->dmac, route->egress_ifindex);
}

#endif /* EBPFPS_FIB_H */
