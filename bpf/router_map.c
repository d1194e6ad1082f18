// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The router with a route cache: the first packet of a flow pays for the FIB lookup, later ones
 * take the decision from rt_map (keyed by ingress interface, source and destination). The cache keeps the
 * seed's names and layouts (struct rout_key -> struct rout_val, action 1 pass, 2 drop, 3 redirect), so a
 * tool written for the seed reads it. Forwarded flows are counted in rout_stats.
 */
#include "ebpfps_hook.h"
#include "ebpfps_fib.h"
#include "ebpfps_flows.h"

struct rout_key {
	__u32 ifindex;
	__be32 src_ip, dst_ip;
};

#define ROUT_VAL_PASS 1
#define ROUT_VAL_DROP 2
#define ROUT_VAL_REDIRECT 3

struct rout_val {
	__u32 ifindex;
	__u8 src_mac[ETH_ALEN];
	__u8 dst_mac[ETH_ALEN];
	__u8 action;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct rout_key);
	__type(value, struct rout_val);
} rt_map SEC(".maps");

FLOW_COUNTER_MAP(rout_stats);

/* The FIB's answer in the seed's encoding, which numbers the actions from 1 where route_result does from 0. */
static __always_inline void to_rout_val(const struct route_result *route, struct rout_val *val)
{
	val->ifindex = route->egress_ifindex;
	__builtin_memcpy(val->src_mac, route->smac, ETH_ALEN);
	__builtin_memcpy(val->dst_mac, route->dmac, ETH_ALEN);
	val->action = route->action == ROUTE_FORWARD ? ROUT_VAL_REDIRECT
		: route->action == ROUTE_DROP ? ROUT_VAL_DROP : ROUT_VAL_PASS;
}

EBPFPS_PROGRAM(router_map)
{
	ctx_make_linear(ctx, sizeof(struct ethhdr) + sizeof(struct iphdr));
	void *cursor = ctx_data(ctx);
	void *end = ctx_data_end(ctx);
	struct ethhdr *eth = PARSE(cursor, end, struct ethhdr);
	struct route_result fresh;
	struct rout_val route = {}, *cached;
	struct rout_key key = {};
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
	key.src_ip = ip->saddr;
	key.dst_ip = ip->daddr;
	cached = bpf_map_lookup_elem(&rt_map, &key);
	/* A copy, so the verifier sees one stack object below rather than a maybe-null map value. */
	if (cached) {
		route = *cached;
	} else {
		fib_route(ctx, ip, &fresh);
		to_rout_val(&fresh, &route);
		/* Only definite answers are cached; "ask the stack" may change once a neighbour resolves. */
		if (route.action != ROUT_VAL_PASS)
			bpf_map_update_elem(&rt_map, &key, &route, BPF_ANY);
	}
	if (route.action == ROUT_VAL_DROP)
		return VERDICT_DROP;
	if (route.action != ROUT_VAL_REDIRECT)
		return VERDICT_PASS;
	count_flow(&rout_stats, ip->saddr, ip->daddr, ctx_wire_len(ctx));
	ipv4_decrement_ttl(ip);
	return rewrite_and_redirect(eth, route.src_mac, route.dst_mac, route.ifindex);
}

EBPFPS_LICENSE;
