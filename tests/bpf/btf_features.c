// Valid BPF using every BTF shape clang writes: global data (.data, .rodata, .bss), static and global
// subprograms, decl and type tags, map-in-map, a prog array, CO-RE relocations, a kconfig extern,
// function pointers with varargs and a struct pointing to itself. The object validator must pass it
// and the kernel must load it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __ttag(x) __attribute__((btf_type_tag(x)))

struct node {
	struct node *next;
	int value __tag("field_tag");
	int (*fn)(int, ...);
} __tag("struct_tag");

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} inner1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = { .values = { [0] = &inner1 } };

int tail_target(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, int(struct xdp_md *));
} jumps SEC(".maps") = { .values = { [1] = (void *)&tail_target } };

volatile const __u32 config_value = 7;
__u64 counter = 1;
__u64 zeroed;
char text[16] = "hello";
struct node nodes[2];
int __ttag("user") *tagged_ptr;
extern unsigned int CONFIG_HZ __kconfig __weak;

struct local_view {
	int value;
} __attribute__((preserve_access_index));

static __noinline int helper(int x) __tag("func_tag")
{
	return x * 2 + config_value;
}

__noinline int global_helper(int x __tag("param_tag"))
{
	return x + 1;
}

SEC("xdp")
int tail_target(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int features_main(struct xdp_md *ctx)
{
	struct local_view *v = (void *)&nodes[0].value;
	int r = helper((int)counter) + global_helper(CONFIG_HZ);
	counter += r + zeroed + text[0];
	if (bpf_core_field_exists(v->value))
		r += bpf_core_field_size(v->value);
	bpf_tail_call(ctx, &jumps, 1);
	return r > 0 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
