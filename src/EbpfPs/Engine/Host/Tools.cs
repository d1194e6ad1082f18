using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Host;

/// <summary>
/// The engine's one way to run host tools (ip, ethtool, iperf3, sshd) and to read /proc and /sys: through the
/// IHostTools seam, so a test's fake host answers instead of the machine. A tool that fails names its command and
/// what it said.
/// </summary>
internal static class Tools
{
    private static IHostTools Host => HostTools.Current;

    /// <summary>Runs a tool and returns what it printed; a non-zero exit is TestNetworkCommandFailed.</summary>
    public static string Run(string file, params string[] args)
    {
        ToolOutput done = TryRun(file, args);
        if (done.ExitCode != 0)
            throw new BpfException(ErrorId.TestNetworkCommandFailed,
                $"'{file} {string.Join(' ', args)}' failed (exit {done.ExitCode}): {done.Error.Trim()}", file);
        return done.Output;
    }

    /// <summary>Runs a tool and returns how it ended, whatever the exit code; only a tool missing throws.</summary>
    public static ToolOutput TryRun(string file, params string[] args)
    {
        Result<ToolOutput> ran = Host.Run(file, args);
        return ran.Ok ? ran.Value : throw NotFound(file, ran.Errno);
    }

    /// <summary>`ip ARGS` in a named namespace (-n), or in this one when netns is null.</summary>
    public static string Ip(string? netns, params string[] args) =>
        Run("ip", netns is null ? args : new[] { "-n", netns }.Concat(args).ToArray());

    /// <summary>A tool run in a named network namespace (`ip netns exec`), for tools without -n of their own.</summary>
    public static string InNamespace(string netns, string file, params string[] args) =>
        Run("ip", new[] { "netns", "exec", netns, file }.Concat(args).ToArray());

    /// <summary>Starts a tool that keeps running; the caller owns (and stops) the process.</summary>
    public static IToolProcess Start(string file, IReadOnlyList<string> args)
    {
        Result<IToolProcess> started = Host.Start(file, args);
        return started.Ok ? started.Value : throw NotFound(file, started.Errno);
    }

    /// <summary>A /proc or /sys file's text, or null when it cannot be read.</summary>
    public static string? ReadText(string path) => Host.ReadText(path);

    public static void WriteText(string path, string text) => Host.WriteText(path, text).OrThrow("write", path);

    /// <summary>Where a link under /proc points (a process's executable), or null.</summary>
    public static string? ReadLink(string path) => Host.ReadLink(path);

    /// <summary>The names in a /proc or /sys folder; none when it cannot be read.</summary>
    public static IReadOnlyList<string> ListDirectory(string path) => Host.ListDirectory(path);

    public static bool Exists(string path) => Host.Exists(path);

    /// <summary>Whether something accepts TCP connections on address:port within the timeout.</summary>
    public static bool Accepts(string address, int port, TimeSpan timeout) => Host.Accepts(address, port, timeout);

    /// <summary>Sends a signal; a process that is gone already is no failure (the caller wanted it gone).</summary>
    public static void Signal(int pid, int signal) => Host.Signal(pid, signal);

    private static BpfException NotFound(string file, Errno errno) =>
        new(ErrorId.ToolNotFound, $"'{file}' could not be started: {ErrnoText.Describe(errno)}.", file, (int)errno,
            recommendedAction: "apt-get install iproute2 ethtool iputils-ping");
}
