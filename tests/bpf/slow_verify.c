// A program the verifier walks for a while (a loop it follows iteration by iteration, as the counter's value
// tells every state apart) beside a map pinned by name. libbpf pins that map into the load's pin folder before the
// verifier starts, so a Test-BpfState scratch load holds a pinned map for as long as the verifier runs: long
// enough for a test to kill the process mid-load and find what it left behind.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef SLOW_LOOPS
#define SLOW_LOOPS 120000
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slow_hits SEC(".maps");

static __always_inline int count_slowly(struct xdp_md *ctx)
{
	__u64 sum = ctx->ingress_ifindex;
	__u32 key = 0;

#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < SLOW_LOOPS; i++)
		sum += i ^ (sum >> 3);
	__u64 *hits = bpf_map_lookup_elem(&slow_hits, &key);
	if (hits)
		*hits += sum;
	return XDP_PASS;
}

// Two programs, verified one after the other, make the window twice as long; a state entry names the first.
SEC("xdp")
int slow_verify(struct xdp_md *ctx)
{
	return count_slowly(ctx);
}

SEC("xdp")
int slow_verify_too(struct xdp_md *ctx)
{
	return count_slowly(ctx);
}

char LICENSE[] SEC("license") = "GPL";
