using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using EbpfPs.Interop;

namespace EbpfPs.Tests.Fakes;

/// <summary>One tool run or file access the engine asked the fake host for.</summary>
internal sealed record FakeToolCall(string File, IReadOnlyList<string> Args)
{
    /// <summary>The command line as a person would type it, e.g. "ip -n ns link show".</summary>
    public string Line => string.Join(' ', new[] { File }.Concat(Args));

    public override string ToString() => Line;
}

/// <summary>
/// A host in memory behind IHostTools: every tool run is recorded and answered by the first rule whose command-line
/// prefix matches (no rule: exit 0, nothing printed); files read come from a dictionary, files written land in it.
/// A rule can also change the answers (turn GRO on when `ethtool -K ... gro on` runs), so flows that read back what
/// they set see it.
/// </summary>
internal sealed class FakeHostTools : IHostTools
{
    private readonly object _gate = new();
    private readonly List<FakeToolCall> _calls = new();
    private readonly List<(string Prefix, Func<FakeToolCall, ToolOutput> Answer)> _rules = new();

    /// <summary>File texts by path (/proc/..., /sys/...); a missing path reads as null.</summary>
    public Dictionary<string, string> Files { get; } = new();

    /// <summary>Symbolic links by path (/proc/PID/exe) and where they point.</summary>
    public Dictionary<string, string> Links { get; } = new();

    /// <summary>Addresses where nothing accepts TCP connections (every other address does).</summary>
    public HashSet<string> Refusing { get; } = new();

    /// <summary>Tools that "are not installed": starting them answers ENOENT.</summary>
    public HashSet<string> Missing { get; } = new();

    public IReadOnlyList<FakeToolCall> Calls
    {
        get { lock (_gate) return _calls.ToList(); }
    }

    /// <summary>Command lines run so far, oldest first.</summary>
    public IReadOnlyList<string> Lines => Calls.Select(c => c.Line).ToList();

    /// <summary>Answers runs whose command line starts with prefix; later rules win over earlier ones.</summary>
    public FakeHostTools On(string prefix, Func<FakeToolCall, ToolOutput> answer)
    {
        lock (_gate) _rules.Insert(0, (prefix, answer));
        return this;
    }

    public FakeHostTools On(string prefix, string output, int exitCode = 0, string error = "") =>
        On(prefix, _ => new ToolOutput(exitCode, output, error));

    public Result<ToolOutput> Run(string file, IReadOnlyList<string> args)
    {
        var call = new FakeToolCall(file, args.ToArray());
        Func<FakeToolCall, ToolOutput>? answer;
        lock (_gate)
        {
            _calls.Add(call);
            if (Missing.Contains(file))
                return Errno.ENOENT;
            answer = _rules.FirstOrDefault(r => call.Line.StartsWith(r.Prefix, StringComparison.Ordinal)).Answer;
        }
        return answer?.Invoke(call) ?? new ToolOutput(0, "", "");
    }

    public Result<IToolProcess> Start(string file, IReadOnlyList<string> args)
    {
        Result<ToolOutput> ran = Run(file, args);
        return ran.Ok ? new FakeProcess(ran.Value) : ran.Errno;
    }

    public string? ReadText(string path)
    {
        lock (_gate)
        {
            _calls.Add(new FakeToolCall("read", new[] { path }));
            return Files.TryGetValue(path, out string? text) ? text : null;
        }
    }

    public Result WriteText(string path, string text)
    {
        lock (_gate)
        {
            _calls.Add(new FakeToolCall("write", new[] { path, text }));
            Files[path] = text;
        }
        return Result.Success;
    }

    public string? ReadLink(string path)
    {
        lock (_gate)
        {
            _calls.Add(new FakeToolCall("readlink", new[] { path }));
            return Links.TryGetValue(path, out string? target) ? target : null;
        }
    }

    /// <summary>The next names below path among the files and links (a folder is there when it holds one).</summary>
    public IReadOnlyList<string> ListDirectory(string path)
    {
        string prefix = path.TrimEnd('/') + "/";
        lock (_gate)
        {
            _calls.Add(new FakeToolCall("ls", new[] { path }));
            return Files.Keys.Concat(Links.Keys).Where(p => p.StartsWith(prefix, StringComparison.Ordinal))
                .Select(p => p[prefix.Length..].Split('/')[0]).Distinct().ToList();
        }
    }

    public bool Exists(string path)
    {
        string prefix = path.TrimEnd('/') + "/";
        lock (_gate)
            return Files.ContainsKey(path) || Links.ContainsKey(path)
                || Files.Keys.Concat(Links.Keys).Any(p => p.StartsWith(prefix, StringComparison.Ordinal));
    }

    public bool Accepts(string address, int port, TimeSpan timeout)
    {
        lock (_gate)
        {
            _calls.Add(new FakeToolCall("connect", new[] { $"{address}:{port}" }));
            return !Refusing.Contains(address);
        }
    }

    /// <summary>Records `kill -SIGNAL PID`; the process ends (its /proc files go), as TERM and KILL make it.</summary>
    public Result Signal(int pid, int signal)
    {
        string prefix = $"/proc/{pid}/";
        lock (_gate)
        {
            _calls.Add(new FakeToolCall("kill", new[] { "-" + signal, pid.ToString(CultureInfo.InvariantCulture) }));
            bool running = Files.Keys.Any(p => p.StartsWith(prefix, StringComparison.Ordinal));
            foreach (string p in Files.Keys.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).ToList())
                Files.Remove(p);
            foreach (string p in Links.Keys.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).ToList())
                Links.Remove(p);
            return running ? Result.Success : Errno.ESRCH;
        }
    }

    /// <summary>A started tool that already printed its answer and ends when asked.</summary>
    private sealed class FakeProcess : IToolProcess
    {
        private static int s_nextPid = 4_000_000;
        private readonly ToolOutput _output;
        private bool _killed;

        public FakeProcess(ToolOutput output)
        {
            _output = output;
            Id = System.Threading.Interlocked.Increment(ref s_nextPid);
            StandardOutput = new StringReader(output.Output);
            StandardError = new StringReader(output.Error);
        }

        public int Id { get; }
        public TextReader StandardOutput { get; }
        public TextReader StandardError { get; }
        public bool HasExited => true;
        public int ExitCode => _killed ? 137 : _output.ExitCode;
        public bool WaitForExit(TimeSpan timeout) => true;
        public void Kill() => _killed = true;
        public void Dispose() { }
    }
}
