// The maps the top-talkers benchmark reads: a million flows keyed by a 5-tuple with {packets, bytes}, as a hash
// and per CPU (as the router counts them), and a smaller per-CPU table for Watch-BpfMap -Top. The program is
// there because an object needs one.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow5 {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 pad[3];
};

struct datarec {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1048576);
	__type(key, struct flow5);
	__type(value, struct datarec);
} top_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1048576);
	__type(key, struct flow5);
	__type(value, struct datarec);
} top_pcpu_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 131072);
	__type(key, struct flow5);
	__type(value, struct datarec);
} top_watch SEC(".maps");

SEC("xdp")
int bench_top_touch(struct xdp_md *ctx)
{
	struct flow5 key = {};

	return bpf_map_lookup_elem(&top_flows, &key) || bpf_map_lookup_elem(&top_pcpu_flows, &key)
		|| bpf_map_lookup_elem(&top_watch, &key) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
