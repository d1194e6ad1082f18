// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A source-address blocklist as an outside project writes one: the map is keyed by a plain __be32 (no struct), which
 * reads as an address by its type alone; one XDP and one TC program in the same object (attach commands
 * take the one that fits their hook); a perf event array the programs report drops into (user space cannot read its
 * values back); and a second __be32-keyed map whose keys are numbers (VXLAN network identifiers): the type
 * reads them as addresses too, and -NoNetworkFormat as the numbers they are.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __be32);
	__type(value, __u64);
} blocked_ips SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __be32);
	__type(value, __u32);
} vni_table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} drop_events SEC(".maps");

/* Nonzero when the packet's IPv4 source is blocked; counts the hit. */
static __always_inline int blocked(void *data, void *data_end, void *ctx)
{
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	__be32 source;
	__u64 *hits;

	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	source = iph->saddr;
	hits = bpf_map_lookup_elem(&blocked_ips, &source);
	if (!hits)
		return 0;
	__sync_fetch_and_add(hits, 1);
	bpf_perf_event_output(ctx, &drop_events, BPF_F_CURRENT_CPU, &source, sizeof(source));
	return 1;
}

SEC("xdp")
int blocklist_xdp_filter(struct xdp_md *ctx)
{
	return blocked((void *)(long)ctx->data, (void *)(long)ctx->data_end, ctx) ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int blocklist_tc_filter(struct __sk_buff *skb)
{
	return blocked((void *)(long)skb->data, (void *)(long)skb->data_end, skb) ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
