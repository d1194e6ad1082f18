using System;
using System.Collections.Generic;

namespace EbpfPs.Engine;

/// <summary>
/// libbpf's log lines, kept per thread until the caller drains them (a cmdlet shows them as debug
/// output). Kept per thread because libbpf logs on the thread that made the call.
/// </summary>
public static class LibbpfLog
{
    /// <summary>libbpf's level for the lines that say why something failed (LIBBPF_WARN).</summary>
    internal const int WarnLevel = 0;
    private const int DebugLevel = 2, KeptWarnings = 64;

    [ThreadStatic] private static List<string>? _lines;
    // Warnings are kept apart from the drained lines: an error message quotes them after the cmdlet (or a
    // namespace thread) may have drained the rest, and a load's debug chatter must not push them out.
    [ThreadStatic] private static Queue<(long Seq, string Line)>? _warnings;
    [ThreadStatic] private static long _warningSeq;

    internal static void Append(int level, string line)
    {
        _lines ??= new List<string>();
        if (_lines.Count < 10_000)
            _lines.Add(line);
        if (level != WarnLevel)
            return;
        _warnings ??= new Queue<(long, string)>();
        if (_warnings.Count == KeptWarnings)
            _warnings.Dequeue();
        _warnings.Enqueue((_warningSeq++, line));
    }

    /// <summary>Hands lines logged on a worker thread (a namespace thread, say) to this thread's log.</summary>
    internal static void AppendAll(IReadOnlyList<string> lines)
    {
        // Their levels stayed on the worker: taken as debug lines, they are shown but never quoted as a reason.
        foreach (string line in lines)
            Append(DebugLevel, line);
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

    /// <summary>A point in this thread's warnings, to ask later what libbpf warned about since.</summary>
    internal static long WarningMark => _warningSeq;

    /// <summary>The warnings libbpf logged on this thread since the mark (the last 64 at most), oldest first.</summary>
    internal static IReadOnlyList<string> WarningsSince(long mark)
    {
        var since = new List<string>();
        if (_warnings is not null)
            foreach ((long seq, string line) in _warnings)
                if (seq >= mark)
                    since.Add(line);
        return since;
    }
}
