// A load balancer's VIP table in the manner of Katran's vip_definition: the address is an anonymous
// union of an IPv4 and an IPv6 address, so C code writes key.vip or key.vipv6 directly. The value holds
// an anonymous struct and an anonymous union with a struct inside, to read and write them flattened.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct vip_definition {
	union {
		__be32 vip;
		__be32 vipv6[4];
	};
	__u16 port;
	__u8 proto;
};

struct vip_meta {
	struct {
		__u64 packets;
		__u64 bytes;
	};
	union {
		__u32 flags;
		struct {
			__u16 flags_lo;
			__u16 flags_hi;
		};
	};
	__u32 vip_num;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct vip_definition);
	__type(value, struct vip_meta);
} vip_map SEC(".maps");

SEC("xdp")
int vip_lookup(struct xdp_md *ctx)
{
	struct vip_definition key = { .vip = 0, .port = 80, .proto = 6 };
	struct vip_meta *meta = bpf_map_lookup_elem(&vip_map, &key);

	return meta && meta->flags ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
