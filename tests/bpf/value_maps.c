// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Maps without keys and per-CPU maps with struct values, for the tests that push, peek and pop (queue: first in,
 * first out; stack: last in, first out), test a bloom filter and round-trip per-CPU values, each checked against
 * bpftool. The program only makes the object loadable; the tests never run it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct job {
	__u32 id;
	__u16 port;
	__u8 prio;
};

struct counters {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 4);
	__type(value, __u32);
} vm_queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 4);
	__type(value, struct job);
} vm_stack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 64);
	__uint(map_extra, 3);
	__type(value, __u32);
} vm_bloom SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct counters);
} vm_pcpu_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct counters);
} vm_pcpu_hash SEC(".maps");

SEC("xdp")
int value_maps_touch(struct xdp_md *ctx)
{
	__u32 v = 0, key = 0;
	struct job j = {};
	struct counters *c = bpf_map_lookup_elem(&vm_pcpu_array, &key);

	if (c && bpf_map_lookup_elem(&vm_pcpu_hash, &key))
		c->packets++;
	bpf_map_push_elem(&vm_queue, &v, BPF_ANY);
	bpf_map_push_elem(&vm_stack, &j, BPF_ANY);
	return bpf_map_peek_elem(&vm_bloom, &v) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
