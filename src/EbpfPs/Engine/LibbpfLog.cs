using System;
using System.Collections.Generic;

namespace EbpfPs.Engine;

/// <summary>
/// libbpf's log lines, kept per thread until the caller drains them (a cmdlet shows them as debug
/// output). Kept per thread because libbpf logs on the thread that made the call.
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
