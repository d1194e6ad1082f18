using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
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
        try
        {
            string? exe = new FileInfo($"/proc/{pid}/exe").LinkTarget;
            // sshd rewrites its title ("sshd: /usr/sbin/sshd -f CONFIG ... [listener]"), so match the text.
            string cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return exe == Sshd && cmdline.Contains(configPath, StringComparison.Ordinal);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
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
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out int p) && ReadStat(p) is string stat)
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
            Libc.Signal(pid, Libc.SigTerm);
        var clock = Stopwatch.StartNew();
        while (pids.Any(p => !IsGone(p)) && clock.Elapsed < grace)
            Thread.Sleep(20);
        foreach (int pid in pids.Where(p => !IsGone(p)))
            Libc.Signal(pid, Libc.SigKill);
        clock.Restart();
        while (pids.Any(p => !IsGone(p)) && clock.Elapsed < grace)
            Thread.Sleep(20);
    }

    private static string? ReadStat(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    private static char State(string stat) => stat[stat.LastIndexOf(')') + 2];

    private static int ParentOf(string stat) =>
        int.Parse(stat[(stat.LastIndexOf(')') + 4)..].Split(' ', 2)[0],
            System.Globalization.CultureInfo.InvariantCulture);
}
