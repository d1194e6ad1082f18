using System.Runtime.InteropServices;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop;

/// <summary>TC clsact hooks and cls_bpf filters through libbpf's netlink helpers.</summary>
internal static unsafe partial class Libbpf
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TcHook
    {
        public nuint Size;
        public int Ifindex;
        public int AttachPoint;
        public uint Parent;
        private uint _pad;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TcOpts
    {
        public nuint Size;
        public int ProgFd;
        public uint Flags, ProgId, Handle, Priority;
        private uint _pad;
    }

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_tc_hook_create(TcHook* hook);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_tc_hook_destroy(TcHook* hook);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_tc_attach(TcHook* hook, TcOpts* opts);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_tc_detach(TcHook* hook, TcOpts* opts);

    /// <summary>A filter the kernel made: where it sits and which program it runs.</summary>
    internal readonly record struct TcFilterId(uint Handle, uint Priority, uint ProgramId);

    private static TcHook Hook(int ifindex, TcAttachPoint point) =>
        new() { Size = (nuint)sizeof(TcHook), Ifindex = ifindex, AttachPoint = (int)point };

    /// <summary>Creates the clsact qdisc; EEXIST when it was already there.</summary>
    internal static Result TcHookCreate(int ifindex)
    {
        TcHook hook = Hook(ifindex, TcAttachPoint.Ingress);
        return Result.FromReturn(bpf_tc_hook_create(&hook));
    }

    /// <summary>Deletes the clsact qdisc and every filter on both of its hooks.</summary>
    internal static Result TcHookDestroy(int ifindex)
    {
        TcHook hook = Hook(ifindex, TcAttachPoint.Ingress | TcAttachPoint.Egress);
        return Result.FromReturn(bpf_tc_hook_destroy(&hook));
    }

    /// <summary>Adds a direct-action cls_bpf filter; 0 for handle or priority lets the kernel choose.</summary>
    internal static Result<TcFilterId> TcAttach(int ifindex, TcAttachPoint point, SafeFdHandle program, uint handle,
        uint priority, TcFlags flags)
    {
        TcHook hook = Hook(ifindex, point);
        var opts = new TcOpts { Size = (nuint)sizeof(TcOpts), ProgFd = program.Fd, Handle = handle,
            Priority = priority, Flags = (uint)flags };
        int rc = bpf_tc_attach(&hook, &opts);
        return rc < 0 ? (Errno)(-rc) : new TcFilterId(opts.Handle, opts.Priority, opts.ProgId);
    }

    internal static Result TcDetach(int ifindex, TcAttachPoint point, uint handle, uint priority)
    {
        TcHook hook = Hook(ifindex, point);
        var opts = new TcOpts { Size = (nuint)sizeof(TcOpts), Handle = handle, Priority = priority };
        return Result.FromReturn(bpf_tc_detach(&hook, &opts));
    }
}
