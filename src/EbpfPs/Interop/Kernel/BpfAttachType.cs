namespace EbpfPs.Interop.Kernel;

/// <summary>The members of enum bpf_attach_type (uapi linux/bpf.h) the engine uses.</summary>
[KernelConstant("BPF_", "linux/bpf.h")]
internal enum BpfAttachType
{
    Xdp = 37,
    TcxIngress = 46,
    TcxEgress = 47,
    NetkitPrimary = 54,
    NetkitPeer = 55,
}

/// <summary>enum bpf_link_type (uapi linux/bpf.h).</summary>
[KernelConstant("BPF_LINK_TYPE_", "linux/bpf.h")]
internal enum BpfLinkType
{
    Unspec = 0,
    RawTracepoint = 1,
    Tracing = 2,
    Cgroup = 3,
    Iter = 4,
    Netns = 5,
    Xdp = 6,
    PerfEvent = 7,
    KprobeMulti = 8,
    StructOps = 9,
    Netfilter = 10,
    Tcx = 11,
    UprobeMulti = 12,
    Netkit = 13,
    Sockmap = 14,
}

/// <summary>enum bpf_stats_type (uapi linux/bpf.h).</summary>
[KernelConstant("BPF_STATS_", "linux/bpf.h")]
internal enum BpfStatsType
{
    RunTime = 0,
}

/// <summary>BPF_PROG_TEST_RUN flags (uapi linux/bpf.h).</summary>
[System.Flags]
[KernelConstant("BPF_F_TEST_", "linux/bpf.h")]
internal enum TestRunFlags : uint
{
    None = 0,
    RunOnCpu = 1,
    XdpLiveFrames = 2,
}

/// <summary>BPF_PROG_ATTACH and BPF_LINK_UPDATE flags (uapi linux/bpf.h).</summary>
[System.Flags]
[KernelConstant("BPF_F_", "linux/bpf.h")]
internal enum AttachFlags : uint
{
    None = 0,
    AllowOverride = 1,
    AllowMulti = 2,
    Replace = 4,
}

/// <summary>BPF_MAP_UPDATE_ELEM flags (uapi linux/bpf.h).</summary>
[KernelConstant("BPF_", "linux/bpf.h")]
internal enum MapUpdateFlags : ulong
{
    Any = 0,
    Noexist = 1,
    Exist = 2,
}
