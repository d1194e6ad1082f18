using System;

namespace EbpfPs.Engine.Inventory;

/// <summary>The kernel stamps load times in ns since boot (CLOCK_BOOTTIME); users want wall-clock time.</summary>
internal static class BootTime
{
    private static readonly Lazy<DateTime> Boot = new(() =>
    {
        // /proc/stat's btime is the boot instant in seconds, which is what bpftool uses too.
        foreach (string line in System.IO.File.ReadLines("/proc/stat"))
            if (line.StartsWith("btime ", StringComparison.Ordinal))
                return DateTime.UnixEpoch.AddSeconds(long.Parse(line.AsSpan(6).Trim())).ToLocalTime();
        return DateTime.UnixEpoch;
    });

    internal static DateTime ToWallClock(ulong nsSinceBoot) => Boot.Value.AddTicks((long)(nsSinceBoot / 100));
}
