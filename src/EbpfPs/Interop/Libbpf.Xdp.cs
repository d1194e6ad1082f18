using System.Runtime.InteropServices;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop;

/// <summary>XDP attach, detach and query through libbpf (netlink underneath, so attachments outlive us).</summary>
internal static unsafe partial class Libbpf
{
    [StructLayout(LayoutKind.Sequential)]
    private struct XdpAttachOpts
    {
        public nuint Size;
        public int OldProgFd;
        private int _pad;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct XdpQueryOpts
    {
        public nuint Size;
        public uint ProgId, DrvProgId, HwProgId, SkbProgId;
        public byte AttachMode;
        private byte _p1, _p2, _p3;
        private uint _p4;
    }

    /// <summary>What is attached at an interface's XDP hook, per mode.</summary>
    internal readonly record struct XdpState(XdpAttachMode Mode, uint ProgramId, uint DrvProgramId,
        uint SkbProgramId, uint HwProgramId)
    {
        /// <summary>The program that runs (with several modes at once, the native one first).</summary>
        public uint CurrentId => ProgramId != 0 ? ProgramId : DrvProgramId != 0 ? DrvProgramId : SkbProgramId != 0
            ? SkbProgramId : HwProgramId;
    }

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_xdp_attach(int ifindex, int progFd, uint flags, XdpAttachOpts* opts);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_xdp_detach(int ifindex, uint flags, XdpAttachOpts* opts);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_xdp_query(int ifindex, int flags, XdpQueryOpts* opts);

    /// <summary>
    /// Attaches; with XdpFlags.Replace only if expected (the program we saw) is still the one attached.
    /// </summary>
    internal static Result XdpAttach(int ifindex, SafeFdHandle program, XdpFlags flags, SafeFdHandle? expected = null)
    {
        var opts = new XdpAttachOpts { Size = (nuint)sizeof(XdpAttachOpts), OldProgFd = expected?.Fd ?? 0 };
        return Result.FromReturn(bpf_xdp_attach(ifindex, program.Fd, (uint)flags, expected is null ? null : &opts));
    }

    /// <summary>Detaches; with XdpFlags.Replace only if expected is still the program there (EEXIST if not).</summary>
    internal static Result XdpDetach(int ifindex, XdpFlags flags, SafeFdHandle? expected = null)
    {
        var opts = new XdpAttachOpts { Size = (nuint)sizeof(XdpAttachOpts), OldProgFd = expected?.Fd ?? 0 };
        return Result.FromReturn(bpf_xdp_detach(ifindex, (uint)flags, expected is null ? null : &opts));
    }

    internal static Result<XdpState> XdpQuery(int ifindex)
    {
        var opts = new XdpQueryOpts { Size = (nuint)sizeof(XdpQueryOpts) };
        int rc = bpf_xdp_query(ifindex, 0, &opts);
        return rc < 0
            ? (Errno)(-rc)
            : new XdpState((XdpAttachMode)opts.AttachMode, opts.ProgId, opts.DrvProgId, opts.SkbProgId, opts.HwProgId);
    }
}
