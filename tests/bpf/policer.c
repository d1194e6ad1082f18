// The router behind a policer: at most POLICER_PPS frames per second (bursts of POLICER_BURST) are
// forwarded, the rest dropped. Gives a zero-loss search a known answer. XDP only (-D__EBPFPS_XDP).
#include "ebpfps_hook.h"
#include "ebpfps_fib.h"
#include "ebpfps_flows.h"

#define POLICER_PPS 200000
#define POLICER_BURST 64
#define POLICER_COST_NS (1000000000ULL / POLICER_PPS)

FLOW_COUNTER_MAP(policed_flows);

__u64 policer_last_ns = 0;
__u64 policer_credit_ns = 0;

EBPFPS_PROGRAM(policer)
{
	void *cursor = ctx_data(ctx);
	void *end = ctx_data_end(ctx);
	struct ethhdr *eth = PARSE(cursor, end, struct ethhdr);
	struct iphdr *ip;
	struct route_result route;
	__u64 now = bpf_ktime_get_ns();
	__u64 credit = policer_credit_ns + (now - policer_last_ns);

	policer_last_ns = now;
	if (credit > POLICER_BURST * POLICER_COST_NS)
		credit = POLICER_BURST * POLICER_COST_NS;
	if (credit < POLICER_COST_NS) {
		policer_credit_ns = credit;
		return VERDICT_DROP;
	}
	policer_credit_ns = credit - POLICER_COST_NS;

	if (!eth)
		return VERDICT_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return VERDICT_PASS;
	ip = PARSE(cursor, end, struct iphdr);
	if (!ip)
		return VERDICT_DROP;
	if (ip->ttl <= 1)
		return VERDICT_PASS;
	fib_route(ctx, ip, &route);
	if (route.action != ROUTE_FORWARD)
		return route.action == ROUTE_DROP ? VERDICT_DROP : VERDICT_PASS;
	count_flow(&policed_flows, ip->saddr, ip->daddr, ctx_wire_len(ctx));
	return forward_packet(eth, ip, &route);
}

EBPFPS_LICENSE;
