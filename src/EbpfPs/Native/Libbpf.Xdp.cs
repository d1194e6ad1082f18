using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>XDP attach, detach and query through libbpf (netlink underneath, so attachments outlive us).</summary>
internal static unsafe partial class Libbpf
{
    internal const uint XdpFlagsUpdateIfNoExist = 1, XdpFlagsSkbMode = 2, XdpFlagsDrvMode = 4, XdpFlagsHwMode = 8, XdpFlagsReplace = 16;
    internal const byte XdpAttachedNone = 0, XdpAttachedDrv = 1, XdpAttachedSkb = 2, XdpAttachedHw = 3, XdpAttachedMulti = 4;

    [StructLayout(LayoutKind.Sequential)]
    internal struct XdpAttachOpts
    {
        public nuint Size;
        public int OldProgFd;
        private int _pad;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct XdpQueryOpts
    {
        public nuint Size;
        public uint ProgId, DrvProgId, HwProgId, SkbProgId;
        public byte AttachMode;
        private byte _p1, _p2, _p3;
        private uint _p4;
    }

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_xdp_attach(int ifindex, int progFd, uint flags, XdpAttachOpts* opts);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_xdp_detach(int ifindex, uint flags, XdpAttachOpts* opts);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_xdp_query(int ifindex, int flags, XdpQueryOpts* opts);

    /// <summary>Returns 0 or the negative errno, so callers can tell "exists" from other failures.</summary>
    internal static int XdpAttach(int ifindex, int progFd, uint flags, int oldProgFd = 0)
    {
        var opts = new XdpAttachOpts { Size = (nuint)sizeof(XdpAttachOpts), OldProgFd = oldProgFd };
        return bpf_xdp_attach(ifindex, progFd, flags, oldProgFd > 0 ? &opts : null);
    }

    internal static int XdpDetach(int ifindex, uint flags) => bpf_xdp_detach(ifindex, flags, null);

    internal static XdpQueryOpts XdpQuery(int ifindex, string ifname)
    {
        var opts = new XdpQueryOpts { Size = (nuint)sizeof(XdpQueryOpts) };
        Check(bpf_xdp_query(ifindex, 0, &opts), "query XDP programs on", ifname);
        return opts;
    }
}
