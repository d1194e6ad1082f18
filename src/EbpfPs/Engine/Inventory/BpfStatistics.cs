using System;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Inventory;

/// <summary>
/// Kernel run-time statistics (run_cnt, run_time_ns) are on while someone holds a BPF_ENABLE_STATS fd.
/// We hold one for this process until Disable, so the cost stops when the session no longer wants it.
/// </summary>
public static class BpfStatistics
{
    private static readonly object Gate = new();
    private static SafeFdHandle? _fd;
    private static DateTime? _since;

    public static BpfStatisticsState State
    {
        get { lock (Gate) return new BpfStatisticsState(_fd is not null, _since); }
    }

    public static void Enable()
    {
        NativeRuntime.EnsureLibbpf();
        lock (Gate)
        {
            if (_fd is not null) return;
            _fd = Libbpf.EnableStats(BpfStatsType.RunTime).OrThrow("enable BPF run-time statistics", null,
                ErrorId.EnableStatisticsFailed);
            _since = DateTime.Now;
        }
    }

    public static void Disable()
    {
        lock (Gate)
        {
            _fd?.Dispose();
            _fd = null;
            _since = null;
        }
    }
}
