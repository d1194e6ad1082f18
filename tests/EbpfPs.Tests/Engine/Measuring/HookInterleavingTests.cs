using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using EbpfPs.Engine.Measuring;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Measuring;

/// <summary>
/// The measurement's one loop against the fake kernel, with a sample function standing in for the traffic: the
/// order samples are taken in, that the program is attached at the sample's hook while it runs, and that every
/// attach is detached, also when a sample fails.
/// </summary>
public sealed class HookInterleavingTests : IDisposable
{
    private const uint XdpProgram = 60, TcProgram = 61;
    private const string Ns = "hi-fake", Dev = "veth-h";
    private readonly FakeBpfSystem _fake = new();
    private readonly FakeHostTools _host = new();
    private readonly IDisposable _kernel, _tools;
    private readonly AttachableProgram _xdp, _tc;
    private readonly BpfTestInterface _hookSide;

    public HookInterleavingTests()
    {
        _fake.AddProgram(XdpProgram, "xdp_under_test", BpfProgType.Xdp)
            .AddProgram(TcProgram, "tc_under_test", BpfProgType.SchedCls)
            .AddNamespace(Ns);
        int index = _fake.AddInterface(Dev, Ns);
        _hookSide = new BpfTestInterface { Role = "B", NetNamespace = Ns, Interface = Dev, Ifindex = index };
        _host.Files["/proc/sys/kernel/osrelease"] = "6.18.0-fake\n";
        _kernel = BpfSystem.Use(_fake);
        _tools = HostTools.Use(_host);
        _xdp = AttachableProgram.FromId(XdpProgram);
        _tc = AttachableProgram.FromId(TcProgram);
    }

    public void Dispose()
    {
        _xdp.Dispose();
        _tc.Dispose();
        _tools.Dispose();
        _kernel.Dispose();
        _fake.Dispose();
    }

    private Interleaving Run(Func<SampleSlot, MeasurementSample> sample, int repeat = 2, params int[] sizes) => new()
    {
        Options = new HookMeasurementOptions
        {
            OpenProgram = (_, _) => throw new InvalidOperationException("the driver opens no programs"),
            ProgramLabel = "under_test",
            Hooks = new[] { BpfHook.XdpNative, BpfHook.TcIngress, BpfHook.Stack },
            Repeat = repeat,
        },
        Sizes = sizes.Length == 0 ? new[] { 64, 128 } : sizes,
        AttachOn = new[] { _hookSide },
        Programs = new Dictionary<BpfHookKind, AttachableProgram> { [BpfHookKind.Xdp] = _xdp, [BpfHookKind.Tc] = _tc },
        Sample = (slot, _) => sample(slot),
        Status = slot => $"{slot.Hook} {slot.Size} #{slot.Round + 1}",
        Network = "fake",
    };

    /// <summary>What is on the hook side's XDP hook and ingress filters right now.</summary>
    private string Attached()
    {
        FakeInterface i = _fake.Interface(Dev, Ns);
        var on = new List<string>();
        if (i.XdpDrv != 0) on.Add($"xdpdrv {i.XdpDrv}");
        if (i.XdpSkb != 0) on.Add($"xdpgeneric {i.XdpSkb}");
        on.AddRange(i.Ingress.Select(f => $"ingress {f.ProgramId}"));
        return on.Count == 0 ? "nothing" : string.Join(", ", on);
    }

    private static MeasurementSample Sample(ulong packets) => new() { Received = packets, Sent = packets, Seconds = 1 };

    [Fact]
    public void SamplesRoundBySizeByHookWithTheProgramAttachedAtThatHookAndNothingLeftAfter()
    {
        var seen = new List<string>();
        var progress = new List<(string, int)>();
        ulong n = 0;

        IReadOnlyList<HookThroughput> results = HookInterleaving.Run(Run(slot =>
        {
            seen.Add($"{slot.Round} {slot.Size} {slot.Hook}: {Attached()}");
            return Sample(++n * 1000);
        }), () => new[] { "a note" }, (what, percent) => progress.Add((what, percent)), CancellationToken.None);

        Assert.Equal(new[]
        {
            "0 64 XdpNative: xdpdrv 60", "0 64 TcIngress: ingress 61", "0 64 Stack: nothing",
            "0 128 XdpNative: xdpdrv 60", "0 128 TcIngress: ingress 61", "0 128 Stack: nothing",
            "1 64 XdpNative: xdpdrv 60", "1 64 TcIngress: ingress 61", "1 64 Stack: nothing",
            "1 128 XdpNative: xdpdrv 60", "1 128 TcIngress: ingress 61", "1 128 Stack: nothing",
        }, seen);
        Assert.Equal("nothing", Attached());
        Assert.Equal(new[] { 0, 8, 16, 25, 33, 41, 50, 58, 66, 75, 83, 91 }, progress.Select(p => p.Item2));
        Assert.Equal("XdpNative 64 #1", progress[0].Item1);
        // Results by size, then hook; each the median of its two rounds.
        Assert.Equal(new[]
        {
            (BpfHook.XdpNative, 64), (BpfHook.TcIngress, 64), (BpfHook.Stack, 64),
            (BpfHook.XdpNative, 128), (BpfHook.TcIngress, 128), (BpfHook.Stack, 128),
        }, results.Select(r => (r.Hook, r.PacketSize)));
        HookThroughput first = results[0];
        Assert.Equal(2, first.Samples);
        Assert.Equal(new[] { 1000.0, 7000.0 }, first.SamplePacketsPerSecond);
        Assert.Equal(7000UL, first.Packets);
        Assert.Equal(XdpMode.Native, first.XdpModeInForce);
        Assert.Null(results[1].XdpModeInForce);
        Assert.Equal("6.18.0-fake", first.Kernel);
        Assert.Equal("a note", first.Note);
        Assert.StartsWith("no program attached", results[2].Note, StringComparison.Ordinal);
        Assert.Equal("fake", first.Network);
        Assert.Equal("under_test", first.Program);
    }

    [Fact]
    public void ASampleReportsItsOwnProgressWithinItsShareOfTheRun()
    {
        var progress = new List<(string, int)>();

        HookInterleaving.Run(Run(slot =>
        {
            slot.Report("half way", 0.5);
            return Sample(1);
        }, repeat: 1, 64), () => Array.Empty<string>(), (what, percent) => progress.Add((what, percent)),
            CancellationToken.None);

        Assert.Equal(new[]
        {
            ("XdpNative 64 #1", 0), ("XdpNative 64 #1: half way", 16),
            ("TcIngress 64 #1", 33), ("TcIngress 64 #1: half way", 50),
            ("Stack 64 #1", 66), ("Stack 64 #1: half way", 83),
        }, progress);
    }

    [Theory]
    [InlineData(BpfHook.XdpNative)]
    [InlineData(BpfHook.TcIngress)]
    public void ASampleThatFailsLeavesNothingAttached(BpfHook failAt)
    {
        var boom = new InvalidOperationException("the traffic failed");

        var e = Assert.Throws<InvalidOperationException>(() => HookInterleaving.Run(Run(slot =>
            slot.Hook == failAt ? throw boom : Sample(1)), () => Array.Empty<string>(), null,
            CancellationToken.None));

        Assert.Same(boom, e);
        Assert.Equal("nothing", Attached());
        IReadOnlyList<string> mutations = _fake.Mutations;
        string detach = failAt == BpfHook.XdpNative ? "XdpDetach" : "TcDetach";
        Assert.StartsWith(detach, mutations.Last(m => !m.StartsWith("TcHookDestroy", StringComparison.Ordinal)),
            StringComparison.Ordinal);
        // Every attach was followed by its detach before the next attach.
        int attached = 0;
        foreach (string m in mutations)
        {
            if (m.StartsWith("XdpAttach", StringComparison.Ordinal) || m.StartsWith("TcAttach", StringComparison.Ordinal))
                Assert.Equal(0, attached++);
            else if (m.StartsWith("XdpDetach", StringComparison.Ordinal) || m.StartsWith("TcDetach", StringComparison.Ordinal))
                Assert.Equal(1, attached--);
        }
        Assert.Equal(0, attached);
    }

    [Fact]
    public void AStopBetweenSamplesDetachesAndEndsTheRun()
    {
        using var stop = new CancellationTokenSource();
        int samples = 0;

        Assert.Throws<OperationCanceledException>(() => HookInterleaving.Run(Run(slot =>
        {
            if (++samples == 2) stop.Cancel();
            return Sample(1);
        }), () => Array.Empty<string>(), null, stop.Token));

        Assert.Equal(2, samples);
        Assert.Equal("nothing", Attached());
    }
}
