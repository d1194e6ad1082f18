using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Host;
using EbpfPs.Engine.Network;
using EbpfPs.Interop;

namespace EbpfPs.Engine.State;

/// <summary>
/// One Set-BpfState at a time per network namespace. Two runs that plan from the same view of the kernel would both
/// attach what is missing (every TC hook ending with two filters), so Set holds the lock of each namespace its
/// programs name from before it plans until its last step (or its rollback) is done. The lock is an flock on
/// STATE/state-locks/KEY.lock (KEY: NetNamespace.Key, the cookie never given to a later namespace), so a killed
/// holder releases it with its last fd; the holder writes who it is into KEY.holder for a waiter's message (not into
/// the lock file: .NET takes an flock of its own on every file it opens, which the held lock refuses), and unlinks
/// both before it lets go; a run sweeps the files of killed holders, so the folder holds only the locks of runs under
/// way.
/// </summary>
internal static class StateLock
{
    /// <summary>How long Set-BpfState waits for another run by default: far longer than a run of a few hundred
    /// steps takes, short enough that a stuck cron job is noticed.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static IBpfSystem Sys => BpfSystem.Current;

    internal static string Folder => Path.Combine(Sys.StateDirectory, "state-locks");

    internal static string PathOf(string key) => Path.Combine(Folder, key + ".lock");

    private static string NoteOf(string lockPath) => Path.ChangeExtension(lockPath, ".holder");

    /// <summary>
    /// Waits up to timeout for the lock of every namespace the document's programs name (this session's for entries
    /// without NetNamespace, and for a document without programs), taken in one order so that two runs never wait
    /// for each other. A namespace that does not exist is skipped: planning refuses it before any change.
    /// </summary>
    internal static IDisposable Acquire(BpfStateDocument document, TimeSpan timeout, CancellationToken cancel,
        Action<string>? waiting = null)
    {
        var clock = Stopwatch.StartNew();
        var held = new List<Hold>();
        Sweep();
        try
        {
            foreach ((string key, string? netns) in Namespaces(document).OrderBy(n => n.Key, StringComparer.Ordinal))
            {
                Directory.CreateDirectory(Folder);
                string path = PathOf(key);
                IDisposable? file = null;
                TimeSpan left = timeout - clock.Elapsed;
                bool told = false;
                bool got = Poll.Until(() =>
                {
                    Result<IDisposable> tried = Sys.TryLockFile(path);
                    if (tried.Errno != Errno.EAGAIN)
                    {
                        file = tried.OrThrow("lock", path);
                        return true;
                    }
                    if (!told && waiting is not null)
                        waiting($"Waiting for the state lock of {Where(netns)}, held by {Holder(path)}.");
                    told = true;
                    return false;
                }, left < TimeSpan.Zero ? TimeSpan.Zero : left, cancel);
                if (!got)
                    throw Locked(netns, path, timeout);
                var hold = new Hold(path, file!);
                held.Add(hold);
                hold.Describe(document);
            }
        }
        catch
        {
            Release(held);
            throw;
        }
        return new Holds(held);
    }

    /// <summary>
    /// Removes the lock files of runs that were killed before they could (those of namespaces long gone too): a file
    /// no one holds is locked, unlinked and let go, the way a holder leaves it, so a run waiting on it tries anew.
    /// </summary>
    private static void Sweep()
    {
        string[] files;
        try { files = Directory.GetFiles(Folder, "*.lock"); }
        catch (DirectoryNotFoundException) { return; }
        foreach (string path in files)
            if (Sys.TryLockFile(path) is { Ok: true } free)
                new Hold(path, free.Value).Dispose();
    }

    private static IEnumerable<(string Key, string? NetNamespace)> Namespaces(BpfStateDocument document)
    {
        var names = document.Programs.Select(p => p.NetNamespace).Distinct().ToList();
        if (names.Count == 0)
            names.Add(null);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string? name in names)
        {
            if (name is not null && !NetNamespace.Exists(name))
                continue;
            string key = NetNamespace.Key(name);
            if (seen.Add(key))
                yield return (key, name);
        }
    }

    private static BpfException Locked(string? netns, string path, TimeSpan waited)
    {
        return new BpfException(ErrorId.StateLocked,
            $"The state lock of {Where(netns)}, which a Set-BpfState holds until it is done, is held by " +
            $"{Holder(path)}; waited {Seconds(waited)} for it (flock: {ErrnoText.Describe((int)Errno.EAGAIN)}). " +
            "Nothing was changed.",
            netns ?? path,
            (int)Errno.EAGAIN,
            recommendedAction: "Run Set-BpfState again once it is done, or give it longer with -Timeout.");
    }

    private static string Where(string? netns) =>
        netns is null ? "this session's network namespace" : $"network namespace '{netns}'";

    /// <summary>
    /// Who holds the lock: the kernel's word (/proc/locks, so also a holder that is not EbpfPs, such as flock(1)),
    /// else what the holder wrote in; its command line, and its state file when it wrote one.
    /// </summary>
    private static string Holder(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(NoteOf(path)); }
        catch (IOException) { lines = Array.Empty<string>(); } // none yet, or being written
        catch (UnauthorizedAccessException) { lines = Array.Empty<string>(); }
        var note = lines.Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        string? pid = KernelHolder(path) ?? note.GetValueOrDefault("pid");
        if (pid is null)
            return $"lock file {path}, holder not known";
        string text = $"process {pid}";
        bool wroteNote = note.GetValueOrDefault("pid") == pid;
        string? command = Tools.ReadText($"/proc/{pid}/cmdline")?.Replace('\0', ' ').Trim();
        if (string.IsNullOrEmpty(command) && wroteNote)
            command = note.GetValueOrDefault("command");
        if (!string.IsNullOrEmpty(command))
            text += $": {Shorten(command)}";
        if (wroteNote && note.GetValueOrDefault("state") is { Length: > 0 } state)
            text += $", state {state}";
        return text + $", lock file {path}";
    }

    /// <summary>The pid /proc/locks gives for an exclusive flock on the file ("1: FLOCK ADVISORY WRITE PID DEV:INO").
    /// </summary>
    private static string? KernelHolder(string path)
    {
        Result<string> id = Libc.FileLockId(path);
        if (!id.Ok)
            return null;
        foreach (string line in (Tools.ReadText("/proc/locks") ?? "").Split('\n'))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 6 && f[1] == "FLOCK" && f[3] == "WRITE" && f[5] == id.Value)
                return f[4];
        }
        return null;
    }

    private static string Shorten(string command) => command.Length > 300 ? command[..300] + "..." : command;

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static void Release(List<Hold> held)
    {
        for (int i = held.Count - 1; i >= 0; i--)
            held[i].Dispose();
    }

    private sealed class Holds : IDisposable
    {
        private List<Hold>? _held;

        internal Holds(List<Hold> held) => _held = held;

        public void Dispose()
        {
            List<Hold>? held = Interlocked.Exchange(ref _held, null);
            if (held is not null)
                Release(held);
        }
    }

    private sealed class Hold : IDisposable
    {
        private readonly string _path;
        private IDisposable? _file;

        internal Hold(string path, IDisposable file)
        {
            _path = path;
            _file = file;
        }

        /// <summary>Who holds it, for a waiter that gives up; only the holder writes or removes the file.</summary>
        internal void Describe(BpfStateDocument document)
        {
            string command = Shorten((Tools.ReadText("/proc/self/cmdline") ?? "").Replace('\0', ' ').Trim());
            File.WriteAllText(NoteOf(_path), $"pid={Environment.ProcessId}\n" +
                $"command={command.ReplaceLineEndings(" ")}\nstate={document.File ?? "(-State)"}\n");
        }

        public void Dispose()
        {
            IDisposable? file = Interlocked.Exchange(ref _file, null);
            if (file is null)
                return;
            // Unlinked while still locked: a waiter that opened this file finds it gone and locks the path anew.
            foreach (string done in new[] { NoteOf(_path), _path })
            {
                try { File.Delete(done); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
            file.Dispose();
        }
    }
}
