// A program whose name holds a '.' (an assembler label gives the symbol libbpf names it by): the kernel takes
// it, bpffs refuses to pin it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int dotted(struct xdp_md *ctx) __asm__("dot.ted");

SEC("xdp")
int dotted(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
