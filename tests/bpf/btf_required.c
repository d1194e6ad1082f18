// An XDP object with a map the kernel creates only with BTF (socket storage needs its value type), so a BTF
// the kernel refuses makes the whole load fail: the case Import-BpfObject reports as BtfRejected.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} needs_btf SEC(".maps");

SEC("xdp")
int btf_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
