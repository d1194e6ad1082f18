using System;
using System.Collections.Generic;
using EbpfPs.Engine.Host;

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
        foreach (string name in Tools.ListDirectory("/proc"))
            if (int.TryParse(name, out int pid) && HoldsProgram($"/proc/{pid}", programId))
                holders.Add(new Holder(pid, Tools.ReadText($"/proc/{pid}/comm")?.Trim() ?? "?"));
        return holders;
    }

    /// <summary>A process that ended, or whose fds are not ours to read, is passed over.</summary>
    private static bool HoldsProgram(string dir, uint programId)
    {
        foreach (string fd in Tools.ListDirectory($"{dir}/fd"))
        {
            if (Tools.ReadLink($"{dir}/fd/{fd}") != "anon_inode:bpf-prog")
                continue;
            foreach (string line in (Tools.ReadText($"{dir}/fdinfo/{fd}") ?? "").Split('\n'))
                if (line.StartsWith("prog_id:", StringComparison.Ordinal)
                    && uint.TryParse(line.AsSpan(8).Trim(), out uint id) && id == programId)
                    return true;
        }
        return false;
    }
}
