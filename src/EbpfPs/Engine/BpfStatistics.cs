using System;
using EbpfPs.Native;

namespace EbpfPs.Engine;

/// <summary>
/// Kernel run-time statistics (run_cnt, run_time_ns) are on while someone holds a BPF_ENABLE_STATS fd.
/// We hold one for this process until Disable, so the cost stops when the session no longer wants it.
/// </summary>
public static class BpfStatistics
{
    private static readonly object Gate = new();
    private static SafeFdHandle? _fd;
    private static DateTime? _since;

    public static bool Enabled { get { lock (Gate) return _fd is not null; } }
    public static DateTime? Since { get { lock (Gate) return _since; } }

    public static void Enable()
    {
        NativeRuntime.EnsureLibbpf();
        lock (Gate)
        {
            if (_fd is not null) return;
            int fd = Libbpf.EnableRunTimeStats();
            if (fd < 0)
                throw BpfException.FromErrno(-fd, "enable BPF run-time statistics", null, "EnableStatisticsFailed");
            _fd = new SafeFdHandle(fd);
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
