// The map benchmark's C side. "fill <id> <n>" writes n flows with BPF_MAP_UPDATE_BATCH;
// "read <id>" reads the whole map with BPF_MAP_LOOKUP_BATCH and prints entries and seconds:
// the floor any reader of this map can reach.
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/libbpf.h>

#define BATCH 4096

struct ip_pair { unsigned int src, dst; };

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int fd, cpus = libbpf_num_possible_cpus();
	size_t stride = 16; /* two __u64, already a multiple of 8 */

	if (argc < 3 || (fd = bpf_map_get_fd_by_id(atoi(argv[2]))) < 0) {
		fprintf(stderr, "usage: %s fill <map id> <n> | read <map id>\n", argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "fill")) {
		unsigned int n = atoi(argv[3]);
		struct ip_pair *keys = calloc(BATCH, sizeof(*keys));
		unsigned long long *values = calloc((size_t)BATCH * cpus, stride);
		for (unsigned int done = 0; done < n;) {
			unsigned int count = n - done < BATCH ? n - done : BATCH;
			for (unsigned int i = 0; i < count; i++) {
				keys[i].src = htonl(0xc6120000 | ((done + i) >> 8));
				keys[i].dst = htonl(0xc6130000 | ((done + i) & 0xff));
				for (int c = 0; c < cpus; c++) {
					values[((size_t)i * cpus + c) * 2] = done + i + c;
					values[((size_t)i * cpus + c) * 2 + 1] = (done + i) * 64ULL;
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
	struct ip_pair *keys = calloc(BATCH, sizeof(*keys));
	unsigned char *values = calloc((size_t)BATCH * cpus, stride);
	unsigned long long in = 0, out = 0, total = 0, checksum = 0;
	double start = now();
	int first = 1;
	for (;;) {
		unsigned int count = BATCH;
		LIBBPF_OPTS(bpf_map_batch_opts, opts);
		int rc = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, keys, values, &count, &opts);
		if (rc && errno != ENOENT) {
			perror("lookup batch");
			return 1;
		}
		total += count;
		checksum += count ? keys[count - 1].src : 0;
		if (rc)
			break;
		in = out;
		first = 0;
	}
	printf("%llu %.6f %llu\n", total, now() - start, checksum);
	return 0;
}
