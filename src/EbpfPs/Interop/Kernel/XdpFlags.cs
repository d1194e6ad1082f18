namespace EbpfPs.Interop.Kernel;

/// <summary>XDP_FLAGS_* for attach and detach (uapi linux/if_link.h).</summary>
[System.Flags]
[KernelConstant("XDP_FLAGS_", "linux/if_link.h")]
internal enum XdpFlags : uint
{
    None = 0,
    UpdateIfNoexist = 1,
    SkbMode = 2,
    DrvMode = 4,
    HwMode = 8,
    Replace = 16,
}

/// <summary>XDP_ATTACHED_*: how the program(s) on an interface run (uapi linux/if_link.h).</summary>
[KernelConstant("XDP_ATTACHED_", "linux/if_link.h")]
internal enum XdpAttachMode : byte
{
    None = 0,
    Drv = 1,
    Skb = 2,
    Hw = 3,
    Multi = 4,
}

/// <summary>NETDEV_XDP_ACT_*: what a driver can do with XDP (uapi linux/netdev.h, Linux 6.3+).</summary>
[System.Flags]
[KernelConstant("NETDEV_XDP_ACT_", "linux/netdev.h")]
internal enum XdpFeatures : ulong
{
    None = 0,
    Basic = 1,
    Redirect = 2,
    NdoXmit = 4,
    XskZerocopy = 8,
    HwOffload = 16,
    RxSg = 32,
    NdoXmitSg = 64,
}
