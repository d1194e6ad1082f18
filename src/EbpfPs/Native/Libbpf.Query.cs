using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>BPF_PROG_QUERY: which programs are attached at a hook (target is an fd or, for tcx, an ifindex).</summary>
internal static unsafe partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_prog_query(int target, int type, uint queryFlags, uint* attachFlags, uint* progIds, uint* progCnt);

    /// <summary>Returns 0 and the attached count, or the negative errno.</summary>
    internal static int QueryAttached(int target, int attachType, out uint count)
    {
        uint cnt = 0, flags = 0;
        int rc = bpf_prog_query(target, attachType, 0, &flags, null, &cnt);
        count = cnt;
        return rc;
    }
}

/// <summary>BPF_ENABLE_STATS: run-time statistics for as long as the returned fd is open.</summary>
internal static partial class Libbpf
{
    private const int StatsRunTime = 0;

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_enable_stats(int type);

    internal static int EnableRunTimeStats() => bpf_enable_stats(StatsRunTime);
}
