using System;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Measuring;
using EbpfPs.Interop;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Measuring;

/// <summary>
/// What Measure-HookThroughput sets up on a Routed network before it measures, and undoes after, against the fake
/// kernel and the fake host: the commands it runs, only for what was not already so, and their undoing in reverse
/// order, also when a step fails part-way. (The real kernel's run of the same is Measure-HookThroughput.Tests.ps1.)
/// </summary>
public sealed class MeasurementSetupTests : IDisposable
{
    private const string Gro = "generic-receive-offload", TxChecksum = "tx-checksumming";
    private readonly FakeRoutedNetwork _net = new();
    private readonly IDisposable _kernel, _host;

    public MeasurementSetupTests()
    {
        _kernel = BpfSystem.Use(_net.Kernel);
        _host = HostTools.Use(_net.Host);
    }

    public void Dispose()
    {
        _host.Dispose();
        _kernel.Dispose();
        _net.Kernel.Dispose();
    }

    /// <summary>A network as a measurement may find it: some GRO off, TX checksums on a client, neighbours mixed.</summary>
    private void MixedStart()
    {
        _net.SetOffload("RouterA", Gro, false).SetOffload("ClientB", Gro, false)
            .SetOffload("ClientB", TxChecksum, false)
            .SetNeighbour("RouterB", "ClientB", "STALE")
            .SetNeighbour("ClientA", "RouterA", "PERMANENT")
            .SetNeighbour("ClientB", "RouterB", "REACHABLE");
    }

    [Fact]
    public void ForIperfChangesOnlyWhatIsNotSoAlreadyAndUndoesItInReverse()
    {
        MixedStart();

        MeasurementSetup setup = MeasurementSetup.ForIperf(_net.Network, FakeRoutedNetwork.OpenClientProgram);

        Assert.Equal(new[]
        {
            // GRO where redirected frames land: RouterA and ClientB had it off
            "ethtool -K veth-ra gro on",
            "ethtool -K veth-b gro on",
            // TX checksum offload off on the clients: only ClientA had it on
            "ethtool -K veth-a tx off",
            // neighbours pinned, except the one that already was
            "neigh replace 198.18.1.1 lladdr 02:00:00:00:01:01 nud permanent dev veth-ra",
            "neigh replace 198.18.2.1 lladdr 02:00:00:00:02:01 nud permanent dev veth-rb",
            "neigh replace 198.18.2.254 lladdr 02:00:00:00:02:fe nud permanent dev veth-b",
        }, _net.Changes);
        Assert.Equal(new[]
        {
            "XdpAttach mfake-a/veth-a prog 50 UpdateIfNoexist, DrvMode",
            "XdpAttach mfake-b/veth-b prog 50 UpdateIfNoexist, DrvMode",
        }, _net.Kernel.Mutations);
        Assert.Contains(setup.Notes, n => n.StartsWith("GRO was off on veth-ra, veth-b", StringComparison.Ordinal));
        Assert.Contains(setup.Notes, n => n.StartsWith("TX checksum offload turned off on veth-a", StringComparison.Ordinal));
        foreach (string role in new[] { "ClientA", "RouterA", "RouterB", "ClientB" })
            Assert.True(_net.OffloadOf(role, Gro), role);
        Assert.False(_net.OffloadOf("ClientA", TxChecksum));
        Assert.Equal(4, _net.Neighbours.Values.Count(s => s == "PERMANENT"));
        int changesBefore = _net.Changes.Count;

        setup.Dispose();

        Assert.Equal(new[]
        {
            "neigh replace 198.18.2.254 lladdr 02:00:00:00:02:fe nud stale dev veth-b",
            "neigh replace 198.18.2.1 lladdr 02:00:00:00:02:01 nud stale dev veth-rb",
            "neigh del 198.18.1.1 dev veth-ra",
            "ethtool -K veth-a tx on",
            "ethtool -K veth-b gro off",
            "ethtool -K veth-ra gro off",
        }, _net.Changes.Skip(changesBefore));
        // The clients' programs went before anything else was put back: the last step done is the first undone.
        Assert.Equal(new[]
        {
            "XdpDetach mfake-b/veth-b DrvMode, Replace expected 50",
            "XdpDetach mfake-a/veth-a DrvMode, Replace expected 50",
        }, _net.Kernel.Mutations.Skip(2));
        Assert.Equal((0u, 0u, 0u), _net.Kernel.XdpOf("veth-a", "mfake-a"));
        Assert.Equal((0u, 0u, 0u), _net.Kernel.XdpOf("veth-b", "mfake-b"));
        Assert.False(_net.OffloadOf("RouterA", Gro));
        Assert.True(_net.OffloadOf("RouterB", Gro));
        Assert.False(_net.OffloadOf("ClientB", Gro));
        Assert.True(_net.OffloadOf("ClientA", TxChecksum));
        Assert.False(_net.OffloadOf("ClientB", TxChecksum));
        Assert.Null(_net.NeighbourOf("RouterA", "ClientA"));
        Assert.Equal("STALE", _net.NeighbourOf("RouterB", "ClientB"));
        Assert.Equal("PERMANENT", _net.NeighbourOf("ClientA", "RouterA"));
    }

    [Fact]
    public void DisposingTwiceUndoesOnce()
    {
        MixedStart();
        MeasurementSetup setup = MeasurementSetup.ForIperf(_net.Network, FakeRoutedNetwork.OpenClientProgram);
        setup.Dispose();
        int changes = _net.Changes.Count, mutations = _net.Kernel.Mutations.Count;

        setup.Dispose();

        Assert.Equal(changes, _net.Changes.Count);
        Assert.Equal(mutations, _net.Kernel.Mutations.Count);
    }

    [Fact]
    public void AFailingEthtoolUndoesTheStepsAlreadyDoneAndRethrows()
    {
        foreach (string role in new[] { "ClientA", "RouterA", "RouterB", "ClientB" })
            _net.SetOffload(role, Gro, false);
        // GRO goes on in role order RouterA, RouterB, ClientA, ClientB: the third fails.
        _net.Host.On("ip netns exec mfake-a ethtool -K veth-a gro on", "", exitCode: 1,
            error: "Cannot change generic-receive-offload");

        var e = Assert.Throws<BpfException>(() =>
            MeasurementSetup.ForIperf(_net.Network, FakeRoutedNetwork.OpenClientProgram));

        Assert.Equal(ErrorId.TestNetworkCommandFailed, e.ErrorId);
        Assert.Contains("Cannot change generic-receive-offload", e.Message);
        Assert.Equal(new[]
        {
            "ethtool -K veth-ra gro on",
            "ethtool -K veth-rb gro on",
            "ethtool -K veth-a gro on",
            // undone, last first; nothing after the failed step was tried
            "ethtool -K veth-rb gro off",
            "ethtool -K veth-ra gro off",
        }, _net.Changes);
        Assert.Empty(_net.Kernel.Mutations);
        Assert.DoesNotContain(_net.Host.Lines, l => l.Contains("neigh", StringComparison.Ordinal));
        foreach (string role in new[] { "ClientA", "RouterA", "RouterB", "ClientB" })
            Assert.False(_net.OffloadOf(role, Gro), role);
    }

    [Fact]
    public void AFailedClientAttachUndoesEverythingBeforeIt()
    {
        MixedStart();
        _net.Kernel.Fail(nameof(IBpfSystem.XdpAttach), Errno.EPERM, nth: 2);

        var e = Assert.Throws<BpfException>(() =>
            MeasurementSetup.ForIperf(_net.Network, FakeRoutedNetwork.OpenClientProgram));

        Assert.Equal(ErrorId.XdpAttachFailed, e.ErrorId);
        Assert.Equal(new[]
        {
            "XdpAttach mfake-a/veth-a prog 50 UpdateIfNoexist, DrvMode",
            "XdpAttach mfake-b/veth-b prog 50 UpdateIfNoexist, DrvMode -> EPERM",
            "XdpDetach mfake-a/veth-a DrvMode, Replace expected 50",
        }, _net.Kernel.Mutations);
        Assert.Equal(new[]
        {
            "neigh replace 198.18.2.254 lladdr 02:00:00:00:02:fe nud stale dev veth-b",
            "neigh replace 198.18.2.1 lladdr 02:00:00:00:02:01 nud stale dev veth-rb",
            "neigh del 198.18.1.1 dev veth-ra",
            "ethtool -K veth-a tx on",
            "ethtool -K veth-b gro off",
            "ethtool -K veth-ra gro off",
        }, _net.Changes.Skip(6));
        Assert.Null(_net.NeighbourOf("RouterA", "ClientA"));
        Assert.False(_net.OffloadOf("RouterA", Gro));
    }

    [Fact]
    public void ForRoutedLiveFramesPinsNeighboursAndPutsTheDropProgramOnClientBOnly()
    {
        _net.SetOffload("ClientB", Gro, false);

        MeasurementSetup setup = MeasurementSetup.ForLiveFrames(_net.Network, _net["RouterA"], _net["ClientB"],
            routed: true, FakeRoutedNetwork.OpenClientProgram);

        Assert.Equal(new[]
        {
            "ethtool -K veth-b gro on",
            "neigh replace 198.18.1.1 lladdr 02:00:00:00:01:01 nud permanent dev veth-ra",
            "neigh replace 198.18.2.1 lladdr 02:00:00:00:02:01 nud permanent dev veth-rb",
            "neigh replace 198.18.1.254 lladdr 02:00:00:00:01:fe nud permanent dev veth-a",
            "neigh replace 198.18.2.254 lladdr 02:00:00:00:02:fe nud permanent dev veth-b",
        }, _net.Changes);
        Assert.Equal(new[] { "XdpAttach mfake-b/veth-b prog 51 UpdateIfNoexist, DrvMode" }, _net.Kernel.Mutations);
        // Live frames leave TX checksums alone: the generator's frames carry full checksums.
        Assert.DoesNotContain(_net.Host.Lines, l => l.EndsWith(" tx off", StringComparison.Ordinal));

        setup.Dispose();

        Assert.Equal("XdpDetach mfake-b/veth-b DrvMode, Replace expected 51", _net.Kernel.Mutations[^1]);
        Assert.Empty(_net.Neighbours);
        Assert.False(_net.OffloadOf("ClientB", Gro));
        Assert.Equal("ethtool -K veth-b gro off", _net.Changes[^1]);
    }

    [Fact]
    public void WhenEverythingIsAlreadySoNothingIsChangedOrUndone()
    {
        // A Pair measurement at B with GRO on: it only looks.
        MeasurementSetup setup = MeasurementSetup.ForLiveFrames(_net.Network, _net["ClientB"], _net["ClientB"],
            routed: false, FakeRoutedNetwork.OpenClientProgram);
        setup.Dispose();

        Assert.Equal(new[] { "ip netns exec mfake-b ethtool -k veth-b" }, _net.Host.Lines);
        Assert.Empty(setup.Notes);
        Assert.Empty(_net.Kernel.Mutations);
    }
}
