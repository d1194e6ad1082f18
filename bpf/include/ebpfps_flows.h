/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Per-flow packet and byte counters shared by the router programs (summed over CPUs when read). The struct
 * names and layouts are the seed's (tk154/eBPF-Tests), so its routing_stats user program reads our maps.
 */
#ifndef EBPFPS_FLOWS_H
#define EBPFPS_FLOWS_H

#include "ebpfps_hook.h"

struct ip_pair {
	__be32 src;
	__be32 dst;
};

struct datarec {
	__u64 packets;
	__u64 bytes;
};

/* Declares a per-CPU LRU flow map pinned by name, so a later session or tool finds it on bpffs. */
#define FLOW_COUNTER_MAP(name)                                   \
	struct {                                                 \
		__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);      \
		__uint(max_entries, 16384);                      \
		__type(key, struct ip_pair);                    \
		__type(value, struct datarec);             \
		__uint(pinning, LIBBPF_PIN_BY_NAME);             \
	} name SEC(".maps")

static __always_inline void count_flow(void *map, __be32 src, __be32 dst, __u64 bytes)
{
	struct ip_pair key = { .src = src, .dst = dst };
	struct datarec *counters = bpf_map_lookup_elem(map, &key);

	if (counters) {
		/* Per-CPU values: no other CPU writes this slot, so no atomics are needed. */
		counters->packets++;
		counters->bytes += bytes;
		return;
	}
	struct datarec first = { .packets = 1, .bytes = bytes };
	bpf_map_update_elem(map, &key, &first, BPF_NOEXIST);
}

#endif /* EBPFPS_FLOWS_H */
