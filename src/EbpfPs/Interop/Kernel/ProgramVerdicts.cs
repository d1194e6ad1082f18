namespace EbpfPs.Interop.Kernel;

/// <summary>enum xdp_action (uapi linux/bpf.h): what an XDP program returns.</summary>
[KernelConstant("XDP_", "linux/bpf.h")]
internal enum XdpVerdict
{
    Aborted = 0,
    Drop = 1,
    Pass = 2,
    Tx = 3,
    Redirect = 4,
}

/// <summary>TC_ACT_* (uapi linux/pkt_cls.h): what a TC program returns.</summary>
[KernelConstant("TC_ACT_", "linux/pkt_cls.h")]
internal enum TcVerdict
{
    Unspec = -1,
    Ok = 0,
    Reclassify = 1,
    Shot = 2,
    Pipe = 3,
    Stolen = 4,
    Queued = 5,
    Repeat = 6,
    Redirect = 7,
    Trap = 8,
}
