using System;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using EbpfPs.Engine.Pinning;
using EbpfPs.Engine.TestNetwork;

namespace EbpfPs.Engine.State;

/// <summary>
/// The scratch folders on bpffs where Test- and Set-BpfState load an object to learn its programs' names and tags.
/// A run removes its folder when the load is done, but kill -9 skips every finally, and the folder's pins then
/// keep the program and its maps in the kernel for good. So a folder is named after its owner, as a test network
/// records its maker (the pid namespace, the pid and the process's start time, which a later process with the
/// same pid does not share), and every state run first sweeps the folders whose owner is gone.
/// </summary>
internal static class StateScratch
{
    internal const string Prefix = "ebpfps-state-";

    /// <summary>
    /// An older EbpfPs named its folders ebpfps-state-&lt;12 hex&gt; without an owner. Such a folder lives for one
    /// load, seconds, while its run goes on; one untouched for this long is from a run that died. A running
    /// process of another pid namespace (a container sharing this bpffs) is judged the same way, as its pid
    /// means nothing here.
    /// </summary>
    internal static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(10);

    private static readonly Regex Owned = new(@"^ebpfps-state-(\d+)-(\d+)-(\d+)-[0-9a-f]{8}$",
        RegexOptions.CultureInvariant);
    private static readonly Regex Unowned = new("^ebpfps-state-[0-9a-f]{12}$", RegexOptions.CultureInvariant);

    /// <summary>A new folder for this process's next scratch load (the load makes it; the run removes it).</summary>
    internal static string NewFolder()
    {
        // Without its start time the owner could not be told from a later process: pid namespace 0 then leaves
        // the folder to the age rule rather than to a sweep that would find "pid N, started at 0" gone.
        ulong pidNamespace = OwnStart == 0 ? 0 : OwnPidNamespace;
        return Path.Combine(BpfFs.DefaultRoot, string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}{pidNamespace}-{Environment.ProcessId}-{OwnStart}-{Guid.NewGuid().ToString("N")[..8]}"));
    }

    /// <summary>
    /// Removes the scratch folders of runs that died, with their pins, so the kernel frees what they held.
    /// Quiet: a folder another run removes first, or one that cannot go now, is left to a later sweep.
    /// </summary>
    internal static void SweepOrphans()
    {
        string[] folders;
        try
        {
            folders = Directory.GetDirectories(BpfFs.DefaultRoot, Prefix + "*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        DateTime now = DateTime.UtcNow;
        foreach (string folder in folders)
        {
            try
            {
                if (!IsOrphan(folder, now))
                    continue;
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone already (another run swept it), or not ours to force: a later sweep looks again.
            }
        }
    }

    /// <summary>Whether the folder is a scratch folder whose owner is gone, judged by this machine's /proc.</summary>
    internal static bool IsOrphan(string folder, DateTime nowUtc) => IsOrphan(Path.GetFileName(folder),
        Directory.GetLastWriteTimeUtc(folder), nowUtc, OwnPidNamespace, IsRunning);

    /// <summary>
    /// Whether a folder at the bpffs root is a scratch folder whose owner is gone: named by this scheme with a
    /// pid of this pid namespace that no longer runs with that start time; or, when the owner cannot be told
    /// (the older unowned name, another pid namespace), untouched for longer than Abandoned. Anything else,
    /// whatever its name, is left alone.
    /// </summary>
    internal static bool IsOrphan(string name, DateTime lastWriteUtc, DateTime nowUtc, ulong ownPidNamespace,
        Func<int, ulong, bool> isRunning)
    {
        Match owned = Owned.Match(name);
        if (owned.Success)
        {
            if (!ulong.TryParse(owned.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture,
                    out ulong pidNamespace)
                || !int.TryParse(owned.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                || !ulong.TryParse(owned.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture,
                    out ulong start))
                return false;
            if (pidNamespace == ownPidNamespace && ownPidNamespace != 0)
                return !isRunning(pid, start);
            return nowUtc - lastWriteUtc > Abandoned;
        }
        return Unowned.IsMatch(name) && nowUtc - lastWriteUtc > Abandoned;
    }

    // Read from the real /proc, never through a test's fake host: these folders are real, and only a real
    // absence of their owner may remove one.
    private static bool IsRunning(int pid, ulong start) =>
        pid > 0 && ProcessIdentity.StartTicksOf(ReadProc($"/proc/{pid}/stat")) == start;

    private static ulong? s_ownStart;
    private static ulong? s_ownPidNamespace;

    private static ulong OwnStart => s_ownStart ??= ProcessIdentity.StartTicksOf(ReadProc("/proc/self/stat")) ?? 0;

    /// <summary>The inode of this process's pid namespace ("pid:[4026531836]"), 0 when it cannot be read.</summary>
    private static ulong OwnPidNamespace => s_ownPidNamespace ??= PidNamespaceOf("/proc/self/ns/pid");

    private static ulong PidNamespaceOf(string link)
    {
        try
        {
            string? target = new FileInfo(link).LinkTarget;
            return target is not null && target.StartsWith("pid:[", StringComparison.Ordinal) && target.EndsWith(']')
                && ulong.TryParse(target[5..^1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong inode)
                ? inode : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static string? ReadProc(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
