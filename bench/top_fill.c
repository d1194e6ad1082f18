// Fills the top-talkers benchmark's maps: "top_fill <map id> <n>" writes n 5-tuple flows with
// BPF_MAP_UPDATE_BATCH (per-CPU maps get a value on every CPU). Bytes are spread by a multiplicative hash so
// the largest flows are scattered over the map, not at its end.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 4096

struct flow5 {
	unsigned int saddr, daddr;
	unsigned short sport, dport;
	unsigned char proto, pad[3];
};

int main(int argc, char **argv)
{
	struct bpf_map_info info = {};
	unsigned int len = sizeof(info);
	int fd;

	if (argc < 3 || (fd = bpf_map_get_fd_by_id(atoi(argv[1]))) < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "usage: %s <map id> <n>\n", argv[0]);
		return 2;
	}
	int cpus = info.type == BPF_MAP_TYPE_PERCPU_HASH ? libbpf_num_possible_cpus() : 1;
	unsigned int n = atoi(argv[2]);
	struct flow5 *keys = calloc(BATCH, sizeof(*keys));
	unsigned long long *values = calloc((size_t)BATCH * cpus, 16);
	for (unsigned int done = 0; done < n;) {
		unsigned int count = n - done < BATCH ? n - done : BATCH;
		for (unsigned int i = 0; i < count; i++) {
			unsigned int f = done + i;
			memset(&keys[i], 0, sizeof(keys[i]));
			keys[i].saddr = htonl(0xc6120000 | (f >> 8));
			keys[i].daddr = htonl(0xc6130000 | (f & 0xff));
			keys[i].sport = htons(1024 + f % 50000);
			keys[i].dport = htons(f % 3 ? 443 : 80);
			keys[i].proto = f % 5 ? 6 : 17;
			for (int c = 0; c < cpus; c++) {
				values[((size_t)i * cpus + c) * 2] = f % 1000 + c;
				values[((size_t)i * cpus + c) * 2 + 1] = (f * 2654435761u) % 100000000u + c;
			}
		}
		LIBBPF_OPTS(bpf_map_batch_opts, opts);
		if (bpf_map_update_batch(fd, keys, values, &count, &opts)) {
			perror("update batch");
			return 1;
		}
		done += count;
	}
	return 0;
}
