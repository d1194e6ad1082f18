// SPDX-License-Identifier: GPL-2.0 OR MIT
// Values read and written by their BTF type, in maps whose names say nothing about what they hold: big-endian
// typedefs, in_addr, in6_addr (the program reaches it through each of its union's three views), an ETH_ALEN MAC,
// an enum, a _Bool, bitfields, a char array and a short byte array. Also a __be32-keyed map and an in6_addr-keyed
// one, and a .rodata struct with an in6_addr for Import-BpfObject -Variable. The program only touches the maps.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>

enum colour { RED = 0, GREEN = 1, BLUE = 7 };
enum level { LOW = -2, MID = 0, HIGH = 3 };

struct record {
	__be32 a4;
	__be16 port;
	__be64 big;
	struct in_addr ia;
	struct in6_addr v6_8;
	struct in6_addr v6_16;
	struct in6_addr v6_32;
	unsigned char h_source[ETH_ALEN];
	enum colour colour;
	enum level level;
	_Bool on;
	__u32 lo : 3, mid : 9, hi : 20;
	int sb : 5;
	char label[8];
	__u8 three[3];
};

struct config {
	struct in6_addr v6_prefix;
	struct in_addr gw;
	__be16 port;
};

const volatile struct config cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct record);
} table_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __be32);
	__type(value, __be16);
} table_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, struct in6_addr);
	__type(value, struct in_addr);
} table_c SEC(".maps");

SEC("xdp")
int values_xdp(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct record *r = bpf_map_lookup_elem(&table_a, &key);

	if (!r)
		return XDP_PASS;
	// Each union view of in6_addr in use, so all three are in the program's BTF as kernel code uses them.
	if (r->v6_8.in6_u.u6_addr8[0] == 0x20 && r->v6_16.in6_u.u6_addr16[1] && r->v6_32.in6_u.u6_addr32[3])
		return XDP_DROP;
	if (cfg.v6_prefix.in6_u.u6_addr32[0] && cfg.gw.s_addr && cfg.port)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
