using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using EbpfPs.Native;

namespace EbpfPs.Engine;

/// <summary>
/// Runs work inside a named network namespace without starting a process: a fresh thread enters
/// only the network namespace (setns CLONE_NEWNET) and ends when the work is done. The mount
/// namespace is untouched, so /sys/fs/bpf pins stay visible, unlike under `ip netns exec`.
/// </summary>
public static class NetNamespace
{
    public const string RunDirectory = "/run/netns";

    /// <summary>Names `ip netns` knows.</summary>
    public static IReadOnlyList<string> List()
    {
        if (!Directory.Exists(RunDirectory))
            return Array.Empty<string>();
        var names = new List<string>();
        foreach (string f in Directory.GetFiles(RunDirectory))
            names.Add(Path.GetFileName(f));
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public static bool Exists(string name) => File.Exists(Path.Combine(RunDirectory, name));

    /// <summary>Runs work in the namespace (or right here when name is null or empty).</summary>
    public static T Run<T>(string? name, Func<T> work)
    {
        if (string.IsNullOrEmpty(name))
            return work();
        if (name.Contains('/') || !Exists(name))
            throw new BpfException("NetNamespaceNotFound", BpfErrorKind.NotFound,
                $"There is no network namespace named '{name}' (looked in {RunDirectory}).", name,
                recommendedAction: "List them with `ip netns list`, or make one with New-BpfTestNetwork or `ip netns add`.");

        int fd = Libc.open(Path.Combine(RunDirectory, name), Libc.OpenReadOnly | Libc.OpenCloseOnExec);
        if (fd < 0)
            throw BpfException.FromErrno(Marshal.GetLastPInvokeError(), "open network namespace", name);
        using var nsFd = new SafeFdHandle(fd);

        T result = default!;
        Exception? failure = null;
        IReadOnlyList<string> log = Array.Empty<string>();
        var thread = new Thread(() =>
        {
            try
            {
                if (Libc.setns(nsFd.Fd, Libc.CloneNewNet) != 0)
                    throw BpfException.FromErrno(Marshal.GetLastPInvokeError(), "enter network namespace", name);
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                log = LibbpfLog.Drain();
            }
        }, 1024 * 1024) { IsBackground = true, Name = $"netns {name}" };
        thread.Start();
        thread.Join();
        LibbpfLog.AppendAll(log);
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        return result;
    }

    public static void Run(string? name, Action work) => Run<object?>(name, () => { work(); return null; });

    /// <summary>The namespace's inode ("net:[4026531840]" names it), which tells namespaces apart as ip and bpftool do.</summary>
    public static ulong Inode(string? name) => Run(name, CurrentInode);

    /// <summary>The inode of the network namespace the calling thread is in.</summary>
    internal static ulong CurrentInode()
    {
        string target = new FileInfo("/proc/thread-self/ns/net").LinkTarget ?? "";
        int open = target.IndexOf('['), close = target.IndexOf(']');
        return open >= 0 && close > open ? ulong.Parse(target.AsSpan(open + 1, close - open - 1)) : 0;
    }
}
