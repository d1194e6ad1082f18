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
            throw NotFound(name);

        T result = default!;
        Exception? failure = null;
        IReadOnlyList<string> log = Array.Empty<string>();
        var thread = new Thread(() =>
        {
            try
            {
                Result entered = BpfSystem.Current.EnterNetNamespace(name);
                // Deleted since Exists looked: the same answer as if it had never been there.
                if (entered.Errno == Errno.ENOENT)
                    throw NotFound(name);
                entered.OrThrow("enter network namespace", name);
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
    /// What tells the namespace apart from every other one, for the notes EbpfPs keeps about it: its cookie
    /// (SO_NETNS_COOKIE), which the kernel never hands out twice, unlike the inode that ip and bpftool show (a new
    /// namespace can get a deleted one's inode, and with it notes that were not about it). Kernels before 5.14
    /// have no cookie: there it is the inode, prefixed "inode-".
    /// </summary>
    public static string Key(string? name) => Run(name, CurrentKey);

    /// <summary>Key of the network namespace the calling thread is in.</summary>
    internal static string CurrentKey()
    {
        Result<ulong> cookie = BpfSystem.Current.CurrentNetNamespaceCookie();
        return cookie.Ok ? cookie.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : "inode-" + BpfSystem.Current.CurrentNetNamespaceInode();
    }

    private static BpfException NotFound(string name) =>
        new(ErrorId.NetNamespaceNotFound, $"There is no network namespace named '{name}' (looked in {RunDirectory}).",
            name, recommendedAction: "List them with `ip netns list`, or make one with New-BpfTestNetwork or `ip " +
                "netns add`.");

    /// <summary>A namespace name is a file name under /run/netns: no path separators, no dot names.</summary>
    private static bool IsPlainName(string name) =>
        name.Length > 0 && name != "." && name != ".." && name.IndexOf('/') < 0 && name.IndexOf('\0') < 0;
}
