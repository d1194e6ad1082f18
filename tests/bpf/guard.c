// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * An operator's own guard, written the way a user writes one: an XDP and a TC program in one object, sharing
 * per-source counters (LRU hash), a blocklist (hash: a listed IPv4 source is dropped at either hook) and a ring
 * buffer that gets one event per drop. The acceptance tests of "one object, both hooks, one set of maps" and of
 * in-place upgrades use it; the builds differ by defines:
 *   -DGUARD_BUILD=n      a new build: different code (the drop event carries the build), same maps
 *   -DGUARD_WIDE_STATS   a layout change: src_stats' value gains a field, so its pinned map cannot be reused
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef GUARD_BUILD
#define GUARD_BUILD 1
#endif

struct src_counters {
	__u64 packets;
	__u64 bytes;
#ifdef GUARD_WIDE_STATS
	__u64 dropped;
#endif
};

struct drop_event {
	__be32 source;
	__u32 hook; /* 1 xdp, 2 tc */
	__u32 build;
	__u32 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __be32);
	__type(value, struct src_counters);
} src_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __be32);
	__type(value, __u8);
} blocked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} drops SEC(".maps");

/* Counts the packet's IPv4 source and returns nonzero when the source is on the blocklist. */
static __always_inline int guard(void *data, void *data_end, __u32 len, __u32 hook)
{
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	struct src_counters *c, fresh = {};
	struct drop_event *e;
	__be32 source;

	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	source = iph->saddr;
	c = bpf_map_lookup_elem(&src_stats, &source);
	if (!c) {
		bpf_map_update_elem(&src_stats, &source, &fresh, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&src_stats, &source);
		if (!c)
			return 0;
	}
	__sync_fetch_and_add(&c->packets, 1);
	__sync_fetch_and_add(&c->bytes, len);
	if (!bpf_map_lookup_elem(&blocked, &source))
		return 0;
#ifdef GUARD_WIDE_STATS
	__sync_fetch_and_add(&c->dropped, 1);
#endif
	e = bpf_ringbuf_reserve(&drops, sizeof(*e), 0);
	if (e) {
		e->source = source;
		e->hook = hook;
		e->build = GUARD_BUILD;
		e->len = len;
		bpf_ringbuf_submit(e, 0);
	}
	return 1;
}

SEC("xdp")
int guard_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;

	return guard(data, data_end, data_end - data, 1) ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int guard_tc(struct __sk_buff *skb)
{
	return guard((void *)(long)skb->data, (void *)(long)skb->data_end, skb->len, 2) ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
