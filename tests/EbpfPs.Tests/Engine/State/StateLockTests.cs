using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Threading;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.State;
using EbpfPs.Interop;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.State;

/// <summary>
/// Set-BpfState's lock per network namespace: taken for each namespace the state names (this session's for
/// entries without one), in one order, with the holder written in; a run that finds it held waits, then stops
/// with StateLocked naming the holder; Ctrl+C stops the wait; letting go removes the lock files.
/// </summary>
public sealed class StateLockTests : FakeKernelTest
{
    public StateLockTests()
    {
        Fake.AddNamespace("edge");
        Fake.AddNamespace("core");
    }

    private static BpfStateDocument Doc(params string?[] namespaces) => BpfStateDocument.Parse(new Hashtable
    {
        ["Programs"] = namespaces.Select((ns, i) =>
        {
            var p = new Hashtable { ["Name"] = $"p{i}", ["Object"] = "drop", ["Hook"] = "TcIngress",
                ["Interfaces"] = "eth1" };
            if (ns is not null)
                p["NetNamespace"] = ns;
            return p;
        }).ToArray(),
    }, "/etc/ebpfps/guard.psd1", "/etc/ebpfps");

    private static string LockOf(string? netns) => StateLock.PathOf(NetNamespace.Key(netns));

    [Fact]
    public void LocksEveryNamedNamespaceOnceWritesTheHolderAndRemovesTheFilesAfter()
    {
        string[] keys = new[] { NetNamespace.Key(null), NetNamespace.Key("edge") }.OrderBy(k => k,
            StringComparer.Ordinal).ToArray();
        using (StateLock.Acquire(Doc(null, "edge", "edge"), TimeSpan.Zero, default))
        {
            Assert.Equal(keys.Select(k => $"TryLockFile {k}.lock"), Fake.Log(nameof(IBpfSystem.TryLockFile)));
            string note = File.ReadAllText(Path.ChangeExtension(LockOf("edge"), ".holder"));
            Assert.Contains($"pid={Environment.ProcessId}\n", note);
            Assert.Contains("state=/etc/ebpfps/guard.psd1\n", note);
        }
        Assert.Empty(Directory.GetFiles(StateLock.Folder));
        Assert.False(Fake.IsTryLocked(LockOf("edge")));
    }

    [Fact]
    public void AStateWithoutProgramsLocksThisSessionsNamespace()
    {
        using (StateLock.Acquire(BpfStateDocument.Parse(new Hashtable(), null, "/"), TimeSpan.Zero, default))
            Assert.True(Fake.IsTryLocked(LockOf(null)));
    }

    [Fact]
    public void ANamespaceThatDoesNotExistIsLeftToThePlannerToRefuse()
    {
        using (StateLock.Acquire(Doc("gone", "core"), TimeSpan.Zero, default))
            Assert.Single(Fake.Log(nameof(IBpfSystem.TryLockFile)));
    }

    [Fact]
    public void ARunThatFindsTheLockHeldWaitsThenStopsNamingTheHolderAndLetsGoOfWhatItTook()
    {
        using IDisposable other = StateLock.Acquire(Doc("edge"), TimeSpan.Zero, default);

        var e = Assert.Throws<BpfException>(() =>
            StateLock.Acquire(Doc("core", "edge"), TimeSpan.FromMilliseconds(60), default));

        Assert.Equal(ErrorId.StateLocked, e.ErrorId);
        Assert.Equal(BpfErrorKind.ResourceBusy, e.Kind);
        Assert.Equal((int)Errno.EAGAIN, e.Errno);
        Assert.Contains("network namespace 'edge'", e.Message);
        Assert.Contains($"process {Environment.ProcessId}", e.Message);
        Assert.Contains("state /etc/ebpfps/guard.psd1", e.Message);
        Assert.Contains("waited 0.06 s", e.Message);
        Assert.False(Fake.IsTryLocked(LockOf("core")));
        Assert.True(Fake.IsTryLocked(LockOf("edge")));
    }

    [Fact]
    public void ASecondRunWaitsForTheFirstAndGoesOnWhenItIsDone()
    {
        IDisposable first = StateLock.Acquire(Doc("edge"), TimeSpan.Zero, default);
        Fake.Before(nameof(IBpfSystem.TryLockFile), 4, _ => first.Dispose());

        using (StateLock.Acquire(Doc("edge"), TimeSpan.FromMinutes(1), default))
        {
            string name = Path.GetFileName(LockOf("edge"));
            Assert.Equal(new[]
            {
                $"TryLockFile {name}", $"TryLockFile {name} -> EAGAIN", $"TryLockFile {name} -> EAGAIN",
                $"TryLockFile {name}",
            }, Fake.Log(nameof(IBpfSystem.TryLockFile)));
            Assert.True(Fake.IsTryLocked(LockOf("edge")));
        }
    }

    [Fact]
    public void TheFilesOfAKilledHolderAreSweptByTheNextRunAndAHeldOneIsLeft()
    {
        using IDisposable other = StateLock.Acquire(Doc("core"), TimeSpan.Zero, default);
        string stale = StateLock.PathOf("77"), note = Path.ChangeExtension(stale, ".holder");
        File.WriteAllText(stale, "");
        File.WriteAllText(note, "pid=1\n");

        using (StateLock.Acquire(Doc("edge"), TimeSpan.Zero, default))
        {
            Assert.False(File.Exists(stale));
            Assert.False(File.Exists(note));
            Assert.True(File.Exists(LockOf("core")));
            Assert.True(Fake.IsTryLocked(LockOf("core")));
        }
    }

    [Fact]
    public void TheLockIsFreeForTheNextRunOnceTheHolderIsDone()
    {
        StateLock.Acquire(Doc("edge"), TimeSpan.Zero, default).Dispose();

        using (StateLock.Acquire(Doc("edge"), TimeSpan.Zero, default))
            Assert.True(Fake.IsTryLocked(LockOf("edge")));
    }

    [Fact]
    public void CtrlCStopsTheWait()
    {
        using IDisposable other = StateLock.Acquire(Doc("edge"), TimeSpan.Zero, default);
        using var stop = new CancellationTokenSource();
        stop.CancelAfter(TimeSpan.FromMilliseconds(50));

        Assert.ThrowsAny<OperationCanceledException>(() =>
            StateLock.Acquire(Doc("core", "edge"), TimeSpan.FromMinutes(5), stop.Token));
        Assert.False(Fake.IsTryLocked(LockOf("core")));
    }
}
