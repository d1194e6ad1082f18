// The reference for Measure-HookThroughput: the same live-frames loop in plain C.
// usage: live_frames <netns> <sender ifname> <gen.o> <frame file> <seconds>
// Loads the module's gen program, points it at the sender, and runs BPF_PROG_RUN with
// BPF_F_TEST_XDP_LIVE_FRAMES in chunks until the time is up; prints frames sent and seconds.
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char path[256], frame[2048];
	unsigned int zero = 0, ifindex;
	double seconds, start;
	unsigned long long sent = 0;
	struct bpf_object *obj;
	int ns, prog_fd, cfg_fd;
	size_t len;
	FILE *f;

	if (argc != 6) {
		fprintf(stderr, "usage: %s <netns> <ifname> <gen.o> <frame file> <seconds>\n", argv[0]);
		return 2;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", argv[1]);
	ns = open(path, O_RDONLY);
	if (ns < 0 || setns(ns, CLONE_NEWNET)) {
		perror("setns");
		return 1;
	}
	ifindex = if_nametoindex(argv[2]);
	f = fopen(argv[4], "rb");
	if (!ifindex || !f) {
		perror("interface or frame");
		return 1;
	}
	len = fread(frame, 1, sizeof(frame), f);
	fclose(f);
	seconds = atof(argv[5]);

	obj = bpf_object__open_file(argv[3], NULL);
	if (!obj || bpf_object__load(obj)) {
		perror("load gen");
		return 1;
	}
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "gen"));
	cfg_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "gen_cfg"));
	if (bpf_map_update_elem(cfg_fd, &zero, &ifindex, BPF_ANY)) {
		perror("gen_cfg");
		return 1;
	}

	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	start = now();
	while (now() - start < seconds) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = 1 << 15, .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
			    .batch_size = 64);
		if (bpf_prog_test_run_opts(prog_fd, &opts)) {
			perror("test run");
			return 1;
		}
		sent += 1 << 15;
	}
	printf("%llu %.6f\n", sent, now() - start);
	bpf_object__close(obj);
	return 0;
}
