using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>TC clsact hooks and cls_bpf filters through libbpf's netlink helpers.</summary>
internal static unsafe partial class Libbpf
{
    internal const int TcIngress = 1, TcEgress = 2;
    internal const uint TcFlagReplace = 1;

    [StructLayout(LayoutKind.Sequential)]
    internal struct TcHook
    {
        public nuint Size;
        public int Ifindex;
        public int AttachPoint;
        public uint Parent;
        private uint _pad;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct TcOpts
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

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_tc_query(TcHook* hook, TcOpts* opts);

    internal static TcHook NewTcHook(int ifindex, int attachPoint) =>
        new() { Size = (nuint)sizeof(TcHook), Ifindex = ifindex, AttachPoint = attachPoint };

    /// <summary>Creates the clsact qdisc; returns 0, or -EEXIST when it was already there, or another -errno.</summary>
    internal static int TcHookCreate(TcHook hook) => bpf_tc_hook_create(&hook);

    /// <summary>With both attach points set this deletes the clsact qdisc and every filter on it.</summary>
    internal static int TcHookDestroy(TcHook hook) => bpf_tc_hook_destroy(&hook);

    internal static int TcAttach(TcHook hook, ref TcOpts opts)
    {
        opts.Size = (nuint)sizeof(TcOpts);
        fixed (TcOpts* p = &opts) return bpf_tc_attach(&hook, p);
    }

    internal static int TcDetach(TcHook hook, uint handle, uint priority)
    {
        var opts = new TcOpts { Size = (nuint)sizeof(TcOpts), Handle = handle, Priority = priority };
        return bpf_tc_detach(&hook, &opts);
    }

    internal static int TcQuery(TcHook hook, uint handle, uint priority, out uint progId)
    {
        var opts = new TcOpts { Size = (nuint)sizeof(TcOpts), Handle = handle, Priority = priority };
        int rc = bpf_tc_query(&hook, &opts);
        progId = opts.ProgId;
        return rc;
    }
}
