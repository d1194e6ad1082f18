// Names that clash once pinned: the program pincoll_bss and the object's .bss map, which libbpf names
// "pincoll.bss" and pins as "pincoll_bss" ('.' is not allowed on bpffs). Build it as pincoll.o.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int seen;

SEC("xdp")
int pincoll_bss(struct xdp_md *ctx)
{
	seen++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
