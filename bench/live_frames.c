// The reference loops for Measure-HookThroughput: live frames pushed from plain C.
// usage: live_frames <netns> <sender ifname> <bench_gen.o> <frame file> <seconds> <cpu>
// Loads the benchmark's own generator (bench_gen.c) with the sender's ifindex (and, when the object
// has them, the template to restore) set before load, pins itself to <cpu>, finds the rate with one
// short call, then sends for <seconds> in one BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES, the
// fastest way there is (each call costs a fixed setup and teardown). Prints frames sent and seconds.
// A kernel that refuses live frames (EPERM) gets the minimal packet-socket loop instead, the way the module
// falls back: the frame sent in sendmmsg batches of 64 out of an AF_PACKET socket with qdisc bypass.
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Writes a global variable into the opened object's .rodata image, found through its BTF. */
static void set_global(struct bpf_object *obj, char *image, const char *name, const void *value, size_t size)
{
	struct btf *btf = bpf_object__btf(obj);
	int id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	const struct btf_type *sec = btf__type_by_id(btf, id);
	const struct btf_var_secinfo *var = btf_var_secinfos(sec);

	for (int i = 0; i < btf_vlen(sec); i++, var++)
		if (!strcmp(btf__name_by_offset(btf, btf__type_by_id(btf, var->type)->name_off), name))
			memcpy(image + var->offset, value, size < var->size ? size : var->size);
}

static int run(int prog_fd, char *frame, size_t len, unsigned int ifindex, unsigned int repeat, unsigned int *ns)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = repeat, .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		    .batch_size = 64);
	int err = bpf_prog_test_run_opts(prog_fd, &opts);

	*ns = opts.duration;
	return err;
}

/* Sends the frame for the given seconds through a packet socket; prints frames sent and seconds. */
static int packet_socket_loop(unsigned int ifindex, char *frame, size_t len, double seconds)
{
	struct sockaddr_ll addr = { .sll_family = AF_PACKET, .sll_ifindex = ifindex };
	struct mmsghdr msgs[64];
	struct iovec iov = { .iov_base = frame, .iov_len = len };
	unsigned long long sent = 0;
	int one = 1, fd = socket(AF_PACKET, SOCK_RAW, 0);
	double start, took;

	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one))) {
		perror("packet socket");
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < 64; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	start = now();
	while ((took = now() - start) < seconds) {
		int n = sendmmsg(fd, msgs, 64, 0);

		if (n > 0)
			sent += n;
		else if (errno != ENOBUFS && errno != EAGAIN) {
			perror("sendmmsg");
			return 1;
		}
	}
	printf("%llu %.6f\n", sent, now() - start);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	char path[256], frame[2048], image[4096];
	unsigned int ifindex, ns, len32;
	struct bpf_object *obj;
	struct bpf_map *rodata;
	cpu_set_t cpus;
	double seconds, start, took;
	size_t len, size;
	int nsfd, prog_fd;
	FILE *f;

	if (argc != 7) {
		fprintf(stderr, "usage: %s <netns> <ifname> <bench_gen.o> <frame file> <seconds> <cpu>\n", argv[0]);
		return 2;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", argv[1]);
	nsfd = open(path, O_RDONLY);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET)) {
		perror("setns");
		return 1;
	}
	CPU_ZERO(&cpus);
	CPU_SET(atoi(argv[6]), &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
		perror("sched_setaffinity");
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
	if (!obj) {
		perror("open");
		return 1;
	}
	rodata = bpf_object__find_map_by_name(obj, ".rodata");
	const void *initial = rodata ? bpf_map__initial_value(rodata, &size) : NULL;
	if (!initial || size > sizeof(image)) {
		fprintf(stderr, "%s has no .rodata to set\n", argv[3]);
		return 1;
	}
	memcpy(image, initial, size);
	len32 = len < 128 ? len : 128;
	set_global(obj, image, "bench_ifindex", &ifindex, sizeof(ifindex));
	set_global(obj, image, "bench_len", &len32, sizeof(len32));
	set_global(obj, image, "bench_template", frame, len32);
	if (bpf_map__set_initial_value(rodata, image, size) || bpf_object__load(obj)) {
		perror("load");
		return 1;
	}
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "bench_gen"));

	/* One short call for the rate (the kernel times the frames, not its setup), then one long one. */
	if (run(prog_fd, frame, len, ifindex, 1 << 16, &ns) || !ns) {
		if (errno == EPERM) {
			bpf_object__close(obj);
			return packet_socket_loop(ifindex, frame, len, seconds);
		}
		perror("test run");
		return 1;
	}
	unsigned long long frames = seconds * 1e9 / ns;
	if (frames > 0x7fffffffULL)
		frames = 0x7fffffffULL; /* opts.repeat is an int */
	usleep(30000);
	start = now();
	if (run(prog_fd, frame, len, ifindex, frames, &ns)) {
		perror("test run");
		return 1;
	}
	took = now() - start;
	printf("%llu %.6f\n", frames, took);
	bpf_object__close(obj);
	return 0;
}
