using System;
using System.Globalization;
using EbpfPs.Engine.Host;

namespace EbpfPs.Engine.TestNetwork;

/// <summary>
/// A process told apart from a later one that reuses its pid: the pid together with its start time in clock
/// ticks after boot (field 22 of /proc/PID/stat), which the kernel never changes while the process lives.
/// </summary>
internal static class ProcessIdentity
{
    private static ulong s_ownStart;

    internal static int OwnProcessId => Environment.ProcessId;

    /// <summary>
    /// This process's start time, read once; a read that finds nothing (a test's fake host without this /proc
    /// file) is not remembered, so it never stands for the process later.
    /// </summary>
    internal static ulong OwnStartTicks
    {
        get
        {
            if (s_ownStart == 0)
                s_ownStart = StartTicks(Environment.ProcessId) ?? 0;
            return s_ownStart;
        }
    }
    internal static string OwnName => Name(Environment.ProcessId) ?? "";

    /// <summary>True while the process that had this pid and start time runs (a zombie no longer does).</summary>
    internal static bool IsRunning(int pid, ulong startTicks) => pid > 0 && StartTicks(pid) == startTicks;

    internal static bool IsThisProcess(int pid, ulong startTicks) =>
        pid == OwnProcessId && startTicks == OwnStartTicks;

    /// <summary>The start time of a running process, or null when there is none with that pid.</summary>
    internal static ulong? StartTicks(int pid) => StartTicksOf(Stat(pid));

    /// <summary>The start time in the text of a /proc/PID/stat, or null for none (or a zombie).</summary>
    internal static ulong? StartTicksOf(string? stat)
    {
        int close = stat?.LastIndexOf(')') ?? -1;
        if (stat is null || close < 0 || close + 2 > stat.Length)
            return null;
        // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so count fields after the last ')'.
        string[] fields = stat[(close + 2)..].Split(' ');
        if (fields.Length < 20 || fields[0] is "Z" or "X")
            return null;
        return ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out ulong ticks)
            ? ticks : null;
    }

    internal static string? Name(int pid)
    {
        string? stat = Stat(pid);
        if (stat is null) return null;
        int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
        return open >= 0 && close > open ? stat[(open + 1)..close] : null;
    }

    private static string? Stat(int pid)
    {
        return pid <= 0 ? null : Tools.ReadText($"/proc/{pid}/stat");
    }
}
