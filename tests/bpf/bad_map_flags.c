// A map the kernel refuses to create: BPF_F_NO_PREALLOC is for hash maps, and an array refuses it (EINVAL).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, __u64);
} refused_array SEC(".maps");

SEC("xdp")
int flags_pass(struct xdp_md *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&refused_array, &key) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
