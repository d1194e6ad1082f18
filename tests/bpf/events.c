// Reports every UDP/IPv4 frame it sees as a struct pkt_event, once through a ring buffer and once
// through a perf event array, so Receive-BpfEvent can be checked field by field against the frames
// that were sent (by test runs of the program or by bpftool prog run).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct pkt_event {
	__u64 seq;
	__be32 saddr;
	__be32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 protocol;
	__u8 ttl;
	__u16 len;
	unsigned char src_mac[6];
	char tag[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(int));
} events_perf SEC(".maps");

__u64 next_seq = 0;
/* clang keeps in BTF only the types globals, maps and function signatures use: this keeps struct pkt_event
 * there for readers that decode records by its name (the idiom cilium/ebpf's bpf2go documents). */
const struct pkt_event *unused_pkt_event __attribute__((unused));

SEC("xdp")
int emit_events(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	struct udphdr *udp = (void *)(iph + 1);
	struct pkt_event e = { .tag = "udp" };

	if ((void *)(udp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || iph->ihl != 5
	    || iph->protocol != IPPROTO_UDP)
		return XDP_PASS;
	e.seq = __sync_fetch_and_add(&next_seq, 1);
	e.saddr = iph->saddr;
	e.daddr = iph->daddr;
	e.sport = bpf_ntohs(udp->source);
	e.dport = bpf_ntohs(udp->dest);
	e.protocol = iph->protocol;
	e.ttl = iph->ttl;
	e.len = data_end - data;
	__builtin_memcpy(e.src_mac, eth->h_source, 6);
	bpf_ringbuf_output(&events_ring, &e, sizeof(e), 0);
	bpf_perf_event_output(ctx, &events_perf, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
