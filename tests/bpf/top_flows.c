// Flow tables for the -Top and -SortBy tests: a 5-tuple-ish key, {packets, bytes} plus a signed, a floating
// and non-numeric members, once as a hash and once per CPU. The program only makes the object loadable.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ip_pair {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u32 proto;
};

struct flow_value {
	__u64 packets;
	__u64 bytes;
	__s32 drift;
	char label[4];
	struct {
		__u16 lo;
		__u16 hi;
	} band;
	double ratio;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct ip_pair);
	__type(value, struct flow_value);
} top_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct ip_pair);
	__type(value, struct flow_value);
} top_pcpu SEC(".maps");

SEC("xdp")
int top_touch(struct xdp_md *ctx)
{
	struct ip_pair key = {};

	return bpf_map_lookup_elem(&top_flows, &key) || bpf_map_lookup_elem(&top_pcpu, &key) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
