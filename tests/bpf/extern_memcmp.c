// Calls memcmp, which BPF has no library for: clang leaves an extern symbol without BTF, and libbpf refuses
// the object at open ("failed to find BTF for extern 'memcmp'"), as it does for pping built this way.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int memcmp(const void *a, const void *b, unsigned long n);

SEC("xdp")
int memcmp_pass(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (data + 12 > end)
		return XDP_PASS;
	return memcmp(data, data + 6, 6) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
