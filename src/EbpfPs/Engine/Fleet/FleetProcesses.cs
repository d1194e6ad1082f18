using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Host;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Fleet;

/// <summary>
/// The processes of a fleet's sshd, read from /proc: is a pid still the sshd we started (its executable and
/// its config file), which processes descend from it (SSH sessions and their pwsh), and stopping exactly those.
/// </summary>
internal static class FleetProcesses
{
    internal const string Sshd = "/usr/sbin/sshd";

    /// <summary>True while pid is a live sshd started with this config file (not a reused pid, not a zombie).</summary>
    internal static bool IsSshdWithConfig(int pid, string configPath)
    {
        if (pid <= 0 || IsGone(pid))
            return false;
        string? exe = Tools.ReadLink($"/proc/{pid}/exe");
        // sshd rewrites its title ("sshd: /usr/sbin/sshd -f CONFIG ... [listener]"), so match the text.
        string? cmdline = Tools.ReadText($"/proc/{pid}/cmdline")?.Replace('\0', ' ');
        return exe == Sshd && cmdline is not null && cmdline.Contains(configPath, StringComparison.Ordinal);
    }

    /// <summary>Gone, or a zombie waiting for its parent: either way no longer running.</summary>
    internal static bool IsGone(int pid)
    {
        string? stat = ReadStat(pid);
        return stat is null || State(stat) is 'Z' or 'X';
    }

    /// <summary>Every process below pid (children, their children, ...), found through the ppid in /proc.</summary>
    internal static IReadOnlyList<int> Descendants(int pid)
    {
        var parentOf = new Dictionary<int, int>();
        foreach (string name in Tools.ListDirectory("/proc"))
            if (int.TryParse(name, out int p) && ReadStat(p) is string stat)
                parentOf[p] = ParentOf(stat);
        var result = new List<int>();
        var frontier = new Queue<int>();
        frontier.Enqueue(pid);
        while (frontier.Count > 0)
        {
            int parent = frontier.Dequeue();
            foreach (int child in parentOf.Where(e => e.Value == parent).Select(e => e.Key))
            {
                result.Add(child);
                frontier.Enqueue(child);
            }
        }
        return result;
    }

    /// <summary>SIGTERM to each, then SIGKILL to what still runs after the grace period.</summary>
    internal static void Stop(IReadOnlyCollection<int> pids, TimeSpan grace)
    {
        foreach (int pid in pids)
            Tools.Signal(pid, Libc.SigTerm);
        if (Poll.Until(() => pids.All(IsGone), grace))
            return;
        foreach (int pid in pids.Where(p => !IsGone(p)))
            Tools.Signal(pid, Libc.SigKill);
        Poll.Until(() => pids.All(IsGone), grace);
    }

    private static string? ReadStat(int pid) => Tools.ReadText($"/proc/{pid}/stat");

    // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    private static char State(string stat) => stat[stat.LastIndexOf(')') + 2];

    private static int ParentOf(string stat) =>
        int.Parse(stat[(stat.LastIndexOf(')') + 4)..].Split(' ', 2)[0],
            System.Globalization.CultureInfo.InvariantCulture);
}
