using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using EbpfPs.Engine.Attach;
using EbpfPs.Interop;

namespace EbpfPs.Tests.Fakes;

/// <summary>
/// A kernel in memory behind IBpfSystem: interfaces by namespace, programs, maps and tcx links by id, XDP per
/// interface and mode, clsact filters per direction, pins and the possible-CPU count. Every call is recorded in
/// order, and any call can be told to fail with an errno ("the 2nd XdpAttach answers EBUSY"), so the engine's
/// decisions (rollback, ambiguity, matching, sizing) are tested without root and without touching the kernel.
/// The rules it enforces are the kernel's (see FakeBpfSystem.Xdp.cs and FakeBpfSystem.Tc.cs).
/// </summary>
internal sealed partial class FakeBpfSystem : IBpfSystem, IDisposable
{
    // Fake fds start far above anything the process opens, so /proc/self/fdinfo never describes a real one.
    private static int s_nextFd = 1_000_000;

    private readonly object _gate = new();
    private readonly List<FakeCall> _calls = new();
    private readonly List<FailureRule> _rules = new();
    private readonly Dictionary<string, int> _counts = new();
    private readonly Dictionary<int, (Libbpf.ObjectKind Kind, uint Id)> _fds = new();
    private readonly Dictionary<string, FakeNamespace> _namespaces = new();
    private readonly Dictionary<uint, FakeProgram> _programs = new();
    private readonly Dictionary<uint, FakeMap> _maps = new();
    private readonly Dictionary<uint, FakeLink> _links = new();
    private readonly Dictionary<string, (Libbpf.ObjectKind Kind, uint Id)> _pins = new();
    // The namespace each thread is in; NetNamespace.Run starts a thread per namespace, as with setns.
    private readonly ThreadLocal<string> _current = new(() => "");
    private uint _nextLinkId = 900;
    private int _heldLocks;
    private readonly List<(string Method, int Nth, Action<FakeBpfSystem> Act)> _before = new();
    private ulong _nextCookie = 4096;

    public FakeBpfSystem()
    {
        // Notes and pins go to folders of this fake's own, never to /run/ebpfps or bpffs.
        string root = Path.Combine(Path.GetTempPath(), "ebpfps-fake-" + Guid.NewGuid().ToString("N"));
        StateDirectory = Path.Combine(root, "run");
        PinDirectory = Path.Combine(root, "bpf");
        AddNamespace("");
    }

    public string StateDirectory { get; }
    public string PinDirectory { get; }

    /// <summary>The effective capability set (CapEff) the process seems to have: all unless a test says.</summary>
    public ulong Capabilities { get; set; } = ulong.MaxValue;

    /// <summary>What `nproc --all` would say; per-CPU map values are sized from it.</summary>
    public int Cpus { get; set; } = 4;

    /// <summary>Every call so far, oldest first.</summary>
    public IReadOnlyList<FakeCall> Calls
    {
        get { lock (_gate) return _calls.ToArray(); }
    }

    /// <summary>The calls of the named methods (all when none is named): "XdpDetach eth1 SkbMode -> EBUSY".</summary>
    public IReadOnlyList<string> Log(params string[] methods)
    {
        lock (_gate)
            return _calls.Where(c => methods.Length == 0 || methods.Contains(c.Method)).Select(c => c.ToString())
                .ToArray();
    }

    /// <summary>The calls that change kernel state, in order: what a test compares against the expected plan.</summary>
    public IReadOnlyList<string> Mutations => Log(nameof(XdpAttach), nameof(XdpDetach), nameof(TcHookCreate),
        nameof(TcHookDestroy), nameof(TcAttach), nameof(TcDetach), nameof(LinkCreate), nameof(LinkDetach),
        nameof(LinkUpdate), nameof(Pin));

    /// <summary>Whether some thread holds a lock taken through LockFile (TC changes are made holding one).</summary>
    public bool Locked
    {
        get { lock (_gate) return _heldLocks > 0; }
    }

    /// <summary>The nth call (1-based) of method answers errno instead of doing anything.</summary>
    public FakeBpfSystem Fail(string method, Errno errno, int nth = 1)
    {
        lock (_gate) _rules.Add(new FailureRule(method, errno, nth, null));
        return this;
    }

    /// <summary>
    /// Before the nth call (1-based) of method, act changes the fake's state, as another process would between
    /// the engine's look and its change.
    /// </summary>
    public FakeBpfSystem Before(string method, int nth, Action<FakeBpfSystem> act)
    {
        lock (_gate) _before.Add((method, nth, act));
        return this;
    }

    /// <summary>Every call of method whose text matches answers errno.</summary>
    public FakeBpfSystem FailWhen(string method, Errno errno, Func<string, bool>? when = null)
    {
        lock (_gate) _rules.Add(new FailureRule(method, errno, 0, when ?? (_ => true)));
        return this;
    }

    /// <summary>Qdisc markers the engine keeps for this fake's namespaces, in the fake's state folder.</summary>
    public IReadOnlyList<string> QdiscMarkerFiles()
    {
        string dir = Path.Combine(StateDirectory, "clsact");
        return Directory.Exists(dir) ? Directory.GetFiles(dir).OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();
    }

    /// <summary>Files and folders under the fake's bpffs folder (tcx pins), relative to it.</summary>
    public IReadOnlyList<string> PinFiles() =>
        Directory.Exists(PinDirectory)
            ? Directory.GetFileSystemEntries(PinDirectory, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(PinDirectory, f)).OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();

    /// <summary>Removes the fake's folders (the engine removes its own notes when it works).</summary>
    public void Dispose()
    {
        string root = Path.GetDirectoryName(StateDirectory)!;
        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);
        _current.Dispose();
    }

    private SafeFdHandle NewFd(Libbpf.ObjectKind kind, uint id)
    {
        int fd = Interlocked.Increment(ref s_nextFd);
        _fds[fd] = (kind, id);
        // ownsHandle false: disposing it must never close a real descriptor of the same number.
        return new SafeFdHandle(fd, ownsHandle: false);
    }

    private bool TryResolve(SafeFdHandle? fd, Libbpf.ObjectKind kind, out uint id)
    {
        id = 0;
        if (fd is null || fd.IsInvalid || !_fds.TryGetValue(fd.Fd, out var target) || target.Kind != kind)
            return false;
        id = target.Id;
        return true;
    }

    /// <summary>Records the call and answers the errno a failure rule chose for it, or None to go on.</summary>
    private Errno Enter(string method, string text)
    {
        int n = _counts[method] = _counts.GetValueOrDefault(method) + 1;
        foreach (var b in _before.Where(b => b.Method == method && b.Nth == n).ToList())
            b.Act(this); // the lock is reentrant: the setup methods take it again
        FailureRule? rule = _rules.FirstOrDefault(r =>
            r.Method == method && (r.When is null ? r.Nth == n : r.When(text)));
        _calls.Add(new FakeCall(method, text, rule?.Errno ?? Errno.None));
        return rule?.Errno ?? Errno.None;
    }

    /// <summary>Records the kernel's own refusal (not an injected one) as the outcome of the last call.</summary>
    private Errno Answer(Errno errno)
    {
        if (errno != Errno.None)
            _calls[^1] = _calls[^1] with { Errno = errno };
        return errno;
    }

    private sealed record FailureRule(string Method, Errno Errno, int Nth, Func<string, bool>? When);
}

/// <summary>One call the engine made: the method, its arguments as text and what the fake answered.</summary>
internal sealed record FakeCall(string Method, string Text, Errno Errno)
{
    public override string ToString() => Errno == Errno.None ? Text : $"{Text} -> {Errno}";
}
