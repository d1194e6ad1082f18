// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The router of tk154/eBPF-Tests: forwards every IPv4 packet the kernel's FIB can route, rewriting MACs and
 * decrementing the TTL, and counts forwarded packets and bytes per (source, destination) in
 * rout_stats (pinned by name). Everything it cannot forward itself goes to the stack.
 */
#include "ebpfps_hook.h"
#include "ebpfps_fib.h"
#include "ebpfps_flows.h"

FLOW_COUNTER_MAP(rout_stats);

EBPFPS_PROGRAM(router)
{
	ctx_make_linear(ctx, sizeof(struct ethhdr) + sizeof(struct iphdr));
	void *cursor = ctx_data(ctx);
	void *end = ctx_data_end(ctx);
	struct ethhdr *eth = PARSE(cursor, end, struct ethhdr);
	struct iphdr *ip;
	struct route_result route;

	if (!eth)
		return VERDICT_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return VERDICT_PASS;
	ip = PARSE(cursor, end, struct iphdr);
	if (!ip)
		return VERDICT_DROP;
	if (ip->ttl <= 1)
		return VERDICT_PASS; /* the stack sends the ICMP time-exceeded */

	fib_route(ctx, ip, &route);
	if (route.action == ROUTE_DROP)
		return VERDICT_DROP;
	if (route.action != ROUTE_FORWARD)
		return VERDICT_PASS;
	count_flow(&rout_stats, ip->saddr, ip->daddr, ctx_wire_len(ctx));
	return forward_packet(eth, ip, &route);
}

EBPFPS_LICENSE;
