// The map the map benchmark reads: the router's flow layout (two __be32 in, two __u64 out), per CPU,
// big enough for a million flows. The program is there because an object needs one to load.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ip_pair {
	__be32 src;
	__be32 dst;
};

struct datarec {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1048576);
	__type(key, struct ip_pair);
	__type(value, struct datarec);
} bench_flows SEC(".maps");

SEC("xdp")
int bench_touch(struct xdp_md *ctx)
{
	struct ip_pair key = {};

	return bpf_map_lookup_elem(&bench_flows, &key) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
