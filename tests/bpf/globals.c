// Global variables in every data section, set before load with Import-BpfObject -Variable and read back
// by name from the section maps: const volatile configuration in .rodata (a struct with an address, a
// port and a MAC, a number, a __be32 gateway), a threshold in .data, a counter in .bss; plus a hash map
// that -MaxEntries resizes. The verdict shows what the program saw:
//   length < drop_below                                   -> XDP_DROP
//   cfg_limit > 100, backend port 80, gateway 198.18.0.1  -> XDP_TX
//   otherwise                                             -> XDP_PASS
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct backend {
	__be32 addr;
	__u16 port;
	unsigned char mac[6];
};

const volatile __u32 cfg_limit = 10;
const volatile struct backend cfg_backend = {};
const volatile __be32 cfg_gw_addr = 0;
__u32 drop_below = 64;
__u8 tag[4] = { 1, 2, 3, 4 };
__u64 seen_packets = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} sized SEC(".maps");

SEC("xdp")
int globals_xdp(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;

	__sync_fetch_and_add(&seen_packets, 1);
	if (len < drop_below)
		return XDP_DROP;
	if (cfg_limit > 100 && cfg_backend.port == 80 && cfg_gw_addr == bpf_htonl(0xc6120001))
		return XDP_TX;
	return tag[0] == 1 ? XDP_PASS : XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";
