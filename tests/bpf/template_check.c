// The router, plus a check that every frame reaches it as the generator's template: the first frame
// it sees is the template (its MACs and TTL are remembered); every later frame whose MACs or TTL
// differ is counted in check_counts.changed. Live frames whose pages came back with the router's own
// rewrites (TTL one lower, the egress MACs) would be counted there.
// Built by the tests for XDP (-D__EBPFPS_XDP) and TC (-D__EBPFPS_TC) like bpf/*.c.
#include "ebpfps_hook.h"
#include "ebpfps_fib.h"
#include "ebpfps_flows.h"

FLOW_COUNTER_MAP(check_flows);

struct check_template {
	__u8 dest[ETH_ALEN];
	__u8 source[ETH_ALEN];
	__u8 ttl;
	__u8 known;
};

/* Field names other than `packets`, so only check_flows counts as the program's packet counter. */
struct check_counts {
	__u64 seen;
	__u64 changed;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct check_template);
} check_template SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct check_counts);
} check_counts SEC(".maps");

static __always_inline int differs(const struct check_template *t, const struct ethhdr *eth, const struct iphdr *ip)
{
	int d = ip->ttl != t->ttl;

#pragma unroll
	for (int i = 0; i < ETH_ALEN; i++)
		d |= eth->h_dest[i] != t->dest[i] || eth->h_source[i] != t->source[i];
	return d;
}

EBPFPS_PROGRAM(template_check)
{
	ctx_make_linear(ctx, sizeof(struct ethhdr) + sizeof(struct iphdr));
	void *cursor = ctx_data(ctx);
	void *end = ctx_data_end(ctx);
	struct ethhdr *eth = PARSE(cursor, end, struct ethhdr);
	struct iphdr *ip;
	struct route_result route;
	__u32 zero = 0;

	if (!eth)
		return VERDICT_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return VERDICT_PASS;
	ip = PARSE(cursor, end, struct iphdr);
	if (!ip)
		return VERDICT_DROP;

	struct check_template *t = bpf_map_lookup_elem(&check_template, &zero);
	struct check_counts *c = bpf_map_lookup_elem(&check_counts, &zero);

	if (!t || !c)
		return VERDICT_DROP;
	if (!t->known) {
		__builtin_memcpy(t->dest, eth->h_dest, ETH_ALEN);
		__builtin_memcpy(t->source, eth->h_source, ETH_ALEN);
		t->ttl = ip->ttl;
		t->known = 1;
	} else if (differs(t, eth, ip)) {
		__sync_fetch_and_add(&c->changed, 1);
	}
	__sync_fetch_and_add(&c->seen, 1);

	if (ip->ttl <= 1)
		return VERDICT_PASS;
	fib_route(ctx, ip, &route);
	if (route.action != ROUTE_FORWARD)
		return route.action == ROUTE_DROP ? VERDICT_DROP : VERDICT_PASS;
	count_flow(&check_flows, ip->saddr, ip->daddr, ctx_wire_len(ctx));
	return forward_packet(eth, ip, &route);
}

EBPFPS_LICENSE;
