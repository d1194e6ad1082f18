// One object, two programs: an XDP program any kernel loads and a TC program every verifier rejects (it reads
// past the packet unchecked), as pping carries an iterator some kernels refuse. A command that names the XDP
// program must load it alone, as `tc ... obj mixed_load.o sec xdp` would; loading all names the TC one.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

SEC("xdp")
int mixed_pass(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&seen, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

SEC("tc")
int mixed_broken(struct __sk_buff *skb)
{
	unsigned char *data = (unsigned char *)(long)skb->data;

	return data[64] == 0xff ? 2 : 0;
}

char LICENSE[] SEC("license") = "GPL";
