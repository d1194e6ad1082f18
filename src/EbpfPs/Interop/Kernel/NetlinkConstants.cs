namespace EbpfPs.Interop.Kernel;

/// <summary>Control message types every netlink family shares (NLMSG_*, uapi linux/netlink.h).</summary>
[KernelConstant("NLMSG_", "linux/netlink.h")]
internal enum NetlinkControl : ushort
{
    Noop = 1,
    Error = 2,
    Done = 3,
    Overrun = 4,
}

/// <summary>Netlink header flags (NLM_F_*, uapi linux/netlink.h).</summary>
[System.Flags]
[KernelConstant("NLM_F_", "linux/netlink.h")]
internal enum NetlinkFlags : ushort
{
    None = 0,
    Request = 1,
    Multi = 2,
    Ack = 4,
    Root = 0x100,
    Match = 0x200,
    Dump = 0x300,
}

/// <summary>rtnetlink message types (RTM_*, uapi linux/rtnetlink.h) the engine sends or reads.</summary>
[KernelConstant("RTM_", "linux/rtnetlink.h")]
internal enum RtmType : ushort
{
    Newlink = 16,
    Getlink = 18,
    Newqdisc = 36,
    Getqdisc = 38,
    Newtfilter = 44,
    Gettfilter = 46,
}

/// <summary>IFLA_* link attributes (uapi linux/if_link.h) the engine reads.</summary>
[KernelConstant("IFLA_", "linux/if_link.h")]
internal enum IflaAttribute : ushort
{
    Ifname = 3,
    Mtu = 4,
    Stats64 = 23,
    ExtMask = 29,
    Xdp = 43,
}

/// <summary>IFLA_XDP_* attributes nested in IFLA_XDP (uapi linux/if_link.h), as a link dump reports them.</summary>
[KernelConstant("IFLA_XDP_", "linux/if_link.h")]
internal enum IflaXdpAttribute : ushort
{
    Attached = 2,
    ProgId = 4,
    DrvProgId = 5,
    SkbProgId = 6,
    HwProgId = 7,
}

/// <summary>RTEXT_FILTER_* bits of IFLA_EXT_MASK: what a link dump may leave out (uapi linux/rtnetlink.h).</summary>
[System.Flags]
[KernelConstant("RTEXT_FILTER_", "linux/rtnetlink.h")]
internal enum RtextFilter : uint
{
    None = 0,
    SkipStats = 1 << 3,
}

/// <summary>TCA_* traffic-control attributes (uapi linux/rtnetlink.h).</summary>
[KernelConstant("TCA_", "linux/rtnetlink.h")]
internal enum TcaAttribute : ushort
{
    Kind = 1,
    Options = 2,
}

/// <summary>TCA_BPF_* attributes of a cls_bpf filter's options (uapi linux/pkt_cls.h).</summary>
[KernelConstant("TCA_BPF_", "linux/pkt_cls.h")]
internal enum TcaBpfAttribute : ushort
{
    Name = 7,
    Flags = 8,
    Id = 11,
}

/// <summary>Generic netlink controller commands and attributes (CTRL_*, uapi linux/genetlink.h).</summary>
[KernelConstant("CTRL_", "linux/genetlink.h")]
internal enum GenlControl : ushort
{
    [CName("CTRL_CMD_GETFAMILY")] CmdGetfamily = 3,
    [CName("CTRL_ATTR_FAMILY_ID")] AttrFamilyId = 1,
    [CName("CTRL_ATTR_FAMILY_NAME")] AttrFamilyName = 2,
}

/// <summary>The "netdev" generic-netlink family's command and attributes (uapi linux/netdev.h, Linux 6.3+).</summary>
[KernelConstant("NETDEV_", "linux/netdev.h")]
internal enum NetdevGenl : ushort
{
    [CName("NETDEV_CMD_DEV_GET")] CmdDevGet = 1,
    [CName("NETDEV_A_DEV_IFINDEX")] AttrDevIfindex = 1,
    [CName("NETDEV_A_DEV_XDP_FEATURES")] AttrDevXdpFeatures = 3,
}

/// <summary>Netlink protocols, socket families and the generic-netlink controller's fixed id.</summary>
internal static class NetlinkProtocol
{
    internal const int Route = 0, Generic = 16; // NETLINK_ROUTE, NETLINK_GENERIC (linux/netlink.h)
    internal const ushort GenlIdCtrl = 0x10;    // GENL_ID_CTRL (linux/genetlink.h)
}
