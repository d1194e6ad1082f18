// A tail-call dispatcher: frames shorter than 100 bytes jump through slot 0 of jump_table, longer ones
// through slot 1; an empty slot falls through to XDP_PASS. The targets answer with verdicts of their own,
// so a test run shows which program a slot holds. An array of maps beside it holds maps the same way.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jump_table SEC(".maps");

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps");

SEC("xdp")
int dispatcher(struct xdp_md *ctx)
{
	__u32 slot = ctx->data_end - ctx->data < 100 ? 0 : 1;

	bpf_tail_call(ctx, &jump_table, slot);
	return XDP_PASS;
}

SEC("xdp")
int tail_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int tail_tx(struct xdp_md *ctx)
{
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
