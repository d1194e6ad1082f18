using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading;

namespace EbpfPs.Interop;

/// <summary>What a tool printed and how it ended.</summary>
internal readonly record struct ToolOutput(int ExitCode, string Output, string Error);

/// <summary>A tool left running (an iperf3 server, an sshd), owned by whoever started it.</summary>
internal interface IToolProcess : IDisposable
{
    int Id { get; }
    TextReader StandardOutput { get; }
    TextReader StandardError { get; }
    bool HasExited { get; }
    int ExitCode { get; }
    /// <summary>Waits for the process to end; false when the time ran out first.</summary>
    bool WaitForExit(TimeSpan timeout);
    /// <summary>Ends the process (and its children) if it still runs.</summary>
    void Kill();
}

/// <summary>
/// The other way the engine reaches the host, beside IBpfSystem: the tools it runs (ip, ethtool, iperf3, sshd,
/// ssh-keygen) and the /proc and /sys files it reads and writes. One interface, so a unit test puts a fake host in
/// place and the flows built on tools (measurement setup, fleets) run without touching the machine.
/// </summary>
internal interface IHostTools
{
    /// <summary>Runs a tool to its end; ENOENT when it could not be started at all.</summary>
    Result<ToolOutput> Run(string file, IReadOnlyList<string> args);
    /// <summary>Starts a tool that keeps running; ENOENT when it could not be started.</summary>
    Result<IToolProcess> Start(string file, IReadOnlyList<string> args);
    /// <summary>A file's text (/proc, /sys, a pid file); null when it cannot be read.</summary>
    string? ReadText(string path);
    /// <summary>Writes a file's text (a sysctl under /proc/sys).</summary>
    Result WriteText(string path, string text);
    /// <summary>Where a symbolic link points (/proc/PID/exe); null when there is no link.</summary>
    string? ReadLink(string path);
    /// <summary>The names in a folder (the pids in /proc); none when it cannot be read.</summary>
    IReadOnlyList<string> ListDirectory(string path);
    /// <summary>Whether a file or folder is there (an installed tool, a device link under /sys).</summary>
    bool Exists(string path);
    /// <summary>Whether a TCP connection to address:port is accepted within the timeout (an sshd ready).</summary>
    bool Accepts(string address, int port, TimeSpan timeout);
    /// <summary>Sends a signal to a process (kill(2)).</summary>
    Result Signal(int pid, int signal);
}

/// <summary>Which IHostTools the engine uses: the machine's, unless a test put a fake in place for its flow.</summary>
internal static class HostTools
{
    private static readonly SeamOverride<IHostTools> Seam = new(new LinuxTools());

    internal static IHostTools Current => Seam.Current;

    /// <summary>Puts a fake in place for this async flow until the returned scope is disposed.</summary>
    internal static IDisposable Use(IHostTools fake) => Seam.Use(fake);
}

/// <summary>The machine's tools: processes started without a shell, files read as they are.</summary>
internal sealed class LinuxTools : IHostTools
{
    public Result<ToolOutput> Run(string file, IReadOnlyList<string> args)
    {
        Result<IToolProcess> started = Start(file, args);
        if (!started.Ok)
            return started.Errno;
        using IToolProcess p = started.Value;
        // Both streams at once: a tool that fills one pipe while we wait on the other would never end.
        var error = System.Threading.Tasks.Task.Run(p.StandardError.ReadToEnd);
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit(Timeout.InfiniteTimeSpan);
        return new ToolOutput(p.ExitCode, output, error.Result);
    }

    public Result<IToolProcess> Start(string file, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        try
        {
            Process? p = Process.Start(psi);
            return p is null ? Errno.ENOENT : new OsProcess(p);
        }
        catch (Win32Exception e)
        {
            return e.NativeErrorCode > 0 ? (Errno)e.NativeErrorCode : Errno.ENOENT;
        }
    }

    public string? ReadText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public Result WriteText(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
            return Result.Success;
        }
        catch (UnauthorizedAccessException) { return Errno.EACCES; }
        catch (FileNotFoundException) { return Errno.ENOENT; }
        catch (DirectoryNotFoundException) { return Errno.ENOENT; }
        catch (IOException) { return Errno.EIO; }
    }

    public string? ReadLink(string path)
    {
        try { return new FileInfo(path).LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public IReadOnlyList<string> ListDirectory(string path)
    {
        try { return Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName).ToList()!; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Array.Empty<string>(); }
    }

    public bool Exists(string path) => Path.Exists(path);

    public bool Accepts(string address, int port, TimeSpan timeout)
    {
        using var client = new TcpClient();
        try
        {
            return client.ConnectAsync(address, port).Wait(timeout) && client.Connected;
        }
        catch (AggregateException) { return false; }
        catch (SocketException) { return false; }
    }

    public Result Signal(int pid, int signal) => Libc.Signal(pid, signal);

    private sealed class OsProcess : IToolProcess
    {
        private readonly Process _p;
        public OsProcess(Process p) => _p = p;

        public int Id => _p.Id;
        public TextReader StandardOutput => _p.StandardOutput;
        public TextReader StandardError => _p.StandardError;
        public bool HasExited => _p.HasExited;
        public int ExitCode => _p.ExitCode;

        public bool WaitForExit(TimeSpan timeout)
        {
            if (timeout == Timeout.InfiniteTimeSpan)
            {
                _p.WaitForExit();
                return true;
            }
            return _p.WaitForExit(timeout);
        }

        public void Kill()
        {
            try
            {
                if (!_p.HasExited) _p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it ended meanwhile
            }
        }

        public void Dispose() => _p.Dispose();
    }
}
