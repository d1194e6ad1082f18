using System;
using System.Collections.Generic;
using EbpfPs.Native;

namespace EbpfPs.Engine;

/// <summary>
/// Makes sure libbpf is present and its log goes somewhere before any engine call. Safe to call
/// many times; only the first does work.
/// </summary>
public static class NativeRuntime
{
    private static readonly object Gate = new();
    private static bool? _libbpfPresent;

    public static bool LibbpfPresent
    {
        get
        {
            lock (Gate)
            {
                if (_libbpfPresent is null)
                {
                    Libraries.Register();
                    _libbpfPresent = Libraries.TryLoadLibbpf();
                    if (_libbpfPresent == true)
                    {
                        Libbpf.PrintSink = LibbpfLog.Append;
                        Libbpf.InstallPrint();
                    }
                }
                return _libbpfPresent.Value;
            }
        }
    }

    /// <summary>Throws a NotInstalled error naming the fix when libbpf.so.1 cannot be loaded.</summary>
    public static void EnsureLibbpf()
    {
        if (!LibbpfPresent)
            throw new BpfException("LibbpfNotFound", BpfErrorKind.NotInstalled,
                "libbpf.so.1 could not be loaded, so no BPF operation is possible.",
                recommendedAction: "Install libbpf 1.x: apt-get install libbpf1 (Debian/Ubuntu) or dnf install libbpf (Fedora).");
    }
}

/// <summary>
/// libbpf's log lines, kept per thread until the caller drains them (a cmdlet shows them with
/// -Verbose). Kept per thread because libbpf logs on the thread that made the call.
/// </summary>
public static class LibbpfLog
{
    [ThreadStatic] private static List<string>? _lines;

    internal static void Append(int level, string line)
    {
        _lines ??= new List<string>();
        if (_lines.Count < 10_000)
            _lines.Add(line);
    }

    /// <summary>Hands lines logged on a worker thread (a namespace thread, say) to this thread's log.</summary>
    internal static void AppendAll(IReadOnlyList<string> lines)
    {
        foreach (string line in lines)
            Append(0, line);
    }

    /// <summary>Returns and forgets what libbpf said on this thread since the last drain.</summary>
    public static IReadOnlyList<string> Drain()
    {
        if (_lines is null || _lines.Count == 0)
            return Array.Empty<string>();
        var lines = _lines;
        _lines = null;
        return lines;
    }
}
