using System;
using System.Collections.Generic;
using System.IO;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Attach;

/// <summary>
/// What EbpfPs remembers about TC hooks, per network namespace: a marker for each clsact qdisc it made
/// (STATE/clsact/KEY-IFINDEX, holding the namespace's name) and the bpffs folder its tcx links are pinned in
/// (PINS/tcx/KEY/), where STATE is /run/ebpfps and PINS /sys/fs/bpf/ebpfps. KEY is NetNamespace.Key, a cookie the
/// kernel never gives a later namespace, so a note about a deleted namespace is never taken for one about a new
/// namespace that got its inode. Changes to the hooks and the notes happen under one lock file (STATE/tc.lock), so
/// EbpfPs processes never see each other's half-done work: none removes a qdisc another just put a filter on, or
/// a pin folder another is pinning into.
/// </summary>
internal static class TcBookkeeping
{
    private static IBpfSystem Sys => BpfSystem.Current;

    public static string QdiscMarkers => Path.Combine(Sys.StateDirectory, "clsact");
    public static string TcxPinRoot => Path.Combine(Sys.PinDirectory, "tcx");
    private static string LockPath => Path.Combine(Sys.StateDirectory, "tc.lock");

    [ThreadStatic] private static int t_held;
    // Whether markers were pruned during this hold of the lock: a batch of a thousand qdiscs prunes once.
    [ThreadStatic] private static bool t_pruned;
    // The same for tcx pins whose device is gone.
    [ThreadStatic] private static bool t_tcxPruned;

    /// <summary>Holds the TC lock until disposed; a thread that holds it already just goes on.</summary>
    public static IDisposable Lock()
    {
        if (t_held > 0)
            return new Hold(null);
        Directory.CreateDirectory(Sys.StateDirectory);
        IDisposable file = Sys.LockFile(LockPath).OrThrow("lock", LockPath);
        return new Hold(file);
    }

    private sealed class Hold : IDisposable
    {
        private IDisposable? _file;
        private bool _released;

        public Hold(IDisposable? file)
        {
            _file = file;
            if (t_held == 0)
                t_pruned = t_tcxPruned = false;
            t_held++;
        }

        public void Dispose()
        {
            if (_released) return;
            _released = true;
            t_held--;
            _file?.Dispose();
            _file = null;
        }
    }

    public static bool IsOurQdisc(string key, int ifindex) => File.Exists(Marker(key, ifindex));

    /// <summary>Remembers that we made the qdisc; the file holds the namespace's name, for pruning.</summary>
    public static void MarkQdisc(string key, int ifindex, string? netns)
    {
        Directory.CreateDirectory(QdiscMarkers);
        if (!t_pruned)
            PruneMarkers();
        t_pruned = t_held > 0;
        File.WriteAllText(Marker(key, ifindex), netns ?? "");
    }

    public static void Unmark(string key, int ifindex) => DeleteFile(Marker(key, ifindex));

    /// <summary>
    /// Drops the markers of named namespaces that are gone. (A name made again is a new namespace with another
    /// cookie, so its marker would never match anyway; this only keeps the folder from growing.)
    /// </summary>
    private static void PruneMarkers()
    {
        foreach (string marker in Files(QdiscMarkers, "*-*"))
        {
            string name;
            try { name = File.ReadAllText(marker).Trim(); }
            catch (IOException) { continue; }
            if (name.Length > 0 && !Sys.NetNamespaceExists(name))
                DeleteFile(marker);
        }
    }

    /// <summary>The folder a namespace's tcx links are pinned in.</summary>
    public static string TcxFolder(string key) => Path.Combine(TcxPinRoot, key);

    /// <summary>
    /// Pins a tcx link in the namespace's folder, making the folder as needed; a process that does not take the
    /// lock (an older EbpfPs) may remove the folder between the two, so ENOENT makes it again.
    /// </summary>
    public static Result PinTcx(SafeFdHandle link, string pin)
    {
        if (!t_tcxPruned)
            PruneDeadTcxPins();
        t_tcxPruned = t_held > 0;
        for (int attempt = 0; ; attempt++)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(pin)!);
            Result pinned = Sys.Pin(link, pin);
            if (pinned.Errno != Errno.ENOENT || attempt == 2)
                return pinned;
        }
    }

    /// <summary>
    /// Unpins tcx links whose device is gone. A namespace deleted behind our back (`ip netns del`, a run killed
    /// before it removed its network) detaches its links, but their pins keep the links and their programs loaded
    /// for good; the kernel reports such a link with ifindex 0, and it can never run again. Only our own folder is
    /// read, and a link that cannot be opened or read is left alone.
    /// </summary>
    private static void PruneDeadTcxPins()
    {
        foreach (string folder in Folders(TcxPinRoot))
        {
            foreach (string pin in Files(folder, "*-*-*"))
            {
                Result<SafeFdHandle> opened = Sys.OpenPinned(pin);
                if (!opened.Ok) continue;
                using SafeFdHandle link = opened.Value;
                Result<Libbpf.BpfLinkInfo> info = Sys.LinkInfo(link);
                if (info.Ok && info.Value.Ifindex == 0)
                    DeleteFile(pin);
            }
            DeleteIfEmpty(folder);
        }
    }

    /// <summary>Every pin of a namespace's tcx links (IFINDEX-DIRECTION-LINKID), read at once for a listing.</summary>
    public static string[] TcxPins(string key) => Files(TcxFolder(key), "*-*-*");

    /// <summary>Removes a tcx pin, and the folders above it that are left empty.</summary>
    public static void RemoveTcxPin(string pin)
    {
        DeleteFile(pin);
        DeleteIfEmpty(Path.GetDirectoryName(pin)!);
        DeleteIfEmpty(TcxPinRoot);
        DeleteIfEmpty(Sys.PinDirectory);
    }

    /// <summary>Drops what we remembered about a namespace that is going away: its tcx pins, qdisc markers.</summary>
    public static void Forget(string key)
    {
        using IDisposable held = Lock();
        string pins = TcxFolder(key);
        try
        {
            if (Directory.Exists(pins))
                Directory.Delete(pins, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        foreach (string marker in Files(QdiscMarkers, $"{key}-*"))
            DeleteFile(marker);
        DeleteIfEmpty(TcxPinRoot);
        DeleteIfEmpty(Sys.PinDirectory);
    }

    private static string Marker(string key, int ifindex) => Path.Combine(QdiscMarkers, $"{key}-{ifindex}");

    private static string[] Folders(string dir)
    {
        try { return Directory.GetDirectories(dir); }
        catch (DirectoryNotFoundException) { return Array.Empty<string>(); }
    }

    private static string[] Files(string dir, string pattern)
    {
        try { return Directory.GetFiles(dir, pattern); }
        catch (DirectoryNotFoundException) { return Array.Empty<string>(); }
    }

    private static void DeleteFile(string path)
    {
        try { File.Delete(path); }
        catch (DirectoryNotFoundException) { }
    }

    /// <summary>rmdir: a folder another process filled (ENOTEMPTY) or removed (ENOENT) meanwhile is left so.</summary>
    private static void DeleteIfEmpty(string dir)
    {
        try
        {
            if (Directory.Exists(dir) && Directory.GetFileSystemEntries(dir).Length == 0)
                Directory.Delete(dir);
        }
        catch (IOException)
        {
        }
    }
}
