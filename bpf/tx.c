// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Benchmark: bounce every frame back where it came from with the MACs swapped. XDP uses XDP_TX;
 * TC has no such verdict, so it redirects to the egress of the interface the packet arrived on.
 */
#include "ebpfps_hook.h"

EBPFPS_PROGRAM(tx)
{
	ctx_make_linear(ctx, sizeof(struct ethhdr));
	void *cursor = ctx_data(ctx);
	void *end = ctx_data_end(ctx);
	struct ethhdr *eth = PARSE(cursor, end, struct ethhdr);
	__u8 mac[ETH_ALEN];

	if (!eth)
		return VERDICT_DROP;
	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
#if defined(__EBPFPS_XDP)
	return XDP_TX;
#else
	return bpf_redirect(ctx->ifindex, 0);
#endif
}

EBPFPS_LICENSE;
