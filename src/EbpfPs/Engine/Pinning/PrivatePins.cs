using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Host;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Pinning;

/// <summary>
/// Private pin folders for the module's built-in programs. Their maps pinned by name (rout_stats and the like)
/// would land at the bpffs root, where every session and test network loading the same program shares, counts
/// into and removes the same map. Loaded without -PinPath, a built-in pins them under
/// /sys/fs/bpf/ebpfps/programs/&lt;id of its program&gt;/ instead, and the folder lives as long as the program:
/// it goes when the program does (Remove-XdpProgram, Remove-TcProgram, Remove-BpfTestNetwork, Remove-BpfObject,
/// or the next load of a built-in that finds it orphaned). Objects from a user's file keep libbpf's default.
/// </summary>
public static class PrivatePins
{
    /// <summary>Where the private folders live; each is named after the id of the program it belongs to.</summary>
    public const string Root = BpfFs.ModuleRoot + "/programs";

    // A folder a load is filling: named before the program id is known, renamed after the load.
    private const string Loading = "loading-";
    // A loading folder this old belongs to a process that died in the middle of a load.
    private static readonly TimeSpan Abandoned = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a detach waits for its program to go before its private folder is left to a later sweep (one still
    /// attached elsewhere never goes within it): the module's one detach-settle time.
    /// </summary>
    public static readonly TimeSpan DetachWait = Poll.DetachSettle;

    /// <summary>A new, empty folder for the by-name maps of one load (sweeping orphaned folders first).</summary>
    internal static string NewFolder()
    {
        Sweep();
        string folder = Path.Combine(Root, Loading + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (DirectoryNotFoundException)
        {
            // Another session removed the (then empty) module folder between our mkdirs: make it again.
            Directory.CreateDirectory(folder);
        }
        return folder;
    }

    /// <summary>Gives a loaded folder its program's id as its name; returns where it is now.</summary>
    private static string Adopt(string folder, uint programId)
    {
        string named = Path.Combine(Root, programId.ToString(CultureInfo.InvariantCulture));
        // A folder of that id is left from a program that had the id before (ids wrap after 2^31 loads).
        if (Directory.Exists(named))
            Directory.Delete(named, recursive: true);
        Directory.Move(folder, named);
        return named;
    }

    /// <summary>
    /// After a load: names the folder after the object's first loaded program, or removes it when the object
    /// pinned nothing by name. Returns where the pins are now (null when there are none).
    /// </summary>
    internal static string? Settle(string folder, IReadOnlyList<NativeProgram> programs)
    {
        if (!Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Remove(folder);
            return null;
        }
        foreach (NativeProgram p in programs)
        {
            using SafeFdHandle? fd = p.BorrowFd();
            if (fd is not null)
                return Adopt(folder, BpfSystem.Current.ProgramInfo(fd).OrThrow("read info of BPF program").Id);
        }
        return folder;
    }

    /// <summary>The private folder of a program, or null when it has none.</summary>
    public static string? FolderOf(uint programId)
    {
        string folder = Path.Combine(Root, programId.ToString(CultureInfo.InvariantCulture));
        return programId != 0 && Directory.Exists(folder) ? folder : null;
    }

    /// <summary>True when the path is one of the private folders (or something in one).</summary>
    public static bool IsPrivate(string path) =>
        Path.GetFullPath(path).StartsWith(Root + "/", StringComparison.Ordinal);

    /// <summary>
    /// Removes the folders whose program is gone. The kernel frees a program some time after its last
    /// attachment goes (after an RCU grace period for a TC filter, after the namespace's cleanup for a deleted
    /// network), so the folders of the programs in waitFor are given up to timeout to see their program go; a
    /// program that is still loaded then (attached elsewhere, held by someone) keeps its folder.
    /// </summary>
    public static void Sweep(IReadOnlyCollection<uint>? waitFor = null, TimeSpan timeout = default)
    {
        if (!Directory.Exists(Root) || !NativeRuntime.LibbpfPresent)
            return;
        var waiting = new HashSet<uint>((waitFor ?? Array.Empty<uint>()).Where(id => FolderOf(id) is not null));
        Poll.Until(() => SweepOnce(waiting), timeout);
        RemoveEmptyParents();
    }

    /// <summary>One look at every folder: those whose program is gone go; true when none in waiting is left.</summary>
    private static bool SweepOnce(HashSet<uint> waiting)
    {
        foreach (string folder in Folders())
        {
            string name = Path.GetFileName(folder);
            if (uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
            {
                if (ProgramLoaded(id))
                    continue;
                Remove(folder);
                waiting.Remove(id);
            }
            else if (name.StartsWith(Loading, StringComparison.Ordinal)
                     && DateTime.UtcNow - Directory.GetCreationTimeUtc(folder) > Abandoned)
                Remove(folder);
        }
        return waiting.Count == 0;
    }

    /// <summary>Sweep for clean-up paths that must not fail: what cannot go now, a later sweep removes.</summary>
    public static void SweepQuietly(IReadOnlyCollection<uint>? waitFor = null, TimeSpan timeout = default)
    {
        try { Sweep(waitFor, timeout); }
        catch (Exception e) when (e is BpfException or IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Removes a private folder and its pins, and the module's folders when nothing else is in them.</summary>
    internal static void Remove(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Another session removed it first, or pinned into it meanwhile: either way it is not ours to force.
        }
        RemoveEmptyParents();
    }

    private static IEnumerable<string> Folders()
    {
        try { return Directory.GetDirectories(Root); }
        catch (DirectoryNotFoundException) { return Array.Empty<string>(); }
    }

    private static bool ProgramLoaded(uint id)
    {
        // The real kernel, never a test's fake: these folders are real, and only a real absence may remove one.
        Result<SafeFdHandle> fd = Libbpf.FdById(Libbpf.ObjectKind.Program, id);
        if (fd.Ok)
            fd.Value.Dispose();
        // Anything but "no such program" (EPERM, say) is not proof that it is gone: keep the folder.
        return fd.Ok || fd.Errno != Errno.ENOENT;
    }

    private static void RemoveEmptyParents()
    {
        foreach (string dir in new[] { Root, BpfFs.ModuleRoot })
            try
            {
                if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
                    Directory.Delete(dir);
            }
            catch (IOException)
            {
                // Someone made something in it meanwhile; it stays.
            }
    }
}
