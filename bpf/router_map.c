// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The router with a route cache: the first packet of a flow pays for the FIB lookup, later ones
 * take the decision from route_cache (keyed by ingress interface, source and destination).
 * Forwarded flows are counted in rmap_stats.
 */
#include "ebpfps_hook.h"
#include "ebpfps_fib.h"
#include "ebpfps_flows.h"

struct route_key {
	__u32 ifindex;
	__be32 src;
	__be32 dst;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct route_key);
	__type(value, struct route_result);
} route_cache SEC(".maps");

FLOW_COUNTER_MAP(rmap_stats);

EBPFPS_PROGRAM(router_map)
{
	ctx_make_linear(ctx, sizeof(struct ethhdr) + sizeof(struct iphdr));
	void *cursor = ctx_data(ctx);
	void *end = ctx_data_end(ctx);
	struct ethhdr *eth = PARSE(cursor, end, struct ethhdr);
	struct route_result fresh, *route;
	struct route_key key = {};
	struct iphdr *ip;

	if (!eth)
		return VERDICT_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return VERDICT_PASS;
	ip = PARSE(cursor, end, struct iphdr);
	if (!ip)
		return VERDICT_DROP;
	if (ip->ttl <= 1)
		return VERDICT_PASS;

	key.ifindex = ctx_ingress_ifindex(ctx);
	key.src = ip->saddr;
	key.dst = ip->daddr;
	route = bpf_map_lookup_elem(&route_cache, &key);
	if (!route) {
		fib_route(ctx, ip, &fresh);
		/* Only definite answers are cached; "ask the stack" may change once a neighbour resolves. */
		if (fresh.action != ROUTE_PASS)
			bpf_map_update_elem(&route_cache, &key, &fresh, BPF_ANY);
		route = &fresh;
	}
	if (route->action == ROUTE_DROP)
		return VERDICT_DROP;
	if (route->action != ROUTE_FORWARD)
		return VERDICT_PASS;
	count_flow(&rmap_stats, ip->saddr, ip->daddr, ctx_wire_len(ctx));
	return forward_packet(eth, ip, route);
}

EBPFPS_LICENSE;
