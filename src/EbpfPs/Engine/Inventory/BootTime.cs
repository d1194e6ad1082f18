using System;
using EbpfPs.Engine.Host;

namespace EbpfPs.Engine.Inventory;

/// <summary>The kernel stamps load times in ns since boot (CLOCK_BOOTTIME); users want wall-clock time.</summary>
internal static class BootTime
{
    private static DateTime? s_boot;

    /// <summary>
    /// The boot instant, kept once read; a read that finds nothing (a fake host in a test) is not kept, so it never
    /// stands in for the real one later.
    /// </summary>
    private static DateTime Boot => s_boot ?? (s_boot = Read()) ?? DateTime.UnixEpoch;

    private static DateTime? Read()
    {
        // /proc/stat's btime is the boot instant in seconds, which is what bpftool uses too.
        foreach (string line in (Tools.ReadText("/proc/stat") ?? "").Split('\n'))
            if (line.StartsWith("btime ", StringComparison.Ordinal))
                return DateTime.UnixEpoch.AddSeconds(long.Parse(line.AsSpan(6).Trim())).ToLocalTime();
        return null;
    }

    internal static DateTime ToWallClock(ulong nsSinceBoot) => Boot.AddTicks((long)(nsSinceBoot / 100));
}
