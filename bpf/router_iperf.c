// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The router, counting only flows to the iperf port (TCP or UDP 5001) in rout_stats
 * (the seed's name: the seed's routing_stats reads either router's counters). Header
 * lengths are checked before they are trusted: an IHL, TCP data offset or UDP length that does not
 * fit the packet gets the packet dropped.
 */
#include "ebpfps_hook.h"
#include "ebpfps_fib.h"
#include "ebpfps_flows.h"

#define IPERF_PORT 5001

FLOW_COUNTER_MAP(rout_stats);

/* 1: a well-formed packet to the iperf port, 0: something else, -1: malformed (drop). */
static __always_inline int is_iperf(struct iphdr *ip, void *end)
{
	__u32 ihl = ip->ihl * 4;
	__u32 total = bpf_ntohs(ip->tot_len);
	void *l4 = (void *)ip + ihl;

	if (ihl < sizeof(struct iphdr) || total < ihl || (void *)ip + total > end)
		return -1;
	if (ip->frag_off & bpf_htons(0x1fff))
		return 0; /* a later fragment has no L4 header */

	if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *udp = l4;

		if ((void *)(udp + 1) > end)
			return -1;
		__u32 udp_len = bpf_ntohs(udp->len);
		if (udp_len < sizeof(struct udphdr) || udp_len != total - ihl)
			return -1;
		return udp->dest == bpf_htons(IPERF_PORT);
	}
	if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;

		if ((void *)(tcp + 1) > end)
			return -1;
		__u32 doff = tcp->doff * 4;
		if (doff < sizeof(struct tcphdr) || doff > total - ihl)
			return -1;
		return tcp->dest == bpf_htons(IPERF_PORT);
	}
	return 0;
}

EBPFPS_PROGRAM(router_iperf)
{
	ctx_make_linear(ctx, ctx_wire_len(ctx) > 128 ? 128 : (__u32)ctx_wire_len(ctx));
	void *cursor = ctx_data(ctx);
	void *end = ctx_data_end(ctx);
	struct ethhdr *eth = PARSE(cursor, end, struct ethhdr);
	struct iphdr *ip;
	struct route_result route;
	int iperf;

	if (!eth)
		return VERDICT_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return VERDICT_PASS;
	ip = PARSE(cursor, end, struct iphdr);
	if (!ip)
		return VERDICT_DROP;
	iperf = is_iperf(ip, end);
	if (iperf < 0)
		return VERDICT_DROP;
	if (ip->ttl <= 1)
		return VERDICT_PASS;

	fib_route(ctx, ip, &route);
	if (route.action == ROUTE_DROP)
		return VERDICT_DROP;
	if (route.action != ROUTE_FORWARD)
		return VERDICT_PASS;
	if (iperf)
		count_flow(&rout_stats, ip->saddr, ip->daddr, ctx_wire_len(ctx));
	return forward_packet(eth, ip, &route);
}

EBPFPS_LICENSE;
