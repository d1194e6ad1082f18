// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The seed's (tk154/eBPF-Tests) maps, declared from its layouts as ../shared/docs/seed-system.md records
 * them, so a test can compare our built-ins' map names and BTF key/value layouts with the seed's.
 * One build per seed program: -DSEED_ROUTER, -DSEED_ROUTER_IPERF, -DSEED_ROUTER_MAP, -DSEED_ROUTER_FIREWALL.
 * Map types and sizes are the seed's too; the test compares names and layouts only (see bpf/README.md
 * for where ours deliberately differ).
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

struct ip_pair {
	__be32 src;
	__be32 dst;
};

struct datarec {
	__u64 packets;
	__u64 bytes;
};

#if defined(SEED_ROUTER)
struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, struct ip_pair);
	__type(value, struct datarec);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rout_stats SEC(".maps");
#elif defined(SEED_ROUTER_IPERF)
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, struct ip_pair);
	__type(value, struct datarec);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rout_stats SEC(".maps");
#elif defined(SEED_ROUTER_MAP)
struct rout_key {
	__u32 ifindex;
	__be32 src_ip, dst_ip;
};

struct rout_val {
	__u32 ifindex;
	__u8 src_mac[6];
	__u8 dst_mac[6];
	__u8 action;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 64);
	__type(key, struct rout_key);
	__type(value, struct rout_val);
} rt_map SEC(".maps");
#elif defined(SEED_ROUTER_FIREWALL)
typedef __u8 if_rule;

struct if_vlans {
	unsigned int count;
	__u16 vlans[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, struct ip_pair);
	__type(value, struct datarec);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rout_stats_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, unsigned int);
	__type(value, if_rule);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} if_rules_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, unsigned int);
	__type(value, struct if_vlans);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} if_vlans_map SEC(".maps");
#else
#error "build with one of -DSEED_ROUTER, -DSEED_ROUTER_IPERF, -DSEED_ROUTER_MAP, -DSEED_ROUTER_FIREWALL"
#endif

char LICENSE[] SEC("license") = "Dual MIT/GPL";
