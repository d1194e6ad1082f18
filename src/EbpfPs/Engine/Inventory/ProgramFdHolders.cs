using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace EbpfPs.Engine.Inventory;

/// <summary>
/// The processes that hold a program open by a file descriptor (as bpftool's "pids" shows), read from
/// /proc/PID/fd and /proc/PID/fdinfo: a held program stays loaded whatever is unpinned or detached.
/// </summary>
internal static class ProgramFdHolders
{
    internal sealed record Holder(int ProcessId, string Name);

    internal static IReadOnlyList<Holder> Of(uint programId)
    {
        var holders = new List<Holder>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
                continue;
            if (HoldsProgram(dir, programId))
                holders.Add(new Holder(pid, Comm(dir)));
        }
        return holders;
    }

    private static bool HoldsProgram(string dir, uint programId)
    {
        try
        {
            foreach (string fd in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
            {
                if (new FileInfo(fd).LinkTarget != "anon_inode:bpf-prog")
                    continue;
                string info = Path.Combine(dir, "fdinfo", Path.GetFileName(fd));
                foreach (string line in File.ReadLines(info))
                    if (line.StartsWith("prog_id:", StringComparison.Ordinal)
                        && uint.TryParse(line.AsSpan(8).Trim(), out uint id) && id == programId)
                        return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process ended, or its fds are not ours to read: it is passed over.
        }
        return false;
    }

    private static string Comm(string dir)
    {
        try { return File.ReadAllText(Path.Combine(dir, "comm")).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "?"; }
    }
}
