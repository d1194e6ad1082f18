// An array map whose values hold a MAC address, ASCII text and six plain bytes: what Set-BpfMapEntry must
// store exactly or refuse, never store as something else.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct neighbour {
	__u8 mac[6];
	char name[8];
	__u8 raw6[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct neighbour);
} neighbours SEC(".maps");

SEC("xdp")
int mac_text_pass(struct xdp_md *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&neighbours, &key) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
