// Maps whose BTF has what Get-BpfMapEntry must decode: nested structs, arrays, an enum, a union,
// bitfields, char arrays, signed values and a big-endian address; filled by tests through the module
// and through bpftool, then compared with bpftool's "formatted" dump.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum shape_kind { SHAPE_NONE = 0, SHAPE_CIRCLE = 1, SHAPE_SQUARE = 7 };

struct point {
	__s32 x;
	__s32 y;
};

struct shape {
	enum shape_kind kind;
	struct point corners[2];
	char label[8];
	__u16 flags_low : 4;
	__u16 flags_high : 12;
	__s64 weight;
	union {
		__u32 as_u32;
		__u8 as_bytes[4];
	} tag;
	__be32 addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct shape);
} shapes SEC(".maps");

/* Bitfields that are signed or enums, and a 64-bit one off a byte boundary. */
struct bits {
	__s8 small : 4;
	enum shape_kind kind : 3;
	__u8 pad : 1;
	__u64 wide : 60;
	__u64 rest : 4;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct bits);
} bits SEC(".maps");

/* Per-CPU counters with a narrower signed field: summed decoded, not in place. */
struct pcpu_value {
	__u64 packets;
	__s32 delta;
	char name[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct pcpu_value);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int shapes_touch(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct shape *s = bpf_map_lookup_elem(&shapes, &key);
	struct bits *b = bpf_map_lookup_elem(&bits, &key);
	struct pcpu_value *p = bpf_map_lookup_elem(&pcpu, &key);

	return s && b && p ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
