namespace EbpfPs.Interop.Kernel;

/// <summary>
/// The helper functions (enum bpf_func_id, uapi linux/bpf.h) whose presence decides what our programs can do.
/// </summary>
[KernelConstant("BPF_FUNC_", "linux/bpf.h", LowerCase = true)]
internal enum BpfFunc
{
    MapLookupElem = 1,
    L3CsumReplace = 10,
    SkbVlanPush = 18,
    SkbVlanPop = 19,
    Redirect = 23,
    CsumDiff = 28,
    XdpAdjustHead = 44,
    RedirectMap = 51,
    XdpAdjustTail = 65,
    FibLookup = 69,
    RingbufOutput = 130,
    RedirectNeigh = 152,
    RedirectPeer = 155,
}
