// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The router plus per-interface rules and VLAN membership, as tk154/eBPF-Tests' OpenWrt firewall had them:
 *   if_rules_map: ifindex -> if_rule, bits FW_ACCEPT_INPUT (0x1), FW_ACCEPT_OUTPUT (0x2), FW_ACCEPT_FORWARD (0x4)
 *   if_vlans_map: ifindex -> struct if_vlans, the first `count` of up to 4 VLAN ids configured on it
 * Names and layouts are the seed's, so its router_firewall user program can fill our maps.
 * An interface without an if_rules_map entry accepts nothing (deny by default). A tagged packet
 * (802.1Q, or 802.1ad whose outer tag is checked) is dropped unless its VLAN is configured on the
 * ingress interface, and is then left to the kernel's VLAN device. Untagged IPv4 is forwarded only
 * with FORWARD on the ingress and OUTPUT on the egress interface; traffic for this host needs INPUT.
 * Forwarded flows are counted in rout_stats_map.
 */
#include "ebpfps_hook.h"
#include "ebpfps_fib.h"
#include "ebpfps_flows.h"

#define FW_ACCEPT_INPUT 0x1
#define FW_ACCEPT_OUTPUT 0x2
#define FW_ACCEPT_FORWARD 0x4
#define FW_MAX_VLANS 4

typedef __u8 if_rule;

struct if_vlans {
	unsigned int count;
	__u16 vlans[FW_MAX_VLANS];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, unsigned int);
	__type(value, if_rule);
	__uint(pinning, LIBBPF_PIN_BY_NAME); /* the seed's user program opens it by path */
} if_rules_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, unsigned int);
	__type(value, struct if_vlans);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} if_vlans_map SEC(".maps");

FLOW_COUNTER_MAP(rout_stats_map);

static __always_inline __u32 rules_of(__u32 ifindex)
{
	if_rule *rules = bpf_map_lookup_elem(&if_rules_map, &ifindex);

	return rules ? *rules : 0;
}

static __always_inline int vlan_configured(__u32 ifindex, __u16 vid)
{
	struct if_vlans *list = bpf_map_lookup_elem(&if_vlans_map, &ifindex);

	if (!list || vid == 0)
		return 0;
#pragma unroll
	for (unsigned int i = 0; i < FW_MAX_VLANS; i++)
		if (i < list->count && list->vlans[i] == vid)
			return 1;
	return 0;
}

/* The VLAN id the packet carries, or 0. At TC the kernel has usually moved the tag into the skb. */
static __always_inline int packet_vlan(EBPFPS_CTX *ctx, struct ethhdr *eth, void *end, __u16 *vid)
{
	*vid = 0;
#if defined(__EBPFPS_TC)
	if (ctx->vlan_present) {
		*vid = ctx->vlan_tci & VLAN_VID_MASK;
		return 0;
	}
#endif
	if (eth->h_proto == bpf_htons(ETH_P_8021Q) || eth->h_proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_tag *tag = (void *)(eth + 1);

		if ((void *)(tag + 1) > end)
			return -1;
		*vid = bpf_ntohs(tag->tci) & VLAN_VID_MASK;
	}
	return 0;
}

EBPFPS_PROGRAM(router_firewall)
{
	ctx_make_linear(ctx, sizeof(struct ethhdr) + sizeof(struct vlan_tag) + sizeof(struct iphdr));
	void *cursor = ctx_data(ctx);
	void *end = ctx_data_end(ctx);
	struct ethhdr *eth = PARSE(cursor, end, struct ethhdr);
	__u32 ingress = ctx_ingress_ifindex(ctx);
	struct route_result route;
	struct iphdr *ip;
	__u16 vid;

	if (!eth)
		return VERDICT_DROP;
	if (packet_vlan(ctx, eth, end, &vid) < 0)
		return VERDICT_DROP;
	if (vid)
		return vlan_configured(ingress, vid) ? VERDICT_PASS : VERDICT_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return VERDICT_PASS; /* ARP and friends keep neighbours resolvable */
	ip = PARSE(cursor, end, struct iphdr);
	if (!ip)
		return VERDICT_DROP;

	__u32 in_rules = rules_of(ingress);

	fib_route(ctx, ip, &route);
	if (route.action == ROUTE_DROP)
		return VERDICT_DROP;
	if (route.action == ROUTE_FORWARD) {
		if (!(in_rules & FW_ACCEPT_FORWARD) || !(rules_of(route.egress_ifindex) & FW_ACCEPT_OUTPUT))
			return VERDICT_DROP;
		if (ip->ttl <= 1)
			return VERDICT_PASS;
		count_flow(&rout_stats_map, ip->saddr, ip->daddr, ctx_wire_len(ctx));
		return forward_packet(eth, ip, &route);
	}
	/* Not forwarded by us: local delivery needs INPUT; the rest the stack would forward, so FORWARD. */
	return in_rules & (FW_ACCEPT_INPUT | FW_ACCEPT_FORWARD) ? VERDICT_PASS : VERDICT_DROP;
}

EBPFPS_LICENSE;
