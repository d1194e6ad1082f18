/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* The counting benchmark programs: packets and bytes seen, per CPU, in entry 0 of `counters`. */
#ifndef EBPFPS_COUNT_H
#define EBPFPS_COUNT_H

#include "ebpfps_hook.h"

struct pkt_counters {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pkt_counters);
} counters SEC(".maps");

static __always_inline void count_packet(EBPFPS_CTX *ctx)
{
	__u32 zero = 0;
	struct pkt_counters *c = bpf_map_lookup_elem(&counters, &zero);

	if (c) {
		c->packets++;
		c->bytes += ctx_wire_len(ctx);
	}
}

#endif /* EBPFPS_COUNT_H */
