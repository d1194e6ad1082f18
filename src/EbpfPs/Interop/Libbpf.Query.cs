using System.Runtime.InteropServices;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop;

/// <summary>
/// BPF_PROG_QUERY: which programs are attached at a hook (the target is an fd or, for tcx, an ifindex).
/// </summary>
internal static unsafe partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_prog_query(int target, int type, uint queryFlags, uint* attachFlags,
        uint* progIds, uint* progCnt);

    /// <summary>How many programs are attached at the hook.</summary>
    internal static Result<uint> QueryAttachedCount(int target, BpfAttachType attachType)
    {
        uint count = 0, flags = 0;
        int rc = bpf_prog_query(target, (int)attachType, 0, &flags, null, &count);
        return rc < 0 ? (Errno)(-rc) : count;
    }

    /// <summary>The ids of the programs attached at the hook, in the order they run.</summary>
    internal static Result<uint[]> QueryAttachedPrograms(int target, BpfAttachType attachType)
    {
        Result<uint> count = QueryAttachedCount(target, attachType);
        if (!count.Ok || count.Value == 0)
            return count.Ok ? System.Array.Empty<uint>() : count.Errno;
        // Room for a few attached meanwhile; more than that is ENOSPC, which the caller sees as a failed query.
        var ids = new uint[count.Value + 8];
        uint n = (uint)ids.Length, flags = 0;
        int rc;
        fixed (uint* p = ids)
            rc = bpf_prog_query(target, (int)attachType, 0, &flags, p, &n);
        return rc < 0 ? (Errno)(-rc) : ids[..(int)System.Math.Min(n, (uint)ids.Length)];
    }
}

/// <summary>BPF_ENABLE_STATS: run-time statistics for as long as the returned fd is open.</summary>
internal static partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_enable_stats(int type);

    internal static Result<SafeFdHandle> EnableStats(BpfStatsType type)
    {
        int fd = bpf_enable_stats((int)type);
        return fd >= 0 ? new SafeFdHandle(fd) : (Errno)(-fd);
    }
}
