using System;
using System.Collections.Generic;
using System.Threading;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Network;

/// <summary>
/// Runs work inside a named network namespace without starting a process: a fresh thread enters
/// only the network namespace (setns CLONE_NEWNET) and ends when the work is done. The mount
/// namespace is untouched, so /sys/fs/bpf pins stay visible, unlike under `ip netns exec`.
/// </summary>
public static class NetNamespace
{
    public const string RunDirectory = "/run/netns";

    /// <summary>Names `ip netns` knows.</summary>
    public static IReadOnlyList<string> List() => BpfSystem.Current.NetNamespaces();

    public static bool Exists(string name) => IsPlainName(name) && BpfSystem.Current.NetNamespaceExists(name);

    /// <summary>Runs work in the namespace (or right here when name is null or empty).</summary>
    public static T Run<T>(string? name, Func<T> work)
    {
        if (string.IsNullOrEmpty(name))
            return work();
        if (!Exists(name))
            throw new BpfException(ErrorId.NetNamespaceNotFound,
                $"There is no network namespace named '{name}' (looked in {RunDirectory}).", name,
                recommendedAction: "List them with `ip netns list`, or make one with New-BpfTestNetwork or `ip netns " +
                    "add`.");

        T result = default!;
        Exception? failure = null;
        IReadOnlyList<string> log = Array.Empty<string>();
        var thread = new Thread(() =>
        {
            try
            {
                BpfSystem.Current.EnterNetNamespace(name).OrThrow("enter network namespace", name);
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

    /// <summary>
    /// The namespace's inode ("net:[4026531840]" names it), which tells namespaces apart as ip and bpftool do.
    /// </summary>
    public static ulong Inode(string? name) => Run(name, CurrentInode);

    /// <summary>The inode of the network namespace the calling thread is in.</summary>
    internal static ulong CurrentInode() => BpfSystem.Current.CurrentNetNamespaceInode();

    /// <summary>A namespace name is a file name under /run/netns: no path separators, no dot names.</summary>
    private static bool IsPlainName(string name) =>
        name.Length > 0 && name != "." && name != ".." && name.IndexOf('/') < 0 && name.IndexOf('\0') < 0;
}
