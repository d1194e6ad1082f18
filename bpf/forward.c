// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The static forwarder of tk154/eBPF-Tests, configurable: IPv4 from the configured source to the configured destination gets
 * the configured MACs and leaves through the configured interface; everything else passes. The
 * configuration is entry 0 of forward_cfg, so it can change while the program runs.
 */
#include "ebpfps_hook.h"

struct forward_config {
	__be32 src;
	__be32 dst;
	__u32 egress_ifindex;
	__u8 smac[ETH_ALEN];
	__u8 dmac[ETH_ALEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct forward_config);
} forward_cfg SEC(".maps");

EBPFPS_PROGRAM(forward)
{
	ctx_make_linear(ctx, sizeof(struct ethhdr) + sizeof(struct iphdr));
	void *cursor = ctx_data(ctx);
	void *end = ctx_data_end(ctx);
	struct ethhdr *eth = PARSE(cursor, end, struct ethhdr);
	struct forward_config *cfg;
	struct iphdr *ip;
	__u32 zero = 0;

	if (!eth)
		return VERDICT_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return VERDICT_PASS;
	ip = PARSE(cursor, end, struct iphdr);
	if (!ip)
		return VERDICT_DROP;
	cfg = bpf_map_lookup_elem(&forward_cfg, &zero);
	if (!cfg || !cfg->egress_ifindex || ip->saddr != cfg->src || ip->daddr != cfg->dst)
		return VERDICT_PASS;
	return rewrite_and_redirect(eth, cfg->smac, cfg->dmac, cfg->egress_ifindex);
}

EBPFPS_LICENSE;
