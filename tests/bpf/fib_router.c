// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A router written the way a project outside EbpfPs writes one (in the spirit of tk154/eBPF-Tests' router, not its
 * code): one source for both hooks, and nothing that follows the module's conventions.
 *  - the section is SEC("router"), which tells libbpf nothing about the program type: the loader has to set it;
 *  - the function name is longer than the 15 characters the kernel keeps (BTF func info has all of it);
 *  - it asks the kernel's FIB where a packet goes, rewrites both MACs, decrements the TTL with an incremental
 *    checksum update and redirects; blackholed, unreachable and prohibited destinations are dropped, everything
 *    else (local, no neighbour, TTL about to expire) goes to the stack;
 *  - forwarded packets and bytes are counted per (source, destination) in an LRU per-CPU hash pinned by name.
 * Built with -D__EBPFPS_XDP (struct xdp_md) or -D__EBPFPS_TC (struct __sk_buff); the section stays "router".
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#if defined(__EBPFPS_TC)
typedef struct __sk_buff hook_ctx_t;
#define RT_PASS TC_ACT_OK
#define RT_DROP TC_ACT_SHOT
#define RT_WIRE_LEN(c) ((c)->len)
#else
typedef struct xdp_md hook_ctx_t;
#define RT_PASS XDP_PASS
#define RT_DROP XDP_DROP
#define RT_WIRE_LEN(c) ((c)->data_end - (c)->data)
#endif

#define RT_AF_INET 2

struct rt_flow {
	__be32 saddr;
	__be32 daddr;
};

struct rt_flow_totals {
	__u64 pkts;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct rt_flow);
	__type(value, struct rt_flow_totals);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fibrt_flows SEC(".maps");

static __always_inline void rt_count(__be32 saddr, __be32 daddr, __u64 len)
{
	struct rt_flow flow = { .saddr = saddr, .daddr = daddr };
	struct rt_flow_totals *seen = bpf_map_lookup_elem(&fibrt_flows, &flow);

	if (!seen) {
		struct rt_flow_totals first = { .pkts = 1, .bytes = len };

		bpf_map_update_elem(&fibrt_flows, &flow, &first, BPF_ANY);
		return;
	}
	seen->pkts += 1;
	seen->bytes += len;
}

/* One hop less: the TTL is the high byte of its 16-bit word, so the sum changes by 0x0100 (RFC 1624). */
static __always_inline void rt_hop(struct iphdr *iph)
{
	__u32 sum = iph->check;

	sum += bpf_htons(0x0100);
	iph->check = (__sum16)((sum & 0xffff) + (sum >> 16));
	iph->ttl -= 1;
}

SEC("router")
int router_fib_forward(hook_ctx_t *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct bpf_fib_lookup fib;
	struct ethhdr *eth = data;
	struct iphdr *iph;
	long rc;

	if (data + sizeof(*eth) + sizeof(*iph) > data_end)
		return eth + 1 > (struct ethhdr *)data_end ? RT_DROP : RT_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return RT_PASS;
	iph = data + sizeof(*eth);
	if (iph->ttl <= 1)
		return RT_PASS;

	__builtin_memset(&fib, 0, sizeof(fib));
	fib.family = RT_AF_INET;
	fib.tos = iph->tos;
	fib.l4_protocol = iph->protocol;
	fib.tot_len = bpf_ntohs(iph->tot_len);
	fib.ipv4_src = iph->saddr;
	fib.ipv4_dst = iph->daddr;
	fib.ifindex = ctx->ingress_ifindex;

	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_BLACKHOLE || rc == BPF_FIB_LKUP_RET_UNREACHABLE || rc == BPF_FIB_LKUP_RET_PROHIBIT)
		return RT_DROP;
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return RT_PASS;

	rt_count(iph->saddr, iph->daddr, RT_WIRE_LEN(ctx));
	rt_hop(iph);
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
	return bpf_redirect(fib.ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
